// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

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

// TestSmallMapsStaySmall measures the heap that small maps hold, with
// GOMAXPROCS at 64, after their keys are stored and after they are read
// and ranged over: a map of one key must take at most 1 KB, one of ten
// keys at most 2 KB, whatever the number of cores.
func TestSmallMapsStaySmall(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(64))
	const maps = 1000
	for _, tc := range []struct {
		keys  int
		limit uint64
	}{{1, 1024}, {10, 2048}} {
		ms := make([]syncmap.Map[int, int], maps)
		base := liveHeap()
		for i := range ms {
			for k := range tc.keys {
				ms[i].Store(k, k)
			}
		}
		stored := (liveHeap() - base) / maps
		for i := range ms {
			for k := range tc.keys {
				ms[i].Load(k)
				ms[i].Load(-k)
			}
			ms[i].Range(func(int, int) bool { return true })
			ms[i].Len()
		}
		read := (liveHeap() - base) / maps
		t.Logf("a map of %d keys: %d bytes once stored, %d once read", tc.keys, stored, read)
		if stored > tc.limit || read > tc.limit {
			t.Errorf("a map of %d keys takes %d bytes once stored, %d once read; want at most %d", tc.keys, stored, read, tc.limit)
		}
		runtime.KeepAlive(ms)
	}
}

// TestDeletedKeysAreCollected checks that deleting keys releases them and
// their values once ordinary traffic has followed: new keys and look-ups.
// It deletes every key of a small map and of a large one, whose table
// spans many segments that the new keys never write to.
func TestDeletedKeysAreCollected(t *testing.T) {
	for _, n := range []int{100, 1 << 14} {
		t.Run(fmt.Sprint("keys=", n), func(t *testing.T) {
			var m syncmap.Map[*object, *object]
			var collected atomic.Int64
			onGC := func(*object) { collected.Add(1) }
			for range n {
				k, v := new(object), new(object)
				runtime.SetFinalizer(k, onGC)
				runtime.SetFinalizer(v, onGC)
				m.Store(k, v)
				v2 := new(object)
				runtime.SetFinalizer(v2, onGC)
				m.Store(k, v2)
			}
			m.Range(func(k, v *object) bool { // delete everything
				m.Delete(k)
				return true
			})

			// Ordinary traffic: new keys, and look-ups of them and of others.
			kept := make([]*object, 1000)
			for i := range kept {
				kept[i] = new(object)
				m.Store(kept[i], kept[i])
				m.Load(kept[i])
				m.Load(new(object))
			}
			waitCollected(t, &collected, 3*n, "deleted keys and values")
			for _, k := range kept {
				if v, ok := m.Load(k); !ok || v != k {
					t.Fatalf("Load(kept) = %p, %v; want %p, true", v, ok, k)
				}
			}
		})
	}
}

// TestReplacedValuesAreCollected checks that a value that holds pointers
// is unreachable from the map as soon as it is replaced, by each method
// that replaces values, while its key stays: a pointer, which the entry
// holds itself, and a struct that holds one, which gets an allocation of
// its own, the first value of a key included.
func TestReplacedValuesAreCollected(t *testing.T) {
	type holder struct {
		p *object
		n int
	}
	t.Run("V=*object", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) *object { return o })
	})
	t.Run("V=struct", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) holder { return holder{o, 1} })
	})
	t.Run("V=any", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) any { return o })
	})
}

func testReplacedValuesAreCollected[V comparable](t *testing.T, value func(*object) V) {
	var m syncmap.Map[int, V]
	var collected atomic.Int64
	tracked := func() V {
		o := new(object)
		runtime.SetFinalizer(o, func(*object) { collected.Add(1) })
		return value(o)
	}
	const n = 12
	for k := range n {
		m.Store(k, tracked())
		if k == n/2 {
			m.Range(func(int, V) bool { return true })
		}
		switch v, _ := m.Load(k); k % 3 {
		case 0:
			m.Store(k, value(nil))
		case 1:
			m.Swap(k, value(nil))
		case 2:
			m.CompareAndSwap(k, v, value(nil))
		}
	}
	waitCollected(t, &collected, n, "replaced values")
	if got := m.Len(); got != n {
		t.Errorf("Len() = %d after replacing values; want %d", got, n)
	}
	runtime.KeepAlive(&m)
}

// TestDeletedValuesAreCollectedAtOnce stores and deletes keys of a small
// map, through every method that deletes: each value must be collected as
// soon as its key is deleted, and so must the keys (which
// TestDeletedKeysAreReleasedAtOnce checks with no later call at all).
func TestDeletedValuesAreCollectedAtOnce(t *testing.T) {
	var m syncmap.Map[*object, *object]
	m.Store(new(object), nil)
	var keys, values atomic.Int64
	const n = 30
	for i := range n {
		k, v := new(object), new(object)
		runtime.SetFinalizer(k, func(*object) { keys.Add(1) })
		runtime.SetFinalizer(v, func(*object) { values.Add(1) })
		m.Store(k, v)
		switch i % 3 {
		case 0:
			m.Delete(k)
		case 1:
			m.LoadAndDelete(k)
		case 2:
			m.CompareAndDelete(k, v)
		}
	}
	waitCollected(t, &values, n, "deleted values")
	for range 8 {
		k := new(object)
		m.Store(k, nil)
		m.Delete(k)
	}
	m.Store(new(object), nil)
	waitCollected(t, &keys, n, "deleted keys, after 9 more stores")
	runtime.KeepAlive(&m) // the deleted keys must go, not the map
}

// object is large enough not to be batched with other tiny objects, whose
// finalizers would then wait for each other.
type object struct{ _ [64]byte }

// waitCollected collects garbage until collected reaches want, or fails
// after ten seconds, saying how many of what were collected.
func waitCollected(t *testing.T, collected *atomic.Int64, want int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() < int64(want) && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := collected.Load(); got != int64(want) {
		t.Errorf("%d of %d %s were collected", got, want, what)
	}
}

// liveHeap returns the bytes of live heap objects, after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // finalizers queued by the first one may free more
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestChurnKeepsHeapBounded inserts unique keys and deletes each a fixed
// number of calls later, through every method that inserts or deletes,
// while loads look them up: the live heap must stay as large as
// the live keys need, however many have come and gone.
func TestChurnKeepsHeapBounded(t *testing.T) {
	const window = 1000 // live keys
	steps := 300_000
	if testing.Short() {
		steps = 60_000
	}
	const checkpoints = 6
	type payload [8]int // 64 bytes, so that a leak shows
	var m syncmap.Map[int, payload]
	var heap []uint64
	for i := range steps {
		v := payload{i}
		switch i % 3 {
		case 0:
			m.Store(i, v)
		case 1:
			m.LoadOrStore(i, v)
		case 2:
			m.Swap(i, v)
		}
		if old := i - window; old >= 0 {
			switch i % 3 {
			case 0:
				m.Delete(old)
			case 1:
				m.LoadAndDelete(old)
			case 2:
				m.CompareAndDelete(old, payload{old})
			}
		}
		if got, ok := m.Load(i - window/2); i >= window && (!ok || got[0] != i-window/2) {
			t.Fatalf("Load(%d) = %v, %v; want [%d ...], true", i-window/2, got[0], ok, i-window/2)
		}
		if (i+1)%(steps/checkpoints) == 0 {
			heap = append(heap, liveHeap())
		}
	}
	t.Logf("live heap at each sixth of %d calls: %v bytes", 4*steps, heap)
	first, last := heap[0], heap[len(heap)-1]
	// Leaking one entry per key would add several megabytes; allow a
	// fraction of that for noise.
	if limit := first + first/2 + 256<<10; last > limit {
		t.Errorf("live heap grew from %d to %d bytes (limit %d) with %d live keys", first, last, limit, window)
	}
	n := 0
	m.Range(func(int, payload) bool { n++; return true })
	if n != window {
		t.Errorf("Range visited %d keys; want %d", n, window)
	}
}

// TestClearReleasesEverything checks that Clear lets the collector free
// every key and value, from entries in every state: live, replaced (the
// first value stays with the entry), deleted, swept out, stored again, and
// new since the last Range.
func TestClearReleasesEverything(t *testing.T) {
	type object struct{ _ [64]byte } // large enough not to be batched with other tiny objects
	var collected atomic.Int64
	tracked := 0
	track := func() *object {
		o := new(object)
		runtime.SetFinalizer(o, func(*object) { collected.Add(1) })
		tracked++
		return o
	}
	var m syncmap.Map[*object, *object]
	const n = 300
	keys := make([]*object, n)
	for i := range keys {
		keys[i] = track()
		m.Store(keys[i], track())
	}
	m.Range(func(*object, *object) bool { return true })
	for i := 0; i < n; i += 3 {
		m.Swap(keys[i], track())
	}
	for i := 1; i < n; i += 3 {
		m.Delete(keys[i])
	}
	m.Store(track(), track())
	for i := 1; i < n/2; i += 3 {
		m.Store(keys[i], track()) // stored again
	}
	for range n {
		m.Store(track(), track())
	}
	clear(keys)
	m.Clear()

	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() < int64(tracked) && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := collected.Load(); got != int64(tracked) {
		t.Errorf("after Clear, %d of %d keys and values were collected", got, tracked)
	}
	k, v := new(object), new(object)
	m.Store(k, v)
	if got, ok := m.Load(k); !ok || got != v {
		t.Errorf("Load(k) after Clear and Store = %p, %v; want %p, true", got, ok, v)
	}
}

// TestClearOfSmallMapReleasesEverything checks that Clear lets the
// collector free the keys and values of a map of a few keys, whose table
// the map keeps, emptied, for its next keys.
func TestClearOfSmallMapReleasesEverything(t *testing.T) {
	type object struct{ _ [64]byte }
	var m syncmap.Map[*object, *object]
	var collected atomic.Int64
	onGC := func(*object) { collected.Add(1) }
	for round := range 3 {
		for range 3 {
			k, v := new(object), new(object)
			runtime.SetFinalizer(k, onGC)
			runtime.SetFinalizer(v, onGC)
			m.Store(k, v)
		}
		m.Clear()
		deadline := time.Now().Add(10 * time.Second)
		for collected.Load() < int64(6*(round+1)) && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
		if got, want := collected.Load(), int64(6*(round+1)); got != want {
			t.Fatalf("after %d rounds of three keys and Clear, %d of %d keys and values were collected", round+1, got, want)
		}
	}
	runtime.KeepAlive(&m)
}
