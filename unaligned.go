// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build 386 || amd64 || arm64 || ppc64le || s390x

package syncmap

import "unsafe"

// stringsEqual reports whether a == b. On these platforms a load need not
// be aligned, so it compares them inline, 8 bytes at a time: == on strings
// calls the runtime, and Load, which inlines this, would then keep its
// registers in memory around the call on every path.
func stringsEqual(a, b string) bool {
	n := len(a)
	if n != len(b) {
		return false
	}
	pa, pb := unsafe.Pointer(unsafe.StringData(a)), unsafe.Pointer(unsafe.StringData(b))
	if n < 8 {
		for i := range n {
			if *(*byte)(unsafe.Add(pa, i)) != *(*byte)(unsafe.Add(pb, i)) {
				return false
			}
		}
		return true
	}
	// The last 8 bytes, then the 8 before, down to the first 8, which
	// they may overlap: a string of 16 bytes or fewer takes two loads.
	for i := n - 8; i > 0; i -= 8 {
		if *(*uint64)(unsafe.Add(pa, i)) != *(*uint64)(unsafe.Add(pb, i)) {
			return false
		}
	}
	return *(*uint64)(pa) == *(*uint64)(pb)
}
