module github.com/gosyncmap/syncmap/lincheck

go 1.24

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/gosyncmap/syncmap v0.0.0
)

replace github.com/gosyncmap/syncmap => ../
