// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// keyWidth is the length of every string key: about that of a short
// identifier, and the same for all keys, so that every key costs the same
// to hash and compare.
const keyWidth = 16

// makeKeys returns n keys, the j-th being key number id(j): for int keys,
// the number itself; for string keys, the number written out to keyWidth
// bytes, as in "key:000000000042"; for reflect.Type keys, struct type
// number id(j) of structTypes; for StructKey keys, the number and its
// string key. The strings share one allocation, laid out in the order of
// the slice, so that reading them in that order streams through memory.
func makeKeys[K comparable](n int, id func(j int) int) []K {
	keys := make([]K, n)
	switch keys := any(keys).(type) {
	case []int:
		for j := range keys {
			keys[j] = id(j)
		}
	case []string:
		text := keyText(n, id)
		for j := range keys {
			keys[j] = text[j*keyWidth : (j+1)*keyWidth]
		}
	case []reflect.Type:
		most := -1
		for j := range keys {
			most = max(most, id(j))
		}
		types := structTypes(most + 1)
		for j := range keys {
			keys[j] = types[id(j)]
		}
	case []StructKey:
		text := keyText(n, id)
		for j := range keys {
			keys[j] = StructKey{ID: id(j), Name: text[j*keyWidth : (j+1)*keyWidth]}
		}
	default:
		panic("makeKeys: unsupported key type")
	}
	return keys
}

// keyText returns the string keys of makeKeys, one after the other.
func keyText(n int, id func(j int) int) string {
	var sb strings.Builder
	sb.Grow(n * keyWidth)
	for j := range n {
		writeKey(&sb, id(j))
	}
	return sb.String()
}

func writeKey(sb *strings.Builder, id int) {
	if id < 0 {
		panic("writeKey: negative key number")
	}
	k := [keyWidth]byte{'k', 'e', 'y', ':'}
	for p := keyWidth - 1; p >= 4; p-- {
		k[p] = byte('0' + id%10)
		id /= 10
	}
	if id != 0 {
		panic("writeKey: key number too large for keyWidth")
	}
	sb.Write(k[:])
}

// growKeys returns keys if it holds at least n keys, and keys numbered 0 to
// n-1 otherwise, so that a workload makes its keys once for all the
// implementations it runs on.
func growKeys[K comparable](keys []K, n int) []K {
	if len(keys) >= n {
		return keys
	}
	return makeKeys[K](n, func(j int) int { return j })
}

// fill stores keys[j] with value j for every j, then warms the map.
func fill[K comparable](m refmap.Interface[K, int], keys []K) {
	fillWith(m, keys, func(j int) int { return j })
}

// fillWith stores keys[j] with value(j) for every j, then warms the map. It
// stores a private copy of each key's string, as a real map holds keys of
// its own: a look-up with the very same string would find its bytes at the
// same address and skip comparing them.
func fillWith[K comparable, V any](m refmap.Interface[K, V], keys []K, value func(j int) V) {
	for j, k := range keys {
		switch s := any(k).(type) {
		case string:
			k = any(strings.Clone(s)).(K)
		case StructKey:
			s.Name = strings.Clone(s.Name)
			k = any(s).(K)
		}
		m.Store(k, value(j))
	}
	warm(m, keys)
}

// warm brings a map into the steady state of a read-mostly cache: enough
// look-ups of its keys to make every map fast for them (for syncmap.Map,
// that promotes the keys to its read map).
func warm[K comparable, V any](m refmap.Interface[K, V], keys []K) {
	for range 2 {
		for _, k := range keys {
			m.Load(k)
		}
	}
}

// prefilled returns a setup that stores the keys 0 to n-1, each with itself
// as its value, and warms the map.
func prefilled(n int) func(*testing.B, refmap.Interface[int, int]) {
	return func(_ *testing.B, m refmap.Interface[int, int]) {
		fill(m, growKeys[int](nil, n))
	}
}

// scramble returns 64 bits made from n that look random, so that a
// workload can pick keys at random from its iteration's number alone,
// without a generator of its own: a multiplicative hash, with the high
// bits folded into the low ones.
func scramble(n int) uint64 {
	x := uint64(n) * 0x9e3779b97f4a7c15
	x ^= x >> 31
	x *= 0xd6e8feb86659fd93
	x ^= x >> 32
	return x
}

// below returns a number in [0, n) made from the high 32 bits of r, for
// n < 1<<32, with a multiplication instead of a division.
func below(r uint64, n int) int {
	return int((r >> 32) * uint64(n) >> 32)
}

// hitOrMiss returns the key for iteration i of a workload on a map holding
// the keys 0 to hits-1, so that hits of every hits+misses keys are present:
// i mod (hits+misses) if that is a present key, and i otherwise, which is
// then a missing key that no other iteration uses.
func hitOrMiss(i, hits, misses int) int {
	if j := i % (hits + misses); j < hits {
		return j
	}
	return i
}
