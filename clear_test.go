// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests Clear.

func TestClear(t *testing.T) {
	var m syncmap.Map[int, int]
	for i := range 10 {
		m.Store(i, i)
	}
	m.Range(func(int, int) bool { return true })
	m.Store(10, 10) // stored since the Range
	m.Clear()
	if got := contents(&m); len(got) != 0 {
		t.Errorf("contents after Clear = %v; want none", got)
	}
	for i := range 11 {
		if v, ok := m.Load(i); ok {
			t.Errorf("Load(%d) after Clear = %d, true; want missing", i, v)
		}
	}
	m.Store(3, 30)
	if got, want := contents(&m), [][2]int{{3, 30}}; !reflect.DeepEqual(got, want) {
		t.Errorf("contents after Clear and Store = %v; want %v", got, want)
	}
}

// TestRangeDuringClear runs Range on a map that another goroutine stores a
// key into and clears, again and again. Each Range must see the one key
// stored since the last Clear, or nothing.
func TestRangeDuringClear(t *testing.T) {
	var m syncmap.Map[int, int]
	var done atomic.Bool
	runGoroutines(t, 2, func(g int) {
		if g == 0 {
			defer done.Store(true)
			for i := range rounds(20000) {
				m.Store(i, i)
				m.Clear()
			}
			return
		}
		for !done.Load() {
			var seen [][2]int
			for k, v := range m.All() {
				seen = append(seen, [2]int{k, v})
			}
			if len(seen) > 1 || len(seen) == 1 && seen[0][0] != seen[0][1] {
				t.Errorf("Range during Clear saw %v; want one key with its value, or none", seen)
				return
			}
		}
	})
}

// TestClearIsAtomic checks that Clear deletes every key at one instant,
// however many segments hold them. While one goroutine clears a map of
// keys spread over dozens of segments, a second waits to see one of them
// gone, and then stores a marker; a third waits to see the marker, and then
// must find every old key gone: the marker was stored after Clear took
// effect, and nobody stores the old keys again. A Clear that cleared one
// segment after another would let the marker land in a segment cleared
// first while keys of segments cleared last were still there.
func TestClearIsAtomic(t *testing.T) {
	// More threads than cores: the operating system then suspends a Clear
	// at any instruction, for a time slice, as it would a slow one.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8 * runtime.NumCPU()))
	const keys, marker = 256, -1
	for round := range rounds(300) {
		m := syncmap.NewTuned[int, int](oneGroup)
		for k := range keys {
			m.Store(k, k)
		}
		if segs, _ := syncmap.Segments(m); segs < 16 {
			t.Fatalf("%d keys fill %d segments; want at least 16", keys, segs)
		}
		var marked atomic.Bool
		runGoroutines(t, 3, func(g int) {
			switch g {
			case 0:
				m.Clear()
			case 1:
				defer marked.Store(true)
				for {
					for k := range keys {
						if _, ok := m.Load(k); !ok {
							m.Store(marker, 0)
							return
						}
					}
				}
			case 2:
				for {
					if _, ok := m.Load(marker); !ok {
						if marked.Load() {
							return // the marker is gone: reported below
						}
						continue
					}
					for k := range keys {
						if v, ok := m.Load(k); ok {
							t.Errorf("round %d: Load(%d) = %d, true after a key stored once Clear took effect; want the key gone", round, k, v)
							return
						}
					}
					return
				}
			}
		})
		if _, ok := m.Load(marker); !ok {
			t.Errorf("round %d: a key stored once Clear took effect is gone", round)
		}
		if t.Failed() {
			return
		}
	}
}
