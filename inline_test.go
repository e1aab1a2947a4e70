// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// inlined lists the calls that comments of the package say the compiler
// inlines, each by the file and the text of its lines, and the function it
// calls as the compiler's -m output names it for Map[int, int].
var inlined = []struct {
	file, line, callee string
	only64             bool // the call is inlined on 64-bit platforms only
}{
	// entry.load is written out to be inlined into Range's loop (and
	// CompareAndDelete's look-up), on 64-bit platforms: on 32-bit ones,
	// copying its results costs more than the compiler's budget.
	{"map.go", "v, ok, busy := e.load(d.mode)", "syncmap.(*entry[go.shape.int,go.shape.int]).load", true},
	// Load tests for the sentinels with one comparison, with no call.
	{"map.go", "if marked(p) {", "syncmap.marked", false},
	// directory.hash hashes integer keys inline, with no call.
	{"directory.go", "return hashInteger(&d.hs, key), eqPlain", "syncmap.hashInteger[go.shape.int]", false},
}

// TestInlining builds a program that uses a Map[int, int] with the
// compiler's -m flag, and checks that each call in inlined is inlined, as
// the comments that rely on it say.
func TestInlining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build with")
	}
	repo, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", fmt.Sprintf("module inlining\n\ngo 1.24\n\nrequire github.com/gosyncmap/syncmap v0.0.0\n\nreplace github.com/gosyncmap/syncmap => %s\n", repo))
	write("main.go", `package main

import "github.com/gosyncmap/syncmap"

func main() {
	var m syncmap.Map[int, int]
	m.Store(1, 1)
	m.Range(func(k, v int) bool { return true })
	println(m.Load(1))
}
`)
	cmd := exec.Command(gocmd, "build", "-gcflags=-m", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	for _, c := range inlined {
		if c.only64 && strconv.IntSize == 32 {
			continue
		}
		for _, n := range linesOf(t, c.file, c.line) {
			want := fmt.Sprintf("%s:%d:", c.file, n)
			found := false
			for _, l := range strings.Split(string(out), "\n") {
				if strings.Contains(l, want) && strings.HasSuffix(l, "inlining call to "+c.callee) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s:%d: %s is not inlined", c.file, n, c.callee)
			}
		}
	}
}

// linesOf returns the numbers of the lines of file that hold text, of
// which there must be one at least.
func linesOf(t *testing.T, file, text string) (lines []int) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, text) {
			lines = append(lines, i+1)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("%s has no line with %q", file, text)
	}
	return lines
}
