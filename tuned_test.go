// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build !syncmap_tuning

package syncmap

// The package's own tests get Tuning and NewTuned here, without the tag
// syncmap_tuning; tuned.go, built with it, documents them.

type Tuning = tuning

func NewTuned[K comparable, V any](t Tuning) *Map[K, V] { return newTuned[K, V](t) }
