// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// loadBench loads from a map of hits keys; hits of every hits+misses loads
// find their key.
func loadBench[K comparable, V any](hits, misses int) benchmark[K, V] {
	var keys []K
	var values []V
	return benchmark[K, V]{
		readOnly: true,
		setup: func(_ *testing.B, m refmap.Interface[K, V]) {
			keys = growKeys(keys, hits+misses)
			values = growValues(values, hits)
			fillWith(m, keys[:hits], func(j int) V { return values[j] })
		},
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[K, V]) {
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
	runKeyed(b, impls, loadBench[int, int](1023, 1), loadBench[string, int](1023, 1))
}

// LoadMostlyMisses measures look-ups that mostly fail: loads from a
// map of 1 key, 1023 of every 1024 of them misses.
func LoadMostlyMisses(b *testing.B, impls Impls) {
	runKeyed(b, impls, loadBench[int, int](1, 1023), loadBench[string, int](1, 1023))
}

// LargeMapLoad measures look-ups in a map far larger than the CPU
// caches: 1<<20 string keys, all present, loaded in a random order made in
// advance, so that most loads miss the caches and the memory accesses per
// look-up count more than the instructions.
func LargeMapLoad(b *testing.B, impls Impls) {
	const size = 1 << 20
	var stored, order []string // made once, for all implementations
	runBenchmark(b, impls.String, benchmark[string, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
func loadOrStoreUniqueBench[K comparable]() benchmark[K, int] {
	var keys []K
	return benchmark[K, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
func cacheMixBench[K comparable]() benchmark[K, int] {
	var keys []K
	return benchmark[K, int]{
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

// The caches of CacheGrowth and CacheEviction.
const (
	growthStart = 1 << 16 // keys in CacheGrowth's map at the start
	growthEvery = 100     // one call of CacheGrowth in growthEvery stores a new key
	evictLive   = 1 << 14 // keys in CacheEviction's map
	evictEvery  = 50      // one call of CacheEviction in evictEvery replaces the oldest key
	newestKeys  = 1 << 10 // the newest keys, which take half the loads
)

// missCount counts the loads of a workload that miss, for a workload whose
// loads should all hit but may miss, rarely, when a goroutine falls behind
// the others (see pb.lag).
type missCount struct {
	_ [cacheLine]byte
	n atomic.Int64
	_ [cacheLine]byte
}

// report reports the misses per operation.
func (c *missCount) report(b *testing.B) {
	b.ReportMetric(float64(c.n.Load())/float64(b.N), "misses/op")
}

// cacheGrowthBench runs CacheGrowth. The key stored by iteration n is key
// number growthStart + n/growthEvery. A load counts as stored the keys of
// the iterations before n-lag (see pb.lag), and picks one of them at
// random from n: one of the newestKeys newest of those, or any.
func cacheGrowthBench[K comparable]() benchmark[K, int] {
	var keys []K
	misses := new(missCount)
	return benchmark[K, int]{
		skipCopyOnWrite: copyLarge,
		setup: func(b *testing.B, m refmap.Interface[K, int]) {
			keys = growKeys(keys, growthStart+b.N/growthEvery+1)
			fill(m, keys[:growthStart])
			misses.n.Store(0)
		},
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[K, int]) {
			keys, lag := keys, pb.lag()
			missed := 0
			for pb.Next() {
				n := pb.index()
				if n%growthEvery == growthEvery-1 {
					m.Store(keys[growthStart+n/growthEvery], n)
					continue
				}
				stored := growthStart + max(n-lag, 0)/growthEvery
				k, r := 0, scramble(n)
				if r&1 == 0 {
					k = stored - 1 - below(r, newestKeys)
				} else {
					k = below(r, stored)
				}
				if _, ok := m.Load(keys[k]); !ok {
					missed++
				}
			}
			misses.n.Add(int64(missed))
		},
		report: misses.report,
	}
}

// CacheGrowth measures a cache that keeps growing, whose newest keys are
// the hottest: on a map that starts with 65536 keys, 1 call in 100 stores
// a new key, and the others load present keys, half of them among the 1024
// newest and half among all, at random. The goroutines share the new keys,
// each stored once. The newest keys that loads pick from lag behind the
// newest stored by 1000 calls for every goroutine (see pb.lag), so that
// they are stored for certain unless a goroutine falls further behind the
// others; the share of loads that miss is reported as misses/op, and is
// zero or nearly so.
func CacheGrowth(b *testing.B, impls Impls) {
	runKeyed(b, impls, cacheGrowthBench[int](), cacheGrowthBench[string]())
}

// cacheFillBench runs CacheFill on the key of each iteration's number.
func cacheFillBench[K comparable]() benchmark[K, int] {
	var keys []K
	return benchmark[K, int]{
		skipCopyOnWrite: copyGrows,
		setup: func(b *testing.B, _ refmap.Interface[K, int]) {
			keys = growKeys(keys, b.N)
		},
		perG: func(b *testing.B, pb *pb, _ int, m refmap.Interface[K, int]) {
			keys := keys
			for pb.Next() {
				n := pb.index()
				k := keys[n]
				if _, ok := m.Load(k); ok {
					b.Errorf("Load(%v) found a key not yet stored", k)
					return
				}
				if _, loaded := m.LoadOrStore(k, n); loaded {
					b.Errorf("LoadOrStore(%v) loaded a new key", k)
					return
				}
				for range 2 {
					if v, ok := m.Load(k); !ok || v != n {
						b.Errorf("Load(%v) = %d, %t; want %d, true", k, v, ok, n)
						return
					}
				}
			}
		},
	}
}

// CacheFill measures a cache while it fills, from empty: each call misses
// a new key, stores it with LoadOrStore, and loads it twice, as the first
// users of a cached value do. Every key is used by one call only, so the
// goroutines work on disjoint keys, and the map grows to b.N keys.
func CacheFill(b *testing.B, impls Impls) {
	runKeyed(b, impls, cacheFillBench[int](), cacheFillBench[string]())
}

// cacheEvictionBench runs CacheEviction. Iteration n of every evictEvery
// deletes key number n/evictEvery and stores key number evictLive +
// n/evictEvery. A load counts as live the keys that the iterations before
// n-lag stored and those from n+lag on will delete (see pb.lag), and picks
// one of them at random from n: one of the newestKeys newest, or any.
func cacheEvictionBench[K comparable]() benchmark[K, int] {
	var keys []K
	misses := new(missCount)
	return benchmark[K, int]{
		skipCopyOnWrite: copyLarge,
		setup: func(b *testing.B, m refmap.Interface[K, int]) {
			keys = growKeys(keys, evictLive+b.N/evictEvery+1)
			fill(m, keys[:evictLive])
			misses.n.Store(0)
		},
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[K, int]) {
			keys, lag := keys, pb.lag()
			missed := 0
			for pb.Next() {
				n := pb.index()
				if n%evictEvery == evictEvery-1 {
					oldest := n / evictEvery
					m.Delete(keys[oldest])
					m.Store(keys[evictLive+oldest], n)
					continue
				}
				// The keys from first up to end are live for certain. With
				// hundreds of goroutines, the lag would leave fewer than
				// newestKeys of them: first then goes back to keep that
				// many, and loads of the oldest may miss.
				end := evictLive + max(n-lag, 0)/evictEvery
				first := min((n+lag)/evictEvery, end-newestKeys)
				k, r := 0, scramble(n)
				if r&1 == 0 {
					k = end - 1 - below(r, newestKeys)
				} else {
					k = first + below(r, end-first)
				}
				if _, ok := m.Load(keys[k]); !ok {
					missed++
				}
			}
			misses.n.Add(int64(missed))
		},
		report: misses.report,
	}
}

// CacheEviction measures a cache of bounded size that evicts its oldest
// key: on a map of 16384 keys, 1 call in 50 deletes the oldest key and
// stores a new one, so that the size holds steady, and the others load
// live keys, half of them among the 1024 newest and half among all, at
// random. The goroutines share the keys: the oldest key is the oldest of
// all, whichever goroutine stored it. Loads keep clear of the keys that
// the 1000 calls of every goroutine nearest to theirs may store or delete
// (see pb.lag), so that they find their key unless a goroutine falls
// further behind the others; the share of loads that miss is reported as
// misses/op, and is zero or nearly so.
func CacheEviction(b *testing.B, impls Impls) {
	runKeyed(b, impls, cacheEvictionBench[int](), cacheEvictionBench[string]())
}

// AdversarialAlloc stores a new key as soon as the loads since the last
// store outnumber the stores: for syncmap.Map, every promotion is soon
// followed by a new key, which rebuilds the dirty map.
func AdversarialAlloc(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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

// addOne is the function of ComputeCounters: one more.
func addOne(old int, _ bool) (int, syncmap.ComputeOp) { return old + 1, syncmap.UpdateOp }

// ComputeCounters measures counters, the commonest read-modify-write: on a
// map of 1024 keys, each call adds one to a key with Compute (sync.Map's
// users write it as a Load and a CompareAndSwap, again until it succeeds).
func ComputeCounters(b *testing.B, impls Impls) {
	const size = 1024
	runBenchmark(b, impls.Int, benchmark[int, int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				m.Compute(i%size, addOne)
			}
		},
	})
}

// ComputeMix measures Compute doing each of the three things it can: on a
// map of 1024 keys, of every 8 calls on a present key, 5 add one, 2
// cancel, seeing the value is large enough, and 1 deletes the key; a call
// on an absent key stores it again.
func ComputeMix(b *testing.B, impls Impls) {
	const size = 1024
	runBenchmark(b, impls.Int, benchmark[int, int]{
		setup: prefilled(size),
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[int, int]) {
			for ; pb.Next(); i++ {
				op := i % 8
				m.Compute(i/8%size, func(old int, loaded bool) (int, syncmap.ComputeOp) {
					switch {
					case !loaded:
						return 1, syncmap.UpdateOp
					case op < 5:
						return old + 1, syncmap.UpdateOp
					case op < 7:
						return old, syncmap.CancelOp
					}
					return old, syncmap.DeleteOp
				})
			}
		},
	})
}

// CompareAndSwapCollision measures every goroutine changing the
// value of the same key with CompareAndSwap, and changing it back when it
// succeeded.
func CompareAndSwapCollision(b *testing.B, impls Impls) {
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
	runBenchmark(b, impls.Int, benchmark[int, int]{
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
