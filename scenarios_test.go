// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds concurrent scenarios, run on Map and on the reference
// maps, and calls whose effects a read-modify-write that is not atomic would
// lose.

// TestEveryStoredValueIsAccountedFor races the stores of a key, which
// replace its value without a lock, with the deletes that take the key's
// entry out of its table, with the lock held: a delete must expunge the
// entry in one compare-and-swap from the value it returns, or a store that
// lands between its look at the entry and its write is lost. One goroutine
// swaps the values 1 to n into key 0, one after another, and another deletes
// the key again and again, while a third adds and deletes keys of its own,
// so that the key's table is rebuilt now and then. Every value stored must
// come out exactly once: as the previous value of the next swap, as the
// value of a delete, or as the value left at the end.
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
