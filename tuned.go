// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build syncmap_tuning

package syncmap

// This file exists only in builds with the tag syncmap_tuning, for the tests
// of lincheck/, a module of its own that cannot see export_test.go; it is
// not part of the API. The package's own tests get the same from
// tuned_test.go.

// Tuning is what a test can change about a Map made by NewTuned; its zero
// fields leave the default. MaxGroups is the size of a segment's table, in
// groups of 7 slots, past which the segment splits: a small size splits
// and merges segments with a few keys. Hash, if not nil, replaces each
// key's hash h by Hash(h): returning a constant, it makes every key collide
// with every other. SplitHook, if not nil, runs after each slot of the
// directory that a split or a merge writes, with the locks of the segments
// involved held, so that a test can hold the change open.
type Tuning = tuning

// NewTuned returns an empty Map with tuning t.
func NewTuned[K comparable, V any](t Tuning) *Map[K, V] { return newTuned[K, V](t) }
