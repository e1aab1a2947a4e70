// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"fmt"
	"sync/atomic"
)

// go test -fuzz instruments the package under test for coverage guidance,
// but not its external test package, where FuzzMap instantiates the generic
// Map. Instantiating Map[int, int] here puts that code in the instrumented
// package, so that the fuzzer sees which paths an input reaches.
var _ any = (*Map[int, int])(nil)

// SetMaxGroups sets the size, in groups of 7 slots, past which a segment is
// split, and returns a function that restores the size it replaced. A small
// size splits segments after a few keys. Tests that call it must not run in
// parallel.
func SetMaxGroups(groups int) (restore func()) {
	old := maxGroups
	maxGroups = groups
	return func() { maxGroups = old }
}

// SetSweep makes a segment be swept before a key is added when at least
// min of its entries, and 1/share of them all, are deleted, and returns a
// function that restores the thresholds it replaced. SetSweep(1, 1<<30)
// sweeps after any delete. Tests that call it must not run in parallel.
func SetSweep(min, share int) (restore func()) {
	old := sweepAt
	sweepAt.min, sweepAt.share = min, share
	return func() { sweepAt = old }
}

// SetTestHash makes every Map whose first directory is made from now on hash a
// key whose hash would be h to f(h), and returns a function that undoes it.
// With f returning a constant, every key collides with every other. Tests
// that call it must not run in parallel.
func SetTestHash(f func(h uint64) uint64) (restore func()) {
	old := testHash
	testHash = f
	return func() { testHash = old }
}

// SetSplitHook makes every split of a segment call f after each slot of
// the directory that it writes with one of the two halves, and returns a
// function that undoes it. f runs with the lock of the segment that splits
// held.
// Tests that call it must not run in parallel.
func SetSplitHook(f func()) (restore func()) {
	old := splitHook
	splitHook = f
	return func() { splitHook = old }
}

// SetRebuildHook makes every rebuild of a segment that has decided that
// the directory need not double call f before it expunges the segment's
// deleted entries, and returns a function that undoes it. f runs with the
// segment's lock held. Tests that call it must not run in parallel.
func SetRebuildHook(f func()) (restore func()) {
	old := rebuildHook
	rebuildHook = f
	return func() { rebuildHook = old }
}

// LockCount returns how many times the methods of m have taken its mutex,
// the one lock that every writer of the map shares.
func LockCount[K comparable, V any](m *Map[K, V]) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.locks
}

// Hash returns the hash of key in m, which must have a directory.
func Hash[K comparable, V any](m *Map[K, V], key K) uint64 {
	return hash(&m.dir.Load().hs, key)
}

// Segments returns the number of segments of m, and the depth of its
// directory.
func Segments[K comparable, V any](m *Map[K, V]) (segments, depth int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	if d == nil {
		return 0, 0
	}
	for i := 0; i < len(d.slots); {
		s := d.slots[i].seg.Load()
		segments++
		i += 1 << (d.depth - s.depth)
	}
	return segments, int(d.depth)
}

// SlotDepths returns the depth of the segment in each slot of m's
// directory.
func SlotDepths[K comparable, V any](m *Map[K, V]) []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	if d == nil {
		return nil
	}
	depths := make([]int, len(d.slots))
	for i := range d.slots {
		_, _, depth := d.slots[i].load()
		depths[i] = int(depth)
	}
	return depths
}

// Arrays returns the arrays of m's segments, and the depth of its
// directory.
func Arrays[K comparable, V any](m *Map[K, V]) (arrays map[any]bool, depth int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	arrays = make(map[any]bool)
	d := m.dir.Load()
	if d == nil {
		return arrays, 0
	}
	for i := range d.slots {
		arrays[atomic.LoadPointer(&d.slots[i].arr)] = true
	}
	return arrays, int(d.depth)
}

// CheckTables returns an error describing the first broken invariant of
// m's directory and segments, or nil: the directory holds each segment at
// the slots its hash prefix selects, with its current array; every
// segment counts its full slots right; a key's probe reaches its slot,
// every group before it counting the overflow; the overflow counts add up
// to the groups that the probes go past; no key is in two slots.
//
// It takes m's lock and every segment's, so it may run while other
// goroutines use m.
func CheckTables[K comparable, V any](m *Map[K, V]) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	if d == nil {
		return nil
	}
	segs := lockAll(d, nil)
	defer func() {
		for _, s := range segs {
			s.mu.Unlock()
		}
	}()
	if len(d.slots) != 1<<d.depth {
		return fmt.Errorf("directory of %d slots at depth %d", len(d.slots), d.depth)
	}
	i := 0
	for _, s := range segs {
		span := 1 << (d.depth - s.depth)
		if i%span != 0 || s.depth > d.depth {
			return fmt.Errorf("segment of depth %d at slot %d of %d", s.depth, i, len(d.slots))
		}
		if s.gone {
			return fmt.Errorf("segment at slot %d is gone", i)
		}
		for j := i; j < i+span; j++ {
			a, depth := d.slots[j].loadArray()
			if d.slots[j].seg.Load() != s || &a[0] != &s.arr[0] || len(a) != len(s.arr) || depth != s.depth {
				return fmt.Errorf("slot %d does not hold the segment of slot %d and its array", j, i)
			}
		}
		if err := s.check(d, i); err != nil {
			return fmt.Errorf("segment at slot %d: %v", i, err)
		}
		i += span
	}
	if i != len(d.slots) {
		return fmt.Errorf("segments fill %d of %d slots", i, len(d.slots))
	}
	return nil
}

func (s *segment[K, V]) check(d *directory[K, V], slot int) error {
	a := s.arr
	n := len(a)
	passed := make([]int, n) // probes that go past each group
	used := 0
	seen := make(map[*entry[K, V]]bool)
	for g := range n {
		grp := &a[g]
		ctrl := atomic.LoadUint64(&grp.ctrl)
		for b := matchFull(ctrl); b != 0; b = b.rest() {
			used++
			e := grp.slots[b.first()].Load()
			if e == nil {
				return fmt.Errorf("group %d has a full slot without an entry", g)
			}
			if seen[e] {
				return fmt.Errorf("key %v is in two slots", e.key)
			}
			seen[e] = true
			if e.isExpunged() {
				return fmt.Errorf("key %v has an expunged entry in the array", e.key)
			}
			h := hash(&d.hs, e.key)
			if uint64(ctrl>>(8*b.first())&0xff) != h2(h) {
				return fmt.Errorf("key %v under a control byte that is not its h2", e.key)
			}
			if d.slotOf(h).seg.Load() != s {
				return fmt.Errorf("key %v in a segment that its hash does not select", e.key)
			}
			for p := int(groupOf(h, uintptr(n))); p != g; p = (p + 1) % n {
				passed[p]++
			}
		}
		for b := matchEmpty(ctrl); b != 0; b = b.rest() {
			if grp.slots[b.first()].Load() != nil {
				return fmt.Errorf("group %d has an empty slot with an entry", g)
			}
		}
		if e := matchEmpty(ctrl) | matchFull(ctrl); e != slotsMask {
			return fmt.Errorf("group %d has a control byte that is neither empty nor full: %#x", g, ctrl)
		}
	}
	if used != s.used {
		return fmt.Errorf("%d full slots; counted %d", used, s.used)
	}
	for g := range n {
		if c := int(atomic.LoadUint64(&a[g].ctrl) >> overflowShift); c != passed[g] && c != overflowMax {
			return fmt.Errorf("group %d counts %d overflows; %d probes go past it", g, c, passed[g])
		}
	}
	return nil
}
