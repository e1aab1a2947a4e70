// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// A segment is one part of a Map: the keys whose hashes begin with the
// same depth bits. Readers probe its table, which they find in the
// directory, without a look at the segment; writers that add a key, take
// one out, or need a key's entry to stay put, take its lock.
type segment[K comparable, V any] struct {
	// mu is the segment's lock: held to add a key to tab, to take one out,
	// to publish a new table, and to split or merge the segment.
	mu sync.Mutex

	// tab is the segment's current table, which the directory's slots of
	// the segment hold too. It is read and written with mu held; readers
	// load it from the directory instead.
	tab table

	// depth is the segment's local depth. It never changes: a split or a
	// merge makes new segments.
	depth uint8

	// used counts the full slots of tab. It is read and written with mu
	// held.
	used int

	// gone is set, with mu held, when the segment no longer takes keys: it
	// split in two, merged with its buddy, or a Clear dropped it. A writer
	// that finds it set once it holds mu must start over from the Map's
	// current directory.
	gone bool

	// computing has a reservation for each absent key of the segment
	// whose compute callback runs: of LoadOrCompute, LoadOrTryCompute or
	// Compute (see compute.go). It is read and written with mu held, and
	// nil until the first compute.
	computing map[K]reservation

	// computingPeak is the most keys that computing has held since it was
	// made (see unregisterLocked). It is read and written with mu held.
	computingPeak int

	// updating has the entry that each Compute that runs for a key of the
	// segment marked computing, if the key was present when it began (see
	// update.go). It is read and written with mu held.
	updating []markedEntry[K, V]
}

// entryAt returns the entry of slot i of g, a group of a table of s.
func entryAt[K comparable, V any](g *group, i uintptr) *entry[K, V] {
	return (*entry[K, V])(atomic.LoadPointer(g.slot(i)))
}

// newSegment returns a segment of the given depth with an empty table of
// n groups, locked: no other goroutine can find it before its caller
// publishes it, and writers that find it then wait for the caller to be
// done.
func newSegment[K comparable, V any](depth uint8, n int) *segment[K, V] {
	s := &segment[K, V]{tab: newTable(n), depth: depth}
	s.mu.Lock()
	return s
}

// How full a table gets. A table of g groups takes keys until 3/4 of its
// slots are full, then doubles, to 3/8 full; it halves once no more than
// 3/16 of its slots are full, to 3/8 at most again. Between one size and
// the next, the number of keys must double or halve: a map at the edge of
// a size does not grow and shrink on alternate calls.

// full reports whether a table of g groups with used full slots takes no
// more keys.
func full(used, g int) bool { return 4*used >= 3*groupSize*g }

// sparse reports whether a table of g groups with used full slots should
// halve.
func sparse(used, g int) bool { return g > 1 && 16*used <= 3*groupSize*g }

// groupsFor returns the size, in groups, of a new table for n keys: the
// smallest that they fill 3/8 at most.
func groupsFor(n int) int {
	g := 1
	for 8*n > 3*groupSize*g {
		g *= 2
	}
	return g
}

// halfGroups returns the size, in groups, of the table of a half of a
// split for n keys: as for a new table, but no larger than maxGroups (the
// Map's tuning.MaxGroups) if they fit there.
func halfGroups(n, maxGroups int) int {
	g := groupsFor(n)
	for g > maxGroups && !full(n, g/2) {
		g /= 2
	}
	return g
}

// mergeMax is the most keys that two buddy segments may hold between them
// to merge into one (see Map.merge): a sixteenth of what a segment holds
// when it splits, so that a merged segment must grow sixteenfold to split
// again, and the halves of a split must lose nearly all their keys to
// merge again. A delete that empties a segment may merge it with its
// buddy, then the merged segment with its own, and so on up the hash
// prefix: so few keys keep that chain of merges within what a split
// moves.
func mergeMax(maxGroups int) int { return 3 * groupSize * maxGroups / 64 }

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
	if full(s.used, s.tab.groups()) {
		if r := s.growLocked(d, h); r != inserted {
			return r
		}
	}
	d.count.add(e.addr(), 1) // before the key is present, as entry.p says
	s.tab.putLocked(h, unsafe.Pointer(e))
	s.used++
	return inserted
}

// growLocked makes room in s, whose keys have hash prefix h, for one more
// key: it replaces the table by one twice as large, or, if the keys no
// longer fit a segment, splits s in two and reports split. If s must
// split and fills as many slots of d as it can, it reports mustDouble. A
// segment whose keys all share the next bit of hash cannot split: it grows
// past the Map's tuning.MaxGroups. The caller holds s.mu.
func (s *segment[K, V]) growLocked(d *directory[K, V], h uint64) insertion {
	n := s.tab.groups()
	if 2*n <= d.tune.MaxGroups || s.depth == 63 {
		s.rebuildLocked(d, h, 2*n)
		return inserted
	}
	ones := s.onesLocked(d)
	if ones == 0 || ones == s.used {
		s.rebuildLocked(d, h, 2*n)
		return inserted
	}
	if s.depth == d.depth {
		if d.depth == maxDepth {
			s.rebuildLocked(d, h, 2*n)
			return inserted
		}
		return mustDouble
	}
	s.splitLocked(d, h, ones)
	return split
}

// onesLocked returns how many of the entries of s have the bit of hash
// that follows the depth of s set: those that would go to the upper half
// of a split. The caller holds s.mu.
func (s *segment[K, V]) onesLocked(d *directory[K, V]) (ones int) {
	bit := 63 - s.depth
	for g, i := range s.tab.full() {
		if hash(&d.hs, entryAt[K, V](g, i).key)>>bit&1 == 1 {
			ones++
		}
	}
	return ones
}

// rebuildLocked replaces the table of s, whose keys have hash prefix h,
// by one of n groups holding the same entries. The caller holds s.mu.
func (s *segment[K, V]) rebuildLocked(d *directory[K, V], h uint64, n int) {
	t := newTable(n)
	s.used = s.moveLocked(d, t, nil)
	s.tab = t
	s.publishLocked(d, h, nil)
}

// splitLocked replaces s, whose keys have hash prefix h, by two segments
// one level deeper, ones of its entries going to the upper one. The
// caller holds s.mu.
func (s *segment[K, V]) splitLocked(d *directory[K, V], h uint64, ones int) {
	// The halves are made locked, and stay so until every slot of s shows
	// its half: a writer that finds one of them in a slot before then
	// waits, rather than change the half while other slots still show s.
	s0 := newSegment[K, V](s.depth+1, halfGroups(s.used-ones+1, d.tune.MaxGroups))
	s1 := newSegment[K, V](s.depth+1, halfGroups(ones+1, d.tune.MaxGroups))
	defer s0.mu.Unlock()
	defer s1.mu.Unlock()
	s0.used = s.moveLocked(d, s0.tab, s1.tab)
	s1.used = s.used - s0.used
	bit := 63 - s.depth
	s.handOverLocked(func(k K) *segment[K, V] {
		if hash(&d.hs, k)>>bit&1 == 1 {
			return s1
		}
		return s0
	})
	s1.publishLocked(d, h|1<<bit, d.tune.SplitHook)
	s0.publishLocked(d, h&^(1<<bit), d.tune.SplitHook)
	d.countDeep(s.depth, -1)
	d.countDeep(s.depth+1, 2)
	s.dropLocked()
}

// moveLocked puts the entries of s into t0, or, if t1 is not nil, into t0
// and t1 by the bit of their hash that follows the depth of s, and returns
// how many went to t0. The caller holds s.mu.
func (s *segment[K, V]) moveLocked(d *directory[K, V], t0, t1 table) (n0 int) {
	bit := 63 - s.depth
	for g, i := range s.tab.full() {
		e := entryAt[K, V](g, i)
		kh := hash(&d.hs, e.key)
		if t1 != nil && kh>>bit&1 == 1 {
			t1.putUnpublished(kh, unsafe.Pointer(e))
			continue
		}
		t0.putUnpublished(kh, unsafe.Pointer(e))
		n0++
	}
	return n0
}

// publishLocked puts s and its table in the slots of d that hold the keys
// of hash prefix h, from the top down; hook, if not nil, runs after each.
// The caller holds the lock of s and of the segments that those slots
// held.
func (s *segment[K, V]) publishLocked(d *directory[K, V], h uint64, hook func()) {
	lo, n := d.span(h, s.depth)
	for i := lo + n - 1; i >= lo; i-- {
		d.slots[i].store(unsafe.Pointer(s), s.tab)
		if hook != nil {
			hook()
		}
	}
}

// dropLocked marks s gone, and lets its table go: readers that still
// probe it hold it, not s. The caller holds s.mu.
func (s *segment[K, V]) dropLocked() {
	s.gone = true
	s.tab = nil
	s.computing = nil
	s.updating = nil
}
