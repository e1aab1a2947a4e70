module github.com/gosyncmap/syncmap/bench

go 1.24

require (
	github.com/gosyncmap/syncmap v0.0.0
	github.com/puzpuzpuz/xsync/v4 v4.5.0
)

replace github.com/gosyncmap/syncmap => ../
