// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import (
	"hash/maphash"
	"iter"
	"slices"
	"unsafe"
)

// A table maps keys to entries: an open-addressing hash table split into
// segments by the top bits of the hash, as in extendible hashing. Its
// directory has 1<<depth slots; the segment of a key is the one in the slot
// that the top depth bits of its hash select. A segment of local depth d
// holds the keys whose hashes begin with the same d bits, and fills the
// 1<<(depth-d) slots of the directory that begin with them. A full segment
// is split in two by the next bit of the hash, doubling the directory if
// its local depth is the directory's, so that growing the table never
// moves more than one segment's keys at a time.
//
// A Map has up to two tables. The read map's table is never written: any
// goroutine may look keys up in it without a lock. The dirty table, guarded
// by mu, starts as a copy of the read map's directory, sharing every
// segment with it, and copies a segment the first time it writes to it
// (see copyLocked). Promoting the dirty table to be the read map's is a
// single store, after which the next dirty table shares its segments in
// turn.
type table[K comparable, V any] struct {
	dir   []dirSlot[K, V]
	depth uint8 // log2(len(dir))

	// gen numbers the dirty tables of a Map, from the first after each
	// Clear. A dirty table may write the segments it made, which carry its
	// gen, and no other.
	gen uint64

	// used counts the full slots of all the segments, deleted entries
	// included.
	used int
}

// A dirSlot is a slot of the directory: a segment, and the segment's
// groups, which a look-up reads from here, a memory access sooner than
// from the segment. A segment's groups never change: rebuilding a segment
// makes a new one.
type dirSlot[K comparable, V any] struct {
	groups []group[K, V]
	seg    *segment[K, V]
}

// A segment is an open-addressing hash table of up to maxGroups groups of
// slots, probed linearly from the group that the hash selects.
type segment[K comparable, V any] struct {
	// groups, like the fields below, is written only by the dirty table that
	// made the segment, with mu held; once the segment is in a read map,
	// nobody writes it again.
	groups []group[K, V]

	depth uint8  // local depth: the bits of hash that all its keys share
	gen   uint64 // the gen of the dirty table that made it
	used  int    // full slots
}

// maxGroups is the size of a segment, in groups, past which it is split
// rather than grown: 1022 slots, which a call that copies or splits a
// segment moves in at most tens of microseconds. A segment whose keys all
// share so many bits of hash that splitting it would leave one half empty
// grows past it instead. maxGroups is read with mu held, and written only
// by tests (SetMaxGroups in export_test.go), while no Map is in use, to
// reach splits with few keys.
var maxGroups = 146

// nextGroups returns the size that a segment of g groups grows to. Below
// 64 groups the size doubles; then it is 90 groups, then 146. In a dense
// table (see fill), a split makes two halves of 90 groups, 70% full, which
// grow to 146 groups once 6/7 full, and split again once that is: so the
// slots of a large table stay between 53% and 86% full, and a table of 1<<20 int keys and
// values, whose segments have all just split, takes about 21 bytes per
// key. The sizes fill size classes of the allocator: an array of 90
// groups of int keys and values takes 10,800 bytes, and with the 8-byte
// header of an allocation that holds pointers, fits the class of 10,880;
// one of 146 fits 18,432. Past 146 groups sizes double again, only for
// segments whose keys cannot be split.
func nextGroups(g int) int {
	switch {
	case g < 64:
		return 2 * g
	case g < 90:
		return 90
	case g < 146:
		return 146
	}
	return 2 * g
}

// A fill is how full the segments of a table may be. The fuller a
// segment, the more of its groups overflow, and the longer the probes for
// missing keys; the emptier, the more memory per key. A table of a few
// segments, which takes little memory anyway, keeps them sparse; a larger
// one, dense.
type fill struct {
	max    int // the full slots per group past which a segment grows
	target int // the eighths of its slots that a rebuilt segment fills at most
}

var (
	sparse = fill{max: 4, target: 4} // 57% full at most; rebuilt half full
	dense  = fill{max: 6, target: 6} // 86% full at most; rebuilt 3/4 full
)

// denseDepth is the directory depth from which a table is dense: eight
// segments, several thousand keys.
const denseDepth = 3

// fill returns how full t keeps its segments.
func (t *table[K, V]) fill() fill {
	if t.depth < denseDepth {
		return sparse
	}
	return dense
}

// groupsFor returns the smallest size, in groups, that holds n keys at
// most f.target eighths full.
func groupsFor(n int, f fill) int {
	g := 1
	for 8*n > f.target*groupSize*g {
		g = nextGroups(g)
	}
	return g
}

// maxLoad is the number of full slots past which the segment must grow
// before a key is added.
func (s *segment[K, V]) maxLoad(f fill) int {
	return len(s.groups) * f.max
}

func newSegment[K comparable, V any](groups int, depth uint8, gen uint64) *segment[K, V] {
	s := &segment[K, V]{groups: make([]group[K, V], groups), depth: depth, gen: gen}
	for i := range s.groups {
		s.groups[i].ctrl = emptyGroup
	}
	return s
}

// newTable returns a table of one empty segment of one group, allocated
// as one object: a new Map's, or a cleared one's, which may get no more
// keys than that.
func newTable[K comparable, V any](gen uint64) *table[K, V] {
	a := new(struct {
		t      table[K, V]
		dir    [1]dirSlot[K, V]
		seg    segment[K, V]
		groups [1]group[K, V]
	})
	a.groups[0].ctrl = emptyGroup
	a.seg = segment[K, V]{groups: a.groups[:], gen: gen}
	a.dir[0] = dirSlot[K, V]{a.seg.groups, &a.seg}
	a.t = table[K, V]{dir: a.dir[:], gen: gen}
	return &a.t
}

// tinyLocked reports whether t is a dirty table of one segment of one
// group, that t made: no read map has it, so it may be cleared and used
// again. It reports false for a table that shares its segment.
func (t *table[K, V]) tinyLocked() bool {
	s := t.dir[0].seg
	return len(t.dir) == 1 && s.gen == t.gen && len(s.groups) == 1
}

// clearLocked removes every key of a tiny table (see tinyLocked).
func (t *table[K, V]) clearLocked() {
	s := t.dir[0].seg
	s.groups[0] = group[K, V]{ctrl: emptyGroup}
	s.used, t.used = 0, 0
}

// slotOf returns the slot of the directory for hash h: the top depth bits
// of h. The shift is split in two so that a directory of one slot, whose
// index takes none of the hash's bits, needs no shift by 64. The index is
// below len(dir), which is 1<<depth, so the slot is read without a bounds
// check.
func (t *table[K, V]) slotOf(h uint64) *dirSlot[K, V] {
	return at(t.dir, uintptr((h>>1)>>((63-t.depth)&63)))
}

// segmentOf returns the segment of hash h.
func (t *table[K, V]) segmentOf(h uint64) *segment[K, V] {
	return t.slotOf(h).seg
}

// at returns &s[i] without checking that i < len(s), which the caller
// guarantees: the read path indexes with numbers that are in range by
// construction, and the checks would cost it a tenth of its instructions.
func at[T any](s []T, i uintptr) *T {
	var t T
	return (*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), i*unsafe.Sizeof(t)))
}

// groupOf returns the group where the probe for hash h starts: bits 7 to
// 38 of h, scaled to the number of groups, which need not be a power of
// two. The directory takes the top bits, h2 the low 7.
func groupOf(h uint64, groups int) uintptr {
	return uintptr(uint64(uint32(h>>7)) * uint64(groups) >> 32)
}

// find returns the entry of key, or nil, and the hash of key. It is the
// path of every look-up in a read map, written as one function with the
// hash of integer keys inside it, so that a look-up makes one call.
func (t *table[K, V]) find(hs *hasher, key K) (e *entry[V], h uint64) {
	switch hs.kind {
	case kindInteger:
		h = mixInt(integerBits(key), hs.seed0, hs.seed1)
	case kindComparable:
		h = maphash.Comparable(hs.seed, key)
	default:
		h = hashTest(hs, key)
	}
	groups := t.slotOf(h).groups
	g := groupOf(h, len(groups))
	match := lsbs * h2(h)
	for range groups {
		grp := at(groups, g)
		for b := matchH2(grp.ctrl, match); b != 0; b = b.rest() {
			if sl := at(grp.slots[:], b.first()); sl.key == key {
				return sl.e, h
			}
		}
		if !overflowed(grp.ctrl) {
			break
		}
		if g++; g == uintptr(len(groups)) {
			g = 0
		}
	}
	return nil, h
}

// newDirty returns a dirty table that shares every segment of t.
func (t *table[K, V]) newDirty() *table[K, V] {
	d := *t
	d.dir = slices.Clone(t.dir)
	d.gen++
	return &d
}

// insertLocked adds key, whose hash is h and which t lacks, with its
// entry. t must be a dirty table.
func (t *table[K, V]) insertLocked(key K, h uint64, e *entry[V], hs *hasher) {
	s := t.writableLocked(h)
	if s.used >= s.maxLoad(t.fill()) {
		t.rebuildLocked(s, h, hs, false)
		s = t.segmentOf(h)
	}
	s.put(key, h, e)
	t.used++
}

// writableLocked returns the segment of hash h, copied first if t shares
// it with the read map. t must be a dirty table.
func (t *table[K, V]) writableLocked(h uint64) *segment[K, V] {
	s := t.segmentOf(h)
	if s.gen != t.gen {
		s = t.copyLocked(s, h)
	}
	return s
}

// copyLocked replaces s, the segment of hash h, which t shares with the
// read map, by a copy that t made and may write, and returns the copy. It
// copies the groups as they are, deleted entries included: a copy of
// memory, without a look at any entry, which would cost a cache miss per
// key of a large map. Deleted entries are dropped by the sweep (see
// Map.sweeping), once there are enough of them to be worth a look.
func (t *table[K, V]) copyLocked(s *segment[K, V], h uint64) *segment[K, V] {
	c := &segment[K, V]{groups: slices.Clone(s.groups), depth: s.depth, gen: t.gen, used: s.used}
	t.replaceLocked(s, h, nil, c, nil, false)
	return c
}

// put adds key to s in the first free slot of its probe, counting an
// overflow in each group it goes past. s must have a free slot: a segment
// grows before it is full (see maxLoad), and put panics rather than probe
// for ever if that was broken.
func (s *segment[K, V]) put(key K, h uint64, e *entry[V]) {
	groups := s.groups
	g := groupOf(h, len(groups))
	for range groups {
		grp := &groups[g]
		if free := matchEmpty(grp.ctrl); free != 0 {
			i := free.first()
			grp.ctrl = setCtrl(grp.ctrl, i, h2(h))
			grp.slots[i] = slot[K, V]{key, e}
			s.used++
			return
		}
		grp.ctrl = overflow(grp.ctrl)
		if g++; g == uintptr(len(groups)) {
			g = 0
		}
	}
	panic("syncmap: internal error: no free slot in a segment")
}

// removeLocked removes key, whose hash is h, from t, if t has it: it
// empties the key's slot, and takes back the overflows that its probe
// counted in the groups before. t must be a dirty table.
func (t *table[K, V]) removeLocked(key K, h uint64) {
	s := t.writableLocked(h)
	groups := s.groups
	home := groupOf(h, len(groups))
	match := lsbs * h2(h)
	for g, n := home, 0; n < len(groups); n++ {
		grp := &groups[g]
		for b := matchH2(grp.ctrl, match); b != 0; b = b.rest() {
			i := b.first()
			if grp.slots[i].key != key {
				continue
			}
			grp.ctrl = setCtrl(grp.ctrl, i, ctrlEmpty)
			grp.slots[i] = slot[K, V]{}
			s.used--
			t.used--
			for p := home; p != g; {
				groups[p].ctrl = unoverflow(groups[p].ctrl)
				if p++; p == uintptr(len(groups)) {
					p = 0
				}
			}
			return
		}
		if !overflowed(grp.ctrl) {
			return
		}
		if g++; g == uintptr(len(groups)) {
			g = 0
		}
	}
}

// rebuildLocked replaces s, the segment of hash h in t, by a segment that
// t made, with room for one more key, or by two if its keys no longer fit
// one. If drop is set, it leaves the deleted entries
// out, and expunges them, so that they are given a value again only after
// being put back into t; that takes a look at every entry. t must be a
// dirty table.
func (t *table[K, V]) rebuildLocked(s *segment[K, V], h uint64, hs *hasher, drop bool) {
	n := s.used
	if drop {
		n = 0
		for sl := range s.full() {
			if !sl.e.tryExpungeLocked() {
				n++
			}
		}
		t.used -= s.used - n
	}
	f := t.fill()
	groups := groupsFor(n+1, f)
	if groups <= maxGroups {
		t.replaceLocked(s, h, hs, newSegment[K, V](groups, s.depth, t.gen), nil, drop)
		return
	}
	// Split by the next bit of the hash, if that leaves neither half empty:
	// keys that share every bit of their hash cannot be split.
	bit := 63 - s.depth
	n1 := 0
	for sl := range s.full() {
		if !(drop && sl.e.isExpunged()) && hash(hs, sl.key)>>bit&1 == 1 {
			n1++
		}
	}
	n0 := n - n1
	if n0 == 0 || n1 == 0 || s.depth == 63 {
		t.replaceLocked(s, h, hs, newSegment[K, V](groups, s.depth, t.gen), nil, drop)
		return
	}
	if s.depth == t.depth {
		t.doubleLocked()
	}
	s0 := newSegment[K, V](splitGroups(n0, f), s.depth+1, t.gen)
	s1 := newSegment[K, V](splitGroups(n1, f), s.depth+1, t.gen)
	t.replaceLocked(s, h, hs, s0, s1, drop)
}

// splitGroups returns the size of one half of a split segment, for n keys:
// the size that holds them f.target eighths full, but no more than
// maxGroups if they fit in that below f.max. A half that is still too
// large is split again when it is next rebuilt.
func splitGroups(n int, f fill) int {
	if g := groupsFor(n+1, f); g <= maxGroups || n+1 > maxGroups*f.max {
		return g
	}
	return maxGroups
}

// hasDeleted reports whether s holds a deleted entry, which a copy of s
// would leave out.
func (s *segment[K, V]) hasDeleted() bool {
	for sl := range s.full() {
		if sl.e.isDeleted() {
			return true
		}
	}
	return false
}

// full returns an iterator over the full slots of s.
func (s *segment[K, V]) full() iter.Seq[*slot[K, V]] {
	return func(yield func(*slot[K, V]) bool) {
		for g := range s.groups {
			grp := &s.groups[g]
			for b := matchFull(grp.ctrl); b != 0; b = b.rest() {
				if !yield(&grp.slots[b.first()]) {
					return
				}
			}
		}
	}
}

// replaceLocked puts s0, or s0 and s1, in the slots of the directory that
// s filled; h is the hash of a key of s. If hs is not nil, it first moves
// the entries of s into them: into s0, or, if s1 is not nil, into s0 and
// s1 by the bit of their hash that follows those that s shares. If drop is
// set, it leaves the expunged entries out.
func (t *table[K, V]) replaceLocked(s *segment[K, V], h uint64, hs *hasher, s0, s1 *segment[K, V], drop bool) {
	bit := 63 - s.depth
	for sl := range s.full() {
		if hs == nil {
			break
		}
		if drop && sl.e.isExpunged() {
			continue
		}
		kh := hash(hs, sl.key)
		dst := s0
		if s1 != nil && kh>>bit&1 == 1 {
			dst = s1
		}
		dst.put(sl.key, kh, sl.e)
	}
	span := 1 << (t.depth - s.depth)
	lo := int((h>>1)>>((63-t.depth)&63)) &^ (span - 1)
	if s1 == nil {
		for i := lo; i < lo+span; i++ {
			t.dir[i] = dirSlot[K, V]{s0.groups, s0}
		}
		return
	}
	for i := lo; i < lo+span/2; i++ {
		t.dir[i] = dirSlot[K, V]{s0.groups, s0}
	}
	for i := lo + span/2; i < lo+span; i++ {
		t.dir[i] = dirSlot[K, V]{s1.groups, s1}
	}
}

// doubleLocked doubles the directory: each slot becomes two, both with the
// segment it had.
func (t *table[K, V]) doubleLocked() {
	dir := make([]dirSlot[K, V], 2*len(t.dir))
	for i, ds := range t.dir {
		dir[2*i], dir[2*i+1] = ds, ds
	}
	t.dir = dir
	t.depth++
}
