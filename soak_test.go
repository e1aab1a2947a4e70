// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"flag"
	"fmt"
	"math/rand"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds the soak.

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
