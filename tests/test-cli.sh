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
check json-needs-list 2 "list-layers" --json
check list-layers 0 "commuting_circle" --list-layers
check list-layers-json 0 '"stated_area_km2" : 27000' --list-layers --json
for option in book export export-geojson title paper layers view info search; do
  check "empty-$option" 2 "wants a value" --$option=
done
check export-unknown-layer 2 "unknown layer" --export-geojson=/tmp/never-written.geojson --layers=atlantis

tmp=$(mktemp -d)
count=$((count + 1))
if "$bin" --export-geojson="$tmp/c.geojson" --layers=circles.commuting,crossborder >/dev/null 2>&1 \
   && grep -q '"FeatureCollection"' "$tmp/c.geojson" && grep -q '"commuting_circle"' "$tmp/c.geojson" \
   && grep -q '"xb_huaifeng"' "$tmp/c.geojson" && ! grep -q '"functional_circle"' "$tmp/c.geojson"; then
  echo "ok $count - export-geojson writes the chosen layers only"
else
  echo "not ok $count - export-geojson writes the chosen layers only"; failures=$((failures + 1))
fi
count=$((count + 1))
# root may write anywhere: as root, the check runs as nobody (setpriv), or is skipped saying why
chmod 755 "$tmp"; mkdir "$tmp/ro"; chmod 555 "$tmp/ro"
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    as_user="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
  else
    as_user=skip
  fi
fi
if [ "$as_user" = skip ]; then
  echo "ok $count # SKIP export to a read-only folder: running as root without setpriv to drop to nobody"
elif [ -n "$as_user" ] && ! $as_user "$bin" --version >/dev/null 2>&1; then
  echo "ok $count # SKIP export to a read-only folder: nobody cannot run $bin (a private build folder)"
else
  out=$($as_user "$bin" --export-geojson="$tmp/ro/x.geojson" 2>&1); status=$?
  if [ "$status" -eq 1 ] && [ -z "$(ls -A "$tmp/ro")" ] && printf '%s' "$out" | grep -q "Permission denied"; then
    echo "ok $count - export to a read-only folder fails and leaves nothing"
  else
    echo "not ok $count - export to a read-only folder fails and leaves nothing (status $status: $out)"
    failures=$((failures + 1))
  fi
fi
count=$((count + 1))
"$bin" --export-geojson="$tmp/missing/dir/x.geojson" >/dev/null 2>&1; status=$?
if [ "$status" -eq 1 ] && [ ! -e "$tmp/missing" ]; then
  echo "ok $count - export to a missing folder exits 1"
else
  echo "not ok $count - export to a missing folder exits 1 (status $status)"; failures=$((failures + 1))
fi
chmod 755 "$tmp/ro"; rm -rf "$tmp"

check_one_line one-line-unknown-view --view=atlantis
check_one_line one-line-bad-center --center=1,2,3

echo "1..$count"
[ "$failures" -eq 0 ]
