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

// LockCount returns how many times the methods of m, made by NewTuned, have
// taken its mutex, the one lock that every writer of the map shares.
func LockCount[K comparable, V any](m *Map[K, V]) uint64 {
	if m.tune == nil {
		panic("LockCount of a Map not made by NewTuned")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tune.locks
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
		s := d.segAt(i)
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
		depths[i] = int(d.segAt(i).depth)
	}
	return depths
}

// Tables returns the tables of m's segments, and the depth of its
// directory.
func Tables[K comparable, V any](m *Map[K, V]) (tables map[any]bool, depth int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tables = make(map[any]bool)
	d := m.dir.Load()
	if d == nil {
		return tables, 0
	}
	for i := range d.slots {
		tables[d.slots[i].tab.Load()] = true
	}
	return tables, int(d.depth)
}

// CheckTables returns an error describing the first broken invariant of
// m's directory and segments, or nil: the directory holds each segment at
// the slots its hash prefix selects, with its current table; it counts its
// deep segments right; every segment counts its full slots right and holds
// no expunged entry, and an update for each entry marked computing; a
// key's probe reaches its slot, every group before it
// counting the overflow; the overflow counts add up to the groups that the
// probes go past; no key is in two slots.
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
	if len(d.slots) != 1<<d.depth || d.depth < 1 {
		return fmt.Errorf("directory of %d slots at depth %d", len(d.slots), d.depth)
	}
	i, deep := 0, int64(0)
	for _, s := range segs {
		span := 1 << (d.depth - s.depth)
		if i%span != 0 || s.depth > d.depth {
			return fmt.Errorf("segment of depth %d at slot %d of %d", s.depth, i, len(d.slots))
		}
		if s.gone {
			return fmt.Errorf("segment at slot %d is gone", i)
		}
		if s.depth+1 >= d.depth {
			deep++
		}
		for j := i; j < i+span; j++ {
			if d.segAt(j) != s || d.slots[j].tab.Load() != s.tab.first() {
				return fmt.Errorf("slot %d does not hold the segment of slot %d and its table", j, i)
			}
		}
		if err := s.check(d); err != nil {
			return fmt.Errorf("segment at slot %d: %v", i, err)
		}
		i += span
	}
	if i != len(d.slots) {
		return fmt.Errorf("segments fill %d of %d slots", i, len(d.slots))
	}
	if got := d.deep.Load(); got != deep {
		return fmt.Errorf("directory of depth %d counts %d deep segments; there are %d", d.depth, got, deep)
	}
	return nil
}

func (s *segment[K, V]) check(d *directory[K, V]) error {
	t := s.tab
	n := t.groups()
	if n&(n-1) != 0 || int(t.first().mask()) != n-1 {
		return fmt.Errorf("a table of %d groups with mask %d", n, t.first().mask())
	}
	passed := make([]int, n) // probes that go past each group
	used := 0
	seen := make(map[*entry[K, V]]bool)
	for g := range n {
		grp := t.first().at(uintptr(g))
		ctrl := atomic.LoadUint64(&grp.ctrl)
		for b := matchFull(ctrl); b != 0; b = b.rest() {
			used++
			e := entryAt[K, V](grp, b.first())
			if e == nil {
				return fmt.Errorf("group %d has a full slot without an entry", g)
			}
			if seen[e] {
				return fmt.Errorf("key %v is in two slots", e.key)
			}
			seen[e] = true
			if e.isExpunged() {
				return fmt.Errorf("key %v has an expunged entry in the table", e.key)
			}
			if e.isComputing() && !s.hasUpdate(e) {
				return fmt.Errorf("key %v is marked computing, but its segment has no update of it", e.key)
			}
			h := hash(&d.hs, e.key)
			if uint64(ctrl>>(8*b.first())&0xff) != h2(h) {
				return fmt.Errorf("key %v under a control byte that is not its h2", e.key)
			}
			if d.segOf(h) != s {
				return fmt.Errorf("key %v in a segment that its hash does not select", e.key)
			}
			for p := int(t.first().home(h)); p != g; p = (p + 1) % n {
				passed[p]++
			}
		}
		for b := matchEmpty(ctrl); b != 0; b = b.rest() {
			if entryAt[K, V](grp, b.first()) != nil {
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
	for _, u := range s.updating {
		// An update of a cleared generation's entry is handed to the
		// next generation's first segment, without the entry.
		if seen[u.e] && !u.e.isComputing() {
			return fmt.Errorf("key %v has an update, but is not marked computing", u.e.key)
		}
	}
	for g := range n {
		if c := int(atomic.LoadUint64(&t.first().at(uintptr(g)).ctrl) >> overflowShift); c != passed[g] && c != overflowMax {
			return fmt.Errorf("group %d counts %d overflows; %d probes go past it", g, c, passed[g])
		}
	}
	return nil
}

// DoubleDirectoryCost does what doubling m's directory does, with every
// segment locked, but keeps the directory it makes to itself, and returns
// the number of slots of m's directory.
func DoubleDirectoryCost[K comparable, V any](m *Map[K, V]) int {
	m.lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	segs := lockAll(d, nil)
	_ = d.resized(d.depth + 1)
	for _, s := range segs {
		s.mu.Unlock()
	}
	return len(d.slots)
}

// Find looks key up in m through the general probe, find, which every
// write path uses, and returns its value as Load would.
func Find[K comparable, V any](m *Map[K, V], key K) (value V, ok bool) {
	d := m.dir.Load()
	if d == nil {
		return value, false
	}
	if e, h, _ := d.find(key); e != nil {
		if value, ok, busy := e.load(d.mode); !busy {
			return value, ok
		}
		return m.loadComputing(e, h)
	}
	return value, false
}

// hasUpdate reports whether s has an update of e. The caller holds s.mu.
func (s *segment[K, V]) hasUpdate(e *entry[K, V]) bool {
	for _, u := range s.updating {
		if u.e == e {
			return true
		}
	}
	return false
}
