#!/bin/sh
# test-export.sh — exports from the command line, without a display, checked with poppler's tools
set -u
bin=$1
unset DISPLAY WAYLAND_DISPLAY
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
failures=0 count=0

ok () { count=$((count + 1)); echo "ok $count - $1"; }
not_ok () { count=$((count + 1)); echo "not ok $count - $1"; failures=$((failures + 1)); }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# A3 landscape vector PDF with a title, two groups and the attribution
"$bin" --export="$tmp/a3.pdf" --paper=A3 --orientation=landscape --view=beijing \
  --layers=circles,crossborder --title="首都都市圈 Test Title" >"$tmp/out" 2>&1
check "A3 PDF export exits 0" '[ $? -eq 0 ] && [ -s "$tmp/a3.pdf" ]'
size=$(pdfinfo "$tmp/a3.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
check "A3 landscape page is 1190.55 x 841.89 pt (got $size)" '[ "$size" = "1190.55 841.89" ]'
pdftotext "$tmp/a3.pdf" "$tmp/a3.txt"
check "the PDF's text has the title" 'grep -q "Test Title" "$tmp/a3.txt"'
for entry in "产业协同圈" "功能圈" "通勤圈" "首都功能核心区" "跨界地区"; do
  check "the legend lists $entry" 'grep -q "$entry" "$tmp/a3.txt"'
done
check "the PDF credits the plan and the data" 'grep -q "GSHHG" "$tmp/a3.txt" && grep -q "echarts" "$tmp/a3.txt" && grep -q "现代化首都都市圈空间协同规划" "$tmp/a3.txt"'
check "map labels are real text" 'grep -q "北京市" "$tmp/a3.txt"'
images=$(pdfimages -list "$tmp/a3.pdf" | tail -n +3 | wc -l)
check "the map is vector: no images in the PDF (got $images)" '[ "$images" -eq 0 ]'
bytes=$(stat -c %s "$tmp/a3.pdf")
check "the PDF is under 10 MB (got $bytes bytes)" '[ "$bytes" -lt 10485760 ]'
fonts=$(pdffonts "$tmp/a3.pdf" | grep -c "CJK")
check "a CJK font is embedded" '[ "$fonts" -gt 0 ] && ! pdffonts "$tmp/a3.pdf" | tail -n +3 | grep -q " no  "'

# --open: a user's KML drawn on the map and named in the legend by its own layer name
cat > "$tmp/sites.kml" <<'KML'
<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>我的选址</name>
<Placemark><name>香河县城</name><Point><coordinates>117.006,39.763</coordinates></Point></Placemark>
<Placemark><name>雄安片区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>115.90,38.95 116.10,38.95 116.10,39.10 115.90,39.10 115.90,38.95</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>
KML
"$bin" --export="$tmp/user.pdf" --open="$tmp/sites.kml" --view=beijing --layers=circles >"$tmp/out" 2>&1
check "export with --open exits 0" '[ $? -eq 0 ] && [ -s "$tmp/user.pdf" ]'
pdftotext "$tmp/user.pdf" "$tmp/user.txt"
check "the legend lists the opened KML's layer" 'grep -q "我的选址 (sites.kml, 2)" "$tmp/user.txt" && grep -q "My data" "$tmp/user.txt"'
check "the legend still lists the plan's layers" 'grep -q "通勤圈" "$tmp/user.txt"'
: > "$tmp/empty.kml"
"$bin" --export="$tmp/never.pdf" --open="$tmp/empty.kml" >"$tmp/out" 2>&1; status=$?
check "a broken --open file: exit 1, one line naming it, no PDF" '[ $status -eq 1 ] && [ ! -e "$tmp/never.pdf" ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q "empty.kml" "$tmp/out"'

# PNG at 300 dpi: 4961 x 3508 pixels
"$bin" --export="$tmp/a3.png" --dpi=300 --view=region --layers=circles >"$tmp/out" 2>&1
dims=$(od -An -tu1 -j16 -N8 "$tmp/a3.png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
check "A3 PNG at 300 dpi is 4961x3508 (got $dims)" '[ "$dims" = "4961x3508" ]'

# SVG: well-formed, paths and text
"$bin" --export="$tmp/map.svg" --view=tianjin --layers=crossborder --title="天津 SVG" >"$tmp/out" 2>&1
check "SVG export exits 0" '[ $? -eq 0 ]'
check "the SVG is well-formed XML" 'xmllint --noout "$tmp/map.svg"'
check "the SVG has paths" '[ "$(grep -c "<path" "$tmp/map.svg")" -gt 10 ]'
check "the SVG has its text as text" 'grep -q "<text[^>]*>天津 SVG</text>" "$tmp/map.svg"'

# a briefing book: a cover and one page per cross-border area
"$bin" --export="$tmp/book.pdf" --book=crossborder --title="Cross-border briefing" >"$tmp/out" 2>&1
pages=$(pdfinfo "$tmp/book.pdf" | sed -n 's/^Pages: *//p')
check "the book has a cover and 7 area pages (got $pages)" '[ "$pages" = 8 ]'
check "the cover has the book's title" 'pdftotext -f 1 -l 1 "$tmp/book.pdf" - | grep -q "Cross-border briefing"'
check "page 2 is titled 通州区与北三县" 'pdftotext -f 2 -l 2 "$tmp/book.pdf" - | head -1 | grep -q "通州区与北三县"'
check "page 8 is titled 怀丰地区" 'pdftotext -f 8 -l 8 "$tmp/book.pdf" - | head -1 | grep -q "怀丰"'
check "each area page quotes the plan" 'pdftotext -f 3 -l 3 "$tmp/book.pdf" - | grep -q "§ 4.4"'

# errors: clear, non-zero, nothing left behind
mkdir "$tmp/ro"; chmod 555 "$tmp/ro"
"$bin" --export="$tmp/ro/x.pdf" --view=region >"$tmp/out" 2>&1; status=$?
if [ "$(id -u)" -eq 0 ]; then
  ok "# SKIP export to a read-only folder (running as root)"
else
  check "export to a read-only folder fails and leaves nothing" '[ $status -ne 0 ] && [ -z "$(ls -A "$tmp/ro")" ] && [ "$(wc -l < "$tmp/out")" -eq 1 ]'
fi
"$bin" --export="$tmp/missing/dir/x.pdf" --view=region >"$tmp/out" 2>&1; status=$?
check "export to a missing folder exits 1 with one line" '[ $status -eq 1 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/missing" ]'
for bad in "--paper=B7" "--orientation=sideways" "--dpi=5000" "--format=gif" "--bbox=1,2,3" "--layers=atlantis"; do
  "$bin" --export="$tmp/bad.pdf" $bad >"$tmp/out" 2>&1; status=$?
  check "bad option $bad exits 2 with one line, no file" '[ $status -eq 2 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/bad.pdf" ]'
done
"$bin" --paper=A3 >"$tmp/out" 2>&1; status=$?
check "--paper without --export exits 2" '[ $status -eq 2 ]'
check "no temporary files are left" '[ -z "$(ls "$tmp" | grep "\.[A-Za-z0-9]\{6\}$")" ]'

echo "1..$count"
[ "$failures" -eq 0 ]
