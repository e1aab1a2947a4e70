// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

// Package bench runs the benchmark workloads of syncmap (internal/mapbench)
// on syncmap.Map and on the concurrent maps a user would pick instead: the
// standard library's sync.Map, xsync's Map, a map guarded by a
// sync.RWMutex, and, on read-only workloads, an unsynchronized Go map. It
// is a module of its own so that the library's module keeps no
// dependencies. Its code is all in tests:
//
//	cd bench
//	go test -run '^$' -bench . -count 6 -cpu 1,2 -benchtime 0.2s -timeout 180m | tee peers.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl peers.txt
package bench
