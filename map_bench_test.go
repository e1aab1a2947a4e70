// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// A benchmark is one parallel workload on maps from K to int. setup fills
// the map before the timer starts; perG runs on each goroutine, doing one
// operation per pb.Next, with i starting at a value unique to the goroutine
// (id * b.N), so that keys derived from i never collide across goroutines.
type benchmark[K comparable] struct {
	setup func(b *testing.B, m mapInterface[K, int])
	perG  func(b *testing.B, pb *pb, i int, m mapInterface[K, int])

	// readOnly workloads also run on an unsynchronized map: the speed limit
	// of any read path built on a Go map. They leave the map as setup made
	// it, so each implementation's map is made once and kept from one round
	// of b.N to the next; their setup must not depend on b.N.
	readOnly bool
	// skipDeepCopy, if not empty, says why the workload skips DeepCopyMap,
	// which copies the whole map on every write.
	skipDeepCopy string
}

// Reasons for a workload to skip DeepCopyMap.
const (
	deepCopyGrows = "DeepCopyMap is quadratic here: the map grows with b.N, and every new key copies it"
	deepCopyLarge = "DeepCopyMap is quadratic here: setup stores every key of a large map, copying it each time"
)

// A benchImpl is an implementation that workloads run against, named for a
// sub-benchmark impl=<name>, so that benchstat -col /impl puts them side by
// side.
type benchImpl[K comparable] struct {
	name string
	new  func() mapInterface[K, int]
}

func benchImpls[K comparable]() []benchImpl[K] {
	return []benchImpl[K]{
		{"syncmap", func() mapInterface[K, int] { return newPadded[syncmap.Map[K, int]]() }},
		{"sync.Map", func() mapInterface[K, int] { return newPadded[syncMap[K, int]]() }},
		{"RWMutexMap", func() mapInterface[K, int] { return newPadded[RWMutexMap[K, int]]() }},
		{"DeepCopyMap", func() mapInterface[K, int] { return newPadded[DeepCopyMap[K, int]]() }},
		{"plainmap", func() mapInterface[K, int] { return newPadded[plainMap[K, int]]() }},
	}
}

func runBenchmark[K comparable](b *testing.B, bench benchmark[K]) {
	for _, impl := range benchImpls[K]() {
		var m mapInterface[K, int] // kept across rounds if bench is readOnly
		b.Run("impl="+impl.name, func(b *testing.B) {
			switch {
			case impl.name == "plainmap" && !bench.readOnly:
				b.Skip("plainmap is not safe for concurrent writes")
			case impl.name == "DeepCopyMap" && bench.skipDeepCopy != "":
				b.Skip(bench.skipDeepCopy)
			}
			if m == nil || !bench.readOnly {
				m = impl.new()
				if bench.setup != nil {
					bench.setup(b, m)
				}
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

// runKeyed runs one workload, built for int keys and for string keys, as
// sub-benchmarks keys=int and keys=string.
func runKeyed(b *testing.B, ints benchmark[int], strs benchmark[string]) {
	b.Run("keys=int", func(b *testing.B) { runBenchmark(b, ints) })
	b.Run("keys=string", func(b *testing.B) { runBenchmark(b, strs) })
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
//
// pb also numbers the iterations from 0 to b.N-1 across all goroutines
// (see index).
type pb struct {
	_      [cacheLine]byte
	n      int            // number of the current iteration
	end    int            // end of this goroutine's batch of iterations
	total  int            // b.N
	grain  int            // iterations per batch
	shared *sharedCounter // where the next batch comes from
	_      [cacheLine]byte
}

type sharedCounter struct {
	_    [cacheLine]byte
	next atomic.Int64 // first iteration not yet handed out
	_    [cacheLine]byte
}

// Next reports whether there is another iteration to run.
func (p *pb) Next() bool {
	if p.n++; p.n < p.end {
		return true
	}
	return p.refill()
}

func (p *pb) refill() bool {
	end := int(p.shared.next.Add(int64(p.grain)))
	start := end - p.grain
	if start >= p.total {
		return false
	}
	p.n, p.end = start, min(end, p.total) // the last batch may be short
	return true
}

// index returns the number of the current iteration, in [0, b.N). Like a
// perG's i, it is unique to the iteration; unlike i, it stays below b.N, so
// a workload that needs a new key per iteration can take it from b.N keys
// made in advance.
func (p *pb) index() int { return p.n }

// runParallel runs body on GOMAXPROCS goroutines, which share b.N
// iterations between them, as b.RunParallel does with its default
// parallelism.
func runParallel(b *testing.B, body func(pb *pb)) {
	procs := runtime.GOMAXPROCS(0)
	// Small batches balance the goroutines; large ones keep the shared
	// counter off the hot path.
	grain := max(1, min(1000, b.N/(100*procs)))
	shared := new(sharedCounter)
	var wg sync.WaitGroup
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(&pb{total: b.N, grain: grain, shared: shared})
		}()
	}
	wg.Wait()
}

// keyWidth is the length of every string key: about that of a short
// identifier, and the same for all keys, so that every key costs the same
// to hash and compare.
const keyWidth = 16

// makeKeys returns n keys, the j-th being key number id(j): for int keys,
// the number itself; for string keys, the number written out to keyWidth
// bytes, as in "key:000000000042". The string keys share one allocation,
// laid out in the order of the slice, so that reading them in that order
// streams through memory.
func makeKeys[K comparable](n int, id func(j int) int) []K {
	keys := make([]K, n)
	switch keys := any(keys).(type) {
	case []int:
		for j := range keys {
			keys[j] = id(j)
		}
	case []string:
		var sb strings.Builder
		sb.Grow(n * keyWidth)
		for j := range keys {
			writeKey(&sb, id(j))
		}
		all := sb.String()
		for j := range keys {
			keys[j] = all[j*keyWidth : (j+1)*keyWidth]
		}
	default:
		panic("makeKeys: unsupported key type")
	}
	return keys
}

func writeKey(sb *strings.Builder, id int) {
	if id < 0 {
		panic("writeKey: negative key number")
	}
	k := [keyWidth]byte{'k', 'e', 'y', ':'}
	for p := keyWidth - 1; p >= 4; p-- {
		k[p] = byte('0' + id%10)
		id /= 10
	}
	if id != 0 {
		panic("writeKey: key number too large for keyWidth")
	}
	sb.Write(k[:])
}

// growKeys returns keys if it holds at least n keys, and keys numbered 0 to
// n-1 otherwise, so that a workload makes its keys once for all the
// implementations it runs on.
func growKeys[K comparable](keys []K, n int) []K {
	if len(keys) >= n {
		return keys
	}
	return makeKeys[K](n, func(j int) int { return j })
}

// fill stores keys[j] with value j for every j, then warms the map. It
// stores a private copy of each string key, as a real map holds keys of its
// own: a look-up with the very same string would find its bytes at the same
// address and skip comparing them.
func fill[K comparable](m mapInterface[K, int], keys []K) {
	for j, k := range keys {
		if s, ok := any(k).(string); ok {
			k = any(strings.Clone(s)).(K)
		}
		m.Store(k, j)
	}
	warm(m, keys)
}

// warm brings a map into the steady state of a read-mostly cache: enough
// look-ups of its keys to make every map fast for them (for Map, that
// promotes the keys to its read map).
func warm[K comparable](m mapInterface[K, int], keys []K) {
	for range 2 {
		for _, k := range keys {
			m.Load(k)
		}
	}
}

// prefilled returns a setup that stores the keys 0 to n-1, each with itself
// as its value, and warms the map.
func prefilled(n int) func(*testing.B, mapInterface[int, int]) {
	return func(_ *testing.B, m mapInterface[int, int]) {
		fill(m, growKeys[int](nil, n))
	}
}

// hitOrMiss returns the key for iteration i of a workload on a map holding
// the keys 0 to hits-1, so that hits of every hits+misses keys are present:
// i mod (hits+misses) if that is a present key, and i otherwise, which is
// then a missing key that no other iteration uses.
func hitOrMiss(i, hits, misses int) int {
	if j := i % (hits + misses); j < hits {
		return j
	}
	return i
}

// loadBench loads from a map of hits keys; hits of every hits+misses loads
// find their key.
func loadBench[K comparable](hits, misses int) benchmark[K] {
	var keys []K
	return benchmark[K]{
		readOnly: true,
		setup: func(_ *testing.B, m mapInterface[K, int]) {
			keys = growKeys(keys, hits+misses)
			fill(m, keys[:hits])
		},
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[K, int]) {
			keys, n := keys, hits+misses
			for ; pb.Next(); i++ {
				m.Load(keys[i%n])
			}
		},
	}
}

// BenchmarkLoadMostlyHits measures the read path of a read-mostly cache:
// loads from a map of 1023 keys, 1023 of every 1024 of them hits.
func BenchmarkLoadMostlyHits(b *testing.B) {
	runKeyed(b, loadBench[int](1023, 1), loadBench[string](1023, 1))
}

// BenchmarkLoadMostlyMisses measures look-ups that mostly fail: loads from a
// map of 1 key, 1023 of every 1024 of them misses.
func BenchmarkLoadMostlyMisses(b *testing.B) {
	runKeyed(b, loadBench[int](1, 1023), loadBench[string](1, 1023))
}

// BenchmarkLargeMapLoad measures look-ups in a map far larger than the CPU
// caches: 1<<20 string keys, all present, loaded in a random order made in
// advance, so that most loads miss the caches and the memory accesses per
// look-up count more than the instructions.
func BenchmarkLargeMapLoad(b *testing.B) {
	const size = 1 << 20
	var stored, order []string // made once, for all implementations
	runBenchmark(b, benchmark[string]{
		readOnly:     true,
		skipDeepCopy: deepCopyLarge,
		setup: func(_ *testing.B, m mapInterface[string, int]) {
			if order == nil {
				stored = growKeys[string](nil, size)
				perm := rand.New(rand.NewPCG(1, 2)).Perm(size)
				order = makeKeys[string](size, func(j int) int { return perm[j] })
			}
			fill(m, stored)
		},
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[string, int]) {
			order := order
			for ; pb.Next(); i++ {
				m.Load(order[i%size])
			}
		},
	})
}

// BenchmarkRange measures iteration: each operation is a whole Range over a
// map of 1024 keys.
func BenchmarkRange(b *testing.B) {
	const size = 1 << 10
	runBenchmark(b, benchmark[int]{
		readOnly: true,
		setup:    prefilled(size),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			visit := func(int, int) bool { return true }
			for pb.Next() {
				m.Range(visit)
			}
		},
	})
}

// BenchmarkLoadOrStoreBalanced measures a cache that keeps growing: on a map
// that starts with 128 keys, half the calls load one of those, and half
// store a new key.
func BenchmarkLoadOrStoreBalanced(b *testing.B) {
	const hits, misses = 128, 128
	runBenchmark(b, benchmark[int]{
		skipDeepCopy: deepCopyGrows,
		setup:        prefilled(hits),
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				if j := i % (hits + misses); j < hits {
					if _, loaded := m.LoadOrStore(j, i); !loaded {
						b.Errorf("LoadOrStore(%d) stored a key that was present", j)
						return
					}
				} else if _, loaded := m.LoadOrStore(i+hits, i); loaded {
					b.Errorf("LoadOrStore(%d) loaded a new key", i+hits)
					return
				}
			}
		},
	})
}

// loadOrStoreUniqueBench stores a new key with every call.
func loadOrStoreUniqueBench[K comparable]() benchmark[K] {
	var keys []K
	return benchmark[K]{
		skipDeepCopy: deepCopyGrows,
		setup: func(b *testing.B, _ mapInterface[K, int]) {
			keys = growKeys(keys, b.N)
		},
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[K, int]) {
			keys := keys
			for pb.Next() {
				n := pb.index()
				m.LoadOrStore(keys[n], n)
			}
		},
	}
}

// BenchmarkLoadOrStoreUnique measures inserts: every LoadOrStore stores a
// new key, on a map that grows to b.N keys.
func BenchmarkLoadOrStoreUnique(b *testing.B) {
	runKeyed(b, loadOrStoreUniqueBench[int](), loadOrStoreUniqueBench[string]())
}

// BenchmarkLoadOrStoreCollision measures LoadOrStore of one key that every
// goroutine loads at once.
func BenchmarkLoadOrStoreCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				m.LoadOrStore(0, 0)
			}
		},
	})
}

// cacheSize is the number of keys in the map of BenchmarkCacheMix.
const cacheSize = 1 << 16

// cacheMixBench runs a cache's mix of operations on a map of cacheSize
// keys, choosing by the iteration's number n: 98% of the operations load a
// present key, 1% overwrite one, and 1% insert a new key and then delete
// the one that the goroutine inserted before, so that the size stays put.
func cacheMixBench[K comparable]() benchmark[K] {
	var keys []K
	return benchmark[K]{
		skipDeepCopy: deepCopyLarge,
		setup: func(b *testing.B, m mapInterface[K, int]) {
			// Every 100th iteration inserts one of the keys past cacheSize.
			keys = growKeys(keys, cacheSize+b.N/100+1)
			fill(m, keys[:cacheSize])
		},
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[K, int]) {
			keys := keys
			last := -1 // the key this goroutine inserted last, if any
			for pb.Next() {
				n := pb.index()
				switch op := n % 100; {
				case op < 98:
					m.Load(keys[n%cacheSize])
				case op == 98:
					m.Store(keys[n%cacheSize], n)
				default:
					k := cacheSize + n/100
					m.Store(keys[k], n)
					if last >= 0 {
						m.Delete(keys[last])
					}
					last = k
				}
			}
		},
	}
}

// BenchmarkCacheMix measures a cache in service: on a map of 65536 keys,
// 98% loads of present keys, 1% overwrites, and 1% inserts of a new key,
// each followed by the delete of an older one.
func BenchmarkCacheMix(b *testing.B) {
	runKeyed(b, cacheMixBench[int](), cacheMixBench[string]())
}

// BenchmarkAdversarialAlloc stores a new key as soon as the loads since the
// last store outnumber the stores: for Map, every promotion is soon followed
// by a new key, which rebuilds the dirty map.
func BenchmarkAdversarialAlloc(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
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
	const size = 1 << 10
	runBenchmark(b, benchmark[int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.Load(i)
				if i%size == 0 {
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

// BenchmarkLoadAndDeleteBalanced measures LoadAndDelete when half the keys
// asked for are (at first) present: on a map that starts with 128 keys,
// half the calls delete one of those, half a key that was never there.
func BenchmarkLoadAndDeleteBalanced(b *testing.B) {
	const hits, misses = 128, 128
	runBenchmark(b, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadAndDelete(hitOrMiss(i, hits, misses))
			}
		},
	})
}

// BenchmarkLoadAndDeleteUnique measures LoadAndDelete of keys that are not
// in the map, each call a different key.
func BenchmarkLoadAndDeleteUnique(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadAndDelete(i)
			}
		},
	})
}

// BenchmarkLoadAndDeleteCollision measures every goroutine deleting the
// same key, and storing it back when its delete succeeded.
func BenchmarkLoadAndDeleteCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				if _, loaded := m.LoadAndDelete(0); loaded {
					m.Store(0, 0)
				}
			}
		},
	})
}

// BenchmarkDeleteCollision measures every goroutine deleting the same key,
// which is present only before the first delete.
func BenchmarkDeleteCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				m.Delete(0)
			}
		},
	})
}

// BenchmarkSwapCollision measures every goroutine swapping the value of the
// same key.
func BenchmarkSwapCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				m.Swap(0, 0)
			}
		},
	})
}

// benchSwap swaps values on a map of hits keys: hits of every hits+misses
// calls overwrite a present key, the others store a new key and delete it.
func benchSwap(b *testing.B, hits, misses int) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				k := hitOrMiss(i, hits, misses)
				m.Swap(k, k)
				if k >= hits {
					m.Delete(k)
				}
			}
		},
	})
}

// BenchmarkSwapMostlyHits measures overwrites of present keys: Swap on a map
// of 1023 keys, 1023 of every 1024 calls on a present key.
func BenchmarkSwapMostlyHits(b *testing.B) { benchSwap(b, 1023, 1) }

// BenchmarkSwapMostlyMisses measures short-lived keys: on a map of 1 key,
// 1023 of every 1024 calls Swap a new key in and delete it.
func BenchmarkSwapMostlyMisses(b *testing.B) { benchSwap(b, 1, 1023) }

// BenchmarkCompareAndSwapCollision measures every goroutine changing the
// value of the same key with CompareAndSwap, and changing it back when it
// succeeded.
func BenchmarkCompareAndSwapCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				if m.CompareAndSwap(0, 0, 42) {
					m.CompareAndSwap(0, 42, 0)
				}
			}
		},
	})
}

// BenchmarkCompareAndSwapNoExistingKey measures CompareAndSwap of keys that
// are not in the map, each call a different key.
func BenchmarkCompareAndSwapNoExistingKey(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		perG: func(b *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				if m.CompareAndSwap(i, 0, 0) {
					b.Errorf("CompareAndSwap(%d, 0, 0) swapped a missing key", i)
					return
				}
			}
		},
	})
}

// BenchmarkCompareAndSwapValueNotEqual measures a CompareAndSwap that fails
// because the present value differs from the old one.
func BenchmarkCompareAndSwapValueNotEqual(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				m.CompareAndSwap(0, 1, 2)
			}
		},
	})
}

// benchCompareAndSwap calls CompareAndSwap on a map of hits keys, hits of
// every hits+misses calls on a present key, whose value it swaps for the
// same value.
func benchCompareAndSwap(b *testing.B, hits, misses int) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				k := hitOrMiss(i, hits, misses)
				m.CompareAndSwap(k, k, k)
			}
		},
	})
}

// BenchmarkCompareAndSwapMostlyHits measures CompareAndSwap that succeeds:
// on a map of 1023 keys, 1023 of every 1024 calls are on a present key.
func BenchmarkCompareAndSwapMostlyHits(b *testing.B) { benchCompareAndSwap(b, 1023, 1) }

// BenchmarkCompareAndSwapMostlyMisses measures CompareAndSwap that fails
// for lack of the key: on a map of 1 key, 1023 of every 1024 calls are on a
// missing key.
func BenchmarkCompareAndSwapMostlyMisses(b *testing.B) { benchCompareAndSwap(b, 1, 1023) }

// BenchmarkCompareAndDeleteCollision measures every goroutine deleting the
// same key with CompareAndDelete, and storing it back when it succeeded.
func BenchmarkCompareAndDeleteCollision(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				if m.CompareAndDelete(0, 0) {
					m.Store(0, 0)
				}
			}
		},
	})
}

// benchCompareAndDelete calls CompareAndDelete on a map of hits keys, hits
// of every hits+misses calls on a present key, which it then stores back.
func benchCompareAndDelete(b *testing.B, hits, misses int) {
	runBenchmark(b, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				if k := hitOrMiss(i, hits, misses); m.CompareAndDelete(k, k) {
					m.Store(k, k)
				}
			}
		},
	})
}

// BenchmarkCompareAndDeleteMostlyHits measures deleting and storing back
// present keys: on a map of 1023 keys, 1023 of every 1024 calls are on a
// present key.
func BenchmarkCompareAndDeleteMostlyHits(b *testing.B) { benchCompareAndDelete(b, 1023, 1) }

// BenchmarkCompareAndDeleteMostlyMisses measures CompareAndDelete that
// fails for lack of the key: on a map of 1 key, 1023 of every 1024 calls
// are on a missing key.
func BenchmarkCompareAndDeleteMostlyMisses(b *testing.B) { benchCompareAndDelete(b, 1, 1023) }

// BenchmarkClear measures Clear on a small map: each operation clears the
// map and stores one of 256 keys.
func BenchmarkClear(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				m.Clear()
				m.Store(i%256, i%256)
			}
		},
	})
}

// BenchmarkLoadOrComputeHit measures LoadOrCompute of present keys, on a map
// of 1024 keys: for sync.Map, a Load.
func BenchmarkLoadOrComputeHit(b *testing.B) {
	const size = 1 << 10
	runBenchmark(b, benchmark[int]{
		readOnly: true,
		setup:    prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			compute := func() int { panic("computed a present key") }
			for ; pb.Next(); i++ {
				m.LoadOrCompute(i%size, compute)
			}
		},
	})
}

// BenchmarkLoadOrComputeMiss measures LoadOrCompute of new keys: each call
// computes and stores a key that no other call uses.
func BenchmarkLoadOrComputeMiss(b *testing.B) {
	runBenchmark(b, benchmark[int]{
		skipDeepCopy: deepCopyGrows,
		perG: func(_ *testing.B, pb *pb, _ int, m mapInterface[int, int]) {
			for pb.Next() {
				n := pb.index()
				m.LoadOrCompute(n, func() int { return n })
			}
		},
	})
}

// BenchmarkLoadOrComputeCollision measures goroutines that all ask for the
// same few keys, each of which one of them deletes every 64 calls, so that
// the callers race to compute it again.
func BenchmarkLoadOrComputeCollision(b *testing.B) {
	const keys = 8
	runBenchmark(b, benchmark[int]{
		setup: prefilled(keys),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				k := i % keys
				m.LoadOrCompute(k, func() int { return k })
				if i%64 == 0 {
					m.Delete(k)
				}
			}
		},
	})
}

// BenchmarkLen measures Len while other goroutines churn the map: every
// goroutine stores and deletes keys of its own, and calls Len every 16
// operations. For sync.Map, Len is a Range that counts, O(n).
func BenchmarkLen(b *testing.B) {
	const size = 1 << 10
	runBenchmark(b, benchmark[int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m mapInterface[int, int]) {
			for ; pb.Next(); i++ {
				switch k := size + i; {
				case i%16 == 0:
					m.Len()
				case i%2 == 0:
					m.Store(k, k)
				default:
					m.Delete(k - 1)
				}
			}
		},
	})
}

// BenchmarkMemory measures the heap that a map of 1<<20 int keys and values
// holds, in bytes per entry: B/entry in the steady state, once a Range has
// read the whole map (for Map, that leaves every key in the read map alone),
// and B/entry-grow right after one more key is stored (for Map, that builds
// the dirty map beside the read map). Each iteration builds and measures a
// map, on one goroutine; ns/op is left out, as garbage collection would make
// most of it.
func BenchmarkMemory(b *testing.B) {
	const size = 1 << 20
	for _, impl := range benchImpls[int]() {
		b.Run("impl="+impl.name, func(b *testing.B) {
			if impl.name == "DeepCopyMap" {
				b.Skip(deepCopyLarge)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var steady, grown int64
			for range b.N {
				s, g := mapHeap(impl.new, size)
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
func mapHeap(newMap func() mapInterface[int, int], size int) (steady, grown int64) {
	base := heapAfterGC()
	m := newMap()
	for i := range size {
		m.Store(i, i)
	}
	m.Range(func(int, int) bool { return true })
	steady = heapAfterGC() - base
	m.Store(size, size)
	// Missing keys take mu, and with it the steps that finish a dirty map
	// built in steps, without adding up to a promotion.
	for k := range size / 128 {
		m.Load(-1 - k)
	}
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

// Len counts with Range, the only way sync.Map offers: O(n).
func (m *syncMap[K, V]) Len() int {
	n := 0
	m.m.Range(func(_, _ any) bool { n++; return true })
	return n
}

// LoadOrCompute is what sync.Map's users write instead.
func (m *syncMap[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	return loadThenStore(m, key, compute)
}

func (m *syncMap[K, V]) All() iter.Seq2[K, V] { return all(m.Range) }
func (m *syncMap[K, V]) Keys() iter.Seq[K]    { return keys(m.Range) }
func (m *syncMap[K, V]) Values() iter.Seq[V]  { return values(m.Range) }

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

func (m *plainMap[K, V]) Len() int { return len(m.m) }

// LoadOrCompute may only hit: a miss would write.
func (m *plainMap[K, V]) LoadOrCompute(key K, _ func() V) (actual V, loaded bool) {
	if actual, loaded = m.m[key]; !loaded {
		panic(errPlainWrite)
	}
	return actual, true
}

func (m *plainMap[K, V]) All() iter.Seq2[K, V] { return all(m.Range) }
func (m *plainMap[K, V]) Keys() iter.Seq[K]    { return keys(m.Range) }
func (m *plainMap[K, V]) Values() iter.Seq[V]  { return values(m.Range) }

func (*plainMap[K, V]) LoadAndDelete(K) (V, bool)   { panic(errPlainWrite) }
func (*plainMap[K, V]) Delete(K)                    { panic(errPlainWrite) }
func (*plainMap[K, V]) Swap(K, V) (V, bool)         { panic(errPlainWrite) }
func (*plainMap[K, V]) CompareAndSwap(K, V, V) bool { panic(errPlainWrite) }
func (*plainMap[K, V]) CompareAndDelete(K, V) bool  { panic(errPlainWrite) }
func (*plainMap[K, V]) Clear()                      { panic(errPlainWrite) }

const errPlainWrite = "plainMap: a write during the benchmark"

// Latency of single calls on a large map that keeps growing.

const (
	latencyKeys      = 1 << 20
	latencyPromotion = 10000 // new keys between promotions
)

// BenchmarkStoreLatency times single calls that store new keys into a map
// of 1<<20 keys that is promoted every 10,000 new keys, so that the next
// new key needs a new dirty map. It reports the median, the 99.9th
// percentile and the largest of the calls' durations. impl=syncmap-oneshot
// is syncmap with each dirty map built by one call, as in the classic
// design. With readers=concurrent, other goroutines Load present keys
// meanwhile (see startReaders). Each map is filled once, and kept from one round of b.N
// to the next. -benchtime 10000x times exactly one promotion's worth.
func BenchmarkStoreLatency(b *testing.B) {
	impls := []benchImpl[int]{
		{"syncmap", func() mapInterface[int, int] { return new(syncmap.Map[int, int]) }},
		{"syncmap-oneshot", func() mapInterface[int, int] { return new(syncmap.Map[int, int]) }},
		{"sync.Map", func() mapInterface[int, int] { return new(syncMap[int, int]) }},
		{"RWMutexMap", func() mapInterface[int, int] { return new(RWMutexMap[int, int]) }},
	}
	for _, readers := range []string{"none", "concurrent"} {
		b.Run("readers="+readers, func(b *testing.B) {
			for _, impl := range impls {
				var m mapInterface[int, int]
				next := latencyKeys
				b.Run("impl="+impl.name, func(b *testing.B) {
					if impl.name == "syncmap-oneshot" {
						defer syncmap.SetBuild(math.MaxInt, math.MaxInt)()
					}
					if m == nil {
						m = impl.new()
						for k := range latencyKeys {
							m.Store(k, k)
						}
					}
					stop := startReaders(m, readers == "concurrent")
					defer stop()
					times := make([]time.Duration, b.N)
					b.ResetTimer()
					for i := range b.N {
						if i%latencyPromotion == 0 {
							b.StopTimer()
							m.Range(func(int, int) bool { return false }) // promotes syncmap
							b.StartTimer()
						}
						start := time.Now()
						m.Store(next, next)
						times[i] = time.Since(start)
						next++
					}
					b.StopTimer()
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
					b.ReportMetric(float64(times[len(times)*999/1000].Nanoseconds()), "p99.9-ns")
					b.ReportMetric(float64(times[len(times)-1].Nanoseconds()), "max-ns")
				})
			}
		})
	}
}

// startReaders starts GOMAXPROCS-1 goroutines, or one if GOMAXPROCS is 1,
// that Load present keys of m until stop is called; none if run is false.
// One reader on one P takes turns with the timed calls, so that the
// scheduler's time slices show in every implementation's figures.
func startReaders(m mapInterface[int, int], run bool) (stop func()) {
	if !run {
		return func() {}
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	for g := range max(runtime.GOMAXPROCS(0)-1, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 0))
			for !done.Load() {
				for range 64 {
					m.Load(r.IntN(latencyKeys))
				}
			}
		}()
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}
