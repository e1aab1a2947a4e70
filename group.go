// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "math/bits"

// The slots of a segment come in groups of groupSize, each group with a
// control word: one control byte per slot, slot i in byte i (the low byte
// is slot 0). A control byte says whether its slot is empty, a tombstone
// (its key was removed, and probes must go on past it), or full; a full
// slot's byte holds 7 bits of its key's hash (h2), so that one comparison
// of eight bytes at once, in plain Go arithmetic on a uint64, finds the few
// slots of a group whose key may be the one sought.
const groupSize = 8

const (
	ctrlEmpty     = 0x80 // 1000_0000
	ctrlTombstone = 0xfe // 1111_1110
	// A full slot's byte is 0hhh_hhhh: h2 of its key.

	// emptyGroup is the control word of a group with every slot empty.
	emptyGroup = 0x8080_8080_8080_8080

	lsbs = 0x0101_0101_0101_0101 // the low bit of every byte
	msbs = 0x8080_8080_8080_8080 // the high bit of every byte
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
	return bitset((x - lsbs) &^ x & msbs)
}

// matchEmpty marks the empty slots of ctrl: of the bytes whose high bit is
// set, those whose bit 1 is clear. The shift moves bit 1 of each byte to
// bit 7 of the same byte, so no byte is read into another.
func matchEmpty(ctrl uint64) bitset {
	return bitset(ctrl &^ (ctrl << 6) & msbs)
}

// matchFull marks the full slots of ctrl: those whose high bit is clear.
func matchFull(ctrl uint64) bitset {
	return bitset(^ctrl & msbs)
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
	shift := uint(i) * 8
	return ctrl&^(0xff<<shift) | c<<shift
}
