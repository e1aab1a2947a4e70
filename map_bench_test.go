// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap"
)

// A benchmark is one parallel workload. setup fills the map before the
// timer starts; perG runs on each goroutine, doing one operation per
// pb.Next, with i starting at a value unique to the goroutine (id * b.N),
// so that keys derived from i never collide across goroutines.
type benchmark struct {
	setup func(b *testing.B, m mapInterface[int, int])
	perG  func(b *testing.B, pb *pb, i int, m mapInterface[int, int])

	// readOnly workloads also run on an unsynchronized map: the speed limit
	// of any read path built on a Go map.
	readOnly bool
	// quadratic workloads skip DeepCopyMap, which copies the whole map on
	// every write.
	quadratic bool
}

// benchImpls are the implementations a workload runs against, each named
// for a sub-benchmark impl=<name>, so that benchstat -col /impl puts them
// side by side.
var benchImpls = []struct {
	name string
	new  func() mapInterface[int, int]
}{
	{"syncmap", func() mapInterface[int, int] { return newPadded[syncmap.Map[int, int]]() }},
	{"sync.Map", func() mapInterface[int, int] { return newPadded[syncMap[int, int]]() }},
	{"RWMutexMap", func() mapInterface[int, int] { return newPadded[RWMutexMap[int, int]]() }},
	{"DeepCopyMap", func() mapInterface[int, int] { return newPadded[DeepCopyMap[int, int]]() }},
	{"plainmap", func() mapInterface[int, int] { return newPadded[plainMap[int, int]]() }},
}

func runBenchmark(b *testing.B, bench benchmark) {
	for _, impl := range benchImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			switch {
			case impl.name == "plainmap" && !bench.readOnly:
				b.Skip("plainmap is not safe for concurrent writes")
			case impl.name == "DeepCopyMap" && bench.quadratic:
				b.Skip("DeepCopyMap is quadratic on this workload")
			}
			m := impl.new()
			if bench.setup != nil {
				bench.setup(b, m)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var id atomic.Int64
			runParallel(b, func(pb *pb) {
				bench.perG(b, pb, int(id.Add(1)-1)*b.N, m)
			})
		})
	}
}

// cacheLine is at least the size of a cache line on every supported
// architecture (128 bytes on ppc64le and some arm64 cores).
const cacheLine = 128

// newPadded allocates a map on cache lines of its own, so that no object
// written during the benchmark can share one with it: a shared line makes a
// read-only workload pay for every write to its neighbour, and turns results
// two-valued from one run to the next.
func newPadded[M any]() *M {
	p := new(struct {
		_ [cacheLine]byte
		m M
		_ [cacheLine]byte
	})
	return &p.m
}

// pb hands out iterations to one goroutine of runParallel, as testing.PB
// does for b.RunParallel. testing.PB is a 32-byte object written on every
// Next; it can land on the cache line of a Go map's 32-byte table header,
// which every look-up reads. pb keeps its counters on lines of their own.
type pb struct {
	_      [cacheLine]byte
	left   int             // iterations left in this goroutine's batch
	shared *sharedCounter  // where the next batch comes from
	grain  int             // iterations per batch
	_      [cacheLine]byte // also keeps left off the next object's line
}

type sharedCounter struct {
	_ [cacheLine]byte
	n atomic.Int64 // iterations not yet handed out
	_ [cacheLine]byte
}

// Next reports whether there is another iteration to run.
func (p *pb) Next() bool {
	if p.left > 0 {
		p.left--
		return true
	}
	return p.refill()
}

func (p *pb) refill() bool {
	n := p.shared.n.Add(int64(-p.grain))
	got := int64(p.grain)
	if n < 0 {
		got += n // the last batch may be short
	}
	if got <= 0 {
		return false
	}
	p.left = int(got) - 1
	return true
}

// runParallel runs body on GOMAXPROCS goroutines, which share b.N
// iterations between them, as b.RunParallel does with its default
// parallelism.
func runParallel(b *testing.B, body func(pb *pb)) {
	procs := runtime.GOMAXPROCS(0)
	// Small batches balance the goroutines; large ones keep the shared
	// counter off the hot path.
	grain := max(1, min(1000, b.N/(100*procs)))
	shared := new(sharedCounter)
	shared.n.Store(int64(b.N))
	var wg sync.WaitGroup
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(&pb{shared: shared, grain: grain})
		}()
	}
	wg.Wait()
}

// syncMap adapts sync.Map to mapInterface with the type assertions its users
// write, which are part of its cost.
type syncMap[K comparable, V any] struct{ m sync.Map }

// value converts sync.Map's any result to V.
func value[V any](v any, ok bool) (V, bool) {
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

func (m *syncMap[K, V]) Load(key K) (value_ V, ok bool) { return value[V](m.m.Load(key)) }
func (m *syncMap[K, V]) Store(key K, value V)           { m.m.Store(key, value) }
func (m *syncMap[K, V]) LoadOrStore(key K, v V) (actual V, loaded bool) {
	return value[V](m.m.LoadOrStore(key, v))
}
func (m *syncMap[K, V]) LoadAndDelete(key K) (v V, loaded bool) {
	return value[V](m.m.LoadAndDelete(key))
}
func (m *syncMap[K, V]) Delete(key K) { m.m.Delete(key) }
func (m *syncMap[K, V]) Swap(key K, v V) (previous V, loaded bool) {
	return value[V](m.m.Swap(key, v))
}
func (m *syncMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	return m.m.CompareAndSwap(key, old, new)
}
func (m *syncMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	return m.m.CompareAndDelete(key, old)
}
func (m *syncMap[K, V]) Range(f func(key K, value V) bool) {
	m.m.Range(func(k, v any) bool { return f(k.(K), v.(V)) })
}
func (m *syncMap[K, V]) Clear() { m.m.Clear() }

// plainMap is a Go map with no synchronization at all. It may only be
// written before the benchmark starts; its concurrent writes panic.
type plainMap[K comparable, V any] struct{ m map[K]V }

func (m *plainMap[K, V]) Load(key K) (value V, ok bool) {
	value, ok = m.m[key]
	return value, ok
}

// Store is for setup, which runs on one goroutine.
func (m *plainMap[K, V]) Store(key K, value V) {
	if m.m == nil {
		m.m = make(map[K]V)
	}
	m.m[key] = value
}

func (m *plainMap[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if actual, loaded = m.m[key]; loaded {
		return actual, true
	}
	m.Store(key, value)
	return value, false
}

func (m *plainMap[K, V]) Range(f func(key K, value V) bool) {
	for k, v := range m.m {
		if !f(k, v) {
			break
		}
	}
}

func (*plainMap[K, V]) LoadAndDelete(K) (V, bool)   { panic(errPlainWrite) }
func (*plainMap[K, V]) Delete(K)                    { panic(errPlainWrite) }
func (*plainMap[K, V]) Swap(K, V) (V, bool)         { panic(errPlainWrite) }
func (*plainMap[K, V]) CompareAndSwap(K, V, V) bool { panic(errPlainWrite) }
func (*plainMap[K, V]) CompareAndDelete(K, V) bool  { panic(errPlainWrite) }
func (*plainMap[K, V]) Clear()                      { panic(errPlainWrite) }

const errPlainWrite = "plainMap: a write during the benchmark"

// warm brings a map into the steady state of a read-mostly cache: after
// the stores, enough look-ups to make every map fast for them (for Map,
// that promotes the keys to its read map).
func warm(m mapInterface[int, int], keys int) {
	for i := range 2 * keys {
		m.Load(i % keys)
	}
}

func benchLoad(b *testing.B, hits, misses int) {
	runBenchmark(b, benchmark{
		readOnly: true,
		setup: func(_ *testing.B, m mapInterface[int, int]) {
			for i := range hits {
				m.LoadOrStore(i, i)
			}
			warm(m, hits)
		},
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.Load(i % (hits + misses))
			}
		},
	})
}

func BenchmarkLoadMostlyHits(b *testing.B)   { benchLoad(b, 1023, 1) }
func BenchmarkLoadMostlyMisses(b *testing.B) { benchLoad(b, 1, 1023) }

func BenchmarkLoadOrStoreBalanced(b *testing.B) {
	const hits, misses = 128, 128
	runBenchmark(b, benchmark{
		quadratic: true,
		setup: func(_ *testing.B, m mapInterface[int, int]) {
			for i := range hits {
				m.LoadOrStore(i, i)
			}
			warm(m, hits)
		},
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				if j := i % (hits + misses); j < hits {
					if _, loaded := m.LoadOrStore(j, i); !loaded {
						b.Fatalf("LoadOrStore(%d) stored a key that was present", j)
					}
				} else if _, loaded := m.LoadOrStore(i+hits, i); loaded {
					b.Fatalf("LoadOrStore(%d) loaded a new key", i+hits)
				}
			}
		},
	})
}

func BenchmarkLoadOrStoreUnique(b *testing.B) {
	runBenchmark(b, benchmark{
		quadratic: true,
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadOrStore(i, i)
			}
		},
	})
}

func BenchmarkLoadOrStoreCollision(b *testing.B) {
	runBenchmark(b, benchmark{
		setup: func(_ *testing.B, m mapInterface[int, int]) {
			m.LoadOrStore(0, 0)
			warm(m, 1)
		},
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadOrStore(0, 0)
			}
		},
	})
}

// BenchmarkAdversarialAlloc stores a new key as soon as the loads since the
// last store outnumber the stores: for Map, every promotion is soon followed
// by a new key, which rebuilds the dirty map.
func BenchmarkAdversarialAlloc(b *testing.B) {
	runBenchmark(b, benchmark{
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			var stores, loadsSinceStore int
			for ; pb.Next(); i++ {
				m.Load(i)
				if loadsSinceStore++; loadsSinceStore > stores {
					m.LoadOrStore(i, stores)
					loadsSinceStore = 0
					stores++
				}
			}
		},
	})
}

// BenchmarkAdversarialDelete loads from a map of 1024 keys and, every 1024
// loads, deletes the first key Range finds and stores a new one.
func BenchmarkAdversarialDelete(b *testing.B) {
	const mapSize = 1 << 10
	runBenchmark(b, benchmark{
		setup: func(_ *testing.B, m mapInterface[int, int]) {
			for i := range mapSize {
				m.Store(i, i)
			}
			warm(m, mapSize)
		},
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.Load(i)
				if i%mapSize == 0 {
					m.Range(func(k, _ int) bool {
						m.Delete(k)
						return false
					})
					m.Store(i, i)
				}
			}
		},
	})
}
