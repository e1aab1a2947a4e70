// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Package syncmap provides [Map], a generic, type-safe replacement for
// [sync.Map]: a map that many goroutines may use at once without further
// locking.
//
// # When to use it
//
// Map is built for the two workloads sync.Map exists for:
//
//   - a key is written once and then read many times, as in a cache that
//     only grows;
//   - goroutines read, write and overwrite disjoint sets of keys.
//
// There, a Load of a present key takes no lock and writes no shared memory:
// one atomic pointer load, one look-up in a Go map, one more atomic load. Reads
// scale with the number of cores.
//
// For anything else, a plain map guarded by a [sync.Mutex] or [sync.RWMutex]
// is usually simpler and often faster: when most operations add or remove
// keys, when the map must be read consistently as a whole, or when the values
// of several keys must change together. Map serializes the first store of
// each new key on one mutex, and after the read map is replaced, the next new
// key starts copying the whole read map into a new dirty map: O(n) work in
// all, which the calls that take the mutex share, 128 entries each on a
// read map of more than 4096 keys, so that no single call stalls on a
// large map.
//
// # Migrating from sync.Map
//
// Replace the type and delete the type assertions:
//
//	var m sync.Map                     ->  var m syncmap.Map[string, *T]
//	v, ok := m.Load(k); t := v.(*T)   ->  t, ok := m.Load(k)
//
// Every method of sync.Map exists with the same name, arguments, results and
// meaning. Where sync.Map returns a nil any for a missing key, Map returns the
// zero V. CompareAndSwap and CompareAndDelete compare with ==, so V must be a
// comparable type, as the values given to sync.Map must be.
//
// # Memory model
//
// In the terminology of [the Go memory model], Map arranges that a write
// operation "synchronizes before" any read operation that observes the
// effect of the write. The read operations are Load, LoadAndDelete,
// LoadOrStore, Swap, CompareAndSwap and CompareAndDelete. The write operations
// are Store, Delete, LoadAndDelete and Swap, and LoadOrStore when it returns
// loaded == false, CompareAndSwap when it returns swapped == true, and
// CompareAndDelete when it returns deleted == true. Clear is a write that
// deletes every key. Range, All, Keys and Values observe the values they
// pass on as Load does. Len is a read too: a write that adds or deletes a
// key synchronizes before every Len that counts its effect.
//
// # Memory
//
// A deleted key's entry stays in the read map until the map is next rebuilt:
// the copy of the read map that the next new key starts leaves it out, and
// the promotion of that copy releases it. The first value stored for a key lives
// in the key's entry, which saves one allocation per new key; if that value
// is replaced, it is released together with the entry rather than at once.
//
// [the Go memory model]: https://go.dev/ref/mem
package syncmap
