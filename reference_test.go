// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds the property tests: sequences of calls must return the
// same on Map as on the reference maps, whatever its tables do meanwhile.

func TestMatchesReference(t *testing.T) {
	t.Parallel()
	// got applies the calls to a Map of that tuning, checking its tables
	// after each.
	got := func(t *testing.T, tuning syncmap.Tuning) func(calls []mapCall) ([]mapResult, [][2]int) {
		return func(calls []mapCall) ([]mapResult, [][2]int) {
			return applyCalls(t, syncmap.NewTuned[int, int](tuning), calls)
		}
	}
	for _, ref := range implementations[1:] {
		t.Run(ref.name, func(t *testing.T) {
			want := func(calls []mapCall) ([]mapResult, [][2]int) {
				return applyCalls(t, ref.new(), calls)
			}
			if err := quick.CheckEqual(got(t, syncmap.Tuning{}), want, quickConfig(t)); err != nil {
				t.Error(err)
			}
		})
	}
	for _, tv := range tableVariants {
		t.Run(tv.name, func(t *testing.T) {
			want := func(calls []mapCall) ([]mapResult, [][2]int) {
				return applyCalls(t, new(refmap.RWMutexMap[int, int]), calls)
			}
			if err := quick.CheckEqual(got(t, tv.tuning), want, quickConfig(t)); err != nil {
				t.Error(err)
			}
		})
	}
}

// deletedMap returns a map of segments of one group, from which keys were
// deleted, and a reference map of the same contents: it held the keys [0,
// deletedKeys), every fifth of them deleted, and every key of one stretch
// of them, which emptied segments that then merged; then the new keys -1
// to -added were stored. Its segments are of one group.
func deletedMap(t *testing.T, added int) (*syncmap.Map[int, int], *refmap.RWMutexMap[int, int]) {
	t.Helper()
	fill := func(m refmap.Interface[int, int]) {
		for k := range deletedKeys {
			m.Store(k, k)
		}
		for k := 0; k < deletedKeys; k += 5 {
			m.Delete(k)
		}
		for k := deletedKeys / 2; k < deletedKeys*3/4; k++ {
			m.Delete(k)
		}
		for k := -1; k >= -added; k-- {
			m.Store(k, k)
		}
	}
	ref := new(refmap.RWMutexMap[int, int])
	fill(ref)
	m := syncmap.NewTuned[int, int](oneGroup)
	fill(m)
	if segs, _ := syncmap.Segments(m); segs < 10 {
		t.Fatalf("a map of %d keys has %d segments; want at least 10", deletedKeys, segs)
	}
	return m, ref
}

const deletedKeys = 200

// TestCallsAfterDeletes makes each kind of call on each kind of key
// (present, deleted, new) of a map whose segments keys were deleted from,
// and checks its result, then the contents.
func TestCallsAfterDeletes(t *testing.T) {
	t.Parallel()
	step := 3
	if testing.Short() {
		step = 11
	}
	for _, op := range mapOps {
		for _, added := range []int{0, 4, 12} {
			for k := -13; k < deletedKeys+2; k += step {
				m, ref := deletedMap(t, added)
				checkCall(t, fmt.Sprintf("after %d new keys", added), m, ref, mapCall{op: op, k: k, v: k, new: k + 1})
			}
		}
	}
}

// checkCall makes call c on m and on ref, which hold the same keys, and
// checks that it returns the same on both and leaves m's tables sound; then
// stores c's key on both, to check that the call left it storable, and
// compares their contents. what says what was done to the maps before.
func checkCall(t *testing.T, what string, m *syncmap.Map[int, int], ref refmap.Interface[int, int], c mapCall) {
	t.Helper()
	if got, want := c.apply(m), c.apply(ref); !reflect.DeepEqual(got, want) {
		t.Errorf("%s, %v = %+v; want %+v", what, c, got, want)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Fatalf("%s, after %v: %v", what, c, err)
	}
	m.Store(c.k, 100+c.k)
	ref.Store(c.k, 100+c.k)
	if got, want := contents(m), contents(ref); !reflect.DeepEqual(got, want) {
		t.Errorf("%s, after %v and Store(%d, %d), contents = %v; want %v", what, c, c.k, 100+c.k, got, want)
	}
}

// TestCallsDuringSplits makes each kind of call on each key of a map whose
// segments of one group the keys stored so far have split again and
// again, doubling the directory, and checks its result, then the contents.
func TestCallsDuringSplits(t *testing.T) {
	t.Parallel()
	for _, op := range mapOps {
		for _, stored := range []int{5, 6, 7, 13, 29, 60} {
			for k := -2; k < stored+2; k++ {
				m, ref := syncmap.NewTuned[int, int](oneGroup), new(refmap.RWMutexMap[int, int])
				for _, m := range []refmap.Interface[int, int]{m, ref} {
					for k := range stored / 2 {
						m.Store(k, k)
					}
					m.Range(func(int, int) bool { return true })
					for k := stored / 2; k < stored; k++ {
						m.Store(k, k)
					}
				}
				checkCall(t, fmt.Sprintf("with %d keys stored", stored), m, ref, mapCall{op: op, k: k, v: k, new: k + 1})
			}
		}
	}
}
