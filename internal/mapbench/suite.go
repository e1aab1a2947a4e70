// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Package mapbench holds the benchmark workloads of syncmap, defined once
// for the two suites that run them: the library's own (map_bench_test.go),
// which measures Map beside the standard library and the reference maps,
// and the peer module's (bench/), which adds third-party maps. Each
// exported workload runs one sub-benchmark per implementation, named
// impl=<name>, so that benchstat -col /impl puts the implementations side
// by side.
package mapbench

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gosyncmap/syncmap/internal/refmap"
)

// An Impl is an implementation that the workloads run against, for maps
// from K to V.
type Impl[K comparable, V any] struct {
	Name string                        // the sub-benchmark is impl=<Name>
	New  func() refmap.Interface[K, V] // a new, empty map

	// ReadOnly marks a map that is not safe for concurrent writes: it runs
	// only the read-only workloads, with the keys stored before the timer
	// starts.
	ReadOnly bool

	// CopyOnWrite marks a map that copies itself whole on every write; it
	// skips the workloads that store many keys, where it is quadratic.
	CopyOnWrite bool
}

// Impls are the implementations of a suite, for each combination of key
// and value types that the workloads use. Go has no generic methods, so a
// workload cannot ask a suite for maps of any K and V: each suite lists
// its implementations once per combination, from one generic function.
//
// Most workloads map int or string keys to int values. The others (see
// values.go) run on the key and value types of real caches, so that the
// cost of a key's type and of a value's type can be told apart: each key
// type with the pointer value and the Fields value, and each value type
// with reflect.Type keys.
type Impls struct {
	Int    []Impl[int, int]
	String []Impl[string, int]

	IntPtr       []Impl[int, *Fields]
	IntFields    []Impl[int, Fields]
	StringPtr    []Impl[string, *Fields]
	StringFields []Impl[string, Fields]
	TypePtr      []Impl[reflect.Type, *Fields]
	TypeFields   []Impl[reflect.Type, Fields]
	TypeString   []Impl[reflect.Type, string]
	TypeAny      []Impl[reflect.Type, any] // each value a *Fields
	TypeFlat     []Impl[reflect.Type, Flat]
	StructPtr    []Impl[StructKey, *Fields]
	StructFields []Impl[StructKey, Fields]
}

// A benchmark is one parallel workload on maps from K to V. setup fills
// the map before the timer starts; perG runs on each goroutine, doing one
// operation per pb.Next, with i starting at a value unique to the goroutine
// (id * b.N), so that keys derived from i never collide across goroutines.
type benchmark[K comparable, V any] struct {
	setup func(b *testing.B, m refmap.Interface[K, V])
	perG  func(b *testing.B, pb *pb, i int, m refmap.Interface[K, V])
	// report, if set, runs once every goroutine is done, to report
	// metrics of the round.
	report func(b *testing.B)

	// readOnly workloads also run on ReadOnly maps. They leave the map as
	// setup made it, so each implementation's map is made once and kept
	// from one round of b.N to the next; their setup must not depend on
	// b.N.
	readOnly bool
	// skipCopyOnWrite, if not empty, says why the workload skips
	// CopyOnWrite maps.
	skipCopyOnWrite string
}

// skipLargeWrites skips impl in a workload that writes from several
// goroutines, or stores many keys, outside runBenchmark: a ReadOnly map
// cannot take the writes, and a CopyOnWrite map would copy itself for each.
func skipLargeWrites[K comparable, V any](b *testing.B, impl Impl[K, V]) {
	switch {
	case impl.ReadOnly:
		b.Skip(impl.Name + " is not safe for concurrent writes")
	case impl.CopyOnWrite:
		b.Skip(copyLarge)
	}
}

// Reasons for a workload to skip a CopyOnWrite map.
const (
	copyGrows = "the copy-on-write map is quadratic here: the map grows with b.N, and every new key copies it"
	copyLarge = "the copy-on-write map is quadratic here: setup stores every key of a large map, copying it each time"
)

func runBenchmark[K comparable, V any](b *testing.B, impls []Impl[K, V], bench benchmark[K, V]) {
	checkImpls(b, impls)
	for _, impl := range impls {
		var m refmap.Interface[K, V] // kept across rounds if bench is readOnly
		b.Run("impl="+impl.Name, func(b *testing.B) {
			switch {
			case impl.ReadOnly && !bench.readOnly:
				b.Skip(impl.Name + " is not safe for concurrent writes")
			case impl.CopyOnWrite && bench.skipCopyOnWrite != "":
				b.Skip(bench.skipCopyOnWrite)
			}
			if m == nil || !bench.readOnly {
				m = impl.New()
				if bench.setup != nil {
					bench.setup(b, m)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			var id atomic.Int64
			runParallel(b, func(pb *pb) {
				bench.perG(b, pb, int(id.Add(1)-1)*b.N, m)
			})
			if bench.report != nil {
				bench.report(b)
			}
		})
	}
}

// checkImpls fails b if a suite gave no implementations for a workload's
// key and value types, which would leave the workload silently empty.
func checkImpls[K comparable, V any](b *testing.B, impls []Impl[K, V]) {
	if len(impls) == 0 {
		b.Fatalf("mapbench: the suite's Impls has no implementations from %v to %v", reflect.TypeFor[K](), reflect.TypeFor[V]())
	}
}

// runKeyed runs one workload, built for int keys and for string keys, as
// sub-benchmarks keys=int and keys=string.
func runKeyed(b *testing.B, impls Impls, ints benchmark[int, int], strs benchmark[string, int]) {
	b.Run("keys=int", func(b *testing.B) { runBenchmark(b, impls.Int, ints) })
	b.Run("keys=string", func(b *testing.B) { runBenchmark(b, impls.String, strs) })
}

// runValues runs one workload on maps from K to V as the sub-benchmark
// values=<name>, named by valueName; the caller groups them by keys=<name>.
func runValues[K comparable, V any](b *testing.B, impls []Impl[K, V], bench benchmark[K, V]) {
	b.Run("values="+valueName[V](), func(b *testing.B) { runBenchmark(b, impls, bench) })
}

// CheckBenchmarks fails t unless the Go file at path has, for every
// workload of this package, a benchmark of the same name that calls it:
// BenchmarkLoadMostlyHits calling mapbench.LoadMostlyHits. A suite that
// runs it cannot silently lose a workload that the other suite runs.
func CheckBenchmarks(t *testing.T, path string) {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("mapbench: cannot locate the package's source")
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, filepath.Dir(self), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	workloads := make(map[string]bool)
	for _, f := range pkgs["mapbench"].Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && isWorkload(fd) {
				workloads[fd.Name.Name] = true
			}
		}
	}
	if len(workloads) == 0 {
		t.Fatal("mapbench: found no workloads")
	}

	suite, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	calls := make(map[string]bool) // "BenchmarkX calls X"
	for _, d := range suite.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fd.Name.Name, "Benchmark") {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "mapbench" && workloads[sel.Sel.Name] {
					calls[fd.Name.Name+" calls "+sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	for w := range workloads {
		if !calls["Benchmark"+w+" calls "+w] {
			t.Errorf("%s: no Benchmark%s that calls mapbench.%s", path, w, w)
		}
	}
}

// isWorkload reports whether fd is an exported function whose first
// parameter is a *testing.B.
func isWorkload(fd *ast.FuncDecl) bool {
	if fd.Recv != nil || !fd.Name.IsExported() || len(fd.Type.Params.List) == 0 {
		return false
	}
	star, ok := fd.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "B"
}
