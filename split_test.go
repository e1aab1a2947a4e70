// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// keysWithPrefix returns n keys, from start upwards, whose hashes in m
// begin with the bits of prefix, bits of them. m must have a directory.
func keysWithPrefix(m *syncmap.Map[int, int], prefix uint64, bits, n, start int) []int {
	var keys []int
	for k := start; len(keys) < n; k++ {
		if syncmap.Hash(m, k)>>(64-bits) == prefix {
			keys = append(keys, k)
		}
	}
	return keys
}

// blockedOnLock reports whether a goroutine with fn on its stack waits for
// a sync.Mutex.
func blockedOnLock(fn string) bool {
	buf := make([]byte, 1<<20)
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "[sync.Mutex.Lock") && strings.Contains(g, fn) {
			return true
		}
	}
	return false
}

// A splitHold, as the SplitHook of a map's tuning, holds the nth slot that
// a split or a merge of its segments writes once armed, with the locks of
// the segments involved held: held is closed once it does, and it goes on
// once release is closed.
type splitHold struct {
	left          atomic.Int32 // slots to write before holding; none until armed
	held, release chan struct{}
}

func newSplitHold() *splitHold {
	return &splitHold{held: make(chan struct{}), release: make(chan struct{})}
}

// hook is the SplitHook.
func (h *splitHold) hook() {
	if h.left.Load() > 0 && h.left.Add(-1) == 0 {
		close(h.held)
		<-h.release
	}
}

// arm makes the nth slot written from now on hold.
func (h *splitHold) arm(n int) { h.left.Store(int32(n)) }

// heldSplitMap returns a map of segments of one group that holds the nth
// slot that a split or a merge writes, once armed.
func heldSplitMap() (*syncmap.Map[int, int], *splitHold) {
	h := newSplitHold()
	return syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: 1, SplitHook: h.hook}), h
}

// TestHeldSplitKeepsWritersOut holds a split at every point of the
// publication of its two halves, and meanwhile stores keys into the slots
// already published, then ranges over the map. A half is a segment that
// writers find in the directory as soon as one slot shows it: if the split
// does not hold the halves' locks until both are in place, a writer adds
// keys to a half, or rebuilds or splits it, while the lower slots still
// show the old segment; then Range, which meets the old array in the
// lowest slot and skips the span it was made for, misses keys present
// throughout, and the split, once it goes on, writes a half that has been
// replaced since into the lower slots, where its keys cannot be found
// again, or a segment that no longer exists, where writers spin for ever.
//
// The segment that splits is two or more levels shallower than the
// directory, so that each half fills several slots.
func TestHeldSplitKeepsWritersOut(t *testing.T) {
	// The directory's depth, and so the number of slots a split writes,
	// depends on the seeds: hold it after each of the first seven.
	for hold := 1; hold <= 7; hold++ {
		for _, check := range []string{"Range", "StoreThenLoad"} {
			t.Run(fmt.Sprintf("hold=%d/%s", hold, check), func(t *testing.T) {
				testHeldSplit(t, hold, check == "Range")
			})
		}
	}
}

// testHeldSplit holds a split after it has written hold slots, and stores
// keys into those slots meanwhile; with ranging, it checks a Range during
// the hold, and otherwise what the map holds once the split goes on.
func testHeldSplit(t *testing.T, hold int, ranging bool) {
	m, sh := heldSplitMap()
	m.Store(-1, -1)
	m.Clear() // a directory, for Hash, and no keys

	// One key whose hash begins with 1, then keys that begin with 0: the
	// map splits in two, and the half of 0 again and again, deepening the
	// directory, while the half of 1 keeps its one key and depth 1.
	var stored []int
	store := func(keys ...int) {
		for _, k := range keys {
			m.Store(k, k)
			stored = append(stored, k)
		}
	}
	store(keysWithPrefix(m, 1, 1, 1, 0)...)
	store(keysWithPrefix(m, 0, 1, 64, 0)...)
	_, depth := syncmap.Segments(m)
	if depth < 3 {
		t.Fatalf("a directory of depth %d; want at least 3", depth)
	}
	if d := syncmap.SlotDepths(m)[len(syncmap.SlotDepths(m))-1]; d != 1 {
		t.Fatalf("the last slot holds a segment of depth %d; want 1", d)
	}
	slots := 1 << depth
	if hold >= slots/2 {
		t.Skipf("a split of the segment of depth 1 writes %d slots", slots/2)
	}

	// A adds keys that begin with 10 and 11 to that segment until it
	// splits; the split holds after writing hold slots.
	sh.arm(hold)
	held, release := sh.held, sh.release
	upper := keysWithPrefix(m, 3, 2, 10, 10_000)
	lower := keysWithPrefix(m, 2, 2, 10, 10_000)
	var aStored []int // read by this goroutine only after A is done
	aDone := make(chan struct{})
	go func() {
		defer close(aDone)
		for i := range upper {
			for _, k := range []int{upper[i], lower[i]} {
				m.Store(k, k)
				aStored = append(aStored, k)
			}
		}
	}()
	select {
	case <-held:
	case <-aDone:
		t.Fatal("adding 20 keys to a segment of one group did not split it")
	}

	// B stores keys into the slots that the split has written, the top
	// hold slots.
	var bKeys []int
	for slot := slots - hold; slot < slots; slot++ {
		bKeys = append(bKeys, keysWithPrefix(m, uint64(slot), depth, 8, 20_000)...)
	}
	var bReturned atomic.Int32 // how many of bKeys were stored
	bDone := make(chan struct{})
	go func() {
		defer close(bDone)
		heldSplitWriter(m, bKeys, &bReturned)
	}()
	waitBlockedOrDone(bDone, "heldSplitWriter")

	var seen map[int]int
	var present []int
	rDone := make(chan struct{})
	if ranging {
		// Every key stored before the split, and every key that B has
		// stored, is present throughout this Range, which may wait for
		// the split to end, or not.
		present = append(stored, bKeys[:bReturned.Load()]...)
		go func() {
			defer close(rDone)
			seen = heldSplitRanger(m)
		}()
		waitBlockedOrDone(rDone, "heldSplitRanger")
	} else {
		close(rDone)
	}

	close(release)
	withTimeout(t, func() {
		<-aDone
		<-bDone
		<-rDone
	})
	for _, k := range present {
		if seen[k] != 1 {
			t.Errorf("a Range during a held split visited key %d %d times; want once: it was stored before the Range began", k, seen[k])
		}
	}
	if ranging {
		return
	}
	stored = append(append(stored, aStored...), bKeys...)
	for _, k := range stored {
		if v, ok := m.Load(k); !ok || v != k {
			t.Errorf("after the split, Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
	}
	if t.Failed() {
		return
	}
	// A key stored now, in any slot, can be loaded.
	withTimeout(t, func() {
		for slot := range slots {
			k := keysWithPrefix(m, uint64(slot), depth, 1, 100_000)[0]
			m.Store(k, k)
			stored = append(stored, k)
			if v, ok := m.Load(k); !ok || v != k {
				t.Errorf("after the split, Store(%d, %d) then Load(%d) = %d, %v", k, k, k, v, ok)
			}
		}
	})
	if got := contents(m); len(got) != len(stored) {
		t.Errorf("after the split, Range visited %d keys; want %d", len(got), len(stored))
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// heldSplitWriter stores keys into m, each with itself as its value,
// counting those stored in *returned. It is a function of its own, so
// that blockedOnLock can find it on the stack.
func heldSplitWriter(m *syncmap.Map[int, int], keys []int, returned *atomic.Int32) {
	for _, k := range keys {
		m.Store(k, k)
		returned.Add(1)
	}
}

// heldSplitRanger returns how many times Range visits each key of m. It is
// a function of its own, so that blockedOnLock can find it on the stack.
func heldSplitRanger(m *syncmap.Map[int, int]) map[int]int {
	seen := make(map[int]int)
	m.Range(func(k, v int) bool {
		seen[k]++
		return true
	})
	return seen
}

// waitBlockedOrDone waits until done is closed, or a goroutine with fn on
// its stack waits for a sync.Mutex.
func waitBlockedOrDone(done chan struct{}, fn string) {
	for !blockedOnLock(fn) {
		select {
		case <-done:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// TestCallsThatChangeNothingTakeNoLock holds a split open, with the locks
// of the segment that splits and of its halves held, and meanwhile makes
// the calls that the documentation says take no lock, on keys of that
// segment: look-ups, updates of present keys, and deletes that find
// nothing to delete. Each must return while the locks are held; a call
// that waits for one of them fails the test at once.
func TestCallsThatChangeNothingTakeNoLock(t *testing.T) {
	m, sh := heldSplitMap()
	sh.arm(1)
	held, release := sh.held, sh.release
	storerDone := make(chan struct{})
	go func() {
		defer close(storerDone)
		for k := range 100 { // a segment of one group splits long before
			m.Store(k, k)
		}
	}()
	select {
	case <-held:
	case <-storerDone:
		t.Fatal("storing 100 keys into segments of one group split none")
	}
	defer func() { close(release); <-storerDone }()

	const present, missing = 0, -1 // every key of the map is in the split
	for _, c := range []struct {
		name string
		call func()
	}{
		{"Load of a present key", func() { m.Load(present) }},
		{"Load of a missing key", func() { m.Load(missing) }},
		{"LoadOrStore of a present key", func() { m.LoadOrStore(present, 7) }},
		{"Swap of a present key", func() { m.Swap(present, 7) }},
		{"CompareAndSwap of a present key", func() { m.CompareAndSwap(present, 7, 8) }},
		{"CompareAndSwap of another value", func() { m.CompareAndSwap(present, -7, 8) }},
		{"Delete of a missing key", func() { m.Delete(missing) }},
		{"LoadAndDelete of a missing key", func() { m.LoadAndDelete(missing) }},
		{"CompareAndDelete of a missing key", func() { m.CompareAndDelete(missing, 0) }},
		{"CompareAndDelete of another value", func() { m.CompareAndDelete(present, -7) }},
		{"LoadOrCompute of a present key", func() { m.LoadOrCompute(present, func() int { return 7 }) }},
		{"Len", func() { m.Len() }},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.call()
		}()
		for waiting := true; waiting; {
			select {
			case <-done:
				waiting = false
			case <-time.After(time.Millisecond):
				if blockedOnLock("TestCallsThatChangeNothingTakeNoLock") {
					t.Fatalf("%s waits for a segment's lock", c.name)
				}
			}
		}
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
