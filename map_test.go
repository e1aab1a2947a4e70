// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/quick"
	"time"
	"unsafe"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// implementations are the constructions every scenario runs against: Map,
// and the reference maps, so that the references are known to be right
// before they judge Map.
var implementations = []struct {
	name string
	new  func() refmap.Interface[int, int]
}{
	{"syncmap", func() refmap.Interface[int, int] { return new(syncmap.Map[int, int]) }},
	{"RWMutexMap", func() refmap.Interface[int, int] { return new(refmap.RWMutexMap[int, int]) }},
	{"DeepCopyMap", func() refmap.Interface[int, int] { return new(refmap.DeepCopyMap[int, int]) }},
}

// Keys and values of the property test come from small sets, so that calls
// collide on the same keys and CompareAndSwap often finds its old value.
const (
	propKeys   = 8
	propValues = 4
)

type mapOp string

const (
	opLoad             = mapOp("Load")
	opStore            = mapOp("Store")
	opLoadOrStore      = mapOp("LoadOrStore")
	opLoadAndDelete    = mapOp("LoadAndDelete")
	opDelete           = mapOp("Delete")
	opSwap             = mapOp("Swap")
	opCompareAndSwap   = mapOp("CompareAndSwap")
	opCompareAndDelete = mapOp("CompareAndDelete")
	opRange            = mapOp("Range")
	opClear            = mapOp("Clear")
	// opLoadBurst loads every key several times, present or missing.
	opLoadBurst = mapOp("LoadBurst")

	opLoadOrCompute = mapOp("LoadOrCompute")
	// opLoadOrTryCompute's compute fails when the value it would store is
	// odd.
	opLoadOrTryCompute = mapOp("LoadOrTryCompute")
	opAll              = mapOp("All")
	opKeys             = mapOp("Keys")
	opValues           = mapOp("Values")
	// opCompute's function is computeOf.
	opCompute = mapOp("Compute")
)

// mapOps lists each operation once; Load is drawn more often below.
var mapOps = [...]mapOp{
	opLoad, opStore, opLoadOrStore, opLoadAndDelete, opDelete, opSwap,
	opCompareAndSwap, opCompareAndDelete, opRange, opClear, opLoadBurst,
	opLoadOrCompute, opLoadOrTryCompute, opAll, opKeys, opValues, opCompute,
}

type mapCall struct {
	op        mapOp
	k, v, new int
}

func (c mapCall) String() string {
	return fmt.Sprintf("%s(%d, %d, %d)", c.op, c.k, c.v, c.new)
}

// Generate implements quick.Generator.
func (mapCall) Generate(r *rand.Rand, size int) reflect.Value {
	c := mapCall{k: r.Intn(propKeys), v: r.Intn(propValues), new: r.Intn(propValues)}
	switch n := r.Intn(len(mapOps) + 4); {
	case n < len(mapOps):
		c.op = mapOps[n]
	default:
		c.op = opLoad
	}
	// Clear is drawn rarely, or sequences would seldom grow a map worth
	// promoting.
	if c.op == opClear && r.Intn(4) != 0 {
		c.op = opStore
	}
	return reflect.ValueOf(c)
}

// tryCompute is the compute of opLoadOrTryCompute: it fails for odd values.
func tryCompute(v int) (int, error) {
	if v%2 == 1 {
		return 0, errOdd
	}
	return v, nil
}

var errOdd = errors.New("odd value")

// computeOf returns the function of c, an opCompute: by c.new modulo 3,
// it cancels (0), updates (1) or deletes (2). An update stores c.v for an
// absent key, and for a present one, old with its low bit or the next one
// flipped, as c.v is even or odd, so that what it stores depends on the
// value it is given, and stays among the values of the property tests
// and of the soak's key (soakValue).
func computeOf(c mapCall) func(old int, loaded bool) (int, syncmap.ComputeOp) {
	return func(old int, loaded bool) (int, syncmap.ComputeOp) {
		op := syncmap.ComputeOp((c.new%3 + 3) % 3)
		if !loaded {
			return c.v, op
		}
		return old ^ (1 + c.v&1), op
	}
}

// mapResult is what a call returned, and the map's Len after it. Range
// results are sorted, since maps iterate in different orders.
type mapResult struct {
	value int
	ok    bool
	err   bool // an error was returned
	pairs [][2]int
	len   int
}

func (c mapCall) apply(m refmap.Interface[int, int]) mapResult {
	var r mapResult
	switch c.op {
	case opLoad:
		r.value, r.ok = m.Load(c.k)
	case opStore:
		m.Store(c.k, c.v)
	case opLoadOrStore:
		r.value, r.ok = m.LoadOrStore(c.k, c.v)
	case opLoadAndDelete:
		r.value, r.ok = m.LoadAndDelete(c.k)
	case opDelete:
		m.Delete(c.k)
	case opSwap:
		r.value, r.ok = m.Swap(c.k, c.v)
	case opCompareAndSwap:
		r.ok = m.CompareAndSwap(c.k, c.v, c.new)
	case opCompareAndDelete:
		r.ok = m.CompareAndDelete(c.k, c.v)
	case opRange:
		r.pairs = contents(m)
	case opClear:
		m.Clear()
	case opLoadBurst:
		for range 3 {
			for k := range propKeys + 2 {
				if v, ok := m.Load(k); ok {
					r.value += v*propKeys + k
				}
			}
		}
	case opLoadOrCompute:
		r.value, r.ok = m.LoadOrCompute(c.k, func() int { return c.v })
	case opLoadOrTryCompute:
		var err error
		r.value, r.ok, err = m.LoadOrTryCompute(c.k, func() (int, error) { return tryCompute(c.v) })
		r.err = err != nil
	case opAll:
		for k, v := range m.All() {
			r.pairs = append(r.pairs, [2]int{k, v})
		}
	case opKeys:
		for k := range m.Keys() {
			r.pairs = append(r.pairs, [2]int{k, 0})
		}
	case opValues:
		for v := range m.Values() {
			r.pairs = append(r.pairs, [2]int{v, 0})
		}
	case opCompute:
		r.value, r.ok = m.Compute(c.k, computeOf(c))
	default:
		panic("unknown op " + c.op)
	}
	slices.SortFunc(r.pairs, func(a, b [2]int) int { return cmp.Or(a[0]-b[0], a[1]-b[1]) })
	r.len = m.Len()
	return r
}

// contents returns m's pairs, sorted by key.
func contents(m refmap.Interface[int, int]) [][2]int {
	var pairs [][2]int
	m.Range(func(k, v int) bool {
		pairs = append(pairs, [2]int{k, v})
		return true
	})
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	return pairs
}

// applyCalls runs calls on a new map and returns every result, followed by
// the final contents. If m is a Map, it checks m's tables after every call,
// so that a broken invariant is reported by the call that broke it.
func applyCalls(t *testing.T, m refmap.Interface[int, int], calls []mapCall) ([]mapResult, [][2]int) {
	t.Helper()
	sm, _ := m.(*syncmap.Map[int, int])
	results := make([]mapResult, len(calls))
	for i, c := range calls {
		results[i] = c.apply(m)
		if sm == nil {
			continue
		}
		if err := syncmap.CheckTables(sm); err != nil {
			t.Fatalf("after %s, then %s: %v", formatCalls(calls[:i]), formatCall(c), err)
		}
	}
	return results, contents(m)
}

func quickConfig(t *testing.T) *quick.Config {
	seed := int64(20261121)
	t.Logf("seed %d", seed)
	count := 2000
	if testing.Short() {
		count = 200
	}
	return &quick.Config{MaxCount: count, Rand: rand.New(rand.NewSource(seed))}
}

// tableVariants are settings of Map's table under which the property,
// fuzz, linearizability and soak tests run, besides the default: segments
// of one group, which split after a few keys and merge once they are
// empty, alone; segments of four groups, whose tables also grow and
// shrink, and merge while they hold a few keys; and with test hashes that
// make every key collide, or that keep only a few bits of the hash, so
// that splits find keys they cannot separate.
var tableVariants = []struct {
	name   string
	tuning syncmap.Tuning
}{
	{"segments=1group", oneGroup},
	{"segments=4groups", syncmap.Tuning{MaxGroups: 4}},
	{"segments=1group,hash=collide", syncmap.Tuning{MaxGroups: 1, Hash: func(uint64) uint64 { return 0 }}},
	{"segments=1group,hash=fewBits", syncmap.Tuning{MaxGroups: 1, Hash: fewBits}},
}

// oneGroup is the tuning of segments of one group, which split past 6 keys.
var oneGroup = syncmap.Tuning{MaxGroups: 1}

// fewBits keeps two bits of a hash for the directory, one for the group
// and two of h2.
func fewBits(h uint64) uint64 { return h & (3<<62 | 1<<38 | 3) }

func TestMatchesReference(t *testing.T) {
	t.Parallel()
	// got applies the calls to a Map of that tuning, checking its tables
	// after each.
	got := func(t *testing.T, tuning syncmap.Tuning) func(calls []mapCall) ([]mapResult, [][2]int) {
		return func(calls []mapCall) ([]mapResult, [][2]int) {
			return applyCalls(t, syncmap.NewTuned[int, int](tuning), calls)
		}
	}
	for _, ref := range implementations[1:] {
		t.Run(ref.name, func(t *testing.T) {
			want := func(calls []mapCall) ([]mapResult, [][2]int) {
				return applyCalls(t, ref.new(), calls)
			}
			if err := quick.CheckEqual(got(t, syncmap.Tuning{}), want, quickConfig(t)); err != nil {
				t.Error(err)
			}
		})
	}
	for _, tv := range tableVariants {
		t.Run(tv.name, func(t *testing.T) {
			want := func(calls []mapCall) ([]mapResult, [][2]int) {
				return applyCalls(t, new(refmap.RWMutexMap[int, int]), calls)
			}
			if err := quick.CheckEqual(got(t, tv.tuning), want, quickConfig(t)); err != nil {
				t.Error(err)
			}
		})
	}
}

// deletedMap returns a map of segments of one group, from which keys were
// deleted, and a reference map of the same contents: it held the keys [0,
// deletedKeys), every fifth of them deleted, and every key of one stretch
// of them, which emptied segments that then merged; then the new keys -1
// to -added were stored. Its segments are of one group.
func deletedMap(t *testing.T, added int) (*syncmap.Map[int, int], *refmap.RWMutexMap[int, int]) {
	t.Helper()
	fill := func(m refmap.Interface[int, int]) {
		for k := range deletedKeys {
			m.Store(k, k)
		}
		for k := 0; k < deletedKeys; k += 5 {
			m.Delete(k)
		}
		for k := deletedKeys / 2; k < deletedKeys*3/4; k++ {
			m.Delete(k)
		}
		for k := -1; k >= -added; k-- {
			m.Store(k, k)
		}
	}
	ref := new(refmap.RWMutexMap[int, int])
	fill(ref)
	m := syncmap.NewTuned[int, int](oneGroup)
	fill(m)
	if segs, _ := syncmap.Segments(m); segs < 10 {
		t.Fatalf("a map of %d keys has %d segments; want at least 10", deletedKeys, segs)
	}
	return m, ref
}

const deletedKeys = 200

// TestCallsAfterDeletes makes each kind of call on each kind of key
// (present, deleted, new) of a map whose segments keys were deleted from,
// and checks its result, then the contents.
func TestCallsAfterDeletes(t *testing.T) {
	t.Parallel()
	step := 3
	if testing.Short() {
		step = 11
	}
	for _, op := range mapOps {
		for _, added := range []int{0, 4, 12} {
			for k := -13; k < deletedKeys+2; k += step {
				m, ref := deletedMap(t, added)
				checkCall(t, fmt.Sprintf("after %d new keys", added), m, ref, mapCall{op: op, k: k, v: k, new: k + 1})
			}
		}
	}
}

// checkCall makes call c on m and on ref, which hold the same keys, and
// checks that it returns the same on both and leaves m's tables sound; then
// stores c's key on both, to check that the call left it storable, and
// compares their contents. what says what was done to the maps before.
func checkCall(t *testing.T, what string, m *syncmap.Map[int, int], ref refmap.Interface[int, int], c mapCall) {
	t.Helper()
	if got, want := c.apply(m), c.apply(ref); !reflect.DeepEqual(got, want) {
		t.Errorf("%s, %v = %+v; want %+v", what, c, got, want)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Fatalf("%s, after %v: %v", what, c, err)
	}
	m.Store(c.k, 100+c.k)
	ref.Store(c.k, 100+c.k)
	if got, want := contents(m), contents(ref); !reflect.DeepEqual(got, want) {
		t.Errorf("%s, after %v and Store(%d, %d), contents = %v; want %v", what, c, c.k, 100+c.k, got, want)
	}
}

// TestCallsDuringSplits makes each kind of call on each key of a map whose
// segments of one group the keys stored so far have split again and
// again, doubling the directory, and checks its result, then the contents.
func TestCallsDuringSplits(t *testing.T) {
	t.Parallel()
	for _, op := range mapOps {
		for _, stored := range []int{5, 6, 7, 13, 29, 60} {
			for k := -2; k < stored+2; k++ {
				m, ref := syncmap.NewTuned[int, int](oneGroup), new(refmap.RWMutexMap[int, int])
				for _, m := range []refmap.Interface[int, int]{m, ref} {
					for k := range stored / 2 {
						m.Store(k, k)
					}
					m.Range(func(int, int) bool { return true })
					for k := stored / 2; k < stored; k++ {
						m.Store(k, k)
					}
				}
				checkCall(t, fmt.Sprintf("with %d keys stored", stored), m, ref, mapCall{op: op, k: k, v: k, new: k + 1})
			}
		}
	}
}

// TestWorkPerCallIsBounded checks that no store rebuilds more than one
// segment, splitting it in two at most, or doubles the directory more than
// once, however large the map: a map of 4096 keys in segments of four
// groups has hundreds of them. And that no delete makes more tables than
// a chain of merges up the hash prefix does, one per level of the
// directory, each of a few keys.
func TestWorkPerCallIsBounded(t *testing.T) {
	t.Parallel()
	const keys = 4096
	m := syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: 4})
	fill(m, keys)
	for k := 0; k < keys; k += 2 {
		m.Delete(k) // half the keys deleted
	}
	if segs, _ := syncmap.Segments(m); segs < 200 {
		t.Fatalf("a map of %d keys has %d segments; want at least 200", keys, segs)
	}
	tables, depth := syncmap.Tables(m)
	made := func() (n int) {
		next, d := syncmap.Tables(m)
		for a := range next {
			if !tables[a] {
				n++
			}
		}
		tables, depth = next, d
		return n
	}
	for k := keys; k < 2*keys; k++ {
		was := depth
		m.Store(k, k)
		if n := made(); n > 2 || depth > was+1 {
			t.Fatalf("Store(%d) made %d new tables, and took the directory from depth %d to %d; want at most 2, and one more",
				k, n, was, depth)
		}
	}
	for k := range 2 * keys {
		if v, ok := m.Load(k); ok != (k%2 == 1 || k >= keys) || ok && v != k {
			t.Fatalf("Load(%d) = %d, %v after the stores", k, v, ok)
		}
	}
	for k := range 2 * keys {
		was := depth
		m.Delete(k)
		if n := made(); n > was+1 {
			t.Fatalf("Delete(%d) made %d new tables, with a directory of depth %d; want at most %d", k, n, was, was+1)
		}
	}
	if segs, depth := syncmap.Segments(m); segs != 1 || depth != 1 {
		t.Errorf("a map whose every key was deleted has %d segments in a directory of depth %d; want 1 and 1", segs, depth)
	}
}

// TestLoadsOfFreshKeysStopNeedingTheLock stores new keys into a large map
// whose other keys are older, then loads the new keys again and again, as a
// cache reads its newest keys. Loads of the other keys must take no lock
// that writers share, and loads of the new keys must stop taking one after
// a number of look-ups bounded by the map's size (for Map, they take none
// at all). A Map that kept new keys behind its lock until enough look-ups
// had missed, and did not count those that found their key there, would
// take the lock for every one of them, for ever.
func TestLoadsOfFreshKeysStopNeedingTheLock(t *testing.T) {
	const size, fresh = 1 << 14, 64
	m := syncmap.NewTuned[int, int](syncmap.Tuning{}) // counts its locks
	fill(m, size)
	for k := size; k < size+fresh; k++ {
		m.Store(k, k)
	}
	before := syncmap.LockCount(m)
	for k := range size {
		m.Load(k)
	}
	if n := syncmap.LockCount(m) - before; n != 0 {
		t.Errorf("%d loads of older keys took the lock %d times; want 0", size, n)
	}
	const bound = 2*(size+fresh) + 64
	for loads := 0; ; loads += fresh {
		before := syncmap.LockCount(m)
		for k := size; k < size+fresh; k++ {
			if v, ok := m.Load(k); !ok || v != k {
				t.Fatalf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
			}
		}
		if syncmap.LockCount(m) == before {
			t.Logf("loads of %d new keys stopped taking the lock after %d look-ups", fresh, loads)
			break
		}
		if loads > bound {
			t.Fatalf("after %d look-ups of %d keys stored since the last promotion, loads of them still take the lock", loads, fresh)
		}
	}
}

// TestMapLockIsRare counts the acquisitions of the map's own lock, the one
// lock that every writer of a Map shares, which bounds how far the map
// scales with cores. On maps of 1<<14 keys and more, adding new keys in the
// ways a cache does (a fill: a miss, LoadOrStore, then loads; a growing
// cache: one new key every hundred calls, the rest loads, the newest keys
// the hottest; inserts: LoadOrStore of new keys) must take it at most once
// per 500 new keys, and loads, hits or misses, never.
func TestMapLockIsRare(t *testing.T) {
	const start = 1 << 14
	added := 1 << 16
	if testing.Short() {
		added = 1 << 14
	}
	workloads := []struct {
		name string
		add  func(m *syncmap.Map[int, int], k int)
	}{
		{"fill", func(m *syncmap.Map[int, int], k int) {
			m.Load(k)
			m.LoadOrStore(k, k)
			m.Load(k)
			m.Load(k)
		}},
		{"growing cache", func(m *syncmap.Map[int, int], k int) {
			m.Store(k, k)
			for i := range 99 {
				if i%2 == 0 {
					m.Load(k - i%1024) // among the newest
				} else {
					m.Load((k*31 + i*7919) % k)
				}
			}
		}},
		{"LoadOrStore of new keys", func(m *syncmap.Map[int, int], k int) { m.LoadOrStore(k, k) }},
	}
	for _, w := range workloads {
		t.Run(w.name, func(t *testing.T) {
			m := syncmap.NewTuned[int, int](syncmap.Tuning{}) // counts its locks
			fill(m, start)
			before := syncmap.LockCount(m)
			for k := start; k < start+added; k++ {
				w.add(m, k)
			}
			locks := syncmap.LockCount(m) - before
			t.Logf("%d new keys on a map of %d took the map's lock %d times", added, start, locks)
			if locks*500 > uint64(added) {
				t.Errorf("%d new keys on a map of %d took the map's lock %d times; want at most one per 500", added, start, locks)
			}
			before = syncmap.LockCount(m)
			for k := range 2 * (start + added) { // half of them hits, half misses
				m.Load(k)
			}
			if n := syncmap.LockCount(m) - before; n != 0 {
				t.Errorf("loads took the map's lock %d times; want none", n)
			}
		})
	}
}

// TestSmallMapsStaySmall measures the heap that small maps hold, with
// GOMAXPROCS at 64, after their keys are stored and after they are read
// and ranged over: a map of one key must take at most 1 KB, one of ten
// keys at most 2 KB, whatever the number of cores.
func TestSmallMapsStaySmall(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(64))
	const maps = 1000
	for _, tc := range []struct {
		keys  int
		limit uint64
	}{{1, 1024}, {10, 2048}} {
		ms := make([]syncmap.Map[int, int], maps)
		base := liveHeap()
		for i := range ms {
			for k := range tc.keys {
				ms[i].Store(k, k)
			}
		}
		stored := (liveHeap() - base) / maps
		for i := range ms {
			for k := range tc.keys {
				ms[i].Load(k)
				ms[i].Load(-k)
			}
			ms[i].Range(func(int, int) bool { return true })
			ms[i].Len()
		}
		read := (liveHeap() - base) / maps
		t.Logf("a map of %d keys: %d bytes once stored, %d once read", tc.keys, stored, read)
		if stored > tc.limit || read > tc.limit {
			t.Errorf("a map of %d keys takes %d bytes once stored, %d once read; want at most %d", tc.keys, stored, read, tc.limit)
		}
		runtime.KeepAlive(ms)
	}
}

// TestMapsDoNotShareSeeds checks that two Maps hash the same keys
// differently, so that keys found to collide in one do not in the other.
func TestMapsDoNotShareSeeds(t *testing.T) {
	var a, b syncmap.Map[int, int]
	a.Store(0, 0)
	b.Store(0, 0)
	var s1, s2 syncmap.Map[string, int]
	s1.Store("", 0)
	s2.Store("", 0)
	for k := range 8 {
		if syncmap.Hash(&a, k) == syncmap.Hash(&b, k) {
			t.Errorf("two Maps hash %d to %#x", k, syncmap.Hash(&a, k))
		}
		if key := fmt.Sprint(k); syncmap.Hash(&s1, key) == syncmap.Hash(&s2, key) {
			t.Errorf("two Maps hash %q to %#x", key, syncmap.Hash(&s1, key))
		}
	}
}

// integer lists the key types that a Map hashes as integers.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// TestEveryBitOfIntegerKeysReachesTheHash checks, for every integer key
// type, that keys which differ in one bit only, at any position, are spread
// over the parts of the table as random keys are: the segment (top bits of
// the hash), the group, and the control byte (low 7 bits). A hash that
// ignored some bits of a key would make all keys that differ only there
// collide in every Map, whatever its seed.
func TestEveryBitOfIntegerKeysReachesTheHash(t *testing.T) {
	t.Parallel()
	testIntegerBits[int](t)
	testIntegerBits[int8](t)
	testIntegerBits[int16](t)
	testIntegerBits[int32](t)
	testIntegerBits[int64](t)
	testIntegerBits[uint](t)
	testIntegerBits[uint8](t)
	testIntegerBits[uint16](t)
	testIntegerBits[uint32](t)
	testIntegerBits[uint64](t)
	testIntegerBits[uintptr](t)
}

func testIntegerBits[K integer](t *testing.T) {
	var m syncmap.Map[K, int]
	m.Store(0, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	bits := 8 * int(unsafe.Sizeof(K(0)))
	// With pairs of keys r and r^bit, a part of p bits of the hash is the
	// same for both with probability 2^-p: 4 of 512 pairs for 7 bits. Half
	// of them would be a sign of a weak hash; all of them, of a bit that
	// does not reach the hash.
	const pairs, limit = 512, 48
	parts := []struct {
		name string
		of   func(h uint64) uint64
	}{
		{"top 8 bits", func(h uint64) uint64 { return h >> 56 }},
		{"bits 7 to 38", func(h uint64) uint64 { return h >> 7 & (1<<32 - 1) }},
		{"low 7 bits", func(h uint64) uint64 { return h & 0x7f }},
	}
	for b := range bits {
		same := make([]int, len(parts))
		for range pairs {
			k := K(rng.Uint64())
			h0, h1 := syncmap.Hash(&m, k), syncmap.Hash(&m, k^K(1)<<b)
			for i, p := range parts {
				if p.of(h0) == p.of(h1) {
					same[i]++
				}
			}
		}
		for i, p := range parts {
			if same[i] > limit {
				t.Errorf("%T keys that differ in bit %d only: %d of %d pairs share the %s of their hash; want few",
					K(0), b, same[i], pairs, p.name)
			}
		}
	}
}

// TestEveryFieldOfStructKeysReachesTheHash is
// TestEveryBitOfIntegerKeysReachesTheHash for struct keys, which are hashed
// field by field: every bit of each integer field, and a string field's
// every byte, must reach every part of the hash.
func TestEveryFieldOfStructKeysReachesTheHash(t *testing.T) {
	t.Parallel()
	type key struct {
		A uint8
		B int16
		C uint32
		D int64
		S string
	}
	var m syncmap.Map[key, int]
	m.Store(key{}, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	random := func() key {
		text := make([]byte, 12)
		rng.Read(text)
		return key{uint8(rng.Uint32()), int16(rng.Uint32()), rng.Uint32(), int64(rng.Uint64()), string(text)}
	}
	flips := []struct {
		field string
		bits  int
		flip  func(k key, b int) key
	}{
		{"A", 8, func(k key, b int) key { k.A ^= 1 << b; return k }},
		{"B", 16, func(k key, b int) key { k.B ^= 1 << b; return k }},
		{"C", 32, func(k key, b int) key { k.C ^= 1 << b; return k }},
		{"D", 64, func(k key, b int) key { k.D ^= 1 << b; return k }},
		{"S", 12 * 8, func(k key, b int) key {
			text := []byte(k.S)
			text[b/8] ^= 1 << (b % 8)
			k.S = string(text)
			return k
		}},
	}
	// As in testIntegerBits: 4 of 512 pairs share 7 bits by chance.
	const pairs, limit = 512, 48
	for _, f := range flips {
		for b := range f.bits {
			same := 0
			for range pairs {
				k := random()
				if syncmap.Hash(&m, k)>>56 == syncmap.Hash(&m, f.flip(k, b))>>56 {
					same++
				}
			}
			if same > limit {
				t.Errorf("keys that differ in bit %d of field %s only: %d of %d pairs share the top 8 bits of their hash; want few",
					b, f.field, same, pairs)
			}
		}
	}
}

// TestStructKeysWithSwappedFieldsDoNotCollide checks that struct keys are
// not hashed by combining their fields first, as xor would: keys that hold
// the same numbers in another order, or the same number in every field,
// must not collide in every Map.
func TestStructKeysWithSwappedFieldsDoNotCollide(t *testing.T) {
	t.Parallel()
	type key struct{ A, B int }
	var m syncmap.Map[key, int]
	m.Store(key{}, 0) // makes the Map's hasher
	rng := rand.New(rand.NewSource(1))
	// As in testIntegerBits: 2 of 512 pairs share 8 bits by chance.
	const pairs, limit = 512, 48
	swapped, equal := 0, 0
	for range pairs {
		a, b := rng.Int(), rng.Int()
		if syncmap.Hash(&m, key{a, b})>>56 == syncmap.Hash(&m, key{b, a})>>56 {
			swapped++
		}
		if syncmap.Hash(&m, key{a, a})>>56 == syncmap.Hash(&m, key{b, b})>>56 {
			equal++
		}
	}
	if swapped > limit {
		t.Errorf("%d of %d pairs of keys {a, b} and {b, a} share the top 8 bits of their hash; want few", swapped, pairs)
	}
	if equal > limit {
		t.Errorf("%d of %d pairs of keys {a, a} and {b, b} share the top 8 bits of their hash; want few", equal, pairs)
	}
}

// TestStructKeys checks keys of struct and array types against a Go map:
// keys hashed field by field (integers and strings), and keys hashed by
// maphash, which hold floats, interfaces or too many fields; among them a
// float field of +0 and of -0, which == finds equal, and a struct that
// differs in a blank field only, which == skips.
func TestStructKeys(t *testing.T) {
	t.Parallel()
	type pair struct {
		ID   int
		Name string
	}
	testKeys(t, func(i int) pair { return pair{i % 7, fmt.Sprint(i / 7)} })
	testKeys(t, func(i int) [3]uint8 { return [3]uint8{uint8(i), uint8(i >> 8), 1} })
	type small struct {
		A int8
		B uint16
		C bool
		D int32
	}
	testKeys(t, func(i int) small { return small{int8(i), uint16(i >> 3), i%2 == 0, int32(i) << 20} })
	testKeys(t, func(i int) [9]int { return [9]int{8: i} })
	type mixed struct {
		F float64
		A any
	}
	testKeys(t, func(i int) mixed { return mixed{float64(i), i % 3} })

	type withFloat struct {
		F float64
		N int
	}
	var m syncmap.Map[withFloat, int]
	m.Store(withFloat{0, 1}, 1)
	if v, ok := m.Load(withFloat{math.Copysign(0, -1), 1}); !ok || v != 1 {
		t.Errorf("Load of a key with a float field of -0 = %v, %v; want the key with +0: 1, true", v, ok)
	}

	type withBlank struct {
		A int
		_ int
		B string
	}
	var mb syncmap.Map[withBlank, int]
	k := withBlank{A: 1, B: "b"}
	mb.Store(k, 1)
	(*[3]int)(unsafe.Pointer(&k))[1] = 7 // the blank field
	if v, ok := mb.Load(k); !ok || v != 1 {
		t.Errorf("Load of a key that differs in a blank field only = %v, %v; want 1, true", v, ok)
	}
}

// testKeys stores the keys key(i), deletes a third of them, and checks
// every key and Len against a Go map.
func testKeys[K comparable](t *testing.T, key func(i int) K) {
	t.Helper()
	const n = 3000
	var m syncmap.Map[K, int]
	want := make(map[K]int)
	for i := range n {
		m.Store(key(i), i)
		want[key(i)] = i
	}
	for i := 0; i < n; i += 3 {
		m.Delete(key(i))
		delete(want, key(i))
	}
	for i := range n + n/2 {
		k := key(i)
		v, ok := m.Load(k)
		if w, wok := want[k]; v != w || ok != wok {
			t.Fatalf("%T: Load(%v) = %v, %v; want %v, %v", k, k, v, ok, w, wok)
		}
	}
	if m.Len() != len(want) {
		t.Fatalf("%T: Len() = %d; want %d", key(0), m.Len(), len(want))
	}
}

// TestInterfaceKeys checks keys of an interface type whose dynamic values
// are of many kinds, against a Go map: pointers, which are hashed and
// compared by their two words, among them two of different types at one
// address, which must not be mistaken for each other; and values of other
// kinds, hashed and compared as Go does, among them a struct that holds a
// pointer, and a nil interface.
func TestInterfaceKeys(t *testing.T) {
	t.Parallel()
	type pair struct{ a, b int }
	p := new(pair)
	c := make(chan int)
	keys := []any{
		p, &p.a, &p.b, new(pair), c, make(chan int), (*int)(nil), (*pair)(nil),
		reflect.TypeFor[int](), reflect.TypeFor[pair](), reflect.TypeFor[*pair](),
		1, int64(1), "1", 1.5, pair{1, 2}, struct{ p *pair }{p}, [2]*int{&p.a}, nil,
		// Integers that Go boxes in an allocation of their own: two
		// interfaces holding one of them point to different copies.
		1000, int64(-1 << 40), uint32(70000), int8(-100) + 0, true,
	}
	var m syncmap.Map[any, int]
	want := make(map[any]int)
	for round := range 3 {
		for i, k := range keys {
			switch (i + round) % 3 {
			case 0:
				m.Store(k, i+round)
				want[k] = i + round
			case 1:
				m.Delete(k)
				delete(want, k)
			case 2:
				v, _ := m.LoadOrStore(k, i)
				if wv, ok := want[k]; ok && v != wv {
					t.Fatalf("LoadOrStore(%v) = %d; want %d", k, v, wv)
				}
				if _, ok := want[k]; !ok {
					want[k] = i
				}
			}
			for _, k := range keys {
				v, ok := m.Load(rebox(k))
				if wv, wok := want[k]; v != wv || ok != wok {
					t.Fatalf("round %d, after key %d: Load(%T %v) = %d, %v; want %d, %v", round, i, k, k, v, ok, wv, wok)
				}
			}
		}
	}
	if n := m.Len(); n != len(want) {
		t.Errorf("Len() = %d; want %d", n, len(want))
	}
	var r syncmap.Map[reflect.Type, int] // an interface with methods
	for i, k := range keys[8:11] {
		r.Store(k.(reflect.Type), i)
	}
	for i, k := range keys[8:11] {
		if v, ok := r.Load(k.(reflect.Type)); !ok || v != i {
			t.Errorf("Load(%v) = %d, %v; want %d, true", k, v, ok, i)
		}
	}
	if _, ok := r.Load(reflect.TypeFor[string]()); ok {
		t.Error("Load of a type never stored found it")
	}
}

// rebox returns k in a new interface value: the dynamic value copied to an
// allocation of its own, unless it is a pointer or a small integer, which
// Go does not copy.
func rebox(k any) any {
	if k == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(k)).Elem()
	v.Set(reflect.ValueOf(k))
	return v.Interface()
}

func TestZeroValue(t *testing.T) {
	var m syncmap.Map[string, int]
	if v, ok := m.Load("a"); ok || v != 0 {
		t.Errorf("Load(a) on the zero Map = %v, %v; want 0, false", v, ok)
	}
	m.Range(func(k string, v int) bool {
		t.Errorf("Range on the zero Map visited %q", k)
		return true
	})
	m.Clear()
	if ok := m.CompareAndSwap("a", 0, 1); ok {
		t.Errorf("CompareAndSwap(a, 0, 1) on the zero Map = true; want false")
	}
	m.Store("a", 1)
	if v, ok := m.Load("a"); !ok || v != 1 {
		t.Errorf("Load(a) = %v, %v; want 1, true", v, ok)
	}
}

func TestStoredZeroValueIsPresent(t *testing.T) {
	var m syncmap.Map[int, *int]
	m.Store(1, nil)
	if v, ok := m.Load(1); !ok || v != nil {
		t.Errorf("Load(1) = %v, %v; want nil, true", v, ok)
	}
	if v, loaded := m.LoadOrStore(1, new(int)); !loaded || v != nil {
		t.Errorf("LoadOrStore(1, p) = %v, %v; want nil, true", v, loaded)
	}
	if !m.CompareAndDelete(1, nil) {
		t.Errorf("CompareAndDelete(1, nil) = false; want true")
	}
	if v, ok := m.Load(1); ok || v != nil {
		t.Errorf("Load(1) after delete = %v, %v; want nil, false", v, ok)
	}
}

func TestCompareOnMissingKeyFails(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(1, 0)
	m.Delete(1) // 1 was present, and is now missing
	for _, k := range []int{1, 2} {
		if m.CompareAndSwap(k, 0, 7) {
			t.Errorf("CompareAndSwap(%d, 0, 7) on a missing key = true; want false", k)
		}
		if m.CompareAndDelete(k, 0) {
			t.Errorf("CompareAndDelete(%d, 0) on a missing key = true; want false", k)
		}
		if v, ok := m.Load(k); ok {
			t.Errorf("Load(%d) = %v, true; want a missing key", k, v)
		}
	}
}

func TestCompareInterfaceValues(t *testing.T) {
	var m syncmap.Map[string, any]
	m.Store("k", 1)
	if m.CompareAndSwap("k", int64(1), 2) {
		t.Errorf("CompareAndSwap(k, int64(1), 2) over int(1) = true; want false")
	}
	if !m.CompareAndSwap("k", 1, "two") {
		t.Errorf("CompareAndSwap(k, 1, two) over int(1) = false; want true")
	}
	if m.CompareAndDelete("k", []byte("two")) {
		t.Errorf("CompareAndDelete(k, []byte) over a string = true; want false")
	}
	if !m.CompareAndDelete("k", "two") {
		t.Errorf("CompareAndDelete(k, two) = false; want true")
	}
}

// mustPanic calls f and returns the value it panicked with.
func mustPanic(t *testing.T, name string, f func()) (r any) {
	t.Helper()
	defer func() {
		if r = recover(); r == nil {
			t.Errorf("%s did not panic", name)
		}
	}()
	f()
	return nil
}

func TestCompareNonComparablePanics(t *testing.T) {
	var m syncmap.Map[int, []int]
	m.Store(1, []int{1})
	for _, k := range []int{1, 2} { // present and missing
		for name, f := range map[string]func(){
			"CompareAndSwap":   func() { m.CompareAndSwap(k, nil, nil) },
			"CompareAndDelete": func() { m.CompareAndDelete(k, nil) },
		} {
			r := mustPanic(t, fmt.Sprintf("%s(%d) on []int values", name, k), f)
			if s, _ := r.(string); !strings.HasPrefix(s, "syncmap: "+name) {
				t.Errorf("%s(%d) panicked with %q; want a syncmap: message", name, k, r)
			}
		}
	}
}

// TestCompareUncomparableDynamicValuePanics checks that a panic of == inside
// CompareAndSwap, of a key stored before or after a Range, leaves the map
// usable.
func TestCompareUncomparableDynamicValuePanics(t *testing.T) {
	var m syncmap.Map[string, any]
	m.Store("before", []int{1})
	m.Range(func(string, any) bool { return true })
	m.Store("after", []int{2})
	for _, k := range []string{"before", "after"} {
		r := mustPanic(t, "CompareAndSwap on a []int value", func() { m.CompareAndSwap(k, []int{1}, 0) })
		if _, ok := r.(runtime.Error); !ok {
			t.Errorf("CompareAndSwap(%s) panicked with %v; want a runtime.Error", k, r)
		}
		mustPanic(t, "CompareAndDelete on a []int value", func() { m.CompareAndDelete(k, []int{1}) })
	}
	withTimeout(t, func() {
		m.Store("new", 3)
		if v, ok := m.Load("new"); !ok || v != 3 {
			t.Errorf("Load(new) after panics = %v, %v; want 3, true", v, ok)
		}
	})
}

// withTimeout runs f and fails the test, rather than hanging it, if f does
// not return within a generous bound: a deadlock is the likely cause.
func withTimeout(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		// The stacks say where it is stuck.
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("call did not return within 30s: deadlock?\n%s", buf)
	}
}

// testValueType takes a Map[int, V] through the life of its keys: stored,
// replaced, deleted, stored again, computed, checking what each method
// sees. vals must be three distinct values.
func testValueType[V comparable](t *testing.T, vals [3]V) {
	var m syncmap.Map[int, V]
	load := func(k int, want V, wantOK bool) {
		t.Helper()
		if v, ok := m.Load(k); ok != wantOK || v != want {
			t.Fatalf("Load(%d) = %v, %v; want %v, %v", k, v, ok, want, wantOK)
		}
	}
	var zero V
	rangeAll := func() { m.Range(func(int, V) bool { return true }) }

	m.Store(0, vals[0])
	m.Store(1, vals[1])
	rangeAll()
	load(0, vals[0], true)
	m.Delete(1)
	load(1, zero, false)
	m.Store(2, vals[2])
	load(1, zero, false)
	if v, loaded := m.LoadOrStore(1, vals[1]); loaded || v != vals[1] { // a new entry for 1
		t.Fatalf("LoadOrStore(1) = %v, %v; want %v, false", v, loaded, vals[1])
	}
	m.Delete(1)
	v, loaded := m.LoadOrCompute(1, func() V {
		load(1, zero, false)
		if m.CompareAndSwap(1, zero, vals[0]) || m.CompareAndDelete(1, zero) {
			t.Fatalf("compare on deleted key 1 succeeded")
		}
		return vals[1]
	})
	if loaded || v != vals[1] {
		t.Fatalf("LoadOrCompute(1) = %v, %v; want %v, false", v, loaded, vals[1])
	}
	rangeAll()
	load(1, vals[1], true)
	load(2, vals[2], true)
	for k := 1; k <= 2; k++ { // hits, which copy the value as Load does
		if v, loaded := m.LoadOrStore(k, vals[0]); !loaded || v != vals[k] {
			t.Fatalf("LoadOrStore(%d) = %v, %v; want %v, true", k, v, loaded, vals[k])
		}
		noCompute := func() V { t.Fatalf("LoadOrCompute(%d) computed a present key", k); return zero }
		if v, loaded := m.LoadOrCompute(k, noCompute); !loaded || v != vals[k] {
			t.Fatalf("LoadOrCompute(%d) = %v, %v; want %v, true", k, v, loaded, vals[k])
		}
		noTry := func() (V, error) { return noCompute(), nil }
		if v, loaded, err := m.LoadOrTryCompute(k, noTry); !loaded || v != vals[k] || err != nil {
			t.Fatalf("LoadOrTryCompute(%d) = %v, %v, %v; want %v, true, nil", k, v, loaded, err, vals[k])
		}
	}
	if v, loaded := m.Swap(0, vals[1]); !loaded || v != vals[0] {
		t.Fatalf("Swap(0) = %v, %v; want %v, true", v, loaded, vals[0])
	}
	if m.CompareAndSwap(0, vals[0], vals[2]) || m.CompareAndDelete(0, vals[2]) {
		t.Fatalf("CompareAndSwap(0, %v, %v) or CompareAndDelete(0, %v) succeeded on the value %v", vals[0], vals[2], vals[2], vals[1])
	}
	if !m.CompareAndSwap(0, vals[1], vals[2]) {
		t.Fatalf("CompareAndSwap(0, %v, %v) = false; want true", vals[1], vals[2])
	}
	load(0, vals[2], true)
	if !m.CompareAndDelete(0, vals[2]) {
		t.Fatalf("CompareAndDelete(0, %v) = false; want true", vals[2])
	}
	m.Store(3, vals[0])
	if m.CompareAndSwap(0, zero, vals[0]) || m.CompareAndDelete(0, zero) {
		t.Fatalf("compare on deleted key 0 succeeded")
	}
	m.Store(0, vals[0]) // stores 0 again
	n := 0
	m.Range(func(k int, v V) bool { n++; return true })
	if n != 4 {
		t.Fatalf("Range visited %d keys; want 4", n)
	}
	if v, loaded := m.LoadAndDelete(3); !loaded || v != vals[0] {
		t.Fatalf("LoadAndDelete(3) = %v, %v; want %v, true", v, loaded, vals[0])
	}
}

type big [1 << 12]int64

func TestValueTypes(t *testing.T) {
	t.Run("struct{}", func(t *testing.T) {
		// Zero-size values all share one address, so only the presence of a
		// key tells them apart: a sentinel made from a zero-size allocation
		// would be mistaken for a value.
		var m syncmap.Map[int, struct{}]
		m.Store(1, struct{}{})
		m.Range(func(int, struct{}) bool { return true })
		m.Delete(1)
		m.Store(2, struct{}{})
		if _, ok := m.Load(1); ok {
			t.Fatal("Load(1) of a deleted key reports present")
		}
		m.Store(1, struct{}{})
		if _, ok := m.Load(1); !ok {
			t.Fatal("Load(1) after Store reports missing")
		}
	})
	t.Run("big", func(t *testing.T) {
		var a, b, c big
		a[0], b[len(b)-1], c[len(c)/2] = 1, 2, 3
		testValueType(t, [3]big{a, b, c})
	})
	t.Run("strings", func(t *testing.T) {
		// Larger than four words, as Go returns values in memory, and
		// holding pointers: each value is an allocation of its own.
		testValueType(t, [3][5]string{{"a"}, {4: "b"}, {"c", "", "d"}})
	})
	t.Run("pointer", func(t *testing.T) {
		testValueType(t, [3]*int{new(int), new(int), nil})
	})
	t.Run("any", func(t *testing.T) {
		testValueType(t, [3]any{nil, "s", 3})
	})
	t.Run("error", func(t *testing.T) {
		testValueType(t, [3]error{errors.New("a"), nil, os.ErrNotExist})
	})
	t.Run("string", func(t *testing.T) {
		testValueType(t, [3]string{"", "b", "c"})
	})
	t.Run("byte", func(t *testing.T) {
		testValueType(t, [3]byte{0, 1, 255})
	})
	// Integers that differ only in their top byte: a compare of fewer
	// bits than the value has would take them for equal.
	t.Run("uint16", func(t *testing.T) {
		testValueType(t, [3]uint16{0x0100, 0x0200, 0x8000})
	})
	t.Run("int32", func(t *testing.T) {
		testValueType(t, [3]int32{1 << 24, 2 << 24, -1 << 31})
	})
	t.Run("uint64", func(t *testing.T) {
		testValueType(t, [3]uint64{1 << 56, 2 << 56, 1 << 63})
	})
}

func TestClear(t *testing.T) {
	var m syncmap.Map[int, int]
	for i := range 10 {
		m.Store(i, i)
	}
	m.Range(func(int, int) bool { return true })
	m.Store(10, 10) // stored since the Range
	m.Clear()
	if got := contents(&m); len(got) != 0 {
		t.Errorf("contents after Clear = %v; want none", got)
	}
	for i := range 11 {
		if v, ok := m.Load(i); ok {
			t.Errorf("Load(%d) after Clear = %d, true; want missing", i, v)
		}
	}
	m.Store(3, 30)
	if got, want := contents(&m), [][2]int{{3, 30}}; !reflect.DeepEqual(got, want) {
		t.Errorf("contents after Clear and Store = %v; want %v", got, want)
	}
}

// TestRangeDuringClear runs Range on a map that another goroutine stores a
// key into and clears, again and again. Each Range must see the one key
// stored since the last Clear, or nothing.
func TestRangeDuringClear(t *testing.T) {
	var m syncmap.Map[int, int]
	var done atomic.Bool
	runGoroutines(t, 2, func(g int) {
		if g == 0 {
			defer done.Store(true)
			for i := range rounds(20000) {
				m.Store(i, i)
				m.Clear()
			}
			return
		}
		for !done.Load() {
			var seen [][2]int
			for k, v := range m.All() {
				seen = append(seen, [2]int{k, v})
			}
			if len(seen) > 1 || len(seen) == 1 && seen[0][0] != seen[0][1] {
				t.Errorf("Range during Clear saw %v; want one key with its value, or none", seen)
				return
			}
		}
	})
}

// TestClearIsAtomic checks that Clear deletes every key at one instant,
// however many segments hold them. While one goroutine clears a map of
// keys spread over dozens of segments, a second waits to see one of them
// gone, and then stores a marker; a third waits to see the marker, and then
// must find every old key gone: the marker was stored after Clear took
// effect, and nobody stores the old keys again. A Clear that cleared one
// segment after another would let the marker land in a segment cleared
// first while keys of segments cleared last were still there.
func TestClearIsAtomic(t *testing.T) {
	// More threads than cores: the operating system then suspends a Clear
	// at any instruction, for a time slice, as it would a slow one.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8 * runtime.NumCPU()))
	const keys, marker = 256, -1
	for round := range rounds(300) {
		m := syncmap.NewTuned[int, int](oneGroup)
		for k := range keys {
			m.Store(k, k)
		}
		if segs, _ := syncmap.Segments(m); segs < 16 {
			t.Fatalf("%d keys fill %d segments; want at least 16", keys, segs)
		}
		var marked atomic.Bool
		runGoroutines(t, 3, func(g int) {
			switch g {
			case 0:
				m.Clear()
			case 1:
				defer marked.Store(true)
				for {
					for k := range keys {
						if _, ok := m.Load(k); !ok {
							m.Store(marker, 0)
							return
						}
					}
				}
			case 2:
				for {
					if _, ok := m.Load(marker); !ok {
						if marked.Load() {
							return // the marker is gone: reported below
						}
						continue
					}
					for k := range keys {
						if v, ok := m.Load(k); ok {
							t.Errorf("round %d: Load(%d) = %d, true after a key stored once Clear took effect; want the key gone", round, k, v)
							return
						}
					}
					return
				}
			}
		})
		if _, ok := m.Load(marker); !ok {
			t.Errorf("round %d: a key stored once Clear took effect is gone", round)
		}
		if t.Failed() {
			return
		}
	}
}

// TestEveryStoredValueIsAccountedFor races the stores of a key, which
// replace its value without a lock, with the deletes that take the key's
// entry out of its table, with the lock held: a delete must expunge the
// entry in one compare-and-swap from the value it returns, or a store that
// lands between its look at the entry and its write is lost. One goroutine swaps the values 1 to n into key 0, one after
// another, and another deletes the key again and again, while a third adds
// and deletes keys of its own, so that the key's table is rebuilt now and
// then. Every value stored must come out exactly once: as the previous
// value of the next swap, as the value of a delete, or as the value left
// at the end.
func TestEveryStoredValueIsAccountedFor(t *testing.T) {
	n := 200_000 // a few tenths of a second; fewer miss the window more often
	if testing.Short() {
		n /= 2
	}
	m := syncmap.NewTuned[int, int](oneGroup)
	var swapped, deleted []int
	var done atomic.Bool
	runGoroutines(t, 3, func(g int) {
		switch g {
		case 0:
			defer done.Store(true)
			for i := 1; i <= n; i++ {
				if v, ok := m.Swap(0, i); ok {
					swapped = append(swapped, v)
				}
			}
		case 1:
			for !done.Load() {
				if v, ok := m.LoadAndDelete(0); ok {
					deleted = append(deleted, v)
				}
			}
		case 2:
			for k := 1; !done.Load(); k++ {
				m.Store(k, k)
				m.Delete(k)
			}
		}
	})
	seen := make([]int, n+1)
	for _, v := range append(swapped, deleted...) {
		seen[v]++
	}
	if v, ok := m.Load(0); ok {
		seen[v]++
	}
	for v := 1; v <= n; v++ {
		if seen[v] != 1 {
			t.Fatalf("the value %d, swapped into key 0, came out %d times; want once", v, seen[v])
		}
	}
	if got, want := m.Len(), len(contents(m)); got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
}

// TestSplitsLoseNothing has goroutines add keys of their own, and delete
// and store them again, on a map of segments of one group, so that
// segments are swept, rebuilt and split, and the directory doubles, all the
// time, one segment's work racing with another's; while readers load keys
// that nobody touches and rangers walk the map. Every key a writer has
// stored must be found at once, every untouched key every time, no key
// twice by one Range, and at the end, the map must hold exactly what was
// stored. Each split pauses between the publications of its two halves, so
// that rangers often find a split half done.
func TestSplitsLoseNothing(t *testing.T) {
	const stable, writers, perWriter = 64, 4, 2000
	n := rounds(perWriter)
	m := syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: 1, SplitHook: func() { time.Sleep(time.Microsecond) }})
	for k := range stable {
		m.Store(-1-k, k)
	}
	var done atomic.Int32
	runGoroutines(t, writers+2, func(g int) {
		switch {
		case g < writers:
			defer done.Add(1)
			for i := range n {
				k := g*n + i
				m.Store(k, k)
				if v, ok := m.Load(k); !ok || v != k {
					t.Errorf("Load(%d) = %d, %v right after Store(%d, %d)", k, v, ok, k, k)
					return
				}
				if i%3 == 0 && i > 0 {
					old := k - 1
					m.Delete(old)
					m.Store(old, old) // a new entry
				}
			}
		case g == writers:
			for done.Load() < writers {
				for k := range stable {
					if v, ok := m.Load(-1 - k); !ok || v != k {
						t.Errorf("Load(%d) = %d, %v while others split segments; want %d, true", -1-k, v, ok, k)
						return
					}
				}
			}
		default:
			for done.Load() < writers {
				seen := make(map[int]bool)
				bad := ""
				m.Range(func(k, v int) bool {
					if seen[k] || k != v && k >= 0 || k < 0 && v != -1-k {
						bad = fmt.Sprintf("Range visited %d = %d (seen before: %v)", k, v, seen[k])
						return false
					}
					seen[k] = true
					return true
				})
				for k := range stable {
					if bad == "" && !seen[-1-k] {
						bad = fmt.Sprintf("Range missed key %d, which nobody touches", -1-k)
					}
				}
				if bad != "" {
					t.Error(bad)
					return
				}
			}
		}
	})
	if err := syncmap.CheckTables(m); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Len(), stable+writers*n; got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
	for k := range writers * n {
		if v, ok := m.Load(k); !ok || v != k {
			t.Fatalf("after the writers, Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
	}
}

// TestRangeVisitsNoKeyTwice ranges over maps whose keys all collide, so
// that they fill one table group after group, and on meeting each key,
// deletes it, adds another key (which takes its slot) and stores the first
// key again (which adds a new entry for it further on, in the next group
// with room). A Range that met the key's old entry, then its new one,
// would visit it twice.
func TestRangeVisitsNoKeyTwice(t *testing.T) {
	const keys = 20
	for first := range keys {
		m := syncmap.NewTuned[int, int](syncmap.Tuning{Hash: func(uint64) uint64 { return 0 }})
		for k := range keys {
			m.Store(k, k)
		}
		seen := make(map[int]bool)
		m.Range(func(k, v int) bool {
			if seen[k] {
				t.Fatalf("Range visited key %d twice, after key %d was stored again", k, first)
			}
			seen[k] = true
			if k == first {
				m.Delete(k)
				m.Store(-1, 0) // takes k's slot
				m.Store(k, k)
			}
			return true
		})
	}
}

// TestCopyIsCaughtByVet checks that go vet reports a copy of a Map, as it
// does for sync.Map: copying one would split its state in two.
func TestCopyIsCaughtByVet(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run vet with:", err)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module vetcopy\n\ngo 1.23\n\nrequire github.com/gosyncmap/syncmap v0.0.0\n\n" +
		"replace github.com/gosyncmap/syncmap => " + root + "\n"
	src := `package vetcopy

import "github.com/gosyncmap/syncmap"

func Copy(m *syncmap.Map[string, int]) int {
	c := *m
	v, _ := c.Load("k")
	return v
}
`
	for name, text := range map[string]string{"go.mod": gomod, "copy.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gocmd, "vet", ".")
	cmd.Dir = dir
	// The test binary may run for another GOARCH under an emulator; vet
	// checks source, so the host's settings will do.
	cmd.Env = append(os.Environ(), "GOARCH=", "GOOS=", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet accepted a copied Map; output:\n%s", out)
	}
	if !strings.Contains(string(out), "copies lock") {
		t.Fatalf("go vet failed, but not for the copied lock:\n%s", out)
	}
}

// TestDeletedKeysAreCollected checks that deleting keys releases them and
// their values once ordinary traffic has followed: new keys and look-ups.
// It deletes every key of a small map and of a large one, whose table
// spans many segments that the new keys never write to.
func TestDeletedKeysAreCollected(t *testing.T) {
	for _, n := range []int{100, 1 << 14} {
		t.Run(fmt.Sprint("keys=", n), func(t *testing.T) {
			var m syncmap.Map[*object, *object]
			var collected atomic.Int64
			onGC := func(*object) { collected.Add(1) }
			for range n {
				k, v := new(object), new(object)
				runtime.SetFinalizer(k, onGC)
				runtime.SetFinalizer(v, onGC)
				m.Store(k, v)
				v2 := new(object)
				runtime.SetFinalizer(v2, onGC)
				m.Store(k, v2)
			}
			m.Range(func(k, v *object) bool { // delete everything
				m.Delete(k)
				return true
			})

			// Ordinary traffic: new keys, and look-ups of them and of others.
			kept := make([]*object, 1000)
			for i := range kept {
				kept[i] = new(object)
				m.Store(kept[i], kept[i])
				m.Load(kept[i])
				m.Load(new(object))
			}
			waitCollected(t, &collected, 3*n, "deleted keys and values")
			for _, k := range kept {
				if v, ok := m.Load(k); !ok || v != k {
					t.Fatalf("Load(kept) = %p, %v; want %p, true", v, ok, k)
				}
			}
		})
	}
}

// TestReplacedValuesAreCollected checks that a value that holds pointers
// is unreachable from the map as soon as it is replaced, by each method
// that replaces values, while its key stays: a pointer, which the entry
// holds itself, and a struct that holds one, which gets an allocation of
// its own, the first value of a key included.
func TestReplacedValuesAreCollected(t *testing.T) {
	type holder struct {
		p *object
		n int
	}
	t.Run("V=*object", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) *object { return o })
	})
	t.Run("V=struct", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) holder { return holder{o, 1} })
	})
	t.Run("V=any", func(t *testing.T) {
		testReplacedValuesAreCollected(t, func(o *object) any { return o })
	})
}

func testReplacedValuesAreCollected[V comparable](t *testing.T, value func(*object) V) {
	var m syncmap.Map[int, V]
	var collected atomic.Int64
	tracked := func() V {
		o := new(object)
		runtime.SetFinalizer(o, func(*object) { collected.Add(1) })
		return value(o)
	}
	const n = 12
	for k := range n {
		m.Store(k, tracked())
		if k == n/2 {
			m.Range(func(int, V) bool { return true })
		}
		switch v, _ := m.Load(k); k % 3 {
		case 0:
			m.Store(k, value(nil))
		case 1:
			m.Swap(k, value(nil))
		case 2:
			m.CompareAndSwap(k, v, value(nil))
		}
	}
	waitCollected(t, &collected, n, "replaced values")
	if got := m.Len(); got != n {
		t.Errorf("Len() = %d after replacing values; want %d", got, n)
	}
	runtime.KeepAlive(&m)
}

// TestDeletedValuesAreCollectedAtOnce stores and deletes keys of a small
// map, through every method that deletes: each value must be collected as
// soon as its key is deleted, and so must the keys (which
// TestDeletedKeysAreReleasedAtOnce checks with no later call at all).
func TestDeletedValuesAreCollectedAtOnce(t *testing.T) {
	var m syncmap.Map[*object, *object]
	m.Store(new(object), nil)
	var keys, values atomic.Int64
	const n = 30
	for i := range n {
		k, v := new(object), new(object)
		runtime.SetFinalizer(k, func(*object) { keys.Add(1) })
		runtime.SetFinalizer(v, func(*object) { values.Add(1) })
		m.Store(k, v)
		switch i % 3 {
		case 0:
			m.Delete(k)
		case 1:
			m.LoadAndDelete(k)
		case 2:
			m.CompareAndDelete(k, v)
		}
	}
	waitCollected(t, &values, n, "deleted values")
	for range 8 {
		k := new(object)
		m.Store(k, nil)
		m.Delete(k)
	}
	m.Store(new(object), nil)
	waitCollected(t, &keys, n, "deleted keys, after 9 more stores")
	runtime.KeepAlive(&m) // the deleted keys must go, not the map
}

// object is large enough not to be batched with other tiny objects, whose
// finalizers would then wait for each other.
type object struct{ _ [64]byte }

// waitCollected collects garbage until collected reaches want, or fails
// after ten seconds, saying how many of what were collected.
func waitCollected(t *testing.T, collected *atomic.Int64, want int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() < int64(want) && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := collected.Load(); got != int64(want) {
		t.Errorf("%d of %d %s were collected", got, want, what)
	}
}

// filledMap returns a map of the keys 0 to n-1, each with itself as its
// value.
func filledMap(n int) *syncmap.Map[int, int] {
	m := new(syncmap.Map[int, int])
	fill(m, n)
	return m
}

// fill stores the keys 0 to n-1 into m, each with itself as its value.
func fill(m *syncmap.Map[int, int], n int) {
	for i := range n {
		m.Store(i, i)
	}
}

func TestReadPathsDoNotAllocate(t *testing.T) {
	m := filledMap(100)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Load hit", func() { m.Load(1) }},
		{"Load miss", func() { m.Load(1000) }},
		{"LoadOrStore hit", func() { m.LoadOrStore(1, 7) }},
		{"CompareAndSwap mismatch", func() { m.CompareAndSwap(1, 7, 8) }},
		{"CompareAndSwap miss", func() { m.CompareAndSwap(1000, 7, 8) }},
		{"CompareAndDelete mismatch", func() { m.CompareAndDelete(1, 7) }},
		{"Range", func() { m.Range(func(int, int) bool { return true }) }},
		{"LoadOrCompute hit", func() { m.LoadOrCompute(1, computeNothing) }},
		{"Len", func() { m.Len() }},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s: %v allocations per run; want 0", tc.name, n)
		}
	}
	// A struct key, hashed field by field, and a value larger than four
	// words, which the hits copy out of the entry themselves.
	type key struct {
		ID   int
		Name string
	}
	type large [5]string
	var l syncmap.Map[key, large]
	l.Store(key{1, "a"}, large{"v"})
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Load hit", func() { l.Load(key{1, "a"}) }},
		{"Load miss", func() { l.Load(key{2, "a"}) }},
		{"LoadOrStore hit", func() { l.LoadOrStore(key{1, "a"}, large{}) }},
		{"LoadOrCompute hit", func() { l.LoadOrCompute(key{1, "a"}, func() large { panic("computed") }) }},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s with a struct key and a large value: %v allocations per run; want 0", tc.name, n)
		}
	}
	var s syncmap.Map[string, any]
	s.Store("k", "v")
	s.Range(func(string, any) bool { return true })
	if n := testing.AllocsPerRun(100, func() { s.CompareAndSwap("k", "w", "x") }); n != 0 {
		t.Errorf("CompareAndSwap mismatch on interface values: %v allocations per run; want 0", n)
	}
}

func computeNothing() int { panic("compute called for a present key") }

// TestWritesAllocateOnce checks that a new key costs one allocation (its
// entry, which holds its first value), and that replacing the value of a
// present key costs at most one (the new value). AllocsPerRun truncates its
// average, so the map's own occasional growth does not count.
func TestWritesAllocateOnce(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(-1, 0)
	next := 0
	for _, tc := range []struct {
		name string
		f    func()
		want float64
	}{
		{"Store of a new key", func() { next++; m.Store(next, next) }, 1},
		{"LoadOrStore of a new key", func() { next++; m.LoadOrStore(next, next) }, 1},
		{"LoadOrCompute of a new key", func() { next++; m.LoadOrCompute(next, computeZero) }, 1},
		{"Store of a present key", func() { m.Store(-1, next) }, 1},
		{"Swap of a present key", func() { m.Swap(-1, next) }, 1},
		{"CompareAndSwap of a present key", func() { v, _ := m.Load(-1); m.CompareAndSwap(-1, v, v+1) }, 1},
	} {
		if n := testing.AllocsPerRun(1000, tc.f); n > tc.want {
			t.Errorf("%s: %v allocations per call; want at most %v", tc.name, n, tc.want)
		}
	}
}

func computeZero() int { return 0 }

func TestIteratorsAllocateOnlyTheirClosure(t *testing.T) {
	m := filledMap(100)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"All", func() {
			for range m.All() {
			}
		}},
		{"Keys", func() {
			for range m.Keys() {
			}
		}},
		{"Values", func() {
			for range m.Values() {
			}
		}},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n > 1 {
			t.Errorf("%s: %v allocations per loop; want at most 1", tc.name, n)
		}
	}
}

func TestIterators(t *testing.T) {
	var m syncmap.Map[int, int]
	for i := range 10 {
		m.Store(i, 10*i)
	}
	got := map[int]int{}
	for k, v := range m.All() {
		if _, dup := got[k]; dup {
			t.Errorf("All yielded key %d twice", k)
		}
		got[k] = v
		m.Store(k+100, v) // the body may call any method
		m.Delete(k + 1000)
	}
	for i := range 10 {
		if got[i] != 10*i {
			t.Errorf("All: key %d = %d; want %d", i, got[i], 10*i)
		}
		if v, ok := m.Load(i + 100); !ok || v != 10*i {
			t.Errorf("Load(%d) after stores in the loop body = %d, %v; want %d, true", i+100, v, ok, 10*i)
		}
	}

	n := 0
	for range m.Keys() {
		n++
		break
	}
	if n != 1 {
		t.Errorf("Keys ran the body %d times after a break; want 1", n)
	}
	var keys, values []int
	for k := range m.Keys() {
		keys = append(keys, k)
	}
	for v := range m.Values() {
		values = append(values, v)
	}
	if len(keys) != m.Len() || len(values) != m.Len() {
		t.Errorf("Keys yielded %d keys and Values %d values; want Len() = %d", len(keys), len(values), m.Len())
	}
}

func TestLen(t *testing.T) {
	var m syncmap.Map[string, int]
	check := func(want int) {
		t.Helper()
		if n := m.Len(); n != want {
			t.Fatalf("Len() = %d; want %d", n, want)
		}
	}
	check(0)
	m.Store("a", 1)
	m.Store("b", 2)
	m.Store("a", 3) // an overwrite adds nothing
	check(2)
	m.Range(func(string, int) bool { return true })
	m.Delete("a")
	m.Delete("a")
	check(1)
	m.Store("c", 3) // expunges "a"
	m.LoadOrStore("a", 4)
	check(3)
	m.Clear()
	check(0)
	m.Store("d", 5)
	check(1)
}

// TestLenWithSharedKeys has goroutines add and delete the same key while
// Len is polled. The stable keys, which nobody touches, are present
// throughout every call of Len, so Len must never count fewer; and at any
// moment, each call in flight may count one key more than are present.
func TestLenWithSharedKeys(t *testing.T) {
	const stable, shared = 10, 1
	var m syncmap.Map[int, int]
	for k := range stable {
		m.Store(-1-k, k)
	}
	g := goroutines()
	stop := churn(g, func(i, r int) {
		k := r % shared
		switch (i + r) % 6 { // through every path that adds or deletes
		case 0:
			m.Store(k, r)
		case 1:
			m.LoadAndDelete(k)
		case 2:
			m.LoadOrStore(k, r)
		case 3:
			if v, ok := m.Load(k); ok {
				m.CompareAndDelete(k, v)
			}
		case 4:
			m.Swap(k, r)
		case 5:
			m.Delete(k)
		}
	})
	// The race detector slows each call down enough for the goroutines'
	// steps to interleave often; without it, a second is needed.
	poll := time.Second
	if testing.Short() {
		poll = 200 * time.Millisecond
	}
	for start := time.Now(); time.Since(start) < poll; {
		if n := m.Len(); n < stable || n > stable+shared+g {
			t.Errorf("Len() = %d while %d goroutines add and delete %d keys beside %d others; want within [%d, %d]",
				n, g, shared, stable, stable, stable+shared+g)
			break
		}
	}
	stop()
	if n, want := m.Len(), len(contents(&m)); n != want {
		t.Errorf("Len() = %d after churn; want %d", n, want)
	}
}

// TestLenWhileKeysRevive races the calls that add a key again with the
// calls that delete it, while Len is polled: the stable keys are present
// throughout every call of Len, so Len must never count fewer. A call that
// adds the key must count it before it makes it present: counted after, a
// delete that lands in between takes the key off the count before it is
// on it, and Len comes out one short for as long as the adder is held up
// there. The test
// runs more threads than there are cores, so that the operating system
// suspends them at any instruction, for a time slice, many times a second.
func TestLenWhileKeysRevive(t *testing.T) {
	const stable = 16
	var m syncmap.Map[int, *int]
	for k := 1; k <= stable; k++ {
		m.Store(k, new(int))
	}
	m.Store(0, new(int))
	m.Delete(0)
	p := new(int)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8 * runtime.NumCPU()))
	stop := churn(goroutines(), func(_, r int) {
		switch r % 6 { // every call that adds or deletes the key
		case 0:
			m.Store(0, p)
		case 1:
			m.Delete(0)
		case 2:
			m.LoadOrStore(0, p)
		case 3:
			m.LoadAndDelete(0)
		case 4:
			m.Swap(0, p)
		case 5:
			m.CompareAndDelete(0, p)
		}
	})
	defer stop()
	poll := 2 * time.Second
	if testing.Short() {
		poll = 500 * time.Millisecond
	}
	for start := time.Now(); time.Since(start) < poll; {
		if n := m.Len(); n < stable {
			t.Fatalf("Len() = %d while goroutines revive and delete one key beside %d others; want at least %d", n, stable, stable)
		}
	}
}

// TestLenCountsNewKeysBeforeTheyArePresent has one goroutine store new
// keys, one after another, while another loads each key as soon as it is
// present and then calls Len. Once key i is found, keys 0 to i are present
// throughout the call of Len, which must count them all: a key counted
// only after it is published into its segment would be found by a Load
// before it is counted.
func TestLenCountsNewKeysBeforeTheyArePresent(t *testing.T) {
	n := 200_000 // a few tenths of a second; fewer miss the window more often
	if testing.Short() {
		n /= 2
	}
	var m syncmap.Map[int, int]
	runGoroutines(t, 2, func(g int) {
		if g == 0 {
			for k := range n {
				m.Store(k, k)
			}
			return
		}
		for k := 0; k < n; {
			if _, ok := m.Load(k); !ok {
				continue
			}
			k++
			if got := m.Len(); got < k {
				t.Errorf("Len() = %d once key %d was found, with keys 0 to %d stored one after another; want at least %d", got, k-1, k-1, k)
				return
			}
		}
	})
}

// TestLenDuringChurn has each goroutine toggle one key of its own while
// Len is polled: at every moment between S and S+G keys are present, and
// since each key's changes are counted in order, Len must stay within that
// range; once the goroutines stop, it must be exact.
func TestLenDuringChurn(t *testing.T) {
	var m syncmap.Map[int, int]
	const stable = 100
	for k := range stable {
		m.Store(-1-k, k)
	}
	g := goroutines()
	stop := churn(g, func(i, r int) {
		switch r % 4 { // through every path that adds or deletes
		case 0:
			m.Store(i, r)
		case 1:
			m.LoadAndDelete(i)
		case 2:
			m.LoadOrStore(i, r)
		case 3:
			m.CompareAndDelete(i, r-1)
		}
	})
	for range rounds(200000) {
		if n := m.Len(); n < stable || n > stable+g {
			t.Errorf("Len() = %d during churn; want within [%d, %d]", n, stable, stable+g)
			break
		}
	}
	stop()
	if n, want := m.Len(), len(contents(&m)); n != want {
		t.Errorf("Len() = %d after churn; want %d", n, want)
	}
}

// churn runs step(i, r) for r = 0, 1, ... on goroutines i = 0 to g-1 until
// the function it returns is called, which waits for them to stop.
func churn(g int, step func(i, r int)) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for i := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; !done.Load(); r++ {
				step(i, r)
			}
		}()
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}

// TestScenarios runs the concurrent scenarios against every implementation.
func TestScenarios(t *testing.T) {
	for _, impl := range implementations {
		t.Run(impl.name, func(t *testing.T) {
			testScenarios(t, impl.new)
		})
	}
}

func testScenarios(t *testing.T, newMap func() refmap.Interface[int, int]) {
	t.Run("ConcurrentDisjointKeys", func(t *testing.T) { testDisjointKeys(t, newMap()) })
	t.Run("ConcurrentLoadOrStoreOneWinner", func(t *testing.T) { testLoadOrStoreOneWinner(t, newMap()) })
	t.Run("ConcurrentCompareAndSwapCounter", func(t *testing.T) { testCompareAndSwapCounter(t, newMap()) })
	t.Run("RangeDuringChurn", func(t *testing.T) { testRangeDuringChurn(t, newMap()) })
	t.Run("RangeNestedCalls", func(t *testing.T) { testRangeNestedCalls(t, newMap()) })
	t.Run("RangePanic", func(t *testing.T) { testRangePanic(t, newMap()) })
	t.Run("LenAfterChurn", func(t *testing.T) { testLenAfterChurn(t, newMap()) })
}

// testLenAfterChurn races every operation that adds or deletes keys on a
// few shared keys, with one Clear in the middle of each round: once the
// round's calls are done, Len must count exactly the keys present. Calls
// that race with Clear are the ones that could leave a count behind.
func testLenAfterChurn(t *testing.T, m refmap.Interface[int, int]) {
	const keys, ops = 16, 200
	g := goroutines()
	for round := range rounds(300) {
		runGoroutines(t, g, func(g int) {
			rng := rand.New(rand.NewSource(int64(round*1000 + g)))
			for i := range ops {
				if g == 0 && i == ops/2 {
					m.Clear()
				}
				k := rng.Intn(keys)
				switch rng.Intn(7) {
				case 0:
					m.Store(k, i)
				case 1:
					m.LoadOrStore(k, i)
				case 2:
					m.Swap(k, i)
				case 3:
					m.Delete(k)
				case 4:
					m.LoadAndDelete(k)
				case 5:
					v, _ := m.Load(k)
					m.CompareAndDelete(k, v)
				case 6:
					m.LoadOrCompute(k, func() int { return i })
				}
			}
		})
		if n, want := m.Len(), len(contents(m)); n != want {
			t.Fatalf("round %d: Len() = %d after churn; want %d", round, n, want)
		}
	}
}

func goroutines() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

func rounds(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

// runGoroutines runs f(g) on n goroutines and waits for them, failing the
// test if they do not finish.
func runGoroutines(t *testing.T, n int, f func(g int)) {
	t.Helper()
	withTimeout(t, func() {
		var wg sync.WaitGroup
		for g := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f(g)
			}()
		}
		wg.Wait()
	})
}

// testDisjointKeys takes each goroutine's own keys through their whole
// lifecycle while the others do the same: no call may see another
// goroutine's work. New keys keep arriving, so segments are swept, rebuilt
// and split throughout.
func testDisjointKeys(t *testing.T, m refmap.Interface[int, int]) {
	const keysPer = 16
	n := rounds(300)
	runGoroutines(t, goroutines(), func(g int) {
		check := func(what string, ok bool) {
			if !ok {
				t.Errorf("goroutine %d: %s", g, what)
			}
		}
		for r := range n {
			for i := range keysPer {
				k := (g*n+r)*keysPer + i // a new key every round
				m.Store(k, 1)
				v, ok := m.Load(k)
				check(fmt.Sprintf("Load(%d) = %d, %v after Store 1", k, v, ok), ok && v == 1)
				v, ok = m.Swap(k, 2)
				check(fmt.Sprintf("Swap(%d, 2) = %d, %v", k, v, ok), ok && v == 1)
				check("CompareAndSwap(2, 3)", m.CompareAndSwap(k, 2, 3))
				check("CompareAndSwap(2, 4) after 3", !m.CompareAndSwap(k, 2, 4))
				v, ok = m.LoadOrStore(k, 5)
				check(fmt.Sprintf("LoadOrStore(%d, 5) = %d, %v", k, v, ok), ok && v == 3)
				check("CompareAndDelete(3)", m.CompareAndDelete(k, 3))
				v, ok = m.Load(k)
				check(fmt.Sprintf("Load(%d) = %d, %v after delete", k, v, ok), !ok)
				v, ok = m.LoadOrStore(k, 6)
				check(fmt.Sprintf("LoadOrStore(%d, 6) = %d, %v on missing key", k, v, ok), !ok && v == 6)
				// Old keys of this goroutine, deleted or not, are swept
				// out, or moved, as the map is rebuilt around them.
				if r > 0 {
					old := k - keysPer
					v, ok = m.LoadAndDelete(old)
					check(fmt.Sprintf("LoadAndDelete(%d) = %d, %v", old, v, ok), ok && v == 7)
					_, ok = m.Load(old)
					check(fmt.Sprintf("Load(%d) after LoadAndDelete", old), !ok)
				}
				m.Store(k, 7)
			}
		}
	})
}

// testLoadOrStoreOneWinner has every goroutine LoadOrStore its own value for
// the same keys: for each key, exactly one goroutine stores, and everyone
// gets its value. The first round races on new keys, which go through the
// lock; the second on deleted keys still in their segments, which take a
// value without it.
func testLoadOrStoreOneWinner(t *testing.T, m refmap.Interface[int, int]) {
	keys := rounds(1000)
	n := goroutines()
	for round := range 2 {
		actual := make([][]int, n)
		stored := make([][]bool, n)
		runGoroutines(t, n, func(g int) {
			actual[g] = make([]int, keys)
			stored[g] = make([]bool, keys)
			for i := range keys {
				k := (i + g*7) % keys // start at different keys
				v, loaded := m.LoadOrStore(k, g)
				actual[g][k], stored[g][k] = v, !loaded
			}
		})
		for k := range keys {
			winners := 0
			for g := range n {
				if stored[g][k] {
					winners++
					if actual[g][k] != g {
						t.Errorf("round %d, key %d: goroutine %d stored but got %d", round, k, g, actual[g][k])
					}
				}
				if actual[g][k] != actual[0][k] {
					t.Errorf("round %d, key %d: goroutine %d got %d, goroutine 0 got %d", round, k, g, actual[g][k], actual[0][k])
				}
			}
			if winners != 1 {
				t.Errorf("round %d, key %d: %d goroutines stored; want 1", round, k, winners)
			}
			if v, _ := m.Load(k); v != actual[0][k] {
				t.Errorf("round %d: Load(%d) = %d; want the winner's %d", round, k, v, actual[0][k])
			}
		}
		m.Range(func(k, _ int) bool { // delete in place
			m.Delete(k)
			return true
		})
	}
}

// testCompareAndSwapCounter increments one key with CompareAndSwap loops
// while other goroutines churn other keys, forcing sweeps and rebuilds:
// no increment may be lost.
func testCompareAndSwapCounter(t *testing.T, m refmap.Interface[int, int]) {
	const counter = -1
	m.Store(counter, 0)
	n := goroutines()
	incs := rounds(2000)
	runGoroutines(t, 2*n, func(g int) {
		if g%2 == 1 { // churn
			for i := range incs {
				k := g*incs + i
				m.Store(k, i)
				m.Load(k - 1)
				m.Delete(k - 3)
			}
			return
		}
		for range incs {
			for {
				v, _ := m.Load(counter)
				if m.CompareAndSwap(counter, v, v+1) {
					break
				}
			}
		}
	})
	if v, _ := m.Load(counter); v != n*incs {
		t.Errorf("counter = %d; want %d", v, n*incs)
	}
}

// testRangeDuringChurn ranges while other goroutines store and delete churn
// keys: Range must visit each key at most once, and every untouched key
// exactly once with its value.
func testRangeDuringChurn(t *testing.T, m refmap.Interface[int, int]) {
	const stable = 200
	for k := range stable {
		m.Store(k, -k)
	}
	var stop atomic.Bool
	var churn sync.WaitGroup
	for g := range 2 {
		churn.Add(1)
		go func() {
			defer churn.Done()
			for i := 0; !stop.Load(); i++ {
				k := stable + 10 + g*1_000_000 + i%1000
				m.Store(k, i)
				m.Delete(k - 5)
			}
		}()
	}
	defer func() {
		stop.Store(true)
		churn.Wait()
	}()
	for range rounds(200) {
		seen := make(map[int]bool)
		m.Range(func(k, v int) bool {
			if seen[k] {
				t.Fatalf("Range visited key %d twice", k)
			}
			seen[k] = true
			if k < stable && v != -k {
				t.Fatalf("Range: key %d = %d; want %d", k, v, -k)
			}
			return true
		})
		for k := range stable {
			if !seen[k] {
				t.Fatalf("Range missed untouched key %d", k)
			}
		}
	}
}

// testRangeNestedCalls calls every method from inside Range: none may
// deadlock, and their effects must be visible afterwards.
func testRangeNestedCalls(t *testing.T, m refmap.Interface[int, int]) {
	const n = 50
	for k := range n {
		m.Store(k, k)
	}
	withTimeout(t, func() {
		seen := make(map[int]bool)
		m.Range(func(k, v int) bool {
			if seen[k] {
				t.Errorf("Range visited key %d twice", k)
			}
			seen[k] = true
			if k >= n { // added by this Range; allowed to show up
				return true
			}
			m.Load(k)
			m.Store(k+1000, k)   // a new key
			m.Swap(k, v+1)       // an update
			m.LoadOrStore(-k, k) // a new key, or present
			m.CompareAndSwap(k, v+1, v+2)
			m.CompareAndDelete(-k, -1)
			m.LoadAndDelete(k + 2000)
			m.Delete(k + 3000)
			m.Range(func(int, int) bool { return false })
			return true
		})
		for k := range n {
			if !seen[k] {
				t.Errorf("Range missed key %d", k)
			}
			if v, ok := m.Load(k); !ok || v != k+2 {
				t.Errorf("Load(%d) = %d, %v; want %d, true", k, v, ok, k+2)
			}
			if v, ok := m.Load(k + 1000); !ok || v != k {
				t.Errorf("Load(%d) = %d, %v; want %d, true", k+1000, v, ok, k)
			}
		}
		m.Range(func(k, v int) bool {
			m.Clear()
			return true
		})
		if got := contents(m); len(got) != 0 {
			t.Errorf("contents after Clear inside Range = %v; want none", got)
		}
	})
}

// testRangePanic checks that a panic out of f leaves the map usable.
func testRangePanic(t *testing.T, m refmap.Interface[int, int]) {
	m.Store(1, 1)
	m.Store(2, 2)
	mustPanic(t, "Range with a panicking f", func() {
		m.Range(func(int, int) bool { panic("f") })
	})
	withTimeout(t, func() {
		m.Store(3, 3)
		m.Delete(1)
		if got, want := contents(m), [][2]int{{2, 2}, {3, 3}}; !reflect.DeepEqual(got, want) {
			t.Errorf("contents after a panic in Range = %v; want %v", got, want)
		}
	})
}
