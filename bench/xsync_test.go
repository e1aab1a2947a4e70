// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package bench_test

import (
	"iter"

	"github.com/gosyncmap/syncmap/internal/mapbench"
	"github.com/gosyncmap/syncmap/internal/refmap"
	"github.com/puzpuzpuz/xsync/v4"
)

var _ refmap.Interface[int, int] = (*xsyncMap[int, int])(nil)

// xsyncMap adapts xsync.Map to refmap.Interface with what its users write
// for the methods of sync.Map it lacks: Swap is its LoadAndStore, and
// CompareAndSwap and CompareAndDelete are a Compute, after a Load that
// answers a mismatch without taking the bucket's lock. xsync.Map has no
// zero value ready for use; the adapter is padded, the map NewMap
// allocates is not.
type xsyncMap[K, V comparable] struct{ m *xsync.Map[K, V] }

func newXsyncMap[K, V comparable]() refmap.Interface[K, V] {
	m := mapbench.NewPadded[xsyncMap[K, V]]()
	m.m = xsync.NewMap[K, V]()
	return m
}

func (m *xsyncMap[K, V]) Load(key K) (value V, ok bool) { return m.m.Load(key) }
func (m *xsyncMap[K, V]) Store(key K, value V)          { m.m.Store(key, value) }
func (m *xsyncMap[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	return m.m.LoadOrStore(key, value)
}
func (m *xsyncMap[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	return m.m.LoadAndDelete(key)
}
func (m *xsyncMap[K, V]) Delete(key K) { m.m.Delete(key) }
func (m *xsyncMap[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	return m.m.LoadAndStore(key, value)
}

func (m *xsyncMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	if v, ok := m.m.Load(key); !ok || v != old {
		return false
	}
	m.m.Compute(key, func(v V, loaded bool) (V, xsync.ComputeOp) {
		if !loaded || v != old {
			return v, xsync.CancelOp
		}
		swapped = true
		return new, xsync.UpdateOp
	})
	return swapped
}

func (m *xsyncMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	if v, ok := m.m.Load(key); !ok || v != old {
		return false
	}
	m.m.Compute(key, func(v V, loaded bool) (V, xsync.ComputeOp) {
		if !loaded || v != old {
			return v, xsync.CancelOp
		}
		deleted = true
		return v, xsync.DeleteOp
	})
	return deleted
}

func (m *xsyncMap[K, V]) Range(f func(key K, value V) bool) { m.m.Range(f) }
func (m *xsyncMap[K, V]) Clear()                            { m.m.Clear() }
func (m *xsyncMap[K, V]) Len() int                          { return m.m.Size() }

func (m *xsyncMap[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	return m.m.LoadOrCompute(key, func() (V, bool) { return compute(), false })
}

// LoadOrTryCompute cancels xsync's compute when it fails, which stores
// nothing.
func (m *xsyncMap[K, V]) LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	actual, loaded = m.m.LoadOrCompute(key, func() (V, bool) {
		var v V
		v, err = compute()
		return v, err != nil
	})
	if err != nil {
		return actual, false, err
	}
	return actual, loaded, nil
}

func (m *xsyncMap[K, V]) All() iter.Seq2[K, V] { return m.m.All() }
func (m *xsyncMap[K, V]) Keys() iter.Seq[K]    { return refmap.Keys(m.m.Range) }
func (m *xsyncMap[K, V]) Values() iter.Seq[V]  { return refmap.Values(m.m.Range) }
