// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// cacheLine is at least the size of a cache line on every supported
// architecture (128 bytes on ppc64le and some arm64 cores).
const cacheLine = 128

// NewPadded allocates an M on cache lines of its own, so that no object
// written during a benchmark can share one with it: a shared line makes a
// read-only workload pay for every write to its neighbour, and turns results
// two-valued from one run to the next.
func NewPadded[M any]() *M {
	p := new(struct {
		_ [cacheLine]byte
		m M
		_ [cacheLine]byte
	})
	return &p.m
}

// pb hands out iterations to one goroutine of runParallel, as testing.PB
// does for b.RunParallel. testing.PB is a 32-byte object written on every
// Next; it can land on the cache line of a Go map's 32-byte table header,
// which every look-up reads. pb keeps its counters on lines of their own.
//
// pb also numbers the iterations from 0 to b.N-1 across all goroutines
// (see index).
type pb struct {
	_      [cacheLine]byte
	n      int            // number of the current iteration
	end    int            // end of this goroutine's batch of iterations
	total  int            // b.N
	grain  int            // iterations per batch
	procs  int            // goroutines sharing the iterations
	shared *sharedCounter // where the next batch comes from
	_      [cacheLine]byte
}

type sharedCounter struct {
	_    [cacheLine]byte
	next atomic.Int64 // first iteration not yet handed out
	_    [cacheLine]byte
}

// Next reports whether there is another iteration to run.
func (p *pb) Next() bool {
	if p.n++; p.n < p.end {
		return true
	}
	return p.refill()
}

func (p *pb) refill() bool {
	end := int(p.shared.next.Add(int64(p.grain)))
	start := end - p.grain
	if start >= p.total {
		return false
	}
	p.n, p.end = start, min(end, p.total) // the last batch may be short
	return true
}

// index returns the number of the current iteration, in [0, b.N). Like a
// perG's i, it is unique to the iteration; unlike i, it stays below b.N, so
// a workload that needs a new key per iteration can take it from b.N keys
// made in advance.
func (p *pb) index() int { return p.n }

// lag returns how far, in iterations, the other goroutines may be behind
// or ahead of this one while none falls more than a batch of the largest
// size behind the others: such a batch for every goroutine. Batches are
// handed out in order and each goroutine runs its own in order, so while
// the goroutines keep pace, every iteration before index()-lag() has run
// and none from index()+lag() on has started. It counts batches of the
// largest size even when b.N makes them smaller, as the goroutines start
// at different times. A goroutine that the scheduler holds up can fall
// further behind: a workload that relies on lag must tolerate it, rarely.
func (p *pb) lag() int { return p.procs * maxGrain }

// maxGrain is the most iterations in one batch of runParallel.
const maxGrain = 1000

// runParallel runs body on GOMAXPROCS goroutines, which share b.N
// iterations between them, as b.RunParallel does with its default
// parallelism.
func runParallel(b *testing.B, body func(pb *pb)) {
	procs := runtime.GOMAXPROCS(0)
	// Small batches balance the goroutines; large ones keep the shared
	// counter off the hot path.
	grain := max(1, min(maxGrain, b.N/(100*procs)))
	shared := new(sharedCounter)
	var wg sync.WaitGroup
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(&pb{total: b.N, grain: grain, procs: procs, shared: shared})
		}()
	}
	wg.Wait()
}
