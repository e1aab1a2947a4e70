// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gosyncmap/syncmap"
)

// This file tests what the methods mean for values of every kind: the zero
// value, comparisons, panics of misuse, copies.

func TestZeroValue(t *testing.T) {
	var m syncmap.Map[string, int]
	if v, ok := m.Load("a"); ok || v != 0 {
		t.Errorf("Load(a) on the zero Map = %v, %v; want 0, false", v, ok)
	}
	m.Range(func(k string, v int) bool {
		t.Errorf("Range on the zero Map visited %q", k)
		return true
	})
	m.Clear()
	if ok := m.CompareAndSwap("a", 0, 1); ok {
		t.Errorf("CompareAndSwap(a, 0, 1) on the zero Map = true; want false")
	}
	m.Store("a", 1)
	if v, ok := m.Load("a"); !ok || v != 1 {
		t.Errorf("Load(a) = %v, %v; want 1, true", v, ok)
	}
}

func TestStoredZeroValueIsPresent(t *testing.T) {
	var m syncmap.Map[int, *int]
	m.Store(1, nil)
	if v, ok := m.Load(1); !ok || v != nil {
		t.Errorf("Load(1) = %v, %v; want nil, true", v, ok)
	}
	if v, loaded := m.LoadOrStore(1, new(int)); !loaded || v != nil {
		t.Errorf("LoadOrStore(1, p) = %v, %v; want nil, true", v, loaded)
	}
	if !m.CompareAndDelete(1, nil) {
		t.Errorf("CompareAndDelete(1, nil) = false; want true")
	}
	if v, ok := m.Load(1); ok || v != nil {
		t.Errorf("Load(1) after delete = %v, %v; want nil, false", v, ok)
	}
}

func TestCompareOnMissingKeyFails(t *testing.T) {
	var m syncmap.Map[int, int]
	m.Store(1, 0)
	m.Delete(1) // 1 was present, and is now missing
	for _, k := range []int{1, 2} {
		if m.CompareAndSwap(k, 0, 7) {
			t.Errorf("CompareAndSwap(%d, 0, 7) on a missing key = true; want false", k)
		}
		if m.CompareAndDelete(k, 0) {
			t.Errorf("CompareAndDelete(%d, 0) on a missing key = true; want false", k)
		}
		if v, ok := m.Load(k); ok {
			t.Errorf("Load(%d) = %v, true; want a missing key", k, v)
		}
	}
}

func TestCompareInterfaceValues(t *testing.T) {
	var m syncmap.Map[string, any]
	m.Store("k", 1)
	if m.CompareAndSwap("k", int64(1), 2) {
		t.Errorf("CompareAndSwap(k, int64(1), 2) over int(1) = true; want false")
	}
	if !m.CompareAndSwap("k", 1, "two") {
		t.Errorf("CompareAndSwap(k, 1, two) over int(1) = false; want true")
	}
	if m.CompareAndDelete("k", []byte("two")) {
		t.Errorf("CompareAndDelete(k, []byte) over a string = true; want false")
	}
	if !m.CompareAndDelete("k", "two") {
		t.Errorf("CompareAndDelete(k, two) = false; want true")
	}
}

func TestCompareNonComparablePanics(t *testing.T) {
	var m syncmap.Map[int, []int]
	m.Store(1, []int{1})
	for _, k := range []int{1, 2} { // present and missing
		for name, f := range map[string]func(){
			"CompareAndSwap":   func() { m.CompareAndSwap(k, nil, nil) },
			"CompareAndDelete": func() { m.CompareAndDelete(k, nil) },
		} {
			r := mustPanic(t, fmt.Sprintf("%s(%d) on []int values", name, k), f)
			if s, _ := r.(string); !strings.HasPrefix(s, "syncmap: "+name) {
				t.Errorf("%s(%d) panicked with %q; want a syncmap: message", name, k, r)
			}
		}
	}
}

// TestCompareUncomparableDynamicValuePanics checks that a panic of == inside
// CompareAndSwap, of a key stored before or after a Range, leaves the map
// usable.
func TestCompareUncomparableDynamicValuePanics(t *testing.T) {
	var m syncmap.Map[string, any]
	m.Store("before", []int{1})
	m.Range(func(string, any) bool { return true })
	m.Store("after", []int{2})
	for _, k := range []string{"before", "after"} {
		r := mustPanic(t, "CompareAndSwap on a []int value", func() { m.CompareAndSwap(k, []int{1}, 0) })
		if _, ok := r.(runtime.Error); !ok {
			t.Errorf("CompareAndSwap(%s) panicked with %v; want a runtime.Error", k, r)
		}
		mustPanic(t, "CompareAndDelete on a []int value", func() { m.CompareAndDelete(k, []int{1}) })
	}
	withTimeout(t, func() {
		m.Store("new", 3)
		if v, ok := m.Load("new"); !ok || v != 3 {
			t.Errorf("Load(new) after panics = %v, %v; want 3, true", v, ok)
		}
	})
}

// testValueType takes a Map[int, V] through the life of its keys: stored,
// replaced, deleted, stored again, computed, checking what each method
// sees. vals must be three distinct values.
func testValueType[V comparable](t *testing.T, vals [3]V) {
	var m syncmap.Map[int, V]
	load := func(k int, want V, wantOK bool) {
		t.Helper()
		if v, ok := m.Load(k); ok != wantOK || v != want {
			t.Fatalf("Load(%d) = %v, %v; want %v, %v", k, v, ok, want, wantOK)
		}
	}
	var zero V
	rangeAll := func() { m.Range(func(int, V) bool { return true }) }

	m.Store(0, vals[0])
	m.Store(1, vals[1])
	rangeAll()
	load(0, vals[0], true)
	m.Delete(1)
	load(1, zero, false)
	m.Store(2, vals[2])
	load(1, zero, false)
	if v, loaded := m.LoadOrStore(1, vals[1]); loaded || v != vals[1] { // a new entry for 1
		t.Fatalf("LoadOrStore(1) = %v, %v; want %v, false", v, loaded, vals[1])
	}
	m.Delete(1)
	v, loaded := m.LoadOrCompute(1, func() V {
		load(1, zero, false)
		if m.CompareAndSwap(1, zero, vals[0]) || m.CompareAndDelete(1, zero) {
			t.Fatalf("compare on deleted key 1 succeeded")
		}
		return vals[1]
	})
	if loaded || v != vals[1] {
		t.Fatalf("LoadOrCompute(1) = %v, %v; want %v, false", v, loaded, vals[1])
	}
	rangeAll()
	load(1, vals[1], true)
	load(2, vals[2], true)
	for k := 1; k <= 2; k++ { // hits, which copy the value as Load does
		if v, loaded := m.LoadOrStore(k, vals[0]); !loaded || v != vals[k] {
			t.Fatalf("LoadOrStore(%d) = %v, %v; want %v, true", k, v, loaded, vals[k])
		}
		noCompute := func() V { t.Fatalf("LoadOrCompute(%d) computed a present key", k); return zero }
		if v, loaded := m.LoadOrCompute(k, noCompute); !loaded || v != vals[k] {
			t.Fatalf("LoadOrCompute(%d) = %v, %v; want %v, true", k, v, loaded, vals[k])
		}
		noTry := func() (V, error) { return noCompute(), nil }
		if v, loaded, err := m.LoadOrTryCompute(k, noTry); !loaded || v != vals[k] || err != nil {
			t.Fatalf("LoadOrTryCompute(%d) = %v, %v, %v; want %v, true, nil", k, v, loaded, err, vals[k])
		}
	}
	if v, loaded := m.Swap(0, vals[1]); !loaded || v != vals[0] {
		t.Fatalf("Swap(0) = %v, %v; want %v, true", v, loaded, vals[0])
	}
	if m.CompareAndSwap(0, vals[0], vals[2]) || m.CompareAndDelete(0, vals[2]) {
		t.Fatalf("CompareAndSwap(0, %v, %v) or CompareAndDelete(0, %v) succeeded on the value %v", vals[0], vals[2], vals[2], vals[1])
	}
	if !m.CompareAndSwap(0, vals[1], vals[2]) {
		t.Fatalf("CompareAndSwap(0, %v, %v) = false; want true", vals[1], vals[2])
	}
	load(0, vals[2], true)
	if !m.CompareAndDelete(0, vals[2]) {
		t.Fatalf("CompareAndDelete(0, %v) = false; want true", vals[2])
	}
	m.Store(3, vals[0])
	if m.CompareAndSwap(0, zero, vals[0]) || m.CompareAndDelete(0, zero) {
		t.Fatalf("compare on deleted key 0 succeeded")
	}
	m.Store(0, vals[0]) // stores 0 again
	n := 0
	m.Range(func(k int, v V) bool { n++; return true })
	if n != 4 {
		t.Fatalf("Range visited %d keys; want 4", n)
	}
	if v, loaded := m.LoadAndDelete(3); !loaded || v != vals[0] {
		t.Fatalf("LoadAndDelete(3) = %v, %v; want %v, true", v, loaded, vals[0])
	}
}

type big [1 << 12]int64

func TestValueTypes(t *testing.T) {
	t.Run("struct{}", func(t *testing.T) {
		// Zero-size values all share one address, so only the presence of a
		// key tells them apart: a sentinel made from a zero-size allocation
		// would be mistaken for a value.
		var m syncmap.Map[int, struct{}]
		m.Store(1, struct{}{})
		m.Range(func(int, struct{}) bool { return true })
		m.Delete(1)
		m.Store(2, struct{}{})
		if _, ok := m.Load(1); ok {
			t.Fatal("Load(1) of a deleted key reports present")
		}
		m.Store(1, struct{}{})
		if _, ok := m.Load(1); !ok {
			t.Fatal("Load(1) after Store reports missing")
		}
	})
	t.Run("big", func(t *testing.T) {
		var a, b, c big
		a[0], b[len(b)-1], c[len(c)/2] = 1, 2, 3
		testValueType(t, [3]big{a, b, c})
	})
	t.Run("strings", func(t *testing.T) {
		// Larger than four words, as Go returns values in memory, and
		// holding pointers: each value is an allocation of its own.
		testValueType(t, [3][5]string{{"a"}, {4: "b"}, {"c", "", "d"}})
	})
	t.Run("pointer", func(t *testing.T) {
		testValueType(t, [3]*int{new(int), new(int), nil})
	})
	t.Run("any", func(t *testing.T) {
		testValueType(t, [3]any{nil, "s", 3})
	})
	t.Run("error", func(t *testing.T) {
		testValueType(t, [3]error{errors.New("a"), nil, os.ErrNotExist})
	})
	t.Run("string", func(t *testing.T) {
		testValueType(t, [3]string{"", "b", "c"})
	})
	t.Run("byte", func(t *testing.T) {
		testValueType(t, [3]byte{0, 1, 255})
	})
	// Integers that differ only in their top byte: a compare of fewer
	// bits than the value has would take them for equal.
	t.Run("uint16", func(t *testing.T) {
		testValueType(t, [3]uint16{0x0100, 0x0200, 0x8000})
	})
	t.Run("int32", func(t *testing.T) {
		testValueType(t, [3]int32{1 << 24, 2 << 24, -1 << 31})
	})
	t.Run("uint64", func(t *testing.T) {
		testValueType(t, [3]uint64{1 << 56, 2 << 56, 1 << 63})
	})
}

// TestCopyIsCaughtByVet checks that go vet reports a copy of a Map, as it
// does for sync.Map: copying one would split its state in two.
func TestCopyIsCaughtByVet(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run vet with:", err)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module vetcopy\n\ngo 1.23\n\nrequire github.com/gosyncmap/syncmap v0.0.0\n\n" +
		"replace github.com/gosyncmap/syncmap => " + root + "\n"
	src := `package vetcopy

import "github.com/gosyncmap/syncmap"

func Copy(m *syncmap.Map[string, int]) int {
	c := *m
	v, _ := c.Load("k")
	return v
}
`
	for name, text := range map[string]string{"go.mod": gomod, "copy.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gocmd, "vet", ".")
	cmd.Dir = dir
	// The test binary may run for another GOARCH under an emulator; vet
	// checks source, so the host's settings will do.
	cmd.Env = append(os.Environ(), "GOARCH=", "GOOS=", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet accepted a copied Map; output:\n%s", out)
	}
	if !strings.Contains(string(out), "copies lock") {
		t.Fatalf("go vet failed, but not for the copied lock:\n%s", out)
	}
}
