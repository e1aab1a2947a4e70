// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// Workloads on the key and value types of real caches (see values.go),
// each run as sub-benchmarks keys=<key type>/values=<value type>: keys int,
// string, type (reflect.Type) and struct (StructKey); values ptr (*Fields),
// fields (Fields), string, any (holding a *Fields) and flat (Flat).

// loadTyped runs loadBench on every combination of key and value types of
// Impls beyond int values: each key type with the pointer and the Fields
// values, and each value type with reflect.Type keys.
func loadTyped(b *testing.B, impls Impls, hits, misses int) {
	b.Run("keys=int", func(b *testing.B) {
		runValues(b, impls.IntPtr, loadBench[int, *Fields](hits, misses))
		runValues(b, impls.IntFields, loadBench[int, Fields](hits, misses))
	})
	b.Run("keys=string", func(b *testing.B) {
		runValues(b, impls.StringPtr, loadBench[string, *Fields](hits, misses))
		runValues(b, impls.StringFields, loadBench[string, Fields](hits, misses))
	})
	b.Run("keys=type", func(b *testing.B) {
		runValues(b, impls.TypePtr, loadBench[reflect.Type, *Fields](hits, misses))
		runValues(b, impls.TypeFields, loadBench[reflect.Type, Fields](hits, misses))
		runValues(b, impls.TypeString, loadBench[reflect.Type, string](hits, misses))
		runValues(b, impls.TypeAny, loadBench[reflect.Type, any](hits, misses))
		runValues(b, impls.TypeFlat, loadBench[reflect.Type, Flat](hits, misses))
	})
	b.Run("keys=struct", func(b *testing.B) {
		runValues(b, impls.StructPtr, loadBench[StructKey, *Fields](hits, misses))
		runValues(b, impls.StructFields, loadBench[StructKey, Fields](hits, misses))
	})
}

// LoadMostlyHitsTyped is LoadMostlyHits on other key and value types: loads
// from a map of 1023 keys, 1023 of every 1024 of them hits. Against
// keys=int of LoadMostlyHits, keys=int/values=ptr and values=fields show
// what a value's type costs a hit, and values=ptr and values=fields of the
// other key types what a key's type costs.
func LoadMostlyHitsTyped(b *testing.B, impls Impls) { loadTyped(b, impls, 1023, 1) }

// LoadMostlyMissesTyped is LoadMostlyMisses on other key and value types:
// loads from a map of 1 key, 1023 of every 1024 of them misses.
func LoadMostlyMissesTyped(b *testing.B, impls Impls) { loadTyped(b, impls, 1, 1023) }

// existingKeys is the number of keys in the maps of the workloads that
// write present keys.
const existingKeys = 1 << 10

// existing holds the keys and values of a map of existingKeys keys, all
// present, made once for all the implementations a workload runs on.
type existing[K comparable, V any] struct {
	keys   []K
	values []V
}

// setup stores keys[j] with values[j] for every j.
func (e *existing[K, V]) setup(_ *testing.B, m refmap.Interface[K, V]) {
	e.keys = growKeys(e.keys, existingKeys)
	e.values = growValues(e.values, existingKeys)
	fillWith(m, e.keys, func(j int) V { return e.values[j] })
}

// loadOrStoreExistingBench calls LoadOrStore with present keys, each with
// the value it has.
func loadOrStoreExistingBench[K comparable, V any]() benchmark[K, V] {
	e := new(existing[K, V])
	return benchmark[K, V]{
		readOnly: true,
		setup:    e.setup,
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[K, V]) {
			keys, values := e.keys, e.values
			for ; pb.Next(); i++ {
				j := i % existingKeys
				m.LoadOrStore(keys[j], values[j])
			}
		},
	}
}

// LoadOrStoreExistingTyped measures LoadOrStore of present keys, the call
// that caches make once they are warm, with values of several types: on a
// map of 1024 reflect.Type keys, every call loads. It is read-only, so
// plainmap runs it too.
func LoadOrStoreExistingTyped(b *testing.B, impls Impls) {
	b.Run("keys=type", func(b *testing.B) {
		runValues(b, impls.TypePtr, loadOrStoreExistingBench[reflect.Type, *Fields]())
		runValues(b, impls.TypeFields, loadOrStoreExistingBench[reflect.Type, Fields]())
		runValues(b, impls.TypeFlat, loadOrStoreExistingBench[reflect.Type, Flat]())
	})
}

// swapExistingBench calls Swap with present keys, each swapping in the
// value it has.
func swapExistingBench[K comparable, V any]() benchmark[K, V] {
	e := new(existing[K, V])
	return benchmark[K, V]{
		setup: e.setup,
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[K, V]) {
			keys, values := e.keys, e.values
			for ; pb.Next(); i++ {
				j := i % existingKeys
				m.Swap(keys[j], values[j])
			}
		},
	}
}

// SwapExistingTyped measures overwrites of present keys with values of
// several types: Swap on a map of 1024 reflect.Type keys, every call on a
// present key. A value that a map cannot hold in a pointer's place, such as
// Fields or Flat, may cost an allocation per call.
func SwapExistingTyped(b *testing.B, impls Impls) {
	b.Run("keys=type", func(b *testing.B) {
		runValues(b, impls.TypePtr, swapExistingBench[reflect.Type, *Fields]())
		runValues(b, impls.TypeFields, swapExistingBench[reflect.Type, Fields]())
		runValues(b, impls.TypeFlat, swapExistingBench[reflect.Type, Flat]())
	})
}

// compareAndSwapExistingBench calls CompareAndSwap with present keys, each
// swapping the value it has for the same value, so that every call
// succeeds.
func compareAndSwapExistingBench[K, V comparable]() benchmark[K, V] {
	e := new(existing[K, V])
	return benchmark[K, V]{
		setup: e.setup,
		perG: func(b *testing.B, pb *pb, i int, m refmap.Interface[K, V]) {
			keys, values := e.keys, e.values
			for ; pb.Next(); i++ {
				j := i % existingKeys
				if !m.CompareAndSwap(keys[j], values[j], values[j]) {
					b.Errorf("CompareAndSwap of present key %d with its value failed", j)
					return
				}
			}
		},
	}
}

// CompareAndSwapExistingTyped measures CompareAndSwap that succeeds, with
// values of the comparable types: on a map of 1024 reflect.Type keys,
// every call swaps a present key's value for itself. Fields, with its
// slice and maps, is not comparable.
func CompareAndSwapExistingTyped(b *testing.B, impls Impls) {
	b.Run("keys=type", func(b *testing.B) {
		runValues(b, impls.TypePtr, compareAndSwapExistingBench[reflect.Type, *Fields]())
		runValues(b, impls.TypeFlat, compareAndSwapExistingBench[reflect.Type, Flat]())
	})
}

// cachedFields is how encoding/json looks up the description of a struct
// type in its cache, a sync.Map: a Load and, if the type is not there, a
// compute and a LoadOrStore, which keeps the description stored first when
// goroutines compute the same type at once.
func cachedFields(m refmap.Interface[reflect.Type, Fields], t reflect.Type, compute func(reflect.Type) Fields) Fields {
	if f, ok := m.Load(t); ok {
		return f
	}
	f, _ := m.LoadOrStore(t, compute(t))
	return f
}

// typeCacheHitsBench looks up types on a map that holds all of them: n
// struct types, each with its description, stored with cachedFields.
func typeCacheHitsBench(n int) benchmark[reflect.Type, Fields] {
	var types []reflect.Type
	var fields []Fields
	return benchmark[reflect.Type, Fields]{
		readOnly: true,
		setup: func(_ *testing.B, m refmap.Interface[reflect.Type, Fields]) {
			types = structTypes(n)
			fields = growValues(fields, n)
			for j, t := range types {
				cachedFields(m, t, func(reflect.Type) Fields { return fields[j] })
			}
			warm(m, types)
		},
		perG: func(_ *testing.B, pb *pb, i int, m refmap.Interface[reflect.Type, Fields]) {
			types := types
			compute := func(t reflect.Type) Fields { panic("mapbench: computed the fields of a cached type " + t.String()) }
			for ; pb.Next(); i++ {
				cachedFields(m, types[i%n], compute)
			}
		},
	}
}

// TypeCacheHits measures a cache of struct types' descriptions as
// encoding/json keeps one (see cachedFields), once it is warm: every call
// finds its type, among the few types of a small program (types=16) or the
// many of a large one (types=1024). It is read-only, so plainmap runs it
// too.
func TypeCacheHits(b *testing.B, impls Impls) {
	for _, n := range []int{16, 1024} {
		b.Run("types="+strconv.Itoa(n), func(b *testing.B) {
			runBenchmark(b, impls.TypeFields, typeCacheHitsBench(n))
		})
	}
}

// TypeCacheMisses measures the same cache (see cachedFields) while it
// fills: every call asks for a type the cache does not hold yet, so that
// its Load misses, the description is computed, and LoadOrStore stores it.
// The description is taken from a table made in advance, so that the
// figures are the map's. Making a new reflect.Type for every call would
// cost more than the map, and reflect never frees a type, so the calls
// move to a new map every 1024 calls, each map being filled with the same
// 1024 types, made once: each map is the cache of a program that encodes
// 1024 struct types, from its start. The copy-on-write map runs it too:
// its maps stay small.
func TypeCacheMisses(b *testing.B, impls Impls) {
	const n = 1 << 10
	types := structTypes(n)
	fields := makeValues[Fields](n)
	checkImpls(b, impls.TypeFields)
	for _, impl := range impls.TypeFields {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			if impl.ReadOnly {
				b.Skip(impl.Name + " is not safe for concurrent writes")
			}
			maps := make([]refmap.Interface[reflect.Type, Fields], (b.N+n-1)/n)
			for k := range maps {
				maps[k] = impl.New()
			}
			b.ReportAllocs()
			b.ResetTimer()
			runParallel(b, func(pb *pb) {
				for pb.Next() {
					c := pb.index()
					j := c % n
					cachedFields(maps[c/n], types[j], func(reflect.Type) Fields { return fields[j] })
				}
			})
		})
	}
}
