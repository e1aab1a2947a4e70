// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"iter"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// The slots of a segment's table come in groups of groupSize, each group a
// control word and groupSize pointers to entries. The control word has one
// control byte per slot, slot i in byte i (the low byte is slot 0), and in
// the top byte the group's overflow count.
//
// A control byte says whether its slot is empty or full; a full slot's
// byte holds 7 bits of its key's hash (h2), so that one comparison of eight
// bytes at once, in plain Go arithmetic on a uint64, finds the few slots
// of a group whose key may be the one sought.
//
// The overflow count is the number of keys in later groups that found
// this group full when they came: a probe for a key that the group does
// not hold goes on only if it is not zero. A look-up of a missing key
// therefore ends at its first group unless that group overflowed, however
// full the table; and a key leaves its slot with no tombstone left behind,
// by taking back its count from the groups its probe went past. A count
// that reaches 255 stays there until the table is replaced.
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

// A group holds groupSize slots and their control word: 64 bytes, one
// cache line, on 64-bit platforms. A slot holds an *entry[K, V] of the Map
// whose table holds the group; the group itself does not depend on K and
// V, so that the look-up indexes it with constant offsets.
type group struct {
	ctrl  uint64 // read and written atomically
	_     [groupPad]byte
	slots [groupSize]unsafe.Pointer // read and written atomically
}

// groupPad keeps the control word of every group of a table 8-byte aligned,
// as 64-bit atomic operations need on 32-bit platforms, where seven
// pointers take 28 bytes. It is not the last field: Go pads a struct whose
// last field has size zero.
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

// slot returns the address of slot i of g, which is below groupSize by
// construction: unchecked, as a check would add a compare and a branch to
// every step of every probe.
func (g *group) slot(i uintptr) *unsafe.Pointer {
	return (*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(&g.slots), i*unsafe.Sizeof(g.slots[0])))
}

// A table is the groups of one segment, behind a header: table[0] is not a
// group of slots but the header, whose control word holds the table's mask,
// the number of its groups less one, a power of two less one. Readers find
// a table through the address of its first group, which a directory slot
// holds (see dirSlot), and need nothing else to probe it: the mask sits
// just before it, in the same allocation, and never changes.
type table []group

// newTable returns a table of n empty groups; n must be a power of two.
func newTable(n int) table {
	t := make(table, 1+n)
	t[0].ctrl = uint64(n - 1)
	for i := 1; i <= n; i++ {
		t[i].ctrl = emptyGroup
	}
	return t
}

// groups returns the number of groups of t.
func (t table) groups() int { return len(t) - 1 }

// first returns the address of t's first group, which readers find it by.
func (t table) first() *group { return &t[1] }

// mask returns the mask of the table whose first group is g0. It is
// written before the table is published and never again, so it is read
// with a plain load.
func (g0 *group) mask() uintptr {
	return uintptr((*group)(unsafe.Add(unsafe.Pointer(g0), -int(unsafe.Sizeof(*g0)))).ctrl)
}

// home returns the group of hash h in the table whose first group is g0:
// the first group of h's probe. The directory takes the top bits of h, h2
// the low 7; the group index is the bits above those, masked.
func (g0 *group) home(h uint64) uintptr { return uintptr(h>>7) & g0.mask() }

// homeGroup returns g0.at(g0.home(h)): written out, so that the look-up,
// which inlines it, has one call the fewer to mark.
func (g0 *group) homeGroup(h uint64) *group {
	return (*group)(unsafe.Add(unsafe.Pointer(g0), uintptr(h>>7)&g0.mask()*unsafe.Sizeof(*g0)))
}

// holds reports whether g is a group of t.
func (t table) holds(g *group) bool {
	off := uintptr(unsafe.Pointer(g)) - uintptr(unsafe.Pointer(t.first()))
	return g != nil && off < uintptr(t.groups())*unsafe.Sizeof(*g)
}

// at returns group i of the table whose first group is g0. The index is
// not checked: callers mask it below the number of groups, and a check
// would add a compare and a branch to every probe.
func (g0 *group) at(i uintptr) *group {
	return (*group)(unsafe.Add(unsafe.Pointer(g0), i*unsafe.Sizeof(*g0)))
}

// find returns the entry of key, whose hash is h, in the table whose
// first group is g0, or nil, with the group and slot that hold it. It is the
// one probe of every call that takes a key, with or without the
// segment's lock; Load probes the key's home group itself first (see
// Map.Load). eq says how to compare keys (see keysEqual).
func find[K comparable, V any](g0 *group, h uint64, key K, eq keyEq) (e *entry[K, V], g *group, i uintptr) {
	mask := g0.mask()
	match := lsbs * h2(h)
	for n, gi := uintptr(0), g0.home(h); n <= mask; n++ {
		g := g0.at(gi)
		ctrl := atomic.LoadUint64(&g.ctrl)
		for b := matchH2(ctrl, match); b != 0; b = b.rest() {
			i := b.first()
			if e := (*entry[K, V])(atomic.LoadPointer(g.slot(i))); e != nil && keysEqual(&e.key, &key, eq) {
				return e, g, i
			}
		}
		if !overflowed(ctrl) {
			break
		}
		gi = (gi + 1) & mask
	}
	return nil, nil, 0
}

// putLocked adds e, the entry of a key whose hash is h, to the first free
// slot of its probe, counting an overflow in each group it goes past; the
// caller holds the lock of t's segment, and has made sure that t has a
// free slot. The slot is filled before its control byte says so: a reader
// that sees the byte finds the entry.
func (t table) putLocked(h uint64, e unsafe.Pointer) {
	g0 := t.first()
	mask := g0.mask()
	for n, gi := uintptr(0), g0.home(h); n <= mask; n++ {
		g := g0.at(gi)
		ctrl := atomic.LoadUint64(&g.ctrl)
		if free := matchEmpty(ctrl); free != 0 {
			i := free.first()
			atomic.StorePointer(g.slot(i), e)
			atomic.StoreUint64(&g.ctrl, setCtrl(ctrl, i, h2(h)))
			return
		}
		atomic.StoreUint64(&g.ctrl, overflow(ctrl))
		gi = (gi + 1) & mask
	}
	panic("syncmap: internal error: no free slot in a table")
}

// putUnpublished is putLocked for a table that no reader has seen yet,
// which a writer fills before publishing it: plain stores suffice, as the
// publication orders them before any reader's loads.
func (t table) putUnpublished(h uint64, e unsafe.Pointer) {
	g0 := t.first()
	mask := g0.mask()
	for n, gi := uintptr(0), g0.home(h); n <= mask; n++ {
		g := g0.at(gi)
		if free := matchEmpty(g.ctrl); free != 0 {
			i := free.first()
			*g.slot(i) = e
			g.ctrl = setCtrl(g.ctrl, i, h2(h))
			return
		}
		g.ctrl = overflow(g.ctrl)
		gi = (gi + 1) & mask
	}
	panic("syncmap: internal error: no free slot in a new table")
}

// removeLocked empties slot i of group g of t, which holds the entry of a
// key of hash h, and takes back the overflows that the key's probe counted
// in the groups before g; the caller holds the lock of t's segment. The
// control byte is emptied before the slot, so that a reader that finds the
// byte full finds the entry, or, once the slot has been taken again,
// another; the overflow counts go down only once the key has left, so
// that they never miss a key still in the table.
func (t table) removeLocked(g *group, i uintptr, h uint64) {
	atomic.StoreUint64(&g.ctrl, setCtrl(atomic.LoadUint64(&g.ctrl), i, ctrlEmpty))
	atomic.StorePointer(g.slot(i), nil)
	g0 := t.first()
	mask := g0.mask()
	for gi := g0.home(h); g0.at(gi) != g; gi = (gi + 1) & mask {
		p := g0.at(gi)
		atomic.StoreUint64(&p.ctrl, unoverflow(atomic.LoadUint64(&p.ctrl)))
	}
}

// full returns an iterator over the full slots of t, each as its group
// and its index in the group. The caller holds the lock of t's segment,
// or t is no longer written: the slots yielded are full then, and a slot
// the caller empties does not stop the iteration.
func (t table) full() iter.Seq2[*group, uintptr] {
	return func(yield func(*group, uintptr) bool) {
		for g := 1; g < len(t); g++ {
			grp := &t[g]
			for b := matchFull(atomic.LoadUint64(&grp.ctrl)); b != 0; b = b.rest() {
				if !yield(grp, b.first()) {
					return
				}
			}
		}
	}
}

// appendEntries appends the entries of the full slots of t to es. The
// caller holds the lock of t's segment.
func (t table) appendEntries(es []unsafe.Pointer) []unsafe.Pointer {
	for g := 1; g < len(t); g++ {
		grp := &t[g]
		for b := matchFull(grp.ctrl); b != 0; b = b.rest() {
			es = append(es, atomic.LoadPointer(grp.slot(b.first())))
		}
	}
	return es
}
