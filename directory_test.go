// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"testing"

	"github.com/gosyncmap/syncmap"
)

// BenchmarkDoubleDirectory measures the call that doubles a directory of
// 2^16 slots, which locks every segment and copies every slot: the
// longest stall of any call, in proportion to the number of segments. It
// reports the cost per slot of the directory doubled.
func BenchmarkDoubleDirectory(b *testing.B) {
	for _, keys := range []int{1 << 16, 1 << 18} {
		b.Run(fmt.Sprint("keys=", keys), func(b *testing.B) {
			m := syncmap.NewTuned[int, int](oneGroup)
			for k := range keys {
				m.Store(k, k)
			}
			slots := 0
			for b.Loop() {
				slots = syncmap.DoubleDirectoryCost(m)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(slots), "ns/slot")
			b.ReportMetric(float64(slots), "slots")
		})
	}
}
