// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// The reference maps that Map's results are compared with, RWMutexMap and
// DeepCopyMap, and the method set they share with Map, refmap.Interface,
// are in internal/refmap, where the peer module's benchmarks (bench/) can
// use them too.

var _ refmap.Interface[int, int] = (*syncmap.Map[int, int])(nil)
