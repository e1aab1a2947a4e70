// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// This file tests Len.

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
