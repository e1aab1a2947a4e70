// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"iter"
	"sync"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

var (
	_ refmap.Interface[int, int] = (*SyncMap[int, int])(nil)
	_ refmap.Interface[int, int] = (*PlainMap[int, int])(nil)
)

// SyncMap adapts sync.Map to mapInterface with the type assertions its users
// write, which are part of its cost.
type SyncMap[K comparable, V any] struct{ m sync.Map }

// value converts sync.Map's any result to V.
func value[V any](v any, ok bool) (V, bool) {
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

func (m *SyncMap[K, V]) Load(key K) (value_ V, ok bool) { return value[V](m.m.Load(key)) }
func (m *SyncMap[K, V]) Store(key K, value V)           { m.m.Store(key, value) }
func (m *SyncMap[K, V]) LoadOrStore(key K, v V) (actual V, loaded bool) {
	return value[V](m.m.LoadOrStore(key, v))
}
func (m *SyncMap[K, V]) LoadAndDelete(key K) (v V, loaded bool) {
	return value[V](m.m.LoadAndDelete(key))
}
func (m *SyncMap[K, V]) Delete(key K) { m.m.Delete(key) }
func (m *SyncMap[K, V]) Swap(key K, v V) (previous V, loaded bool) {
	return value[V](m.m.Swap(key, v))
}
func (m *SyncMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	return m.m.CompareAndSwap(key, old, new)
}
func (m *SyncMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	return m.m.CompareAndDelete(key, old)
}
func (m *SyncMap[K, V]) Range(f func(key K, value V) bool) {
	m.m.Range(func(k, v any) bool { return f(k.(K), v.(V)) })
}
func (m *SyncMap[K, V]) Clear() { m.m.Clear() }

// Len counts with Range, the only way sync.Map offers: O(n).
func (m *SyncMap[K, V]) Len() int {
	n := 0
	m.m.Range(func(_, _ any) bool { n++; return true })
	return n
}

// LoadOrCompute is what sync.Map's users write instead.
func (m *SyncMap[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	return refmap.LoadThenStore(m, key, compute)
}

// LoadOrTryCompute is what sync.Map's users write instead.
func (m *SyncMap[K, V]) LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	return refmap.LoadThenTryStore(m, key, compute)
}

// Compute is what sync.Map's users write instead: a Load, then a
// CompareAndSwap, LoadOrStore or CompareAndDelete that fails if another
// write came first, and then f runs again. It needs a comparable V, as
// sync.Map's CompareAndSwap does.
func (m *SyncMap[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool) {
	for {
		old, loaded := m.Load(key)
		v, op := f(old, loaded)
		switch {
		case op == syncmap.CancelOp:
			return old, loaded
		case op == syncmap.DeleteOp && !loaded:
			return actual, false
		case op == syncmap.DeleteOp:
			if m.m.CompareAndDelete(key, old) {
				return actual, false
			}
		case loaded:
			if m.m.CompareAndSwap(key, old, v) {
				return v, true
			}
		default:
			if _, loaded := m.m.LoadOrStore(key, v); !loaded {
				return v, true
			}
		}
	}
}

func (m *SyncMap[K, V]) All() iter.Seq2[K, V] { return refmap.All(m.Range) }
func (m *SyncMap[K, V]) Keys() iter.Seq[K]    { return refmap.Keys(m.Range) }
func (m *SyncMap[K, V]) Values() iter.Seq[V]  { return refmap.Values(m.Range) }

// PlainMap is a Go map with no synchronization at all. It may only be
// written before the benchmark starts, with Store and Delete; its other
// writes, which only a benchmark would make, panic.
type PlainMap[K comparable, V any] struct{ m map[K]V }

func (m *PlainMap[K, V]) Load(key K) (value V, ok bool) {
	value, ok = m.m[key]
	return value, ok
}

// Store is for setup, which runs on one goroutine.
func (m *PlainMap[K, V]) Store(key K, value V) {
	if m.m == nil {
		m.m = make(map[K]V)
	}
	m.m[key] = value
}

func (m *PlainMap[K, V]) Delete(key K) { delete(m.m, key) }

func (m *PlainMap[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if actual, loaded = m.m[key]; loaded {
		return actual, true
	}
	m.Store(key, value)
	return value, false
}

func (m *PlainMap[K, V]) Range(f func(key K, value V) bool) {
	for k, v := range m.m {
		if !f(k, v) {
			break
		}
	}
}

func (m *PlainMap[K, V]) Len() int { return len(m.m) }

// LoadOrCompute may only hit: a miss would write.
func (m *PlainMap[K, V]) LoadOrCompute(key K, _ func() V) (actual V, loaded bool) {
	if actual, loaded = m.m[key]; !loaded {
		panic(errPlainWrite)
	}
	return actual, true
}

// LoadOrTryCompute may only hit: a miss would write.
func (m *PlainMap[K, V]) LoadOrTryCompute(key K, _ func() (V, error)) (actual V, loaded bool, err error) {
	if actual, loaded = m.m[key]; !loaded {
		panic(errPlainWrite)
	}
	return actual, true, nil
}

// Compute may only cancel: anything else would write.
func (m *PlainMap[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool) {
	old, loaded := m.m[key]
	if _, op := f(old, loaded); op != syncmap.CancelOp {
		panic(errPlainWrite)
	}
	return old, loaded
}

func (m *PlainMap[K, V]) All() iter.Seq2[K, V] { return refmap.All(m.Range) }
func (m *PlainMap[K, V]) Keys() iter.Seq[K]    { return refmap.Keys(m.Range) }
func (m *PlainMap[K, V]) Values() iter.Seq[V]  { return refmap.Values(m.Range) }

func (*PlainMap[K, V]) LoadAndDelete(K) (V, bool)   { panic(errPlainWrite) }
func (*PlainMap[K, V]) Swap(K, V) (V, bool)         { panic(errPlainWrite) }
func (*PlainMap[K, V]) CompareAndSwap(K, V, V) bool { panic(errPlainWrite) }
func (*PlainMap[K, V]) CompareAndDelete(K, V) bool  { panic(errPlainWrite) }
func (*PlainMap[K, V]) Clear()                      { panic(errPlainWrite) }

const errPlainWrite = "mapbench.PlainMap: a write during the benchmark"
