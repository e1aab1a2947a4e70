// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"flag"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds the reliability tests: a fuzz target, a linearizability
// check of concurrent histories, a bounded soak, memory bounds, and panic
// safety.

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

// An input of FuzzMap is a sequence of calls, each a letter naming the
// method followed by one byte per argument: a key ('0' to '7') and, for the
// methods that take them, a value and a new value ('0' to '3'). Spaces are
// skipped. So "S01 S12 B D1 S23 S13" stores two keys, loads them in a
// burst, deletes key 1, sweeps it out of its segment by storing a new key,
// and stores it again. Any other byte names a method too, so that every
// input the fuzzer makes decodes to calls.
var fuzzLetters = map[byte]mapOp{
	'L': opLoad,
	'S': opStore,
	'O': opLoadOrStore,
	'A': opLoadAndDelete,
	'D': opDelete,
	'W': opSwap,
	'C': opCompareAndSwap,
	'E': opCompareAndDelete,
	'R': opRange,
	'X': opClear,
	'B': opLoadBurst,
	'P': opLoadOrCompute,
	'T': opLoadOrTryCompute,
	'I': opAll,
	'K': opKeys,
	'V': opValues,
	'U': opCompute,
}

// fuzzMaxCalls bounds the calls decoded from one input, so that large
// inputs do not slow the fuzzer down without exploring anything new.
const fuzzMaxCalls = 512

// fuzzArgs returns how many argument bytes follow op in a FuzzMap input.
func fuzzArgs(op mapOp) int {
	switch op {
	case opLoad, opLoadAndDelete, opDelete:
		return 1
	case opStore, opLoadOrStore, opSwap, opCompareAndDelete, opLoadOrCompute, opLoadOrTryCompute:
		return 2
	case opCompareAndSwap, opCompute:
		return 3
	}
	return 0
}

// decodeFuzzCalls decodes a FuzzMap input. A call cut short by the end of
// the input is dropped.
func decodeFuzzCalls(data []byte) []mapCall {
	var calls []mapCall
	for len(data) > 0 && len(calls) < fuzzMaxCalls {
		b := data[0]
		data = data[1:]
		if b == ' ' {
			continue
		}
		op, ok := fuzzLetters[b]
		if !ok {
			op = mapOps[int(b)%len(mapOps)]
		}
		n := fuzzArgs(op)
		if len(data) < n {
			break
		}
		c := mapCall{op: op}
		if n >= 1 {
			c.k = int(data[0]) % propKeys
		}
		if n >= 2 {
			c.v = int(data[1]) % propValues
		}
		if n >= 3 {
			c.new = int(data[2]) % propValues
		}
		data = data[n:]
		calls = append(calls, c)
	}
	return calls
}

// FuzzMap decodes an input into calls, applies them to a Map and to an
// RWMutexMap, and compares every result and the final contents. The
// contents are read only at the end, so that Range does not drive the
// calls' order of events; the tables' invariants are checked after every
// call.
//
// The seed corpus in testdata/fuzz/FuzzMap reaches sweeps, expunging,
// storing a swept key again through each storing method, and Clear. Each
// input runs with the default table and under each of tableVariants, so
// that the calls meet splits and keys that collide.
func FuzzMap(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := decodeFuzzCalls(data)
		want, wantContents := applyCalls(t, new(refmap.RWMutexMap[int, int]), calls)
		check := func(table string, tuning syncmap.Tuning) {
			t.Logf("table: %s", table)
			got, gotContents := applyCalls(t, syncmap.NewTuned[int, int](tuning), calls)
			for i, c := range calls {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%s, after %s:\n%s = %s, then Len() = %d; want %s, then %d", table, formatCalls(calls[:i]),
						formatCall(c), formatResult(c.op, got[i]), got[i].len, formatResult(c.op, want[i]), want[i].len)
				}
			}
			if !reflect.DeepEqual(gotContents, wantContents) {
				t.Fatalf("%s, after %s:\ncontents = %v; want %v", table, formatCalls(calls), gotContents, wantContents)
			}
		}
		check("default table", syncmap.Tuning{})
		for _, tv := range tableVariants {
			check(tv.name, tv.tuning)
		}
	})
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

// Linearizability.
//
// TestLinearizable records histories of concurrent calls and checks that
// each can be explained by some order of its calls that respects real time:
// a call that returned before another was called comes first. Since
// linearizability is local (Herlihy and Wing), each key's sub-history is
// checked on its own, against a model of one register that is either absent
// or holds a value. Two methods are not single-key operations:
//
//   - Range is left out: like sync.Map's, it promises no consistent
//     snapshot, so it has no linearization point to check.
//   - Clear is put into every key's sub-history as a delete of that key.
//     That checks what Clear promises each key; whether all keys go at one
//     instant is not checked.
//
// The checker searches the orders depth first, in the manner of Wing and
// Gong, and remembers the (calls done, register) pairs it has explored, as
// Lowe's refinement does, so that a history of a few dozen calls is checked
// in microseconds.

const (
	linKeys   = 3
	linValues = 3 // values are 0, 1 and 2: the zero value counts as present
	// linFiller is a key outside the histories, stored during set-up after
	// some keys are deleted, so that it sweeps them out of their segment if
	// it goes there.
	linFiller = linKeys
	// linPadding keys outside the histories, above linFiller, are stored
	// too, so that with segments of one group, the keys fill several, and
	// the calls split them.
	linPadding = 8
)

// linRegister is the model of one key: absent, or present with a value.
type linRegister struct {
	value   int
	present bool
}

func (r linRegister) String() string {
	if !r.present {
		return "absent"
	}
	return fmt.Sprintf("= %d", r.value)
}

// step applies c to r and reports whether the model returns res, as the
// map did.
func (r linRegister) step(c mapCall, res mapResult) (next linRegister, ok bool) {
	is := func(value int, ok bool) bool { return res.value == value && res.ok == ok }
	switch c.op {
	case opLoad:
		return r, is(r.value, r.present)
	case opStore:
		return linRegister{c.v, true}, true
	case opLoadOrStore, opLoadOrCompute: // compute returns c.v
		if r.present {
			return r, is(r.value, true) && !res.err
		}
		return linRegister{c.v, true}, is(c.v, false) && !res.err
	case opLoadOrTryCompute: // compute fails for odd c.v
		if r.present {
			return r, is(r.value, true) && !res.err
		}
		if res.err {
			// Its own compute failed, or one it waited for: the key was
			// absent, and stays so.
			return r, is(0, false)
		}
		_, err := tryCompute(c.v)
		return linRegister{c.v, true}, is(c.v, false) && err == nil
	case opLoadAndDelete:
		return linRegister{}, is(r.value, r.present)
	case opDelete, opClear:
		return linRegister{}, true
	case opSwap:
		return linRegister{c.v, true}, is(r.value, r.present)
	case opCompareAndSwap:
		if r.present && r.value == c.v {
			return linRegister{c.new, true}, res.ok
		}
		return r, !res.ok
	case opCompareAndDelete:
		if r.present && r.value == c.v {
			return linRegister{}, res.ok
		}
		return r, !res.ok
	case opCompute:
		switch v, op := computeOf(c)(r.value, r.present); op {
		case syncmap.UpdateOp:
			return linRegister{v, true}, is(v, true)
		case syncmap.DeleteOp:
			return linRegister{}, is(0, false)
		}
		return r, is(r.value, r.present)
	}
	panic("no model for " + c.op)
}

// A linOp is one call of a history, with its results and the times of its
// call and return on a clock that all goroutines share.
type linOp struct {
	g         int
	call, ret int64
	c         mapCall
	r         mapResult
}

func (o linOp) String() string {
	return fmt.Sprintf("g%d [%3d, %3d] %s = %s", o.g, o.call, o.ret, formatCall(o.c), formatResult(o.c.op, o.r))
}

// linearizable reports whether the calls of one key's sub-history, starting
// from init, can be put in an order that respects real time and in which
// every call returns what the model does.
func linearizable(init linRegister, ops []linOp) bool {
	if len(ops) > 64 {
		panic(fmt.Sprintf("linearizable: %d calls; at most 64 fit its bit set", len(ops)))
	}
	all := uint64(1)<<len(ops) - 1 // all ones for 64 calls too
	type node struct {
		done uint64
		r    linRegister
	}
	seen := make(map[node]bool)
	var search func(done uint64, r linRegister) bool
	search = func(done uint64, r linRegister) bool {
		if done == all {
			return true
		}
		// A call may go next if no other pending call returned before it
		// was called.
		first := int64(math.MaxInt64)
		for i, o := range ops {
			if done&(1<<i) == 0 {
				first = min(first, o.ret)
			}
		}
		for i, o := range ops {
			if done&(1<<i) != 0 || o.call > first {
				continue
			}
			next, ok := r.step(o.c, o.r)
			n := node{done | 1<<i, next}
			if !ok || seen[n] {
				continue
			}
			seen[n] = true
			if search(n.done, n.r) {
				return true
			}
		}
		return false
	}
	return search(0, init)
}

// A linHistory is a recorded history: the keys' states before the
// concurrent calls, and the calls, ordered by call time.
type linHistory struct {
	seed int64
	init [linKeys]linRegister
	ops  []linOp
}

// check returns the sub-history of the first key whose calls cannot be
// linearized, or ok == true if every key's can.
func (h *linHistory) check() (key int, sub []linOp, ok bool) {
	for k := range linKeys {
		sub = sub[:0]
		for _, o := range h.ops {
			if o.c.k == k || o.c.op == opClear {
				sub = append(sub, o)
			}
		}
		if !linearizable(h.init[k], sub) {
			return k, sub, false
		}
	}
	return 0, nil, true
}

// overlapping counts the calls that overlap another call on the same key:
// those are the ones the history tests.
func (h *linHistory) overlapping() int {
	n := 0
	for i, a := range h.ops {
		for j, b := range h.ops {
			if i != j && (a.c.k == b.c.k || a.c.op == opClear || b.c.op == opClear) &&
				a.call < b.ret && b.call < a.ret {
				n++
				break
			}
		}
	}
	return n
}

func formatLinHistory(h *linHistory, key int, sub []linOp) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, key %d, %s before the calls:\n", h.seed, key, h.init[key])
	for _, o := range sub {
		fmt.Fprintf(&b, "\t%v\n", o)
	}
	return b.String()
}

// Key states at the start of a history, set up sequentially, so that the
// concurrent calls meet every state of an entry.
const (
	linAbsent   = iota // never stored
	linPresent         // stored before the padding keys
	linNew             // stored after them, into a segment they may have split
	linDeleted         // deleted, but still in its segment's array
	linExpunged        // deleted before a new key: swept out if it went to its segment
	linStates
)

// linSetup puts each key of m in a random state and returns the model's
// view of them.
func linSetup(m refmap.Interface[int, int], rng *rand.Rand) (init [linKeys]linRegister) {
	var state [linKeys]int
	expunge := rng.Intn(2) == 0
	for k := range state {
		state[k] = rng.Intn(linStates)
		expunge = expunge || state[k] == linExpunged
	}
	storeKeys := func(states ...int) {
		for k, s := range state {
			if slices.Contains(states, s) {
				init[k] = linRegister{rng.Intn(linValues), true}
				m.Store(k, init[k].value)
			}
		}
	}
	deleteKeys := func(s int) {
		for k := range state {
			if state[k] == s {
				init[k] = linRegister{}
				m.Delete(k)
			}
		}
	}
	storeKeys(linPresent, linDeleted, linExpunged)
	for k := linFiller + 1; k <= linFiller+linPadding; k++ {
		m.Store(k, 0)
	}
	deleteKeys(linExpunged)
	if expunge {
		m.Store(linFiller, 0) // sweeps its segment, if a deleted key is there
	}
	storeKeys(linNew)
	deleteKeys(linDeleted)
	return init
}

// linRandomCall returns a call of any method but Range on the history's
// keys; Clear is rare, or it would leave little to test.
func linRandomCall(rng *rand.Rand) mapCall {
	ops := [...]mapOp{
		opLoad, opLoad, opStore, opLoadOrStore, opLoadAndDelete, opDelete,
		opSwap, opCompareAndSwap, opCompareAndSwap, opCompareAndDelete,
		opLoadOrCompute, opLoadOrTryCompute, opCompute, opCompute,
	}
	c := mapCall{
		op:  ops[rng.Intn(len(ops))],
		k:   rng.Intn(linKeys),
		v:   rng.Intn(linValues),
		new: rng.Intn(linValues),
	}
	if rng.Intn(40) == 0 {
		c.op = opClear
	}
	return c
}

// recordLinHistory sets up m, then runs perG random calls on each of n
// goroutines at once and records them. The calls are drawn from seed; how
// they interleave is up to the scheduler.
func recordLinHistory(t *testing.T, m refmap.Interface[int, int], seed int64, n, perG int) *linHistory {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	h := &linHistory{seed: seed, init: linSetup(m, rng)}
	type planned struct {
		c     mapCall
		yield bool // runtime.Gosched before the call, to vary interleavings
	}
	plans := make([][]planned, n)
	for g := range plans {
		for range perG {
			plans[g] = append(plans[g], planned{linRandomCall(rng), rng.Intn(4) == 0})
		}
	}
	var clock atomic.Int64
	var ready atomic.Int32
	recorded := make([][]linOp, n)
	// Start together, so that the calls overlap. Spin while waiting, since
	// a goroutine that yields lets the others run their calls before it
	// runs again; but yield every so often, so that goroutines without a
	// thread get to run, and yield at once when there are more threads than
	// cores, where spinning threads would only keep the others off the
	// cores.
	spins := 1024
	if runtime.GOMAXPROCS(0) > runtime.NumCPU() {
		spins = 1
	}
	runGoroutines(t, n, func(g int) {
		ready.Add(1)
		for spin := 1; ready.Load() < int32(n); spin++ {
			if spin%spins == 0 {
				runtime.Gosched()
			}
		}
		for _, p := range plans[g] {
			if p.yield {
				runtime.Gosched()
			}
			call := clock.Add(1)
			r := p.c.apply(m)
			ret := clock.Add(1)
			recorded[g] = append(recorded[g], linOp{g: g, call: call, ret: ret, c: p.c, r: r})
		}
	})
	for _, ops := range recorded {
		h.ops = append(h.ops, ops...)
	}
	slices.SortFunc(h.ops, func(a, b linOp) int { return int(a.call - b.call) })
	return h
}

// linCallsPerG is how many calls each goroutine of a history makes. With
// at most 8 goroutines, a sub-history has at most 64 calls, as many as
// linearizable handles.
const linCallsPerG = 8

// tableVariant returns the tuning of the table variant of that name.
func tableVariant(name string) syncmap.Tuning {
	for _, tv := range tableVariants {
		if tv.name == name {
			return tv.tuning
		}
	}
	panic("no table variant " + name)
}

func TestLinearizable(t *testing.T) {
	t.Parallel()
	const seed = 7100
	histories := 1000
	if testing.Short() {
		histories = 100
	}
	t.Logf("seeds %d to %d", seed, seed+histories-1)
	for _, tc := range []struct {
		name       string
		procs      int // 0: leave GOMAXPROCS as it is
		goroutines int
		table      syncmap.Tuning
	}{
		{"GOMAXPROCS=default", 0, 6, syncmap.Tuning{}},
		// More threads than cores: the operating system then preempts
		// threads in the middle of calls.
		{"GOMAXPROCS=8", 8, 8, syncmap.Tuning{}},
		// Segments of one group: the set-up's keys fill several, and the
		// calls split and sweep them, and double the directory; with keys
		// that collide, or share most of their hash.
		{"segments=4groups", 0, 6, tableVariant("segments=4groups")},
		{"segments=1group,hash=collide", 0, 6, tableVariant("segments=1group,hash=collide")},
		{"segments=1group,hash=fewBits", 0, 6, tableVariant("segments=1group,hash=fewBits")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tc.procs))
			}
			calls, overlapping := 0, 0
			for i := range histories {
				h := recordLinHistory(t, syncmap.NewTuned[int, int](tc.table), int64(seed+i), tc.goroutines, linCallsPerG)
				if key, sub, ok := h.check(); !ok {
					t.Fatalf("history is not linearizable: %s", formatLinHistory(h, key, sub))
				}
				calls += len(h.ops)
				overlapping += h.overlapping()
			}
			// How many calls overlap depends on how many cores the
			// scheduler lends the test at that moment.
			t.Logf("%d histories, %d calls, %d of them concurrent with another on the same key",
				histories, calls, overlapping)
		})
	}
}

// TestLinearizabilityChecker checks the checker on histories whose answer
// is known.
func TestLinearizabilityChecker(t *testing.T) {
	// op builds a call of goroutine g on key 0 from call to ret, returning
	// value and ok.
	op := func(g int, call, ret int64, c mapCall, value int, ok bool) linOp {
		return linOp{g: g, call: call, ret: ret, c: c, r: mapResult{value: value, ok: ok}}
	}
	load := mapCall{op: opLoad}
	store := func(v int) mapCall { return mapCall{op: opStore, v: v} }
	cas := func(old, new int) mapCall { return mapCall{op: opCompareAndSwap, v: old, new: new} }
	absent, zero := linRegister{}, linRegister{0, true}
	for _, tc := range []struct {
		name string
		init linRegister
		ops  []linOp
		want bool
	}{
		{"empty", absent, nil, true},
		{"sequential", absent, []linOp{
			op(0, 1, 2, store(1), 0, false),
			op(0, 3, 4, load, 1, true),
		}, true},
		{"sequential stale load", absent, []linOp{
			op(0, 1, 2, store(1), 0, false),
			op(1, 3, 4, load, 0, false),
		}, false},
		{"load of zero value", zero, []linOp{op(0, 1, 2, load, 0, true)}, true},
		{"load of zero value reported absent", zero, []linOp{op(0, 1, 2, load, 0, false)}, false},
		{"overlapping stores, either order", absent, []linOp{
			op(0, 1, 4, store(1), 0, false),
			op(1, 2, 3, store(2), 0, false),
			op(2, 5, 6, load, 1, true),
		}, true},
		{"overlapping stores, lost value", absent, []linOp{
			op(0, 1, 4, store(1), 0, false),
			op(1, 2, 3, store(2), 0, false),
			op(2, 5, 6, load, 0, false),
		}, false},
		{"load during store sees old value", zero, []linOp{
			op(0, 1, 4, store(1), 0, false),
			op(1, 2, 3, load, 0, true),
			op(1, 5, 6, load, 1, true),
		}, true},
		{"value comes back", zero, []linOp{
			op(0, 1, 4, store(1), 0, false),
			op(1, 2, 3, load, 1, true),
			op(1, 5, 6, load, 0, true),
		}, false},
		{"two CompareAndSwaps win", zero, []linOp{
			op(0, 1, 3, cas(0, 1), 0, true),
			op(1, 2, 4, cas(0, 2), 0, true),
		}, false},
		{"one CompareAndSwap wins", zero, []linOp{
			op(0, 1, 3, cas(0, 1), 0, true),
			op(1, 2, 4, cas(0, 2), 0, false),
			op(1, 5, 6, load, 1, true),
		}, true},
		{"Clear then stale load", zero, []linOp{
			op(0, 1, 2, mapCall{op: opClear}, 0, false),
			op(1, 3, 4, load, 0, true),
		}, false},
		{"Clear during load", zero, []linOp{
			op(0, 1, 4, mapCall{op: opClear}, 0, false),
			op(1, 2, 3, load, 0, true),
			op(1, 5, 6, mapCall{op: opLoadOrStore, v: 2}, 2, false),
		}, true},
	} {
		if got := linearizable(tc.init, tc.ops); got != tc.want {
			t.Errorf("%s: linearizable(%v, %v) = %v; want %v", tc.name, tc.init, tc.ops, got, tc.want)
		}
	}
}

// racyCASMap is a Map whose CompareAndSwap is a Load followed by a Store:
// the classic non-atomic compare-and-swap, with a yield in between to widen
// the window.
type racyCASMap struct {
	syncmap.Map[int, int]
}

func (m *racyCASMap) CompareAndSwap(key, old, new int) (swapped bool) {
	if v, ok := m.Load(key); !ok || v != old {
		return false
	}
	runtime.Gosched()
	m.Store(key, new)
	return true
}

// TestLinearizabilityCatchesRacyCompareAndSwap shows that TestLinearizable
// can fail: on a map with a broken CompareAndSwap, its histories must turn
// up one that is not linearizable.
func TestLinearizabilityCatchesRacyCompareAndSwap(t *testing.T) {
	const seed = 9100
	const maxHistories = 2000
	for i := range maxHistories {
		h := recordLinHistory(t, new(racyCASMap), int64(seed+i), 6, linCallsPerG)
		if key, sub, ok := h.check(); !ok {
			t.Logf("history %d of a racy CompareAndSwap is not linearizable, as it should not be: %s",
				i+1, formatLinHistory(h, key, sub))
			return
		}
	}
	t.Fatalf("all %d histories (seeds %d on) of a map with a racy CompareAndSwap passed as linearizable",
		maxHistories, seed)
}

// Soak.

// soakFlag sets how long TestSoak runs. From a module that depends on
// syncmap, name the package before the flag, which go test otherwise takes
// for one of its own:
//
//	go test -run '^TestSoak$' github.com/gosyncmap/syncmap -soak 1m
var soakFlag = flag.Duration("soak", 2*time.Second,
	"how long TestSoak runs (200ms with -short, unless set); from another module, put the package first: go test -run '^TestSoak$' github.com/gosyncmap/syncmap -soak 1m")

func soakDuration() time.Duration {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "soak" })
	if testing.Short() && !set {
		return 200 * time.Millisecond
	}
	return *soakFlag
}

// The soak's key space. Every value stored under a key k >= 0 is
// soakValue(k, x) for some x, so that a value showing up under the wrong
// key is caught wherever it is read.
const (
	soakOwners      = 4  // goroutines that each own soakOwnKeys keys
	soakOwnKeys     = 16 // keys [g*soakOwnKeys, (g+1)*soakOwnKeys) of owner g
	soakStableBase  = 1000
	soakStableKeys  = 64 // stored once, never changed
	soakChurners    = 2  // goroutines that insert and delete unique keys
	soakChurnBase   = 1 << 20
	soakChurnSpan   = 1 << 16 // keys per churner, reused round robin
	soakChurnWindow = 32      // a churned key is deleted this many steps later
	soakCounterKey  = -1      // incremented with CompareAndSwap
	soakClearKeys   = 32      // keys of the map that is cleared
)

func soakValue(k, x int) int { return k*16 + x&15 }

func soakValueFits(k, v int) bool { return v>>4 == k }

func soakChurnKey(c, step int) int { return soakChurnBase + c*soakChurnSpan + step%soakChurnSpan }

// soakState is what the soak keeps between rounds.
type soakState struct {
	m  *syncmap.Map[int, int] // owned, stable, churned and counter keys
	cm *syncmap.Map[int, int] // the map that is cleared

	owners     [soakOwners]*refmap.RWMutexMap[int, int] // what each owner wrote
	ownerRands [soakOwners]*rand.Rand
	churnSteps [soakChurners]int
	increments int // successful CompareAndSwaps and Computes of the counter
	calls      atomic.Int64
}

// TestSoak runs goroutines that mix every method on two maps for the
// duration set by -soak, in rounds; after each round, with the goroutines
// stopped, the maps must hold exactly what was written. While they run:
//
//   - owners apply random calls to keys of their own, and every result must
//     be what a private reference map returns;
//   - incrementers add one to a counter, with CompareAndSwap or with
//     Compute, and a monitor Loads it and must never see it go backwards;
//   - a ranger checks that Range visits no key twice, that every stable key
//     is visited with its value, and that values belong to their keys;
//   - churners insert and delete unique keys, so that segments are swept,
//     rebuilt and split, and check every result;
//   - clearers mix every method, Clear and Range included, on a second map;
//   - a collector runs the garbage collector and changes its percentage;
//   - a checker checks the invariants of both maps' tables (CheckTables),
//     again and again, between the other goroutines' calls.
func TestSoak(t *testing.T) {
	d := soakDuration()
	const seed = 5200
	t.Logf("soak for %v, seed %d", d, seed)
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	// Every other round runs on maps of one of tableVariants, so that
	// splits and colliding keys meet every kind of call. Each state keeps
	// its maps, and what they hold, from one of its rounds to the next.
	states := []*soakState{newSoakState(syncmap.Tuning{}, seed)}
	for _, tv := range tableVariants {
		states = append(states, newSoakState(tv.tuning, seed))
	}
	n := 0
	for start := time.Now(); ; n++ {
		left := d - time.Since(start)
		if left <= 0 || t.Failed() {
			break
		}
		s := states[0]
		if n%2 == 1 {
			s = states[1+n/2%len(tableVariants)]
		}
		s.round(t, min(left, 250*time.Millisecond), seed+100*int64(n+1))
		s.checkContents(t)
	}
	var calls int64
	increments := 0
	for _, s := range states {
		calls += s.calls.Load()
		increments += s.increments
	}
	t.Logf("%d rounds, %d calls, %d increments", n, calls, increments)
}

// newSoakState returns the state of a soak on maps of that tuning, whose
// owners draw their calls from seed.
func newSoakState(tuning syncmap.Tuning, seed int64) *soakState {
	s := &soakState{m: syncmap.NewTuned[int, int](tuning), cm: syncmap.NewTuned[int, int](tuning)}
	for g := range s.owners {
		s.owners[g] = new(refmap.RWMutexMap[int, int])
		s.ownerRands[g] = rand.New(rand.NewSource(seed + int64(g)))
	}
	for k := soakStableBase; k < soakStableBase+soakStableKeys; k++ {
		s.m.Store(k, soakValue(k, 0))
	}
	s.m.Store(soakCounterKey, 0)
	return s
}

// round runs every goroutine of the soak for d.
func (s *soakState) round(t *testing.T, d time.Duration, seed int64) {
	t.Helper()
	var stop atomic.Bool
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	fail := func(format string, args ...any) {
		t.Errorf(format, args...)
		stop.Store(true)
	}

	const (
		owners      = 0
		incrementer = owners + soakOwners
		monitor     = incrementer + 2
		ranger      = monitor + 1
		churners    = ranger + 1
		clearers    = churners + soakChurners
		collector   = clearers + 2
		checker     = collector + 1
		n           = checker + 1
	)
	var increments atomic.Int64
	runGoroutines(t, n, func(g int) {
		calls := 0
		defer func() { s.calls.Add(int64(calls)) }()
		switch {
		case g < incrementer:
			s.own(g-owners, &stop, &calls, fail)
		case g == incrementer:
			local := 0
			for ; !stop.Load(); calls += 2 {
				v, _ := s.m.Load(soakCounterKey)
				if s.m.CompareAndSwap(soakCounterKey, v, v+1) {
					local++
				}
			}
			increments.Add(int64(local))
		case g < monitor:
			// Each Compute adds one, exactly once, overtaken by no
			// CompareAndSwap of the other incrementer.
			local := 0
			for ; !stop.Load(); calls++ {
				s.m.Compute(soakCounterKey, func(v int, _ bool) (int, syncmap.ComputeOp) {
					return v + 1, syncmap.UpdateOp
				})
				local++
			}
			increments.Add(int64(local))
		case g == monitor:
			last := -1
			for ; !stop.Load(); calls++ {
				v, ok := s.m.Load(soakCounterKey)
				if !ok || v < last {
					fail("counter: Load = %d, %v after %d; want a value >= %d, true", v, ok, last, last)
					return
				}
				last = v
			}
		case g == ranger:
			s.rangeAndCheck(&stop, &calls, fail)
		case g < clearers:
			s.churn(g-churners, &stop, &calls, fail)
		case g < collector:
			s.clearAndMix(seed+int64(g), &stop, &calls, fail)
		case g == collector:
			percents := [...]int{10, 100, 30, 300}
			for i := 0; !stop.Load(); i++ {
				runtime.GC()
				debug.SetGCPercent(percents[i%len(percents)])
				time.Sleep(time.Millisecond)
			}
		case g == checker:
			for !stop.Load() {
				for _, m := range []*syncmap.Map[int, int]{s.m, s.cm} {
					if err := syncmap.CheckTables(m); err != nil {
						fail("while the soak runs: %v", err)
						return
					}
				}
			}
		}
	})
	s.increments += int(increments.Load())
}

// own applies random calls to owner g's keys, and checks each result
// against the owner's reference map: no other goroutine writes these keys.
func (s *soakState) own(g int, stop *atomic.Bool, calls *int, fail func(string, ...any)) {
	ops := [...]mapOp{
		opLoad, opStore, opLoadOrStore, opLoadAndDelete, opDelete,
		opSwap, opCompareAndSwap, opCompareAndDelete, opCompute,
	}
	rng, ref := s.ownerRands[g], s.owners[g]
	for ; !stop.Load(); *calls++ {
		k := g*soakOwnKeys + rng.Intn(soakOwnKeys)
		c := mapCall{
			op:  ops[rng.Intn(len(ops))],
			k:   k,
			v:   soakValue(k, rng.Intn(4)),
			new: soakValue(k, rng.Intn(16)),
		}
		if v, ok := ref.Load(k); ok && rng.Intn(2) == 0 {
			c.v = v // make the compare succeed
		}
		got, want := c.apply(s.m), c.apply(ref)
		if got.value != want.value || got.ok != want.ok {
			fail("owner %d: %s = %s; want %s", g, formatCall(c), formatResult(c.op, got), formatResult(c.op, want))
			return
		}
	}
}

// rangeAndCheck ranges over the shared map until stopped.
func (s *soakState) rangeAndCheck(stop *atomic.Bool, calls *int, fail func(string, ...any)) {
	seen := make(map[int]bool)
	for ; !stop.Load(); *calls++ {
		clear(seen)
		bad := ""
		s.m.Range(func(k, v int) bool {
			switch {
			case seen[k]:
				bad = fmt.Sprintf("visited key %d twice", k)
			case k == soakCounterKey:
			case !soakValueFits(k, v):
				bad = fmt.Sprintf("visited key %d with value %d, which was never stored under it", k, v)
			case k >= soakStableBase && k < soakStableBase+soakStableKeys && v != soakValue(k, 0):
				bad = fmt.Sprintf("visited stable key %d = %d; want %d", k, v, soakValue(k, 0))
			}
			seen[k] = true
			return bad == ""
		})
		for k := soakStableBase; bad == "" && k < soakStableBase+soakStableKeys; k++ {
			if !seen[k] {
				bad = fmt.Sprintf("missed stable key %d", k)
			}
		}
		if bad != "" {
			fail("Range %s", bad)
			return
		}
	}
}

// churn inserts a new key per step and deletes the one inserted
// soakChurnWindow steps before, rotating through the methods that do each;
// it also loads a live key and a missing one. Its keys are its own, so
// every result is known.
func (s *soakState) churn(c int, stop *atomic.Bool, calls *int, fail func(string, ...any)) {
	check := func(what string, got, want int, gotOK, wantOK bool) bool {
		if got != want || gotOK != wantOK {
			fail("churner %d: %s = %d, %v; want %d, %v", c, what, got, gotOK, want, wantOK)
			return false
		}
		return true
	}
	for ; !stop.Load(); *calls += 4 {
		i := s.churnSteps[c]
		k := soakChurnKey(c, i)
		v := soakValue(k, i)
		switch i % 3 {
		case 0:
			s.m.Store(k, v)
		case 1:
			got, loaded := s.m.LoadOrStore(k, v)
			if !check(fmt.Sprintf("LoadOrStore(%d, %d)", k, v), got, v, loaded, false) {
				return
			}
		case 2:
			got, loaded := s.m.Swap(k, v)
			if !check(fmt.Sprintf("Swap(%d, %d)", k, v), got, 0, loaded, false) {
				return
			}
		}
		if j := i - soakChurnWindow/2; j >= 0 {
			old := soakChurnKey(c, j)
			got, ok := s.m.Load(old)
			if !check(fmt.Sprintf("Load(%d)", old), got, soakValue(old, j), ok, true) {
				return
			}
		}
		missing := soakChurnKey(c, i+soakChurnSpan/2)
		if got, ok := s.m.Load(missing); !check(fmt.Sprintf("Load(%d)", missing), got, 0, ok, false) {
			return
		}
		if j := i - soakChurnWindow; j >= 0 {
			old := soakChurnKey(c, j)
			want := soakValue(old, j)
			switch i % 3 {
			case 0:
				s.m.Delete(old)
			case 1:
				got, loaded := s.m.LoadAndDelete(old)
				if !check(fmt.Sprintf("LoadAndDelete(%d)", old), got, want, loaded, true) {
					return
				}
			case 2:
				if !s.m.CompareAndDelete(old, want) {
					fail("churner %d: CompareAndDelete(%d, %d) = false; want true", c, old, want)
					return
				}
			}
		}
		s.churnSteps[c]++
	}
}

// clearAndMix applies every method, Clear and Range included, to the second
// map. With Clear in the mix nothing is owned, so it checks that values
// belong to their keys and that Range visits no key twice.
func (s *soakState) clearAndMix(seed int64, stop *atomic.Bool, calls *int, fail func(string, ...any)) {
	rng := rand.New(rand.NewSource(seed))
	seen := make(map[int]bool)
	for ; !stop.Load(); *calls++ {
		k := rng.Intn(soakClearKeys)
		c := mapCall{
			op:  mapOps[rng.Intn(len(mapOps))],
			k:   k,
			v:   soakValue(k, rng.Intn(4)),
			new: soakValue(k, rng.Intn(4)),
		}
		switch c.op {
		case opLoadBurst:
			continue
		case opClear:
			if rng.Intn(16) != 0 { // rarer, or the map would stay small
				continue
			}
		case opRange:
			clear(seen)
			bad := ""
			s.cm.Range(func(k, v int) bool {
				switch {
				case seen[k]:
					bad = fmt.Sprintf("visited key %d twice", k)
				case !soakValueFits(k, v):
					bad = fmt.Sprintf("visited key %d with value %d, which was never stored under it", k, v)
				}
				seen[k] = true
				return bad == ""
			})
			if bad != "" {
				fail("Range of the cleared map %s", bad)
				return
			}
			continue
		}
		r := c.apply(s.cm)
		switch c.op {
		case opLoad, opLoadOrStore, opLoadAndDelete, opSwap, opCompute:
			if r.ok && !soakValueFits(k, r.value) {
				fail("cleared map: %s = %s: a value never stored under %d", formatCall(c), formatResult(c.op, r), k)
				return
			}
		}
	}
}

// checkContents checks, with every goroutine stopped, that the shared map
// holds exactly what the soak wrote.
func (s *soakState) checkContents(t *testing.T) {
	t.Helper()
	for _, m := range []*syncmap.Map[int, int]{s.m, s.cm} {
		if err := syncmap.CheckTables(m); err != nil {
			t.Errorf("after a round: %v", err)
		}
	}
	want := map[int]int{soakCounterKey: s.increments}
	for k := soakStableBase; k < soakStableBase+soakStableKeys; k++ {
		want[k] = soakValue(k, 0)
	}
	for _, ref := range s.owners {
		ref.Range(func(k, v int) bool {
			want[k] = v
			return true
		})
	}
	for c, steps := range s.churnSteps {
		for j := max(0, steps-soakChurnWindow); j < steps; j++ {
			k := soakChurnKey(c, j)
			want[k] = soakValue(k, j)
		}
	}
	got := make(map[int]int)
	s.m.Range(func(k, v int) bool {
		got[k] = v
		return true
	})
	for k, v := range want {
		if gv, ok := got[k]; !ok || gv != v {
			t.Errorf("after a round, key %d = %d, %v; want %d, true", k, gv, ok, v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("after a round, key %d = %d; want it missing", k, v)
		}
	}
	s.cm.Range(func(k, v int) bool {
		if !soakValueFits(k, v) {
			t.Errorf("after a round, cleared map's key %d = %d, which was never stored under it", k, v)
		}
		return true
	})
}

// Memory.

// liveHeap returns the bytes of live heap objects, after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // finalizers queued by the first one may free more
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestChurnKeepsHeapBounded inserts unique keys and deletes each a fixed
// number of calls later, through every method that inserts or deletes,
// while loads look them up: the live heap must stay as large as
// the live keys need, however many have come and gone.
func TestChurnKeepsHeapBounded(t *testing.T) {
	const window = 1000 // live keys
	steps := 300_000
	if testing.Short() {
		steps = 60_000
	}
	const checkpoints = 6
	type payload [8]int // 64 bytes, so that a leak shows
	var m syncmap.Map[int, payload]
	var heap []uint64
	for i := range steps {
		v := payload{i}
		switch i % 3 {
		case 0:
			m.Store(i, v)
		case 1:
			m.LoadOrStore(i, v)
		case 2:
			m.Swap(i, v)
		}
		if old := i - window; old >= 0 {
			switch i % 3 {
			case 0:
				m.Delete(old)
			case 1:
				m.LoadAndDelete(old)
			case 2:
				m.CompareAndDelete(old, payload{old})
			}
		}
		if got, ok := m.Load(i - window/2); i >= window && (!ok || got[0] != i-window/2) {
			t.Fatalf("Load(%d) = %v, %v; want [%d ...], true", i-window/2, got[0], ok, i-window/2)
		}
		if (i+1)%(steps/checkpoints) == 0 {
			heap = append(heap, liveHeap())
		}
	}
	t.Logf("live heap at each sixth of %d calls: %v bytes", 4*steps, heap)
	first, last := heap[0], heap[len(heap)-1]
	// Leaking one entry per key would add several megabytes; allow a
	// fraction of that for noise.
	if limit := first + first/2 + 256<<10; last > limit {
		t.Errorf("live heap grew from %d to %d bytes (limit %d) with %d live keys", first, last, limit, window)
	}
	n := 0
	m.Range(func(int, payload) bool { n++; return true })
	if n != window {
		t.Errorf("Range visited %d keys; want %d", n, window)
	}
}

// TestClearReleasesEverything checks that Clear lets the collector free
// every key and value, from entries in every state: live, replaced (the
// first value stays with the entry), deleted, swept out, stored again, and
// new since the last Range.
func TestClearReleasesEverything(t *testing.T) {
	type object struct{ _ [64]byte } // large enough not to be batched with other tiny objects
	var collected atomic.Int64
	tracked := 0
	track := func() *object {
		o := new(object)
		runtime.SetFinalizer(o, func(*object) { collected.Add(1) })
		tracked++
		return o
	}
	var m syncmap.Map[*object, *object]
	const n = 300
	keys := make([]*object, n)
	for i := range keys {
		keys[i] = track()
		m.Store(keys[i], track())
	}
	m.Range(func(*object, *object) bool { return true })
	for i := 0; i < n; i += 3 {
		m.Swap(keys[i], track())
	}
	for i := 1; i < n; i += 3 {
		m.Delete(keys[i])
	}
	m.Store(track(), track())
	for i := 1; i < n/2; i += 3 {
		m.Store(keys[i], track()) // stored again
	}
	for range n {
		m.Store(track(), track())
	}
	clear(keys)
	m.Clear()

	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() < int64(tracked) && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := collected.Load(); got != int64(tracked) {
		t.Errorf("after Clear, %d of %d keys and values were collected", got, tracked)
	}
	k, v := new(object), new(object)
	m.Store(k, v)
	if got, ok := m.Load(k); !ok || got != v {
		t.Errorf("Load(k) after Clear and Store = %p, %v; want %p, true", got, ok, v)
	}
}

// TestClearOfSmallMapReleasesEverything checks that Clear lets the
// collector free the keys and values of a map of a few keys, whose table
// the map keeps, emptied, for its next keys.
func TestClearOfSmallMapReleasesEverything(t *testing.T) {
	type object struct{ _ [64]byte }
	var m syncmap.Map[*object, *object]
	var collected atomic.Int64
	onGC := func(*object) { collected.Add(1) }
	for round := range 3 {
		for range 3 {
			k, v := new(object), new(object)
			runtime.SetFinalizer(k, onGC)
			runtime.SetFinalizer(v, onGC)
			m.Store(k, v)
		}
		m.Clear()
		deadline := time.Now().Add(10 * time.Second)
		for collected.Load() < int64(6*(round+1)) && time.Now().Before(deadline) {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
		if got, want := collected.Load(), int64(6*(round+1)); got != want {
			t.Fatalf("after %d rounds of three keys and Clear, %d of %d keys and values were collected", round+1, got, want)
		}
	}
	runtime.KeepAlive(&m)
}

// Panic safety.

// TestPanicsLeaveMapUsable panics out of Map's methods in the ways a caller
// can make them panic, with the key involved in each state an entry can be
// in, and checks that the map holds no lock and no half-written entry
// afterwards: every method must still return, with the results of a
// reference map that saw the same calls. TestCompareUncomparableDynamicValuePanics
// and testRangePanic cover the simplest of these cases.
func TestPanicsLeaveMapUsable(t *testing.T) {
	// Key 1 holds a []int, which == cannot compare; key 2 an int.
	stored := []int{1}
	places := []struct {
		name  string
		setup func(m refmap.Interface[int, any])
	}{
		{"stored", func(m refmap.Interface[int, any]) {
			m.Store(1, stored)
			m.Store(2, 2)
		}},
		{"stored again", func(m refmap.Interface[int, any]) {
			m.Store(1, 0)
			m.Delete(1)
			m.Store(1, stored) // deleted and stored again
			m.Store(2, 2)
		}},
		{"stored after a sweep", func(m refmap.Interface[int, any]) {
			m.Store(1, 0)
			m.Delete(1)
			m.Store(2, 2)      // sweeps 1 out
			m.Store(1, stored) // a new entry
		}},
	}
	panics := []struct {
		name string
		f    func(m refmap.Interface[int, any])
	}{
		{"CompareAndSwap", func(m refmap.Interface[int, any]) { m.CompareAndSwap(1, []int{1}, 0) }},
		{"CompareAndDelete", func(m refmap.Interface[int, any]) { m.CompareAndDelete(1, []int{1}) }},
		{"Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool { panic("f") })
		}},
		{"Compute", func(m refmap.Interface[int, any]) {
			m.Compute(1, func(any, bool) (any, syncmap.ComputeOp) { panic("f") })
		}},
		{"Compute of an absent key", func(m refmap.Interface[int, any]) {
			m.Compute(3, func(any, bool) (any, syncmap.ComputeOp) { panic("f") })
		}},
		{"Range after writes", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Store(5, 5) // a new key
				m.Delete(2)
				m.Swap(1, stored)
				panic("f")
			})
		}},
		{"CompareAndSwap in Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Store(6, []int{6})
				m.CompareAndSwap(6, []int{6}, 0)
				return true
			})
		}},
		{"nested Range", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Range(func(int, any) bool { panic("f") })
				return true
			})
		}},
		{"Range after Clear", func(m refmap.Interface[int, any]) {
			m.Range(func(int, any) bool {
				m.Clear()
				m.Store(7, 7)
				panic("f")
			})
		}},
	}
	for _, place := range places {
		for _, p := range panics {
			t.Run(place.name+"/"+p.name, func(t *testing.T) {
				m, ref := new(syncmap.Map[int, any]), new(refmap.RWMutexMap[int, any])
				place.setup(m)
				place.setup(ref)
				mustPanic(t, p.name, func() { p.f(m) })
				mustPanic(t, p.name+" on the reference map", func() { p.f(ref) })
				withTimeout(t, func() { checkSameCalls(t, m, ref) })
			})
		}
	}
}

// checkSameCalls calls every method on m and ref and checks that they
// return the same results and end with the same contents. The calls take
// every path: with and without a lock, new keys, misses, and Clear.
func checkSameCalls(t *testing.T, m, ref refmap.Interface[int, any]) {
	t.Helper()
	const keys = 8
	calls := []struct {
		name string
		f    func(m refmap.Interface[int, any]) []any
	}{
		{"Load every key", func(m refmap.Interface[int, any]) []any {
			var r []any
			for k := range keys {
				v, ok := m.Load(k)
				r = append(r, v, ok)
			}
			return r
		}},
		{"Store(10, 10)", func(m refmap.Interface[int, any]) []any { m.Store(10, 10); return nil }},
		{"LoadOrStore(11, 11)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadOrStore(11, 11)) }},
		{"Swap(1, 12)", func(m refmap.Interface[int, any]) []any { return resultPair(m.Swap(1, 12)) }},
		{"CompareAndSwap(1, 12, 13)", func(m refmap.Interface[int, any]) []any {
			return []any{m.CompareAndSwap(1, 12, 13)}
		}},
		{"LoadOrStore(1, 14)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadOrStore(1, 14)) }},
		{"Load misses", func(m refmap.Interface[int, any]) []any {
			for k := range 4 * keys {
				m.Load(100 + k)
			}
			return nil
		}},
		{"CompareAndDelete(1, 13)", func(m refmap.Interface[int, any]) []any {
			return []any{m.CompareAndDelete(1, 13)}
		}},
		{"Store(15, 15)", func(m refmap.Interface[int, any]) []any { m.Store(15, 15); return nil }},
		{"LoadAndDelete(2)", func(m refmap.Interface[int, any]) []any { return resultPair(m.LoadAndDelete(2)) }},
		{"Delete(10)", func(m refmap.Interface[int, any]) []any { m.Delete(10); return nil }},
		{"Store(1, 16)", func(m refmap.Interface[int, any]) []any { m.Store(1, 16); return nil }},
		{"Load every key again", func(m refmap.Interface[int, any]) []any {
			var r []any
			for k := range 2 * keys {
				v, ok := m.Load(k)
				r = append(r, v, ok)
			}
			return r
		}},
		{"contents", func(m refmap.Interface[int, any]) []any { return []any{anyContents(m)} }},
		{"Clear", func(m refmap.Interface[int, any]) []any { m.Clear(); return []any{anyContents(m)} }},
		{"Store(3, 3) after Clear", func(m refmap.Interface[int, any]) []any {
			m.Store(3, 3)
			return []any{anyContents(m)}
		}},
	}
	for _, c := range calls {
		if got, want := c.f(m), c.f(ref); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v; want %v", c.name, got, want)
		}
	}
}

func resultPair[V any](v V, ok bool) []any { return []any{v, ok} }

// anyContents returns m's contents as a Go map.
func anyContents(m refmap.Interface[int, any]) map[int]any {
	c := make(map[int]any)
	m.Range(func(k int, v any) bool {
		c[k] = v
		return true
	})
	return c
}

// TestOperationsAreAtomic makes calls whose effects a non-atomic
// read-modify-write would lose or repeat, enough of them to catch it in a
// short run:
//
//   - goroutines Swap values of their own into one key while others
//     LoadAndDelete it: every value must come out exactly once, as the
//     previous value of a Swap, a LoadAndDelete's, or the final one;
//   - goroutines increment a counter with CompareAndSwap: no increment may
//     be lost;
//   - goroutines CompareAndDelete a token and store the next one: every
//     token but the last must be deleted exactly once.
func TestOperationsAreAtomic(t *testing.T) {
	const g = 4
	n := rounds(50000)
	var m syncmap.Map[int, int]
	seen := make([]atomic.Int32, g*n+1) // values of key 0, from 1
	took := func(v int, ok bool) {
		if ok {
			seen[v].Add(1)
		}
	}
	m.Store(2, 0) // the first token
	var next atomic.Int64
	tokens := make([]atomic.Int32, g*n+1)
	runGoroutines(t, 3*g, func(i int) {
		switch i % 3 {
		case 0: // swappers and deleters of key 0
			for j := range n {
				if i/3%2 == 0 {
					took(m.Swap(0, 1+i/3*n+j))
				} else {
					took(m.LoadAndDelete(0))
				}
			}
		case 1: // incrementers of key 1
			for range n {
				for {
					v, _ := m.Load(1)
					if m.CompareAndSwap(1, v, v+1) || v == 0 && func() bool { _, loaded := m.LoadOrStore(1, 1); return !loaded }() {
						break
					}
				}
			}
		case 2: // token passers on key 2
			for range n {
				if v, ok := m.Load(2); ok && m.CompareAndDelete(2, v) {
					tokens[v].Add(1)
					m.Store(2, int(next.Add(1)))
				}
			}
		}
	})
	took(m.Load(0))
	for v := 1; v < len(seen); v++ {
		if i := v - 1; i/n%2 == 1 { // values of the deleters' slots are never stored
			continue
		}
		if c := seen[v].Load(); c != 1 {
			t.Fatalf("value %d swapped into key 0 came out %d times; want once", v, c)
		}
	}
	if v, _ := m.Load(1); v != g*n {
		t.Errorf("after %d increments by CompareAndSwap, the counter is %d", g*n, v)
	}
	last, _ := m.Load(2)
	for v := range next.Load() + 1 {
		if c := tokens[v].Load(); c != 1 && !(int(v) == last && c == 0) {
			t.Fatalf("token %d was deleted %d times; want once", v, c)
		}
	}
}

// Keys that a Go map rejects.

// unhashableKeyStates are the states in which a Map[any, int] meets an
// unhashable key: before its first key, with a key, with keys that split
// its segment, and after a Clear.
var unhashableKeyStates = []struct {
	name  string
	setup func(m *syncmap.Map[any, int])
}{
	{"empty", func(*syncmap.Map[any, int]) {}},
	{"keys", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Range(func(any, int) bool { return true })
	}},
	{"keys,stored since Range", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Range(func(any, int) bool { return true })
		for k := 2; k < 100; k++ {
			m.Store(k, k)
		}
	}},
	{"cleared", func(m *syncmap.Map[any, int]) {
		m.Store(1, 1)
		m.Clear()
	}},
}

// keyMethods calls each method of Map that takes a key, with key.
var keyMethods = []struct {
	name string
	call func(m *syncmap.Map[any, int], key any)
}{
	{"Load", func(m *syncmap.Map[any, int], k any) { m.Load(k) }},
	{"Store", func(m *syncmap.Map[any, int], k any) { m.Store(k, 1) }},
	{"LoadOrStore", func(m *syncmap.Map[any, int], k any) { m.LoadOrStore(k, 1) }},
	{"LoadAndDelete", func(m *syncmap.Map[any, int], k any) { m.LoadAndDelete(k) }},
	{"Delete", func(m *syncmap.Map[any, int], k any) { m.Delete(k) }},
	{"Swap", func(m *syncmap.Map[any, int], k any) { m.Swap(k, 1) }},
	{"CompareAndSwap", func(m *syncmap.Map[any, int], k any) { m.CompareAndSwap(k, 1, 2) }},
	{"CompareAndDelete", func(m *syncmap.Map[any, int], k any) { m.CompareAndDelete(k, 1) }},
	{"LoadOrCompute", func(m *syncmap.Map[any, int], k any) {
		m.LoadOrCompute(k, func() int { return 1 })
	}},
	{"LoadOrTryCompute", func(m *syncmap.Map[any, int], k any) {
		m.LoadOrTryCompute(k, func() (int, error) { return 1, nil })
	}},
	{"Compute", func(m *syncmap.Map[any, int], k any) {
		m.Compute(k, func(int, bool) (int, syncmap.ComputeOp) { return 1, syncmap.UpdateOp })
	}},
}

// TestUnhashableKeyPanicsInEveryState checks that every method given a key
// whose dynamic type cannot be hashed panics as a Go map does, with a
// runtime.Error that names the type, whether or not the Map holds keys: a
// Go map panics even when it is empty.
func TestUnhashableKeyPanicsInEveryState(t *testing.T) {
	key := []int{1}
	for _, state := range unhashableKeyStates {
		for _, method := range keyMethods {
			t.Run(state.name+"/"+method.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				withTimeout(t, func() {
					r := mustPanic(t, method.name+"([]int{1})", func() { method.call(m, key) })
					err, ok := r.(runtime.Error)
					if r != nil && (!ok || !strings.Contains(err.Error(), "unhashable type") || !strings.Contains(err.Error(), "[]int")) {
						t.Errorf("%s([]int{1}) panicked with %v; want a runtime.Error, hash of unhashable type []int", method.name, r)
					}
				})
			})
		}
	}
}

// TestUnhashableKeyPanicHoldsNoLock checks that after a method panics on an
// unhashable key, in every state of the Map, the Map holds no lock: every
// method still returns, and stores, loads, ranges and clears as before.
func TestUnhashableKeyPanicHoldsNoLock(t *testing.T) {
	for _, state := range unhashableKeyStates {
		for _, method := range keyMethods {
			t.Run(state.name+"/"+method.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				func() {
					defer func() { _ = recover() }()
					method.call(m, []int{1})
				}()
				withTimeout(t, func() { checkUsable(t, m) })
			})
		}
	}
}

// checkUsable checks that m stores, loads, ranges and clears, and that
// every method that takes a key returns, with keys of its own.
func checkUsable(t *testing.T, m *syncmap.Map[any, int]) {
	t.Helper()
	for i, method := range keyMethods {
		method.call(m, fmt.Sprint("key", i))
	}
	m.Store("k", 42)
	if v, ok := m.Load("k"); !ok || v != 42 {
		t.Errorf("Load(k) after Store(k, 42) = %d, %v; want 42, true", v, ok)
	}
	found := false
	m.Range(func(k any, v int) bool {
		found = found || k == "k" && v == 42
		return true
	})
	if !found {
		t.Error("Range did not visit k = 42")
	}
	m.Clear()
	if n := m.Len(); n != 0 {
		t.Errorf("Len() after Clear = %d; want 0", n)
	}
}

// TestPanickingComputeHoldsNoLock checks that a compute callback that
// panics, in every state of the Map, leaves it holding no lock.
func TestPanickingComputeHoldsNoLock(t *testing.T) {
	computes := []struct {
		name string
		call func(m *syncmap.Map[any, int])
	}{
		{"LoadOrCompute", func(m *syncmap.Map[any, int]) {
			m.LoadOrCompute(-1, func() int { panic("compute") })
		}},
		{"LoadOrTryCompute", func(m *syncmap.Map[any, int]) {
			m.LoadOrTryCompute(-1, func() (int, error) { panic("compute") })
		}},
		{"Range", func(m *syncmap.Map[any, int]) {
			m.Store(3, 3)
			m.Range(func(any, int) bool { panic("f") })
		}},
	}
	for _, state := range unhashableKeyStates {
		for _, c := range computes {
			t.Run(state.name+"/"+c.name, func(t *testing.T) {
				m := new(syncmap.Map[any, int])
				state.setup(m)
				if r := mustPanic(t, c.name, func() { c.call(m) }); r != "compute" && r != "f" {
					t.Errorf("%s panicked with %v; want the callback's panic", c.name, r)
				}
				withTimeout(t, func() { checkUsable(t, m) })
			})
		}
	}
}
