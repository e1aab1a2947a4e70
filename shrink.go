// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"sync/atomic"
	"unsafe"
)

// A delete of a present key takes its segment's lock, expunges the key's
// entry and takes it out of the table, so that once the call returns the
// map references neither the key nor its value; a delete of a missing key
// takes no lock. As keys go, the map shrinks, as it grew, one segment at
// a time: a table that becomes sparse halves (see sparse); a segment that
// becomes small merges with its buddy, the segment of the same depth whose
// hash prefix differs in its last bit, if the two hold few keys between
// them (see mergeMax); and a directory left four times as large as its
// segments need halves. Each step has its own hysteresis, so that a map at
// the edge of a size neither grows nor shrinks on alternate calls.

// delete deletes the key of hash h, whose entry e a look-up found in slot
// i of group g, if the key still has a value, and one equal to *old if old
// is not nil, and returns that value; it waits for a Compute of the key
// to end first. Then it merges the key's segment with its buddy, if the
// two have become small. eq says how to compare keys (see keysEqual).
func (m *Map[K, V]) delete(h uint64, eq keyEq, e *entry[K, V], g *group, i uintptr, old *V) (value V, deleted bool) {
	for {
		value, deleted, merge, wait := m.deleteOnce(h, eq, e, g, i, old)
		if wait != nil {
			<-wait.done
			continue
		}
		if merge {
			m.merge(h)
		}
		return value, deleted
	}
}

// deleteOnce is one try of delete but for the merge, which takes the locks
// of both buddies in their order, and so must be done without the
// segment's.
func (m *Map[K, V]) deleteOnce(h uint64, eq keyEq, e *entry[K, V], g *group, i uintptr, old *V) (value V, deleted, mergeDue bool, wait *computation) {
	d, s := m.lockSegment(h)
	defer s.mu.Unlock() // comparing with *old may panic, as == does
	return s.deleteLocked(d, h, eq, e, g, i, old)
}

// deleteLocked is delete for a key of s, with s.mu held: it expunges the
// key's entry and takes it out of s's table (see takeOutLocked), unless a
// Compute of the key runs: then it returns the computation to wait for.
// The caller holds s.mu.
func (s *segment[K, V]) deleteLocked(d *directory[K, V], h uint64, eq keyEq, e *entry[K, V], g *group, i uintptr, old *V) (value V, deleted, mergeDue bool, wait *computation) {
	if !s.tab.holds(g) || atomic.LoadPointer(g.slot(i)) != unsafe.Pointer(e) {
		// The table was replaced since the look-up, or e has left it,
		// and the key may have a new entry since: look again.
		if e, g, i = find[K, V](s.tab.first(), h, e.key, eq); e == nil {
			return value, false, false, nil
		}
	}
	if e.isComputing() {
		return value, false, false, s.waitUpdateLocked(e)
	}
	p, ok := e.expungeLocked(old, d.mode, d.cmp, d.count)
	if !ok {
		return value, false, false, nil
	}
	value, _ = valueAt(e, p, d.mode)
	return value, true, s.takeOutLocked(d, h, g, i), nil
}

// takeOutLocked takes the expunged entry in slot i of group g, of hash h,
// out of the table of s, then halves the table while it is sparse. It
// reports whether s has become small enough to try to merge it with its
// buddy. The caller holds s.mu.
func (s *segment[K, V]) takeOutLocked(d *directory[K, V], h uint64, g *group, i uintptr) (mergeDue bool) {
	s.tab.removeLocked(g, i, h)
	s.used--
	if n := s.tab.groups(); sparse(s.used, n) {
		for sparse(s.used, n) {
			n /= 2
		}
		s.rebuildLocked(d, h, n)
	}
	return s.depth > 0 && 2*s.used <= mergeMax(d.tune.MaxGroups)
}

// merge merges the segment of hash h with its buddy, if they are small
// enough between them, then the merged segment with its own buddy, and so
// on; then halves the directory if it has become too large.
func (m *Map[K, V]) merge(h uint64) {
	for m.tryMerge(h) {
	}
	if d := m.dir.Load(); d.deep.Load() == 0 {
		m.halve(d)
	}
}

// tryMerge merges the segment of hash h with its buddy, if both are still
// of the same depth and hold no more than mergeMax keys between them, and
// reports whether it did.
func (m *Map[K, V]) tryMerge(h uint64) bool {
	d := m.dir.Load()
	depth := d.segOf(h).depth // never changes
	if depth == 0 {
		return false
	}
	// The buddies' locks are taken in the order of their slots, as every
	// caller that holds more than one segment's lock takes them.
	bit := uint64(1) << (64 - depth)
	a := d.segOf(h &^ bit)
	a.mu.Lock()
	defer a.mu.Unlock()
	b := d.segOf(h | bit)
	if b == a {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if a.gone || b.gone || a.depth != depth || b.depth != depth || a.used+b.used > mergeMax(d.tune.MaxGroups) {
		return false
	}
	// With a and b held, the directory is the Map's current one: halving,
	// doubling and Clear replace it holding every segment's lock.
	d = m.dir.Load()
	ab := newSegment[K, V](depth-1, groupsFor(a.used+b.used))
	defer ab.mu.Unlock()
	ab.used = a.moveLocked(d, ab.tab, nil) + b.moveLocked(d, ab.tab, nil)
	into := func(K) *segment[K, V] { return ab }
	a.handOverLocked(into)
	b.handOverLocked(into)
	ab.publishLocked(d, h, d.tune.SplitHook)
	d.countDeep(depth, -2)
	d.countDeep(depth-1, 1)
	a.dropLocked()
	b.dropLocked()
	return true
}

// halve replaces the directory d, if it is still the Map's current one,
// by the smallest one that its segments fit in with room for each to
// split once: a directory of twice as many slots as the deepest segment
// needs, at least two.
func (m *Map[K, V]) halve(d *directory[K, V]) {
	m.lock()
	defer m.mu.Unlock()
	if m.dir.Load() != d {
		return // replaced meanwhile
	}
	segs := lockAll(d, nil)
	deepest := uint8(0)
	for _, s := range segs {
		deepest = max(deepest, s.depth)
	}
	if depth := max(deepest+1, 1); depth < d.depth {
		m.dir.Store(d.resized(depth))
	}
	for _, s := range segs {
		s.mu.Unlock()
	}
}
