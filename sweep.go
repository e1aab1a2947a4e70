// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "slices"

// A deleted entry stays in its segment's array, where a store can give it
// a value again without the lock, until the segment is swept: copied into
// a new array without its deleted entries, which it expunges, so that the
// collector can free their keys. A segment is swept before a key is added
// to it, once enough of its entries are deleted (see sweepDue), and so is
// every rebuild.
//
// A sweep never empties a slot of a published array: an array never holds
// two entries of one key, even at different moments, so that a Range that
// walks it meets each key once.

// sweepAt says when a segment is swept: once at least sweepAt.min of its
// entries, and at least 1/sweepAt.share of them all, are deleted. A sweep
// copies the array, so waiting for a share of its entries to be deleted
// keeps its cost in proportion to the deletes. sweepAt is read with
// a segment's lock held, and written only by tests (SetSweep in
// export_test.go), while no Map is in use.
var sweepAt = struct{ min, share int }{8, 4}

// sweepDue reports whether s should be swept before a key is added. The
// caller holds s.mu.
func (s *segment[K, V]) sweepDue() bool {
	n := int(s.deleted.Load())
	return n >= sweepAt.min && sweepAt.share*n >= s.used
}

// sweepLocked rebuilds s, whose keys have hash prefix h, in d, into a copy
// of its array without its deleted entries, which it expunges. The entries
// that stay keep their slots, so only the deleted ones are hashed. The
// caller holds s.mu.
func (s *segment[K, V]) sweepLocked(d *directory[K, V], h uint64) {
	a := slices.Clone(s.arr) // readers only read s.arr: plain loads suffice
	for g := range a {
		grp := &a[g]
		for b := matchFull(grp.ctrl); b != 0; b = b.rest() {
			i := b.first()
			if e := grp.slots[i].Load(); e.tryExpungeLocked() {
				a.removeUnpublished(uintptr(g), i, hash(&d.hs, e.key))
				s.used--
			}
		}
	}
	s.publishLocked(d, h, a, s, 1)
	s.arr = a
	s.deleted.Store(0)
}
