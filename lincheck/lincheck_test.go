// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build syncmap_tuning

package lincheck

import (
	"errors"
	"fmt"
	"iter"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// A history is a set-up, made of calls one after another, then calls of
// several goroutines at once, each recorded with the times of its call and
// its return on a clock they all share. Since linearizability is local
// (Herlihy and Wing), porcupine checks each key's calls on their own,
// against a model of one key (step), and the history is linearizable if
// every key's calls are. Two methods are not calls on one key:
//
//   - Clear goes into every key's calls, as a delete of the key. That
//     checks what Clear promises each key; whether all keys go at one
//     instant is not checked here (TestClearIsAtomic is).
//   - A Range, or a loop over All, becomes one look of the key for every
//     key of the history, from the Range's call to its return: the value
//     the Range gave the key, or absent if it did not visit it. That is
//     what Range promises, as sync.Map's does: no consistent snapshot, but
//     for each key a mapping it had at some point during the call. So a
//     Range that skips a key present throughout, or gives a value the key
//     did not hold meanwhile, fails. That it visits no key twice is
//     checked as it runs.
//
// Len is left out: while calls run, it promises bounds, not a value.

// op is a method of the map.
type op uint8

const (
	opLoad op = iota
	opStore
	opLoadOrStore
	opLoadAndDelete
	opDelete
	opSwap
	opCompareAndSwap
	opCompareAndDelete
	opLoadOrCompute
	opLoadOrTryCompute
	opCompute
	opClear
	opRange // recorded as one opSaw per key
	opAll   // likewise
	opSaw   // what a Range or All gave a key
)

var opNames = [...]string{
	"Load", "Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap", "CompareAndSwap",
	"CompareAndDelete", "LoadOrCompute", "LoadOrTryCompute", "Compute", "Clear", "Range", "All", "Range saw",
}

func (o op) String() string { return opNames[o] }

// A call is a call of op on key, with the value arguments v and new: the
// value to store, or the old value to compare with and the new one. For
// LoadOrCompute, LoadOrTryCompute and Compute, they choose what the
// function does (tryCompute, compute).
type call struct {
	op          op
	key, v, new int
}

// A result is what a call returned.
type result struct {
	v   int
	ok  bool // loaded, swapped, deleted or present, as the method says
	err bool // LoadOrTryCompute returned an error
}

// state is the model's view of one key: absent (the zero state), or
// present with a value.
type state struct {
	v       int
	present bool
}

// asLoad is what a Load of a key in state s returns.
func (s state) asLoad() result { return result{v: s.v, ok: s.present} }

var errOdd = errors.New("odd value")

// tryCompute is the function of LoadOrTryCompute: it fails for odd values.
func tryCompute(v int) (int, error) {
	if v%2 == 1 {
		return 0, errOdd
	}
	return v, nil
}

// compute returns the function of c, a Compute: by c.new, it cancels (0),
// updates (1) or deletes (2); an update stores c.v for an absent key, and
// old+c.v+1 for a present one, so that what it stores depends on what it
// was given.
func compute(c call) func(old int, loaded bool) (int, syncmap.ComputeOp) {
	return func(old int, loaded bool) (int, syncmap.ComputeOp) {
		op := syncmap.ComputeOp(c.new % 3)
		if !loaded {
			return c.v, op
		}
		return old + c.v + 1, op
	}
}

// step applies c to s and reports whether the model returns r, as the map
// did.
func step(s state, c call, r result) (bool, state) {
	switch c.op {
	case opLoad, opSaw:
		return r == s.asLoad(), s
	case opStore:
		return true, state{c.v, true}
	case opLoadOrStore, opLoadOrCompute: // LoadOrCompute's function returns c.v
		if s.present {
			return r == result{v: s.v, ok: true}, s
		}
		return r == result{v: c.v}, state{c.v, true}
	case opLoadOrTryCompute:
		if s.present {
			return r == result{v: s.v, ok: true}, s
		}
		if r.err {
			// Its own function failed, or that of a call it waited for:
			// the key was absent, and stays so.
			return r == result{err: true}, s
		}
		v, err := tryCompute(c.v)
		return err == nil && r == result{v: v}, state{v, true}
	case opLoadAndDelete:
		return r == s.asLoad(), state{}
	case opDelete, opClear:
		return true, state{}
	case opSwap:
		return r == s.asLoad(), state{c.v, true}
	case opCompareAndSwap:
		if s.present && s.v == c.v {
			return r == result{ok: true}, state{c.new, true}
		}
		return r == result{}, s
	case opCompareAndDelete:
		if s.present && s.v == c.v {
			return r == result{ok: true}, state{}
		}
		return r == result{}, s
	case opCompute:
		switch v, op := compute(c)(s.v, s.present); op {
		case syncmap.UpdateOp:
			return r == result{v: v, ok: true}, state{v, true}
		case syncmap.DeleteOp:
			return r == result{}, state{}
		}
		return r == s.asLoad(), s
	}
	panic(fmt.Sprintf("no model for %v", c.op))
}

// model is the model of one key for porcupine, with the history split by
// key.
var model = porcupine.Model{
	Partition: partition,
	Init:      func() any { return state{} },
	Step: func(s, c, r any) (bool, any) {
		return step(s.(state), c.(call), r.(result))
	},
	DescribeOperation: func(c, r any) string { return describe(c.(call), r.(result)) },
	DescribeState: func(s any) string {
		if s := s.(state); s.present {
			return fmt.Sprint(s.v)
		}
		return "absent"
	},
}

// partition splits a history into the calls of each key, Clear going into
// every key's.
func partition(history []porcupine.Operation) [][]porcupine.Operation {
	var clears []porcupine.Operation
	byKey := make(map[int][]porcupine.Operation)
	for _, o := range history {
		if c := o.Input.(call); c.op == opClear {
			clears = append(clears, o)
		} else {
			byKey[c.key] = append(byKey[c.key], o)
		}
	}
	keys := make([]int, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([][]porcupine.Operation, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, append(byKey[k], clears...))
	}
	return parts
}

func describe(c call, r result) string {
	switch c.op {
	case opStore, opDelete, opClear:
		return fmt.Sprintf("%v(%d, %d)", c.op, c.key, c.v)
	case opCompareAndSwap, opCompareAndDelete:
		return fmt.Sprintf("%v(%d, %d, %d) = %v", c.op, c.key, c.v, c.new, r.ok)
	case opLoadOrTryCompute:
		return fmt.Sprintf("%v(%d, %d) = %d, %v, err=%v", c.op, c.key, c.v, r.v, r.ok, r.err)
	}
	return fmt.Sprintf("%v(%d, %d, %d) = %d, %v", c.op, c.key, c.v, c.new, r.v, r.ok)
}

// apply makes call c, a call on one key or Clear, on m.
func apply(m refmap.Interface[int, int], c call) result {
	var r result
	switch c.op {
	case opLoad:
		r.v, r.ok = m.Load(c.key)
	case opStore:
		m.Store(c.key, c.v)
	case opLoadOrStore:
		r.v, r.ok = m.LoadOrStore(c.key, c.v)
	case opLoadAndDelete:
		r.v, r.ok = m.LoadAndDelete(c.key)
	case opDelete:
		m.Delete(c.key)
	case opSwap:
		r.v, r.ok = m.Swap(c.key, c.v)
	case opCompareAndSwap:
		r.ok = m.CompareAndSwap(c.key, c.v, c.new)
	case opCompareAndDelete:
		r.ok = m.CompareAndDelete(c.key, c.v)
	case opLoadOrCompute:
		r.v, r.ok = m.LoadOrCompute(c.key, func() int { return c.v })
	case opLoadOrTryCompute:
		var err error
		r.v, r.ok, err = m.LoadOrTryCompute(c.key, func() (int, error) { return tryCompute(c.v) })
		r.err = err != nil
	case opCompute:
		r.v, r.ok = m.Compute(c.key, compute(c))
	case opClear:
		m.Clear()
	default:
		panic(fmt.Sprintf("apply: %v is not a call on one key", c.op))
	}
	return r
}

// The keys of a history: a few that the calls use, and more that the
// set-up stores and the calls only see through Range and Clear, so that
// with small segments the map splits and merges under the calls.
const (
	callKeys   = 3
	paddedKeys = callKeys + 24
	values     = 3
)

// A recorder records the calls of one history.
type recorder struct {
	m     refmap.Interface[int, int]
	clock atomic.Int64

	mu  sync.Mutex
	ops []porcupine.Operation
	bad string // what a Range did that the model cannot see, if anything
}

// do makes call c as goroutine g, and records it.
func (h *recorder) do(g int, c call) {
	if c.op == opRange || c.op == opAll {
		h.iterate(g, c.op)
		return
	}
	start := h.clock.Add(1)
	r := apply(h.m, c)
	end := h.clock.Add(1)
	h.record(porcupine.Operation{ClientId: g, Input: c, Call: start, Output: r, Return: end})
}

// iterate makes a Range, or a loop over All, as goroutine g, and records
// what it gave each key of the history.
func (h *recorder) iterate(g int, how op) {
	saw := make(map[int]int)
	visit := func(k, v int) bool {
		if _, ok := saw[k]; ok {
			h.fail(fmt.Sprintf("%v visited key %d twice", how, k))
		}
		if k < 0 || k >= paddedKeys {
			h.fail(fmt.Sprintf("%v visited key %d, which the history never stored", how, k))
		}
		saw[k] = v
		return true
	}
	start := h.clock.Add(1)
	if how == opRange {
		h.m.Range(visit)
	} else {
		for k, v := range h.m.All() {
			visit(k, v)
		}
	}
	end := h.clock.Add(1)
	for k := range paddedKeys {
		v, ok := saw[k]
		h.record(porcupine.Operation{ClientId: g, Input: call{op: opSaw, key: k}, Call: start,
			Output: result{v: v, ok: ok}, Return: end})
	}
}

func (h *recorder) record(o porcupine.Operation) {
	h.mu.Lock()
	h.ops = append(h.ops, o)
	h.mu.Unlock()
}

func (h *recorder) fail(what string) {
	h.mu.Lock()
	if h.bad == "" {
		h.bad = what
	}
	h.mu.Unlock()
}

// randomCall returns a call of any method but Len on the history's call
// keys; Clear is rare, or it would leave little to check.
func randomCall(rng *rand.Rand) call {
	ops := [...]op{
		opLoad, opLoad, opStore, opLoadOrStore, opLoadAndDelete, opDelete, opSwap,
		opCompareAndSwap, opCompareAndSwap, opCompareAndDelete, opLoadOrCompute,
		opLoadOrTryCompute, opCompute, opCompute, opRange, opAll,
	}
	c := call{op: ops[rng.Intn(len(ops))], key: rng.Intn(callKeys), v: rng.Intn(values), new: rng.Intn(values)}
	if rng.Intn(40) == 0 {
		c.op = opClear
	}
	return c
}

// record sets up m, then makes perG random calls on each of n goroutines
// at once, and returns the history, or what a Range did wrong. The calls
// are drawn from seed; how they interleave is up to the scheduler.
func record(t *testing.T, m refmap.Interface[int, int], seed int64, n, perG int) (history []porcupine.Operation, bad string) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	h := &recorder{m: m}

	// The set-up leaves each call key absent, present, or deleted and
	// stored again, and the map padded with keys that fill several small
	// segments; it deletes some of those again, so that segments merge.
	for k := range callKeys {
		if rng.Intn(4) != 0 {
			h.do(0, call{op: opStore, key: k, v: rng.Intn(values)})
		}
	}
	for k := callKeys; k < paddedKeys; k++ {
		h.do(0, call{op: opStore, key: k, v: k})
	}
	for k := range paddedKeys {
		if rng.Intn(3) == 0 {
			h.do(0, call{op: opDelete, key: k})
		}
	}
	for k := range callKeys {
		if rng.Intn(3) == 0 {
			h.do(0, call{op: opStore, key: k, v: rng.Intn(values)})
		}
	}

	plans := make([][]call, n)
	for g := range plans {
		for range perG {
			plans[g] = append(plans[g], randomCall(rng))
		}
	}
	yields := rng.Int63()
	var ready atomic.Int32
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Start together, so that the calls overlap: spin, but yield
			// now and then, so that goroutines without a thread get to
			// run too.
			ready.Add(1)
			for spin := 1; ready.Load() < int32(n); spin++ {
				if spin%1024 == 0 {
					runtime.Gosched()
				}
			}
			for i, c := range plans[g] {
				if yields>>((g*perG+i)%63)&1 == 1 {
					runtime.Gosched()
				}
				h.do(g, c)
			}
		}()
	}
	wg.Wait()
	return h.ops, h.bad
}

// check checks histories recorded on maps that newMap makes, each from its
// own seed, and fails t at the first that is not linearizable. It returns
// how many calls overlapped another of the same key, which is what the
// histories test.
func check(t *testing.T, newMap func() refmap.Interface[int, int], seed int64, histories, goroutines, perG int) (overlapping int) {
	t.Helper()
	for i := range histories {
		history, bad := record(t, newMap(), seed+int64(i), goroutines, perG)
		if bad != "" {
			t.Fatalf("seed %d: %s", seed+int64(i), bad)
		}
		result := porcupine.CheckOperationsTimeout(model, history, time.Minute)
		if result != porcupine.Ok {
			t.Fatalf("seed %d: the history is %s:\n%s", seed+int64(i), result, describeFailure(history))
		}
		overlapping += countOverlapping(history)
	}
	return overlapping
}

// describeFailure lists the calls of the first key whose calls cannot be
// linearized, by call time.
func describeFailure(history []porcupine.Operation) string {
	for _, part := range partition(history) {
		if porcupine.CheckOperations(porcupine.Model{Init: model.Init, Step: model.Step}, part) {
			continue
		}
		sort.Slice(part, func(i, j int) bool { return part[i].Call < part[j].Call })
		var b strings.Builder
		for _, o := range part {
			fmt.Fprintf(&b, "\tg%d [%4d, %4d] %s\n", o.ClientId, o.Call, o.Return,
				describe(o.Input.(call), o.Output.(result)))
		}
		return b.String()
	}
	return "(no key's calls alone fail)"
}

// countOverlapping counts the calls on one key, Range looks included, that
// overlap another call on it.
func countOverlapping(history []porcupine.Operation) int {
	n := 0
	for _, part := range partition(history) {
		for i, a := range part {
			for j, b := range part {
				if i != j && a.Call < b.Return && b.Call < a.Return {
					n++
					break
				}
			}
		}
	}
	return n
}

// variants are the settings of the map under which histories are checked:
// the default, more threads than cores (the operating system then preempts
// threads in the middle of calls), and the small tables of the package's
// own tests (its tableVariants), whose segments split and merge under the
// calls, with keys that collide or share most bits of their hash.
var variants = []struct {
	name   string
	procs  int // 0: leave GOMAXPROCS as it is
	tuning syncmap.Tuning
}{
	{"default", 0, syncmap.Tuning{}},
	{"GOMAXPROCS=8", 8, syncmap.Tuning{}},
	{"segments=1group", 0, syncmap.Tuning{MaxGroups: 1}},
	{"segments=4groups", 0, syncmap.Tuning{MaxGroups: 4}},
	{"segments=1group,hash=collide", 0, syncmap.Tuning{MaxGroups: 1, Hash: func(uint64) uint64 { return 0 }}},
	{"segments=1group,hash=fewBits", 0, syncmap.Tuning{MaxGroups: 1, Hash: fewBits}},
}

// fewBits keeps two bits of a hash for the directory, one for the group
// and two of h2.
func fewBits(h uint64) uint64 { return h & (3<<62 | 1<<38 | 3) }

const (
	goroutines = 6
	callsPerG  = 12
)

func TestLinearizable(t *testing.T) {
	histories := 500
	if testing.Short() {
		histories = 50
	}
	for i, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			if v.procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(v.procs))
			}
			seed := int64(7100 + 10_000*i)
			newMap := func() refmap.Interface[int, int] { return syncmap.NewTuned[int, int](v.tuning) }
			overlapping := check(t, newMap, seed, histories, goroutines, callsPerG)
			t.Logf("%d histories from seed %d; %d calls overlapped another on the same key", histories, seed, overlapping)
		})
	}
}

// TestReferenceIsLinearizable checks the checker on the map guarded by a
// mutex, which is linearizable: a failure here is the model's.
func TestReferenceIsLinearizable(t *testing.T) {
	newMap := func() refmap.Interface[int, int] { return new(refmap.RWMutexMap[int, int]) }
	check(t, newMap, 5100, 100, goroutines, callsPerG)
}

// racyCASMap is a map whose CompareAndSwap is a Load, then a Store: the
// classic compare-and-swap that is not atomic, with a yield in between to
// widen the window.
type racyCASMap struct {
	refmap.RWMutexMap[int, int]
}

func (m *racyCASMap) CompareAndSwap(key, old, new int) (swapped bool) {
	if v, ok := m.Load(key); !ok || v != old {
		return false
	}
	runtime.Gosched()
	m.Store(key, new)
	return true
}

// skippingRangeMap is a map whose Range and All skip the first key they
// meet, as a Range that loses a key in a split would.
type skippingRangeMap struct {
	refmap.RWMutexMap[int, int]
}

func (m *skippingRangeMap) Range(f func(k, v int) bool) {
	first := true
	m.RWMutexMap.Range(func(k, v int) bool {
		if first {
			first = false
			return true
		}
		return f(k, v)
	})
}

func (m *skippingRangeMap) All() iter.Seq2[int, int] { return m.Range }

// TestCheckerFails shows that TestLinearizable can fail: on a map with a
// CompareAndSwap that is not atomic, or a Range that skips a key, some
// history must not be linearizable.
func TestCheckerFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newMap func() refmap.Interface[int, int]
	}{
		{"racy CompareAndSwap", func() refmap.Interface[int, int] { return new(racyCASMap) }},
		{"Range skips a key", func() refmap.Interface[int, int] { return new(skippingRangeMap) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const seed, most = 9100, 2000
			for i := range most {
				history, _ := record(t, tc.newMap(), seed+int64(i), goroutines, callsPerG)
				if !porcupine.CheckOperations(model, history) {
					t.Logf("history %d is not linearizable, as it should not be:\n%s", i+1,
						describeFailure(history))
					return
				}
			}
			t.Fatalf("all %d histories from seed %d passed as linearizable", most, seed)
		})
	}
}
