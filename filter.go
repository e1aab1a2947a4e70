// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "sync/atomic"

// A filter sums up the keys that the dirty table holds beyond one read
// map, so that a look-up that misses the read map can tell, without mu,
// that the dirty table cannot hold its key either. It is a one-hash Bloom
// filter: each key sets one bit, chosen by its hash, and a key whose bit is
// clear was never added. Bits are set with mu held, by the call that adds a
// key to the dirty table, before it releases mu; they are read atomically
// by anyone, and never cleared: the promotion that ends the read map's life
// publishes a read map with no filter.
//
// A filter fills up as keys are added; a key that only collides with their
// bits takes mu, as every such look-up did before there were filters, and
// counts as a miss, which brings the next promotion nearer.
type filter struct {
	words []atomic.Uint64
	shift uint // 64 - log2(bits)

	// small holds the words of a filter of minFilterBits, so that the
	// filter of a small map is one allocation, with its read map.
	small [minFilterBits / 64]atomic.Uint64
}

// Filter sizes, in bits. A filter has about as many bits as the read map
// has keys, within these bounds: few enough to be cheap to make on every
// promotion, enough for the keys a dirty table gains before the misses
// that its new keys cause promote it.
const (
	minFilterBits = 1 << 8
	maxFilterBits = 1 << 16
)

// init makes f an empty filter for a read map of readKeys keys.
func (f *filter) init(readKeys int) {
	bits, log := minFilterBits, 8
	for bits < readKeys && bits < maxFilterBits {
		bits, log = 2*bits, log+1
	}
	f.words, f.shift = f.small[:], uint(64-log)
	if bits > minFilterBits {
		f.words = make([]atomic.Uint64, bits/64)
	}
}

// bit returns the bit of hash h. The hash is multiplied first, because the
// table uses its top bits to pick a segment: keys of one segment must not
// all land on a few bits of the filter.
func (f *filter) bit(h uint64) (word int, mask uint64) {
	i := (h * 0x9e3779b97f4a7c15) >> f.shift
	return int(i / 64), 1 << (i % 64)
}

// addLocked records the key of hash h. mu must be held.
func (f *filter) addLocked(h uint64) {
	w, mask := f.bit(h)
	if f.words[w].Load()&mask == 0 {
		f.words[w].Or(mask)
	}
}

// mayHave reports whether the key of hash h may have been added. A false
// result is certain: the key was not added before the call began.
func (f *filter) mayHave(h uint64) bool {
	w, mask := f.bit(h)
	return f.words[w].Load()&mask != 0
}
