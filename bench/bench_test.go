// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package bench_test

import (
	"reflect"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/mapbench"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// The workloads are defined in ../internal/mapbench, once for this suite
// and for the library's own; each is documented there.

// Each combination of key and value types names the xsync adapter it
// takes: the one that compares values with == where they are comparable.
var impls = mapbench.Impls{
	Int:    newImpls(newXsyncComparableMap[int, int]),
	String: newImpls(newXsyncComparableMap[string, int]),

	IntPtr:       newImpls(newXsyncComparableMap[int, *mapbench.Fields]),
	IntFields:    newImpls(newXsyncMap[int, mapbench.Fields]),
	StringPtr:    newImpls(newXsyncComparableMap[string, *mapbench.Fields]),
	StringFields: newImpls(newXsyncMap[string, mapbench.Fields]),
	TypePtr:      newImpls(newXsyncComparableMap[reflect.Type, *mapbench.Fields]),
	TypeFields:   newImpls(newXsyncMap[reflect.Type, mapbench.Fields]),
	TypeString:   newImpls(newXsyncComparableMap[reflect.Type, string]),
	TypeAny:      newImpls(newXsyncComparableMap[reflect.Type, any]),
	TypeFlat:     newImpls(newXsyncComparableMap[reflect.Type, mapbench.Flat]),
	StructPtr:    newImpls(newXsyncComparableMap[mapbench.StructKey, *mapbench.Fields]),
	StructFields: newImpls(newXsyncMap[mapbench.StructKey, mapbench.Fields]),
}

func newImpls[K comparable, V any](newXsync func() refmap.Interface[K, V]) []mapbench.Impl[K, V] {
	type m = refmap.Interface[K, V]
	return []mapbench.Impl[K, V]{
		{Name: "syncmap", New: func() m { return mapbench.NewPadded[syncmap.Map[K, V]]() }},
		{Name: "sync.Map", New: func() m { return mapbench.NewPadded[mapbench.SyncMap[K, V]]() }},
		{Name: "xsync", New: newXsync},
		{Name: "RWMutexMap", New: func() m { return mapbench.NewPadded[refmap.RWMutexMap[K, V]]() }},
		{Name: "plainmap", New: func() m { return mapbench.NewPadded[mapbench.PlainMap[K, V]]() }, ReadOnly: true},
	}
}

func BenchmarkLoadMostlyHits(b *testing.B) {
	mapbench.LoadMostlyHits(b, impls)
}

func BenchmarkLoadMostlyMisses(b *testing.B) {
	mapbench.LoadMostlyMisses(b, impls)
}

func BenchmarkLoadMostlyHitsTyped(b *testing.B) {
	mapbench.LoadMostlyHitsTyped(b, impls)
}

func BenchmarkLoadMostlyMissesTyped(b *testing.B) {
	mapbench.LoadMostlyMissesTyped(b, impls)
}

func BenchmarkTypeCacheHits(b *testing.B) {
	mapbench.TypeCacheHits(b, impls)
}

func BenchmarkTypeCacheMisses(b *testing.B) {
	mapbench.TypeCacheMisses(b, impls)
}

func BenchmarkLargeMapLoad(b *testing.B) {
	mapbench.LargeMapLoad(b, impls)
}

func BenchmarkRange(b *testing.B) {
	mapbench.Range(b, impls)
}

func BenchmarkLoadOrStoreBalanced(b *testing.B) {
	mapbench.LoadOrStoreBalanced(b, impls)
}

func BenchmarkLoadOrStoreUnique(b *testing.B) {
	mapbench.LoadOrStoreUnique(b, impls)
}

func BenchmarkLoadOrStoreCollision(b *testing.B) {
	mapbench.LoadOrStoreCollision(b, impls)
}

func BenchmarkLoadOrStoreExistingTyped(b *testing.B) {
	mapbench.LoadOrStoreExistingTyped(b, impls)
}

func BenchmarkCacheMix(b *testing.B) {
	mapbench.CacheMix(b, impls)
}

func BenchmarkCacheGrowth(b *testing.B) {
	mapbench.CacheGrowth(b, impls)
}

func BenchmarkCacheFill(b *testing.B) {
	mapbench.CacheFill(b, impls)
}

func BenchmarkCacheEviction(b *testing.B) {
	mapbench.CacheEviction(b, impls)
}

func BenchmarkAdversarialAlloc(b *testing.B) {
	mapbench.AdversarialAlloc(b, impls)
}

func BenchmarkAdversarialDelete(b *testing.B) {
	mapbench.AdversarialDelete(b, impls)
}

func BenchmarkLoadAndDeleteBalanced(b *testing.B) {
	mapbench.LoadAndDeleteBalanced(b, impls)
}

func BenchmarkLoadAndDeleteUnique(b *testing.B) {
	mapbench.LoadAndDeleteUnique(b, impls)
}

func BenchmarkLoadAndDeleteCollision(b *testing.B) {
	mapbench.LoadAndDeleteCollision(b, impls)
}

func BenchmarkDeleteCollision(b *testing.B) {
	mapbench.DeleteCollision(b, impls)
}

func BenchmarkSwapCollision(b *testing.B) {
	mapbench.SwapCollision(b, impls)
}

func BenchmarkSwapMostlyHits(b *testing.B) {
	mapbench.SwapMostlyHits(b, impls)
}

func BenchmarkSwapMostlyMisses(b *testing.B) {
	mapbench.SwapMostlyMisses(b, impls)
}

func BenchmarkSwapExistingTyped(b *testing.B) {
	mapbench.SwapExistingTyped(b, impls)
}

func BenchmarkComputeCounters(b *testing.B) {
	mapbench.ComputeCounters(b, impls)
}

func BenchmarkComputeMix(b *testing.B) {
	mapbench.ComputeMix(b, impls)
}

func BenchmarkCompareAndSwapCollision(b *testing.B) {
	mapbench.CompareAndSwapCollision(b, impls)
}

func BenchmarkCompareAndSwapNoExistingKey(b *testing.B) {
	mapbench.CompareAndSwapNoExistingKey(b, impls)
}

func BenchmarkCompareAndSwapValueNotEqual(b *testing.B) {
	mapbench.CompareAndSwapValueNotEqual(b, impls)
}

func BenchmarkCompareAndSwapMostlyHits(b *testing.B) {
	mapbench.CompareAndSwapMostlyHits(b, impls)
}

func BenchmarkCompareAndSwapMostlyMisses(b *testing.B) {
	mapbench.CompareAndSwapMostlyMisses(b, impls)
}

func BenchmarkCompareAndSwapExistingTyped(b *testing.B) {
	mapbench.CompareAndSwapExistingTyped(b, impls)
}

func BenchmarkCompareAndDeleteCollision(b *testing.B) {
	mapbench.CompareAndDeleteCollision(b, impls)
}

func BenchmarkCompareAndDeleteMostlyHits(b *testing.B) {
	mapbench.CompareAndDeleteMostlyHits(b, impls)
}

func BenchmarkCompareAndDeleteMostlyMisses(b *testing.B) {
	mapbench.CompareAndDeleteMostlyMisses(b, impls)
}

func BenchmarkClear(b *testing.B) {
	mapbench.Clear(b, impls)
}

func BenchmarkLoadOrComputeHit(b *testing.B) {
	mapbench.LoadOrComputeHit(b, impls)
}

func BenchmarkLoadOrComputeMiss(b *testing.B) {
	mapbench.LoadOrComputeMiss(b, impls)
}

func BenchmarkLoadOrComputeCollision(b *testing.B) {
	mapbench.LoadOrComputeCollision(b, impls)
}

func BenchmarkLen(b *testing.B) {
	mapbench.Len(b, impls)
}

func BenchmarkDeleteMatching(b *testing.B) {
	mapbench.DeleteMatching(b, impls)
}

func BenchmarkRangeAfterDeletes(b *testing.B) {
	mapbench.RangeAfterDeletes(b, impls)
}

func BenchmarkMemory(b *testing.B) {
	mapbench.Memory(b, impls)
}

func BenchmarkStoreLatency(b *testing.B) {
	mapbench.StoreLatency(b, impls.Int)
}

func TestEveryWorkloadIsBenchmarked(t *testing.T) {
	mapbench.CheckBenchmarks(t, "bench_test.go")
}
