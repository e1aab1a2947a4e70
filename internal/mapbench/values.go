// Copyright 2026 The syncmap Authors.
// SPDX-License-Identifier: BSD-3-Clause

package mapbench

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The key and value types of real caches, beyond int and string keys with
// int values. The canonical user of sync.Map is a cache keyed by
// reflect.Type, whose values describe the type (as encoding/json keeps the
// fields of every struct type it has encoded); others key by a string or a
// small struct, and keep pointers, interfaces or structs.

// Fields describes a struct type as a serialization cache keeps it, shaped
// like encoding/json's description of a struct: its fields in order, and
// two indexes of them by name. It holds pointers, is 40 bytes on 64-bit
// platforms, and is not comparable.
type Fields struct {
	List         []Field
	ByName       map[string]*Field
	ByFoldedName map[string]*Field
}

// Field describes one field of a struct type.
type Field struct {
	Name      string
	Index     []int
	Type      reflect.Type
	OmitEmpty bool
}

// Flat is a value larger than a word that holds no pointers: 40 bytes of
// integers.
type Flat struct{ A, B, C, D, E int64 }

// StructKey is a small struct key, as of a cache keyed by a number and a
// name.
type StructKey struct {
	ID   int
	Name string
}

// makeValues returns n values, the j-th made from j: for int values, j
// itself; for string values, the string key number j (see makeKeys); for
// Fields, *Fields and any values, description number j of fieldsPool, the
// any values holding a *Fields; for Flat values, j and the numbers after
// it.
func makeValues[V any](n int) []V {
	values := make([]V, n)
	switch values := any(values).(type) {
	case []int:
		for j := range values {
			values[j] = j
		}
	case []string:
		text := keyText(n, func(j int) int { return j })
		for j := range values {
			values[j] = text[j*keyWidth : (j+1)*keyWidth]
		}
	case []*Fields:
		copy(values, fieldsPool(n))
	case []Fields:
		for j, f := range fieldsPool(n) {
			values[j] = *f
		}
	case []any:
		for j, f := range fieldsPool(n) {
			values[j] = f
		}
	case []Flat:
		for j := range values {
			v := int64(j)
			values[j] = Flat{v, v + 1, v + 2, v + 3, v + 4}
		}
	default:
		panic("makeValues: unsupported value type")
	}
	return values
}

// growValues returns values if it holds at least n values, and the values
// made from 0 to n-1 otherwise, so that a workload makes its values once
// for all the implementations it runs on.
func growValues[V any](values []V, n int) []V {
	if len(values) >= n {
		return values
	}
	return makeValues[V](n)
}

// valueName names the values of V in the sub-benchmark values=<name>.
func valueName[V any]() string {
	switch any((*V)(nil)).(type) {
	case *int:
		return "int"
	case *string:
		return "string"
	case **Fields:
		return "ptr"
	case *Fields:
		return "fields"
	case *any:
		return "any"
	case *Flat:
		return "flat"
	}
	panic("valueName: unsupported value type")
}

// pools holds the struct types and the descriptions that the workloads
// share; each pool grows when a workload needs more.
var pools struct {
	mu     sync.Mutex
	types  []reflect.Type // see structTypes
	fields []*Fields      // see fieldsPool
}

// structTypes returns n distinct struct types, each of two fields with
// json tags, told apart by the tag of the second. reflect.StructOf makes
// each the first time it is asked for; reflect keeps every type it makes
// for the life of the process, and so does this pool, so that the
// workloads make each type only once.
func structTypes(n int) []reflect.Type {
	pools.mu.Lock()
	defer pools.mu.Unlock()
	for i := len(pools.types); i < n; i++ {
		pools.types = append(pools.types, reflect.StructOf([]reflect.StructField{
			{Name: "ID", Type: reflect.TypeFor[int64](), Tag: `json:"id"`},
			{Name: "Name", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"name` + strconv.Itoa(i) + `,omitempty"`)},
		}))
	}
	return pools.types[:n:n]
}

// fieldsPool returns n distinct descriptions, each of its own allocations:
// description j describes the fields of struct type j of structTypes.
func fieldsPool(n int) []*Fields {
	types := structTypes(n)
	pools.mu.Lock()
	defer pools.mu.Unlock()
	for i := len(pools.fields); i < n; i++ {
		t := types[i]
		f := &Fields{
			List:         make([]Field, t.NumField()),
			ByName:       make(map[string]*Field, t.NumField()),
			ByFoldedName: make(map[string]*Field, t.NumField()),
		}
		for k := range f.List {
			sf := t.Field(k)
			fld := &f.List[k]
			*fld = Field{Name: sf.Name, Index: sf.Index, Type: sf.Type, OmitEmpty: k > 0}
			f.ByName[sf.Name] = fld
			f.ByFoldedName[strings.ToLower(sf.Name)] = fld
		}
		pools.fields = append(pools.fields, f)
	}
	return pools.fields[:n:n]
}
