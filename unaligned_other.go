// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

//go:build !(386 || amd64 || arm64 || ppc64le || s390x)

package syncmap

// stringsEqual reports whether a == b. On these platforms a load of 8 bytes
// must be aligned, or is slow when it is not: == does it right.
func stringsEqual(a, b string) bool {
	return a == b
}
