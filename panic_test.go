// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file tests panics, of callbacks and of keys that cannot be hashed:
// none may leave a lock held or the map broken.

// TestPanicsLeaveMapUsable panics out of Map's methods in the ways a caller
// can make them panic, with the key involved in each state an entry can be
// in, and checks that the map holds no lock and no half-written entry
// afterwards: every method must still return, with the results of a
// reference map that saw the same calls. TestCompareUncomparableDynamicValuePanics
// and testRangePanic cover the simplest of these cases.
func TestPanicsLeaveMapUsable(t *testing.T) {
	// Key 1 holds a []int, which == cannot compare; key 2 an int.
	stored := []int{1}
	places := []struct {
		name  string
		setup func(m refmap.Interface[int, any])
	}{
		{"stored", func(m refmap.Interface[int, any]) {
			m.Store(1, stored)
			m.Store(2, 2)
		}},
		{"stored again", func(m refmap.Interface[int, any]) {
			m.Store(1, 0)
			m.Delete(1)
			m.Store(1, stored) // deleted and stored again
			m.Store(2, 2)
		}},
		{"stored after a sweep", func(m refmap.Interface[int, any]) {
			m.Store(1, 0)
			m.Delete(1)
			m.Store(2, 2)      // sweeps 1 out
			m.Store(1, stored) // a new entry
		}},
	}
	panics := []struct {
		name string
		f    func(m refmap.Interface[int, any])
	}{
		{"CompareAndSwap", func(m refmap.Interface[int, any]) { m.CompareAndSwap(1, []int{1}, 0) }},
		{"CompareAndDelete", func(m refmap.Interface[int, any]) { m.CompareAndDelete(1, []int{1}) }},
		{"Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool { panic("f") })
		}},
		{"Compute", func(m refmap.Interface[int, any]) {
			m.Compute(1, func(any, bool) (any, syncmap.ComputeOp) { panic("f") })
		}},
		{"Compute of an absent key", func(m refmap.Interface[int, any]) {
			m.Compute(3, func(any, bool) (any, syncmap.ComputeOp) { panic("f") })
		}},
		{"Range after writes", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Store(5, 5) // a new key
				m.Delete(2)
				m.Swap(1, stored)
				panic("f")
			})
		}},
		{"CompareAndSwap in Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Store(6, []int{6})
				m.CompareAndSwap(6, []int{6}, 0)
				return true
			})
		}},
		{"nested Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Range(func(int, any) bool { panic("f") })
				return true
			})
		}},
		{"Range after Clear", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Clear()
				m.Store(7, 7)
				panic("f")
			})
		}},
	}
	for _, place := range places {
		for _, p := range panics {
			t.Run(place.name+"/"+p.name, func(t *testing.T) {
				m, ref := new(syncmap.Map[int, any]), new(refmap.RWMutexMap[int, any])
				place.setup(m)
				place.setup(ref)
				mustPanic(t, p.name, func() { p.f(m) })
				mustPanic(t, p.name+" on the reference map", func() { p.f(ref) })
				withTimeout(t, func() { checkSameCalls(t, m, ref) })
			})
		}
	}
}

// checkSameCalls calls every method on m and ref and checks that they
// return the same results and end with the same contents. The calls take
// every path: with and without a lock, new keys, misses, and Clear.
func checkSameCalls(t *testing.T, m, ref refmap.Interface[int, any]) {
	t.Helper()
	const keys = 8
	calls := []struct {
		name string
		f    func(m refmap.Interface[int, any]) []any
	}{
		{"Load every key", func(m refmap.Interface[int, any]) []any {
			var r []any
			for k := range keys {
				v, ok := m.Load(k)
				r = append(r, v, ok)
			}
			return r
		}},
		{"Store(10, 10)", func(m refmap.Interface[int, any]) []any { m.Store(10, 10); return nil }},
		{"LoadOrStore(11, 11)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadOrStore(11, 11)) }},
		{"Swap(1, 12)", func(m refmap.Interface[int, any]) []any { return resultPair(m.Swap(1, 12)) }},
		{"CompareAndSwap(1, 12, 13)", func(m refmap.Interface[int, any]) []any {
			return []any{m.CompareAndSwap(1, 12, 13)}
		}},
		{"LoadOrStore(1, 14)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadOrStore(1, 14)) }},
		{"Load misses", func(m refmap.Interface[int, any]) []any {
			for k := range 4 * keys {
				m.Load(100 + k)
			}
			return nil
		}},
		{"CompareAndDelete(1, 13)", func(m refmap.Interface[int, any]) []any {
			return []any{m.CompareAndDelete(1, 13)}
		}},
		{"Store(15, 15)", func(m refmap.Interface[int, any]) []any { m.Store(15, 15); return nil }},
		{"LoadAndDelete(2)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadAndDelete(2)) }},
		{"Delete(10)", func(m refmap.Interface[int, any]) []any { m.Delete(10); return nil }},
		{"Store(1, 16)", func(m refmap.Interface[int, any]) []any { m.Store(1, 16); return nil }},
		{"Load every key again", func(m refmap.Interface[int, any]) []any {
			var r []any
			for k := range 2 * keys {
				v, ok := m.Load(k)
				r = append(r, v, ok)
			}
			return r
		}},
		{"contents", func(m refmap.Interface[int, any]) []any { return []any{anyContents(m)} }},
		{"Clear", func(m refmap.Interface[int, any]) []any { m.Clear(); return []any{anyContents(m)} }},
		{"Store(3, 3) after Clear", func(m refmap.Interface[int, any]) []any {
			m.Store(3, 3)
			return []any{anyContents(m)}
		}},
	}
	for _, c := range calls {
		if got, want := c.f(m), c.f(ref); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v; want %v", c.name, got, want)
		}
	}
}

func resultPair[V any](v V, ok bool) []any { return []any{v, ok} }

// anyContents returns m's contents as a Go map.
func anyContents(m refmap.Interface[int, any]) map[int]any {
	c := make(map[int]any)
	m.Range(func(k int, v any) bool {
		c[k] = v
		return true
	})
	return c
}

// unhashableKeyStates are the states in which a Map[any, int] meets an
// unhashable key: before its first key, with a key, with keys that split
// its segment, and after a Clear.
var unhashableKeyStates = []struct {
	name  string
	setup func(m *syncmap.Map[any, int])
}{
	{"empty", func(*syncmap.Map[any, int]) {}},
	{"keys", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Range(func(any, int) bool { return true })
	}},
	{"keys,stored since Range", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Range(func(any, int) bool { return true })
		for k := 2; k < 100; k++ {
			m.Store(k, k)
		}
	}},
	{"cleared", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Clear()
	}},
}

// keyMethods calls each method of Map that takes a key, with key.
var keyMethods = []struct {
	name string
	call func(m *syncmap.Map[any, int], key any)
}{
	{"Load", func(m *syncmap.Map[any, int], k any) { m.Load(k) }},
	{"Store", func(m *syncmap.Map[any, int], k any) { m.Store(k, 1) }},
	{"LoadOrStore", func(m *syncmap.Map[any, int], k any) { m.LoadOrStore(k, 1) }},
	{"LoadAndDelete", func(m *syncmap.Map[any, int], k any) { m.LoadAndDelete(k) }},
	{"Delete", func(m *syncmap.Map[any, int], k any) { m.Delete(k) }},
	{"Swap", func(m *syncmap.Map[any, int], k any) { m.Swap(k, 1) }},
	{"CompareAndSwap", func(m *syncmap.Map[any, int], k any) { m.CompareAndSwap(k, 1, 2) }},
	{"CompareAndDelete", func(m *syncmap.Map[any, int], k any) { m.CompareAndDelete(k, 1) }},
	{"LoadOrCompute", func(m *syncmap.Map[any, int], k any) {
		m.LoadOrCompute(k, func() int { return 1 })
	}},
	{"LoadOrTryCompute", func(m *syncmap.Map[any, int], k any) {
		m.LoadOrTryCompute(k, func() (int, error) { return 1, nil })
	}},
	{"Compute", func(m *syncmap.Map[any, int], k any) {
		m.Compute(k, func(int, bool) (int, syncmap.ComputeOp) { return 1, syncmap.UpdateOp })
	}},
}

// TestUnhashableKeyPanicsInEveryState checks that every method given a key
// whose dynamic type cannot be hashed panics as a Go map does, with a
// runtime.Error that names the type, whether or not the Map holds keys: a
// Go map panics even when it is empty.
func TestUnhashableKeyPanicsInEveryState(t *testing.T) {
	key := []int{1}
	for _, state := range unhashableKeyStates {
		for _, method := range keyMethods {
			t.Run(state.name+"/"+method.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				withTimeout(t, func() {
					r := mustPanic(t, method.name+"([]int{1})", func() { method.call(m, key) })
					err, ok := r.(runtime.Error)
					if r != nil && (!ok || !strings.Contains(err.Error(), "unhashable type") || !strings.Contains(err.Error(), "[]int")) {
						t.Errorf("%s([]int{1}) panicked with %v; want a runtime.Error, hash of unhashable type []int", method.name, r)
					}
				})
			})
		}
	}
}

// TestUnhashableKeyPanicHoldsNoLock checks that after a method panics on an
// unhashable key, in every state of the Map, the Map holds no lock: every
// method still returns, and stores, loads, ranges and clears as before.
func TestUnhashableKeyPanicHoldsNoLock(t *testing.T) {
	for _, state := range unhashableKeyStates {
		for _, method := range keyMethods {
			t.Run(state.name+"/"+method.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				func() {
					defer func() { _ = recover() }()
					method.call(m, []int{1})
				}()
				withTimeout(t, func() { checkUsable(t, m) })
			})
		}
	}
}

// checkUsable checks that m stores, loads, ranges and clears, and that
// every method that takes a key returns, with keys of its own.
func checkUsable(t *testing.T, m *syncmap.Map[any, int]) {
	t.Helper()
	for i, method := range keyMethods {
		method.call(m, fmt.Sprint("key", i))
	}
	m.Store("k", 42)
	if v, ok := m.Load("k"); !ok || v != 42 {
		t.Errorf("Load(k) after Store(k, 42) = %d, %v; want 42, true", v, ok)
	}
	found := false
	m.Range(func(k any, v int) bool {
		found = found || k == "k" && v == 42
		return true
	})
	if !found {
		t.Error("Range did not visit k = 42")
	}
	m.Clear()
	if n := m.Len(); n != 0 {
		t.Errorf("Len() after Clear = %d; want 0", n)
	}
}

// TestPanickingComputeHoldsNoLock checks that a compute callback that
// panics, in every state of the Map, leaves it holding no lock.
func TestPanickingComputeHoldsNoLock(t *testing.T) {
	computes := []struct {
		name string
		call func(m *syncmap.Map[any, int])
	}{
		{"LoadOrCompute", func(m *syncmap.Map[any, int]) {
			m.LoadOrCompute(-1, func() int { panic("compute") })
		}},
		{"LoadOrTryCompute", func(m *syncmap.Map[any, int]) {
			m.LoadOrTryCompute(-1, func() (int, error) { panic("compute") })
		}},
		{"Range", func(m *syncmap.Map[any, int]) {
			m.Store(3, 3)
			m.Range(func(any, int) bool { panic("f") })
		}},
	}
	for _, state := range unhashableKeyStates {
		for _, c := range computes {
			t.Run(state.name+"/"+c.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				if r := mustPanic(t, c.name, func() { c.call(m) }); r != "compute" && r != "f" {
					t.Errorf("%s panicked with %v; want the callback's panic", c.name, r)
				}
				withTimeout(t, func() { checkUsable(t, m) })
			})
		}
	}
}
