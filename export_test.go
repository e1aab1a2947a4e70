// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

// go test -fuzz instruments the package under test for coverage guidance,
// but not its external test package, where FuzzMap instantiates the generic
// Map. Instantiating Map[int, int] here puts that code in the instrumented
// package, so that the fuzzer sees which paths an input reaches.
var _ any = (*Map[int, int])(nil)

// SetBuild sets how many entries of the read map a call copies when it
// takes a step of a dirty map's build, and up to how many it copies at once,
// and returns a function that restores the settings it replaced. Tests that
// call it must not run in parallel.
func SetBuild(step, atOnce int) (restore func()) {
	oldStep, oldAtOnce := buildStep, buildAtOnce
	buildStep, buildAtOnce = step, atOnce
	return func() { buildStep, buildAtOnce = oldStep, oldAtOnce }
}

// Building reports whether m's dirty map is being built.
func Building[K comparable, V any](m *Map[K, V]) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.build != nil
}
