// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"iter"
	"reflect"
	"sync"
	"sync/atomic"
)

// The design.
//
// A Map is the classic design of sync.Map, made per segment, over a hash
// table of its own whose new keys are published without a lock.
//
// Structures. Map.dir points to the directory of the Map's current
// generation (directory.go): 1<<depth slots, each holding a segment and
// that segment's array, selected by the top bits of a key's hash, as in
// extendible hashing. A segment (segment.go) holds the keys of one hash
// prefix in its array (group.go): groups of seven slots and a control word
// each, a slot pointing to an entry (entry.go) that holds a key and its
// value. The groups of an array are probed from the group that the hash
// selects, and overflow counts end the probe for a missing key at its
// first group, mostly.
//
// Who writes what.
//
//   - Map.dir is stored with Map.mu held: to make the first directory, to
//     double the directory (a new one with twice the slots), and by Clear
//     (a new generation). Doubling and Clear also hold the lock of every
//     segment of the directory they replace, so no segment changes under
//     them; a directory that has been replaced is never written again.
//   - A slot of the directory is stored with the lock of its segment
//     held: to publish a new array of the segment, or the two segments it
//     splits into. A split holds the locks of both halves too, from before
//     the first slot shows one of them until every slot of the segment
//     shows its half: until then, a writer that finds a half must wait,
//     and a Range that meets the old array in a lower slot finds every key
//     of the halves there. A reader needs a slot's array and the array's
//     length together, so the slot counts its writes (see dirSlot).
//   - An array's slots and control words are written only with the lock of
//     its segment held, and only while it is the segment's current array:
//     once replaced, an array is never written again. A slot is written
//     before its control byte says it is full, so a reader that finds the
//     byte finds the entry. A full slot keeps its entry for as long as the
//     array is current: an array never holds two entries of one key, even
//     at different moments, and a Range meets each key once.
//   - An entry's value changes without a lock (see entry.p): a value, nil
//     (deleted) or expunged (deleted and left out of the next array).
//
// The classic design, per segment. The array a reader loads is its read
// snapshot: published through an atomic pointer, read without a lock and
// without writing shared memory; a key present in it stays in it. The keys
// added since it was published are the segment's dirty state: added with
// the segment's lock held, into the array's empty slots, and published
// there with a release store of the control word, so that readers of the
// dirty state never lock either, and new keys need no copy of the
// snapshot. A deleted entry stays in its slot, and a store brings its key
// back without the lock, until the segment is rebuilt without it, and
// expunges it, as the classic dirty map leaves expunged entries out: a
// store must then take the lock, and add a new entry to the new array.
// Promotion is the publication of a rebuilt array: when the segment is
// full, one larger, or two segments; when enough of its entries are
// deleted, one of the same size (a sweep).
//
// What a reader may assume. A key present throughout a look-up is found:
// it is in every array the look-up may load, since an array is replaced
// only by one holding all its live keys, and its probe passes groups whose
// overflow counts include it. A key found may have been deleted or
// replaced since the array was loaded; its entry says, atomically. A
// key missing from an old array was missing, or absent, at some moment of
// the call that loaded it: it was added after the array was replaced, or
// expunged, which only deleted entries are.
//
// Why not two tables. Go 1.23's sync.Map kept new keys in a second map,
// behind its one mutex, until enough look-ups missed the read map to pay
// for copying the dirty map; this package once did so per Map and with a
// table of its own, which made every new key, and every look-up of a key
// newer than the last promotion, take that mutex: a cache that keeps
// growing, whose newest keys are the hottest, did not get faster from one
// core to two. With a second table per segment, readers of fresh keys
// would probe two arrays, or lock, and every promotion would be paid for
// by a copy of the segment at the next new key. A table whose empty slots
// take keys without readers locking needs neither the copy nor the lock:
// no look-up is counted or locks, new keys of different segments do not
// contend, and what is copied, a segment that is full, was paid for by the
// keys that filled it.
//
// The Map's own lock, mu, is taken only to make its first directory, to
// double the directory (once per doubling of the number of segments) and
// by Clear: no Load, store or delete of a Map with a directory takes it.

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
	// dir is the directory of the current generation, or nil before the
	// first store. It is always safe to load, but only stored with mu held
	// (see the design above).
	dir atomic.Pointer[directory[K, V]]

	// mu is the Map's lock, which no ordinary call takes: see the design.
	mu sync.Mutex

	// waiting counts the computations of LoadOrCompute and
	// LoadOrTryCompute that callers wait for (see reserve and revived). It
	// is changed with the lock of the computing key's segment held, and
	// read without it, atomically.
	waiting atomic.Int32

	// locks counts the acquisitions of mu, for tests (LockCount in
	// export_test.go): the share of calls that take the one lock every
	// writer shares bounds how far the map scales with cores. It is read
	// and written with mu held.
	locks uint64
}

// lock acquires mu.
func (m *Map[K, V]) lock() {
	m.mu.Lock()
	m.locks++
}

// directory returns the Map's directory, making the first if it has none.
func (m *Map[K, V]) directory() *directory[K, V] {
	if d := m.dir.Load(); d != nil {
		return d
	}
	m.lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	if d == nil { // still: the check above did not hold mu
		d = firstDirectory[K, V]()
		m.dir.Store(d)
	}
	return d
}

// lockSegment locks the segment of hash h in the Map's current generation,
// which must have a directory, and returns it with the directory that holds
// it. While the caller holds the segment's lock, the segment neither
// splits nor is dropped, and the directory is the Map's current one.
func (m *Map[K, V]) lockSegment(h uint64) (*directory[K, V], *segment[K, V]) {
	for {
		s := m.dir.Load().slotOf(h).seg.Load()
		s.mu.Lock()
		if !s.gone {
			// Doubling and Clear replace the directory holding every
			// segment's lock: with this one held, dir is current.
			return m.dir.Load(), s
		}
		s.mu.Unlock()
	}
}

// double doubles the directory d, if it is still the Map's current one,
// so that a segment of depth d.depth can split.
func (m *Map[K, V]) double(d *directory[K, V]) {
	m.lock()
	defer m.mu.Unlock()
	if m.dir.Load() != d {
		return // doubled or cleared meanwhile
	}
	segs := lockAll(d, nil)
	m.dir.Store(d.doubled())
	for _, s := range segs {
		s.mu.Unlock()
	}
}

// lockAll locks every segment of d, which is the current directory of a
// Map whose lock the caller holds, and returns them in the order of their
// slots, appended to segs.
func lockAll[K comparable, V any](d *directory[K, V], segs []*segment[K, V]) []*segment[K, V] {
	for i := 0; i < len(d.slots); {
		s := d.slots[i].seg.Load()
		s.mu.Lock()
		if s.gone {
			// It split before we locked it: its halves are in the slots.
			s.mu.Unlock()
			continue
		}
		segs = append(segs, s)
		i += 1 << (d.depth - s.depth)
	}
	return segs
}

// Load returns the value stored in the map for a key, or the zero value if no
// value is present. The ok result indicates whether value was found in the
// map.
func (m *Map[K, V]) Load(key K) (value V, ok bool) {
	d := m.dir.Load()
	if d == nil {
		mustHash(key)
		return value, false
	}
	if e, _ := d.find(key); e != nil {
		// Copy the value straight into the result (see entry.ref).
		if p := e.ref(d.mode); p != nil {
			if d.mode == valuesDirect {
				return directValue[V](p), true
			}
			return *(*V)(p), true
		}
	}
	return value, false
}

// Store sets the value for a key.
func (m *Map[K, V]) Store(key K, value V) {
	_, _ = m.Swap(key, value)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	if d := m.dir.Load(); d != nil {
		if e, ds := d.find(key); e != nil {
			if p, ok := e.trySwap(value, d.mode, d.count); ok {
				if p == nil {
					m.revived(ds, key)
				}
				return valueAt[V](p, d.mode)
			}
		}
	}
	return m.storeSlow(key, value, storeSwap)
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	if d := m.dir.Load(); d != nil {
		if e, ds := d.find(key); e != nil {
			if p, ok := e.tryLoadOrStore(value, d.mode, d.count); ok {
				// As in Load: copy a value found straight into the result.
				switch {
				case p == nil:
					m.revived(ds, key)
					return value, false
				case d.mode == valuesDirect:
					return directValue[V](p), true
				default:
					return *(*V)(p), true
				}
			}
		}
	}
	return m.storeSlow(key, value, storeIfAbsent)
}

// A storeKind is what a store does to a key that is present.
type storeKind uint8

const (
	storeSwap     storeKind = iota // replace its value: Store and Swap
	storeIfAbsent                  // keep its value: LoadOrStore
	storeComputed                  // keep its value, and release the key's compute
)

// storeSlow stores value for key, with the lock of its segment held: the
// key has no entry, or its entry was expunged. It returns the key's value
// before the call (storeSwap) or after it (storeIfAbsent, storeComputed),
// if it had one.
func (m *Map[K, V]) storeSlow(key K, value V, kind storeKind) (old V, loaded bool) {
	h := hash(&m.directory().hs, key) // before any lock: it may panic
	var e *entry[K, V]                // the new entry, made once
	for {
		old, loaded, r, d := m.storeLocked(key, h, value, kind, &e)
		switch r {
		case inserted:
			return old, loaded
		case mustDouble:
			m.double(d)
		}
	}
}

// storeLocked is one attempt of storeSlow. It returns mustDouble or split,
// having stored nothing, if the key's segment must split, or has, to make
// room; d is the directory that it found the segment in. *e is the new
// entry, which it makes if it is nil and needed.
func (m *Map[K, V]) storeLocked(key K, h uint64, value V, kind storeKind, e **entry[K, V]) (old V, loaded bool, r insertion, d *directory[K, V]) {
	d, s := m.lockSegment(h)
	defer s.mu.Unlock()
	if found, _ := d.find(key); found != nil {
		// Not expunged: only entries that leave the array are.
		if kind == storeSwap {
			prev, _ := found.trySwap(value, d.mode, d.count)
			old, loaded = valueAt[V](prev, d.mode)
		} else {
			if p, _ := found.tryLoadOrStore(value, d.mode, d.count); p != nil {
				old, loaded = valueAt[V](p, d.mode)
			} else {
				old = value // the value after the call
			}
		}
		if !loaded {
			s.deleted.Add(-1)
		}
	} else {
		if *e == nil {
			*e = newEntry(key, value, d.mode)
		}
		if r = s.insertLocked(d, h, *e); r != inserted {
			return old, false, r, d
		}
		if kind != storeSwap {
			old = value // the value after the call
		}
	}
	if kind == storeComputed {
		m.releaseLocked(s, key, nil)
	}
	if !loaded {
		m.storedLocked(s, key)
	}
	return old, loaded, inserted, d
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	d := m.dir.Load()
	if d == nil {
		mustHash(key)
		return value, false
	}
	if e, ds := d.find(key); e != nil {
		if value, loaded = e.delete(d.mode, d.count); loaded {
			ds.seg.Load().deleted.Add(1)
		}
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
	d := m.dir.Load()
	if d == nil {
		mustHash(key)
	}
	if d == nil || d.cmp == incomparable {
		mustBeComparable[V]("CompareAndSwap")
		return false
	}
	if e, _ := d.find(key); e != nil {
		return e.tryCompareAndSwap(old, new, d.mode, d.cmp)
	}
	return false
}

// CompareAndDelete deletes the entry for key if its value is equal to old. A
// missing key is never equal to old, even when old is the zero value.
//
// CompareAndDelete compares values with == and panics as
// [Map.CompareAndSwap] does.
func (m *Map[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	d := m.dir.Load()
	if d == nil {
		mustHash(key)
	}
	if d == nil || d.cmp == incomparable {
		mustBeComparable[V]("CompareAndDelete")
		return false
	}
	if e, ds := d.find(key); e != nil {
		if deleted = e.compareAndDelete(old, d.mode, d.cmp, d.count); deleted {
			ds.seg.Load().deleted.Add(1)
		}
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
// no lock, so f may call any method of the map, Range and Clear included,
// and a panic in f leaves the map usable.
//
// Range takes time in proportion to the map's table rather than to the
// keys present: it walks every slot, those of deleted keys that no sweep
// has dropped yet included (a map whose keys are deleted and never
// followed by new ones keeps them all). Range returns early if f returns
// false.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	d := m.dir.Load()
	if d == nil {
		return
	}
	// Each array holds the keys of the span of slots of the segment it was
	// made for; walking upwards from the end of that span, Range meets only
	// arrays of keys it has not seen. A split publishes its upper half
	// first, so an old array never shows up above a new half of it. Within
	// an array, a key has one entry, ever (see the design).
	for i := 0; i < len(d.slots); {
		a, depth := d.slots[i].loadArray()
		for e := range a.full() {
			if v, ok := e.load(d.mode); ok && !f(e.key, v) {
				return
			}
		}
		span := 1 << (d.depth - depth)
		i = i&^(span-1) + span
	}
}

// Clear deletes all the entries, resulting in an empty Map.
//
// A call that races with Clear takes effect either before it, and is
// cleared, or after it.
func (m *Map[K, V]) Clear() {
	if m.dir.Load() == nil {
		return
	}
	m.lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	// Holding every segment's lock, Clear keeps writers out while it
	// replaces the generation: none is half way through adding a key.
	var buf [4]*segment[K, V] // the segments of a small map
	segs := lockAll(d, buf[:0])
	next := newDirectory[K, V](d.hs, d.mode, d.cmp)
	first := next.slots[0].seg.Load()
	for _, s := range segs {
		// Computes running for keys of the cleared generation go on, and
		// store into the next one: their callers wait for them there.
		for k, c := range s.computing {
			first.registerLocked(k, c)
		}
		s.dropLocked()
	}
	m.dir.Store(next)
	for _, s := range segs {
		s.mu.Unlock()
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
	d := m.dir.Load()
	if d == nil {
		return 0
	}
	return d.count.sum()
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
