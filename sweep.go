// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

// A deleted entry stays in its segment's array, where a store can give it
// a value again without the lock, until the segment is swept: rebuilt into
// a new array, of the same size, without its deleted entries, which it
// expunges, so that the collector can free their keys. A segment is swept
// before a key is added to it, once enough of its entries are deleted (see
// sweepDue); a compute of a deleted key sweeps it too (see Map.reserve),
// and so does every rebuild.
//
// A sweep never empties a slot in place: an array never holds two entries
// of one key, even at different moments, so that a Range that walks it
// meets each key once.

// sweepAt says when a segment is swept: once at least sweepAt.min of its
// entries, and at least 1/sweepAt.share of them all, are deleted. A sweep
// copies the entries that stay, so waiting for a share of them to be
// deleted keeps its cost in proportion to the deletes. sweepAt is read with
// a segment's lock held, and written only by tests (SetSweep in
// export_test.go), while no Map is in use.
var sweepAt = struct{ min, share int }{8, 4}

// sweepDue reports whether s should be swept before a key is added. The
// caller holds s.mu.
func (s *segment[K, V]) sweepDue() bool {
	n := int(s.deleted.Load())
	return n >= sweepAt.min && sweepAt.share*n >= s.used
}

// sweepLocked rebuilds s, whose keys have hash prefix h, in d, into an
// array of the same size without its deleted entries, which it expunges.
// The caller holds s.mu.
func (s *segment[K, V]) sweepLocked(d *directory[K, V], h uint64) {
	live := 0
	for e := range s.arr.full() {
		if !e.tryExpungeLocked() {
			live++
		}
	}
	a := newArray[K, V](len(s.arr))
	s.moveLocked(d, a, nil)
	s.publishLocked(d, h, a, s, 1)
	s.arr, s.used = a, live
	s.deleted.Store(0)
}
