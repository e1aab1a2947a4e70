// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Tables writes BENCHMARKS.md from the output of the peer suite: for every
// workload, the median time per operation of syncmap, xsync and sync.Map,
// at each number of cores, and syncmap's time over each of theirs.
//
// Usage, from the bench directory (run.sh does it):
//
//	go run ./cmd/tables results/peers.txt > ../BENCHMARKS.md
//
// The input is the output of go test -bench, with the lines that run.sh
// writes before it (commit, date, go). Every figure of BENCHMARKS.md
// comes from it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// impls are the implementations the tables show, in their order.
var impls = []string{"syncmap", "xsync", "sync.Map"}

// A result is the times of one workload, at one number of cores, for each
// implementation.
type result struct {
	workload string // without Benchmark, impl= and -cpu
	cpu      int
	times    map[string][]float64 // ns/op of each count
}

var lineRE = regexp.MustCompile(`^Benchmark(\S+?)(?:-(\d+))?\s+\d+\s+([0-9.e+]+) ns/op`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tables peers.txt > BENCHMARKS.md")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	config, results, err := parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	write(os.Stdout, config, results)
}

// parse reads the output of go test -bench: its configuration lines
// (key: value) and its results.
func parse(r io.Reader) (config map[string]string, results []*result, err error) {
	config = make(map[string]string)
	byKey := make(map[string]*result)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := lineRE.FindStringSubmatch(line); m != nil {
			name, cpu := m[1], 1
			if m[2] != "" {
				cpu, _ = strconv.Atoi(m[2])
			}
			i := strings.LastIndex(name, "/impl=")
			if i < 0 {
				continue
			}
			workload, impl := name[:i], name[i+len("/impl="):]
			ns, err := strconv.ParseFloat(m[3], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%q: %v", line, err)
			}
			key := fmt.Sprint(workload, "-", cpu)
			res := byKey[key]
			if res == nil {
				res = &result{workload: workload, cpu: cpu, times: make(map[string][]float64)}
				byKey[key] = res
				results = append(results, res)
			}
			res.times[impl] = append(res.times[impl], ns)
			continue
		}
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.ContainsAny(k, " \t") {
			config[k] = strings.TrimSpace(v)
		}
	}
	return config, results, sc.Err()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// A group of workloads, for the summary.
type group struct {
	name     string
	prefixes []string
}

var groups = []group{
	{"Look-ups (hits and misses, key and value types, large map)", []string{"LoadMostly", "LargeMapLoad", "TypeCache", "LoadOrComputeHit"}},
	{"Caches that grow, fill and evict", []string{"Cache"}},
	{"Updates of present keys", []string{"Swap", "CompareAndSwap", "LoadOrStoreExisting", "LoadOrStoreCollision", "Compute"}},
	{"Keys that come and go", []string{"Adversarial", "LoadAndDelete", "DeleteCollision", "CompareAndDelete", "LoadOrStoreUnique", "LoadOrStoreBalanced", "LoadOrCompute", "Len", "DeleteMatching"}},
	{"Iteration", []string{"Range"}},
}

func groupOf(workload string) string {
	for _, g := range groups {
		for _, p := range g.prefixes {
			if strings.HasPrefix(workload, p) {
				return g.name
			}
		}
	}
	return "Other"
}

func write(w io.Writer, config map[string]string, results []*result) {
	fmt.Fprintf(w, "# Benchmarks\n\n")
	fmt.Fprintf(w, "This file is written by `bench/run.sh` from the raw output of the peer\n")
	fmt.Fprintf(w, "suite, [bench/results/peers.txt](bench/results/peers.txt), whose\n")
	fmt.Fprintf(w, "benchstat summary is [bench/results/benchstat.txt](bench/results/benchstat.txt).\n")
	fmt.Fprintf(w, "Compare your own run with them: `cd bench && ./run.sh` writes all three.\n\n")
	fmt.Fprintf(w, "| | |\n|---|---|\n")
	for _, k := range []string{"commit", "date", "go", "goos", "goarch", "cpu", "cores", "machine", "xsync"} {
		if v, ok := config[k]; ok {
			fmt.Fprintf(w, "| %s | %s |\n", k, v)
		}
	}
	fmt.Fprintf(w, "\nEach figure is the median of the counts of a workload, in ns/op; a\n")
	fmt.Fprintf(w, "ratio is syncmap's median over the peer's, so that below 1 syncmap is\n")
	fmt.Fprintf(w, "faster. `-1` and `-2` are `-cpu 1` and `-cpu 2` (GOMAXPROCS). The\n")
	fmt.Fprintf(w, "workloads are documented in [internal/mapbench](internal/mapbench).\n\n")

	fmt.Fprintf(w, "## Summary\n\nGeometric means of the ratios, by kind of workload:\n\n")
	fmt.Fprintf(w, "| workloads | cores | vs xsync | vs sync.Map | faster than xsync |\n|---|---|---|---|---|\n")
	for _, g := range append(slices.Clone(groups), group{name: "All"}) {
		for _, cpu := range cpus(results) {
			var rx, rs []float64
			for _, r := range results {
				if r.cpu != cpu || g.name != "All" && groupOf(r.workload) != g.name {
					continue
				}
				s, x, y := median(r.times["syncmap"]), median(r.times["xsync"]), median(r.times["sync.Map"])
				if !math.IsNaN(s) && !math.IsNaN(x) {
					rx = append(rx, s/x)
				}
				if !math.IsNaN(s) && !math.IsNaN(y) {
					rs = append(rs, s/y)
				}
			}
			if len(rx)+len(rs) == 0 {
				continue
			}
			faster := 0
			for _, r := range rx {
				if r < 1 {
					faster++
				}
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %d of %d |\n", g.name, cpu, ratio(geomean(rx)), ratio(geomean(rs)), faster, len(rx))
		}
	}

	fmt.Fprintf(w, "\n## Every workload\n\n")
	fmt.Fprintf(w, "| workload | cores |")
	for _, i := range impls {
		fmt.Fprintf(w, " %s |", i)
	}
	fmt.Fprintf(w, " vs xsync | vs sync.Map |\n|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		s, x, y := median(r.times["syncmap"]), median(r.times["xsync"]), median(r.times["sync.Map"])
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s |\n", r.workload, r.cpu, ns(s), ns(x), ns(y), ratio(s/x), ratio(s/y))
	}
}

func cpus(results []*result) []int {
	var cs []int
	for _, r := range results {
		if !slices.Contains(cs, r.cpu) {
			cs = append(cs, r.cpu)
		}
	}
	slices.Sort(cs)
	return cs
}

func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

func ns(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x >= 1e6:
		return fmt.Sprintf("%.1f ms", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.2f µs", x/1e3)
	}
	return fmt.Sprintf("%.1f", x)
}

func ratio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", x)
}
