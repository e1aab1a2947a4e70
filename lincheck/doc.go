// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Package lincheck checks that syncmap.Map is linearizable: it records
// histories of concurrent calls of every method on small maps whose
// segments split, merge and collide, and has porcupine
// (github.com/anishathalye/porcupine) check each against a model of one
// key. It is a module of its own so that the library's module keeps no
// dependencies, and it needs the build tag syncmap_tuning, which gives it
// syncmap.NewTuned. Its code is all in tests:
//
//	go -C lincheck test -race -tags syncmap_tuning
package lincheck
