// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"reflect"
	"testing"
)

// TestKindOf pins the way each kind of key is hashed, so that the tests of
// keys of each kind (TestStructKeys among them) are known to run the path
// they are meant for.
func TestKindOf(t *testing.T) {
	type pair struct {
		ID   int
		Name string
	}
	for _, c := range []struct {
		t    reflect.Type
		want keyKind
	}{
		{reflect.TypeFor[int](), kindInteger},
		{reflect.TypeFor[*int](), kindInteger},
		{reflect.TypeFor[string](), kindString},
		{reflect.TypeFor[float64](), kindComparable},
		{reflect.TypeFor[any](), kindInterface},
		{reflect.TypeFor[reflect.Type](), kindInterface},
		{reflect.TypeFor[pair](), kindFields},
		{reflect.TypeFor[[2]pair](), kindFields},
		{reflect.TypeFor[[3]uint8](), kindFields},
		{reflect.TypeFor[struct {
			A int8
			_ int64
			B [2]uint16
		}](), kindFields},
		{reflect.TypeFor[struct{}](), kindComparable},            // no fields
		{reflect.TypeFor[[8]int](), kindFields},                  // maxFields
		{reflect.TypeFor[[9]int](), kindComparable},              // more than maxFields
		{reflect.TypeFor[struct{ F float64 }](), kindComparable}, // == is not bitwise
		{reflect.TypeFor[struct{ A any }](), kindComparable},
		{reflect.TypeFor[[2]complex64](), kindComparable},
	} {
		if got := kindOf(c.t); got != c.want {
			t.Errorf("kindOf(%v) = %d; want %d", c.t, got, c.want)
		}
	}
}

// TestFieldsOf checks the parts of a kindFields key: blank fields, which
// == skips, are left out, and nested structs and arrays are flattened.
func TestFieldsOf(t *testing.T) {
	type inner struct {
		S string
		B bool
	}
	type key struct {
		A int8
		_ int64
		C [2]inner
		P *int
	}
	got, ok := fieldsOf(reflect.TypeFor[key](), 0, nil)
	want := []field{{0, 1}, {16, 0}, {32, 1}, {40, 0}, {56, 1}, {64, 8}}
	if reflect.TypeFor[uintptr]().Size() == 4 {
		want = []field{{0, 1}, {12, 0}, {20, 1}, {24, 0}, {32, 1}, {36, 4}}
	}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("fieldsOf(key) = %v, %v; want %v, true", got, ok, want)
	}
}

// TestStringsEqual compares strings of every length up to 40 bytes, at
// every alignment, with copies of themselves and with strings that differ
// in one byte at each position: stringsEqual reads them 8 bytes at a time
// where it can, from any address, the last 8 bytes overlapping the ones
// before.
func TestStringsEqual(t *testing.T) {
	buf := make([]byte, 64)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	for n := range 41 {
		for off := range 8 {
			a := string(buf[off : off+n])
			b := string([]byte(a)) // a copy, at another address
			if !stringsEqual(a, b) {
				t.Fatalf("stringsEqual(%q, a copy) = false", a)
			}
			for i := range n {
				c := []byte(a)
				c[i] ^= 0x40
				if stringsEqual(a, string(c)) {
					t.Fatalf("stringsEqual(%q, %q) = true", a, c)
				}
			}
			if n > 0 && stringsEqual(a, a[:n-1]) {
				t.Fatalf("stringsEqual(%q, %q) = true", a, a[:n-1])
			}
		}
	}
}
