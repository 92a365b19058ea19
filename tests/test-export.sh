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
images=$(pdfimages -list "$tmp/a3.pdf" | tail -n +3 | awk '$3 == "image"' | wc -l)
check "the map is vector under one relief image (got $images images)" '[ "$images" -le 1 ]'
check "the PDF credits OpenStreetMap for the stations" 'grep -q "© OpenStreetMap contributors" "$tmp/a3.txt"'

# a sheet of central Beijing at zoom 12: station names from the data, credited
"$bin" --export="$tmp/stations.pdf" --paper=A4 --bbox=116.30,39.84,116.50,39.96 \
  --layers=none >"$tmp/out" 2>&1
pdftotext "$tmp/stations.pdf" "$tmp/stations.txt"
check "a Beijing sheet names the stations 北京南 and 北京北" 'grep -q "北京南" "$tmp/stations.txt" && grep -q "北京北" "$tmp/stations.txt"'
check "the Beijing sheet credits OpenStreetMap" 'grep -q "© OpenStreetMap contributors" "$tmp/stations.txt"'
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

# the plan's six figures as plates: A3 landscape by default, the title exactly as the plan
# names it, a legend of the figure's own layers, the schematic note, scale, sources
title_01="图01 首都都市圈空间范围示意图" title_02="图02 首都都市圈空间结构规划图"
title_03="图03 首都都市圈文化遗产保护传承格局图" title_04="图04 首都都市圈产业发展空间格局规划示意图"
title_05="图05 首都都市圈综合交通体系规划示意图" title_06="图06 首都都市圈生态空间格局规划示意图"
legend_01="产业协同圈 功能圈 通勤圈 河北节点城市"
legend_02="一核 两翼 京津走廊 京雄走廊 北京新城 产业协同圈"
legend_03="山海轴线 大运河文化带 长城文化带 世界文化遗产 红色文化主题片区"
legend_04="京津走廊 产业带 沿海经济带 重点创新平台 重大科研设施"
legend_05="六条放射型廊道 沿海廊道 首都都市圈内环 首都都市圈外环 北京双枢纽机场"
legend_06="燕山—太行山生态安全屏障 一道绿隔城市公园环 渤海近岸海域生态保护带 河流生态廊道 重要湖库"
absent_01="生态" absent_02="文化带" absent_03="放射型廊道" absent_04="机场" absent_05="生态安全屏障" absent_06="文化带"
for n in 1 2 3 4 5 6; do
  eval "title=\$title_0$n"
  "$bin" --export="$tmp/fig$n.pdf" --figure=$n >"$tmp/out" 2>&1
  check "figure $n: the plate is written" '[ $? -eq 0 ] && [ -s "$tmp/fig$n.pdf" ]'
  size=$(pdfinfo "$tmp/fig$n.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
  check "figure $n: A3 landscape (got $size)" '[ "$size" = "1190.55 841.89" ]'
  pdftotext "$tmp/fig$n.pdf" "$tmp/fig$n.txt"
  check "figure $n: titled “$title”" 'head -1 "$tmp/fig$n.txt" | grep -qF "$title"'
  eval "legend=\$legend_0$n absent=\$absent_0$n"
  for entry in $legend; do
    check "figure $n: the legend lists $entry" 'grep -qF "$entry" "$tmp/fig$n.txt"'
  done
  check "figure $n: no legend entry of other figures ($absent)" '! grep -qF "$absent" "$tmp/fig$n.txt"'
  check "figure $n: the schematic note, the scale and the sources" 'grep -qF "示意图" "$tmp/fig$n.txt" && grep -q "km" "$tmp/fig$n.txt" && grep -q "1 : " "$tmp/fig$n.txt" && grep -q "GSHHG" "$tmp/fig$n.txt" && grep -qF "现代化首都都市圈空间协同规划" "$tmp/fig$n.txt"'
done
check "figure 2 cites its sections of the plan" 'grep -qF "2.5" "$tmp/fig2.txt" && grep -qF "一核两翼、双城多点、双廊多圈" "$tmp/fig2.txt"'
bytes=$(stat -c %s "$tmp/fig2.pdf")
check "a plate is under 10 MB (got $bytes bytes)" '[ "$bytes" -lt 10485760 ]'
"$bin" --export="$tmp/fig5.pdf" --figure=5 --paper=A4 --orientation=portrait >"$tmp/out" 2>&1
size=$(pdfinfo "$tmp/fig5.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
check "figure 5 on A4 portrait (got $size)" '[ "$size" = "595.276 841.89" ]'
"$bin" --export="$tmp/fig3.svg" --figure=3 >"$tmp/out" 2>&1
check "figure 3 as SVG has its title as text" 'xmllint --noout "$tmp/fig3.svg" && grep -q "<text[^>]*>图03 首都都市圈文化遗产保护传承格局图</text>" "$tmp/fig3.svg"'
"$bin" --export="$tmp/figures.pdf" --book=figures >"$tmp/out" 2>&1
pages=$(pdfinfo "$tmp/figures.pdf" | sed -n 's/^Pages: *//p')
check "--book=figures has the six plates (got $pages pages)" '[ "$pages" = 6 ]'
for n in 1 2 3 4 5 6; do
  check "--book=figures: page $n is 图0$n" 'pdftotext -f $n -l $n "$tmp/figures.pdf" - | head -1 | grep -q "^图0$n 首都都市圈"'
done
"$bin" --export="$tmp/figures.png" --book=figures >"$tmp/out" 2>&1; status=$?
check "--book=figures as PNG exits 2 with one line, no file" '[ $status -eq 2 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/figures.png" ]'
"$bin" --export="$tmp/bad.pdf" --figure=7 >"$tmp/out" 2>&1; status=$?
check "--figure=7 exits 2 with one line, no file" '[ $status -eq 2 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && [ ! -e "$tmp/bad.pdf" ]'

# --layers=none: the base map alone, no overlay legend
"$bin" --export="$tmp/none.pdf" --paper=A4 --layers=none >"$tmp/out" 2>&1
check "--layers=none exports" '[ $? -eq 0 ] && [ -s "$tmp/none.pdf" ]'
pdftotext "$tmp/none.pdf" "$tmp/none.txt"
check "--layers=none has the base map's labels" 'grep -q "北京市" "$tmp/none.txt" && grep -q "渤海" "$tmp/none.txt"'
check "--layers=none has no legend of overlays" '! grep -q "Legend\|图例\|圈层\|Circles" "$tmp/none.txt"'

# every layer on a small portrait page: the legend lists every symbol, never "… and N more"
"$bin" --export="$tmp/all.pdf" --paper=A4 --orientation=portrait --layers=all >"$tmp/out" 2>&1
pdftotext "$tmp/all.pdf" "$tmp/all.txt"
check "the legend never ends with “more”" '[ -s "$tmp/all.txt" ] && ! grep -q "more layer" "$tmp/all.txt"'
for entry in "产业协同圈" "首都功能核心区" "一屏" "北三河系" "综合交通枢纽" "金融" "世界文化遗产"; do
  check "the full legend lists $entry" 'grep -q "$entry" "$tmp/all.txt"'
done

# no two texts of a page overlap (map labels, furniture, legend): boxes estimated
# from the SVG's text positions (CJK characters 1 em wide, others half)
"$bin" --export="$tmp/busy.svg" --view=beijing --layers=all >"$tmp/out" 2>&1
cat >"$tmp/overlaps.py" <<'PY'
import re, sys
boxes = []
for m in re.finditer(r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)">([^<]*)</text>',
                     open(sys.argv[1], encoding="utf-8").read()):
    x, y, s, t = float(m[1]), float(m[2]), float(m[3]), m[4]
    w = sum(s if ord(c) > 0x2e80 else 0.5 * s for c in t)
    boxes.append((x + 0.5, y - 0.8 * s + 0.5, x + w - 0.5, y + 0.1 * s - 0.5, t))
bad = [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
       if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
print(len(boxes), "texts; overlapping:", bad[:3])
sys.exit(1 if bad or len(boxes) < 100 else 0)
PY
check "no two texts overlap on a busy page ($(python3 "$tmp/overlaps.py" "$tmp/busy.svg"))" 'python3 "$tmp/overlaps.py" "$tmp/busy.svg" >/dev/null'

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
# A long excerpt flows onto a second page, split after a sentence, nothing lost
"$bin" --export="$tmp/long.pdf" --paper=A4 --excerpt=通州区与北三县 --layers=crossborder >"$tmp/out" 2>&1
pages=$(pdfinfo "$tmp/long.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
check "a long excerpt exports to two pages (got $pages)" '[ "$pages" = 2 ]'
pdftotext -f 1 -l 1 "$tmp/long.pdf" "$tmp/long1.txt"
pdftotext -f 2 -l 2 "$tmp/long.pdf" "$tmp/long2.txt"
"$bin" --info=通州区与北三县 --json >"$tmp/long.json"
check "every role paragraph is printed whole, or split after a sentence across the pages" \
  'python3 - "$tmp/long.json" "$tmp/long1.txt" "$tmp/long2.txt" <<PY
import json, re, sys
flat = lambda t: re.sub(r"\s+", "", t)
paras = [flat(m["text"]) for m in json.load(open(sys.argv[1]))["role"]]
one, two = flat(open(sys.argv[2]).read()), flat(open(sys.argv[3]).read())
def placed(p):
    if p in one or p in two:
        return True
    return any(p[k - 1] in "。；！？" and p[:k] in one and p[k:] in two for k in range(1, len(p)))
sys.exit(0 if all(placed(p) for p in paras) and "(continued)" in two else 1)
PY'

# In a Chinese session the defaults are Chinese: title, legend heading, footer
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  LC_ALL=zh_CN.UTF-8 LANGUAGE= "$bin" --export="$tmp/zh.pdf" --view=beijing --layers=circles >"$tmp/out" 2>&1
  pdftotext "$tmp/zh.pdf" "$tmp/zh.txt"
  check "a Chinese session's page has a Chinese title, legend heading and footer" \
    'grep -q "^首都都市圈" "$tmp/zh.txt" && grep -q "^图例" "$tmp/zh.txt" && grep -q "由 Capital Atlas" "$tmp/zh.txt" && grep -q "^规划：" "$tmp/zh.txt"'
else
  count=$((count + 1)); echo "ok $count # SKIP no zh_CN.UTF-8 locale (tools/install-deps makes it)"
fi

"$bin" --paper=A3 >"$tmp/out" 2>&1; status=$?
check "--paper without --export exits 2" '[ $status -eq 2 ]'
check "no temporary files are left" '[ -z "$(ls -A "$tmp" | grep "\.atlas-[0-9]*-[A-Za-z0-9]\{6\}$")" ]'

echo "1..$count"
[ "$failures" -eq 0 ]
