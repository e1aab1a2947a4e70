// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package syncmap_test

import (
	"reflect"
	"testing"

	"github.com/gosyncmap/syncmap"
	"github.com/gosyncmap/syncmap/internal/refmap"
)

// This file holds the fuzz target.

// An input of FuzzMap is a sequence of calls, each a letter naming the
// method followed by one byte per argument: a key ('0' to '7') and, for the
// methods that take them, a value and a new value ('0' to '3'). Spaces are
// skipped. So "S01 S12 B D1 S23 S13" stores two keys, loads them in a
// burst, deletes key 1, sweeps it out of its segment by storing a new key,
// and stores it again. Any other byte names a method too, so that every
// input the fuzzer makes decodes to calls.
var fuzzLetters = map[byte]mapOp{
	'L': opLoad,
	'S': opStore,
	'O': opLoadOrStore,
	'A': opLoadAndDelete,
	'D': opDelete,
	'W': opSwap,
	'C': opCompareAndSwap,
	'E': opCompareAndDelete,
	'R': opRange,
	'X': opClear,
	'B': opLoadBurst,
	'P': opLoadOrCompute,
	'T': opLoadOrTryCompute,
	'I': opAll,
	'K': opKeys,
	'V': opValues,
	'U': opCompute,
}

// fuzzMaxCalls bounds the calls decoded from one input, so that large
// inputs do not slow the fuzzer down without exploring anything new.
const fuzzMaxCalls = 512

// fuzzArgs returns how many argument bytes follow op in a FuzzMap input.
func fuzzArgs(op mapOp) int {
	switch op {
	case opLoad, opLoadAndDelete, opDelete:
		return 1
	case opStore, opLoadOrStore, opSwap, opCompareAndDelete, opLoadOrCompute, opLoadOrTryCompute:
		return 2
	case opCompareAndSwap, opCompute:
		return 3
	}
	return 0
}

// decodeFuzzCalls decodes a FuzzMap input. A call cut short by the end of
// the input is dropped.
func decodeFuzzCalls(data []byte) []mapCall {
	var calls []mapCall
	for len(data) > 0 && len(calls) < fuzzMaxCalls {
		b := data[0]
		data = data[1:]
		if b == ' ' {
			continue
		}
		op, ok := fuzzLetters[b]
		if !ok {
			op = mapOps[int(b)%len(mapOps)]
		}
		n := fuzzArgs(op)
		if len(data) < n {
			break
		}
		c := mapCall{op: op}
		if n >= 1 {
			c.k = int(data[0]) % propKeys
		}
		if n >= 2 {
			c.v = int(data[1]) % propValues
		}
		if n >= 3 {
			c.new = int(data[2]) % propValues
		}
		data = data[n:]
		calls = append(calls, c)
	}
	return calls
}

// FuzzMap decodes an input into calls, applies them to a Map and to an
// RWMutexMap, and compares every result and the final contents. The
// contents are read only at the end, so that Range does not drive the
// calls' order of events; the tables' invariants are checked after every
// call.
//
// The seed corpus in testdata/fuzz/FuzzMap reaches sweeps, expunging,
// storing a swept key again through each storing method, and Clear. Each
// input runs with the default table and under each of tableVariants, so
// that the calls meet splits and keys that collide.
func FuzzMap(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := decodeFuzzCalls(data)
		want, wantContents := applyCalls(t, new(refmap.RWMutexMap[int, int]), calls)
		check := func(table string, tuning syncmap.Tuning) {
			t.Logf("table: %s", table)
			got, gotContents := applyCalls(t, syncmap.NewTuned[int, int](tuning), calls)
			for i, c := range calls {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%s, after %s:\n%s = %s, then Len() = %d; want %s, then %d", table, formatCalls(calls[:i]),
						formatCall(c), formatResult(c.op, got[i]), got[i].len, formatResult(c.op, want[i]), want[i].len)
				}
			}
			if !reflect.DeepEqual(gotContents, wantContents) {
				t.Fatalf("%s, after %s:\ncontents = %v; want %v", table, formatCalls(calls), gotContents, wantContents)
			}
		}
		check("default table", syncmap.Tuning{})
		for _, tv := range tableVariants {
			check(tv.name, tv.tuning)
		}
	})
}
