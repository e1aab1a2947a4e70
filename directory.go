// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"hash/maphash"
	"reflect"
	"sync/atomic"
	"unsafe"
)

// A directory maps hashes to segments, as in extendible hashing: it has
// 1<<depth slots (the global depth), and the segment of a key is the one in
// the slot that the top depth bits of its hash select. A segment of local
// depth d holds the keys whose hashes begin with the same d bits, and fills
// the 1<<(depth-d) slots that begin with them (its span).
//
// A directory also carries what every call needs with it: the Map's hasher
// and value settings, and the counter of the keys of its generation (from
// the Map's first key, or from a Clear, to the next Clear).
type directory[K comparable, V any] struct {
	// The fields from here to deep are set when the directory is made,
	// and never written again: any goroutine may read them.
	hs    hasher
	tune  *tuning // the Map's
	mode  valueMode
	cmp   comparison
	depth uint8 // at least 1
	count *counter

	// deep counts the segments of the directory whose local depth is
	// depth-1 or depth: once it is zero, the directory is at least four
	// times as large as its segments need, and halves (see Map.halve).
	// It is changed, atomically, by the splits and merges of segments of
	// those depths, with their locks held, and set by whoever makes the
	// directory, with every segment's lock held.
	deep atomic.Int64

	// slots is the directory itself. A slot changes with the lock of the
	// segment that fills it held (see segment.go); a directory whose depth
	// changes is replaced by a new one, which takes every segment's lock.
	slots []dirSlot
}

// A dirSlot is a slot of a directory: a segment, and the first group of the
// segment's current table, which readers probe without a look at the
// segment. Each is read and written atomically, on its own: readers need
// only the table, and writers only the segment, whose lock they then take,
// and whose own fields say which table is current. A slot does not depend
// on K and V, so that the look-up indexes the directory with constant
// offsets; seg is a *segment[K, V] of the Map, which segOf returns.
type dirSlot struct {
	tab atomic.Pointer[group]
	seg unsafe.Pointer
}

// store writes the slot: a segment and its table. The caller holds the
// lock of the segment and of the segment that the slot held.
func (ds *dirSlot) store(s unsafe.Pointer, t table) {
	ds.tab.Store(t.first())
	atomic.StorePointer(&ds.seg, s)
}

// storeUnpublished writes the slot, of a directory that no other
// goroutine can see yet, with plain stores: the directory's publication
// orders them before any reader's loads.
func (ds *dirSlot) storeUnpublished(s unsafe.Pointer, g0 *group) {
	*(*unsafe.Pointer)(unsafe.Pointer(&ds.tab)) = unsafe.Pointer(g0)
	ds.seg = s
}

// segOf returns the segment in the slot of hash h.
func (d *directory[K, V]) segOf(h uint64) *segment[K, V] {
	return (*segment[K, V])(atomic.LoadPointer(&d.slotOf(h).seg))
}

// segAt returns the segment in slot i.
func (d *directory[K, V]) segAt(i int) *segment[K, V] {
	return (*segment[K, V])(atomic.LoadPointer(&d.slots[i].seg))
}

// newDirectory returns the directory of a new generation of a Map: one
// segment of one empty group, in a directory of depth 1.
func newDirectory[K comparable, V any](hs hasher, tune *tuning, mode valueMode, cmp comparison) *directory[K, V] {
	// One allocation for the directory and its slots, and one for the
	// segment and the counter. Every directory of the generation points to
	// the counter, and keeps the segment with it, which holds nothing once
	// it is gone (see dropLocked).
	a := new(struct {
		d     directory[K, V]
		slots [2]dirSlot
	})
	sc := new(struct {
		s     segment[K, V]
		count counter
	})
	s := &sc.s
	s.tab = newTable(1)
	a.d = directory[K, V]{hs: hs, tune: tune, mode: mode, cmp: cmp, depth: 1, count: &sc.count, slots: a.slots[:]}
	a.d.deep.Store(1)
	for i := range a.slots {
		a.slots[i].storeUnpublished(unsafe.Pointer(s), s.tab.first())
	}
	return &a.d
}

// firstDirectory returns the directory of the first generation of a Map
// of tuning tune, with a hasher of its own.
func firstDirectory[K comparable, V any](tune *tuning) *directory[K, V] {
	vt := reflect.TypeFor[V]()
	return newDirectory[K, V](newHasher[K](tune.Hash), tune, valueModeOf(vt), comparisonOf(vt))
}

// hash returns the hash of key, and how to compare it with the keys of
// the table (see keysEqual). It makes the choice of the function hash
// inline for the commonest kinds of key, so that hashing them costs a
// look-up no call of its own; a switch of more cases would be a binary
// search, slower for the commonest of all, integers. The size tests are
// constants for a given K, so the cases that cannot be its kind compile to
// nothing.
func (d *directory[K, V]) hash(key K) (h uint64, eq keyEq) {
	switch kind := d.hs.kind; {
	case unsafe.Sizeof(key) <= 8 && kind == kindInteger:
		return hashInteger(&d.hs, key), eqPlain
	case unsafe.Sizeof(key) == 2*unsafe.Sizeof(uintptr(0)) && kind == kindInterface:
		h, direct := hashInterface(&d.hs, key)
		if direct {
			return h, eqWords
		}
		return h, eqPlain
	case unsafe.Sizeof(key) == 2*unsafe.Sizeof(uintptr(0)) && kind == kindString:
		return maphash.Comparable(d.hs.seed, key), eqString
	case kind == kindComparable:
		return maphash.Comparable(d.hs.seed, key), eqPlain
	}
	return hash(&d.hs, key), eqPlain
}

// countDeep adds delta to d.deep if segments of the given depth count
// there.
func (d *directory[K, V]) countDeep(depth uint8, delta int64) {
	if depth+1 >= d.depth {
		d.deep.Add(delta)
	}
}

// maxDepth is the largest depth of a directory: slotOf takes the index of
// a slot from 32 bits of a hash. A segment of that depth that must split
// grows instead; its keys, which share 32 bits of a hash that no caller
// can predict, are few.
const maxDepth = 32

// slotOf returns the slot for hash h: the top depth bits of h, found as
// the top 32 bits of h scaled to the number of slots, which takes no shift
// by a variable count. The index is below len(slots), so the slot is read
// without a bounds check.
func (d *directory[K, V]) slotOf(h uint64) *dirSlot {
	i := uintptr((h >> 32) * uint64(len(d.slots)) >> 32)
	return (*dirSlot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(d.slots)), i*unsafe.Sizeof(dirSlot{})))
}

// find returns the entry of key, or nil, with the hash of key and how to
// compare it (see hash). It is the look-up of every call that takes a key,
// with or without its segment's lock, but Load's first probe: a reader
// probes the table it loads from the slot; with the lock held, that is the
// segment's current table.
func (d *directory[K, V]) find(key K) (e *entry[K, V], h uint64, eq keyEq) {
	h, eq = d.hash(key)
	e, _, _ = find[K, V](d.slotOf(h).tab.Load(), h, key, eq)
	return e, h, eq
}

// span returns the slots filled by a segment of depth sd whose keys have
// hash h: [lo, lo+n).
func (d *directory[K, V]) span(h uint64, sd uint8) (lo, n int) {
	n = 1 << (d.depth - sd)
	lo = int(h>>(64-d.depth)) &^ (n - 1)
	return lo, n
}

// resized returns a copy of d of the given depth, each slot of d becoming
// the slots of the same hash prefix, or the slots of d of one prefix
// becoming one: every segment of d must be of that depth at most. Its
// deep is set by counting. The caller holds the lock of every segment of
// d, so that no slot changes while it copies; no reader can see the new
// directory yet, so its slots are filled with plain stores.
func (d *directory[K, V]) resized(depth uint8) *directory[K, V] {
	d2 := &directory[K, V]{hs: d.hs, tune: d.tune, mode: d.mode, cmp: d.cmp, depth: depth, count: d.count}
	d2.slots = make([]dirSlot, 1<<depth)
	deep := int64(0)
	for i := 0; i < len(d2.slots); {
		src := i >> (depth - d.depth) // the first slot of d of the prefix
		if depth < d.depth {
			src = i << (d.depth - depth)
		}
		s := d.segAt(src)
		n := 1 << (depth - s.depth)
		for j := i; j < i+n; j++ {
			d2.slots[j].storeUnpublished(unsafe.Pointer(s), d.slots[src].tab.Load())
		}
		if s.depth+1 >= depth {
			deep++
		}
		i += n
	}
	d2.deep.Store(deep)
	return d2
}
