// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// Latency of single calls on a large map that keeps growing.

const (
	latencyKeys      = 1 << 20
	latencyPromotion = 10000 // new keys between promotions
)

// StoreLatency times single calls that store new keys into a map of 1<<20
// keys that is promoted every 10,000 new keys, so that the next new key
// needs a new dirty map. It reports the median, the 99.9th percentile and
// the largest of the calls' durations. With readers=concurrent, other
// goroutines Load present keys meanwhile (see startReaders). Each map is
// filled once, and kept from one round of b.N to the next. -benchtime
// 10000x times exactly one promotion's worth.
func StoreLatency(b *testing.B, impls []Impl[int, int]) {
	for _, readers := range []string{"none", "concurrent"} {
		b.Run("readers="+readers, func(b *testing.B) {
			for _, impl := range impls {
				var m refmap.Interface[int, int]
				next := latencyKeys
				b.Run("impl="+impl.Name, func(b *testing.B) {
					skipLargeWrites(b, impl)
					if m == nil {
						m = impl.New()
						for k := range latencyKeys {
							m.Store(k, k)
						}
					}
					stop := startReaders(m, readers == "concurrent")
					defer stop()
					times := make([]time.Duration, b.N)
					b.ResetTimer()
					for i := range b.N {
						if i%latencyPromotion == 0 {
							b.StopTimer()
							m.Range(func(int, int) bool { return false }) // promotes syncmap.Map
							b.StartTimer()
						}
						start := time.Now()
						m.Store(next, next)
						times[i] = time.Since(start)
						next++
					}
					b.StopTimer()
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
					b.ReportMetric(float64(times[len(times)*999/1000].Nanoseconds()), "p99.9-ns")
					b.ReportMetric(float64(times[len(times)-1].Nanoseconds()), "max-ns")
				})
			}
		})
	}
}

// startReaders starts GOMAXPROCS-1 goroutines, or one if GOMAXPROCS is 1,
// that Load present keys of m until stop is called; none if run is false.
// One reader on one P takes turns with the timed calls, so that the
// scheduler's time slices show in every implementation's figures.
func startReaders(m refmap.Interface[int, int], run bool) (stop func()) {
	if !run {
		return func() {}
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	for g := range max(runtime.GOMAXPROCS(0)-1, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 0))
			for !done.Load() {
				for range 64 {
					m.Load(r.IntN(latencyKeys))
				}
			}
		}()
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}
