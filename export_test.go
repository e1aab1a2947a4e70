// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

// go test -fuzz instruments the package under test for coverage guidance,
// but not its external test package, where FuzzMap instantiates the generic
// Map. Instantiating Map[int, int] here puts that code in the instrumented
// package, so that the fuzzer sees which paths an input reaches.
var _ any = (*Map[int, int])(nil)
