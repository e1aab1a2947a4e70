// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "sync/atomic"

// A deleted entry stays in its segment's array, where a store can give it
// a value again without the lock, until the segment is swept: its deleted
// entries are expunged and their slots emptied, in place, so that the
// collector can free their keys. A segment is swept before a key is added
// to it, once enough of its entries are deleted (see sweepDue); a rebuild
// leaves deleted entries out too.

// sweepAt says when a segment is swept: once at least sweepAt.min of its
// entries, and at least 1/sweepAt.share of them all, are deleted. A sweep
// looks at every entry, so waiting for a share of them to be deleted keeps
// its cost in proportion to the deletes. sweepAt is read with a segment's
// lock held, and written only by tests (SetSweep in export_test.go), while
// no Map is in use.
var sweepAt = struct{ min, share int }{1, 4}

// sweepDue reports whether s should be swept before a key is added. The
// caller holds s.mu.
func (s *segment[K, V]) sweepDue() bool {
	n := int(s.deleted.Load())
	return n >= sweepAt.min && sweepAt.share*n >= s.used
}

// sweepLocked expunges the deleted entries of s, and empties their slots.
// d is the directory that holds s. The caller holds s.mu.
func (s *segment[K, V]) sweepLocked(d *directory[K, V]) {
	a := s.arr
	for g := range a {
		grp := &a[g]
		for b := matchFull(atomic.LoadUint64(&grp.ctrl)); b != 0; b = b.rest() {
			if e := grp.slots[b.first()].Load(); e.tryExpungeLocked() {
				s.removeLocked(e, hash(&d.hs, e.key))
			}
		}
	}
	s.deleted.Store(0)
}
