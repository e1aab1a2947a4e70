// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"iter"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// The slots of a segment come in groups of groupSize, each group a control
// word and groupSize pointers to entries: 64 bytes on 64-bit platforms, one
// cache line. The control word has one control byte per slot, slot i in
// byte i (the low byte is slot 0), and in the top byte the group's overflow
// count.
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
//
// Readers load control words and slots atomically, without a lock, while
// the segment's writer changes them (see the design in map.go): a slot is
// filled before its control byte says so, and its control byte emptied
// before the slot is, so that a reader that finds a control byte may find
// an entry for another key, or none, but never one that is not an entry.
const groupSize = 7

const (
	ctrlEmpty = 0x80 // 1000_0000
	// A full slot's byte is 0hhh_hhhh: h2 of its key.

	// emptyGroup is the control word of a group with every slot empty and
	// an overflow count of zero.
	emptyGroup = 0x0080_8080_8080_8080

	lsbs      = 0x0101_0101_0101_0101 // the low bit of every byte
	slotsMask = 0x0080_8080_8080_8080 // the high bit of every control byte

	overflowShift = 56
	overflowOne   = 1 << overflowShift
	overflowMax   = 0xff
)

// A group holds groupSize slots and their control word.
type group[K comparable, V any] struct {
	ctrl  uint64 // read and written atomically
	slots [groupSize]atomic.Pointer[entry[K, V]]
	_     [groupPad]byte
}

// groupPad keeps the control word of every group of an array 8-byte
// aligned, as 64-bit atomic operations need on 32-bit platforms, where
// seven pointers take 28 bytes.
const groupPad = (8 - groupSize*unsafe.Sizeof(uintptr(0))%8) % 8

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

// An array is the groups of one segment, which its writer adds keys to and
// readers probe at once. It is published through the directory (see
// dirSlot), with its length; once replaced, it is never written again.
type array[K comparable, V any] []group[K, V]

// newArray returns an array of n empty groups.
func newArray[K comparable, V any](n int) array[K, V] {
	a := make(array[K, V], n)
	for i := range a {
		a[i].ctrl = emptyGroup
	}
	return a
}

// groupOf returns the group where the probe for hash h starts, in an array
// of n groups: bits 7 to 38 of h, scaled to n, which need not be a power of
// two. The directory takes the top bits of h, h2 the low 7.
func groupOf(h uint64, n uintptr) uintptr {
	return uintptr(uint64(uint32(h>>7)) * uint64(n) >> 32)
}

// putLocked adds entry e, whose key's hash is h, to the first free slot of
// its probe, counting an overflow in each group it goes past, and reports
// whether it found one; the caller holds the lock of a's segment. The slot
// is filled before its control byte says so: a reader that sees the byte
// finds the entry.
func (a array[K, V]) putLocked(h uint64, e *entry[K, V]) bool {
	n := uintptr(len(a))
	g := groupOf(h, n)
	for range n {
		grp := &a[g]
		ctrl := atomic.LoadUint64(&grp.ctrl)
		if free := matchEmpty(ctrl); free != 0 {
			i := free.first()
			grp.slots[i].Store(e)
			atomic.StoreUint64(&grp.ctrl, setCtrl(ctrl, i, h2(h)))
			return true
		}
		atomic.StoreUint64(&grp.ctrl, overflow(ctrl))
		if g++; g == n {
			g = 0
		}
	}
	return false
}

// putUnpublished is putLocked for an array that no reader has seen yet,
// which the segment's lock holder fills before publishing it: plain stores
// suffice, as the publication orders them before any reader's loads.
func (a array[K, V]) putUnpublished(h uint64, e *entry[K, V]) bool {
	n := uintptr(len(a))
	g := groupOf(h, n)
	for range n {
		grp := &a[g]
		if free := matchEmpty(grp.ctrl); free != 0 {
			i := free.first()
			*(*unsafe.Pointer)(unsafe.Pointer(&grp.slots[i])) = unsafe.Pointer(e)
			grp.ctrl = setCtrl(grp.ctrl, i, h2(h))
			return true
		}
		grp.ctrl = overflow(grp.ctrl)
		if g++; g == n {
			g = 0
		}
	}
	return false
}

// removeUnpublished empties slot i of group g of a, whose key has hash h,
// and takes back the overflows that the key's probe counted in the groups
// before g. a is not published yet: plain stores suffice.
func (a array[K, V]) removeUnpublished(g, i uintptr, h uint64) {
	n := uintptr(len(a))
	grp := &a[g]
	grp.ctrl = setCtrl(grp.ctrl, i, ctrlEmpty)
	*(*unsafe.Pointer)(unsafe.Pointer(&grp.slots[i])) = nil
	for p := groupOf(h, n); p != g; {
		a[p].ctrl = unoverflow(a[p].ctrl)
		if p++; p == n {
			p = 0
		}
	}
}

// full returns an iterator over the entries of the full slots of a.
func (a array[K, V]) full() iter.Seq[*entry[K, V]] {
	return func(yield func(*entry[K, V]) bool) {
		for g := range a {
			grp := &a[g]
			for b := matchFull(atomic.LoadUint64(&grp.ctrl)); b != 0; b = b.rest() {
				if e := grp.slots[b.first()].Load(); e != nil && !yield(e) {
					return
				}
			}
		}
	}
}
