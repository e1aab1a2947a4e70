// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "math/bits"

// The slots of a segment come in groups of groupSize, each group with a
// control word of eight bytes: one control byte per slot, slot i in byte i
// (the low byte is slot 0), and in the top byte the group's overflow count.
//
// A control byte says whether its slot is empty or full; a full slot's
// byte holds 7 bits of its key's hash (h2), so that one comparison of eight
// bytes at once, in plain Go arithmetic on a uint64, finds the few slots
// of a group whose key may be the one sought.
//
// The overflow count is the number of keys that the group did not have
// room for when they came, and that went on to a later group: a probe for
// a key that the group does not hold goes on only if it is not zero. A
// look-up of a missing key therefore ends at its first group unless that
// group overflowed, however full the segment; and a key can be removed by
// emptying its slot, with no tombstone left behind, by decrementing the
// counts of the groups its probe went past. A count that reaches 255 stays
// there until the segment is rebuilt.
const groupSize = 7

const (
	ctrlEmpty = 0x80 // 1000_0000
	// A full slot's byte is 0hhh_hhhh: h2 of its key.

	// emptyGroup is the control word of a group with every slot empty and
	// an overflow count of zero.
	emptyGroup = 0x0080_8080_8080_8080

	lsbs      = 0x0101_0101_0101_0101 // the low bit of every byte
	msbs      = 0x8080_8080_8080_8080 // the high bit of every byte
	slotsMask = 0x0080_8080_8080_8080 // the high bit of every control byte

	overflowShift = 56
	overflowOne   = 1 << overflowShift
	overflowMax   = 0xff
)

// A group holds groupSize slots and their control word.
type group[K comparable, V any] struct {
	ctrl  uint64
	slots [groupSize]slot[K, V]
}

type slot[K comparable, V any] struct {
	key K
	e   *entry[V]
}

// h2 returns the bits of hash h that a full slot's control byte holds.
func h2(h uint64) uint64 { return h & 0x7f }

// A bitset marks slots of a group: the high bit of byte i marks slot i.
type bitset uint64

// matchH2 marks the slots of ctrl whose byte is h2; match is h2 in every
// byte (lsbs * h2). It may also mark a slot whose byte is h2^1 when the
// slot below it matched: the borrow of the subtraction runs into it.
// Callers compare keys anyway, so a rare false match costs a comparison
// and nothing else.
func matchH2(ctrl, match uint64) bitset {
	x := ctrl ^ match // the matching bytes are now zero
	return bitset((x - lsbs) &^ x & slotsMask)
}

// matchEmpty marks the empty slots of ctrl.
func matchEmpty(ctrl uint64) bitset {
	return bitset(ctrl & slotsMask)
}

// matchFull marks the full slots of ctrl.
func matchFull(ctrl uint64) bitset {
	return bitset(^ctrl & slotsMask)
}

// overflowed reports whether a probe that does not find its key in the
// group of ctrl must go on to the next.
func overflowed(ctrl uint64) bool {
	return ctrl >= overflowOne
}

// first returns the slot of the lowest mark of b, which must not be empty:
// a number below groupSize.
func (b bitset) first() uintptr {
	return uintptr(bits.TrailingZeros64(uint64(b))) / 8
}

// rest returns b without its lowest mark.
func (b bitset) rest() bitset {
	return b & (b - 1)
}

// setCtrl returns ctrl with the byte of slot i set to c.
func setCtrl(ctrl uint64, i uintptr, c uint64) uint64 {
	shift := i * 8
	return ctrl&^(0xff<<shift) | c<<shift
}

// overflow returns ctrl with its overflow count raised by one, unless it
// is at the most.
func overflow(ctrl uint64) uint64 {
	if ctrl>>overflowShift == overflowMax {
		return ctrl
	}
	return ctrl + overflowOne
}

// unoverflow returns ctrl with its overflow count lowered by one, unless it
// is at the most, where it no longer counts.
func unoverflow(ctrl uint64) uint64 {
	if ctrl>>overflowShift == overflowMax {
		return ctrl
	}
	return ctrl - overflowOne
}
