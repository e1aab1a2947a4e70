// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests Range and the iterators.

// TestRangeVisitsNoKeyTwice ranges over maps whose keys all collide, so
// that they fill one table group after group, and on meeting each key,
// deletes it, adds another key (which takes its slot) and stores the first
// key again (which adds a new entry for it further on, in the next group
// with room). A Range that met the key's old entry, then its new one,
// would visit it twice.
func TestRangeVisitsNoKeyTwice(t *testing.T) {
	const keys = 20
	for first := range keys {
		m := syncmap.NewTuned[int, int](syncmap.Tuning{Hash: func(uint64) uint64 { return 0 }})
		for k := range keys {
			m.Store(k, k)
		}
		seen := make(map[int]bool)
		m.Range(func(k, v int) bool {
			if seen[k] {
				t.Fatalf("Range visited key %d twice, after key %d was stored again", k, first)
			}
			seen[k] = true
			if k == first {
				m.Delete(k)
				m.Store(-1, 0) // takes k's slot
				m.Store(k, k)
			}
			return true
		})
	}
}

func TestIterators(t *testing.T) {
	var m syncmap.Map[int, int]
	for i := range 10 {
		m.Store(i, 10*i)
	}
	got := map[int]int{}
	for k, v := range m.All() {
		if _, dup := got[k]; dup {
			t.Errorf("All yielded key %d twice", k)
		}
		got[k] = v
		m.Store(k+100, v) // the body may call any method
		m.Delete(k + 1000)
	}
	for i := range 10 {
		if got[i] != 10*i {
			t.Errorf("All: key %d = %d; want %d", i, got[i], 10*i)
		}
		if v, ok := m.Load(i + 100); !ok || v != 10*i {
			t.Errorf("Load(%d) after stores in the loop body = %d, %v; want %d, true", i+100, v, ok, 10*i)
		}
	}

	n := 0
	for range m.Keys() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("Keys ran the body %d times after a break; want 1", n)
	}
	var keys, values []int
	for k := range m.Keys() {
		keys = append(keys, k)
	}
	for v := range m.Values() {
		values = append(values, v)
	}
	if len(keys) != m.Len() || len(values) != m.Len() {
		t.Errorf("Keys yielded %d keys and Values %d values; want Len() = %d", len(keys), len(values), m.Len())
	}
}
