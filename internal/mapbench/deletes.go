// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"fmt"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// A MatchDeleter deletes in one call the keys that del reports true for,
// as xsync's DeleteMatching does. DeleteMatching measures an
// implementation that has such a method with it.
type MatchDeleter[K comparable, V any] interface {
	DeleteMatching(del func(key K, value V) bool)
}

// DeleteMatching measures deleting the keys that match a predicate, as a
// cache drops the entries of a tenant or a stale generation: a Range
// that calls CompareAndDelete for each key of a map of size keys below a
// threshold, a share of them all, or the map's own method for it (see
// MatchDeleter). Each operation is one such pass over a map filled before
// the timer restarts.
func DeleteMatching(b *testing.B, impls Impls) {
	for _, size := range []int{1000, 100_000, 1_000_000} {
		for _, percent := range []int{10, 50, 100} {
			b.Run(fmt.Sprintf("size=%d/deleted=%d%%", size, percent), func(b *testing.B) {
				deleteMatching(b, impls.Int, size, size*percent/100)
			})
		}
	}
}

func deleteMatching(b *testing.B, impls []Impl[int, int], size, below int) {
	checkImpls(b, impls)
	match := func(k, _ int) bool { return k < below }
	for _, impl := range impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			skipLargeWrites(b, impl)
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				m := impl.New()
				for k := range size {
					m.Store(k, k)
				}
				b.StartTimer()
				if md, ok := m.(MatchDeleter[int, int]); ok {
					md.DeleteMatching(match)
					continue
				}
				m.Range(func(k, v int) bool {
					if match(k, v) {
						m.CompareAndDelete(k, v)
					}
					return true
				})
			}
		})
	}
}

// RangeAfterDeletes measures iteration over a map that held 1<<20 keys,
// of which all but 1024 were deleted: each operation is a whole Range,
// which takes time in proportion to what the map holds now, or to what
// it once held. Range measures a map that only ever held 1024 keys.
func RangeAfterDeletes(b *testing.B, impls Impls) {
	const size, left = 1 << 20, 1 << 10
	runBenchmark(b, impls.Int, benchmark[int, int]{
		readOnly:        true,
		skipCopyOnWrite: copyLarge,
		setup: func(_ *testing.B, m refmap.Interface[int, int]) {
			for k := range size {
				m.Store(k, k)
			}
			for k := left; k < size; k++ {
				m.Delete(k)
			}
		},
		perG: func(_ *testing.B, pb *pb, _ int, m refmap.Interface[int, int]) {
			visit := func(int, int) bool { return true }
			for pb.Next() {
				m.Range(visit)
			}
		},
	})
}
