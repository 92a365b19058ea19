#!/bin/sh
# test-cli.sh — the command line: --help, --version, and wrong arguments exit 2 with one line
set -u
bin=$1
failures=0 count=0

check () {  # check NAME EXPECTED_STATUS PATTERN ARGS...
  name=$1 expected=$2 pattern=$3; shift 3
  count=$((count + 1))
  out=$("$bin" "$@" 2>&1); status=$?
  if [ "$status" -ne "$expected" ] || ! printf '%s\n' "$out" | grep -q -- "$pattern"; then
    echo "not ok $count - $name: status $status (want $expected), output: $out"
    failures=$((failures + 1))
  else
    echo "ok $count - $name"
  fi
}

check_one_line () {  # wrong arguments print exactly one line
  name=$1; shift
  count=$((count + 1))
  lines=$("$bin" "$@" 2>&1 | wc -l)
  if [ "$lines" -ne 1 ]; then
    echo "not ok $count - $name: $lines lines"; failures=$((failures + 1))
  else
    echo "ok $count - $name"
  fi
}

check version 0 "^capital-atlas [0-9]" --version
check help 0 "--view=NAME" --help
check help-lists-views 0 "xiongan" --help
check unknown-view 2 "unknown view" --view=atlantis
check unknown-option 2 "Unknown option" --frobnicate
check bad-center 2 "LAT,LON" --center=abc
check center-outside 2 "outside" --center=10,10
check bad-zoom 2 "from 5 to 14" --zoom=40
check zoom-not-number 2 "from 5 to 14" --zoom=near
check stray-argument 2 "unexpected argument" somefile
check_one_line one-line-unknown-view --view=atlantis
check_one_line one-line-bad-center --center=1,2,3

echo "1..$count"
[ "$failures" -eq 0 ]
