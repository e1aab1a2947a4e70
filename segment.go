// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"sync"
	"sync/atomic"
)

// A segment is one part of a Map: the keys whose hashes begin with the
// same depth bits. Readers probe its array, which they find in the
// directory, without a look at the segment; writers that add a key, or
// need a key's entry to stay put, take its lock.
type segment[K comparable, V any] struct {
	// mu is the segment's lock: held to add a key to arr, to take one out,
	// to publish a new array, and to split the segment.
	mu sync.Mutex

	// arr is the segment's current array, which the directory's slots of
	// the segment hold too. It is read and written with mu held; readers
	// load it from the directory instead.
	arr array[K, V]

	// depth is the segment's local depth. It never changes: a split makes
	// two new segments.
	depth uint8

	// used counts the full slots of arr, deleted entries included. It is
	// read and written with mu held.
	used int

	// gone is set, with mu held, when the segment no longer takes keys: it
	// split in two, or a Clear dropped it. A writer that finds it set once
	// it holds mu must start over from the Map's current directory.
	gone bool

	// deleted counts the entries of arr deleted since it was made, less
	// those stored again; it decides when the segment is swept (see
	// sweepDue). Deletes and stores that need no lock change it without
	// mu, atomically, and may miss it when the segment is rebuilt
	// meanwhile: it is a hint, never trusted for more.
	deleted atomic.Int64

	// computing has a key for each compute of LoadOrCompute or
	// LoadOrTryCompute that runs for a key of the segment (see compute.go).
	// It is read and written with mu held, and nil until the first compute.
	computing map[K]*computation

	// computingPeak is the most keys that computing has held since it was
	// made (see unregisterLocked). It is read and written with mu held.
	computingPeak int
}

func newSegment[K comparable, V any](depth uint8, arr array[K, V]) *segment[K, V] {
	return &segment[K, V]{arr: arr, depth: depth}
}

// maxGroups is the size of a segment, in groups, past which it is split
// rather than grown: 1022 slots, which a call that rebuilds or splits a
// segment moves in tens of microseconds. A segment whose keys all share so
// many bits of hash that splitting it would leave one half empty grows
// past it instead. maxGroups is read with a segment's lock held, and
// written only by tests (SetMaxGroups in export_test.go), while no Map is
// in use, to reach splits with few keys.
var maxGroups = defaultMaxGroups

// defaultMaxGroups is maxGroups, unless a test has set it.
const defaultMaxGroups = 146

// nextGroups returns the size that a segment of g groups grows to. Below
// 64 groups the size doubles; then it is 90 groups, then 146. In a dense
// directory (see fillOf), a split makes two halves of 90 groups, 70% full,
// which grow to 146 groups once 6/7 full, and split again once that is: so
// the slots of a large map stay between 53% and 86% full. The sizes fill
// size classes of the allocator: an array of 146 groups and its header,
// with the 8-byte header of an allocation that holds pointers, fits the
// class of 9,472 bytes. Past 146 groups sizes double again, only for
// segments whose keys cannot be split.
func nextGroups(g int) int {
	switch {
	case g < 64:
		return 2 * g
	case g < 90:
		return 90
	case g < 146:
		return 146
	}
	return 2 * g
}

// A fill is how full the segments of a Map may be. The fuller a segment,
// the more of its groups overflow, and the longer the probes for missing
// keys; the emptier, the more memory per key. A map of a few segments,
// which takes little memory anyway, keeps them sparse; a larger one,
// dense.
type fill struct {
	max    int // the full slots per group past which a segment is rebuilt
	target int // the eighths of its slots that a rebuilt segment fills at most
}

var (
	sparse = fill{max: 4, target: 4} // 57% full at most; rebuilt half full
	dense  = fill{max: 6, target: 6} // 86% full at most; rebuilt 3/4 full
)

// denseDepth is the directory depth from which a Map is dense: eight
// segments, several thousand keys.
const denseDepth = 3

// fillOf returns how full the segments of a Map with directory d are kept.
func fillOf[K comparable, V any](d *directory[K, V]) fill {
	if d.depth < denseDepth {
		return sparse
	}
	return dense
}

// groupsFor returns the smallest size, in groups, that holds n keys at
// most f.target eighths full.
func groupsFor(n int, f fill) int {
	g := 1
	for 8*n > f.target*groupSize*g {
		g = nextGroups(g)
	}
	return g
}

// splitGroups returns the size of one half of a split segment, for n keys:
// the size that holds them f.target eighths full, but no more than
// maxGroups if they fit in that below f.max. A half that is still too
// large is split again when it is next rebuilt.
func splitGroups(n int, f fill) int {
	if g := groupsFor(n+1, f); g <= maxGroups || n+1 > maxGroups*f.max {
		return g
	}
	return maxGroups
}

// An insertion is what came of adding a key to a segment.
type insertion uint8

const (
	inserted insertion = iota
	// split: the segment split to make room; the key belongs to one of the
	// halves, which the caller must find in the directory.
	split
	// mustDouble: the segment must split to make room, and the directory
	// must double first, which the caller must do without the segment's
	// lock (see Map.double).
	mustDouble
)

// insertLocked adds entry e, whose key s lacks and hashes to h, counting
// it on d's counter; d is the directory that holds s. It may rebuild s
// first, and then reports whether the caller must start over. The caller
// holds s.mu.
func (s *segment[K, V]) insertLocked(d *directory[K, V], h uint64, e *entry[K, V]) insertion {
	if s.sweepDue() {
		s.sweepLocked(d, h)
	}
	if s.used >= len(s.arr)*fillOf(d).max {
		if r := s.rebuildLocked(d, h); r != inserted {
			return r
		}
	}
	d.count.add(e.addr(), 1) // before the key is present, as entry.p says
	if !s.arr.putLocked(h, e) {
		panic("syncmap: internal error: no free slot in a segment")
	}
	s.used++
	return inserted
}

// rebuildLocked replaces the array of s, whose keys have hash prefix h, by
// one with room for one more key and without the deleted entries, which it
// expunges; or, if the keys no longer fit one segment, splits s in two and
// reports split. If s must split and fills as many slots of d as it can,
// it changes nothing and reports mustDouble. A segment whose keys all
// share the next bit of hash cannot split: it grows past maxGroups, as
// does, once, a segment that stores made too large to fit while the
// rebuild ran (see below). The caller holds s.mu.
func (s *segment[K, V]) rebuildLocked(d *directory[K, V], h uint64) insertion {
	f := fillOf(d)
	bit := 63 - s.depth
	// Whether s must split is first decided without expunging, so that
	// nothing has changed yet if the directory must double. Stores that
	// give deleted entries values meanwhile make the count low (see below).
	if s.depth == d.depth {
		live := 0
		for e := range s.arr.full() {
			if !e.isDeleted() {
				live++
			}
		}
		if _, splits := s.splitsLocked(d, f, live, (*entry[K, V]).isDeleted); splits {
			return mustDouble
		}
	}
	if rebuildHook != nil {
		rebuildHook()
	}
	live := 0
	for e := range s.arr.full() {
		if !e.tryExpungeLocked() {
			live++
		}
	}
	// Exact now: the entries that are not expunged are those that move.
	// Stores may have given deleted entries values since the check above,
	// so that s must split after all: if d has no room for its halves, s
	// grows this once instead.
	ones, splits := 0, false
	if s.depth < d.depth {
		ones, splits = s.splitsLocked(d, f, live, (*entry[K, V]).isExpunged)
	}
	if !splits {
		a := newArray[K, V](groupsFor(live+1, f))
		s.moveLocked(d, a, nil)
		s.publishLocked(d, h, a, s, 1)
		s.arr, s.used = a, live
		s.deleted.Store(0)
		return inserted
	}
	s0 := newSegment(s.depth+1, newArray[K, V](splitGroups(live-ones, f)))
	s1 := newSegment(s.depth+1, newArray[K, V](splitGroups(ones, f)))
	s.moveLocked(d, s0.arr, s1.arr)
	s0.used, s1.used = live-ones, ones
	for k, c := range s.computing {
		dst := s0
		if hash(&d.hs, k)>>bit&1 == 1 {
			dst = s1
		}
		dst.registerLocked(k, c)
	}
	// The halves are locked until both are in place: a writer that finds
	// one of them in a slot before then waits, rather than change the
	// half while other slots still show s. Neither lock can be held by
	// anyone else: no slot shows the halves yet.
	s0.mu.Lock()
	s1.mu.Lock()
	// Upper half first: a Range that walks the slots upwards and meets a
	// half in the lower slots then meets no old array above it (see
	// Map.Range).
	s.publishLocked(d, h|1<<bit, s1.arr, s1, 2)
	s.publishLocked(d, h&^(1<<bit), s0.arr, s0, 2)
	s.dropLocked()
	s1.mu.Unlock()
	s0.mu.Unlock()
	return split
}

// splitsLocked reports whether s, of which live entries are not left out,
// must split rather than grow to make room for one more: they no longer
// fit a segment of maxGroups, and the next bit of their hashes divides
// them, ones of them having it set. It hashes their keys only in the first
// case. A segment whose keys all share that bit grows past maxGroups
// instead. The caller holds s.mu.
func (s *segment[K, V]) splitsLocked(d *directory[K, V], f fill, live int, leftOut func(*entry[K, V]) bool) (ones int, splits bool) {
	if groupsFor(live+1, f) <= maxGroups || s.depth == 63 {
		return 0, false
	}
	bit := 63 - s.depth
	for e := range s.arr.full() {
		if !leftOut(e) && hash(&d.hs, e.key)>>bit&1 == 1 {
			ones++
		}
	}
	return ones, ones != 0 && ones != live
}

// Test hooks, which hold moments of a rebuild open. They are nil but in
// tests (SetSplitHook and SetRebuildHook in export_test.go), which set them
// while no Map is in use.
var (
	// splitHook runs after each slot that a split writes with one of its
	// halves.
	splitHook func()

	// rebuildHook runs once a rebuild has decided that the directory need
	// not double, before it expunges the deleted entries.
	rebuildHook func()
)

// moveLocked puts the entries of s that are not expunged into a0, or, if
// a1 is not nil, into a0 and a1 by the bit of their hash that follows the
// depth of s.
func (s *segment[K, V]) moveLocked(d *directory[K, V], a0, a1 array[K, V]) {
	bit := 63 - s.depth
	for e := range s.arr.full() {
		if e.isExpunged() {
			continue
		}
		kh := hash(&d.hs, e.key)
		dst := a0
		if a1 != nil && kh>>bit&1 == 1 {
			dst = a1
		}
		if !dst.putUnpublished(kh, e) {
			panic("syncmap: internal error: no free slot in a rebuilt segment")
		}
	}
}

// publishLocked puts a and its segment t in the slots of d that hold the
// keys of hash prefix h, for a segment of depth s.depth: all of them if
// part is 1, or the half of them that h selects if part is 2. It writes the
// slots from the top down (see rebuildLocked).
func (s *segment[K, V]) publishLocked(d *directory[K, V], h uint64, a array[K, V], t *segment[K, V], part int) {
	lo, n := d.span(h, s.depth)
	if part == 2 {
		n /= 2
		if (h>>1)>>((63-d.depth)&63)&uint64(n) != 0 {
			lo += n
		}
	}
	for i := lo + n - 1; i >= lo; i-- {
		d.slots[i].store(a, t.depth, t)
		if part == 2 && splitHook != nil {
			splitHook()
		}
	}
}

// dropLocked marks s gone, and lets its array go: readers that still
// probe it hold it, not s.
func (s *segment[K, V]) dropLocked() {
	s.gone = true
	s.arr = nil
	s.computing = nil
}
