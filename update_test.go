// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// This file tests Compute.

// TestComputeOps checks each op on a present and an absent key: the
// results, the map's contents and Len.
func TestComputeOps(t *testing.T) {
	tests := []struct {
		present    bool
		op         syncmap.ComputeOp
		wantValue  int
		wantOK     bool
		wantLoaded bool // what f is given
	}{
		{true, syncmap.UpdateOp, 11, true, true},
		{true, syncmap.DeleteOp, 0, false, true},
		{true, syncmap.CancelOp, 1, true, true},
		{false, syncmap.UpdateOp, 10, true, false},
		{false, syncmap.DeleteOp, 0, false, false},
		{false, syncmap.CancelOp, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("present=%v,op=%d", tt.present, tt.op), func(t *testing.T) {
			var m syncmap.Map[string, int]
			m.Store("other", 5)
			if tt.present {
				m.Store("k", 1)
			}
			calls := 0
			v, ok := m.Compute("k", func(old int, loaded bool) (int, syncmap.ComputeOp) {
				calls++
				if loaded != tt.wantLoaded || (loaded && old != 1) || (!loaded && old != 0) {
					t.Errorf("f(%d, %v); want f(%d, %v)", old, loaded, map[bool]int{true: 1}[tt.wantLoaded], tt.wantLoaded)
				}
				return old + 10, tt.op
			})
			if calls != 1 {
				t.Errorf("f ran %d times; want 1", calls)
			}
			if v != tt.wantValue || ok != tt.wantOK {
				t.Errorf("Compute = %d, %v; want %d, %v", v, ok, tt.wantValue, tt.wantOK)
			}
			if got, gotOK := m.Load("k"); got != tt.wantValue || gotOK != tt.wantOK {
				t.Errorf("Load after Compute = %d, %v; want %d, %v", got, gotOK, tt.wantValue, tt.wantOK)
			}
			wantLen := 1
			if tt.wantOK {
				wantLen++
			}
			if n := m.Len(); n != wantLen {
				t.Errorf("Len = %d; want %d", n, wantLen)
			}
			if err := syncmap.CheckTables(&m); err != nil {
				t.Error(err)
			}
		})
	}
}

// computeHeld starts a Compute of key that gives f's arguments to entered,
// then waits for release, and returns then what f says: it updates the
// key to value. done receives Compute's results.
func computeHeld(m *syncmap.Map[string, int], key string, value int) (entered chan [2]any, release chan struct{}, done chan [2]any) {
	entered, release, done = make(chan [2]any, 1), make(chan struct{}), make(chan [2]any, 1)
	go func() {
		v, ok := m.Compute(key, func(old int, loaded bool) (int, syncmap.ComputeOp) {
			entered <- [2]any{old, loaded}
			<-release
			return value, syncmap.UpdateOp
		})
		done <- [2]any{v, ok}
	}()
	return entered, release, done
}

// waitersInMap waits until n goroutines are blocked on a channel inside a
// method of Map: waiting for a Compute to end. The goroutine whose Compute
// runs is blocked in its f, a function of the test, and is not one of them.
func waitersInMap(t *testing.T, n int) {
	t.Helper()
	waitForChanReceives(t, n, "wait for a Compute", func(frame string) bool {
		return strings.Contains(frame, "gosyncmap/syncmap.")
	})
}

// TestComputeWritersWait holds a Compute in its function while another
// call writes the key: the write must wait for the Compute and then apply
// to its result, for each kind of write, on a present and on an absent
// key. (A CompareAndSwap or CompareAndDelete whose old value differs from
// the value before the Compute is not a write, and does not wait: see
// TestComputeReadersDoNotWait.)
func TestComputeWritersWait(t *testing.T) {
	type write struct {
		name  string
		call  func(m *syncmap.Map[string, int]) string // returns what the write returned
		want  string
		final string // the key's state after both calls
	}
	show := func(v any, ok bool) string { return fmt.Sprint(v, " ", ok) }
	state := func(m *syncmap.Map[string, int]) string { return show(m.Load("k")) }
	// The Compute stores 10; each write expects to run after it.
	writes := []write{
		{"Store", func(m *syncmap.Map[string, int]) string { m.Store("k", 5); return "" }, "", "5 true"},
		{"Swap", func(m *syncmap.Map[string, int]) string { return show(m.Swap("k", 5)) }, "10 true", "5 true"},
		// These two compare with the value from before the Compute, which
		// they must not overtake: after it, they find 10, and fail.
		{"CompareAndSwap", func(m *syncmap.Map[string, int]) string { return fmt.Sprint(m.CompareAndSwap("k", 1, 5)) }, "false", "10 true"},
		{"Delete", func(m *syncmap.Map[string, int]) string { m.Delete("k"); return "" }, "", "0 false"},
		{"LoadAndDelete", func(m *syncmap.Map[string, int]) string { return show(m.LoadAndDelete("k")) }, "10 true", "0 false"},
		{"CompareAndDelete", func(m *syncmap.Map[string, int]) string { return fmt.Sprint(m.CompareAndDelete("k", 1)) }, "false", "10 true"},
		{"LoadOrStore", func(m *syncmap.Map[string, int]) string { return show(m.LoadOrStore("k", 5)) }, "10 true", "10 true"},
		{"LoadOrCompute", func(m *syncmap.Map[string, int]) string {
			return show(m.LoadOrCompute("k", func() int { return 5 }))
		}, "10 true", "10 true"},
		{"Compute", func(m *syncmap.Map[string, int]) string {
			return show(m.Compute("k", func(old int, loaded bool) (int, syncmap.ComputeOp) {
				return old + 1, syncmap.UpdateOp
			}))
		}, "11 true", "11 true"},
	}
	for _, present := range []bool{true, false} {
		for _, w := range writes {
			switch w.name {
			case "CompareAndSwap", "LoadAndDelete", "Delete", "CompareAndDelete":
				if !present {
					continue // nothing to write: they return at once
				}
			case "LoadOrStore", "LoadOrCompute":
				if present {
					continue // a read (TestComputeReadersDoNotWait)
				}
			}
			t.Run(fmt.Sprintf("%s,present=%v", w.name, present), func(t *testing.T) {
				var m syncmap.Map[string, int]
				if present {
					m.Store("k", 1)
				}
				entered, release, done := computeHeld(&m, "k", 10)
				<-entered
				wrote := make(chan string, 1)
				go func() { wrote <- w.call(&m) }()
				waitersInMap(t, 1)
				select {
				case got := <-wrote:
					t.Fatalf("%s returned %q while Compute's function ran", w.name, got)
				default:
				}
				close(release)
				if got := <-done; got != [2]any{10, true} {
					t.Errorf("Compute = %v; want [10 true]", got)
				}
				if got := <-wrote; got != w.want {
					t.Errorf("%s = %q; want %q", w.name, got, w.want)
				}
				if got := state(&m); got != w.final {
					t.Errorf("Load after both = %q; want %q", got, w.final)
				}
				if err := syncmap.CheckTables(&m); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestComputeReadersDoNotWait holds a Compute in its function and reads
// the key meanwhile, in every way: each read must return, with the value
// from before the Compute.
func TestComputeReadersDoNotWait(t *testing.T) {
	for _, present := range []bool{true, false} {
		t.Run(fmt.Sprintf("present=%v", present), func(t *testing.T) {
			var m syncmap.Map[string, int]
			m.Store("other", 2)
			want := "0 false"
			if present {
				m.Store("k", 1)
				want = "1 true"
			}
			entered, release, done := computeHeld(&m, "k", 10)
			<-entered
			show := func(v any, ok bool) string { return fmt.Sprint(v, " ", ok) }
			reads := map[string]func() string{
				"Load": func() string { return show(m.Load("k")) },
				"Range": func() string {
					v, ok := 0, false
					m.Range(func(k string, x int) bool {
						if k == "k" {
							v, ok = x, true
						}
						return true
					})
					return show(v, ok)
				},
				"All": func() string {
					for k, v := range m.All() {
						if k == "k" {
							return show(v, true)
						}
					}
					return show(0, false)
				},
			}
			if present {
				reads["LoadOrStore"] = func() string { return show(m.LoadOrStore("k", 5)) }
				reads["LoadOrCompute"] = func() string { return show(m.LoadOrCompute("k", func() int { return 5 })) }
				// Calls that change nothing are reads too.
				reads["CompareAndSwap"] = func() string { return show(1, !m.CompareAndSwap("k", 7, 8)) }
				reads["CompareAndDelete"] = func() string { return show(1, !m.CompareAndDelete("k", 7)) }
			}
			for name, read := range reads {
				got := make(chan string, 1)
				go func() { got <- read() }()
				select {
				case g := <-got:
					if g != want {
						t.Errorf("%s while Compute's function runs = %q; want %q", name, g, want)
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("%s waited for Compute's function", name)
				}
			}
			if n := m.Len(); n != map[bool]int{true: 2, false: 1}[present] {
				t.Errorf("Len while Compute's function runs = %d", n)
			}
			close(release)
			<-done
			if v, ok := m.Load("k"); v != 10 || !ok {
				t.Errorf("Load after Compute = %d, %v; want 10, true", v, ok)
			}
		})
	}
}

// TestComputeCountsExactlyOnce has goroutines add to counters, some with
// Compute and some with the CompareAndSwap loop users write without it,
// with the table settings that make segments split and merge under them:
// every addition must count once, and each Compute's function run once.
func TestComputeCountsExactlyOnce(t *testing.T) {
	t.Parallel()
	const (
		goroutines = 8
		keys       = 4
	)
	perG := 500
	if testing.Short() {
		perG = 200
	}
	for _, tv := range tableVariants {
		t.Run(tv.name, func(t *testing.T) {
			m := syncmap.NewTuned[int, int](tv.tuning)
			var runs atomic.Int64
			runGoroutines(t, goroutines, func(g int) {
				for i := range perG {
					k := (g + i) % keys
					if g%2 == 0 {
						m.Compute(k, func(old int, _ bool) (int, syncmap.ComputeOp) {
							runs.Add(1)
							return old + 1, syncmap.UpdateOp
						})
					} else {
						for {
							v, ok := m.Load(k)
							if !ok {
								if _, loaded := m.LoadOrStore(k, 1); !loaded {
									break
								}
								continue
							}
							if m.CompareAndSwap(k, v, v+1) {
								break
							}
						}
					}
					// Other keys come and go, so that segments split and
					// merge meanwhile.
					m.Store(1000+g*perG+i, i)
					if i%2 == 1 {
						m.Delete(1000 + g*perG + i - 1)
					}
				}
			})
			total := 0
			for k := range keys {
				v, _ := m.Load(k)
				total += v
			}
			if want := goroutines * perG; total != want {
				t.Errorf("the counters sum to %d; want %d", total, want)
			}
			if got, want := runs.Load(), int64(goroutines/2*perG); got != want {
				t.Errorf("Compute's functions ran %d times; want %d", got, want)
			}
			if err := syncmap.CheckTables(m); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestComputeUsesMap calls the map from inside Compute's function: for
// other keys, Range, and a Load of its own key, which sees the value from
// before the call.
func TestComputeUsesMap(t *testing.T) {
	var m syncmap.Map[string, int]
	m.Store("k", 1)
	m.Store("a", 2)
	v, ok := m.Compute("k", func(old int, _ bool) (int, syncmap.ComputeOp) {
		if got, _ := m.Load("k"); got != 1 {
			t.Errorf("Load of its own key from f = %d; want 1", got)
		}
		m.Store("b", 3)
		m.Delete("a")
		m.Compute("c", func(int, bool) (int, syncmap.ComputeOp) { return 4, syncmap.UpdateOp })
		sum := 0
		m.Range(func(_ string, v int) bool { sum += v; return true })
		return old + sum, syncmap.UpdateOp // 1 + (1 + 3 + 4)
	})
	if v != 9 || !ok {
		t.Errorf("Compute = %d, %v; want 9, true", v, ok)
	}
	for k, want := range map[string]int{"k": 9, "b": 3, "c": 4} {
		if got, _ := m.Load(k); got != want {
			t.Errorf("Load(%q) = %d; want %d", k, got, want)
		}
	}
	if _, ok := m.Load("a"); ok {
		t.Error(`"a", deleted from f, is present`)
	}
}

// TestComputePanic panics out of Compute's function while a Store of the
// key waits: the panic must reach Compute's caller, the key keep its value,
// the Store go on, and the map stay usable.
func TestComputePanic(t *testing.T) {
	for _, present := range []bool{true, false} {
		t.Run(fmt.Sprintf("present=%v", present), func(t *testing.T) {
			var m syncmap.Map[string, int]
			if present {
				m.Store("k", 1)
			}
			entered, release := make(chan struct{}), make(chan struct{})
			panicked := make(chan any, 1)
			go func() {
				defer func() { panicked <- recover() }()
				m.Compute("k", func(int, bool) (int, syncmap.ComputeOp) {
					close(entered)
					<-release
					panic("f failed")
				})
			}()
			<-entered
			if v, ok := m.Load("k"); ok != present || (present && v != 1) {
				t.Errorf("Load while f runs = %d, %v", v, ok)
			}
			stored := make(chan bool, 1)
			go func() { _, loaded := m.Swap("k", 5); stored <- loaded }()
			waitersInMap(t, 1)
			close(release)
			if p := <-panicked; p != "f failed" {
				t.Errorf("recovered %v; want the panic of f", p)
			}
			if loaded := <-stored; loaded != present {
				t.Errorf("Swap after the panic reported loaded == %v; want %v", loaded, present)
			}
			if v, ok := m.Load("k"); v != 5 || !ok {
				t.Errorf("Load = %d, %v; want 5, true", v, ok)
			}
			v, ok := m.Compute("k", func(old int, _ bool) (int, syncmap.ComputeOp) { return old + 1, syncmap.UpdateOp })
			if v != 6 || !ok {
				t.Errorf("Compute after the panic = %d, %v; want 6, true", v, ok)
			}
			if err := syncmap.CheckTables(&m); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestComputeMisusePanics checks the panics of a nil function and of an
// op that is none of the three, which must leave the key as it was.
func TestComputeMisusePanics(t *testing.T) {
	var m syncmap.Map[string, int]
	m.Store("k", 1)
	checkPanics(t, "Compute(nil)", "syncmap: Compute called with a nil function", func() {
		m.Compute("k", nil)
	})
	checkPanics(t, "Compute returning op 7", "syncmap: Compute's function returned an unknown ComputeOp", func() {
		m.Compute("k", func(int, bool) (int, syncmap.ComputeOp) { return 2, 7 })
	})
	if v, ok := m.Load("k"); v != 1 || !ok {
		t.Errorf("Load after the panics = %d, %v; want 1, true", v, ok)
	}
	m.Store("k", 3) // no lock or reservation left behind
	if v, _ := m.Load("k"); v != 3 {
		t.Errorf("Load after Store = %d; want 3", v)
	}
}

// checkPanics checks that f panics with want.
func checkPanics(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if got := recover(); got != want {
			t.Errorf("%s panicked with %v; want %q", what, got, want)
		}
	}()
	f()
}

// TestComputeAcrossClear clears the map while a Compute's function runs:
// Clear must not wait for it, and the Compute takes effect before the
// Clear, which deletes what it stores: the key is absent after the Clear,
// and a Store after the Clear neither waits for the Compute nor is undone
// by it.
func TestComputeAcrossClear(t *testing.T) {
	var m syncmap.Map[string, int]
	m.Store("k", 1)
	entered, release, done := computeHeld(&m, "k", 10)
	<-entered
	cleared := make(chan struct{})
	go func() { m.Clear(); close(cleared) }()
	select {
	case <-cleared:
	case <-time.After(30 * time.Second):
		t.Fatal("Clear waited for Compute's function")
	}
	if v, ok := m.Load("k"); ok {
		t.Errorf("Load after Clear = %d, true; want absent", v)
	}
	m.Store("k", 5)
	close(release)
	if got := <-done; got != [2]any{10, true} {
		t.Errorf("Compute = %v; want [10 true]", got)
	}
	if v, ok := m.Load("k"); v != 5 || !ok {
		t.Errorf("Load after Store = %d, %v; want 5, true", v, ok)
	}
	if n := m.Len(); n != 1 {
		t.Errorf("Len = %d; want 1", n)
	}
	if err := syncmap.CheckTables(&m); err != nil {
		t.Error(err)
	}
}

// TestComputeAcrossSplits holds a Compute of each of a few keys while
// enough new keys are stored and deleted to split and merge their
// segments many times: each Compute must still apply to its key, and
// readers see the value from before it meanwhile.
func TestComputeAcrossSplits(t *testing.T) {
	m := syncmap.NewTuned[string, int](oneGroup)
	const held = 4
	var releases []chan struct{}
	var dones []chan [2]any
	for i := range held {
		k := fmt.Sprint("k", i)
		m.Store(k, i)
		entered, release, done := computeHeld(m, k, 100+i)
		<-entered
		releases, dones = append(releases, release), append(dones, done)
	}
	for round := range 3 {
		for i := range 2000 {
			m.Store(fmt.Sprint(round, "/", i), i)
		}
		for i := range held {
			if v, ok := m.Load(fmt.Sprint("k", i)); v != i || !ok {
				t.Errorf("Load(k%d) while its Compute runs = %d, %v; want %d, true", i, v, ok, i)
			}
		}
		for i := range 2000 {
			m.Delete(fmt.Sprint(round, "/", i))
		}
	}
	for i := range held {
		close(releases[i])
		if got := <-dones[i]; got != [2]any{100 + i, true} {
			t.Errorf("Compute(k%d) = %v; want [%d true]", i, got, 100+i)
		}
		if v, ok := m.Load(fmt.Sprint("k", i)); v != 100+i || !ok {
			t.Errorf("Load(k%d) = %d, %v; want %d, true", i, v, ok, 100+i)
		}
	}
	if n := m.Len(); n != held {
		t.Errorf("Len = %d; want %d", n, held)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// TestComputeOfNaN checks that Compute of a key that is not equal to
// itself always finds it absent, as a Go map does, and stores a new key
// for each update.
func TestComputeOfNaN(t *testing.T) {
	var m syncmap.Map[float64, int]
	nan := math.NaN()
	for i := range 3 {
		v, ok := m.Compute(nan, func(old int, loaded bool) (int, syncmap.ComputeOp) {
			if loaded {
				t.Errorf("Compute(NaN) found it present, = %d", old)
			}
			return i, syncmap.UpdateOp
		})
		if v != i || !ok {
			t.Errorf("Compute(NaN) = %d, %v; want %d, true", v, ok, i)
		}
	}
	if n := m.Len(); n != 3 {
		t.Errorf("Len = %d; want 3", n)
	}
}

// The functions that TestComputeAllocates gives Compute, made once, so
// that the test counts Compute's allocations, not a closure's.
var (
	incrementInt  = func(old int, _ bool) (int, syncmap.ComputeOp) { return old + 1, syncmap.UpdateOp }
	appendString  = func(old string, _ bool) (string, syncmap.ComputeOp) { return old[:1], syncmap.UpdateOp }
	samePointer   = func(old *int, _ bool) (*int, syncmap.ComputeOp) { return old, syncmap.UpdateOp }
	cancelCompute = func(old int, _ bool) (int, syncmap.ComputeOp) { return old, syncmap.CancelOp }
)

// TestComputeAllocates checks that Compute of a present key allocates no
// more than Swap of it does, for each way a value is held: in a new
// allocation (int, string) or in the entry's pointer itself (*int); and
// that a canceled Compute allocates nothing.
func TestComputeAllocates(t *testing.T) {
	check := func(name string, compute, swap func()) {
		t.Helper()
		compute() // the segment's computing map is made once
		c, s := testing.AllocsPerRun(100, compute), testing.AllocsPerRun(100, swap)
		if c > s {
			t.Errorf("%s: Compute allocates %v times per call, Swap %v", name, c, s)
		}
	}
	var mi syncmap.Map[int, int]
	mi.Store(1, 1)
	check("int", func() { mi.Compute(1, incrementInt) }, func() { mi.Swap(1, 2) })
	var ms syncmap.Map[int, string]
	ms.Store(1, "ab")
	check("string", func() { ms.Compute(1, appendString) }, func() { ms.Swap(1, "cd") })
	var mp syncmap.Map[int, *int]
	p := new(int)
	mp.Store(1, p)
	check("*int", func() { mp.Compute(1, samePointer) }, func() { mp.Swap(1, p) })
	if n := testing.AllocsPerRun(100, func() { mi.Compute(1, cancelCompute) }); n != 0 {
		t.Errorf("a canceled Compute allocates %v times per call; want 0", n)
	}
}
