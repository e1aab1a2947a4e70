// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "sync/atomic"

// LoadOrCompute returns the existing value for the key if present.
// Otherwise, it calls compute, stores its result and returns it. The loaded
// result is true if the value was loaded, false if computed and stored.
//
// For each key, at most one compute runs at a time: callers that find a
// compute running for their key wait until the key has a value, stored by
// that compute or by any other call, and return it with loaded == true. If
// another call stores a value for the key while compute runs, that value
// wins: compute's result is discarded, and its caller returns the value
// stored, with loaded == true.
//
// compute runs without any lock held, so it may call any method of the map
// for other keys, and Load or Store for its own key. A LoadOrCompute or a
// Compute of the same key from inside compute waits for itself forever. If
// compute panics, the panic propagates to the caller, the key stays
// absent, and callers waiting for it try again, one of them computing in
// its place. To let a compute fail, see [Map.LoadOrTryCompute].
//
// A key that is not equal to itself, such as a NaN, can never be found
// again, as in a Go map: each LoadOrCompute of it computes, and stores a
// new key.
//
// LoadOrCompute panics if compute is nil. A hit is as fast as [Map.Load]
// and allocates nothing. In the terms of the memory model, LoadOrCompute is
// a read, and also a write when it stores.
func (m *Map[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	if compute == nil {
		panic("syncmap: LoadOrCompute called with a nil compute function")
	}
	if v, ok := m.Load(key); ok {
		return v, true
	}
	actual, loaded, _ = m.loadOrComputeSlow(key, computeFunc[V]{f: compute})
	return actual, loaded
}

// LoadOrTryCompute is like [Map.LoadOrCompute], for a compute that may
// fail. If compute returns an error, nothing is stored, and LoadOrTryCompute
// returns the zero value, loaded == false and the error; unless another
// call stored a value for the key meanwhile, which it then returns, with
// loaded == true and a nil error.
//
// The callers of LoadOrTryCompute that were waiting for that compute get
// its error too, rather than each trying in turn: a failing backend sees one
// call for the key, not one per caller. The next call for the key computes
// again. Callers of LoadOrCompute that were waiting for it cannot return an
// error, so one of them computes in its place.
//
// LoadOrTryCompute panics if compute is nil. A hit is as fast as
// [Map.Load] and allocates nothing. In the terms of the memory model,
// LoadOrTryCompute is a read, and also a write when it stores.
func (m *Map[K, V]) LoadOrTryCompute(key K, compute func() (V, error)) (actual V, loaded bool, err error) {
	if compute == nil {
		panic("syncmap: LoadOrTryCompute called with a nil compute function")
	}
	if v, ok := m.Load(key); ok {
		return v, true, nil
	}
	return m.loadOrComputeSlow(key, computeFunc[V]{tf: compute})
}

// A computeFunc is the callback of LoadOrCompute (f) or of
// LoadOrTryCompute (tf); passing either in one value needs no closure to
// adapt one to the other, and so no allocation.
type computeFunc[V any] struct {
	f  func() V
	tf func() (V, error)
}

func (c computeFunc[V]) call() (V, error) {
	if c.f != nil {
		return c.f(), nil
	}
	return c.tf()
}

// A reservation is an absent key's place in its segment's computing map,
// which has one for each absent key whose compute callback runs: of a
// LoadOrCompute or LoadOrTryCompute, which other writes of the key may
// overtake, or of a Compute, which every write of the key waits for. (A
// Compute of a present key marks its entry instead: see update.go.)
type reservation struct {
	// wait is what the callers waiting for the compute share, or nil while
	// nobody waits, so that an uncontended compute allocates nothing for
	// its reservation.
	wait *computation

	// update is set for a Compute.
	update bool
}

// A computation is what the callers waiting for a compute share.
type computation struct {
	// done is closed when the waiting callers should look at the key again:
	// it has a value, or the compute ended, failed or panicked.
	done chan struct{}

	// err is the error of a failed compute, set with the segment's lock
	// held before done is closed: the waiting callers read it after done is
	// closed.
	err error
}

func (m *Map[K, V]) loadOrComputeSlow(key K, compute computeFunc[V]) (actual V, loaded bool, err error) {
	for {
		v, ok, wait := m.reserve(key)
		switch {
		case ok:
			return v, true, nil
		case wait == nil:
			return m.compute(key, compute)
		}
		<-wait.done
		if wait.err != nil && compute.tf != nil {
			return actual, false, wait.err
		}
		// The key has a value, unless it was deleted at once, or the
		// compute failed, panicked or deleted it: look again.
	}
}

// reserve returns the value of key, if it has one. Otherwise it returns the
// computation of another caller to wait for, or, if nobody computes key,
// reserves its compute for the caller (wait == nil), who must then call
// compute.
func (m *Map[K, V]) reserve(key K) (value V, ok bool, wait *computation) {
	h, _ := m.directory().hash(key) // before any lock: it may panic
	d, s := m.lockSegment(h)
	defer s.mu.Unlock()
	// With the lock held, an entry in the table holds a value (see
	// entry.p), and a key without one can be given one only by a call
	// that takes the lock, and so wakes the callers waiting for this
	// compute (see storedLocked).
	if e, _, _ := d.find(key); e != nil {
		v, _ := s.loadLocked(e, d.mode)
		return v, true, nil
	}
	if _, running := s.computing[key]; running {
		return value, false, s.waitLocked(key)
	}
	// A key that is not equal to itself, such as a NaN, can never be
	// found again, by a waiter or by releaseLocked: its compute runs
	// unregistered, so that computing does not keep it forever.
	if key == key {
		s.registerLocked(key, reservation{})
	}
	return value, false, nil
}

// registerLocked records r as the reservation of key, a key of s. The
// caller holds s.mu.
func (s *segment[K, V]) registerLocked(key K, r reservation) {
	if s.computing == nil {
		s.computing = make(map[K]reservation)
	}
	s.computing[key] = r
	s.computingPeak = max(s.computingPeak, len(s.computing))
}

// waitLocked returns the computation that the callers waiting for the
// compute of key, a key of s that has a reservation, share. The caller
// holds s.mu, and waits for done to be closed once it lets it go.
func (s *segment[K, V]) waitLocked(key K) *computation {
	r := s.computing[key]
	if r.wait == nil {
		r.wait = &computation{done: make(chan struct{})}
		s.computing[key] = r
	}
	return r.wait
}

// unregisterLocked forgets the reservation of key, a key of s. The caller
// holds s.mu.
func (s *segment[K, V]) unregisterLocked(key K) {
	delete(s.computing, key)
	// A Go map keeps the room it grew to: let a large one go once the
	// computes it tracked are over. A small one is kept, so that a
	// segment whose keys are computed one at a time allocates nothing for
	// it again.
	if len(s.computing) == 0 && s.computingPeak > computingKept {
		s.computing, s.computingPeak = nil, 0
	}
}

// computingKept is the most keys a segment's computing map may have held
// for it to be kept once empty: as many as a Go map holds in its first
// allocation.
const computingKept = 8

// handOverLocked registers the reservations and updates of s, which is
// being replaced, with dst(key), the segment that takes each key. The
// caller holds the locks of s and of the segments dst returns.
func (s *segment[K, V]) handOverLocked(dst func(key K) *segment[K, V]) {
	for k, r := range s.computing {
		dst(k).registerLocked(k, r)
	}
	for _, u := range s.updating {
		t := dst(u.e.key)
		t.updating = append(t.updating, u)
	}
}

// storedLocked wakes the callers waiting for a LoadOrCompute of key, a key
// of s, which a call other than the compute has just given a value. The
// compute goes on, with nobody waiting for it. The caller holds s.mu.
func (s *segment[K, V]) storedLocked(key K) {
	if len(s.computing) == 0 {
		return
	}
	if r := s.computing[key]; r.wait != nil {
		close(r.wait.done)
		r.wait = nil
		s.computing[key] = r
	}
}

// loadLocked returns the value of e, an entry of s, or ok == false if it
// holds none: if a Compute of its key runs, the value from before it.
// The caller holds s.mu.
func (s *segment[K, V]) loadLocked(e *entry[K, V], mode valueMode) (value V, ok bool) {
	p := atomic.LoadPointer(&e.p)
	if p == computing() {
		p = s.updating[s.updateOf(e)].before
	}
	return valueAt(e, p, mode)
}

// compute runs the callback for a key reserved for this caller (see
// reserve), stores its result, and releases the key.
func (m *Map[K, V]) compute(key K, compute computeFunc[V]) (actual V, loaded bool, err error) {
	returned := false
	defer func() {
		if !returned { // compute panicked: release the key and let the panic go on
			m.release(key, nil)
		}
	}()
	value, err := compute.call()
	returned = true
	if err != nil {
		return m.release(key, err)
	}
	h, eq := m.dir.Load().hash(key)
	actual, loaded = m.storeSlow(key, h, eq, value, storeComputed)
	return actual, loaded, nil
}

// release releases key, whose compute failed with err, or panicked (err ==
// nil), and returns the value that another call stored for the key
// meanwhile, if any, or err: a value stored meanwhile wins over an error,
// as over a computed value.
func (m *Map[K, V]) release(key K, err error) (actual V, loaded bool, _ error) {
	d, s := m.lockSegment(hash(&m.dir.Load().hs, key))
	defer s.mu.Unlock()
	s.releaseLocked(key, err)
	if e, _, _ := d.find(key); e != nil {
		if v, ok := s.loadLocked(e, d.mode); ok {
			return v, true, nil
		}
	}
	return actual, false, err
}

// releaseLocked ends the compute for key, a key of s, which returned err,
// and wakes the callers waiting for it. They need the segment's lock to
// look at the map again, so they see what the caller stores before
// releasing it. The caller holds s.mu.
func (s *segment[K, V]) releaseLocked(key K, err error) {
	if r := s.computing[key]; r.wait != nil {
		r.wait.err = err
		close(r.wait.done)
	}
	s.unregisterLocked(key)
}
