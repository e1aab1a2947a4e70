#!/bin/sh
# Runs the peer suite, syncmap beside xsync, sync.Map and a map with a
# RWMutex, and writes results/peers.txt (the raw output),
# results/benchstat.txt (its benchstat summary) and ../BENCHMARKS.md (the
# tables, from peers.txt alone). Close everything else that runs on the
# machine first. COUNT (6), CPU (1,2) and BENCH (.) change what it runs,
# and MACHINE, if set, describes the machine in the tables; with the
# defaults it takes about 45 minutes on 2 cores.
set -eu
cd "$(dirname "$0")"
mkdir -p results
{
	echo "commit: $(git rev-parse --short HEAD)"
	echo "date: $(date -u +%Y-%m-%d)"
	echo "go: $(go env GOVERSION)"
	echo "xsync: $(go list -m -f '{{.Version}}' github.com/puzpuzpuz/xsync/v4)"
	echo "cores: $(getconf _NPROCESSORS_ONLN)"
	[ -z "${MACHINE:-}" ] || echo "machine: $MACHINE"
	go test -run '^$' -bench "${BENCH:-.}" -count "${COUNT:-6}" -cpu "${CPU:-1,2}" -benchtime 0.2s -timeout 300m
} | tee results/peers.txt
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /impl results/peers.txt >results/benchstat.txt
go run ./cmd/tables results/peers.txt >../BENCHMARKS.md
