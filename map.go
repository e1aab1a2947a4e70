// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"hash/maphash"
	"iter"
	"reflect"
	"sync"
	"sync/atomic"
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
// As with a Go map, every method that takes a key panics if the key cannot
// be hashed (a Map[any, V] given a slice), whatever the map holds, and a
// key that is not equal to itself (a NaN) is never found again once stored.
//
// In the terminology of [the Go memory model], a write operation of Map
// "synchronizes before" every read operation that observes its effect. The
// read and write operations are listed in the package documentation.
//
// [the Go memory model]: https://go.dev/ref/mem
type Map[K comparable, V any] struct {
	// read is the read map: the keys that can be accessed without mu. It is
	// always safe to load, but must only be stored with mu held. A nil read
	// stands for an empty read map that is not amended.
	//
	// The entries of the read map may be updated without mu, but only an
	// entry that is not expunged may be given a value, and an expunged entry
	// may only be revived with mu held, because it is missing from dirty.
	read atomic.Pointer[readOnly[K, V]]

	// Every look-up loads read; every call that takes mu writes it and the
	// fields below. A cache line of its own for read spares the look-ups
	// on other cores a miss after each of those calls.
	_ [cacheLineSize - 8]byte

	mu sync.Mutex // protects every field below, and serializes stores to read

	// dirty holds every key in the map, when it is not nil: the entries of
	// the read map that are not expunged, plus the keys stored since dirty
	// was made. It is nil exactly when the read map is not amended. It
	// shares the read map's segments until it writes to them (see table).
	dirty *table[K, V]

	// misses counts the look-ups that needed mu because the read map lacked
	// the key, since read was last replaced. Once they add up to the size
	// of dirty (see missLocked), dirty is promoted to be the read map.
	misses int

	// hs, mode and cmp are made with the Map's first table, and kept for
	// its life; every read map carries a copy. empty is the table of the
	// read map of a new or cleared Map, also made then: it never has keys,
	// so that read maps after every Clear can share it.
	hs    hasher
	mode  valueMode
	cmp   comparison
	empty *table[K, V]

	// spare is a dirty table of one group that Clear emptied, for the next
	// new key: a map that is cleared and refilled with a few keys again
	// and again then makes no new table each time.
	spare *table[K, V]

	// sweeping is set when a dirty table is made from a read map of which
	// enough entries are deleted (see sweepAt). Each call that takes mu
	// then looks, before releasing it, at the next segment of dirty, and if
	// it holds deleted entries, rebuilds it without them; sweep is the
	// lowest hash whose segment is yet to be looked at. Once every segment
	// has been looked at, dirty is promoted, and the deleted entries of the
	// old read map become garbage, even those of segments that no write
	// reached. Copying a segment for a write leaves its deleted entries in:
	// that spares every write after a promotion a look at a segment's
	// worth of entries, which the sweep takes only where it pays.
	sweeping bool
	sweep    uint64

	// computing has a key for each compute callback of LoadOrCompute or
	// LoadOrTryCompute that is running (see compute.go). Nil until the
	// first call that computes.
	computing map[K]*computation

	// locks counts the acquisitions of mu, for tests (LockCount in
	// export_test.go): the share of calls that take the one lock every
	// writer shares bounds how far the map scales with cores.
	locks uint64
}

// readOnly is a read map: published through Map.read, never written after,
// but for its filter's bits and its counter.
type readOnly[K comparable, V any] struct {
	table[K, V]
	hs   hasher
	mode valueMode
	cmp  comparison

	// filter is not nil exactly when the read map is amended: the dirty
	// table holds keys that the read map lacks. It sums those keys up (see
	// filter), so that a look-up that misses the read map needs mu only if
	// the dirty table may hold its key.
	filter *filter

	// count counts the keys present, for Len. Every read map from the first
	// new key to the next Clear shares one counter; Clear starts the next
	// with a new one, so that calls still working on entries of the cleared
	// map count on the old counter, which nobody reads any more.
	count *counter
}

// mayBeDirty reports whether the dirty table may hold a key of hash h that
// r lacks.
func (r *readOnly[K, V]) mayBeDirty(h uint64) bool {
	return r.filter != nil && r.filter.mayHave(h)
}

// lock acquires mu.
func (m *Map[K, V]) lock() {
	m.mu.Lock()
	m.locks++
}

// unlock releases mu, first taking a step of the sweep if one is under way:
// each call that needs mu pays a bounded share of it.
func (m *Map[K, V]) unlock() {
	if m.sweeping {
		m.sweepLocked()
	}
	m.mu.Unlock()
}

// hashLocked returns the hash of key, making the Map's hasher first if it
// has none yet.
func (m *Map[K, V]) hashLocked(key K) uint64 {
	if m.hs.kind == 0 {
		m.hs = newHasher[K]()
		m.mode = valueModeOf(reflect.TypeFor[V]())
		m.cmp = comparisonOf(reflect.TypeFor[V]())
	}
	return hash(&m.hs, key)
}

// Load returns the value stored in the map for a key, or the zero value if no
// value is present. The ok result indicates whether value was found in the
// map.
func (m *Map[K, V]) Load(key K) (value V, ok bool) {
	r := m.read.Load()
	if r == nil {
		mustHash(key)
		return value, false
	}
	// table.find, written out: Load is the call a cache makes most, and
	// the call to find costs it about a sixth of its instructions.
	var h uint64
	switch r.hs.kind {
	case kindInteger:
		h = mixInt(integerBits(key), r.hs.seed0, r.hs.seed1)
	case kindComparable:
		h = maphash.Comparable(r.hs.seed, key)
	default:
		h = hashTest(&r.hs, key)
	}
	groups := r.slotOf(h).groups
	match := lsbs * h2(h)
	g := groupOf(h, len(groups))
	for range groups {
		grp := at(groups, g)
		for b := matchH2(grp.ctrl, match); b != 0; b = b.rest() {
			if sl := at(grp.slots[:], b.first()); sl.key == key {
				return sl.e.load(r.mode)
			}
		}
		if !overflowed(grp.ctrl) {
			break
		}
		if g++; g == uintptr(len(groups)) {
			g = 0
		}
	}
	if !r.mayBeDirty(h) {
		return value, false
	}
	return m.loadSlow(key)
}

func (m *Map[K, V]) loadSlow(key K) (value V, ok bool) {
	m.lock()
	defer m.unlock()
	if e := m.lookupLocked(key); e != nil {
		return e.load(m.mode)
	}
	return value, false
}

// lookupLocked returns the entry of key from the read map, or failing that
// from the dirty table, counting a miss.
func (m *Map[K, V]) lookupLocked(key K) *entry[V] {
	// The read map may have been replaced while we waited for mu.
	r := m.read.Load()
	if r == nil {
		return nil
	}
	if e, _ := r.find(&m.hs, key); e != nil || r.filter == nil {
		return e
	}
	e, _ := m.dirty.find(&m.hs, key)
	m.missLocked()
	return e
}

// missLocked counts a look-up that had to go to the dirty table, and
// promotes it once the misses add up to its size, or to minMisses if that
// is more: the next new key after a promotion makes a new dirty table,
// which costs a few allocations however small the map, and a map of a few
// keys that come and go would otherwise pay them on every other call.
func (m *Map[K, V]) missLocked() {
	m.misses++
	if m.misses >= max(m.dirty.used, minMisses) {
		m.promoteLocked()
	}
}

const minMisses = 32

// A sweep starts when at least sweepAt.min entries, and at least
// 1/sweepAt.share of them all, are deleted. The sweep ends with a
// promotion, after which the next new key makes a new dirty table: a small
// map whose keys come and go would otherwise pay that every other call, to
// drop an entry or two. sweepAt is read with mu held, and written only by
// tests (SetSweep in export_test.go), while no Map is in use, to reach
// sweeps with few keys.
var sweepAt = struct{ min, share int }{64, 4}

// promoteLocked makes the dirty table the read map's. The read map is then
// complete, and the next new key will make a new dirty table.
func (m *Map[K, V]) promoteLocked() {
	count := m.read.Load().count
	count.stripeLocked() // before any read map with entries is published
	m.read.Store(&readOnly[K, V]{table: *m.dirty, hs: m.hs, mode: m.mode, cmp: m.cmp, count: count})
	m.dirty = nil
	m.misses = 0
	m.sweeping = false
}

// Store sets the value for a key.
func (m *Map[K, V]) Store(key K, value V) {
	_, _ = m.Swap(key, value)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	if r := m.read.Load(); r != nil {
		if e, _ := r.find(&r.hs, key); e != nil {
			if p, ok := e.trySwap(value, r.mode, r.count); ok {
				return valueAt[V](p, r.mode)
			}
		}
	}
	return m.swapSlow(key, value)
}

func (m *Map[K, V]) swapSlow(key K, value V) (previous V, loaded bool) {
	m.lock()
	defer m.unlock()
	h := m.hashLocked(key)
	if e := m.storableEntryLocked(key, h); e != nil {
		p, _ := e.trySwap(value, m.mode, m.read.Load().count)
		return valueAt[V](p, m.mode)
	}
	m.storeNewLocked(key, h, value)
	return previous, false
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if r := m.read.Load(); r != nil {
		if e, _ := r.find(&r.hs, key); e != nil {
			if actual, loaded, ok := e.tryLoadOrStore(value, r.mode, r.count); ok {
				return actual, loaded
			}
		}
	}
	return m.loadOrStoreSlow(key, value)
}

func (m *Map[K, V]) loadOrStoreSlow(key K, value V) (actual V, loaded bool) {
	m.lock()
	defer m.unlock()
	return m.loadOrStoreLocked(key, m.hashLocked(key), value)
}

func (m *Map[K, V]) loadOrStoreLocked(key K, h uint64, value V) (actual V, loaded bool) {
	if e := m.storableEntryLocked(key, h); e != nil {
		actual, loaded, _ = e.tryLoadOrStore(value, m.mode, m.read.Load().count)
		return actual, loaded
	}
	m.storeNewLocked(key, h, value)
	return value, false
}

// storableEntryLocked returns the entry of key, whose hash is h, or nil if
// neither the read map nor the dirty table has one. The entry is not
// expunged, so a value stored in it before mu is released will not be lost.
func (m *Map[K, V]) storableEntryLocked(key K, h uint64) *entry[V] {
	// The read map may have been replaced while we waited for mu.
	r := m.read.Load()
	if r == nil {
		return nil
	}
	if e, _ := r.find(&m.hs, key); e != nil {
		if e.unexpungeLocked() {
			// Only the dirty table expunges entries, so it exists.
			m.dirty.insertLocked(key, h, e, &m.hs)
			m.storedLocked(key) // the caller is about to
		}
		return e
	}
	if r.filter == nil {
		return nil
	}
	if e, _ := m.dirty.find(&m.hs, key); e != nil {
		m.missLocked()
		return e
	}
	return nil
}

// storeNewLocked adds a key that neither the read map nor the dirty table
// has.
func (m *Map[K, V]) storeNewLocked(key K, h uint64, value V) {
	r := m.read.Load()
	if r == nil || r.filter == nil {
		r = m.amendLocked(r)
	}
	e := newEntry(value, m.mode)
	r.count.add(e.addr(), 1) // before the key is present, as entry.p says
	m.dirty.insertLocked(key, h, e, &m.hs)
	r.filter.addLocked(h)
	m.storedLocked(key)
}

// amendLocked makes a dirty table from r, the read map, which is not
// amended, and publishes a copy of r marked amended. A new or cleared Map,
// whose r is nil, gets its first tables and counter here.
func (m *Map[K, V]) amendLocked(r *readOnly[K, V]) *readOnly[K, V] {
	a := new(amendedReadOnly[K, V])
	if r == nil {
		if m.empty == nil {
			m.empty = newTable[K, V](0)
		}
		m.dirty, m.spare = m.spare, nil
		if m.dirty == nil {
			m.dirty = newTable[K, V](1)
		}
		a.read = readOnly[K, V]{table: *m.empty, hs: m.hs, mode: m.mode, cmp: m.cmp, count: &a.count}
	} else {
		m.dirty = r.newDirty()
		if deleted := r.used - r.count.sum(); deleted >= sweepAt.min && sweepAt.share*deleted >= r.used {
			m.sweeping = true
		}
		a.read = readOnly[K, V]{table: r.table, hs: r.hs, mode: r.mode, cmp: r.cmp, count: r.count}
	}
	a.filter.init(a.read.used)
	a.read.filter = &a.filter
	m.read.Store(&a.read)
	return &a.read
}

// amendedReadOnly is an amended read map allocated as one object with its
// filter and, for the first of a new or cleared Map, the counter of all the
// read maps that follow until the next Clear. That keeps Clear followed by
// a new key at a few allocations. The read map, which every look-up reads,
// has cache lines of its own: new keys write the filter's bits, and before
// the first promotion the counter.
type amendedReadOnly[K comparable, V any] struct {
	read   readOnly[K, V]
	_      [cacheLineSize]byte
	filter filter
	count  counter
}

// sweepLocked looks at the next segment of the sweep (see Map.sweeping),
// and promotes dirty once it has looked at them all.
func (m *Map[K, V]) sweepLocked() {
	t := m.dirty
	s := t.segmentOf(m.sweep)
	if s.hasDeleted() {
		t.rebuildLocked(s, m.sweep, &m.hs, true)
		s = t.segmentOf(m.sweep)
	}
	// The segment holds the hashes that begin with its depth bits of
	// sweep: go on from the first hash past them.
	next := (m.sweep>>1>>(63-s.depth) + 1) << 1 << (63 - s.depth)
	if s.depth == 0 || next == 0 {
		m.sweep = 0
		m.promoteLocked()
		return
	}
	m.sweep = next
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	r := m.read.Load()
	if r == nil {
		mustHash(key)
		return value, false
	}
	e, h := r.find(&r.hs, key)
	if e != nil {
		return e.delete(r.mode, r.count)
	}
	if !r.mayBeDirty(h) {
		return value, false
	}
	return m.loadAndDeleteSlow(key)
}

func (m *Map[K, V]) loadAndDeleteSlow(key K) (value V, loaded bool) {
	m.lock()
	defer m.unlock()
	h := m.hashLocked(key)
	// The read map may have been replaced while we waited for mu.
	r := m.read.Load()
	if r == nil {
		return value, false
	}
	e, _ := r.find(&m.hs, key)
	if e == nil && r.filter != nil {
		e, _ = m.dirty.find(&m.hs, key)
		m.missLocked()
		if e != nil && m.dirty != nil {
			// A key that the read map lacks, unless the miss has just
			// promoted the dirty table, can leave it at once: no reader can
			// reach its entry without mu. A promoted entry stays, deleted,
			// so that a store brings the key back without mu.
			m.dirty.removeLocked(key, h)
		}
	}
	if e == nil {
		return value, false
	}
	return e.delete(m.mode, m.read.Load().count)
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
	r := m.read.Load()
	if r == nil {
		mustHash(key)
	}
	if r == nil || r.cmp == incomparable {
		mustBeComparable[V]("CompareAndSwap")
		return false
	}
	e, h := r.find(&r.hs, key)
	if e != nil {
		return e.tryCompareAndSwap(old, new, r.mode, r.cmp)
	}
	if !r.mayBeDirty(h) {
		return false
	}
	return m.compareAndSwapSlow(key, old, new)
}

func (m *Map[K, V]) compareAndSwapSlow(key K, old, new V) (swapped bool) {
	m.lock()
	defer m.unlock()
	if e := m.lookupLocked(key); e != nil {
		return e.tryCompareAndSwap(old, new, m.mode, m.cmp)
	}
	return false
}

// CompareAndDelete deletes the entry for key if its value is equal to old. A
// missing key is never equal to old, even when old is the zero value.
//
// CompareAndDelete compares values with == and panics as
// [Map.CompareAndSwap] does.
func (m *Map[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	r := m.read.Load()
	if r == nil {
		mustHash(key)
	}
	if r == nil || r.cmp == incomparable {
		mustBeComparable[V]("CompareAndDelete")
		return false
	}
	e, h := r.find(&r.hs, key)
	if e != nil {
		return e.compareAndDelete(old, r.mode, r.cmp, r.count)
	}
	if !r.mayBeDirty(h) {
		return false
	}
	return m.compareAndDeleteSlow(key, old)
}

func (m *Map[K, V]) compareAndDeleteSlow(key K, old V) (deleted bool) {
	m.lock()
	defer m.unlock()
	h := m.hashLocked(key)
	// The read map may have been replaced while we waited for mu.
	r := m.read.Load()
	if r == nil {
		return false
	}
	e, _ := r.find(&m.hs, key)
	dirtyOnly := e == nil && r.filter != nil
	if dirtyOnly {
		e, _ = m.dirty.find(&m.hs, key)
		m.missLocked()
		dirtyOnly = m.dirty != nil // not promoted by the miss
	}
	if e == nil {
		return false
	}
	if deleted = e.compareAndDelete(old, m.mode, m.cmp, m.read.Load().count); deleted && dirtyOnly {
		m.dirty.removeLocked(key, h) // as in loadAndDeleteSlow
	}
	return deleted
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
// Range takes time in proportion to the map's table rather than to the
// keys present: it walks every slot, those of deleted keys that no sweep
// has dropped yet included (a map whose keys are deleted and never followed
// by new ones keeps them all). If keys have been stored since the read map
// was last replaced, Range first makes it complete, taking the Map's lock;
// the next new key then copies the table's directory and a segment again,
// so a program that calls Range between each few new keys pays for those
// copies each time. Range returns early if f returns false.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	r := m.read.Load()
	if r == nil {
		return
	}
	if r.filter != nil {
		if r = m.promote(); r == nil {
			return // cleared while promote waited for mu
		}
	}
	// The read map is complete and never changes: walk its segments, each
	// once, though it may fill several slots of the directory.
	for i := 0; i < len(r.dir); {
		s := r.dir[i].seg
		for g := range s.groups {
			grp := &s.groups[g]
			for b := matchFull(grp.ctrl); b != 0; b = b.rest() {
				sl := &grp.slots[b.first()]
				if v, ok := sl.e.load(r.mode); ok && !f(sl.key, v) {
					return
				}
			}
		}
		i += 1 << (r.depth - s.depth)
	}
}

// promote makes the read map complete and returns it, or nil if a Clear
// left no read map. Range walks the whole table anyway, so promoting first
// costs it little more, and lets it iterate without mu.
func (m *Map[K, V]) promote() *readOnly[K, V] {
	m.lock()
	defer m.mu.Unlock()
	// The read map may have been replaced while we waited for mu.
	if r := m.read.Load(); r != nil && r.filter != nil {
		m.promoteLocked()
	}
	return m.read.Load()
}

// Clear deletes all the entries, resulting in an empty Map.
//
// A call that races with Clear takes effect either before it, and is
// cleared, or after it.
func (m *Map[K, V]) Clear() {
	if m.read.Load() == nil {
		return
	}
	m.lock()
	defer m.mu.Unlock()
	m.read.Store(nil)
	if m.dirty != nil && m.dirty.tinyLocked() {
		// No read map has it: keep it for the next new key.
		m.dirty.clearLocked()
		m.spare = m.dirty
	}
	m.dirty = nil
	m.misses = 0
	m.sweeping = false
	m.sweep = 0
	if len(m.computing) == 0 {
		m.computing = nil // a Go map keeps the room of its most keys
	}
}

// Len returns the number of keys in the map. It takes O(1) time and no lock.
//
// Len is exact when no call that adds or deletes keys runs at the same time.
// While such calls run, Len is never less than the number of keys present
// throughout its call, and never more than the number present at some
// moment of it plus the number of those calls: each of them counts its key
// a moment before adding it, and a moment after deleting it.
func (m *Map[K, V]) Len() int {
	r := m.read.Load()
	if r == nil {
		return 0
	}
	return r.count.sum()
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

// mustBeComparable panics, naming the method, if V is not comparable.
// Without it, CompareAndSwap on a missing key would quietly return false for
// a value type that can never be compared.
func mustBeComparable[V any](method string) {
	if t := reflect.TypeOf((*V)(nil)).Elem(); !t.Comparable() {
		panic("syncmap: " + method + " called on a Map whose value type " + t.String() + " is not comparable")
	}
}
