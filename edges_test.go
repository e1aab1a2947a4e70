// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

// Tests at the edges of each mechanism: the thresholds where tables grow
// and halve and segments merge, overflow counts at 1 and saturated, merges
// that race a resize or a Range, and computes carried across merges and
// Clear. Each was written against a hand-made bug that the rest of the
// suite let through, and fails on it: the comment says which.

import (
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gosyncmap/syncmap"
)

// onlyTable returns the one table of m, which must have one segment.
func onlyTable[K comparable, V any](t *testing.T, m *syncmap.Map[K, V]) any {
	t.Helper()
	tables, _ := syncmap.Tables(m)
	if len(tables) != 1 {
		t.Fatalf("%d tables; want 1", len(tables))
	}
	for tab := range tables {
		return tab
	}
	return nil
}

// TestOverflowCountOfOne stores 8 keys whose hashes are all 0: 7 fill
// group 0 of a 2-group table, whose control word is then 7 full slots of h2
// 0 and an overflow count of exactly 1, and the 8th goes to group 1. A probe
// that read a count of 1 as "no overflow" (a > where >= belongs) would stop
// at group 0 and miss the 8th key.
func TestOverflowCountOfOne(t *testing.T) {
	m := syncmap.NewTuned[int, int](syncmap.Tuning{Hash: func(uint64) uint64 { return 0 }})
	for k := range 8 {
		m.Store(k, k)
	}
	for k := range 8 {
		if v, ok := m.Load(k); !ok || v != k {
			t.Errorf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
		if v, loaded := m.LoadOrStore(k, -1); !loaded || v != k {
			t.Errorf("LoadOrStore(%d, -1) = %d, %v; want %d, true", k, v, loaded, k)
		}
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// TestSaturatedOverflowCountStays stores 300 keys whose hashes are all 0,
// so that group 0's overflow count saturates at 255, and then deletes keys
// from later groups. A saturated count no longer counts, so a delete must
// leave it at 255: lowered to 254 while 292 probes still go past the group,
// deletes enough would end probes before keys still present. CheckTables
// checks each count against the probes that pass it.
func TestSaturatedOverflowCountStays(t *testing.T) {
	m := syncmap.NewTuned[int, int](syncmap.Tuning{Hash: func(uint64) uint64 { return 0 }})
	const n = 300
	for k := range n {
		m.Store(k, k)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Fatal(err)
	}
	// The last keys stored are in groups after group 0, which the
	// earliest keys filled when the table last grew.
	for k := n - 1; k >= n-10; k-- {
		m.Delete(k)
		if err := syncmap.CheckTables(m); err != nil {
			t.Fatalf("after deleting key %d: %v", k, err)
		}
	}
	for k := range n - 10 {
		if v, ok := m.Load(k); !ok || v != k {
			t.Fatalf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
	}
}

// TestTableGrowsAndHalvesAtItsThresholds follows the one table of a
// one-segment map through 100 stores and 100 deletes: it must double when
// a key comes to a table exactly 3/4 full, and halve when a delete leaves it
// exactly 3/16 full, and not one key earlier or later (a table of 4 groups
// is full at 21 keys; one of 32 is sparse at 42). Off-by-one thresholds
// (> for >=, < for <=) fail here.
func TestTableGrowsAndHalvesAtItsThresholds(t *testing.T) {
	const groupSize = 7
	var m syncmap.Map[int, int]
	m.Store(0, 0)
	tab := onlyTable(t, &m)
	g, used := 1, 1
	for k := 1; k < 100; k++ {
		grows := 4*used >= 3*groupSize*g
		if grows {
			g *= 2
		}
		m.Store(k, k)
		used++
		next := onlyTable(t, &m)
		if changed := next != tab; changed != grows {
			t.Fatalf("storing key %d into a table of %d keys: table replaced %v; want %v (it grows once 3/4 full)", used, used-1, changed, grows)
		}
		tab = next
	}
	for k := 99; k >= 0; k-- {
		m.Delete(k)
		used--
		halves := false
		for g > 1 && 16*used <= 3*groupSize*g {
			g /= 2
			halves = true
		}
		next := onlyTable(t, &m)
		if changed := next != tab; changed != halves {
			t.Fatalf("deleting a key, leaving %d: table replaced %v; want %v (it halves once 3/16 full)", used, changed, halves)
		}
		tab = next
	}
}

// TestSegmentWhoseKeysShareTheNextBitGrows: a segment whose keys all share
// the next bit of hash cannot split, so it grows past maxGroups instead.
// With bit 63 of every hash set, the map must stay one segment in a
// directory of depth 1. A split that tested only for keys that all have
// the bit clear would split off an empty lower half and deepen the
// directory (and, with a hash of all ones, double it up to 2^32 slots).
func TestSegmentWhoseKeysShareTheNextBitGrows(t *testing.T) {
	m := syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: 1, Hash: func(h uint64) uint64 { return h | 1<<63 }})
	for k := range 50 {
		m.Store(k, k)
	}
	if segs, depth := syncmap.Segments(m); segs != 1 || depth != 1 {
		t.Errorf("50 keys whose hashes all begin with 1 fill %d segments, in a directory of depth %d; want 1 and 1", segs, depth)
	}
	for k := range 50 {
		if v, ok := m.Load(k); !ok || v != k {
			t.Errorf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
	}
}

// TestMergeKeepsComputesOfBothBuddies runs a compute for a key of the upper
// of two buddy segments, with a caller waiting for it, and then deletes
// every key of the map, which merges the buddies. The compute's store must
// still wake the waiter, and no third caller may compute the key
// meanwhile. A merge that carried only the lower buddy's computes would
// forget this one: the waiter would never wake, and the third caller would
// compute the key a second time.
func TestMergeKeepsComputesOfBothBuddies(t *testing.T) {
	m := syncmap.NewTuned[int, int](oneGroup) // 6 keys a segment; merges only when both are empty
	m.Store(-1, -1)
	m.Clear() // a directory, for Hash
	lower := keysWithPrefix(m, 0, 1, 4, 0)
	upper := keysWithPrefix(m, 1, 1, 5, 0)
	key, upper := upper[4], upper[:4]
	for _, k := range append(append([]int{}, lower...), upper...) {
		m.Store(k, k)
	}
	if segs, _ := syncmap.Segments(m); segs != 2 {
		t.Fatalf("8 keys fill %d segments; want 2", segs)
	}

	started, release := make(chan struct{}), make(chan struct{})
	first := make(chan int, 1)
	go func() {
		v, _ := m.LoadOrCompute(key, func() int { close(started); <-release; return 1 })
		first <- v
	}()
	<-started
	waiter := make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute(key, func() int { return 2 })
		waiter <- [2]any{v, loaded}
	}()
	waitersBlocked(t, 1)

	for _, k := range append(append([]int{}, lower...), upper...) {
		m.Delete(k)
	}
	if segs, _ := syncmap.Segments(m); segs != 1 {
		t.Fatalf("with no keys left, %d segments; want the buddies merged into 1", segs)
	}
	var third atomic.Bool
	thirdDone := make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute(key, func() int { third.Store(true); return 3 })
		thirdDone <- [2]any{v, loaded}
	}()
	waitersBlocked(t, 2)
	close(release)
	if v := <-first; v != 1 {
		t.Errorf("the computing caller got %d; want 1", v)
	}
	for _, c := range []chan [2]any{waiter, thirdDone} {
		select {
		case got := <-c:
			if got != [2]any{1, true} {
				t.Errorf("a caller waiting for the compute got %v; want 1, true", got)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a caller waiting for a compute across a merge was not woken")
		}
	}
	if third.Load() {
		t.Error("a caller computed the key while another's compute ran, across a merge")
	}
}

// TestComputeWaitersSurviveClear: a caller waiting for a compute across a
// Clear gets the computed value once it is stored. A Clear that did not
// carry running computes into its new generation would leave the waiter
// blocked for ever (which the rest of the suite sees only as a timeout).
func TestComputeWaitersSurviveClear(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(1, 1)
	started, release := make(chan struct{}), make(chan struct{})
	go m.LoadOrCompute(7, func() int { close(started); <-release; return 70 })
	<-started
	waiter := make(chan [2]any, 1)
	go func() {
		v, loaded := m.LoadOrCompute(7, func() int { return -1 })
		waiter <- [2]any{v, loaded}
	}()
	waitersBlocked(t, 1)
	m.Clear()
	close(release)
	select {
	case got := <-waiter:
		if got != [2]any{70, true} {
			t.Errorf("a caller waiting for the compute across a Clear got %v; want 70, true", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a caller waiting for a compute across a Clear was not woken")
	}
}

// TestShrinkingMapHalvesItsDirectoryAndMerges empties a map whose keys of
// hash prefix 0 split the directory deep, beside one key of prefix 1. The
// prefix-0 segments must merge back into one of depth 1, and the directory
// halve to depth 2, twice as many slots as its deepest segment needs (a
// directory halved to depth 1 would double again at the next split).
// Deleting the last key must then merge the two into one segment, of depth
// 0 below a directory of depth 1.
func TestShrinkingMapHalvesItsDirectoryAndMerges(t *testing.T) {
	m := syncmap.NewTuned[int, int](oneGroup)
	m.Store(-1, -1)
	m.Clear()
	one := keysWithPrefix(m, 1, 1, 1, 0)[0]
	zeros := keysWithPrefix(m, 0, 1, 64, 0)
	m.Store(one, one)
	for _, k := range zeros {
		m.Store(k, k)
	}
	if _, depth := syncmap.Segments(m); depth < 3 {
		t.Fatalf("a directory of depth %d; want at least 3", depth)
	}
	for _, k := range zeros {
		m.Delete(k)
	}
	if segs, depth := syncmap.Segments(m); segs != 2 || depth != 2 {
		t.Errorf("with one key left, %d segments in a directory of depth %d; want 2 segments of depth 1 in a directory of depth 2", segs, depth)
	}
	if v, ok := m.Load(one); !ok || v != one {
		t.Errorf("Load(%d) = %d, %v; want %d, true", one, v, ok, one)
	}
	m.Delete(one)
	if segs, depth := syncmap.Segments(m); segs != 1 || depth != 1 {
		t.Errorf("with no keys left, %d segments in a directory of depth %d; want 1 and 1", segs, depth)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// buddies returns a map holding n keys whose hashes begin with 0, lower,
// and n that begin with 1, upper, stored in turn.
func buddies(maxGroups, n int) (m *syncmap.Map[int, int], lower, upper []int) {
	m = syncmap.NewTuned[int, int](syncmap.Tuning{MaxGroups: maxGroups})
	m.Store(-1, -1)
	m.Clear() // a directory, for Hash, and no keys
	lower = keysWithPrefix(m, 0, 1, n, 0)
	upper = keysWithPrefix(m, 1, 1, n, 0)
	for i := range lower {
		m.Store(lower[i], lower[i])
		m.Store(upper[i], upper[i])
	}
	return m, lower, upper
}

// TestMergeAtMergeMaxLeavesRoom: with 32 groups a segment, mergeMax is 10,
// so buddies of 5 keys each must merge, and the merged table, at most 3/8
// full, must take as many keys again before it grows. A merge that refused
// buddies of exactly mergeMax keys fails the first check; a new table sized
// to 3/4 full (2 groups for 10 keys) grows at the second new key and fails
// the second.
func TestMergeAtMergeMaxLeavesRoom(t *testing.T) {
	m, lower, upper := buddies(32, 100)
	if segs, depth := syncmap.Segments(m); segs != 2 || depth != 1 {
		t.Fatalf("200 keys fill %d segments, directory depth %d; want 2 and 1", segs, depth)
	}
	for _, k := range upper[5:] {
		m.Delete(k)
	}
	for _, k := range lower[5:] {
		m.Delete(k)
	}
	if segs, _ := syncmap.Segments(m); segs != 1 {
		t.Fatalf("buddies of 5 keys each, 10 in all, fill %d segments; want them merged into 1", segs)
	}
	tab := onlyTable(t, m)
	took := 0
	for k := 1000; onlyTable(t, m) == tab; k++ {
		m.Store(k, k)
		took++
	}
	if took <= 10 {
		t.Errorf("a table merged from 10 keys grew at the %d-th new key; want it to take at least 10 (3/8 full at most)", took)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// TestRangeDuringMergeVisitsEachKeyOnce: Range visits the lower of two
// buddies first, and its callback deletes a key of the upper one, which
// merges the two; Range then copies the merged segment, which holds the
// lower buddy's keys again, and must skip them, as keys below the hashes it
// has walked.
func TestRangeDuringMergeVisitsEachKeyOnce(t *testing.T) {
	m, lower, upper := buddies(16, 50) // mergeMax is 5
	if segs, _ := syncmap.Segments(m); segs != 2 {
		t.Fatalf("100 keys fill %d segments; want 2", segs)
	}
	for _, k := range append(append([]int{}, lower[3:]...), upper[3:]...) {
		m.Delete(k) // 3 keys each: no merge, as 2*3 > 5
	}
	seen := make(map[int]int)
	m.Range(func(k, v int) bool {
		if len(seen) == 0 {
			m.Delete(upper[2]) // 2 and 3 keys: merged
		}
		seen[k]++
		return true
	})
	if segs, _ := syncmap.Segments(m); segs != 1 {
		t.Fatalf("after the delete, %d segments; want the buddies merged into 1", segs)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("Range visited key %d %d times; want once", k, n)
		}
	}
	for _, k := range append(append([]int{}, lower[:3]...), upper[:2]...) {
		if seen[k] != 1 {
			t.Errorf("Range visited key %d, present throughout, %d times; want once", k, seen[k])
		}
	}
}

// fillRangeDelete stores n keys with finalizers into a map, ranges over
// them (more than Range's 64-entry array holds, so through a pooled
// buffer), and deletes them, in a frame of its own.
//
//go:noinline
func fillRangeDelete(n int, collected *atomic.Int64) {
	m := new(syncmap.Map[*[64]byte, int])
	keys := make([]*[64]byte, n)
	for i := range keys {
		keys[i] = new([64]byte)
		runtime.SetFinalizer(keys[i], func(*[64]byte) { collected.Add(1) })
		m.Store(keys[i], i)
	}
	visited := 0
	m.Range(func(*[64]byte, int) bool { visited++; return true })
	for _, k := range keys {
		m.Delete(k)
	}
	runtime.KeepAlive(m)
}

// TestRangeBufferKeepsNoEntries: after a Range over a segment of more than
// 64 keys, and deletes of all of them, one garbage collection finds every
// key unreachable. A Range buffer put back into its pool uncleared would
// keep the segment's entries, and their keys, alive until the pool is
// next emptied. The test runs exactly one collection and then waits,
// without another, for the finalizers.
func TestRangeBufferKeepsNoEntries(t *testing.T) {
	var collected atomic.Int64
	const n = 200
	fillRangeDelete(n, &collected)
	runtime.GC()
	for deadline := time.Now().Add(30 * time.Second); collected.Load() < n && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := collected.Load(); got != n {
		t.Errorf("after one collection, %d of %d deleted keys were collected; want all: something, such as Range's pooled buffer, keeps them", got, n)
	}
}

// TestLoadSkipsEmptiedSlot: with every hash 0, keys A and B share a group
// and an h2, A in slot 0. While A is deleted and stored again, slot 0 is
// nil for a moment after its control byte is emptied, and a Load of B,
// present throughout, that read the control word just before must go on
// to slot 1. Racy: a Load that ended with a miss at a nil matching slot
// misses B hundreds of times in 200 ms (10 of 10 runs); it cannot fail
// when Load is right.
func TestLoadSkipsEmptiedSlot(t *testing.T) {
	m := syncmap.NewTuned[int, int](syncmap.Tuning{Hash: func(uint64) uint64 { return 0 }})
	m.Store(0, 0) // A, slot 0
	m.Store(1, 1) // B, slot 1
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			m.Delete(0)
			m.Store(0, 0)
		}
	}()
	misses, loads := 0, 0
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); {
		for range 1000 {
			if _, ok := m.Load(1); !ok {
				misses++
			}
			loads++
		}
	}
	stop.Store(true)
	wg.Wait()
	if misses > 0 {
		t.Errorf("%d of %d loads of a key present throughout missed it", misses, loads)
	}
}

// TestLenAfterRacingLoadOrStores races LoadOrStores and Deletes of a few
// keys; once all have returned, Len must be the number of keys Range
// visits: a call that counts a key before adding it must take the count
// back if it does not add it. Racy: it was written against a LoadOrStore
// that counted a key whose entry was deleted but not yet taken out, and
// did not take the count back when a delete took the entry out first;
// Len then ended tens above the keys Range visits in 10 of 10 runs. It
// cannot fail when Len is right, since every call has returned when Len
// is read.
func TestLenAfterRacingLoadOrStores(t *testing.T) {
	var m syncmap.Map[int, int]
	const keys = 4
	var wg sync.WaitGroup
	deadline := time.Now().Add(200 * time.Millisecond)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				k := (i + w) % keys
				if w%2 == 0 {
					m.LoadOrStore(k, k)
				} else {
					m.Delete(k)
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	m.Range(func(int, int) bool { n++; return true })
	if got := m.Len(); got != n {
		t.Errorf("after racing LoadOrStores and Deletes, Len() = %d; Range visits %d keys", got, n)
	}
}

// waitClosed fails unless done is closed within 30 seconds.
func waitClosed(t *testing.T, done chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not return within 30s", what)
	}
}

// TestMergeAfterDoublingUsesTheNewDirectory: a merge chain, X, loads the
// directory, then waits for the lock of the lower buddy, which a doubling,
// Z, holds; Z replaces the directory and lets go; X then merges. A merge
// published into the directory it loaded before taking the locks would
// put its segment into no slot of the current directory, whose slots show
// the two buddies, gone: every store of their keys would spin for ever.
//
// The layout, with segments of one group (6 keys), 3-bit prefixes:
// 000 (full: its next key doubles the directory, Z), 001, 010, 011, 10
// (empty, merged from 100 and 101), 110 and 111 (empty but for X's key).
// X deletes that key, merges 110 and 111 into 11, and is held in the
// split hook; Z then locks 000 to 10 and waits for 110. Once the hook lets
// go, X's merge loop goes on to merge 10 and 11, and waits for 10's lock,
// with the directory it loaded before Z replaced it. Whether X loads it
// before Z stores the new one is a race that X won in 10 of 10 runs; a
// correct merge passes either way.
func TestMergeAfterDoublingUsesTheNewDirectory(t *testing.T) {
	m, sh := heldSplitMap() // 6 keys a segment; merges only when both are empty
	m.Store(-1, -1)
	m.Clear()
	keys := make([][]int, 8)
	for p := range keys {
		keys[p] = keysWithPrefix(m, uint64(p), 3, 4, 0)
	}
	keys[0] = append(keysWithPrefix(m, 0, 4, 3, 0), keysWithPrefix(m, 1, 4, 3, 0)...) // 000: 0000 and 0001
	for i := range 4 {
		for p := range keys {
			m.Store(keys[p][i], 0)
		}
	}
	if segs, depth := syncmap.Segments(m); segs != 8 || depth != 3 {
		t.Fatalf("32 keys fill %d segments, directory depth %d; want 8 and 3", segs, depth)
	}
	m.Store(keys[0][4], 0)
	m.Store(keys[0][5], 0) // 000 is full
	for _, p := range []int{4, 5, 6} {
		for _, k := range keys[p] {
			m.Delete(k)
		}
	}
	for _, k := range keys[7][1:] {
		m.Delete(k)
	}
	if got := syncmap.SlotDepths(m); got[4] != 2 || got[5] != 2 || got[6] != 3 || got[7] != 3 {
		t.Fatalf("slot depths %v; want 10 merged (depth 2), 110 and 111 not (depth 3)", got)
	}

	sh.arm(1)
	held, release := sh.held, sh.release
	xDone, zDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(xDone); m.Delete(keys[7][0]) }() // X
	<-held
	go func() { defer close(zDone); m.Store(keysWithPrefix(m, 0, 4, 4, 0)[3], 0) }() // Z
	for !blockedOnLock("lockAll") {
		time.Sleep(time.Millisecond)
	}
	close(release)
	waitClosed(t, xDone, "the Delete that merges")
	waitClosed(t, zDone, "the Store that doubles the directory")

	// Every key of prefix 1 can be stored and loaded again.
	stored := make(chan struct{})
	var fresh []int
	go func() {
		defer close(stored)
		for p := 4; p < 8; p++ {
			k := keysWithPrefix(m, uint64(p), 3, 1, 1000)[0]
			m.Store(k, k)
			fresh = append(fresh, k)
		}
	}()
	waitClosed(t, stored, "a Store of a key of the merged segments (spinning on a segment that is gone?)")
	for _, k := range fresh {
		if v, ok := m.Load(k); !ok || v != k {
			t.Errorf("Load(%d) = %d, %v; want %d, true", k, v, ok, k)
		}
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
}

// TestConcurrentMergesAndResizes: goroutines each fill and empty keys of
// their own with segments of one group, so that segments split and merge,
// and the directory doubles and halves, all the time and concurrently;
// each checks its keys after storing them, and the map's tables are
// checked at the end. Racy: it catches a merge of a lower buddy that is
// already gone in about 7 of 10 runs, and a merge published into a
// replaced directory in about 1 of 20 (the test above catches that every
// time); it cannot fail when merges are right.
func TestConcurrentMergesAndResizes(t *testing.T) {
	m := syncmap.NewTuned[int, int](oneGroup)
	var wg sync.WaitGroup
	var bad atomic.Int64
	deadline := time.Now().Add(300 * time.Millisecond)
	done := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := w * 1_000_000
			for round := 0; time.Now().Before(deadline); round++ {
				n := 8 + round%40
				for k := base; k < base+n; k++ {
					m.Store(k, k)
				}
				for k := base; k < base+n; k++ {
					if v, ok := m.Load(k); !ok || v != k {
						bad.Add(1)
					}
				}
				for k := base; k < base+n; k++ {
					m.Delete(k)
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("stores and deletes did not return within 60s: a writer spins on a segment that no directory slot shows?")
	}
	if n := bad.Load(); n > 0 {
		t.Errorf("%d loads of keys just stored missed them", n)
	}
	if err := syncmap.CheckTables(m); err != nil {
		t.Error(err)
	}
	if got := m.Len(); got != 0 {
		t.Errorf("Len() = %d; want 0", got)
	}
}

// TestLoadAgreesWithFind: Load probes a key's home group itself, hashing
// integer, string and interface keys its own way, and calls the general
// probe, find, which every write uses, only when that group overflowed
// (see the read path in map.go). For every key, present or not, the two
// must give the same answer. Keys are stored and deleted at random, with
// the real hash, and with test hashes that send every key to one home
// group or to four, so that probes run long and overflow counts saturate;
// every key is looked up both ways every 50 calls.
func TestLoadAgreesWithFind(t *testing.T) {
	t.Parallel()
	hashes := []struct {
		name string
		f    func(uint64) uint64
	}{
		{"real", nil},
		{"four home groups", func(h uint64) uint64 { return h & 0x1ff }},
		{"one hash", func(uint64) uint64 { return 0 }},
	}
	for _, hash := range hashes {
		t.Run(hash.name, func(t *testing.T) {
			tuning := syncmap.Tuning{Hash: hash.f}
			t.Run("int", func(t *testing.T) { loadAgreesWithFind(t, tuning, func(k int) int { return k }) })
			t.Run("string", func(t *testing.T) {
				loadAgreesWithFind(t, tuning, func(k int) string { return fmt.Sprint("key ", k) })
			})
			t.Run("any", func(t *testing.T) {
				loadAgreesWithFind(t, tuning, func(k int) any {
					if k%2 == 0 {
						return k
					}
					return fmt.Sprint(k)
				})
			})
		})
	}
}

func loadAgreesWithFind[K comparable](t *testing.T, tuning syncmap.Tuning, key func(int) K) {
	m := syncmap.NewTuned[K, int](tuning)
	rng := rand.New(rand.NewSource(1))
	const keys = 200
	for i := range 2000 {
		if k := key(rng.Intn(keys)); rng.Intn(3) == 0 {
			m.Delete(k)
		} else {
			m.Store(k, i)
		}
		if i%50 != 49 {
			continue
		}
		for j := range keys + 10 {
			k := key(j)
			v, ok := m.Load(k)
			fv, fok := syncmap.Find(m, k)
			if v != fv || ok != fok {
				t.Fatalf("after %d calls, Load(%v) = %d, %v; find gives %d, %v", i+1, k, v, ok, fv, fok)
			}
		}
	}
}
