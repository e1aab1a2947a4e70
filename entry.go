// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// sentinels are the values of entry.p that are not values: expunged,
// storedNil and computing. They are compared with p but never dereferenced
// or converted to a *V: each is an int of its own, which no value can
// share an address with, so they are valid sentinels for every V,
// zero-size types included, and they pass the pointer checks that -race
// enables. Their addresses are known when the program is linked, so a
// comparison with them loads nothing, and, as they lie side by side, one
// comparison tells whether p is any of them (see marked).
var sentinels struct {
	expunged  int
	storedNil int
	computing int
}

// expunged marks an entry that was deleted and has left its segment's
// table.
func expunged() unsafe.Pointer { return unsafe.Pointer(&sentinels.expunged) }

// storedNil is the p of an entry that holds a nil value of a pointer-shaped
// V (see valuesDirect), whose p is otherwise the value itself.
func storedNil() unsafe.Pointer { return unsafe.Pointer(&sentinels.storedNil) }

// computing marks an entry whose key's Compute runs: until it ends, the
// key's value is the one its segment's updating list holds for it (see
// update.go).
func computing() unsafe.Pointer { return unsafe.Pointer(&sentinels.computing) }

// marked reports whether p is one of the sentinels.
func marked(p unsafe.Pointer) bool {
	return uintptr(p)-uintptr(unsafe.Pointer(&sentinels)) < unsafe.Sizeof(sentinels)
}

// An entry holds one key and its value. The slots of a segment's table
// point to entries; an entry's key never changes, its value does.
type entry[K comparable, V any] struct {
	// p is the entry's state. newEntry sets it before the entry is
	// published, with a plain store; from then on it is only read and
	// written with the atomic pointer operations.
	//
	//   - A value (see valueMode), or the entry's own address, which marks
	//     a first value held in the entry itself (see entryWithValue): the
	//     key is present, and the entry is in its segment's table.
	//   - expunged: the key was deleted, and the entry has left its
	//     segment's table, or is leaving it under the segment's lock. Only
	//     readers that loaded its slot before still find it, and take its
	//     key for absent; a store must take the lock and add a new entry.
	//   - computing: a Compute of the key runs (see update.go). The key is
	//     present, with the value that the segment's updating list holds
	//     for the entry; readers take the segment's lock to read it there,
	//     and writers wait for the Compute to end.
	//
	// Transitions: value -> value needs no lock; value -> expunged happens
	// only with the segment's lock held, by the delete that then takes the
	// entry out of the table before letting the lock go. value ->
	// computing, and back from computing to a value or to expunged, happen
	// only with the segment's lock held, by the Compute that marked it,
	// and by no other call. So every entry that a holder of the lock finds
	// in the table holds a value or computing.
	// Nothing leaves expunged: a value can never be stored in an entry that
	// no table holds.
	//
	// A key is counted for Len (see counter) before its entry is put in
	// the table, and uncounted after its entry is expunged, so that counts
	// run ahead of the keys present, never behind them.
	p unsafe.Pointer

	key K
}

// addr returns the entry's address, which picks its stripe of a counter.
func (e *entry[K, V]) addr() uintptr {
	return uintptr(unsafe.Pointer(e))
}

// entryWithValue is an entry allocated together with its first value, for
// a V that holds no pointers (valuesInline): p holds the entry's own
// address until the value is replaced. No value can have that address, so
// a reader that finds it needs no other test to know where the value is.
// first is never written after the entry is published: a later value goes
// to a new allocation, because readers may still be copying this one.
//
// With valuesInline, every entry is an entryWithValue: newEntry, which
// makes them all, makes no other kind.
type entryWithValue[K comparable, V any] struct {
	entry[K, V]
	first V
}

// A valueMode says how an entry's p holds a value. It depends on V alone,
// and is fixed when a Map makes its first directory.
type valueMode uint8

const (
	// valuesInline: V holds no pointers. p points to the value, and a new
	// key's first value shares its entry's allocation: one allocation per
	// new key. A replaced first value stays with the entry, but it holds
	// no pointers, so it keeps nothing else alive.
	valuesInline valueMode = iota

	// valuesDirect: V is a single pointer (a pointer, map, channel or
	// function). p is the value itself, storedNil for nil, so storing a
	// value allocates nothing, and a replaced value is unreachable from
	// the map at once.
	valuesDirect

	// valuesBoxed: V holds pointers but is not one. Every value gets an
	// allocation of its own that p points to, so that a replaced value is
	// unreachable from the map at once: two allocations per new key.
	valuesBoxed
)

func valueModeOf(t reflect.Type) valueMode {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func:
		return valuesDirect
	}
	if hasPointers(t) {
		return valuesBoxed
	}
	return valuesInline
}

// hasPointers reports whether a value of type t holds pointers that the
// garbage collector follows.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
		reflect.Interface, reflect.Slice, reflect.String:
		return true
	}
	return false
}

// newEntry returns a new entry holding value: the only way entries are
// made.
func newEntry[K comparable, V any](key K, value V, mode valueMode) *entry[K, V] {
	if mode == valuesInline {
		e := &entryWithValue[K, V]{entry: entry[K, V]{key: key}, first: value}
		e.p = unsafe.Pointer(e)
		return &e.entry
	}
	return &entry[K, V]{p: valuePointer(value, mode), key: key}
}

// valuePointer returns what p holds for value: a fresh copy of it, or the
// value itself if V is pointer-shaped.
func valuePointer[V any](value V, mode valueMode) unsafe.Pointer {
	if mode == valuesDirect {
		if p := *(*unsafe.Pointer)(unsafe.Pointer(&value)); p != nil {
			return p
		}
		return storedNil()
	}
	p := new(V)
	*p = value
	return unsafe.Pointer(p)
}

// ref returns where the value that p holds is, p having been loaded from
// e, or nil if p is expunged; p must not be computing: for valuesDirect, the value itself (see
// directValue), and otherwise its address. Values are never written once
// published, so the value may be read at any later time. A caller that
// returns a V copies it from there itself: a V larger than four words is
// returned in memory, and a helper that returned it, inlined into the
// caller, would copy it twice, the second copy stalling on the first
// one's stores.
func (e *entry[K, V]) ref(p unsafe.Pointer) unsafe.Pointer {
	switch p {
	case unsafe.Pointer(e):
		return e.first()
	case expunged():
		return nil
	}
	return p
}

// valueAt returns the value that p holds, p having been loaded from e, or
// ok == false if p is expunged; p must not be computing.
func valueAt[K comparable, V any](e *entry[K, V], p unsafe.Pointer, mode valueMode) (value V, ok bool) {
	if p = e.ref(p); p == nil {
		return value, false
	}
	if mode == valuesDirect {
		return directValue[V](p), true
	}
	return *(*V)(p), true
}

// directValue returns the value of a valuesDirect V that p holds: p itself,
// or nil.
func directValue[V any](p unsafe.Pointer) (value V) {
	if p != storedNil() {
		*(*unsafe.Pointer)(unsafe.Pointer(&value)) = p
	}
	return value
}

// load returns e's value, or ok == false if it holds none, unless a
// Compute of its key runs: then it returns busy == true, and the value is
// in the segment's updating list (see Map.loadComputing). It is written out,
// rather than made of ref, to stay cheap enough for the compiler to inline
// into Range's loop, which calls f with the value, on 64-bit platforms
// (TestInlining checks it).
func (e *entry[K, V]) load(mode valueMode) (value V, ok, busy bool) {
	p := atomic.LoadPointer(&e.p)
	if p == unsafe.Pointer(e) { // a first value, in the entry itself
		return *(*V)(e.first()), true, false
	}
	if marked(p) {
		return value, p == storedNil(), p == computing()
	}
	if mode != valuesDirect {
		return *(*V)(p), true, false
	}
	return *(*V)(unsafe.Pointer(&p)), true, false
}

// first returns the address of the first value of e, which must be an
// entryWithValue: with valuesInline, every entry is.
func (e *entry[K, V]) first() unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(e), unsafe.Offsetof(entryWithValue[K, V]{}.first))
}

// trySwap stores value unless the entry is expunged or computing, and
// returns the p it replaced. It reports ok == false, and stores nothing,
// if the entry is either: the caller must take the lock.
func (e *entry[K, V]) trySwap(value V, mode valueMode) (previous unsafe.Pointer, ok bool) {
	var nv unsafe.Pointer
	for {
		p := atomic.LoadPointer(&e.p)
		if p == expunged() || p == computing() {
			return nil, false
		}
		if nv == nil {
			nv = valuePointer(value, mode)
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nv) {
			return p, true
		}
	}
}

// tryCompareAndSwap stores new if the entry holds a value equal to old.
// An expunged entry holds no value, so it never matches. It reports busy,
// having compared nothing, if a Compute of the key runs: the caller must
// wait for it.
func (e *entry[K, V]) tryCompareAndSwap(old, new V, mode valueMode, cmp comparison) (swapped, busy bool) {
	var nv unsafe.Pointer
	for {
		p := atomic.LoadPointer(&e.p)
		if p == computing() {
			return false, true
		}
		if v, ok := valueAt(e, p, mode); !ok || !equal(v, old, cmp) {
			return false, false
		}
		if nv == nil {
			nv = valuePointer(new, mode)
		}
		if atomic.CompareAndSwapPointer(&e.p, p, nv) {
			return true, false
		}
	}
}

// expungeLocked expunges the entry, if it holds a value, and one equal to
// *old if old is not nil, and returns the p it held, taking the key off c;
// ok is false if it did not. The caller holds the lock of the entry's
// segment, has made sure that no Compute of the key runs, and takes the
// entry out of its table if ok is true. Like ==,
// it panics if V is an interface type and the value and *old are of the
// same non-comparable dynamic type.
func (e *entry[K, V]) expungeLocked(old *V, mode valueMode, cmp comparison, c *counter) (previous unsafe.Pointer, ok bool) {
	for {
		p := atomic.LoadPointer(&e.p)
		if p == expunged() {
			return nil, false
		}
		if old != nil {
			if v, _ := valueAt(e, p, mode); !equal(v, *old, cmp) {
				return nil, false
			}
		}
		if atomic.CompareAndSwapPointer(&e.p, p, expunged()) {
			c.add(e.addr(), -1)
			return p, true
		}
	}
}

// isExpunged reports whether the entry is expunged, which it stays.
func (e *entry[K, V]) isExpunged() bool {
	return atomic.LoadPointer(&e.p) == expunged()
}

// isComputing reports whether a Compute of the entry's key runs. With the
// segment's lock held, the answer stays true until the caller lets the
// lock go: only the Compute changes it, with the lock held.
func (e *entry[K, V]) isComputing() bool {
	return atomic.LoadPointer(&e.p) == computing()
}

// A comparison says how CompareAndSwap and CompareAndDelete compare
// values of V. It depends on V alone, and is fixed when a Map makes its
// first directory.
type comparison uint8

const (
	// incomparable: V is not comparable; the methods panic.
	incomparable comparison = iota
	// compareBits: V is a boolean, an integer, a pointer or a channel, for
	// which == compares exactly the bits of the value.
	compareBits
	// compareAny: == on V goes through interfaces, because V is not
	// constrained to be comparable. Like ==, it panics if the dynamic
	// values are of a non-comparable type.
	compareAny
)

func comparisonOf(t reflect.Type) comparison {
	if comparesBits(t) {
		return compareBits
	}
	if t.Comparable() {
		return compareAny
	}
	return incomparable
}

// equal reports whether a == b. Comparing the bits of the values, where
// that is what == does, saves converting them to interfaces.
func equal[V any](a, b V, c comparison) bool {
	if c == compareBits {
		pa, pb := unsafe.Pointer(&a), unsafe.Pointer(&b)
		switch unsafe.Sizeof(a) {
		case 8:
			return *(*uint64)(pa) == *(*uint64)(pb)
		case 4:
			return *(*uint32)(pa) == *(*uint32)(pb)
		case 2:
			return *(*uint16)(pa) == *(*uint16)(pb)
		case 1:
			return *(*uint8)(pa) == *(*uint8)(pb)
		}
	}
	return any(a) == any(b)
}
