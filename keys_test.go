// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"unsafe"

	"github.com/gosyncmap/syncmap"
)

// This file tests the hashing and comparing of keys of every kind.

// TestMapsDoNotShareSeeds checks that two Maps hash the same keys
// differently, so that keys found to collide in one do not in the other.
func TestMapsDoNotShareSeeds(t *testing.T) {
	var a, b syncmap.Map[int, int]
	a.Store(0, 0)
	b.Store(0, 0)
	var s1, s2 syncmap.Map[string, int]
	s1.Store("", 0)
	s2.Store("", 0)
	for k := range 8 {
		if syncmap.Hash(&a, k) == syncmap.Hash(&b, k) {
			t.Errorf("two Maps hash %d to %#x", k, syncmap.Hash(&a, k))
		}
		if key := fmt.Sprint(k); syncmap.Hash(&s1, key) == syncmap.Hash(&s2, key) {
			t.Errorf("two Maps hash %q to %#x", key, syncmap.Hash(&s1, key))
		}
	}
}

// integer lists the key types that a Map hashes as integers.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// TestEveryBitOfIntegerKeysReachesTheHash checks, for every integer key
// type, that keys which differ in one bit only, at any position, are spread
// over the parts of the table as random keys are: the segment (top bits of
// the hash), the group, and the control byte (low 7 bits). A hash that
// ignored some bits of a key would make all keys that differ only there
// collide in every Map, whatever its seed.
func TestEveryBitOfIntegerKeysReachesTheHash(t *testing.T) {
	t.Parallel()
	testIntegerBits[int](t)
	testIntegerBits[int8](t)
	testIntegerBits[int16](t)
	testIntegerBits[int32](t)
	testIntegerBits[int64](t)
	testIntegerBits[uint](t)
	testIntegerBits[uint8](t)
	testIntegerBits[uint16](t)
	testIntegerBits[uint32](t)
	testIntegerBits[uint64](t)
	testIntegerBits[uintptr](t)
}

func testIntegerBits[K integer](t *testing.T) {
	var m syncmap.Map[K, int]
	m.Store(0, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	bits := 8 * int(unsafe.Sizeof(K(0)))
	// With pairs of keys r and r^bit, a part of p bits of the hash is the
	// same for both with probability 2^-p: 4 of 512 pairs for 7 bits. Half
	// of them would be a sign of a weak hash; all of them, of a bit that
	// does not reach the hash.
	const pairs, limit = 512, 48
	parts := []struct {
		name string
		of   func(h uint64) uint64
	}{
		{"top 8 bits", func(h uint64) uint64 { return h >> 56 }},
		{"bits 7 to 38", func(h uint64) uint64 { return h >> 7 & (1<<32 - 1) }},
		{"low 7 bits", func(h uint64) uint64 { return h & 0x7f }},
	}
	for b := range bits {
		same := make([]int, len(parts))
		for range pairs {
			k := K(rng.Uint64())
			h0, h1 := syncmap.Hash(&m, k), syncmap.Hash(&m, k^K(1)<<b)
			for i, p := range parts {
				if p.of(h0) == p.of(h1) {
					same[i]++
				}
			}
		}
		for i, p := range parts {
			if same[i] > limit {
				t.Errorf("%T keys that differ in bit %d only: %d of %d pairs share the %s of their hash; want few",
					K(0), b, same[i], pairs, p.name)
			}
		}
	}
}

// TestEveryFieldOfStructKeysReachesTheHash is
// TestEveryBitOfIntegerKeysReachesTheHash for struct keys, which are hashed
// field by field: every bit of each integer field, and a string field's
// every byte, must reach every part of the hash.
func TestEveryFieldOfStructKeysReachesTheHash(t *testing.T) {
	t.Parallel()
	type key struct {
		A uint8
		B int16
		C uint32
		D int64
		S string
	}
	var m syncmap.Map[key, int]
	m.Store(key{}, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	random := func() key {
		text := make([]byte, 12)
		rng.Read(text)
		return key{uint8(rng.Uint32()), int16(rng.Uint32()), rng.Uint32(), int64(rng.Uint64()), string(text)}
	}
	flips := []struct {
		field string
		bits  int
		flip  func(k key, b int) key
	}{
		{"A", 8, func(k key, b int) key { k.A ^= 1 << b; return k }},
		{"B", 16, func(k key, b int) key { k.B ^= 1 << b; return k }},
		{"C", 32, func(k key, b int) key { k.C ^= 1 << b; return k }},
		{"D", 64, func(k key, b int) key { k.D ^= 1 << b; return k }},
		{"S", 12 * 8, func(k key, b int) key {
			text := []byte(k.S)
			text[b/8] ^= 1 << (b % 8)
			k.S = string(text)
			return k
		}},
	}
	// As in testIntegerBits: 4 of 512 pairs share 7 bits by chance.
	const pairs, limit = 512, 48
	for _, f := range flips {
		for b := range f.bits {
			same := 0
			for range pairs {
				k := random()
				if syncmap.Hash(&m, k)>>56 == syncmap.Hash(&m, f.flip(k, b))>>56 {
					same++
				}
			}
			if same > limit {
				t.Errorf("keys that differ in bit %d of field %s only: %d of %d pairs share the top 8 bits of their hash; want few",
					b, f.field, same, pairs)
			}
		}
	}
}

// TestStructKeysWithSwappedFieldsDoNotCollide checks that struct keys are
// not hashed by combining their fields first, as xor would: keys that hold
// the same numbers in another order, or the same number in every field,
// must not collide in every Map.
func TestStructKeysWithSwappedFieldsDoNotCollide(t *testing.T) {
	t.Parallel()
	type key struct{ A, B int }
	var m syncmap.Map[key, int]
	m.Store(key{}, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	// As in testIntegerBits: 2 of 512 pairs share 8 bits by chance.
	const pairs, limit = 512, 48
	swapped, equal := 0, 0
	for range pairs {
		a, b := rng.Int(), rng.Int()
		if syncmap.Hash(&m, key{a, b})>>56 == syncmap.Hash(&m, key{b, a})>>56 {
			swapped++
		}
		if syncmap.Hash(&m, key{a, a})>>56 == syncmap.Hash(&m, key{b, b})>>56 {
			equal++
		}
	}
	if swapped > limit {
		t.Errorf("%d of %d pairs of keys {a, b} and {b, a} share the top 8 bits of their hash; want few", swapped, pairs)
	}
	if equal > limit {
		t.Errorf("%d of %d pairs of keys {a, a} and {b, b} share the top 8 bits of their hash; want few", equal, pairs)
	}
}

// TestStructKeys checks keys of struct and array types against a Go map:
// keys hashed field by field (integers and strings), and keys hashed by
// maphash, which hold floats, interfaces or too many fields; among them a
// float field of +0 and of -0, which == finds equal, and a struct that
// differs in a blank field only, which == skips.
func TestStructKeys(t *testing.T) {
	t.Parallel()
	type pair struct {
		ID   int
		Name string
	}
	testKeys(t, func(i int) pair { return pair{i % 7, fmt.Sprint(i / 7)} })
	testKeys(t, func(i int) [3]uint8 { return [3]uint8{uint8(i), uint8(i >> 8), 1} })
	type small struct {
		A int8
		B uint16
		C bool
		D int32
	}
	testKeys(t, func(i int) small { return small{int8(i), uint16(i >> 3), i%2 == 0, int32(i) << 20} })
	testKeys(t, func(i int) [9]int { return [9]int{8: i} })
	type mixed struct {
		F float64
		A any
	}
	testKeys(t, func(i int) mixed { return mixed{float64(i), i % 3} })

	type withFloat struct {
		F float64
		N int
	}
	var m syncmap.Map[withFloat, int]
	m.Store(withFloat{0, 1}, 1)
	if v, ok := m.Load(withFloat{math.Copysign(0, -1), 1}); !ok || v != 1 {
		t.Errorf("Load of a key with a float field of -0 = %v, %v; want the key with +0: 1, true", v, ok)
	}

	type withBlank struct {
		A int
		_ int
		B string
	}
	var mb syncmap.Map[withBlank, int]
	k := withBlank{A: 1, B: "b"}
	mb.Store(k, 1)
	(*[3]int)(unsafe.Pointer(&k))[1] = 7 // the blank field
	if v, ok := mb.Load(k); !ok || v != 1 {
		t.Errorf("Load of a key that differs in a blank field only = %v, %v; want 1, true", v, ok)
	}
}

// testKeys stores the keys key(i), deletes a third of them, and checks
// every key and Len against a Go map.
func testKeys[K comparable](t *testing.T, key func(i int) K) {
	t.Helper()
	const n = 3000
	var m syncmap.Map[K, int]
	want := make(map[K]int)
	for i := range n {
		m.Store(key(i), i)
		want[key(i)] = i
	}
	for i := 0; i < n; i += 3 {
		m.Delete(key(i))
		delete(want, key(i))
	}
	for i := range n + n/2 {
		k := key(i)
		v, ok := m.Load(k)
		if w, wok := want[k]; v != w || ok != wok {
			t.Fatalf("%T: Load(%v) = %v, %v; want %v, %v", k, k, v, ok, w, wok)
		}
	}
	if m.Len() != len(want) {
		t.Fatalf("%T: Len() = %d; want %d", key(0), m.Len(), len(want))
	}
}

// TestInterfaceKeys checks keys of an interface type whose dynamic values
// are of many kinds, against a Go map: pointers, which are hashed and
// compared by their two words, among them two of different types at one
// address, which must not be mistaken for each other; and values of other
// kinds, hashed and compared as Go does, among them a struct that holds a
// pointer, and a nil interface.
func TestInterfaceKeys(t *testing.T) {
	t.Parallel()
	type pair struct{ a, b int }
	p := new(pair)
	c := make(chan int)
	keys := []any{
		p, &p.a, &p.b, new(pair), c, make(chan int), (*int)(nil), (*pair)(nil),
		reflect.TypeFor[int](), reflect.TypeFor[pair](), reflect.TypeFor[*pair](),
		1, int64(1), "1", 1.5, pair{1, 2}, struct{ p *pair }{p}, [2]*int{&p.a}, nil,
		// Integers that Go boxes in an allocation of their own: two
		// interfaces holding one of them point to different copies.
		1000, int64(-1 << 40), uint32(70000), int8(-100) + 0, true,
	}
	var m syncmap.Map[any, int]
	want := make(map[any]int)
	for round := range 3 {
		for i, k := range keys {
			switch (i + round) % 3 {
			case 0:
				m.Store(k, i+round)
				want[k] = i + round
			case 1:
				m.Delete(k)
				delete(want, k)
			case 2:
				v, _ := m.LoadOrStore(k, i)
				if wv, ok := want[k]; ok && v != wv {
					t.Fatalf("LoadOrStore(%v) = %d; want %d", k, v, wv)
				}
				if _, ok := want[k]; !ok {
					want[k] = i
				}
			}
			for _, k := range keys {
				v, ok := m.Load(rebox(k))
				if wv, wok := want[k]; v != wv || ok != wok {
					t.Fatalf("round %d, after key %d: Load(%T %v) = %d, %v; want %d, %v", round, i, k, k, v, ok, wv, wok)
				}
			}
		}
	}
	if n := m.Len(); n != len(want) {
		t.Errorf("Len() = %d; want %d", n, len(want))
	}
	var r syncmap.Map[reflect.Type, int] // an interface with methods
	for i, k := range keys[8:11] {
		r.Store(k.(reflect.Type), i)
	}
	for i, k := range keys[8:11] {
		if v, ok := r.Load(k.(reflect.Type)); !ok || v != i {
			t.Errorf("Load(%v) = %d, %v; want %d, true", k, v, ok, i)
		}
	}
	if _, ok := r.Load(reflect.TypeFor[string]()); ok {
		t.Error("Load of a type never stored found it")
	}
}

// rebox returns k in a new interface value: the dynamic value copied to an
// allocation of its own, unless it is a pointer or a small integer, which
// Go does not copy.
func rebox(k any) any {
	if k == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(k)).Elem()
	v.Set(reflect.ValueOf(k))
	return v.Interface()
}
