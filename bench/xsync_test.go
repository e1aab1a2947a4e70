// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package bench_test

import (
	"iter"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/mapbench"
	"github.com/gosyncmap/syncmap/internal/refmap"
	"github.com/puzpuzpuz/xsync/v4"
)

var (
	_ refmap.Interface[int, int]             = (*xsyncComparableMap[int, int])(nil)
	_ refmap.Interface[int, mapbench.Fields] = (*xsyncMap[int, mapbench.Fields])(nil)
)

// xsyncMap adapts xsync.Map to refmap.Interface with what its users write
// for the methods of sync.Map it lacks: Swap is its LoadAndStore, and
// CompareAndSwap and CompareAndDelete are a Compute, after a Load that
// answers a mismatch without taking the bucket's lock. xsync.Map has no
// zero value ready for use; the adapter is padded, the map NewMap
// allocates is not.
//
// xsyncMap takes values of any type, and compares them as interfaces,
// any(v) == any(old), which panics if V is not comparable, as Map's
// CompareAndSwap does. For a comparable V, xsyncComparableMap compares
// them with ==, as users of xsync.Map write it.
type xsyncMap[K comparable, V any] struct{ m *xsync.Map[K, V] }

// xsyncComparableMap is xsyncMap for a comparable V.
type xsyncComparableMap[K, V comparable] struct{ xsyncMap[K, V] }

// newXsyncMap returns an xsyncMap, for values of any type.
func newXsyncMap[K comparable, V any]() refmap.Interface[K, V] {
	m := mapbench.NewPadded[xsyncMap[K, V]]()
	m.m = xsync.NewMap[K, V]()
	return m
}

// newXsyncComparableMap returns an xsyncComparableMap, for comparable
// values.
func newXsyncComparableMap[K, V comparable]() refmap.Interface[K, V] {
	m := mapbench.NewPadded[xsyncComparableMap[K, V]]()
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
	if v, ok := m.m.Load(key); !ok || any(v) != any(old) {
		return false
	}
	m.m.Compute(key, func(v V, loaded bool) (V, xsync.ComputeOp) {
		if !loaded || any(v) != any(old) {
			return v, xsync.CancelOp
		}
		swapped = true
		return new, xsync.UpdateOp
	})
	return swapped
}

func (m *xsyncMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	if v, ok := m.m.Load(key); !ok || any(v) != any(old) {
		return false
	}
	m.m.Compute(key, func(v V, loaded bool) (V, xsync.ComputeOp) {
		if !loaded || any(v) != any(old) {
			return v, xsync.CancelOp
		}
		deleted = true
		return v, xsync.DeleteOp
	})
	return deleted
}

func (m *xsyncComparableMap[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
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

func (m *xsyncComparableMap[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
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

// DeleteMatching is xsync's own way to delete the keys that del reports
// true for (see mapbench.MatchDeleter).
func (m *xsyncMap[K, V]) DeleteMatching(del func(key K, value V) bool) {
	m.m.DeleteMatching(func(k K, v V) (bool, bool) { return del(k, v), false })
}

// DeleteMatching is xsync's own way to delete the keys that del reports
// true for (see mapbench.MatchDeleter).
func (m *xsyncComparableMap[K, V]) DeleteMatching(del func(key K, value V) bool) {
	m.m.DeleteMatching(func(k K, v V) (bool, bool) { return del(k, v), false })
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

// Compute is xsync's own, whose ops are named as Map's.
func (m *xsyncMap[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op syncmap.ComputeOp)) (actual V, ok bool) {
	return m.m.Compute(key, func(old V, loaded bool) (V, xsync.ComputeOp) {
		v, op := f(old, loaded)
		switch op {
		case syncmap.UpdateOp:
			return v, xsync.UpdateOp
		case syncmap.DeleteOp:
			return v, xsync.DeleteOp
		}
		return v, xsync.CancelOp
	})
}

func (m *xsyncMap[K, V]) All() iter.Seq2[K, V] { return m.m.All() }
func (m *xsyncMap[K, V]) Keys() iter.Seq[K]    { return refmap.Keys(m.m.Range) }
func (m *xsyncMap[K, V]) Values() iter.Seq[V]  { return refmap.Values(m.m.Range) }

// TestXsyncCompareAndSwap checks both ways the adapter compares values:
// == for a comparable V, as interfaces for any V, which panics for a V that
// is not comparable, as Map's CompareAndSwap does.
func TestXsyncCompareAndSwap(t *testing.T) {
	p, q := new(mapbench.Fields), new(mapbench.Fields)
	for _, m := range []refmap.Interface[int, *mapbench.Fields]{
		newXsyncComparableMap[int, *mapbench.Fields](),
		newXsyncMap[int, *mapbench.Fields](),
	} {
		m.Store(1, p)
		if m.CompareAndSwap(1, q, p) {
			t.Errorf("%T: CompareAndSwap(1, q, p) = true with p stored; want false", m)
		}
		if m.CompareAndSwap(2, nil, p) {
			t.Errorf("%T: CompareAndSwap(2, nil, p) = true on a missing key; want false", m)
		}
		if !m.CompareAndSwap(1, p, q) {
			t.Errorf("%T: CompareAndSwap(1, p, q) = false with p stored; want true", m)
		}
		if m.CompareAndDelete(1, p) {
			t.Errorf("%T: CompareAndDelete(1, p) = true with q stored; want false", m)
		}
		if !m.CompareAndDelete(1, q) {
			t.Errorf("%T: CompareAndDelete(1, q) = false with q stored; want true", m)
		}
		if v, ok := m.Load(1); ok {
			t.Errorf("%T: Load(1) = %p, true after CompareAndDelete; want nil, false", m, v)
		}
	}

	m := newXsyncMap[int, mapbench.Fields]()
	m.Store(1, mapbench.Fields{})
	defer func() {
		if recover() == nil {
			t.Error("CompareAndSwap of a value that is not comparable did not panic")
		}
	}()
	m.CompareAndSwap(1, mapbench.Fields{}, mapbench.Fields{})
}
