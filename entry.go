// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"sync/atomic"
	"unsafe"
)

// expunged marks an entry that was deleted and then left out of the dirty
// map. It is compared with entry.p but never dereferenced or converted to a
// *V: it points to an int, which no V can share an address with, so it is a
// valid sentinel for every V, zero-size types included, and it passes the
// pointer checks that -race enables.
var expunged = unsafe.Pointer(new(int))

// An entry is the slot of one key. The read map and the dirty map share
// entries, so a value written through either map is seen through both.
type entry[V any] struct {
	// p is the entry's state. It is only read and written with the atomic
	// pointer operations.
	//
	//   - A *V pointing to the value: the key is present. The entry is in the
	//     read map, the dirty map, or both; if dirty is not nil, it is there,
	//     or in the part of the read map that a copy under way has yet to
	//     reach.
	//   - nil: the key was deleted. The entry may still be in the read map,
	//     and if dirty is not nil, it is in the dirty map too, or yet to be
	//     reached by the copy.
	//   - expunged: the key was deleted, dirty is not nil, and the entry is
	//     in the read map only. Only entries that the copy has reached are
	//     expunged.
	//
	// Transitions:
	//
	//   - value -> value, value -> nil and nil -> value need no lock.
	//   - nil -> expunged happens only with mu held, when the copy of the
	//     read map into a new dirty map reaches the entry, so that deleted
	//     entries are left out of it.
	//   - expunged -> nil happens only with mu held, immediately followed by
	//     putting the entry back into the dirty map. A value can therefore
	//     never be stored in an entry that the next promotion would lose.
	//
	// Clear drops both maps whole. A call that found an entry before Clear
	// may still change it afterwards; the entry is in neither map, so the
	// call takes effect before Clear, and is cleared with it.
	p unsafe.Pointer

	// first is the value the entry was created with. p starts out pointing
	// here, so that a new key costs one allocation rather than two. It is
	// never written after the entry is published: a later value goes to a
	// new allocation, because readers may still be copying this one.
	first V
}

func newEntry[V any](value V) *entry[V] {
	e := &entry[V]{first: value}
	e.p = unsafe.Pointer(&e.first)
	return e
}

// newValue returns a pointer to a fresh copy of value.
func newValue[V any](value V) unsafe.Pointer {
	p := new(V)
	*p = value
	return unsafe.Pointer(p)
}

// present reports whether p is a value pointer rather than nil or expunged.
func present(p unsafe.Pointer) bool {
	return p != nil && p != expunged
}

func (e *entry[V]) load() (value V, ok bool) {
	p := atomic.LoadPointer(&e.p)
	if p == unsafe.Pointer(&e.first) {
		// The common case in a cache: the first value was never replaced.
		// Testing for it, rather than just following p, lets the CPU predict
		// the branch and read the value without waiting for p to arrive.
		return e.first, true
	}
	return valueAt[V](p)
}

// valueAt returns the value p points to, or ok == false if p is nil or
// expunged. Values are never written once published, so p may be read at
// any later time.
func valueAt[V any](p unsafe.Pointer) (value V, ok bool) {
	if !present(p) {
		return value, false
	}
	return *(*V)(p), true
}

// trySwap stores value unless the entry is expunged, and returns the pointer
// it replaced. It reports ok == false, and stores nothing, if the entry is
// expunged.
func (e *entry[V]) trySwap(value V) (previous unsafe.Pointer, ok bool) {
	var nv unsafe.Pointer
	for {
		p := atomic.LoadPointer(&e.p)
		if p == expunged {
			return nil, false
		}
		if nv == nil {
			nv = newValue(value)
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nv) {
			return p, true
		}
	}
}

// swapLocked stores value and returns the pointer it replaced. The entry
// must not be expunged: with mu held, unexpungeLocked guarantees that.
func (e *entry[V]) swapLocked(value V) (previous unsafe.Pointer) {
	return atomic.SwapPointer(&e.p, newValue(value))
}

// tryLoadOrStore returns the present value if there is one, and otherwise
// stores value. It reports ok == false, and does nothing, if the entry is
// expunged.
func (e *entry[V]) tryLoadOrStore(value V) (actual V, loaded, ok bool) {
	p := atomic.LoadPointer(&e.p)
	if p == expunged {
		return actual, false, false
	}
	if p != nil {
		return *(*V)(p), true, true
	}
	// Copy value only now: a hit must not allocate.
	nv := newValue(value)
	for {
		if atomic.CompareAndSwapPointer(&e.p, nil, nv) {
			return value, false, true
		}
		p = atomic.LoadPointer(&e.p)
		if p == expunged {
			return actual, false, false
		}
		if p != nil {
			return *(*V)(p), true, true
		}
	}
}

// tryCompareAndSwap stores new if the entry holds a value equal to old.
// A deleted or expunged entry holds no value, so it never matches.
func (e *entry[V]) tryCompareAndSwap(old, new V) (swapped bool) {
	var nv unsafe.Pointer
	for {
		p := atomic.LoadPointer(&e.p)
		if !present(p) || !equal(*(*V)(p), old) {
			return false
		}
		if nv == nil {
			nv = newValue(new)
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nv) {
			return true
		}
	}
}

// delete marks the entry deleted and returns the value it held.
func (e *entry[V]) delete() (value V, ok bool) {
	for {
		p := atomic.LoadPointer(&e.p)
		if !present(p) {
			return value, false
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nil) {
			return *(*V)(p), true
		}
	}
}

// compareAndDelete marks the entry deleted if it holds a value equal to old.
func (e *entry[V]) compareAndDelete(old V) (deleted bool) {
	for {
		p := atomic.LoadPointer(&e.p)
		if !present(p) || !equal(*(*V)(p), old) {
			return false
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nil) {
			return true
		}
	}
}

// tryExpungeLocked moves a deleted entry to expunged, so that the dirty map
// being built can leave it out, and reports whether the entry is expunged.
func (e *entry[V]) tryExpungeLocked() (isExpunged bool) {
	p := atomic.LoadPointer(&e.p)
	for p == nil {
		if atomic.CompareAndSwapPointer(&e.p, nil, expunged) {
			return true
		}
		p = atomic.LoadPointer(&e.p)
	}
	return p == expunged
}

// unexpungeLocked moves an expunged entry back to deleted and reports whether
// it did. The caller must then add the entry to the dirty map before
// releasing mu.
func (e *entry[V]) unexpungeLocked() (wasExpunged bool) {
	return atomic.CompareAndSwapPointer(&e.p, expunged, nil)
}

// equal compares two values with ==, through interfaces because V is not
// constrained to be comparable. Like ==, it panics if the dynamic values are
// of a non-comparable type.
func equal[V any](a, b V) bool {
	return any(a) == any(b)
}
