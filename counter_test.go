// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap

import "testing"

// TestCounterSumWithoutStripes gives sum what it can read between its load
// of the stripes, nil, and its load of base: stripes made and base frozen
// by other calls meanwhile. The frozen bit is no part of the count.
func TestCounterSumWithoutStripes(t *testing.T) {
	var c counter
	c.add(0, 5)
	c.makeStripes()
	c.freeze()
	c.stripes.Store(nil) // as sum saw them before they were made
	if n := c.sum(); n != 5 {
		t.Errorf("sum() = %d of a frozen base of 5", n)
	}
}
