// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"math/rand/v2"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// loadBench loads from a map of hits keys; hits of every hits+misses loads
// find their key.
func loadBench[K comparable](hits, misses int) benchmark[K] {
	var keys []K
	return benchmark[K]{
		readOnly: true,
		setup: func(_ *testing.B, m refmap.Interface[K, int]) {
			keys = growKeys(keys, hits+misses)
			fill(m, keys[:hits])
		},
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[K, int]) {
			keys, n := keys, hits+misses
			for ; pb.Next(); i++ {
				m.Load(keys[i%n])
			}
		},
	}
}

// LoadMostlyHits measures the read path of a read-mostly cache:
// loads from a map of 1023 keys, 1023 of every 1024 of them hits.
func LoadMostlyHits(b *testing.B, impls Impls) {
	runKeyed(b, impls, loadBench[int](1023, 1), loadBench[string](1023, 1))
}

// LoadMostlyMisses measures look-ups that mostly fail: loads from a
// map of 1 key, 1023 of every 1024 of them misses.
func LoadMostlyMisses(b *testing.B, impls Impls) {
	runKeyed(b, impls, loadBench[int](1, 1023), loadBench[string](1, 1023))
}

// LargeMapLoad measures look-ups in a map far larger than the CPU
// caches: 1<<20 string keys, all present, loaded in a random order made in
// advance, so that most loads miss the caches and the memory accesses per
// look-up count more than the instructions.
func LargeMapLoad(b *testing.B, impls Impls) {
	const size = 1 << 20
	var stored, order []string // made once, for all implementations
	runBenchmark(b, impls.String, benchmark[string]{
		readOnly:        true,
		skipCopyOnWrite: copyLarge,
		setup: func(_ *testing.B, m refmap.Interface[string, int]) {
			if order == nil {
				stored = growKeys[string](nil, size)
				perm := rand.New(rand.NewPCG(1, 2)).Perm(size)
				order = makeKeys[string](size, func(j int) int { return perm[j] })
			}
			fill(m, stored)
		},
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[string, int]) {
			order := order
			for ; pb.Next(); i++ {
				m.Load(order[i%size])
			}
		},
	})
}

// Range measures iteration: each operation is a whole Range over a
// map of 1024 keys.
func Range(b *testing.B, impls Impls) {
	const size = 1 << 10
	runBenchmark(b, impls.Int, benchmark[int]{
		readOnly: true,
		setup:    prefilled(size),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			visit := func(int, int) bool { return true }
			for pb.Next() {
				m.Range(visit)
			}
		},
	})
}

// LoadOrStoreBalanced measures a cache that keeps growing: on a map
// that starts with 128 keys, half the calls load one of those, and half
// store a new key.
func LoadOrStoreBalanced(b *testing.B, impls Impls) {
	const hits, misses = 128, 128
	runBenchmark(b, impls.Int, benchmark[int]{
		skipCopyOnWrite: copyGrows,
		setup:           prefilled(hits),
		perG: func(b *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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
		skipCopyOnWrite: copyGrows,
		setup: func(b *testing.B, _ refmap.Interface[K, int]) {
			keys = growKeys(keys, b.N)
		},
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[K, int]) {
			keys := keys
			for pb.Next() {
				n := pb.index()
				m.LoadOrStore(keys[n], n)
			}
		},
	}
}

// LoadOrStoreUnique measures inserts: every LoadOrStore stores a
// new key, on a map that grows to b.N keys.
func LoadOrStoreUnique(b *testing.B, impls Impls) {
	runKeyed(b, impls, loadOrStoreUniqueBench[int](), loadOrStoreUniqueBench[string]())
}

// LoadOrStoreCollision measures LoadOrStore of one key that every
// goroutine loads at once.
func LoadOrStoreCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
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
		skipCopyOnWrite: copyLarge,
		setup: func(b *testing.B, m refmap.Interface[K, int]) {
			// Every 100th iteration inserts one of the keys past cacheSize.
			keys = growKeys(keys, cacheSize+b.N/100+1)
			fill(m, keys[:cacheSize])
		},
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[K, int]) {
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

// CacheMix measures a cache in service: on a map of 65536 keys,
// 98% loads of present keys, 1% overwrites, and 1% inserts of a new key,
// each followed by the delete of an older one.
func CacheMix(b *testing.B, impls Impls) {
	runKeyed(b, impls, cacheMixBench[int](), cacheMixBench[string]())
}

// AdversarialAlloc stores a new key as soon as the loads since the last
// store outnumber the stores: for syncmap.Map, every promotion is soon
// followed by a new key, which rebuilds the dirty map.
func AdversarialAlloc(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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

// AdversarialDelete loads from a map of 1024 keys and, every 1024
// loads, deletes the first key Range finds and stores a new one.
func AdversarialDelete(b *testing.B, impls Impls) {
	const size = 1 << 10
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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

// LoadAndDeleteBalanced measures LoadAndDelete when half the keys
// asked for are (at first) present: on a map that starts with 128 keys,
// half the calls delete one of those, half a key that was never there.
func LoadAndDeleteBalanced(b *testing.B, impls Impls) {
	const hits, misses = 128, 128
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadAndDelete(hitOrMiss(i, hits, misses))
			}
		},
	})
}

// LoadAndDeleteUnique measures LoadAndDelete of keys that are not
// in the map, each call a different key.
func LoadAndDeleteUnique(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				m.LoadAndDelete(i)
			}
		},
	})
}

// LoadAndDeleteCollision measures every goroutine deleting the
// same key, and storing it back when its delete succeeded.
func LoadAndDeleteCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				if _, loaded := m.LoadAndDelete(0); loaded {
					m.Store(0, 0)
				}
			}
		},
	})
}

// DeleteCollision measures every goroutine deleting the same key,
// which is present only before the first delete.
func DeleteCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				m.Delete(0)
			}
		},
	})
}

// SwapCollision measures every goroutine swapping the value of the
// same key.
func SwapCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				m.Swap(0, 0)
			}
		},
	})
}

// benchSwap swaps values on a map of hits keys: hits of every hits+misses
// calls overwrite a present key, the others store a new key and delete it.
func benchSwap(b *testing.B, impls Impls, hits, misses int) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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

// SwapMostlyHits measures overwrites of present keys: Swap on a map
// of 1023 keys, 1023 of every 1024 calls on a present key.
func SwapMostlyHits(b *testing.B, impls Impls) { benchSwap(b, impls, 1023, 1) }

// SwapMostlyMisses measures short-lived keys: on a map of 1 key,
// 1023 of every 1024 calls Swap a new key in and delete it.
func SwapMostlyMisses(b *testing.B, impls Impls) { benchSwap(b, impls, 1, 1023) }

// CompareAndSwapCollision measures every goroutine changing the
// value of the same key with CompareAndSwap, and changing it back when it
// succeeded.
func CompareAndSwapCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				if m.CompareAndSwap(0, 0, 42) {
					m.CompareAndSwap(0, 42, 0)
				}
			}
		},
	})
}

// CompareAndSwapNoExistingKey measures CompareAndSwap of keys that
// are not in the map, each call a different key.
func CompareAndSwapNoExistingKey(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		perG: func(b *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				if m.CompareAndSwap(i, 0, 0) {
					b.Errorf("CompareAndSwap(%d, 0, 0) swapped a missing key", i)
					return
				}
			}
		},
	})
}

// CompareAndSwapValueNotEqual measures a CompareAndSwap that fails
// because the present value differs from the old one.
func CompareAndSwapValueNotEqual(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				m.CompareAndSwap(0, 1, 2)
			}
		},
	})
}

// benchCompareAndSwap calls CompareAndSwap on a map of hits keys, hits of
// every hits+misses calls on a present key, whose value it swaps for the
// same value.
func benchCompareAndSwap(b *testing.B, impls Impls, hits, misses int) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				k := hitOrMiss(i, hits, misses)
				m.CompareAndSwap(k, k, k)
			}
		},
	})
}

// CompareAndSwapMostlyHits measures CompareAndSwap that succeeds:
// on a map of 1023 keys, 1023 of every 1024 calls are on a present key.
func CompareAndSwapMostlyHits(b *testing.B, impls Impls) { benchCompareAndSwap(b, impls, 1023, 1) }

// CompareAndSwapMostlyMisses measures CompareAndSwap that fails
// for lack of the key: on a map of 1 key, 1023 of every 1024 calls are on a
// missing key.
func CompareAndSwapMostlyMisses(b *testing.B, impls Impls) { benchCompareAndSwap(b, impls, 1, 1023) }

// CompareAndDeleteCollision measures every goroutine deleting the
// same key with CompareAndDelete, and storing it back when it succeeded.
func CompareAndDeleteCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(1),
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
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
func benchCompareAndDelete(b *testing.B, impls Impls, hits, misses int) {
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(hits),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				if k := hitOrMiss(i, hits, misses); m.CompareAndDelete(k, k) {
					m.Store(k, k)
				}
			}
		},
	})
}

// CompareAndDeleteMostlyHits measures deleting and storing back
// present keys: on a map of 1023 keys, 1023 of every 1024 calls are on a
// present key.
func CompareAndDeleteMostlyHits(b *testing.B, impls Impls) { benchCompareAndDelete(b, impls, 1023, 1) }

// CompareAndDeleteMostlyMisses measures CompareAndDelete that
// fails for lack of the key: on a map of 1 key, 1023 of every 1024 calls
// are on a missing key.
func CompareAndDeleteMostlyMisses(b *testing.B, impls Impls) {
	benchCompareAndDelete(b, impls, 1, 1023)
}

// Clear measures Clear on a small map: each operation clears the
// map and stores one of 256 keys.
func Clear(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				m.Clear()
				m.Store(i%256, i%256)
			}
		},
	})
}

// LoadOrComputeHit measures LoadOrCompute of present keys, on a map
// of 1024 keys: for sync.Map, a Load.
func LoadOrComputeHit(b *testing.B, impls Impls) {
	const size = 1 << 10
	runBenchmark(b, impls.Int, benchmark[int]{
		readOnly: true,
		setup:    prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			compute := func() int { panic("computed a present key") }
			for ; pb.Next(); i++ {
				m.LoadOrCompute(i%size, compute)
			}
		},
	})
}

// LoadOrComputeMiss measures LoadOrCompute of new keys: each call
// computes and stores a key that no other call uses.
func LoadOrComputeMiss(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int]{
		skipCopyOnWrite: copyGrows,
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			for pb.Next() {
				n := pb.index()
				m.LoadOrCompute(n, func() int { return n })
			}
		},
	})
}

// LoadOrComputeCollision measures goroutines that all ask for the
// same few keys, each of which one of them deletes every 64 calls, so that
// the callers race to compute it again.
func LoadOrComputeCollision(b *testing.B, impls Impls) {
	const keys = 8
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(keys),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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

// Len measures Len while other goroutines churn the map: every
// goroutine stores and deletes keys of its own, and calls Len every 16
// operations. For sync.Map, Len is a Range that counts, O(n).
func Len(b *testing.B, impls Impls) {
	const size = 1 << 10
	runBenchmark(b, impls.Int, benchmark[int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
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
