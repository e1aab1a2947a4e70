// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Package refmap holds the method set that syncmap.Map shares with the maps
// it is tested and measured against, and two reference implementations of
// it: a map guarded by a sync.RWMutex and a copy-on-write map. The tests of
// syncmap compare Map's results with theirs; the benchmarks of syncmap and
// of the peer module in bench/ run the same workloads on all of them.
package refmap

import (
	"iter"
	"sync"
	"sync/atomic"

	"github.com/gosyncmap/syncmap"
)

// Interface is the method set that syncmap.Map shares with the reference
// maps, so that tests and benchmarks can run against any of them.
type Interface[K comparable, V any] interface {
	Load(key K) (value V, ok bool)
	Store(key K, value V)
	LoadOrStore(key K, value V) (actual V, loaded bool)
	LoadAndDelete(key K) (value V, loaded bool)
	Delete(key K)
	Swap(key K, value V) (previous V, loaded bool)
	CompareAndSwap(key K, old, new V) (swapped bool)
	CompareAndDelete(key K, old V) (deleted bool)
	Range(f func(key K, value V) bool)
	Clear()

	// Beyond sync.Map.
	Len() int
	LoadOrCompute(key K, compute func() V) (actual V, loaded bool)
	LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error)
	Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool)
	All() iter.Seq2[K, V]
	Keys() iter.Seq[K]
	Values() iter.Seq[V]
}

var (
	_ Interface[int, int] = (*RWMutexMap[int, int])(nil)
	_ Interface[int, int] = (*DeepCopyMap[int, int])(nil)
)

// RWMutexMap is a plain map guarded by a sync.RWMutex: the obvious
// implementation, and the one Map has to beat.
type RWMutexMap[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (m *RWMutexMap[K, V]) Load(key K) (value V, ok bool) {
	m.mu.RLock()
	value, ok = m.m[key]
	m.mu.RUnlock()
	return value, ok
}

func (m *RWMutexMap[K, V]) Store(key K, value V) {
	m.mu.Lock()
	m.storeLocked(key, value)
	m.mu.Unlock()
}

func (m *RWMutexMap[K, V]) storeLocked(key K, value V) {
	if m.m == nil {
		m.m = make(map[K]V)
	}
	m.m[key] = value
}

func (m *RWMutexMap[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if actual, loaded = m.m[key]; loaded {
		return actual, true
	}
	m.storeLocked(key, value)
	return value, false
}

func (m *RWMutexMap[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	value, loaded = m.m[key]
	delete(m.m, key)
	return value, loaded
}

func (m *RWMutexMap[K, V]) Delete(key K) {
	m.mu.Lock()
	delete(m.m, key)
	m.mu.Unlock()
}

func (m *RWMutexMap[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	previous, loaded = m.m[key]
	m.storeLocked(key, value)
	return previous, loaded
}

func (m *RWMutexMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[key]; !ok || any(v) != any(old) {
		return false
	}
	m.m[key] = new
	return true
}

func (m *RWMutexMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[key]; !ok || any(v) != any(old) {
		return false
	}
	delete(m.m, key)
	return true
}

// Range copies the keys first, so that f runs without the lock and may call
// any method, as Map's Range allows. A key deleted before f reaches it is
// skipped.
func (m *RWMutexMap[K, V]) Range(f func(key K, value V) bool) {
	m.mu.RLock()
	keys := make([]K, 0, len(m.m))
	for k := range m.m {
		keys = append(keys, k)
	}
	m.mu.RUnlock()

	for _, k := range keys {
		v, ok := m.Load(k)
		if !ok {
			continue
		}
		if !f(k, v) {
			break
		}
	}
}

func (m *RWMutexMap[K, V]) Clear() {
	m.mu.Lock()
	clear(m.m)
	m.mu.Unlock()
}

func (m *RWMutexMap[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}

func (m *RWMutexMap[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	return LoadThenStore(m, key, compute)
}

func (m *RWMutexMap[K, V]) LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	return LoadThenTryStore(m, key, compute)
}

// Compute runs f with the write lock held: f must not use the map.
func (m *RWMutexMap[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, loaded := m.m[key]
	v, op := f(old, loaded)
	switch op {
	case syncmap.UpdateOp:
		m.storeLocked(key, v)
		return v, true
	case syncmap.DeleteOp:
		delete(m.m, key)
		return actual, false
	}
	return old, loaded
}

// LoadThenStore is LoadOrCompute built from Load and LoadOrStore, as users of
// a map without it write it. compute runs without any lock, so that it may
// use the map, but unlike Map's, it may run for one key on several
// goroutines at once: the reference maps use it as a reference for results,
// not for exclusion.
func LoadThenStore[K comparable, V any](m interface {
	Load(K) (V, bool)
	LoadOrStore(K, V) (V, bool)
}, key K, compute func() V) (actual V, loaded bool) {
	if v, ok := m.Load(key); ok {
		return v, true
	}
	return m.LoadOrStore(key, compute())
}

// LoadThenTryStore is LoadOrTryCompute built from Load and LoadOrStore,
// as LoadThenStore is LoadOrCompute: a failed compute stores nothing.
func LoadThenTryStore[K comparable, V any](m interface {
	Load(K) (V, bool)
	LoadOrStore(K, V) (V, bool)
}, key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	if v, ok := m.Load(key); ok {
		return v, true, nil
	}
	v, err := compute()
	if err != nil {
		return actual, false, err
	}
	actual, loaded = m.LoadOrStore(key, v)
	return actual, loaded, nil
}

func (m *RWMutexMap[K, V]) All() iter.Seq2[K, V] { return All(m.Range) }
func (m *RWMutexMap[K, V]) Keys() iter.Seq[K]    { return Keys(m.Range) }
func (m *RWMutexMap[K, V]) Values() iter.Seq[V]  { return Values(m.Range) }

// All, Keys and Values make the iterators of a map from its Range.
func All[K, V any](rangeFunc func(func(K, V) bool)) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) { rangeFunc(yield) }
}

func Keys[K, V any](rangeFunc func(func(K, V) bool)) iter.Seq[K] {
	return func(yield func(K) bool) {
		rangeFunc(func(k K, _ V) bool { return yield(k) })
	}
}

func Values[K, V any](rangeFunc func(func(K, V) bool)) iter.Seq[V] {
	return func(yield func(V) bool) {
		rangeFunc(func(_ K, v V) bool { return yield(v) })
	}
}

// DeepCopyMap copies the whole map on every write, so that reads are one
// atomic load and a map look-up. Writes are O(n): a reference for reads, never
// a product.
type DeepCopyMap[K comparable, V any] struct {
	mu    sync.Mutex // serializes writers
	clean atomic.Pointer[map[K]V]
}

func (m *DeepCopyMap[K, V]) snapshot() map[K]V {
	if p := m.clean.Load(); p != nil {
		return *p
	}
	return nil
}

// dirtyLocked returns a private copy of the map for a writer to change and
// publish.
func (m *DeepCopyMap[K, V]) dirtyLocked() map[K]V {
	clean := m.snapshot()
	dirty := make(map[K]V, len(clean)+1)
	for k, v := range clean {
		dirty[k] = v
	}
	return dirty
}

func (m *DeepCopyMap[K, V]) publishLocked(dirty map[K]V) {
	m.clean.Store(&dirty)
}

func (m *DeepCopyMap[K, V]) Load(key K) (value V, ok bool) {
	value, ok = m.snapshot()[key]
	return value, ok
}

func (m *DeepCopyMap[K, V]) Store(key K, value V) {
	m.mu.Lock()
	dirty := m.dirtyLocked()
	dirty[key] = value
	m.publishLocked(dirty)
	m.mu.Unlock()
}

func (m *DeepCopyMap[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if actual, loaded = m.Load(key); loaded {
		return actual, true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Another writer may have stored key while we waited for mu.
	if actual, loaded = m.snapshot()[key]; loaded {
		return actual, true
	}
	dirty := m.dirtyLocked()
	dirty[key] = value
	m.publishLocked(dirty)
	return value, false
}

func (m *DeepCopyMap[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if value, loaded = m.snapshot()[key]; !loaded {
		return value, false
	}
	dirty := m.dirtyLocked()
	delete(dirty, key)
	m.publishLocked(dirty)
	return value, true
}

func (m *DeepCopyMap[K, V]) Delete(key K) {
	_, _ = m.LoadAndDelete(key)
}

func (m *DeepCopyMap[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	previous, loaded = m.snapshot()[key]
	dirty := m.dirtyLocked()
	dirty[key] = value
	m.publishLocked(dirty)
	return previous, loaded
}

func (m *DeepCopyMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	if v, ok := m.Load(key); !ok || any(v) != any(old) {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// The value may have changed while we waited for mu.
	if v, ok := m.snapshot()[key]; !ok || any(v) != any(old) {
		return false
	}
	dirty := m.dirtyLocked()
	dirty[key] = new
	m.publishLocked(dirty)
	return true
}

func (m *DeepCopyMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	if v, ok := m.Load(key); !ok || any(v) != any(old) {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// The value may have changed while we waited for mu.
	if v, ok := m.snapshot()[key]; !ok || any(v) != any(old) {
		return false
	}
	dirty := m.dirtyLocked()
	delete(dirty, key)
	m.publishLocked(dirty)
	return true
}

func (m *DeepCopyMap[K, V]) Range(f func(key K, value V) bool) {
	for k, v := range m.snapshot() {
		if !f(k, v) {
			break
		}
	}
}

func (m *DeepCopyMap[K, V]) Clear() {
	m.mu.Lock()
	m.publishLocked(nil)
	m.mu.Unlock()
}

func (m *DeepCopyMap[K, V]) Len() int { return len(m.snapshot()) }

func (m *DeepCopyMap[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	return LoadThenStore(m, key, compute)
}

func (m *DeepCopyMap[K, V]) LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	return LoadThenTryStore(m, key, compute)
}

// Compute runs f with the writers' lock held: f must not write the map.
func (m *DeepCopyMap[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, loaded := m.snapshot()[key]
	v, op := f(old, loaded)
	switch op {
	case syncmap.UpdateOp:
		dirty := m.dirtyLocked()
		dirty[key] = v
		m.publishLocked(dirty)
		return v, true
	case syncmap.DeleteOp:
		if loaded {
			dirty := m.dirtyLocked()
			delete(dirty, key)
			m.publishLocked(dirty)
		}
		return actual, false
	}
	return old, loaded
}

func (m *DeepCopyMap[K, V]) All() iter.Seq2[K, V] { return All(m.Range) }
func (m *DeepCopyMap[K, V]) Keys() iter.Seq[K]    { return Keys(m.Range) }
func (m *DeepCopyMap[K, V]) Values() iter.Seq[V]  { return Values(m.Range) }
