// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"html/template"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gosyncmap/syncmap"
)

// A Map needs no constructor and no type assertions: this is a cache that
// many goroutines fill and read at once.
func ExampleMap() {
	var squares syncmap.Map[int, int]

	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			squares.Store(i, i*i)
		}()
	}
	wg.Wait()

	v, ok := squares.Load(3)
	fmt.Println(v, ok)
	// Output: 9 true
}

func ExampleMap_Load() {
	var ages syncmap.Map[string, int]
	ages.Store("alice", 31)

	if age, ok := ages.Load("alice"); ok {
		fmt.Println("alice is", age)
	}
	// A missing key gives the zero value, and ok == false.
	age, ok := ages.Load("bob")
	fmt.Println(age, ok)
	// Output:
	// alice is 31
	// 0 false
}

// LoadOrStore makes "first caller wins" initialization race-free: every
// goroutine gets the same value, and exactly one of them stored it.
func ExampleMap_LoadOrStore() {
	var sessions syncmap.Map[string, *session]

	s, loaded := sessions.LoadOrStore("u1", &session{user: "u1"})
	fmt.Println(s.user, loaded)
	s2, loaded := sessions.LoadOrStore("u1", &session{user: "impostor"})
	fmt.Println(s2.user, loaded, s == s2)
	// Output:
	// u1 false
	// u1 true true
}

type session struct{ user string }

func ExampleMap_Range() {
	var m syncmap.Map[string, int]
	m.Store("a", 1)
	m.Store("b", 2)
	m.Store("c", 3)

	// Range visits keys in no particular order; collect and sort them for a
	// stable result.
	var keys []string
	sum := 0
	m.Range(func(k string, v int) bool {
		keys = append(keys, k)
		sum += v
		return true
	})
	slices.Sort(keys)
	fmt.Println(keys, sum)
	// Output: [a b c] 6
}

// CompareAndSwap changes a value only if it is still the one expected:
// here, a job is claimed by the one worker that moves it from "queued" to
// its own name.
func ExampleMap_CompareAndSwap() {
	var jobs syncmap.Map[string, string]
	jobs.Store("build", "queued")

	var wg sync.WaitGroup
	var winners atomic.Int32
	for _, worker := range []string{"w1", "w2", "w3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if jobs.CompareAndSwap("build", "queued", worker) {
				winners.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Println(winners.Load())
	// A missing key never compares equal, not even to the zero value.
	fmt.Println(jobs.CompareAndSwap("test", "", "w1"))
	// Output:
	// 1
	// false
}

// Compute updates a key with a function of its value, atomically: here, a
// counter that concurrent goroutines add to without losing an update, and
// without retrying.
func ExampleMap_Compute() {
	var counters syncmap.Map[string, int]
	add := func(old int, loaded bool) (int, syncmap.ComputeOp) {
		return old + 1, syncmap.UpdateOp // absent: old is 0
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				counters.Compute("hits", add)
			}
		}()
	}
	wg.Wait()

	hits, _ := counters.Load("hits")
	fmt.Println(hits)
	// Output: 800
}

// Compute can delete a key, or leave it as it is, depending on its value:
// here, a set of members kept per room, from which a room goes once its
// last member leaves.
func ExampleMap_Compute_deleteWhenEmpty() {
	var rooms syncmap.Map[string, []string]
	join := func(room, who string) {
		rooms.Compute(room, func(members []string, _ bool) ([]string, syncmap.ComputeOp) {
			// A new slice: readers may still hold the old one.
			return append(slices.Clone(members), who), syncmap.UpdateOp
		})
	}
	leave := func(room, who string) {
		rooms.Compute(room, func(members []string, loaded bool) ([]string, syncmap.ComputeOp) {
			i := slices.Index(members, who)
			switch {
			case i < 0:
				return members, syncmap.CancelOp // not a member: nothing to do
			case len(members) == 1:
				return nil, syncmap.DeleteOp
			}
			return slices.Delete(slices.Clone(members), i, i+1), syncmap.UpdateOp
		})
	}

	join("go", "ann")
	join("go", "bob")
	leave("go", "carl")
	leave("go", "ann")
	fmt.Println(rooms.Load("go"))
	leave("go", "bob")
	fmt.Println(rooms.Load("go"))
	// Output:
	// [bob] true
	// [] false
}

// LoadOrCompute builds a value only when the key is missing, and only once
// however many goroutines ask for it at the same time.
func ExampleMap_LoadOrCompute() {
	var templates syncmap.Map[string, string]
	builds := 0
	build := func() string {
		builds++ // safe: compute runs at most once at a time for a key
		return "<h1>{{.Title}}</h1>"
	}

	t, loaded := templates.LoadOrCompute("header", build)
	fmt.Println(t, loaded)
	t, loaded = templates.LoadOrCompute("header", build)
	fmt.Println(t, loaded, builds)
	// Output:
	// <h1>{{.Title}}</h1> false
	// <h1>{{.Title}}</h1> true 1
}

// A cache whose loader can fail: the error reaches the caller, and
// nothing is stored, so the next call tries again.
func ExampleMap_LoadOrTryCompute() {
	var templates syncmap.Map[string, *template.Template]
	parse := func(name, text string) func() (*template.Template, error) {
		return func() (*template.Template, error) { return template.New(name).Parse(text) }
	}

	_, _, err := templates.LoadOrTryCompute("header", parse("header", "<h1>{{.Title}</h1>"))
	fmt.Println(err != nil, templates.Len())

	t, loaded, err := templates.LoadOrTryCompute("header", parse("header", "<h1>{{.Title}}</h1>"))
	fmt.Println(t.Name(), loaded, err)
	// Output:
	// true 0
	// header false <nil>
}

func ExampleMap_All() {
	var m syncmap.Map[string, int]
	m.Store("a", 1)
	m.Store("b", 2)
	m.Store("c", 3)

	sum := 0
	for _, v := range m.All() {
		sum += v
	}
	// Keys and Values iterate over one side; sort the keys for a stable
	// result.
	fmt.Println(slices.Sorted(m.Keys()), sum)
	// Output: [a b c] 6
}

func ExampleMap_Len() {
	var m syncmap.Map[int, string]
	m.Store(1, "one")
	m.Store(2, "two")
	m.Store(2, "deux") // replaces a value: still two keys
	m.Delete(1)
	fmt.Println(m.Len())
	// Output: 1
}
