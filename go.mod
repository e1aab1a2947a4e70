module github.com/gosyncmap/syncmap

go 1.24
