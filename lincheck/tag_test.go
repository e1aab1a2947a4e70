// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build !syncmap_tuning

package lincheck

import "testing"

// TestNeedsTheTag fails a run without the tag, which would otherwise check
// nothing.
func TestNeedsTheTag(t *testing.T) {
	t.Fatal("lincheck needs the build tag syncmap_tuning: go -C lincheck test -race -tags syncmap_tuning")
}
