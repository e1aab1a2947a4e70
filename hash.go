// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"unsafe"
)

// A hasher hashes the keys of one Map. Its seeds are random and its own, so
// that a set of keys found to collide in one Map does not collide in
// another: nobody who cannot read the seeds can make keys collide on
// purpose (hash flooding). A Map's hasher is made with its first directory
// and kept for the Map's life; every directory carries a copy, so that a
// reader needs no other memory to hash a key.
type hasher struct {
	kind  keyKind
	seed0 uint64       // for integer keys
	seed1 uint64       // for integer keys
	seed  maphash.Seed // for all other keys

	// fields are the parts of a kindFields key, in order. Like the rest of
	// the hasher, they are set when it is made and never written again, so
	// the directories' copies share them.
	fields []field

	// test, if not nil, replaces the hash of every key h by test(h); only
	// tests set it, through their Map's tuning.
	test func(h uint64) uint64
}

// keyKind says how a hasher reads a key.
type keyKind uint8

const (
	// kindInteger keys are read as an unsigned integer of their size and
	// hashed by mixInt: integers, booleans, pointers and channels, whose ==
	// compares exactly those bits.
	kindInteger keyKind = iota + 1
	// kindComparable keys are hashed by maphash.Comparable: floats (whose
	// +0 and -0 are equal), arrays and structs that kindFields does not
	// take, and the dynamic values of interfaces that kindInterface does
	// not hash itself.
	kindComparable
	// kindString keys are strings: hashed by maphash.Comparable, which
	// calls the runtime's string hash, with fewer instructions than
	// maphash.String, and compared inline when they are 8 to 16 bytes
	// long (see keysEqual).
	kindString
	// kindInterface keys are interfaces: a key whose dynamic value is a
	// pointer or a channel, as the keys of a cache by reflect.Type are, is
	// hashed as that pointer and its type, inline; any other, as a
	// kindComparable key.
	kindInterface
	// kindFields keys are structs and arrays made of kindInteger values
	// and strings alone, such as a struct of a number and a name: hashed
	// field by field (see hashFields). maphash.Comparable would hash such
	// a key through the runtime, which reads its integers 16 bytes at a
	// time, across fields the caller has just stored 8 bytes at a time: a
	// load that no single store holds waits for the stores to reach the
	// cache, about as long as the rest of the look-up.
	kindFields
	// kindTest keys are hashed as kindComparable keys, then passed through
	// hasher.test.
	kindTest
)

// A field is a part of a kindFields key: an integer of size bytes (1, 2, 4
// or 8) at offset off, or a string if size is 0.
type field struct {
	off  uintptr
	size uintptr
}

// maxFields is the most fields a kindFields key has; a larger key is
// hashed by maphash.Comparable, which hashes its runs of integers at once.
const maxFields = 8

// newHasher returns a hasher for keys of type K, with seeds of its own; if
// test is not nil, it replaces the hash h of every key by test(h).
func newHasher[K comparable](test func(h uint64) uint64) hasher {
	t := reflect.TypeFor[K]()
	h := hasher{
		kind:  kindOf(t),
		seed0: rand.Uint64(),
		seed1: rand.Uint64() | 1,
		seed:  maphash.MakeSeed(),
	}
	if test != nil {
		h.kind, h.test = kindTest, test
	}
	if h.kind == kindFields {
		h.fields, _ = fieldsOf(t, 0, nil)
	}
	return h
}

func kindOf(t reflect.Type) keyKind {
	switch {
	case comparesBits(t):
		return kindInteger
	case t.Kind() == reflect.Interface:
		return kindInterface
	case t.Kind() == reflect.String:
		return kindString
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Array:
		if fields, ok := fieldsOf(t, 0, nil); ok && len(fields) > 0 {
			return kindFields
		}
	}
	return kindComparable
}

// fieldsOf appends to fields the parts of a value of type t at offset off
// that == compares, and reports whether they are all integers (in the
// sense of comparesBits) and strings, and at most maxFields.
func fieldsOf(t reflect.Type, off uintptr, fields []field) ([]field, bool) {
	switch {
	case comparesBits(t):
		fields = append(fields, field{off, t.Size()})
	case t.Kind() == reflect.String:
		fields = append(fields, field{off, 0})
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == "_" {
				continue // == skips blank fields
			}
			var ok bool
			if fields, ok = fieldsOf(f.Type, off+f.Offset, fields); !ok {
				return nil, false
			}
		}
	case t.Kind() == reflect.Array:
		for i := range t.Len() {
			var ok bool
			if fields, ok = fieldsOf(t.Elem(), off+uintptr(i)*t.Elem().Size(), fields); !ok {
				return nil, false
			}
		}
	default:
		return nil, false
	}
	return fields, len(fields) <= maxFields
}

// comparesBits reports whether == on values of type t compares exactly
// their bits, as an unsigned integer of their size: so it does for
// booleans, integers, pointers and channels. Keys of such a type are hashed
// as integers, and values compared as integers.
func comparesBits(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		return true
	}
	return false
}

// hash returns the hash of key. The look-up (directory.find) makes the same
// choice inline for integer, comparable and interface keys, so that hashing
// them costs it no call of its own, and calls hash for the others.
func hash[K comparable](h *hasher, key K) uint64 {
	switch h.kind {
	case kindInteger:
		return hashInteger(h, key)
	case kindComparable, kindString:
		return maphash.Comparable(h.seed, key)
	case kindInterface:
		x, _ := hashInterface(h, key)
		return x
	case kindFields:
		return hashFields(h, key)
	}
	return hashTest(h, key)
}

// hashInterface returns the hash of a key of kind kindInterface, and
// whether its dynamic value is a pointer or a channel. Such a key equals
// exactly the keys of the same dynamic type and the same pointer: those two
// words are hashed as an integer is, and compared as two integers are (see
// keysEqual), where maphash and == would get to them through the runtime's
// hash and equality of an interface, of its dynamic type, and of memory, a
// call after the other. Which way a key goes depends on its dynamic type
// alone, so equal keys are hashed the same way.
func hashInterface[K comparable](h *hasher, key K) (x uint64, direct bool) {
	e := any(key)
	switch reflect.ValueOf(e).Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		w := (*[2]uintptr)(unsafe.Pointer(&e)) // its type and its pointer
		return mixInt(uint64(w[1])^bits.RotateLeft64(uint64(w[0]), 32), h.seed0, h.seed1), true
	}
	return maphash.Comparable(h.seed, key), false
}

// A keyEq says how a look-up compares its key with the keys of a table:
// what the hash of the key found out about it (see directory.hash).
type keyEq uint8

const (
	eqPlain  keyEq = iota // with ==
	eqString              // as strings, with stringsEqual
	eqWords               // as interfaces whose dynamic value is a pointer or a channel
)

// keysEqual reports whether *a == *b, compared as eq says. Two interfaces
// whose dynamic value is a pointer or a channel (see hashInterface) are
// equal exactly when their two words are, the type (or, for an interface
// with methods, the type's unique method table) and the pointer. Strings
// are compared with ==, which stringsEqual, for Load, does faster.
func keysEqual[K comparable](a, b *K, eq keyEq) bool {
	// Only interfaces are two words and compared as such; for any other K
	// the test is false when the function is compiled.
	if unsafe.Sizeof(*a) == 2*unsafe.Sizeof(uintptr(0)) && eq == eqWords {
		return *(*[2]uintptr)(unsafe.Pointer(a)) == *(*[2]uintptr)(unsafe.Pointer(b))
	}
	return *a == *b
}

// hashInteger returns the hash of a key of kind kindInteger.
func hashInteger[K comparable](h *hasher, key K) uint64 {
	return h.integer(unsafe.Pointer(&key), unsafe.Sizeof(key))
}

// integer returns the hash of the key of kind kindInteger at p, of size
// bytes. Unlike hashInteger, it is not generic, so that the look-up that
// inlines it loads nothing to call it with.
func (h *hasher) integer(p unsafe.Pointer, size uintptr) uint64 {
	return mixInt(integerAt(p, size), h.seed0, h.seed1)
}

// hashFields returns the hash of a key of kind kindFields: each integer
// mixed in as an integer key is hashed, each string as maphash hashes it.
// Equal keys have equal fields, and so equal hashes. The fields are read
// from a copy of the key made by this call, with loads of their own size,
// which its stores can pass on to them.
func hashFields[K comparable](h *hasher, key K) uint64 {
	p := unsafe.Pointer(&key)
	var x uint64
	for _, f := range h.fields {
		q := unsafe.Add(p, f.off)
		var w uint64
		switch f.size {
		case 0:
			w = maphash.String(h.seed, *(*string)(q))
		case 1:
			w = uint64(*(*uint8)(q))
		case 2:
			w = uint64(*(*uint16)(q))
		case 4:
			w = uint64(*(*uint32)(q))
		default:
			w = *(*uint64)(q)
		}
		x = mixInt(x^w, h.seed0, h.seed1)
	}
	return x
}

// hashTest returns the hash of a key of kind kindTest.
func hashTest[K comparable](h *hasher, key K) uint64 {
	return h.test(maphash.Comparable(h.seed, key))
}

// mustHash hashes key, only to panic as a Go map does if key cannot be
// hashed (a Map[any, V] given a slice): a Map with no directory yet, which has no
// hasher to look key up with, must still reject such a key.
func mustHash[K comparable](key K) {
	maphash.Comparable(mustHashSeed, key)
}

var mustHashSeed = maphash.MakeSeed()

// integerAt returns the bits of the key of kind kindInteger at p, of size
// bytes, as an unsigned integer of that size. The size is a constant where
// the look-up inlines it, so only one case remains there.
func integerAt(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 8:
		return *(*uint64)(p)
	case 4:
		return uint64(*(*uint32)(p))
	case 2:
		return uint64(*(*uint16)(p))
	}
	return uint64(*(*uint8)(p))
}

// mixInt hashes the integer x in two rounds, each a 128-bit product folded
// by xoring its halves. One round leaves the top bits of the hashes of
// nearby integers in step with each other (they grow with x times the
// seed); the second mixes every bit of the first into all of them, and the
// table takes its segment from the top bits.
func mixInt(x, seed0, seed1 uint64) uint64 {
	hi, lo := bits.Mul64(x^seed0, seed1)
	hi, lo = bits.Mul64(hi^lo, 0x9e3779b97f4a7c15)
	return hi ^ lo
}
