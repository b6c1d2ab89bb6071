#!/usr/bin/env bash
# Runs the test suite under ThreadSanitizer or AddressSanitizer, reproducibly (issue 5).
#
#   Scripts/sanitize.sh thread|address [FILTER [SKIP]]
#
# FILTER is passed to `swift test --filter` (e.g. MigrationTests, 'MigrationTests|ConsoleTests'),
# SKIP to `swift test --skip` (the tests FILTER chose that are left out). When FILTER spells out
# test targets by name (`MigrationTests`, `ConsoleTests.RuntimeTests`), only those are built.
# Each sanitizer has its own scratch path (.build-tsan, .build-asan), so the two and the
# ordinary build never invalidate one another. The full log is kept in the scratch directory;
# the exit status is non-zero when a test fails or the sanitizer reports anything.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: Scripts/sanitize.sh thread|address [FILTER [SKIP]]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
kind=$1
filter=${2:-}
skip=${3:-}
case "$kind" in
  thread) scratch=.build-tsan ;;
  address) scratch=.build-asan ;;
  *) usage ;;
esac
# SANITIZE_SCRATCH=.build (what CI does): build in the ordinary scratch directory, after
# `swift test`, where ThreadSanitizer's build reuses every C object (below).
scratch=${SANITIZE_SCRATCH:-$scratch}

# Keep going after a report, so one run lists every race; a report still fails the run below.
# Guests' memory is real, and TSan shadows each byte several times over: past 4 GiB of RSS it
# flushes its shadow memory instead of letting tests take the machine's memory.
# Leak checking stays on for ASan. Swift's crash backtracer would fight ASan over a dying
# process (ASan's report is the one wanted); under TSan it says where a crash happened.
case "$kind" in
  thread) export SWIFT_BACKTRACE=enable=yes,interactive=no,color=no ;;
  address) export SWIFT_BACKTRACE=enable=no ;;
esac
# Tests that run fewer of their cases under a sanitizer read this (TestSupport's Sanitizer).
export LDM_SANITIZER=$kind
# Only the test targets FILTER names are built (Package.swift reads LDM_TEST_TARGETS): the
# sanitizer's build compiles this package's modules again, and a test target it will not run
# need not be among them. A FILTER that names no test target (`Soak`) builds them all.
if [ -n "$filter" ]; then
  named=()
  for folder in Tests/*Tests; do
    target=$(basename "$folder")
    if grep -qE "(^|[^A-Za-z])$target([^A-Za-z]|$)" <<<"$filter"; then named+=("$target"); fi
  done
  if [ ${#named[@]} -gt 0 ]; then
    LDM_TEST_TARGETS=$(IFS=,; echo "${named[*]}")
    export LDM_TEST_TARGETS
    echo "sanitize.sh: building the test targets $LDM_TEST_TARGETS"
  fi
fi
export TSAN_OPTIONS="halt_on_error=0 memory_limit_mb=4096 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 ${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}"

mkdir -p "$scratch"
log="$scratch/sanitize-$kind.log"
started=$(date +%s)
# Every test is a Swift Testing test. The XCTest pass finds none, and LeakSanitizer would
# report the 368 bytes XCTest's runner itself never frees at exit.
# Under AddressSanitizer one test at a time: engine tests hold gigabytes of guest memory,
# which its shadow memory and quarantine multiply. Under ThreadSanitizer in parallel, as the
# README's command (the `.serialized` suites one at a time): its memory limit (below) bounds
# the shadow, and the tests it takes in CI peaked at 3.5 GiB together (118 s against 160 s
# one at a time).
#
# ThreadSanitizer instruments this package's Swift code (Package.swift adds the flags when
# LDM_SANITIZER=thread, set above), with the packages' inlinable code compiled into it (most
# of swift-collections, where the one race it has found was, and NIO's generic code). The
# packages' own objects, Swift and C (the two BoringSSLs, libyaml), are the ordinary build's:
# their locks are pthread's, which TSan's interceptors see whoever calls them. In CI's scratch
# directory they are not compiled a second time; only this package's modules are. Line tables
# are all a report needs.
case "$kind" in
  thread) arguments=() ;;
  address) arguments=(--sanitize=address) ;;
esac
arguments+=(--scratch-path "$scratch" --disable-xctest)
if [ "$kind" = address ]; then arguments+=(--no-parallel); fi
if [ -n "$filter" ]; then arguments+=(--filter "$filter"); fi
if [ -n "$skip" ]; then arguments+=(--skip "$skip"); fi
set +e
swift test "${arguments[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - started))

reports=$(grep -cE '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer))' \
  "$log" || true)
echo "sanitize.sh: $kind: swift test exited $status, $reports sanitizer reports," \
  "${elapsed}s wall time (log: $log)"
# A filter that matches nothing would pass without checking anything.
if [ "$status" -eq 0 ] && ! grep -qE 'Test run with [1-9][0-9]* tests? ' "$log"; then
  echo "sanitize.sh: no test ran: FILTER '$filter' matches none" >&2
  exit 1
fi
if [ "$reports" -gt 0 ]; then
  grep -E '^SUMMARY: (ThreadSanitizer|AddressSanitizer|LeakSanitizer)' "$log" | sort | uniq -c
  exit 1
fi
exit "$status"
