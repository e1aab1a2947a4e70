// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"runtime"
	"sync/atomic"
)

// cacheLineSize is at least the size of a cache line on every supported
// architecture: 64 bytes on most, 128 on ppc64le and some arm64 cores.
const cacheLineSize = 128

// A counter counts the keys present in one generation of a Map.
//
// Until the generation's first promotion, the read map is empty, so every
// change is made with mu held, and goes to one count. The first promotion
// moves that count onto a set of stripes on separate cache lines, where
// every later change goes, with or without mu. A key's changes all go to
// the stripe its entry's address selects, and a call counts a key before it
// makes the key present, and uncounts it after it makes it absent (see
// entry.p): so every stripe counts at least the keys of its entries that
// are present, whatever the calls in flight, and Len, which reads the
// stripes one by one, counts at least the keys present throughout its
// call. The nil counter is zero.
type counter struct {
	// first is the count until stripes is set, after which it is never
	// written again. It is read by anyone; until then, every change to it
	// is made with mu held, as the read map has no entry to change without
	// mu, so that stripeLocked moves it without losing a change.
	first atomic.Int64

	// stripes is set once, with mu held, at the first promotion: a power of
	// two of stripes, never changed after.
	stripes atomic.Pointer[[]stripe]
}

type stripe struct {
	n atomic.Int64 // read and written only atomically, by any goroutine
	_ [cacheLineSize - 8]byte
}

// add adds delta for the entry at address e.
func (c *counter) add(e uintptr, delta int64) {
	if p := c.stripes.Load(); p != nil {
		stripeOf(*p, e).n.Add(delta)
		return
	}
	c.first.Add(delta)
}

// stripeOf returns the stripe of entry e, by Fibonacci hashing of its
// address.
func stripeOf(s []stripe, e uintptr) *stripe {
	h := uint64(e) * 0x9e3779b97f4a7c15
	return &s[h>>32&uint64(len(s)-1)]
}

// stripeLocked moves the count onto stripes, if it is not there yet. Four
// stripes per P make it unlikely that two cores change keys of one stripe
// at the same time. mu must be held.
func (c *counter) stripeLocked() {
	if c.stripes.Load() != nil {
		return
	}
	n := 1
	for n < 4*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	s := make([]stripe, n)
	s[0].n.Store(c.first.Load())
	c.stripes.Store(&s)
}

func (c *counter) sum() int {
	if c == nil {
		return 0
	}
	p := c.stripes.Load()
	if p == nil {
		// Read after stripes: if they were set meanwhile, first holds the
		// count at that moment, a count from within this call.
		return int(max(c.first.Load(), 0))
	}
	var n int64
	for i := range *p {
		n += (*p)[i].n.Load()
	}
	return int(max(n, 0))
}
