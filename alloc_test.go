// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests what calls allocate.

func TestReadPathsDoNotAllocate(t *testing.T) {
	m := filledMap(100)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Load hit", func() { m.Load(1) }},
		{"Load miss", func() { m.Load(1000) }},
		{"LoadOrStore hit", func() { m.LoadOrStore(1, 7) }},
		{"CompareAndSwap mismatch", func() { m.CompareAndSwap(1, 7, 8) }},
		{"CompareAndSwap miss", func() { m.CompareAndSwap(1000, 7, 8) }},
		{"CompareAndDelete mismatch", func() { m.CompareAndDelete(1, 7) }},
		{"Range", func() { m.Range(func(int, int) bool { return true }) }},
		{"LoadOrCompute hit", func() { m.LoadOrCompute(1, computeNothing) }},
		{"Len", func() { m.Len() }},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s: %v allocations per run; want 0", tc.name, n)
		}
	}
	// A struct key, hashed field by field, and a value larger than four
	// words, which the hits copy out of the entry themselves.
	type key struct {
		ID   int
		Name string
	}
	type large [5]string
	var l syncmap.Map[key, large]
	l.Store(key{1, "a"}, large{"v"})
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Load hit", func() { l.Load(key{1, "a"}) }},
		{"Load miss", func() { l.Load(key{2, "a"}) }},
		{"LoadOrStore hit", func() { l.LoadOrStore(key{1, "a"}, large{}) }},
		{"LoadOrCompute hit", func() { l.LoadOrCompute(key{1, "a"}, func() large { panic("computed") }) }},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s with a struct key and a large value: %v allocations per run; want 0", tc.name, n)
		}
	}
	var s syncmap.Map[string, any]
	s.Store("k", "v")
	s.Range(func(string, any) bool { return true })
	if n := testing.AllocsPerRun(100, func() { s.CompareAndSwap("k", "w", "x") }); n != 0 {
		t.Errorf("CompareAndSwap mismatch on interface values: %v allocations per run; want 0", n)
	}
}

func computeNothing() int { panic("compute called for a present key") }

// TestWritesAllocateOnce checks that a new key costs one allocation (its
// entry, which holds its first value), and that replacing the value of a
// present key costs at most one (the new value). AllocsPerRun truncates its
// average, so the map's own occasional growth does not count.
func TestWritesAllocateOnce(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(-1, 0)
	next := 0
	for _, tc := range []struct {
		name string
		f    func()
		want float64
	}{
		{"Store of a new key", func() { next++; m.Store(next, next) }, 1},
		{"LoadOrStore of a new key", func() { next++; m.LoadOrStore(next, next) }, 1},
		{"LoadOrCompute of a new key", func() { next++; m.LoadOrCompute(next, computeZero) }, 1},
		{"Store of a present key", func() { m.Store(-1, next) }, 1},
		{"Swap of a present key", func() { m.Swap(-1, next) }, 1},
		{"CompareAndSwap of a present key", func() { v, _ := m.Load(-1); m.CompareAndSwap(-1, v, v+1) }, 1},
	} {
		if n := testing.AllocsPerRun(1000, tc.f); n > tc.want {
			t.Errorf("%s: %v allocations per call; want at most %v", tc.name, n, tc.want)
		}
	}
}

func computeZero() int { return 0 }

func TestIteratorsAllocateOnlyTheirClosure(t *testing.T) {
	m := filledMap(100)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"All", func() {
			for range m.All() {
			}
		}},
		{"Keys", func() {
			for range m.Keys() {
			}
		}},
		{"Values", func() {
			for range m.Values() {
			}
		}},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n > 1 {
			t.Errorf("%s: %v allocations per loop; want at most 1", tc.name, n)
		}
	}
}
