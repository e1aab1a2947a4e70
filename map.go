// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"hash/maphash"
	"iter"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The design.
//
// A Map is the classic design of sync.Map, made per segment, over a hash
// table of its own whose new keys are published without a lock.
//
// Structures, from the Map down:
//
//	Map.dir ──> directory: 1<<depth slots, chosen by the top bits of a hash
//	              slot ──> segment (its lock, its keys' bookkeeping)
//	                  └──> table: header, then groups of 7 slots
//	                                slot ──> entry {p, key}
//	                                           p ──> value
//
// Glossary.
//
//   - global depth: the depth of the directory, which has 1<<depth slots;
//     local depth: the depth of a segment, the number of bits of hash its
//     keys share (directory.go). A segment of local depth d fills the
//     1<<(global-d) slots of its prefix: its span.
//   - table: a segment's groups, behind a header that holds their number
//     (group.go); group: a control word and 7 slots of entries; home: the
//     group where the probe for a hash starts.
//   - entry: a key and its value pointer p (entry.go). A key is present
//     when its entry holds a value, absent otherwise; expunged: the entry
//     of a deleted key, which has left the table, or is leaving it, and
//     holds the expunged sentinel for ever.
//   - buddy: the segment of the same local depth whose prefix differs in
//     the last bit; two buddies merge into one segment (shrink.go), as a
//     segment splits into two (segment.go).
//   - generation: the keys from the Map's first store, or from a Clear, to
//     the next Clear, which makes a new directory.
//
// Who writes what.
//
//   - Map.dir is stored with Map.mu held: to make the first directory, to
//     double or halve the directory, and by Clear (a new generation). All
//     of them also hold the lock of every segment of the directory they
//     replace, so no segment changes under them; a directory that has
//     been replaced is never written again.
//   - A slot of the directory is stored with the lock of its segment held,
//     to publish a new table of the segment, or the segments it splits
//     into, or merges into. A split or a merge holds the locks of the new
//     segments too, from before the first slot shows one of them until
//     every slot shows the segment it should: until then, a writer that
//     finds a new segment waits.
//   - A table's slots and control words are written only with the lock of
//     its segment held, and only while it is the segment's current table:
//     once replaced, a table is never written again. A slot is written
//     before its control byte says it is full, so a reader that finds the
//     byte finds the entry. A table holds at most one entry for a key at
//     a time.
//   - An entry's value changes without a lock, from one value to another;
//     it is expunged, as it leaves the table, and marked computing while
//     a Compute of its key runs, with its segment's lock held (see
//     entry.p and update.go).
//
// The classic design, per segment. The table a reader loads is its read
// snapshot: published through an atomic pointer, read without a lock and
// without writing shared memory. The keys added since it was published
// are the segment's dirty state: added with the segment's lock held, into
// the table's empty slots, and published there with a release store of
// the control word, so that readers of the dirty state never lock either,
// and new keys need no copy of the snapshot. Where the classic design
// marks a deleted entry without a lock and takes it out at the next
// promotion, a delete here expunges the entry and takes it out of the
// table at once, with the segment's lock held, so that the key and its
// value are unreachable once the call returns: it takes the lock anyway,
// so marking first would only add a compare-and-swap, and a state that
// every store and rebuild would have to handle. A delete of a missing
// key, like a look-up, takes no lock. Promotion is the publication of a
// rebuilt table: when the segment is full, one larger, or two segments;
// when it is sparse, one smaller, or, with its buddy, one segment.
//
// What a reader may assume. A key present throughout a look-up is found:
// it is in every table the look-up may load, since a table is replaced
// only by one holding all its keys, and its probe passes groups whose
// overflow counts include it. A key found may have been deleted or
// replaced since the table was loaded; its entry says, atomically. A key
// missing from an old table was absent at some moment of the call that
// loaded it.
//
// The read path. Load probes the key's home group itself, and calls the
// general probe, find, only when that group overflowed: most keys sit in
// their home group, and a miss ends there unless it overflowed. From the
// Map to the value, a hit follows five pointers: the directory, the slot's
// table, the group's slot, the entry, and, for a value that is not held
// in the entry, the value. The table's header, where its size is, shares
// the allocation of its groups; a first value that holds no pointers
// shares its entry's allocation, marked by p holding the entry's own
// address, so that the hit needs no other test.
//
// Range. A table's slots are reused as soon as a key leaves: a key deleted
// and stored again may come back in another slot of the same table. So
// Range copies the entries of one segment at a time, with the segment's
// lock held, and calls its callback with no lock held: a key moves only by
// leaving, which it cannot do while the copy is made. Range goes through
// the hashes in order, a segment at a time, so that a key is visited once
// however segments split and merge meanwhile.
//
// Why not two tables. Go 1.23's sync.Map kept new keys in a second map,
// behind its one mutex, until enough look-ups missed the read map to pay
// for copying the dirty map; this package once did so per Map and with a
// table of its own, which made every new key, and every look-up of a key
// newer than the last promotion, take that mutex: a cache that keeps
// growing, whose newest keys are the hottest, did not get faster from one
// core to two. A table whose empty slots take keys without readers
// locking needs neither the copy nor the lock: no look-up is counted or
// locks, new keys of different segments do not contend, and what is
// copied, a segment that is full, was paid for by the keys that filled it.
//
// The Map's own lock, mu, is taken only to make its first directory, to
// double or halve the directory (once per doubling or halving of the
// number of segments) and by Clear: no Load, store or delete of a Map
// with a directory takes it.

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

	// tune is the Map's tuning, or nil for the default: set only by tests,
	// before the Map's first call.
	tune *tuning
}

// lock acquires mu, and counts it in a Map of its own tuning.
func (m *Map[K, V]) lock() {
	m.mu.Lock()
	if m.tune != nil {
		m.tune.locks++
	}
}

// directory returns the Map's directory, making the first if it has none.
func (m *Map[K, V]) directory() *directory[K, V] {
	if d := m.dir.Load(); d != nil {
		return d
	}
	return m.firstDirectory()
}

// firstDirectory makes the Map's first directory, unless another call did
// meanwhile, and returns the Map's directory.
func (m *Map[K, V]) firstDirectory() *directory[K, V] {
	m.lock()
	defer m.mu.Unlock()
	d := m.dir.Load()
	if d == nil { // still: the check above did not hold mu
		tune := m.tune
		if tune == nil {
			tune = &defaultTuning
		}
		d = firstDirectory[K, V](tune)
		m.dir.Store(d)
	}
	return d
}

// lockSegment locks the segment of hash h in the Map's current generation,
// which must have a directory, and returns it with the directory that holds
// it. While the caller holds the segment's lock, the segment neither
// splits, merges nor is dropped, and the directory is the Map's current
// one.
func (m *Map[K, V]) lockSegment(h uint64) (*directory[K, V], *segment[K, V]) {
	for {
		s := m.dir.Load().segOf(h)
		s.mu.Lock()
		if !s.gone {
			// Resizing the directory and Clear replace it holding every
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
		return // resized or cleared meanwhile
	}
	segs := lockAll(d, nil)
	m.dir.Store(d.resized(d.depth + 1))
	for _, s := range segs {
		s.mu.Unlock()
	}
}

// lockAll locks every segment of d, which is the current directory of a
// Map whose lock the caller holds, and returns them in the order of their
// slots, appended to segs.
func lockAll[K comparable, V any](d *directory[K, V], segs []*segment[K, V]) []*segment[K, V] {
	for i := 0; i < len(d.slots); {
		s := d.segAt(i)
		s.mu.Lock()
		if s.gone {
			// It split or merged before we locked it: the segments that
			// replaced it are in the slots.
			s.mu.Unlock()
			continue
		}
		segs = append(segs, s)
		i = i&^(1<<(d.depth-s.depth)-1) + 1<<(d.depth-s.depth)
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
	// The key's home group, probed here (see the design), and find for
	// the rest of the probe. Integers are hashed here too.
	var h uint64
	eq := eqPlain
	switch kind := d.hs.kind; {
	case unsafe.Sizeof(key) <= 8 && kind == kindInteger:
		k := key // a copy, whose address is taken, but not key's
		h = d.hs.integer(unsafe.Pointer(&k), unsafe.Sizeof(k))
	case unsafe.Sizeof(key) == 2*unsafe.Sizeof(uintptr(0)) && kind == kindString:
		h, eq = maphash.Comparable(d.hs.seed, key), eqString
	case unsafe.Sizeof(key) == 2*unsafe.Sizeof(uintptr(0)) && kind == kindInterface:
		var words bool
		if h, words = hashInterface(&d.hs, key); words {
			eq = eqWords
		}
	default:
		h, eq = d.hash(key)
	}
	g0 := d.slotOf(h).tab.Load()
	g := g0.homeGroup(h)
	ctrl := atomic.LoadUint64(&g.ctrl)
	for b := matchH2(ctrl, lsbs*h2(h)); b != 0; b = b.rest() {
		e := (*entry[K, V])(atomic.LoadPointer(g.slot(b.first())))
		if e == nil {
			continue
		}
		if unsafe.Sizeof(key) == 2*unsafe.Sizeof(uintptr(0)) && eq == eqString {
			if !stringsEqual(*(*string)(unsafe.Pointer(&e.key)), *(*string)(unsafe.Pointer(&key))) {
				continue
			}
		} else if !keysEqual(&e.key, &key, eq) {
			continue
		}
		// Copy the value straight into the result (see entry.ref).
		p := atomic.LoadPointer(&e.p)
		if p == unsafe.Pointer(e) {
			return *(*V)(e.first()), true
		}
		if marked(p) {
			return m.loadMarked(e, p, h)
		}
		if d.mode == valuesDirect {
			return *(*V)(unsafe.Pointer(&p)), true
		}
		return *(*V)(p), true
	}
	if overflowed(ctrl) {
		return m.loadSlow(g0, h, key, eq, d.mode)
	}
	return value, false
}

// loadSlow is Load for a key not found in its home group, which
// overflowed: find goes through the whole probe.
func (m *Map[K, V]) loadSlow(g0 *group, h uint64, key K, eq keyEq, mode valueMode) (value V, ok bool) {
	e, _, _ := find[K, V](g0, h, key, eq)
	if e == nil {
		return value, false
	}
	if value, ok, busy := e.load(mode); !busy {
		return value, ok
	}
	return m.loadComputing(e, h)
}

// loadMarked is Load for e, an entry of hash h whose p is a sentinel.
func (m *Map[K, V]) loadMarked(e *entry[K, V], p unsafe.Pointer, h uint64) (value V, ok bool) {
	switch p {
	case expunged():
		return value, false
	case storedNil():
		return value, true
	}
	return m.loadComputing(e, h)
}

// loadComputing returns the value of e, an entry of hash h that was
// computing when the caller loaded it, or ok == false if it holds none.
// While a Compute of its key runs, the key's value is the one from before
// it, which only the segment's updating list holds: loadComputing takes
// the segment's lock to read it, but does not wait for the Compute.
func (m *Map[K, V]) loadComputing(e *entry[K, V], h uint64) (value V, ok bool) {
	d, s := m.lockSegment(h)
	defer s.mu.Unlock()
	return s.loadLocked(e, d.mode)
}

// Store sets the value for a key.
func (m *Map[K, V]) Store(key K, value V) {
	_, _ = m.Swap(key, value)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	d := m.directory()
	e, h, eq := d.find(key)
	if e != nil {
		if p, ok := e.trySwap(value, d.mode); ok {
			return valueAt(e, p, d.mode)
		}
	}
	return m.storeSlow(key, h, eq, value, storeSwap)
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	d := m.directory()
	e, h, eq := d.find(key)
	if e != nil {
		// As in Load: copy a value found straight into the result. An
		// expunged entry is leaving the table: the key is absent; that of
		// a key whose Compute runs holds its value elsewhere: the lock
		// path reads it.
		switch p := atomic.LoadPointer(&e.p); {
		case p == unsafe.Pointer(e):
			return *(*V)(e.first()), true
		case p == expunged(), p == computing():
		case d.mode == valuesDirect:
			return directValue[V](p), true
		default:
			return *(*V)(p), true
		}
	}
	return m.storeSlow(key, h, eq, value, storeIfAbsent)
}

// A storeKind is what a store does to a key that is present.
type storeKind uint8

const (
	storeSwap     storeKind = iota // replace its value: Store and Swap
	storeIfAbsent                  // keep its value: LoadOrStore
	storeComputed                  // keep its value, and release the key's compute
)

// A storeCall is a store that takes the lock of the key's segment: its
// arguments, and what it made and found.
type storeCall[K comparable, V any] struct {
	key   K
	h     uint64 // the key's hash
	eq    keyEq  // how to compare keys (see keysEqual)
	value V
	kind  storeKind

	e *entry[K, V] // the key's new entry, made once, by the first try that needs it

	old    V    // the key's value before the call (storeSwap) or after it
	loaded bool // whether the key was present
}

// storeSlow stores value for key, of hash h, with the lock of its segment
// held: the key has no entry, or its entry was expunged, or a Compute of
// the key runs, which it waits for if it must write. eq says how to
// compare keys (see keysEqual). It returns the key's value before the
// call (storeSwap) or after it (storeIfAbsent, storeComputed), if it had
// one.
func (m *Map[K, V]) storeSlow(key K, h uint64, eq keyEq, value V, kind storeKind) (old V, loaded bool) {
	c := storeCall[K, V]{key: key, h: h, eq: eq, value: value, kind: kind}
	for {
		r, d, wait := m.tryStore(&c)
		switch {
		case wait != nil:
			<-wait.done
		case r == inserted:
			return c.old, c.loaded
		case r == mustDouble:
			m.double(d)
		}
	}
}

// tryStore is one try of storeSlow, which stores nothing if it reports
// that the caller must wait for a Compute of the key (wait), or that the
// key's segment must split, or has, to make room (r is mustDouble or
// split); d is the directory that it found the segment in.
func (m *Map[K, V]) tryStore(c *storeCall[K, V]) (r insertion, d *directory[K, V], wait *computation) {
	d, s := m.lockSegment(c.h)
	defer s.mu.Unlock()
	found, _, _ := find[K, V](s.tab.first(), c.h, c.key, c.eq)
	if found != nil {
		return inserted, d, s.storePresentLocked(d, found, c)
	}
	if c.kind != storeComputed && len(s.computing) != 0 && s.computing[c.key].update {
		return inserted, d, s.waitLocked(c.key) // a Compute of the absent key runs
	}
	if c.e == nil {
		c.e = newEntry(c.key, c.value, d.mode)
	}
	if r = s.insertLocked(d, c.h, c.e); r != inserted {
		return r, d, nil
	}
	if c.kind != storeSwap {
		c.old = c.value // the value after the call
	}
	if c.kind == storeComputed {
		s.releaseLocked(c.key, nil)
	} else {
		s.storedLocked(c.key)
	}
	return inserted, d, nil
}

// storePresentLocked is tryStore for a key present in s, whose entry is
// e: it swaps the value, or loads it, as c says, unless c must swap and a
// Compute of the key runs: then it returns the computation to wait for.
// The caller holds s.mu.
func (s *segment[K, V]) storePresentLocked(d *directory[K, V], e *entry[K, V], c *storeCall[K, V]) (wait *computation) {
	if c.kind == storeSwap {
		prev, ok := e.trySwap(c.value, d.mode)
		if !ok {
			// An entry in the table is expunged only with the lock held:
			// a Compute runs.
			return s.waitUpdateLocked(e)
		}
		c.old, c.loaded = valueAt(e, prev, d.mode)
		return nil
	}
	c.old, c.loaded = s.loadLocked(e, d.mode)
	if c.kind == storeComputed {
		s.releaseLocked(c.key, nil)
	}
	return nil
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	d := m.dir.Load()
	if d == nil {
		mustHash(key)
		return value, false
	}
	h, eq := d.hash(key)
	// A key that is absent needs no lock: the look-up says so.
	e, g, i := find[K, V](d.slotOf(h).tab.Load(), h, key, eq)
	if e == nil || e.isExpunged() {
		return value, false
	}
	return m.delete(h, eq, e, g, i, nil)
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
	for {
		e, h, _ := d.find(key)
		if e == nil {
			return false
		}
		swapped, busy := e.tryCompareAndSwap(old, new, d.mode, d.cmp)
		if !busy {
			return swapped
		}
		// A Compute of the key runs: if its value from before does not
		// match, the swap fails now; if it does, it must wait.
		if v, ok := m.loadComputing(e, h); !ok || !equal(v, old, d.cmp) {
			return false
		}
		m.waitCompute(key, h)
		d = m.dir.Load()
	}
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
	h, eq := d.hash(key)
	// A key that is absent, or holds another value, needs no lock: the
	// look-up says so; if a Compute of the key runs, it takes the lock
	// only to read the value from before it.
	e, g, i := find[K, V](d.slotOf(h).tab.Load(), h, key, eq)
	if e == nil {
		return false
	}
	v, ok, busy := e.load(d.mode)
	if busy {
		v, ok = m.loadComputing(e, h)
	}
	if !ok || !equal(v, old, d.cmp) {
		return false
	}
	_, deleted = m.delete(h, eq, e, g, i, &old)
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
// Range takes time in proportion to the number of keys in the map. It
// takes the lock of each part of the map in turn, a few hundred keys at
// most, for as long as it takes to copy the part's entries, so that it
// meets no key twice however keys come and go: calls that store a new key
// into that part, or delete one, wait for the copy.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	var small [64]unsafe.Pointer // the entries of a small segment
	var large *[]unsafe.Pointer  // a buffer for those of a larger one
	defer func() {
		if large != nil {
			putRangeBuffer(large)
		}
	}()
	var next uint64 // the hashes below next have been visited
	for {
		d := m.dir.Load()
		if d == nil {
			return
		}
		s := d.segOf(next)
		s.mu.Lock()
		if s.gone {
			s.mu.Unlock()
			continue
		}
		buf := small[:0]
		if s.used > len(small) {
			if large == nil {
				large = getRangeBuffer()
			}
			if cap(*large) < s.used {
				*large = make([]unsafe.Pointer, 0, s.used)
			}
			buf = (*large)[:0]
		}
		es := s.tab.appendEntries(buf)
		s.mu.Unlock()
		// The segment holds the keys of next's prefix: its first hash is
		// below next only if it merged with segments visited already.
		shift := (64 - s.depth) & 63
		lo := next &^ (1<<shift - 1)
		if s.depth == 0 {
			lo = 0
		}
		for _, p := range es {
			e := (*entry[K, V])(p)
			if lo < next && hash(&d.hs, e.key) < next {
				continue
			}
			v, ok, busy := e.load(d.mode)
			if busy {
				v, ok = m.loadComputing(e, hash(&d.hs, e.key))
			}
			if ok && !f(e.key, v) {
				return
			}
		}
		if s.depth == 0 {
			return
		}
		if next = lo + 1<<shift; next == 0 {
			return // the last segment
		}
	}
}

// rangeBuffers holds the buffers, as *[]unsafe.Pointer, that Range copies
// the entries of a large segment into, so that ranging over a large map
// allocates nothing either, once a buffer is there to take.
var rangeBuffers = sync.Pool{New: func() any { return new([]unsafe.Pointer) }}

// getRangeBuffer returns a buffer from rangeBuffers.
func getRangeBuffer() *[]unsafe.Pointer {
	return rangeBuffers.Get().(*[]unsafe.Pointer)
}

// putRangeBuffer gives back a buffer that getRangeBuffer returned, without
// the entries it held, which it must not keep alive.
func putRangeBuffer(b *[]unsafe.Pointer) {
	clear((*b)[:cap(*b)])
	rangeBuffers.Put(b)
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
	next := newDirectory[K, V](d.hs, d.tune, d.mode, d.cmp)
	first := next.segAt(0)
	into := func(K) *segment[K, V] { return first }
	for _, s := range segs {
		// Computes running for keys of the cleared generation go on, and
		// end in the next one: their callers wait for them there.
		s.handOverLocked(into)
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
