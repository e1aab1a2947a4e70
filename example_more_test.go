// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/gosyncmap/syncmap"
)

// The usage of the README, whole: a cache of parsed templates, which many
// goroutines may ask for at once. Each template is parsed once; a
// template that fails to parse is not cached, and the next call tries
// again.
func Example_cache() {
	var cache syncmap.Map[string, *template.Template] // ready to use

	lookup := func(name, text string) (*template.Template, error) {
		t, _, err := cache.LoadOrTryCompute(name, func() (*template.Template, error) {
			return template.New(name).Parse(text)
		})
		return t, err
	}

	t, err := lookup("greeting", "Hello, {{.}}!")
	if err != nil {
		fmt.Println(err)
		return
	}
	var out strings.Builder
	_ = t.Execute(&out, "gopher")
	fmt.Println(out.String())

	if t, ok := cache.Load("greeting"); ok { // no lock, no allocation
		fmt.Println("cached:", t.Name())
	}
	// Output:
	// Hello, gopher!
	// cached: greeting
}

// Swap stores a new value and returns the one it replaced: here, the last
// time each user was seen.
func ExampleMap_Swap() {
	var lastSeen syncmap.Map[string, time.Time]
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

	_, seen := lastSeen.Swap("alice", t0)
	fmt.Println("seen before:", seen)
	prev, seen := lastSeen.Swap("alice", t0.Add(time.Hour))
	fmt.Println("seen before:", seen, "at", prev.Format(time.Kitchen))
	// Output:
	// seen before: false
	// seen before: true at 12:00PM
}

// LoadAndDelete takes a value out of the map: of the goroutines that try
// at once, exactly one gets it.
func ExampleMap_LoadAndDelete() {
	var pending syncmap.Map[int, string]
	pending.Store(7, "job 7")

	job, ok := pending.LoadAndDelete(7)
	fmt.Println(job, ok)
	job, ok = pending.LoadAndDelete(7) // already taken
	fmt.Printf("%q %v\n", job, ok)
	// Output:
	// job 7 true
	// "" false
}

// CompareAndDelete deletes a key only if it still has the value the caller
// saw: a session is dropped only if nobody has renewed it meanwhile.
func ExampleMap_CompareAndDelete() {
	var sessions syncmap.Map[string, int] // user -> session generation
	sessions.Store("alice", 1)

	seen, _ := sessions.Load("alice")
	sessions.Store("alice", 2) // renewed by another request

	fmt.Println(sessions.CompareAndDelete("alice", seen))
	fmt.Println(sessions.CompareAndDelete("alice", 2))
	// Output:
	// false
	// true
}

// Clear empties the map at once, however many keys it holds; a call that
// runs at the same time takes effect either before it or after it.
func ExampleMap_Clear() {
	var m syncmap.Map[int, int]
	for i := range 1000 {
		m.Store(i, i)
	}
	m.Clear()
	_, ok := m.Load(1)
	fmt.Println(m.Len(), ok)
	// Output: 0 false
}

// Range may delete as it goes: here, a cache evicts its expired entries.
// Each key is visited at most once, and no lock is held while the
// function runs, so other goroutines go on using the map.
func ExampleMap_Range_evict() {
	type entry struct {
		value   string
		expires time.Time
	}
	var cache syncmap.Map[string, entry]
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cache.Store("fresh", entry{"a", now.Add(time.Minute)})
	cache.Store("stale", entry{"b", now.Add(-time.Minute)})

	cache.Range(func(k string, e entry) bool {
		if e.expires.Before(now) {
			cache.CompareAndDelete(k, e) // unless it was refreshed meanwhile
		}
		return true
	})
	fmt.Println(slices.Sorted(cache.Keys()))
	// Output: [fresh]
}

// maps.Collect takes a snapshot of the map as a Go map, through All. Like
// Range, it is not atomic: keys stored or deleted meanwhile may or may not
// be in it.
func ExampleMap_All_snapshot() {
	var m syncmap.Map[string, int]
	m.Store("a", 1)
	m.Store("b", 2)

	snapshot := maps.Collect(m.All())
	fmt.Println(len(snapshot), snapshot["a"], snapshot["b"])
	// Output: 2 1 2
}
