// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests how much work one call does, and how rarely calls take the
// lock that every writer shares.

// TestWorkPerCallIsBounded checks that no store rebuilds more than one
// segment, splitting it in two at most, or doubles the directory more than
// once, however large the map: a map of 4096 keys in segments of four
// groups has hundreds of them. And that no delete makes more tables than
// a chain of merges up the hash prefix does, one per level of the
// directory, each of a few keys.
func TestWorkPerCallIsBounded(t *testing.T) {
	t.Parallel()
	const keys = 4096
	m := syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: 4})
	fill(m, keys)
	for k := 0; k < keys; k += 2 {
		m.Delete(k) // half the keys deleted
	}
	if segs, _ := syncmap.Segments(m); segs < 200 {
		t.Fatalf("a map of %d keys has %d segments; want at least 200", keys, segs)
	}
	tables, depth := syncmap.Tables(m)
	made := func() (n int) {
		next, d := syncmap.Tables(m)
		for a := range next {
			if !tables[a] {
				n++
			}
		}
		tables, depth = next, d
		return n
	}
	for k := keys; k < 2*keys; k++ {
		was := depth
		m.Store(k, k)
		if n := made(); n > 2 || depth > was+1 {
			t.Fatalf("Store(%d) made %d new tables, and took the directory from depth %d to %d; want at most 2, and one more",
				k, n, was, depth)
		}
	}
	for k := range 2 * keys {
		if v, ok := m.Load(k); ok != (k%2 == 1 || k >= keys) || ok && v != k {
			t.Fatalf("Load(%d) = %d, %v after the stores", k, v, ok)
		}
	}
	for k := range 2 * keys {
		was := depth
		m.Delete(k)
		if n := made(); n > was+1 {
			t.Fatalf("Delete(%d) made %d new tables, with a directory of depth %d; want at most %d", k, n, was, was+1)
		}
	}
	if segs, depth := syncmap.Segments(m); segs != 1 || depth != 1 {
		t.Errorf("a map whose every key was deleted has %d segments in a directory of depth %d; want 1 and 1", segs, depth)
	}
}

// TestLoadsOfFreshKeysStopNeedingTheLock stores new keys into a large map
// whose other keys are older, then loads the new keys again and again, as a
// cache reads its newest keys. Loads of the other keys must take no lock
// that writers share, and loads of the new keys must stop taking one after
// a number of look-ups bounded by the map's size (for Map, they take none
// at all). A Map that kept new keys behind its lock until enough look-ups
// had missed, and did not count those that found their key there, would
// take the lock for every one of them, for ever.
func TestLoadsOfFreshKeysStopNeedingTheLock(t *testing.T) {
	const size, fresh = 1 << 14, 64
	m := syncmap.NewTuned[int, int](syncmap.Tuning{}) // counts its locks
	fill(m, size)
	for k := size; k < size+fresh; k++ {
		m.Store(k, k)
	}
	before := syncmap.LockCount(m)
	for k := range size {
		m.Load(k)
	}
	if n := syncmap.LockCount(m) - before; n != 0 {
		t.Errorf("%d loads of older keys took the lock %d times; want 0", size, n)
	}
	const bound = 2*(size+fresh) + 64
	for loads := 0; ; loads += fresh {
		before := syncmap.LockCount(m)
		for k := size; k < size+fresh; k++ {
			if v, ok := m.Load(k); !ok || v != k {
				t.Fatalf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
			}
		}
		if syncmap.LockCount(m) == before {
			t.Logf("loads of %d new keys stopped taking the lock after %d look-ups", fresh, loads)
			break
		}
		if loads > bound {
			t.Fatalf("after %d look-ups of %d keys stored since the last promotion, loads of them still take the lock", loads, fresh)
		}
	}
}

// TestMapLockIsRare counts the acquisitions of the map's own lock, the one
// lock that every writer of a Map shares, which bounds how far the map
// scales with cores. On maps of 1<<14 keys and more, adding new keys in the
// ways a cache does (a fill: a miss, LoadOrStore, then loads; a growing
// cache: one new key every hundred calls, the rest loads, the newest keys
// the hottest; inserts: LoadOrStore of new keys) must take it at most once
// per 500 new keys, and loads, hits or misses, never.
func TestMapLockIsRare(t *testing.T) {
	const start = 1 << 14
	added := 1 << 16
	if testing.Short() {
		added = 1 << 14
	}
	workloads := []struct {
		name string
		add  func(m *syncmap.Map[int, int], k int)
	}{
		{"fill", func(m *syncmap.Map[int, int], k int) {
			m.Load(k)
			m.LoadOrStore(k, k)
			m.Load(k)
			m.Load(k)
		}},
		{"growing cache", func(m *syncmap.Map[int, int], k int) {
			m.Store(k, k)
			for i := range 99 {
				if i%2 == 0 {
					m.Load(k - i%1024) // among the newest
				} else {
					m.Load((k*31 + i*7919) % k)
				}
			}
		}},
		{"LoadOrStore of new keys", func(m *syncmap.Map[int, int], k int) { m.LoadOrStore(k, k) }},
	}
	for _, w := range workloads {
		t.Run(w.name, func(t *testing.T) {
			m := syncmap.NewTuned[int, int](syncmap.Tuning{}) // counts its locks
			fill(m, start)
			before := syncmap.LockCount(m)
			for k := start; k < start+added; k++ {
				w.add(m, k)
			}
			locks := syncmap.LockCount(m) - before
			t.Logf("%d new keys on a map of %d took the map's lock %d times", added, start, locks)
			if locks*500 > uint64(added) {
				t.Errorf("%d new keys on a map of %d took the map's lock %d times; want at most one per 500", added, start, locks)
			}
			before = syncmap.LockCount(m)
			for k := range 2 * (start + added) { // half of them hits, half misses
				m.Load(k)
			}
			if n := syncmap.LockCount(m) - before; n != 0 {
				t.Errorf("loads took the map's lock %d times; want none", n)
			}
		})
	}
}
