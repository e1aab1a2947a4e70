// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// This file tests LoadOrCompute and LoadOrTryCompute.

// TestLoadOrComputeRunsOnce has many goroutines ask for the same absent key
// at once: compute must run once, one caller store, and all get its value.
func TestLoadOrComputeRunsOnce(t *testing.T) {
	var m syncmap.Map[string, int]
	const callers = 40
	for round := range 3 {
		key := fmt.Sprint("key", round)
		var calls atomic.Int32
		var stored atomic.Int32
		results := make([]int, callers)
		runGoroutines(t, callers, func(g int) {
			v, loaded := m.LoadOrCompute(key, func() int {
				calls.Add(1)
				time.Sleep(20 * time.Millisecond) // let the others pile up
				return 1000 + g
			})
			if !loaded {
				stored.Add(1)
			}
			results[g] = v
		})
		if n := calls.Load(); n != 1 {
			t.Errorf("round %d: compute ran %d times; want 1", round, n)
		}
		if n := stored.Load(); n != 1 {
			t.Errorf("round %d: %d callers reported loaded == false; want 1", round, n)
		}
		for g, v := range results {
			if v != results[0] {
				t.Errorf("round %d: caller %d got %d, caller 0 got %d", round, g, v, results[0])
			}
		}
	}
}

// TestLoadOrComputeUsesMap calls other methods of the map from inside
// compute, including a Store of its own key, which must win.
func TestLoadOrComputeUsesMap(t *testing.T) {
	var m syncmap.Map[string, int]
	m.Store("other", 1)
	withTimeout(t, func() {
		v, loaded := m.LoadOrCompute("k", func() int {
			if _, ok := m.Load("k"); ok {
				t.Error("Load(k) inside compute found the key being computed")
			}
			m.Store("other", 2)
			m.LoadOrCompute("nested", func() int { return 3 })
			m.Range(func(string, int) bool { return true })
			m.Len()
			m.Store("k", 7) // a value stored meanwhile wins
			return 99
		})
		if v != 7 || !loaded {
			t.Errorf("LoadOrCompute(k) = %d, %v; want the stored 7, true", v, loaded)
		}
	})
	for k, want := range map[string]int{"k": 7, "other": 2, "nested": 3} {
		if v, ok := m.Load(k); !ok || v != want {
			t.Errorf("Load(%s) = %d, %v; want %d, true", k, v, ok, want)
		}
	}
}

// TestLoadOrComputePanic checks that a panicking compute reaches its caller,
// leaves the key absent, and lets the callers waiting for it retry: one of
// them computes, and all get its value.
func TestLoadOrComputePanic(t *testing.T) {
	var m syncmap.Map[string, int]
	started, release := make(chan struct{}), make(chan struct{})
	panicked := make(chan any)
	go func() {
		defer func() { panicked <- recover() }()
		m.LoadOrCompute("k", func() int {
			close(started)
			<-release
			panic("boom")
		})
	}()
	<-started

	const waiters = 8
	var calls, stored atomic.Int32
	results := make([]int, waiters)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runGoroutines(t, waiters, func(g int) {
			v, loaded := m.LoadOrCompute("k", func() int {
				calls.Add(1)
				return 42
			})
			if !loaded {
				stored.Add(1)
			}
			results[g] = v
		})
	}()
	time.Sleep(50 * time.Millisecond) // let the waiters block on the first compute
	if _, ok := m.Load("k"); ok {
		t.Error("Load(k) while compute runs found the key")
	}
	close(release)
	if r := <-panicked; r != "boom" {
		t.Errorf("LoadOrCompute's caller recovered %v; want the panic of compute", r)
	}
	withTimeout(t, func() { <-done })
	if n := calls.Load(); n != 1 {
		t.Errorf("after the panic, compute ran %d times; want 1", n)
	}
	if n := stored.Load(); n != 1 {
		t.Errorf("after the panic, %d waiters stored; want 1", n)
	}
	for g, v := range results {
		if v != 42 {
			t.Errorf("waiter %d got %d; want 42", g, v)
		}
	}
	if n := m.Len(); n != 1 {
		t.Errorf("Len() = %d; want 1", n)
	}
}

// TestLoadOrComputePanicAlone checks that after a panic with nobody
// waiting, the key is absent and can be computed again.
func TestLoadOrComputePanicAlone(t *testing.T) {
	var m syncmap.Map[int, int]
	mustPanic(t, "LoadOrCompute with a panicking compute", func() {
		m.LoadOrCompute(1, func() int { panic("boom") })
	})
	if _, ok := m.Load(1); ok {
		t.Error("Load(1) after a panicking compute found the key")
	}
	withTimeout(t, func() {
		if v, loaded := m.LoadOrCompute(1, func() int { return 5 }); v != 5 || loaded {
			t.Errorf("LoadOrCompute(1) after the panic = %d, %v; want 5, false", v, loaded)
		}
	})
}

// TestLoadOrComputeRunsOnceQuickly has goroutines ask for the same absent
// keys, one after another, with a compute that returns at once, so that
// nobody waits long enough to hide a key released before its value is
// stored: a second caller would then compute it again.
func TestLoadOrComputeRunsOnceQuickly(t *testing.T) {
	var m syncmap.Map[int, int]
	const callers = 4
	keys := rounds(20000)
	calls := make([]atomic.Int32, keys)
	runGoroutines(t, callers, func(g int) {
		for k := range keys {
			if v, _ := m.LoadOrCompute(k, func() int { calls[k].Add(1); return k }); v != k {
				t.Errorf("LoadOrCompute(%d) = %d; want %d", k, v, k)
				return
			}
		}
	})
	for k := range keys {
		if n := calls[k].Load(); n != 1 {
			t.Fatalf("compute of key %d ran %d times; want 1", k, n)
		}
	}
}

// computeBlocked starts a LoadOrCompute of key on m whose compute blocks
// until release is closed, then returns v, and waits until it has started.
// The call's results are sent on the returned channel.
func computeBlocked(m *syncmap.Map[string, int], key string, v int) (release chan struct{}, result chan [2]any) {
	started := make(chan struct{})
	release, result = make(chan struct{}), make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute(key, func() int {
			close(started)
			<-release
			return v
		})
		result <- [2]any{v, loaded}
	}()
	<-started
	return release, result
}

// TestLoadOrComputeWaitersSeeStores checks that callers waiting for a
// compute return as soon as another call stores a value for the key, not
// when the compute ends; and that the value stored wins over the compute's.
// The key is absent: never stored, or stored and deleted.
func TestLoadOrComputeWaitersSeeStores(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(m *syncmap.Map[string, int])
		store func(m *syncmap.Map[string, int])
	}{
		{"absent,Store", func(*syncmap.Map[string, int]) {}, func(m *syncmap.Map[string, int]) { m.Store("k", 7) }},
		{"deleted,Store", deletedInSegment, func(m *syncmap.Map[string, int]) { m.Store("k", 7) }},
		{"deleted,LoadOrStore", deletedInSegment, func(m *syncmap.Map[string, int]) { m.LoadOrStore("k", 7) }},
		{"deleted,Swap", deletedInSegment, func(m *syncmap.Map[string, int]) { m.Swap("k", 7) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m syncmap.Map[string, int]
			tc.setup(&m)
			release, first := computeBlocked(&m, "k", 1)
			waiter := make(chan [2]any, 1)
			go func() {
				v, loaded := m.LoadOrCompute("k", func() int { return 2 })
				waiter <- [2]any{v, loaded}
			}()
			waitersBlocked(t, 1)
			tc.store(&m)
			select {
			case got := <-waiter:
				if got != [2]any{7, true} {
					t.Errorf("waiter got %v; want the stored 7, true", got)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("a caller waiting for a compute still waits after another call stored the key")
			}
			close(release)
			if got := <-first; got != [2]any{7, true} {
				t.Errorf("the computing caller got %v; want the stored 7, true", got)
			}
			if v, ok := m.Load("k"); v != 7 || !ok {
				t.Errorf("Load(k) = %d, %v; want 7, true", v, ok)
			}
		})
	}
}

// deletedInSegment leaves m's key "k" deleted, its entry still in its
// segment, where a Store could give it a value without a lock.
func deletedInSegment(m *syncmap.Map[string, int]) {
	m.Store("k", 0)
	m.Store("other", 0)
	m.Delete("k")
}

func TestLoadOrComputeNilPanics(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(1, 1)
	for _, key := range []int{1, 2} { // a hit and a miss
		r := mustPanic(t, "LoadOrCompute with a nil compute", func() { m.LoadOrCompute(key, nil) })
		if s, _ := r.(string); !strings.HasPrefix(s, "syncmap: ") {
			t.Errorf("LoadOrCompute(%d, nil) panicked with %v; want a message that starts with syncmap: ", key, r)
		}
		r = mustPanic(t, "LoadOrTryCompute with a nil compute", func() { m.LoadOrTryCompute(key, nil) })
		if s, _ := r.(string); !strings.HasPrefix(s, "syncmap: ") {
			t.Errorf("LoadOrTryCompute(%d, nil) panicked with %v; want a message that starts with syncmap: ", key, r)
		}
	}
}

var errBackend = errors.New("backend down")

// TestLoadOrTryComputeError checks that a failed compute stores nothing and
// returns its error, that a value stored meanwhile wins over the error, and
// that the next call computes again.
func TestLoadOrTryComputeError(t *testing.T) {
	var m syncmap.Map[string, int]
	v, loaded, err := m.LoadOrTryCompute("k", func() (int, error) { return 1, errBackend })
	if v != 0 || loaded || err != errBackend {
		t.Errorf("LoadOrTryCompute(k) with a failing compute = %d, %v, %v; want 0, false, %v", v, loaded, err, errBackend)
	}
	if v, ok := m.Load("k"); ok {
		t.Errorf("Load(k) after a failed compute = %d, true; want the key absent", v)
	}
	v, loaded, err = m.LoadOrTryCompute("k", func() (int, error) {
		m.Store("k", 5)
		return 0, errBackend
	})
	if v != 5 || !loaded || err != nil {
		t.Errorf("LoadOrTryCompute(k) whose compute fails after a Store = %d, %v, %v; want the stored 5, true, nil", v, loaded, err)
	}
	m.Delete("k")
	v, loaded, err = m.LoadOrTryCompute("k", func() (int, error) { return 6, nil })
	if v != 6 || loaded || err != nil {
		t.Errorf("LoadOrTryCompute(k) after a failure = %d, %v, %v; want 6, false, nil", v, loaded, err)
	}
	v, loaded, err = m.LoadOrTryCompute("k", func() (int, error) { panic("computed a present key") })
	if v != 6 || !loaded || err != nil {
		t.Errorf("LoadOrTryCompute(k) of a present key = %d, %v, %v; want 6, true, nil", v, loaded, err)
	}
}

// TestLoadOrTryComputeSharesError has callers wait for a compute that
// fails: those of LoadOrTryCompute get its error without computing, those
// of LoadOrCompute, which cannot return one, compute in its place, once.
func TestLoadOrTryComputeSharesError(t *testing.T) {
	var m syncmap.Map[string, int]
	started, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, _, err := m.LoadOrTryCompute("k", func() (int, error) {
			close(started)
			<-release
			return 0, errBackend
		})
		first <- err
	}()
	<-started

	const waiters = 6
	var tried, computed atomic.Int32
	errs := make([]error, waiters)
	values := make([]int, waiters)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runGoroutines(t, waiters, func(g int) {
			if g%2 == 0 {
				values[g], _, errs[g] = m.LoadOrTryCompute("k", func() (int, error) {
					tried.Add(1)
					return 1, nil
				})
				return
			}
			values[g], _ = m.LoadOrCompute("k", func() int {
				computed.Add(1)
				return 2
			})
		})
	}()
	waitersBlocked(t, waiters)
	close(release)
	if err := <-first; err != errBackend {
		t.Errorf("the failing compute's caller got %v; want %v", err, errBackend)
	}
	withTimeout(t, func() { <-done })
	if n := tried.Load(); n != 0 {
		t.Errorf("%d waiting callers of LoadOrTryCompute computed; want 0: they share the error", n)
	}
	if n := computed.Load(); n != 1 {
		t.Errorf("waiting callers of LoadOrCompute computed %d times; want 1", n)
	}
	for g := range waiters {
		switch {
		case g%2 == 1 && values[g] != 2:
			t.Errorf("LoadOrCompute caller %d got %d; want 2", g, values[g])
		case g%2 == 0 && errs[g] != errBackend:
			t.Errorf("LoadOrTryCompute caller %d got %d, %v; want the shared error", g, values[g], errs[g])
		}
	}
}

// waitersBlocked waits until n goroutines wait for a compute of another
// caller: blocked on a channel receive in loadOrComputeSlow itself, as the
// first frame of their stacks shows. The caller whose compute runs, which
// a test blocks in its callback, has loadOrComputeSlow further down its
// stack: it is not one of the n. (Counting it let a test go on with one
// waiter not yet waiting, which then computed itself.)
func waitersBlocked(t *testing.T, n int) {
	t.Helper()
	waitForChanReceives(t, n, "wait for a compute", func(frame string) bool {
		return strings.Contains(frame, ").loadOrComputeSlow(")
	})
}

// waitForChanReceives waits until n goroutines are blocked on a channel
// receive in a function that first reports true for, and fails t after
// 30 seconds: what says what the goroutines wait for.
func waitForChanReceives(t *testing.T, n int, what string, first func(frame string) bool) {
	t.Helper()
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(30 * time.Second)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		blocked := 0
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "[chan receive") && first(firstFrame(g)) {
				blocked++
			}
		}
		if blocked >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d callers %s after 30s", blocked, n, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// firstFrame returns the first function on the stack of a goroutine, as
// runtime.Stack writes it, leaving out the runtime's own.
func firstFrame(g string) string {
	for _, line := range strings.Split(g, "\n")[1:] {
		if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "runtime.") {
			return line
		}
	}
	return ""
}

// TestNaNKeysAreNotKeptByLoadOrCompute checks that LoadOrCompute of a key
// that is not equal to itself computes and stores it every time, as a Go
// map stores a new key for every assignment to m[NaN], and that nothing is
// kept of those calls once Clear has dropped their keys: no bookkeeping of
// a compute may hold a key that can never be looked up again.
func TestNaNKeysAreNotKeptByLoadOrCompute(t *testing.T) {
	const n = 50_000
	var m syncmap.Map[float64, int]
	m.Store(0, 0)
	base := liveHeap()
	for i := range n {
		v, loaded, err := m.LoadOrTryCompute(math.NaN(), func() (int, error) { return i, nil })
		if i%2 == 0 {
			v, loaded = m.LoadOrCompute(math.NaN(), func() int { return i })
			err = nil
		}
		if v != i || loaded || err != nil {
			t.Fatalf("LoadOrCompute(NaN) = %d, %v, %v; want %d, false, nil: no NaN key can be found again", v, loaded, err, i)
		}
	}
	if got, want := m.Len(), 1+n+n/2; got != want {
		t.Errorf("Len() after %d computes of NaN keys = %d; want %d", n+n/2, got, want)
	}
	m.Clear()
	m.Store(0, 0)
	// Keeping each NaN key would hold about a megabyte.
	if grown := int64(liveHeap()) - int64(base); grown > 256<<10 {
		t.Errorf("after %d computes of NaN keys and Clear, the live heap grew by %d bytes; want it back where it was", n+n/2, grown)
	}
	runtime.KeepAlive(&m)
}

// TestLoadOrComputeWaitersSeeRevivedKeys checks that callers waiting for a
// compute return as soon as a store gives the key a value, when the key was
// stored and deleted after the compute began (a store that gave such a
// key's entry a value again without the lock once woke nobody). The
// waiters must not wait for the compute, nor get its error.
func TestLoadOrComputeWaitersSeeRevivedKeys(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(m *syncmap.Map[string, int])
	}{
		{"Store", func(m *syncmap.Map[string, int]) { m.Store("k", 7) }},
		{"Swap", func(m *syncmap.Map[string, int]) { m.Swap("k", 7) }},
		{"LoadOrStore", func(m *syncmap.Map[string, int]) { m.LoadOrStore("k", 7) }},
	} {
		for _, try := range []bool{false, true} {
			name := tc.name + "/LoadOrCompute"
			if try {
				name = tc.name + "/LoadOrTryCompute"
			}
			t.Run(name, func(t *testing.T) {
				var m syncmap.Map[string, int]
				m.Store("other", 0)
				started, release := make(chan struct{}), make(chan struct{})
				first := make(chan struct{})
				go func() {
					defer close(first)
					m.LoadOrTryCompute("k", func() (int, error) {
						close(started)
						<-release
						return 0, errBackend
					})
				}()
				<-started
				m.Store("k", 1)
				m.Delete("k")
				waiter := make(chan [3]any, 2)
				go func() {
					if try {
						v, loaded, err := m.LoadOrTryCompute("k", func() (int, error) { return 2, nil })
						waiter <- [3]any{v, loaded, err}
						return
					}
					v, loaded := m.LoadOrCompute("k", func() int { return 2 })
					waiter <- [3]any{v, loaded, nil}
				}()
				waitersBlocked(t, 1)
				tc.store(&m)
				select {
				case got := <-waiter:
					if got != [3]any{7, true, nil} {
						t.Errorf("waiter got %v; want the stored 7, true, <nil>", got)
					}
				case <-time.After(10 * time.Second):
					t.Error("a caller waiting for a compute still waits after a store revived the key")
				}
				close(release)
				<-first // before the next test counts its waiters
			})
		}
	}
}

// TestInvalidateThenComputeCopiesNothing deletes a key of a large map and
// computes it again, the way a cache drops a stale value and fetches a new
// one: that must allocate about what a Delete then LoadOrStore does, not a
// copy of the key's segment.
func TestInvalidateThenComputeCopiesNothing(t *testing.T) {
	m := filledMap(1 << 14)
	bytesPerCall := func(f func(k int)) float64 {
		const n = 1000
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for k := range n {
			f(k)
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / n
	}
	store := bytesPerCall(func(k int) {
		m.Delete(k)
		m.LoadOrStore(k, k)
	})
	compute := bytesPerCall(func(k int) {
		m.Delete(k)
		m.LoadOrCompute(k, func() int { return k })
	})
	t.Logf("Delete then LoadOrStore: %.0f bytes; Delete then LoadOrCompute: %.0f bytes", store, compute)
	if compute > 2*store+64 {
		t.Errorf("Delete then LoadOrCompute allocates %.0f bytes; Delete then LoadOrStore %.0f: want about as much", compute, store)
	}
}

// TestComputeRegistryShrinks runs ten thousand computes at once, each from
// inside the previous one, all failing, and checks that once they are over
// the map gives back the room it took to track them.
func TestComputeRegistryShrinks(t *testing.T) {
	const n = 10_000
	var m syncmap.Map[int, int]
	m.Store(-1, -1)
	base := liveHeap()
	var nest func(k int) (int, error)
	nest = func(k int) (int, error) {
		if k < n {
			m.LoadOrTryCompute(k+1, func() (int, error) { return nest(k + 1) })
		}
		return 0, errBackend
	}
	if _, _, err := m.LoadOrTryCompute(0, func() (int, error) { return nest(0) }); err != errBackend {
		t.Fatalf("LoadOrTryCompute = %v; want %v", err, errBackend)
	}
	if grown := int64(liveHeap()) - int64(base); grown > 16<<10 {
		t.Errorf("after %d computes that ran at once, the live heap grew by %d bytes; want it back where it was", n, grown)
	}
	if got := m.Len(); got != 1 {
		t.Errorf("Len() = %d; want 1", got)
	}
	runtime.KeepAlive(&m)
}

// TestComputeSurvivesSplits starts a compute, and a caller waiting for it,
// then stores keys enough to split the computing key's segment again and
// again: the halves must carry the compute, so that a third caller waits
// for it rather than compute too, and a store of the key wakes them both.
func TestComputeSurvivesSplits(t *testing.T) {
	m := syncmap.NewTuned[string, int](oneGroup)
	release, first := computeBlocked(m, "k", 1)
	waiter := make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute("k", func() int { return 2 })
		waiter <- [2]any{v, loaded}
	}()
	waitersBlocked(t, 1)
	for i := range 200 {
		m.Store(fmt.Sprint(i), i)
	}
	if segs, _ := syncmap.Segments(m); segs < 16 {
		t.Fatalf("200 keys fill %d segments; want at least 16", segs)
	}
	var computed atomic.Bool
	third := make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute("k", func() int { computed.Store(true); return 3 })
		third <- [2]any{v, loaded}
	}()
	waitersBlocked(t, 2)
	m.Store("k", 7)
	withTimeout(t, func() {
		for _, c := range []chan [2]any{waiter, third} {
			if got := <-c; got != [2]any{7, true} {
				t.Errorf("a caller waiting for the compute got %v; want the stored 7, true", got)
			}
		}
	})
	if computed.Load() {
		t.Error("a caller computed the key while another's compute ran")
	}
	close(release)
	if got := <-first; got != [2]any{7, true} {
		t.Errorf("the computing caller got %v; want the stored 7, true", got)
	}
}
