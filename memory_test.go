// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests what a Map gives back when its keys go.

// heapOf returns the live heap that a map built by fill holds, measured
// against the heap before fill ran.
func heapOf(fill func() any) (bytes int64, kept any) {
	base := liveHeap()
	kept = fill()
	return int64(liveHeap()) - int64(base), kept
}

// TestDeletesGiveMemoryBack fills maps, then deletes their keys with no
// other call in between, with Delete or with Compute, and compares the heap each map then holds with
// the heap of a map that only ever held the keys left: at most twice as
// much, and a few kilobytes.
func TestDeletesGiveMemoryBack(t *testing.T) {
	n := 1 << 17
	if testing.Short() {
		n = 1 << 15
	}
	type value [4]int // 32 bytes
	deleteOp := func(value, bool) (value, syncmap.ComputeOp) { return value{}, syncmap.DeleteOp }
	for _, tc := range []struct {
		left int
		via  string
	}{{0, "Delete"}, {1000, "Delete"}, {0, "Compute"}} {
		left := tc.left
		t.Run(fmt.Sprint("left=", left, ",via=", tc.via), func(t *testing.T) {
			fresh, kept := heapOf(func() any {
				m := new(syncmap.Map[int, value])
				for k := range left {
					m.Store(k, value{k})
				}
				return m
			})
			runtime.KeepAlive(kept)
			full, after := int64(0), int64(0)
			after, kept = heapOf(func() any {
				m := new(syncmap.Map[int, value])
				for k := range n {
					m.Store(k, value{k})
				}
				full = int64(liveHeap())
				for k := n - 1; k >= left; k-- {
					if tc.via == "Compute" {
						m.Compute(k, deleteOp)
					} else {
						m.Delete(k)
					}
				}
				return m
			})
			m := kept.(*syncmap.Map[int, value])
			t.Logf("%d keys: %d bytes at most; %d left after deletes: %d bytes, where a map of only those takes %d",
				n, full, left, after, fresh)
			if limit := 2*fresh + 16<<10; after > limit {
				t.Errorf("a map of %d keys, of which all but %d were deleted, holds %d bytes; want at most %d, twice what a map of only those holds, and 16 KB",
					n, left, after, limit)
			}
			for k := range left {
				if v, ok := m.Load(k); !ok || v != (value{k}) {
					t.Fatalf("Load(%d) = %v, %v; want %v, true", k, v, ok, value{k})
				}
			}
			if got := m.Len(); got != left {
				t.Errorf("Len() = %d; want %d", got, left)
			}
		})
	}
}

// TestDeletedKeysAreReleasedAtOnce deletes the keys of a small map, through
// each method that deletes, and then only loads: each key and its value
// must be collected, as they would be from a Go map or a sync.Map, with no
// other call needed to let them go.
func TestDeletedKeysAreReleasedAtOnce(t *testing.T) {
	for _, method := range []string{"Delete", "LoadAndDelete", "CompareAndDelete", "Compute"} {
		t.Run(method, func(t *testing.T) {
			var m syncmap.Map[*object, *object]
			stay := new(object)
			m.Store(stay, stay)
			var collected atomic.Int64
			onGC := func(*object) { collected.Add(1) }
			const n = 3
			for range n {
				k, v := new(object), new(object)
				runtime.SetFinalizer(k, onGC)
				runtime.SetFinalizer(v, onGC)
				m.Store(k, v)
				switch method {
				case "Delete":
					m.Delete(k)
				case "LoadAndDelete":
					m.LoadAndDelete(k)
				case "CompareAndDelete":
					m.CompareAndDelete(k, v)
				case "Compute":
					m.Compute(k, func(v *object, _ bool) (*object, syncmap.ComputeOp) { return v, syncmap.DeleteOp })
				}
				m.Load(stay)
			}
			waitCollected(t, &collected, 2*n, "deleted keys and values")
			if v, ok := m.Load(stay); !ok || v != stay {
				t.Errorf("Load(stay) = %p, %v; want %p, true", v, ok, stay)
			}
		})
	}
}

// TestSizeAtTheEdgeDoesNotFlap adds a key to a map and deletes it again,
// at every size up to a few thousand keys: a map whose table grew for the
// new key and shrank again as it went, at one size or another, would copy
// its table on every call.
func TestSizeAtTheEdgeDoesNotFlap(t *testing.T) {
	n := 4000
	if testing.Short() {
		n = 1500
	}
	var m syncmap.Map[int, int]
	for k := range n {
		m.Store(k, k)
		allocs := testing.AllocsPerRun(20, func() {
			m.Store(-1, -1)
			m.Delete(-1)
		})
		// One allocation: the entry of the new key, with its value.
		if allocs > 1 {
			t.Fatalf("with %d keys, Store then Delete of another key makes %.1f allocations; want 1", k+1, allocs)
		}
	}
}
