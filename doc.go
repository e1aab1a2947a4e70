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
// There, no Load takes a lock or writes shared memory: it probes a hash
// table whose keys are published with atomic stores, and loads the key's
// entry. Updates of present keys take no lock either. (While a
// [Map.Compute] of a key runs, a Load of that key takes a lock for a
// moment to read the key's value from before it, and an update of it
// waits for the Compute.) A new key, or a
// deleted one, takes the lock of one segment of the map, a part of a few
// hundred keys at most, so that writers of different segments do not
// contend: reads scale with the number of cores, and so do writers of
// disjoint keys. A call that rebuilds a segment, or splits or merges
// segments, moves the keys of one segment at most. The directory of
// segments doubles as the map grows, and halves as it shrinks: the call
// that does it locks every segment and copies the directory, in time in
// proportion to the number of segments (about 0.1 ms per thousand
// segments, and a segment holds several hundred keys), once per doubling
// or halving of the map.
//
// For anything else, a plain map guarded by a [sync.Mutex] or [sync.RWMutex]
// is usually simpler and often faster: when the map must be read
// consistently as a whole, when the values of several keys must change
// together, or when the map is small and used by few goroutines.
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
// effect of the write.
//
// The read operations are Load, LoadAndDelete, LoadOrStore, Swap,
// CompareAndSwap, CompareAndDelete, LoadOrCompute, LoadOrTryCompute and
// Compute; and Range, All, Keys and Values, which observe each value they
// pass on as Load does.
//
// The write operations are Store and Swap; LoadOrStore when it returns
// loaded == false; Delete and LoadAndDelete when the key is present;
// CompareAndSwap when it returns swapped == true; CompareAndDelete when it
// returns deleted == true; LoadOrCompute and LoadOrTryCompute when they
// store, returning loaded == false and no error; and Compute when its
// function returns UpdateOp, or DeleteOp for a key that is present. Clear
// is a write that deletes every key present.
//
// A call that changes nothing is not a write: a Delete or LoadAndDelete of
// a missing key, a LoadOrStore that loads, a CompareAndSwap or
// CompareAndDelete that fails, a Compute that cancels. There is no effect of it to observe, and it
// synchronizes before nothing. ([sync.Map]'s documentation lists Delete
// among the writes whether or not the key is present, but its code does
// not synchronize either: golang/go#81187.)
//
// Len is not a read in this sense: it counts keys as calls add and delete
// them, without synchronizing with those calls. A call counts its key a
// moment before adding it, so a Len that counts a key does not mean that a
// Load made after it finds the key; see [Map.Len] for what its result
// bounds.
//
// # Hashing
//
// Each Map hashes its keys with random seeds of its own, so that keys
// chosen to collide in one Map, or in one run of a program, do not collide
// in another. Integer, boolean, pointer and channel keys are hashed inline,
// and so are interface keys whose dynamic value is a pointer or a channel
// (a [reflect.Type], say), from their two words. Structs and arrays of up
// to eight such integers and strings (a number and a name, say) are hashed
// field by field. Other keys go through [hash/maphash.Comparable]. Like any value that function hashes, a key of
// a type that holds pointers other than a string or a pointer escapes to
// the heap.
//
// # Memory
//
// A value that holds pointers is unreachable from the map as soon as it is
// replaced or deleted. A value that holds none shares its first allocation
// with its key's entry, and stays there until the entry goes; it keeps
// nothing else alive.
//
// Once Delete, LoadAndDelete, CompareAndDelete or a Compute that deletes
// returns, the map no longer references the key or its value, as with a Go
// map or a sync.Map. The memory the map holds follows its keys down as
// they are deleted, as it followed them up: a table that becomes sparse
// halves, two neighbouring segments that hold few keys merge, and the
// directory of segments halves when it is four times as large as they
// need. Each step waits for the number of keys to halve, or less, so that
// a map whose size goes up and down by a few keys does not rebuild
// anything.
//
// [the Go memory model]: https://go.dev/ref/mem
package syncmap
