// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "fmt"

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

// SetSweep makes a dirty table start a sweep when at least min entries of
// the read map, and 1/share of them all, are deleted, and returns a
// function that restores the thresholds it replaced. SetSweep(1, 1<<30)
// sweeps after any delete. Tests that call it must not run in parallel.
func SetSweep(min, share int) (restore func()) {
	old := sweepAt
	sweepAt.min, sweepAt.share = min, share
	return func() { sweepAt = old }
}

// SetTestHash makes every Map whose first table is made from now on hash a
// key whose hash would be h to f(h), and returns a function that undoes it.
// With f returning a constant, every key collides with every other. Tests
// that call it must not run in parallel.
func SetTestHash(f func(h uint64) uint64) (restore func()) {
	old := testHash
	testHash = f
	return func() { testHash = old }
}

// LockCount returns how many times the methods of m have taken its mutex,
// the one lock that every writer of the map shares.
func LockCount[K comparable, V any](m *Map[K, V]) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.locks
}

// Hash returns the hash of key in m, which must have a table.
func Hash[K comparable, V any](m *Map[K, V], key K) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return hash(&m.hs, key)
}

// Segments returns the number of segments of m's read map, of its dirty
// table (0 if it has none), and of those that the dirty table still shares
// with the read map.
func Segments[K comparable, V any](m *Map[K, V]) (read, dirty, shared int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inRead := make(map[*segment[K, V]]bool)
	if r := m.read.Load(); r != nil {
		for _, ds := range r.dir {
			inRead[ds.seg] = true
		}
	}
	if m.dirty != nil {
		inDirty := make(map[*segment[K, V]]bool)
		for _, ds := range m.dirty.dir {
			if s := ds.seg; !inDirty[s] {
				inDirty[s] = true
				if inRead[s] {
					shared++
				}
			}
		}
		dirty = len(inDirty)
	}
	return len(inRead), dirty, shared
}

// CheckTables returns an error describing the first broken invariant of
// m's tables, or nil: every segment counts its full slots right; a key's
// probe reaches its slot, every group before it counting the overflow;
// the overflow counts add up to the groups that the probes go past; the
// directory holds each segment at the slots its hash prefix selects; a
// dirty table counts its full slots right.
func CheckTables[K comparable, V any](m *Map[K, V]) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.read.Load(); r != nil {
		if err := r.table.check(&m.hs); err != nil {
			return fmt.Errorf("read map: %v", err)
		}
	}
	if m.dirty != nil {
		if err := m.dirty.check(&m.hs); err != nil {
			return fmt.Errorf("dirty table: %v", err)
		}
	}
	return nil
}

func (t *table[K, V]) check(hs *hasher) error {
	if len(t.dir) != 1<<t.depth {
		return fmt.Errorf("directory of %d slots at depth %d", len(t.dir), t.depth)
	}
	used := 0
	for i := 0; i < len(t.dir); {
		ds := t.dir[i]
		s := ds.seg
		span := 1 << (t.depth - s.depth)
		if i%span != 0 {
			return fmt.Errorf("segment of depth %d at slot %d of %d", s.depth, i, len(t.dir))
		}
		for j := i; j < i+span; j++ {
			if t.dir[j].seg != s || len(t.dir[j].groups) != len(s.groups) || &t.dir[j].groups[0] != &s.groups[0] {
				return fmt.Errorf("slot %d does not hold the segment of slot %d", j, i)
			}
		}
		if err := s.check(hs, t, i); err != nil {
			return fmt.Errorf("segment at slot %d: %v", i, err)
		}
		used += s.used
		i += span
	}
	if used != t.used {
		return fmt.Errorf("%d full slots; counted %d", used, t.used)
	}
	return nil
}

func (s *segment[K, V]) check(hs *hasher, t *table[K, V], slot int) error {
	n := len(s.groups)
	passed := make([]int, n) // probes that go past each group
	used := 0
	for g := range s.groups {
		grp := &s.groups[g]
		for b := matchFull(grp.ctrl); b != 0; b = b.rest() {
			used++
			sl := &grp.slots[b.first()]
			h := hash(hs, sl.key)
			if uint64(grp.ctrl>>(8*b.first())&0xff) != h2(h) {
				return fmt.Errorf("key %v under a control byte that is not its h2", sl.key)
			}
			if t.slotOf(h) != &t.dir[slot] && t.segmentOf(h) != s {
				return fmt.Errorf("key %v in a segment that its hash does not select", sl.key)
			}
			for p := int(groupOf(h, n)); p != g; p = (p + 1) % n {
				passed[p]++
			}
		}
		if e := matchEmpty(grp.ctrl) | matchFull(grp.ctrl); e != slotsMask {
			return fmt.Errorf("group %d has a control byte that is neither empty nor full: %#x", g, grp.ctrl)
		}
	}
	if used != s.used {
		return fmt.Errorf("%d full slots; counted %d", used, s.used)
	}
	for g := range s.groups {
		if c := int(s.groups[g].ctrl >> overflowShift); c != passed[g] && c != overflowMax {
			return fmt.Errorf("group %d counts %d overflows; %d probes go past it", g, c, passed[g])
		}
	}
	return nil
}
