// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

// A tuning holds the settings of a Map that tests change, so that splits,
// merges and colliding keys happen with a few keys, and so that they can
// hold a change of segments open. A Map made by its zero value uses
// defaultTuning; tests make a Map with a tuning of its own (NewTuned in
// tuned.go), before its first call. A Map's tuning never changes: its
// first directory points to it, and every later directory of the Map to
// the same.
//
// Its fields are exported only so that the tests' Tuning can be this type.
type tuning struct {
	// MaxGroups is the size of a segment's table, in groups, past which
	// the segment splits rather than grows (see defaultMaxGroups).
	MaxGroups int

	// Hash, if not nil, replaces the hash h of every key by Hash(h).
	Hash func(h uint64) uint64

	// SplitHook, if not nil, runs after each slot of the directory that a
	// split or a merge of segments writes, with the locks of the segments
	// involved held.
	SplitHook func()

	// locks counts the acquisitions of Map.mu (LockCount in
	// export_test.go): the share of calls that take the one lock every
	// writer shares bounds how far the map scales with cores. It is read
	// and written with Map.mu held, and only in a Map's own tuning.
	locks uint64
}

// defaultTuning is the tuning of every Map but those of tests. It is never
// written.
var defaultTuning = tuning{MaxGroups: defaultMaxGroups}

// defaultMaxGroups is the size of a segment's table, in groups of 7 slots,
// past which the segment splits rather than grows: 896 slots, which a call
// that rebuilds a segment moves in tens of microseconds. A segment whose
// keys all share so many bits of hash that splitting it would leave one
// half empty grows past it instead.
const defaultMaxGroups = 128

// newTuned returns a Map with tuning t, whose zero fields are the default.
func newTuned[K comparable, V any](t tuning) *Map[K, V] {
	if t.MaxGroups == 0 {
		t.MaxGroups = defaultMaxGroups
	}
	t.locks = 0
	return &Map[K, V]{tune: &t}
}
