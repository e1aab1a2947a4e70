// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"sync/atomic"
	"unsafe"
)

// Compute, an update of one key that no other write of it overtakes, with
// no lock held while its function runs.
//
// A Compute takes the segment's lock, once no other compute of the key
// runs, and holds the key for itself: if the key is present, it marks the
// key's entry computing, and adds the entry, with what it held, to the
// segment's updating list; if the key is absent, it registers an update
// in the segment's computing map, where LoadOrCompute registers its
// computes. Then it lets the lock go and runs the function. Until it takes
// the lock again to store the result, every write of the key waits:
//
//   - lock-free writers (Swap, CompareAndSwap) find the entry computing,
//     which is not a value they can replace, and take the lock;
//   - every write that takes the lock (a store of an absent key, a
//     delete, a LoadOrCompute, another Compute) finds the entry marked, or
//     the key registered, and waits for the Compute to end.
//
// Readers never wait: a Load that finds the entry computing takes the
// segment's lock, for as long as a look-up in the updating list takes,
// and returns the value from before the Compute; so do a CompareAndSwap or
// CompareAndDelete whose old value is not that value, which change
// nothing. Marking the entry, rather than counting the computes of a
// segment for writers to check, keeps the check off every write that
// meets no Compute: a lock-free writer already compares the entry's state
// with a sentinel, expunged, and computing is another, which no
// compare-and-swap from a value can overtake. The updating list is found
// by the entry, not by the key, so that a Compute of a present key hashes
// nothing into a Go map.
//
// A Clear while the function runs hands the update over to the next
// generation, where readers of the marked entry still find it, but the
// key is absent: the Compute takes effect before the Clear, and whatever
// it stores is cleared.

// A ComputeOp is what [Map.Compute] does once its function returns.
type ComputeOp int

const (
	// CancelOp leaves the key as it was: absent, or with its value. It is
	// the zero ComputeOp, so that a function that returns early without
	// choosing changes nothing.
	CancelOp ComputeOp = iota
	// UpdateOp stores the value that the function returned.
	UpdateOp
	// DeleteOp deletes the key.
	DeleteOp
)

// Compute updates the value of key, or deletes it, or leaves it as it is,
// as f says, given the key's current value: f(old, loaded) is called
// with the value of the key, and loaded == true, if it is present, or
// with the zero value and loaded == false if it is absent, and returns
// the new value and op, what to do with it: [UpdateOp] stores new,
// [DeleteOp] deletes the key, [CancelOp] changes nothing. Compute returns
// the key's value after the call, and ok == true, if the key is present
// then, or the zero value and ok == false if it is not.
//
// f runs exactly once per call, and no other write of the key takes effect
// between the value f is given and the result f returns: concurrent
// Computes of a key run one after another, and so do the Stores, Swaps,
// CompareAndSwaps, deletes, LoadOrStores and LoadOrComputes of the key that
// race with them, each before or after f. f runs with no lock held, so it
// may take as long as it needs, and call any method of the map for other
// keys, or Range over it; calls for other keys never wait for it. Loads of
// the key while f runs return the value from before the call: they take a
// lock of the map for a moment to read it, but do not wait for f. Writes
// of the key wait for f to return, so a call from f that writes the key
// itself, or computes it, waits for itself forever.
//
// A Clear while f runs does not wait for it: the Compute takes effect
// before the Clear, which deletes what it stores.
//
// If f panics, the panic reaches the caller of Compute, the key keeps the
// value it had before the call, and the writes of the key that waited for
// f go on.
//
// Compute panics if f is nil, or if f returns an op that is none of the
// three, leaving the key as it was. The names of the ops and the results
// are those of the Compute of github.com/puzpuzpuz/xsync, so that code
// written for it compiles with Map; xsync's Compute runs f with a lock of
// its map held, Map's with none.
//
// In the terms of the memory model, Compute is a read; and also a write
// when f returns UpdateOp, or DeleteOp for a key that is present.
func (m *Map[K, V]) Compute(key K, f func(old V, loaded bool) (new V, op ComputeOp)) (actual V, ok bool) {
	if f == nil {
		panic("syncmap: Compute called with a nil function")
	}
	d := m.directory()
	h, eq := d.hash(key) // before any lock: it may panic
	u := update[K, V]{key: key, h: h, eq: eq}
	m.beginUpdate(&u)
	var old V
	if u.e != nil {
		old, _ = valueAt(u.e, u.before, d.mode)
	}
	done := false
	defer func() {
		if !done { // f panicked: leave the key as it was, and let the panic go on
			m.endUpdate(&u, old, CancelOp)
		}
	}()
	value, op := f(old, u.e != nil)
	done = true
	if op != CancelOp && op != UpdateOp && op != DeleteOp {
		m.endUpdate(&u, old, CancelOp)
		panic("syncmap: Compute's function returned an unknown ComputeOp")
	}
	return m.endUpdate(&u, value, op)
}

// An update is a Compute of key: its hash, and the marked entry of the
// key, if it was present.
type update[K comparable, V any] struct {
	key K
	h   uint64 // the key's hash
	eq  keyEq  // how to compare keys (see keysEqual)
	markedEntry[K, V]
}

// A markedEntry is an entry marked computing, with what it held when its
// Compute began, which it holds again if the Compute is canceled. The
// key's segment has it in its updating list while the Compute runs.
type markedEntry[K comparable, V any] struct {
	e      *entry[K, V]   // nil if the key was absent
	before unsafe.Pointer // the p that e held
	wait   *computation   // the callers waiting for the Compute, or nil while there are none
}

// beginUpdate reserves u's key for the caller, once no other compute of it
// runs: it marks the key's entry computing, if the key is present, and
// registers the update with the key's segment.
func (m *Map[K, V]) beginUpdate(u *update[K, V]) {
	for {
		wait := m.tryBeginUpdate(u)
		if wait == nil {
			return
		}
		<-wait.done
	}
}

// tryBeginUpdate is one try of beginUpdate, which does nothing but return
// the computation to wait for if another compute of the key runs.
func (m *Map[K, V]) tryBeginUpdate(u *update[K, V]) (wait *computation) {
	_, s := m.lockSegment(u.h)
	defer s.mu.Unlock()
	if len(s.computing) != 0 {
		if _, running := s.computing[u.key]; running {
			// A LoadOrCompute, or a Compute, of the key while it was
			// absent.
			return s.waitLocked(u.key)
		}
	}
	u.e, _, _ = find[K, V](s.tab.first(), u.h, u.key, u.eq)
	switch {
	case u.e != nil && u.e.isComputing():
		return s.waitUpdateLocked(u.e)
	case u.e != nil:
		u.before = u.e.markComputingLocked()
		s.updating = append(s.updating, u.markedEntry)
	case u.key == u.key:
		// A key that is not equal to itself, such as a NaN, is never
		// found, so no other call can wait for it: it runs unregistered,
		// so that computing does not keep it forever.
		s.registerLocked(u.key, reservation{update: true})
	}
	return nil
}

// markComputingLocked marks e, an entry that its segment's table holds,
// computing, and returns the p it held. The caller holds the segment's
// lock, and has made sure that no compute of the key runs: e holds a
// value, which lock-free writers may still replace until it is marked.
func (e *entry[K, V]) markComputingLocked() (before unsafe.Pointer) {
	for {
		p := atomic.LoadPointer(&e.p)
		if atomic.CompareAndSwapPointer(&e.p, p, computing()) {
			return p
		}
	}
}

// updateOf returns the index in s.updating of the update of e, an entry
// of s marked computing. The caller holds s.mu.
func (s *segment[K, V]) updateOf(e *entry[K, V]) int {
	for i := range s.updating {
		if s.updating[i].e == e {
			return i
		}
	}
	panic("syncmap: internal error: an entry marked computing has no update")
}

// waitUpdateLocked returns the computation that the callers waiting for
// the update of e, an entry of s marked computing, share. The caller holds
// s.mu, and waits for done to be closed once it lets it go.
func (s *segment[K, V]) waitUpdateLocked(e *entry[K, V]) *computation {
	u := &s.updating[s.updateOf(e)]
	if u.wait == nil {
		u.wait = &computation{done: make(chan struct{})}
	}
	return u.wait
}

// endUpdateLocked forgets the update of e, an entry of s, and wakes the
// callers waiting for it: they need the segment's lock to look at the key
// again, so they see what the caller stores before letting it go. The
// caller holds s.mu.
func (s *segment[K, V]) endUpdateLocked(e *entry[K, V]) {
	i := s.updateOf(e)
	if w := s.updating[i].wait; w != nil {
		close(w.done)
	}
	last := len(s.updating) - 1
	s.updating[i] = s.updating[last]
	s.updating[last] = markedEntry[K, V]{} // keeps nothing alive
	s.updating = s.updating[:last]
	if last == 0 && cap(s.updating) > computingKept {
		s.updating = nil // as for computing (see unregisterLocked)
	}
}

// endUpdate does what op says with value, for the update u that
// beginUpdate began, ends it, and returns the key's value after it.
func (m *Map[K, V]) endUpdate(u *update[K, V], value V, op ComputeOp) (actual V, ok bool) {
	if u.e == nil {
		if op != UpdateOp {
			m.release(u.key, nil)
			return actual, false
		}
		// Every write of the key waits for this update, so the key is
		// still absent: storeSlow adds it, and releases it.
		m.storeSlow(u.key, u.h, u.eq, value, storeComputed)
		return value, true
	}
	// What the entry will hold: made before the lock is taken, to hold it
	// no longer than it takes to store.
	var p unsafe.Pointer
	switch op {
	case CancelOp:
		p = u.before
	case UpdateOp:
		p = valuePointer(value, m.dir.Load().mode)
	case DeleteOp:
		p = expunged()
	}
	if m.storeUpdate(u, p) {
		m.merge(u.h)
	}
	switch op {
	case CancelOp:
		return valueAt(u.e, u.before, m.dir.Load().mode)
	case UpdateOp:
		return value, true
	}
	return actual, false
}

// storeUpdate takes the lock of u's segment, ends the update, and stores p
// in its entry; if p is expunged, it also takes the entry out of its
// table, and reports whether the segment has become small enough to try
// to merge it with its buddy.
func (m *Map[K, V]) storeUpdate(u *update[K, V], p unsafe.Pointer) (mergeDue bool) {
	d, s := m.lockSegment(u.h)
	defer s.mu.Unlock()
	s.endUpdateLocked(u.e)
	atomic.StorePointer(&u.e.p, p)
	if p != expunged() {
		return false
	}
	// Nothing but a Clear takes the entry out meanwhile: the update then
	// took effect before the Clear, and the entry is no longer in the
	// table.
	if e, g, i := find[K, V](s.tab.first(), u.h, u.key, u.eq); e == u.e {
		d.count.add(e.addr(), -1)
		return s.takeOutLocked(d, u.h, g, i)
	}
	return false
}

// waitCompute waits for the Compute of key, of hash h, to end, if one runs
// and has marked the key's entry.
func (m *Map[K, V]) waitCompute(key K, h uint64) {
	if wait := m.computeToWaitFor(key, h); wait != nil {
		<-wait.done
	}
}

// computeToWaitFor is waitCompute up to the wait, with the segment's lock
// held.
func (m *Map[K, V]) computeToWaitFor(key K, h uint64) *computation {
	d, s := m.lockSegment(h)
	defer s.mu.Unlock()
	if e, _, _ := d.find(key); e != nil && e.isComputing() {
		return s.waitUpdateLocked(e)
	}
	return nil
}
