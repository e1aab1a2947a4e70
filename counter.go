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

// A counter counts the keys present in one generation of a Map, from its
// creation to the next Clear.
//
// It starts as one count, base, changed by compare-and-swap. The first
// time a compare-and-swap fails, two calls changed it at once: the counter
// then makes stripes, each on a cache line of its own, and every later
// change goes to the stripe that its entry's address selects. A map that
// no two goroutines write at once thus keeps one word for its count, and
// one that many do spreads their writes; stripes come with contention, not
// with the number of cores.
//
// A call counts a key before it makes the key present, and uncounts it
// after it makes it absent (see entry.p). Each cell (base, or a stripe)
// takes a key's changes in the order they were made, so it counts at least
// the keys present of those whose changes it took; Len, which reads the
// cells one by one, thus counts at least the keys present throughout its
// call. A key's changes may start on base and go on on a stripe: base is
// frozen before anyone reads the stripes, so that a reader that sees a
// key's uncount on a stripe sees its count on base too.
type counter struct {
	// base is the count, and the sum of the stripes' counts after it once
	// they exist. Its frozen bit, set once stripes exist and before Len
	// reads them, makes every later compare-and-swap on it fail, so that
	// the changes that come after go to the stripes.
	base atomic.Int64

	// stripes is set once, by the first call whose compare-and-swap on
	// base failed: a power of two of stripes, never changed after.
	stripes atomic.Pointer[[]stripe]
}

// frozen marks base once its count is final. Counts are never negative, so
// the bit is not needed for the count itself.
const frozen = 1 << 62

type stripe struct {
	n atomic.Int64 // read and written only atomically, by any goroutine
	_ [cacheLineSize - 8]byte
}

// add adds delta for the entry at address e.
func (c *counter) add(e uintptr, delta int64) {
	for {
		if p := c.stripes.Load(); p != nil {
			stripeOf(*p, e).n.Add(delta)
			return
		}
		if n := c.base.Load(); n&frozen == 0 && c.base.CompareAndSwap(n, n+delta) {
			return
		}
		c.makeStripes()
	}
}

// stripeOf returns the stripe of entry e, by Fibonacci hashing of its
// address.
func stripeOf(s []stripe, e uintptr) *stripe {
	h := uint64(e) * 0x9e3779b97f4a7c15
	return &s[h>>32&uint64(len(s)-1)]
}

// makeStripes makes the stripes, unless they exist. Four stripes per P
// make it unlikely that two cores change keys of one stripe at once.
func (c *counter) makeStripes() {
	if c.stripes.Load() != nil {
		return
	}
	n := 1
	for n < 4*runtime.GOMAXPROCS(0) && n < 64 {
		n *= 2
	}
	s := make([]stripe, n)
	c.stripes.CompareAndSwap(nil, &s)
}

// freeze sets the frozen bit of base, and returns its count.
func (c *counter) freeze() int64 {
	for {
		n := c.base.Load()
		if n&frozen != 0 || c.base.CompareAndSwap(n, n|frozen) {
			return n &^ frozen
		}
	}
}

// sum returns the count.
func (c *counter) sum() int {
	p := c.stripes.Load()
	if p == nil {
		// Read after stripes: if they were made meanwhile, base holds the
		// count at some moment of this call, as it has every change made
		// before they were; and another Len may have frozen it since.
		return int(max(c.base.Load()&^frozen, 0))
	}
	n := c.freeze()
	for i := range *p {
		n += (*p)[i].n.Load()
	}
	return int(max(n, 0))
}
