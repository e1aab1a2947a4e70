// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"iter"
	"math"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Map is like a Go map[K]V but is safe for concurrent use by multiple
// goroutines without additional locking or coordination. Loads, stores and
// deletes run in amortized constant time.
//
// Map is a type-safe counterpart of [sync.Map], with the same methods and the
// same guarantees. Like sync.Map, it is specialized: most code should use a
// plain map with separate locking. It is made for two cases: a key that is
// written once and read many times, as in a cache that only grows, and
// goroutines that read, write and overwrite disjoint sets of keys. In those
// two cases its reads take no lock and write no shared memory.
//
// The zero Map is empty and ready for use. A Map must not be copied after
// first use.
//
// The first value stored for a key shares one allocation with the key's
// entry. When that value is later replaced, it stays reachable until the key
// is deleted and the map has moved past it (see the package documentation).
//
// In the terminology of [the Go memory model], a write operation of Map
// "synchronizes before" every read operation that observes its effect. The
// read and write operations are listed in the package documentation.
//
// [the Go memory model]: https://go.dev/ref/mem
type Map[K comparable, V any] struct {
	// read holds the keys that can be accessed without mu. It is always safe
	// to load, but must only be stored with mu held. A nil read stands for
	// an empty read map that is not amended.
	//
	// The entries of the read map may be updated without mu, but only an
	// entry that is not expunged may be given a value, and an expunged entry
	// may only be revived with mu held, because it is missing from dirty.
	read atomic.Pointer[readOnly[K, V]]

	mu sync.Mutex // protects dirty, build, misses and computing, and serializes stores to read

	// dirty holds every key in the map, when it is not nil: the read map's
	// entries that are not expunged, plus the keys stored since dirty was
	// built. It is nil exactly when the read map is not amended.
	//
	// Promoting dirty to be the read map is a single store, so dirty holds
	// no expunged entries. A key is stored for the first time by adding it
	// to dirty; if dirty is nil, it is first built from the read map, at
	// once if that is small and otherwise step by step (see build).
	dirty map[K]*entry[V]

	// build copies the read map into dirty a step at a time, on the calls
	// that take mu, so that none of them pays for all of it. Nil when dirty
	// is complete or nil. While it is not nil, dirty plus the entries of the
	// read map it has yet to reach hold every key. Guarded by mu.
	build *dirtyBuild[K, V]

	// misses counts the look-ups that needed mu because the read map lacked
	// the key, since read was last replaced. Once they add up to the size of
	// dirty, the cost of building dirty is paid for, and dirty is promoted.
	misses int

	// computing has a key for each LoadOrCompute callback that is running.
	// Its channel is made by the first caller that waits for it, and closed
	// when the callback returns or panics. Guarded by mu; nil until the
	// first LoadOrCompute that computes.
	computing map[K]chan struct{}
}

// readOnly is a read map: published through Map.read, never written after.
type readOnly[K comparable, V any] struct {
	m       map[K]*entry[V]
	amended bool // dirty holds keys that m lacks; dirty != nil

	// count counts the keys present, for Len. Every read map from the first
	// new key to the next Clear shares one counter; Clear starts the next
	// with a new one, so that calls still working on entries of the cleared
	// map count on the old counter, which nobody reads any more. Nil only
	// in the read map of a new or cleared Map, which has no entries.
	count *counter
}

// counted counts, without mu, that the key of e, found in r.m, appeared
// (delta 1) or disappeared (delta -1).
func (r readOnly[K, V]) counted(e *entry[V], delta int64) {
	r.count.add(uintptr(unsafe.Pointer(e)), delta)
}

// countedLocked counts that the key of e appeared or disappeared, with mu
// held and r the current read map.
func (r readOnly[K, V]) countedLocked(e *entry[V], delta int64) {
	r.count.addLocked(uintptr(unsafe.Pointer(e)), delta)
}

// withCounter is the first amended read map of a Map, or of a Map since
// Clear, together with the counter of all the read maps that follow until
// the next Clear. Allocating them as one keeps Clear followed by a new key
// at the allocations it would cost without Len. The read map it holds is
// empty, so keeping it alive for the sake of the counter costs nothing.
type withCounter[K comparable, V any] struct {
	read  readOnly[K, V]
	count counter
}

// loadReadOnly returns the current read map.
func (m *Map[K, V]) loadReadOnly() readOnly[K, V] {
	if p := m.read.Load(); p != nil {
		return *p
	}
	return readOnly[K, V]{}
}

// lock locks mu and, if dirty is being built, takes the next step of the
// build: each call that needs mu pays a bounded share of it.
func (m *Map[K, V]) lock() {
	m.mu.Lock()
	if m.build != nil {
		m.buildLocked(buildStep)
	}
}

// Load returns the value stored in the map for a key, or the zero value if no
// value is present. The ok result indicates whether value was found in the
// map.
func (m *Map[K, V]) Load(key K) (value V, ok bool) {
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		return e.load()
	}
	if !read.amended {
		return value, false
	}
	return m.loadSlow(key)
}

func (m *Map[K, V]) loadSlow(key K) (value V, ok bool) {
	m.lock()
	defer m.mu.Unlock()
	if e, ok := m.lookupLocked(key); ok {
		return e.load()
	}
	return value, false
}

// lookupLocked returns the entry of key from the read map, or failing that
// from the dirty map, counting a miss.
func (m *Map[K, V]) lookupLocked(key K) (e *entry[V], ok bool) {
	// The read map may have been replaced while we waited for mu.
	read := m.loadReadOnly()
	if e, ok = read.m[key]; ok || !read.amended {
		return e, ok
	}
	e, ok = m.dirty[key]
	m.missLocked()
	return e, ok
}

// missLocked counts a look-up that had to go to the dirty map, and promotes
// dirty once the misses have paid for building it.
func (m *Map[K, V]) missLocked() {
	m.misses++
	// A dirty map still being built is not promoted yet. Each miss takes a
	// step of the build, so it ends after about len(read)/buildStep misses:
	// long before they add up to the size of dirty, unless most of read's
	// keys were deleted.
	if m.misses >= len(m.dirty) && m.build == nil {
		m.promoteLocked()
	}
}

// promoteLocked makes the dirty map the read map, finishing its build first
// if need be. The read map is then complete, and the next new key will
// build a new dirty map.
func (m *Map[K, V]) promoteLocked() {
	if m.build != nil {
		m.buildLocked(math.MaxInt)
	}
	count := m.loadReadOnly().count
	count.stripeLocked() // before any read map with entries is published
	m.read.Store(&readOnly[K, V]{m: m.dirty, count: count})
	m.dirty = nil
	m.misses = 0
}

// Store sets the value for a key.
func (m *Map[K, V]) Store(key K, value V) {
	_, _ = m.Swap(key, value)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		if p, ok := e.trySwap(value); ok {
			if p == nil {
				read.counted(e, 1)
			}
			return valueAt[V](p)
		}
	}
	return m.swapSlow(key, value)
}

func (m *Map[K, V]) swapSlow(key K, value V) (previous V, loaded bool) {
	m.lock()
	defer m.mu.Unlock()
	if e := m.storableEntryLocked(key); e != nil {
		p := e.swapLocked(value)
		if p == nil {
			m.loadReadOnly().countedLocked(e, 1)
		}
		return valueAt[V](p)
	}
	m.storeNewLocked(key, value)
	return previous, false
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		if actual, loaded, ok := e.tryLoadOrStore(value); ok {
			if !loaded {
				read.counted(e, 1)
			}
			return actual, loaded
		}
	}
	return m.loadOrStoreSlow(key, value)
}

func (m *Map[K, V]) loadOrStoreSlow(key K, value V) (actual V, loaded bool) {
	m.lock()
	defer m.mu.Unlock()
	return m.loadOrStoreLocked(key, value)
}

func (m *Map[K, V]) loadOrStoreLocked(key K, value V) (actual V, loaded bool) {
	if e := m.storableEntryLocked(key); e != nil {
		actual, loaded, _ = e.tryLoadOrStore(value)
		if !loaded {
			m.loadReadOnly().countedLocked(e, 1)
		}
		return actual, loaded
	}
	m.storeNewLocked(key, value)
	return value, false
}

// storableEntryLocked returns the entry of key, or nil if neither map has
// one. The entry is not expunged, so a value stored in it before mu is
// released will not be lost.
func (m *Map[K, V]) storableEntryLocked(key K) *entry[V] {
	// The read map may have been replaced while we waited for mu.
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		if e.unexpungeLocked() {
			// Only building dirty expunges entries, so dirty is not nil.
			m.dirty[key] = e
		}
		return e
	}
	if e, ok := m.dirty[key]; ok {
		m.missLocked()
		return e
	}
	return nil
}

// storeNewLocked adds a key that neither map has.
func (m *Map[K, V]) storeNewLocked(key K, value V) {
	read := m.loadReadOnly()
	if !read.amended {
		m.startBuildLocked(read.m)
		m.read.Store(read.amendedLocked())
	}
	e := newEntry(value)
	m.dirty[key] = e
	m.loadReadOnly().countedLocked(e, 1)
}

// amendedLocked returns a copy of r marked amended, for a dirty map just
// built. A new or cleared Map gets its counter here.
func (r readOnly[K, V]) amendedLocked() *readOnly[K, V] {
	if r.count == nil {
		first := &withCounter[K, V]{read: readOnly[K, V]{m: r.m, amended: true}}
		first.read.count = &first.count
		return &first.read
	}
	// A new readOnly, not &r: taking r's address would move it to the heap
	// on every call, a second allocation per new key.
	return &readOnly[K, V]{m: r.m, amended: true, count: r.count}
}

// A dirty map is built from a read map of more than buildAtOnce entries in
// steps of buildStep entries: a few hundred microseconds of work at most, on
// a map too large for the caches. A smaller read map is copied at once,
// which is cheaper per entry: its entries are likely in cache, and the dirty
// map is sized for them from the start. Both are read with mu held, and
// written only by tests (SetBuild in export_test.go), while no Map is in
// use, to reach every state of a build with few keys.
var (
	buildAtOnce = 4096
	buildStep   = 128
)

// maxPresize caps the room a dirty map built in steps is made with.
const maxPresize = 1 << 16

// A dirtyBuild walks the read map that the dirty map is being built from.
// That read map stays the current one until the build ends: only a
// promotion, which finishes the build first, a new key on a read map that
// is not amended, which this one is, and Clear, which drops the build,
// replace it.
type dirtyBuild[K comparable, V any] struct {
	iter *reflect.MapIter // resumes where the last step stopped
	key  K                // the current key, copied here by keyv
	keyv reflect.Value    // settable, aliasing key: reading keys allocates nothing
}

// startBuildLocked makes the dirty map for read, a new read map, and starts
// copying read's entries into it, expunging the deleted ones so that they
// stay out of it.
func (m *Map[K, V]) startBuildLocked(read map[K]*entry[V]) {
	if len(read) <= buildAtOnce {
		m.dirty = make(map[K]*entry[V], len(read)+1)
		for k, e := range read {
			if !e.tryExpungeLocked() {
				m.dirty[k] = e
			}
		}
		return
	}
	// Sized for read up to a point: making room for all of a large read
	// map's keys at once would stall this call again. On the machine in the
	// README, make takes 4 ms for 1<<20 keys and 0.15 ms for 1<<16, though
	// page faults on fresh memory can multiply that. Below the cap, sizing
	// saves the rehashing of a growing map: a map of 1<<16 keys built from
	// room for 1<<14 took its cache workload (BenchmarkCacheMix) 10% longer.
	m.dirty = make(map[K]*entry[V], min(len(read), maxPresize))
	m.build = &dirtyBuild[K, V]{iter: reflect.ValueOf(read).MapRange()}
	m.build.keyv = reflect.ValueOf(&m.build.key).Elem()
	m.buildLocked(buildStep)
}

// buildLocked copies up to n more entries of the read map into the dirty
// map, as startBuildLocked does, and ends the build after the last.
func (m *Map[K, V]) buildLocked(n int) {
	b := m.build
	for range n {
		if !b.iter.Next() {
			m.build = nil
			return
		}
		e := (*entry[V])(b.iter.Value().UnsafePointer())
		if !e.tryExpungeLocked() {
			b.keyv.SetIterKey(b.iter)
			m.dirty[b.key] = e
		}
	}
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		value, loaded = e.delete()
		if loaded {
			read.counted(e, -1)
		}
		return value, loaded
	}
	if !read.amended {
		return value, false
	}
	return m.loadAndDeleteSlow(key)
}

func (m *Map[K, V]) loadAndDeleteSlow(key K) (value V, loaded bool) {
	m.lock()
	defer m.mu.Unlock()
	// The read map may have been replaced while we waited for mu.
	read := m.loadReadOnly()
	e, ok := read.m[key]
	if !ok && read.amended {
		e, ok = m.dirty[key]
		// A key that the read map lacks can leave dirty at once: no reader
		// can reach its entry without mu.
		delete(m.dirty, key)
		m.missLocked()
	}
	if !ok {
		return value, false
	}
	value, loaded = e.delete()
	if loaded {
		m.loadReadOnly().countedLocked(e, -1)
	}
	return value, loaded
}

// Delete deletes the value for a key.
func (m *Map[K, V]) Delete(key K) {
	_, _ = m.LoadAndDelete(key)
}

// CompareAndSwap swaps the old and new values for key if the value stored in
// the map is equal to old. A missing key is never equal to old, even when old
// is the zero value.
//
// CompareAndSwap compares values with ==. It panics if V is not a comparable
// type, and, like ==, if V is an interface type and the stored value and old
// are of the same non-comparable dynamic type.
func (m *Map[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	mustBeComparable[V]("CompareAndSwap")
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		return e.tryCompareAndSwap(old, new)
	}
	if !read.amended {
		return false
	}
	return m.compareAndSwapSlow(key, old, new)
}

func (m *Map[K, V]) compareAndSwapSlow(key K, old, new V) (swapped bool) {
	m.lock()
	defer m.mu.Unlock()
	if e, ok := m.lookupLocked(key); ok {
		return e.tryCompareAndSwap(old, new)
	}
	return false
}

// CompareAndDelete deletes the entry for key if its value is equal to old. A
// missing key is never equal to old, even when old is the zero value.
//
// CompareAndDelete compares values with == and panics as
// [Map.CompareAndSwap] does.
func (m *Map[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	mustBeComparable[V]("CompareAndDelete")
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		deleted = e.compareAndDelete(old)
		if deleted {
			read.counted(e, -1)
		}
		return deleted
	}
	if !read.amended {
		return false
	}
	return m.compareAndDeleteSlow(key, old)
}

func (m *Map[K, V]) compareAndDeleteSlow(key K, old V) (deleted bool) {
	m.lock()
	defer m.mu.Unlock()
	if e, ok := m.lookupLocked(key); ok {
		deleted = e.compareAndDelete(old)
		if deleted {
			m.loadReadOnly().countedLocked(e, -1)
		}
		return deleted
	}
	return false
}

// Range calls f sequentially for each key and value present in the map. If f
// returns false, Range stops the iteration.
//
// Range does not necessarily correspond to any consistent snapshot of the
// Map's contents: no key is visited more than once, but if the value for any
// key is stored or deleted concurrently (including by f), Range may reflect
// any mapping for that key from any point during the Range call. Range holds
// no lock while f runs, so f may call any method of the map, Range and Clear
// included, and a panic in f leaves the map usable.
//
// Range is O(n) in the number of keys even if f returns false after a
// constant number of calls.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	read := m.loadReadOnly()
	if read.amended {
		read = m.promote()
	}
	for k, e := range read.m {
		v, ok := e.load()
		if !ok {
			continue
		}
		if !f(k, v) {
			break
		}
	}
}

// promote makes the read map complete and returns it. Range pays O(n)
// anyway, so promoting early costs it nothing and lets it iterate without
// mu.
func (m *Map[K, V]) promote() readOnly[K, V] {
	m.mu.Lock()
	defer m.mu.Unlock()
	// The read map may have been replaced while we waited for mu.
	if m.loadReadOnly().amended {
		m.promoteLocked()
	}
	return m.loadReadOnly()
}

// Clear deletes all the entries, resulting in an empty Map.
//
// A call that races with Clear takes effect either before it, and is
// cleared, or after it.
func (m *Map[K, V]) Clear() {
	read := m.loadReadOnly()
	if len(read.m) == 0 && !read.amended {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.read.Store(nil)
	m.dirty = nil
	m.build = nil
	m.misses = 0
}

// Len returns the number of keys in the map. It takes O(1) time and no lock.
//
// Len is exact when no call that adds or deletes keys runs at the same time.
// While such calls run, Len counts each key as it was at some moment of its
// call: it is at least the number of keys present throughout the call, and
// at most the number present at any time during it.
func (m *Map[K, V]) Len() int {
	return m.loadReadOnly().count.sum()
}

// All returns an iterator over the keys and values in the map, with the
// same guarantees as [Map.Range]: each key is visited at most once, no lock
// is held while the loop body runs, and the body may call any method of the
// map.
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(key K, value V) bool) {
		m.Range(yield)
	}
}

// Keys returns an iterator over the keys in the map, with the same
// guarantees as [Map.Range].
func (m *Map[K, V]) Keys() iter.Seq[K] {
	return func(yield func(key K) bool) {
		m.Range(func(k K, _ V) bool { return yield(k) })
	}
}

// Values returns an iterator over the values in the map, with the same
// guarantees as [Map.Range].
func (m *Map[K, V]) Values() iter.Seq[V] {
	return func(yield func(value V) bool) {
		m.Range(func(_ K, v V) bool { return yield(v) })
	}
}

// LoadOrCompute returns the existing value for the key if present.
// Otherwise, it calls compute, stores its result and returns it. The loaded
// result is true if the value was loaded, false if computed and stored.
//
// For each key, at most one compute runs at a time: callers that find a
// compute running for their key wait for it and then return the value it
// stored, with loaded == true. If another call stores a value for the key
// while compute runs, that value wins: it is returned with loaded == true,
// and compute's result is discarded.
//
// compute runs without any lock held, so it may call any method of the map
// for other keys, and Load or Store for its own key. A LoadOrCompute for the
// same key from inside compute waits for itself forever. If compute panics,
// the panic propagates to the caller, the key stays absent, and callers
// waiting for it try again, one of them computing in its place.
//
// A hit is as fast as [Map.Load] and allocates nothing. In the terms of the
// memory model, LoadOrCompute is a read, and also a write when it stores.
func (m *Map[K, V]) LoadOrCompute(key K, compute func() V) (actual V, loaded bool) {
	read := m.loadReadOnly()
	if e, ok := read.m[key]; ok {
		if v, ok := e.load(); ok {
			return v, true
		}
	}
	return m.loadOrComputeSlow(key, compute)
}

func (m *Map[K, V]) loadOrComputeSlow(key K, compute func() V) (actual V, loaded bool) {
	for {
		m.lock()
		if e, ok := m.lookupLocked(key); ok {
			if v, ok := e.load(); ok {
				m.mu.Unlock()
				return v, true
			}
		}
		done, running := m.computing[key]
		if !running {
			if m.computing == nil {
				m.computing = make(map[K]chan struct{})
			}
			m.computing[key] = nil // running, and nobody waiting yet
			m.mu.Unlock()
			return m.compute(key, compute)
		}
		if done == nil {
			done = make(chan struct{})
			m.computing[key] = done
		}
		m.mu.Unlock()
		// The value is stored by the time done is closed, unless compute
		// panicked or the key was deleted at once: then look again.
		<-done
	}
}

// compute runs the callback for a key reserved for this caller in
// m.computing, stores its result, and releases the key.
func (m *Map[K, V]) compute(key K, compute func() V) (actual V, loaded bool) {
	returned := false
	defer func() {
		if !returned { // compute panicked: release the key and let the panic go on
			m.lock()
			m.releaseLocked(key)
			m.mu.Unlock()
		}
	}()
	value := compute()
	returned = true

	m.lock()
	defer m.mu.Unlock()
	m.releaseLocked(key)
	return m.loadOrStoreLocked(key, value)
}

// releaseLocked ends the computation for key and wakes the callers waiting
// for it. They need mu to look at the map again, so they see what the
// caller stores before releasing mu.
func (m *Map[K, V]) releaseLocked(key K) {
	if done := m.computing[key]; done != nil {
		close(done)
	}
	delete(m.computing, key)
}

// mustBeComparable panics, naming the method, if V is not comparable.
// Without it, CompareAndSwap on a missing key would quietly return false for
// a value type that can never be compared.
func mustBeComparable[V any](method string) {
	if t := reflect.TypeOf((*V)(nil)).Elem(); !t.Comparable() {
		panic("syncmap: " + method + " called on a Map whose value type " + t.String() + " is not comparable")
	}
}

// cacheLineSize is at least the size of a cache line on every supported
// architecture: 64 bytes on most, 128 on ppc64le and some arm64 cores.
const cacheLineSize = 128

// A counter counts the keys present in one generation of a Map.
//
// Until the generation's first promotion, the read map is empty, so every
// change is made with mu held, and goes to a plain count that needs no
// atomic read-modify-write. The first promotion moves that count onto a set
// of stripes on separate cache lines, where every later change goes, with
// or without mu. A key's changes all go to the stripe its entry's address
// selects, so that Len, which reads the stripes one by one, counts each key
// as it was at one moment: a key that is present throughout a call of Len is
// counted, and one that is absent throughout is not. The nil counter is
// zero.
type counter struct {
	// locked is the count until stripes is set. It is written only with mu
	// held, by a load and a store, and read by anyone.
	locked atomic.Int64

	// stripes is set once, with mu held, at the first promotion: a power of
	// two of stripes, never changed after.
	stripes atomic.Pointer[[]stripe]
}

type stripe struct {
	n atomic.Int64 // read and written only atomically, by any goroutine
	_ [cacheLineSize - 8]byte
}

// addLocked adds delta for the entry at address e. mu must be held.
func (c *counter) addLocked(e uintptr, delta int64) {
	if p := c.stripes.Load(); p != nil {
		stripeOf(*p, e).n.Add(delta)
		return
	}
	c.locked.Store(c.locked.Load() + delta)
}

// add adds delta for the entry at address e, without mu. The entry was
// found in a read map with entries, so the stripes are set.
func (c *counter) add(e uintptr, delta int64) {
	stripeOf(*c.stripes.Load(), e).n.Add(delta)
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
	s[0].n.Store(c.locked.Load())
	c.stripes.Store(&s)
}

func (c *counter) sum() int {
	if c == nil {
		return 0
	}
	p := c.stripes.Load()
	if p == nil {
		// Read after stripes: if they were set meanwhile, locked holds the
		// count at that moment, a count from within this call.
		return int(max(c.locked.Load(), 0))
	}
	var n int64
	for i := range *p {
		n += (*p)[i].n.Load()
	}
	return int(max(n, 0))
}
