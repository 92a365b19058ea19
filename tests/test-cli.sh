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
check figure-too-high 2 "from 1 to 6" --figure=7
check figure-zero 2 "from 1 to 6" --figure=0
check figure-not-number 2 "from 1 to 6" --figure=two
check figure-with-view 2 "does not go with" --figure=2 --view=beijing
check figure-with-layers 2 "does not go with" --figure=2 --layers=circles
check help-lists-figure 0 "--figure=N" --help
for option in book export export-geojson title paper layers view info search; do
  check "empty-$option" 2 "wants a value" --$option=
done
check export-unknown-layer 2 "unknown layer" --export-geojson=/tmp/never-written.geojson --layers=atlantis
check info-prefecture 0 "^  ⊃ 香河县" --info=廊坊市
check info-collective-name 0 "^  ⊃ 三河市" --info=北三县
check info-county-inside 0 "Inside 大兴区" --info=大兴区
check info-misprint-note 0 "原文如此，疑为“房涿涞”" --info=房涿涿
check info-json-shares 0 '"share"' --info=东城区 --json

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
# --locate: where a user's file falls in the plan
cat > "$tmp/sites.kml" <<'KML'
<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>sites</name>
<Placemark><name>香河县城</name><Point><coordinates>117.006,39.763</coordinates></Point></Placemark>
<Placemark><name>雄安片区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>115.90,38.95 116.10,38.95 116.10,39.10 115.90,39.10 115.90,38.95</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>
KML
check locate-county 0 "county: 香河县（廊坊市 · 河北省）" --locate="$tmp/sites.kml"
check locate-zones 0 "in: 产业协同圈; 功能圈; 通勤圈; 通州区与北三县" --locate="$tmp/sites.kml"
check locate-share 0 "河北雄安新区 (99" --locate="$tmp/sites.kml"
check locate-within 0 "within 10 km: " --locate="$tmp/sites.kml"
check locate-json 0 '"id" : "xiongan_new_area"' --locate="$tmp/sites.kml" --json
check locate-csv 0 "^香河县城,sites,point,117.006000,39.763000,香河县,廊坊市,河北省," --locate="$tmp/sites.kml" --format=csv
check locate-bad-crs 2 "wgs84, gcj02, bd09 or EPSG:N" --locate="$tmp/sites.kml" --crs=mars
check locate-bad-format 2 "text, json or csv" --locate="$tmp/sites.kml" --format=pdf
: > "$tmp/empty.geojson"
check locate-empty 1 "empty.geojson: the file is empty" --locate="$tmp/empty.geojson"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[116' > "$tmp/cut.geojson"
check locate-truncated 1 "cut.geojson: " --locate="$tmp/cut.geojson"
check_one_line one-line-locate-empty --locate="$tmp/empty.geojson"
check_one_line one-line-locate-truncated --locate="$tmp/cut.geojson"
# --basemap: a wrong source is one line and status 2, before any work
check basemap-bad-kind 2 "mbtiles:PATH or xyz:URL_TEMPLATE" --export="$tmp/b.pdf" --basemap=tiles:/x
check basemap-bad-url 2 "{z}, {x} and {y}" --export="$tmp/b.pdf" --basemap=xyz:http://example.org/t.png
check basemap-not-mbtiles 2 "sites.kml: not an MBTiles file" --export="$tmp/b.pdf" --basemap="mbtiles:$tmp/sites.kml"
check_one_line one-line-basemap --export="$tmp/b.pdf" --basemap=tiles:/x
chmod 755 "$tmp/ro"; rm -rf "$tmp"

# a damaged optional base-map file (relief, railways, stations): exit 1, one line naming it
maps=$(cd "$(dirname "$0")/../maps" && pwd)
for broken in relief.bin railways.2.bin stations.tsv; do
  tmp=$(mktemp -d)
  cp -r "$maps/." "$tmp/"
  printf 'damaged' > "$tmp/basemap/$broken"
  count=$((count + 1))
  out=$(ATLAS_MAPS_DIR=$tmp "$bin" --list-layers 2>&1 >/dev/null); status=$?
  if [ "$status" -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] \
     && printf '%s\n' "$out" | grep -q -- "$broken"; then
    echo "ok $count - damaged $broken: exit 1, one line naming it"
  else
    echo "not ok $count - damaged $broken: status $status, output: $out"; failures=$((failures + 1))
  fi
  rm -rf "$tmp"
done

check_one_line one-line-unknown-view --view=atlantis
check_one_line one-line-bad-center --center=1,2,3
check_one_line one-line-bad-figure --figure=7

# --at: what is at a point (香河县: the county, its circles, 通州区与北三县)
check at-inside 0 "county  *counties  *香河县 Xianghe County (廊坊市 · 河北省)" --at=39.76,117.00
check at-inside-circles 0 "通勤圈" --at=39.76,117.00
check at-inside-crossborder 0 "通州区与北三县" --at=39.76,117.00
check at-json 0 '"name_zh" : "香河县"' --at=39.76,117.00 --json
# on the border of 香河县 and 通州区 (the probes either side find both)
check at-border-xianghe 0 "香河县" --at=39.78188,116.94531
check at-border-tongzhou 0 "通州区" --at=39.78188,116.94531
check at-out-of-range 2 "outside the map" --at=10,10
check_one_line one-line-at-out-of-range --at=10,10
check at-malformed 2 "LAT,LON" --at=north
# the lakes have their own names, marked schematic, not a working name
check lakes-named 0 "白洋淀、衡水湖、潘家口水库、大黑汀水库（示意）" --list-layers

echo "1..$count"
[ "$failures" -eq 0 ]
