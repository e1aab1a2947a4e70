// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

// go test -fuzz instruments the package under test for coverage guidance,
// but not its external test package, where FuzzMap instantiates the generic
// Map. Instantiating Map[int, int] here puts that code in the instrumented
// package, so that the fuzzer sees which paths an input reaches.
var _ any = (*Map[int, int])(nil)

// SetMaxGroups sets the size, in groups of 8 slots, past which a segment is
// split, and returns a function that restores the size it replaced. A small
// size splits segments after a few keys. Tests that call it must not run in
// parallel.
func SetMaxGroups(groups int) (restore func()) {
	old := maxGroups
	maxGroups = groups
	return func() { maxGroups = old }
}

// SetTestHash makes every Map whose first table is made from now on hash a
// key whose hash would be h to f(h), and returns a function that undoes it.
// With f returning a constant, every key collides with every other. Tests
// that call it must not run in parallel.
func SetTestHash(f func(h uint64) uint64) (restore func()) {
	old := testHash
	testHash = f
	return func() { testHash = old }
}

// Hash returns the hash of key in m, which must have a table.
func Hash[K comparable, V any](m *Map[K, V], key K) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return hash(&m.hs, key)
}

// Segments returns the number of segments of m's read map, of its dirty
// table (0 if it has none), and of those that the dirty table still shares
// with the read map.
func Segments[K comparable, V any](m *Map[K, V]) (read, dirty, shared int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inRead := make(map[*segment[K, V]]bool)
	if r := m.read.Load(); r != nil {
		for _, ds := range r.dir {
			inRead[ds.seg] = true
		}
	}
	if m.dirty != nil {
		inDirty := make(map[*segment[K, V]]bool)
		for _, ds := range m.dirty.dir {
			if s := ds.seg; !inDirty[s] {
				inDirty[s] = true
				if inRead[s] {
					shared++
				}
			}
		}
		dirty = len(inDirty)
	}
	return len(inRead), dirty, shared
}
