// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/quick"
	"time"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds what the other tests share: the calls of the property and
// fuzz tests and their results, the table variants, and helpers that run
// goroutines.

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

// formatCall writes a call with the arguments its method takes.
func formatCall(c mapCall) string {
	switch c.op {
	case opLoad, opLoadAndDelete, opDelete:
		return fmt.Sprintf("%s(%d)", c.op, c.k)
	case opStore, opLoadOrStore, opSwap, opCompareAndDelete, opLoadOrCompute, opLoadOrTryCompute:
		return fmt.Sprintf("%s(%d, %d)", c.op, c.k, c.v)
	case opCompareAndSwap:
		return fmt.Sprintf("%s(%d, %d, %d)", c.op, c.k, c.v, c.new)
	}
	return fmt.Sprintf("%s()", c.op)
}

// formatResult writes the results that op returns.
func formatResult(op mapOp, r mapResult) string {
	switch op {
	case opLoad, opLoadOrStore, opLoadAndDelete, opSwap, opLoadOrCompute:
		return fmt.Sprintf("%d, %v", r.value, r.ok)
	case opLoadOrTryCompute:
		return fmt.Sprintf("%d, %v, error: %v", r.value, r.ok, r.err)
	case opCompareAndSwap, opCompareAndDelete:
		return fmt.Sprint(r.ok)
	case opRange, opAll, opKeys, opValues:
		return fmt.Sprint(r.pairs)
	case opLoadBurst:
		return fmt.Sprint(r.value)
	}
	return "()"
}

func formatCalls(calls []mapCall) string {
	if len(calls) == 0 {
		return "no calls"
	}
	s := make([]string, len(calls))
	for i, c := range calls {
		s[i] = formatCall(c)
	}
	return strings.Join(s, ", ")
}
