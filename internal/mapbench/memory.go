// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"runtime"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// Memory measures the heap that a map of 1<<20 int keys and values holds,
// in bytes per entry: B/entry in the steady state, once a Range has read
// the whole map (for syncmap.Map, that leaves every key in the read map
// alone), and B/entry-grow right after one more key is stored (for
// syncmap.Map, that builds the dirty map beside the read map). Each
// iteration builds and measures a map on one goroutine, so ReadOnly maps
// run it too; ns/op is left out, as garbage collection would make most of
// it.
func Memory(b *testing.B, impls Impls) {
	const size = 1 << 20
	for _, impl := range impls.Int {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			if impl.CopyOnWrite {
				b.Skip(copyLarge)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var steady, grown int64
			for range b.N {
				s, g := mapHeap(impl.New, size)
				steady += s
				grown += g
			}
			entries := float64(b.N) * size
			b.ReportMetric(float64(steady)/entries, "B/entry")
			b.ReportMetric(float64(grown)/entries, "B/entry-grow")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// mapHeap builds a map of size keys and returns the live heap it holds in
// the steady state, and after one more key is stored.
func mapHeap(newMap func() refmap.Interface[int, int], size int) (steady, grown int64) {
	base := heapAfterGC()
	m := newMap()
	for i := range size {
		m.Store(i, i)
	}
	m.Range(func(int, int) bool { return true })
	steady = heapAfterGC() - base
	m.Store(size, size)
	grown = heapAfterGC() - base
	runtime.KeepAlive(m)
	return steady, grown
}

// heapAfterGC collects garbage and returns the bytes of heap still in use.
func heapAfterGC() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
