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
mkdir "$tmp/ro"; chmod 555 "$tmp/ro"; chmod 755 "$tmp"
# root may write anywhere: as root the check runs as nobody (setpriv), or is skipped saying why
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  as_user="setpriv --reuid=nobody --regid=$(id -g nobody 2>/dev/null) --clear-groups"
  command -v setpriv >/dev/null 2>&1 && $as_user "$bin" --version >/dev/null 2>&1 || as_user=skip
fi
if [ "$as_user" = skip ]; then
  ok "# SKIP export to a read-only folder: root, and nobody cannot run $bin here"
else
  $as_user "$bin" --export="$tmp/ro/x.pdf" --view=region >"$tmp/out" 2>&1; status=$?
  check "export to a read-only folder exits 1 with one line and leaves nothing" '[ $status -eq 1 ] && [ -z "$(ls -A "$tmp/ro")" ] && [ "$(wc -l < "$tmp/out")" -eq 1 ]'
fi

# the file at the path: a link is written through, the target keeps its mode, a FIFO is refused
echo old >"$tmp/target.pdf"; chmod 600 "$tmp/target.pdf"; ln -s target.pdf "$tmp/link.pdf"
"$bin" --export="$tmp/link.pdf" --view=tianjin --layers=crossborder >"$tmp/out" 2>&1; status=$?
check "export through a symbolic link writes its target and keeps the link and the mode" '[ $status -eq 0 ] && [ -L "$tmp/link.pdf" ] && [ "$(stat -c %a "$tmp/target.pdf")" = 600 ] && head -c 5 "$tmp/target.pdf" | grep -q "%PDF"'
mkfifo "$tmp/pipe.pdf"
timeout 60 "$bin" --export="$tmp/pipe.pdf" --view=region >"$tmp/out" 2>&1; status=$?
check "export onto a FIFO exits 1 at once and leaves the FIFO" '[ $status -eq 1 ] && [ -p "$tmp/pipe.pdf" ] && grep -q "not a regular file" "$tmp/out"'
rm -f "$tmp/pipe.pdf"

# a full disk: a 64 KiB tmpfs (needs root to mount; the faked full disk of tests/test-files.c runs everywhere)
mkdir "$tmp/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
  echo "the old map" >"$tmp/full/map.pdf"
  "$bin" --export="$tmp/full/map.pdf" --view=beijing --layers=all >"$tmp/out" 2>&1; status=$?
  check "export onto a full disk exits 1, says so, keeps the old file, leaves no temporary" '[ $status -eq 1 ] && grep -q "disk is full" "$tmp/out" && [ "$(cat "$tmp/full/map.pdf")" = "the old map" ] && [ "$(ls -A "$tmp/full")" = map.pdf ]'
  umount "$tmp/full"
else
  ok "# SKIP export onto a full disk: mounting a small tmpfs needs root"
fi

# text with control characters still makes well-formed SVG
"$bin" --export="$tmp/ctl.svg" --view=tianjin --layers=crossborder --title="$(printf 'A\001B\033C')" >"$tmp/out" 2>&1; status=$?
check "an SVG title with control characters exits 0 and is well-formed XML" '[ $status -eq 0 ] && xmllint --noout "$tmp/ctl.svg" && grep -q ">ABC</text>" "$tmp/ctl.svg"'
"$bin" --export="$tmp/missing/dir/x.pdf" --view=region >"$tmp/out" 2>&1; status=$?
check "export to a missing folder exits 1 with one line" '[ $status -eq 1 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/missing" ]'
for bad in "--paper=B7" "--orientation=sideways" "--dpi=5000" "--format=gif" "--bbox=1,2,3" "--layers=atlantis"; do
  "$bin" --export="$tmp/bad.pdf" $bad >"$tmp/out" 2>&1; status=$?
  check "bad option $bad exits 2 with one line, no file" '[ $status -eq 2 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/bad.pdf" ]'
done
"$bin" --paper=A3 >"$tmp/out" 2>&1; status=$?
check "--paper without --export exits 2" '[ $status -eq 2 ]'
check "no temporary files are left" '[ -z "$(ls -A "$tmp" | grep "\.atlas-[0-9]*-[A-Za-z0-9]\{6\}$")" ]'

echo "1..$count"
[ "$failures" -eq 0 ]
