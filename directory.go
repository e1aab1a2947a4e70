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
// 1<<depth slots, and the segment of a key is the one in the slot that the
// top depth bits of its hash select. A segment of local depth d holds the
// keys whose hashes begin with the same d bits, and fills the 1<<(depth-d)
// slots that begin with them (its span).
//
// A directory also carries what every call needs with it: the Map's hasher
// and value settings, and the counter of the keys of its generation (from
// the Map's first key, or from a Clear, to the next Clear).
type directory[K comparable, V any] struct {
	// The fields before slots are set when the directory is made, and
	// never written again: any goroutine may read them.
	hs    hasher
	mode  valueMode
	cmp   comparison
	depth uint8
	count *counter

	// slots is the directory itself. A slot's segment and array change with
	// the lock of the segment that fills it held (see segment.go); a
	// directory whose depth grows is replaced by a new one (see double),
	// which takes every segment's lock.
	slots []dirSlot[K, V]
}

// A dirSlot is a slot of a directory: a segment, and the segment's array,
// which readers probe, found with the slot, without a look at the
// segment. A reader needs the array and its length together, and the
// slot's writer changes both: seq tells the reader whether it read them
// from one write (see load).
type dirSlot[K comparable, V any] struct {
	// seq counts the writes of the slot, twice each: it is odd while one
	// is under way. It is read and written atomically, like the fields
	// below.
	seq uint32

	// info is the length of the array, and in its top byte the depth of
	// the segment it was made for.
	info uint32

	arr unsafe.Pointer // *group[K, V]: the first group of the array
	seg atomic.Pointer[segment[K, V]]
}

// load returns the slot's array, and the depth of the segment it was made
// for, read from one write of the slot.
func (ds *dirSlot[K, V]) load() (g0 *group[K, V], n uintptr, depth uint8) {
	for {
		seq := atomic.LoadUint32(&ds.seq)
		p, info := atomic.LoadPointer(&ds.arr), atomic.LoadUint32(&ds.info)
		if seq&1 == 0 && atomic.LoadUint32(&ds.seq) == seq {
			return (*group[K, V])(p), uintptr(info & (1<<24 - 1)), uint8(info >> 24)
		}
	}
}

// loadArray returns the slot's array, as load does.
func (ds *dirSlot[K, V]) loadArray() (a array[K, V], depth uint8) {
	g0, n, depth := ds.load()
	return unsafe.Slice((*group[K, V])(g0), n), depth
}

// store writes the slot: array a, of segment s, of the given depth. The
// caller holds the lock of the segment that the slot held, or is making
// the directory.
func (ds *dirSlot[K, V]) store(a array[K, V], depth uint8, s *segment[K, V]) {
	if uint64(len(a)) >= 1<<24 {
		panic("syncmap: internal error: a segment of more than 16M groups")
	}
	atomic.AddUint32(&ds.seq, 1)
	atomic.StorePointer(&ds.arr, unsafe.Pointer(&a[0]))
	atomic.StoreUint32(&ds.info, uint32(len(a))|uint32(depth)<<24)
	ds.seg.Store(s)
	atomic.AddUint32(&ds.seq, 1)
}

// groupAt returns group i of the array whose first group is g0. The index
// is not checked: the look-up computes it below the array's length by
// construction, and a check would cost it a tenth of its instructions.
func groupAt[K comparable, V any](g0 *group[K, V], i uintptr) *group[K, V] {
	return (*group[K, V])(unsafe.Add(unsafe.Pointer(g0), i*unsafe.Sizeof(*g0)))
}

// newDirectory returns the directory of a new generation of a Map: one
// segment of one empty group.
func newDirectory[K comparable, V any](hs hasher, mode valueMode, cmp comparison) *directory[K, V] {
	// One allocation for the directory and its slot, and one for the
	// segment and the counter. Every directory of the generation points to
	// the counter, and keeps the segment with it, which holds nothing once
	// it has split (see dropLocked). Not the segment's first array: once
	// replaced, it would keep the entries it held.
	a := new(struct {
		d     directory[K, V]
		slots [1]dirSlot[K, V]
	})
	sc := new(struct {
		s     segment[K, V]
		count counter
	})
	sc.s.arr = newArray[K, V](1)
	a.d = directory[K, V]{hs: hs, mode: mode, cmp: cmp, count: &sc.count, slots: a.slots[:]}
	a.slots[0].store(sc.s.arr, 0, &sc.s)
	return &a.d
}

// firstDirectory returns the directory of a Map's first generation, with a
// hasher of its own.
func firstDirectory[K comparable, V any]() *directory[K, V] {
	vt := reflect.TypeFor[V]()
	return newDirectory[K, V](newHasher[K](), valueModeOf(vt), comparisonOf(vt))
}

// find returns the entry of key, or nil, and the slot of key. It is the
// look-up of every call that takes a key, with or without its segment's
// lock: a reader probes the array it loads from the slot; with the lock
// held, that is the segment's current array.
func (d *directory[K, V]) find(key K) (e *entry[K, V], ds *dirSlot[K, V]) {
	var h uint64
	direct := false
	// hash, inlined for the commonest kinds of key; a switch of more cases
	// would be a binary search, slower for the commonest of all, integers.
	switch d.hs.kind {
	case kindInteger:
		h = hashInteger(&d.hs, key)
	case kindComparable:
		h = maphash.Comparable(d.hs.seed, key)
	case kindInterface:
		h, direct = hashInterface(&d.hs, key)
	default:
		h = hash(&d.hs, key)
	}
	ds = d.slotOf(h)
	g0, n, _ := ds.load()
	g := groupOf(h, n)
	match := lsbs * h2(h)
	for range n {
		grp := groupAt(g0, g)
		ctrl := atomic.LoadUint64(&grp.ctrl)
		for b := matchH2(ctrl, match); b != 0; b = b.rest() {
			if e := at(grp.slots[:], b.first()).Load(); e != nil && keysEqual(&e.key, &key, direct) {
				return e, ds
			}
		}
		if !overflowed(ctrl) {
			break
		}
		if g++; g == n {
			g = 0
		}
	}
	return nil, ds
}

// slotOf returns the slot for hash h: the top depth bits of h. The shift
// is split in two so that a directory of one slot, whose index takes none
// of the hash's bits, needs no shift by 64. The index is below len(slots),
// which is 1<<depth, so the slot is read without a bounds check.
func (d *directory[K, V]) slotOf(h uint64) *dirSlot[K, V] {
	return at(d.slots, uintptr((h>>1)>>((63-d.depth)&63)))
}

// span returns the slots filled by a segment of depth sd whose keys have
// hash h: [lo, lo+n).
func (d *directory[K, V]) span(h uint64, sd uint8) (lo, n int) {
	n = 1 << (d.depth - sd)
	lo = int((h>>1)>>((63-d.depth)&63)) &^ (n - 1)
	return lo, n
}

// doubled returns a copy of d with twice as many slots, each slot of d
// becoming two with its segment and array. The caller holds the lock of
// every segment of d, so that no slot changes while it copies.
func (d *directory[K, V]) doubled() *directory[K, V] {
	d2 := &directory[K, V]{hs: d.hs, mode: d.mode, cmp: d.cmp, depth: d.depth + 1, count: d.count}
	d2.slots = make([]dirSlot[K, V], 2*len(d.slots))
	for i := range d.slots {
		s := d.slots[i].seg.Load()
		for j := 2 * i; j < 2*i+2; j++ {
			d2.slots[j].store(s.arr, s.depth, s)
		}
	}
	return d2
}

// at returns &s[i] without checking that i < len(s), which the caller
// guarantees: the read path indexes with numbers that are in range by
// construction, and the checks would cost it a tenth of its instructions.
func at[T any](s []T, i uintptr) *T {
	var t T
	return (*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), i*unsafe.Sizeof(t)))
}
