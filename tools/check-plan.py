#!/usr/bin/env python3
"""Validate maps/plan/plan.json and maps/plan/aliases.json.

Usage:
    python3 tools/check-plan.py [--plan DIR] [--seeds DIR] [--geodata DIR] [--gazetteer FILE]

--plan       folder with plan.json and aliases.json (default: maps/plan in the repository)
--seeds      folder with the seed texts (default: ../shared/seeds next to the repository)
--geodata    folder with counties.geojson, prefectures.geojson, provinces_context.geojson
             (default: maps/basemap if it has counties.geojson, else ../shared/geodata)
--gazetteer  gazetteer TSV (default: maps/gazetteer.tsv if present, else
             ../shared/geodata/gazetteer.tsv)

Checks, independently of tools/build-plan.py (which it does not import):
  - structure: ids unique and well formed, parents, kinds, number_zh, document order, item
    numbering, paragraph ids, English titles;
  - the table of contents parsed from the seed: 7 chapters in order with the same titles, every
    TOC section present in order with the same title (or the TOC's title kept in toc_title_zh);
  - the text: no empty paragraph, no stray spaces next to Chinese characters, no TOC leaders,
    page headers or English words inside Chinese text, no heading that ends like a cut line,
    no paragraph that ends without sentence-final punctuation (page-break heuristic);
  - completeness: the text of preface, chapters, figures and approval, whitespace removed, is
    exactly the seed's text (after the recorded text_corrections) — nothing lost or doubled;
  - known paragraphs that the PDF cut across pages are whole;
  - the approval is present and complete;
  - aliases: keys, county / prefecture / province codes exist, gazetteer ids exist, every alias
    occurs in the plan or the approval.
Exit status 0 when everything passes, 1 otherwise.
"""

import argparse
import csv
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN_SEED = "002_c3f44c87e6db9da5.txt"
APPROVAL_SEED = "001_e232a02ec15c1f6e.txt"
APPROVAL_END_MARK = "新华社北京2月2日电"
TITLE_ZH = "现代化首都都市圈空间协同规划（2023—2035年）"

CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2014\u201c\u201d"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
FINAL = "。；！？：…"
CLOSERS = "”’）》」』"
CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

errors = []
notes = []


def err(msg):
    errors.append(msg)


def note(msg):
    notes.append(msg)


def cn_number(s):
    if "十" in s:
        a, _, b = s.partition("十")
        return (CN[a] if a else 1) * 10 + (CN[b] if b else 0)
    return CN[s]


def nows(s):
    return re.sub(r"\s+", "", s)


def ends_final(s):
    if not s:
        return False
    if s[-1] in FINAL:
        return True
    i = len(s)
    while i > 0 and s[i - 1] in CLOSERS:
        i -= 1
    return 0 < i < len(s) and s[i - 1] in FINAL


# ---------------------------------------------------------------------------------------------

def read_seed_regions(seeds):
    with open(os.path.join(seeds, PLAN_SEED), encoding="utf-8") as f:
        lines = f.read().split("\n")
    flat = [nows(l) for l in lines]
    i_pre = flat.index("序言")
    i_toc = flat.index("目录")
    i_fig = flat.index("附图")
    toc, i_body = [], None
    toc_re = re.compile(r"^(第[一二三四五六七八九十]+[章节])\s*(.+?)\s*(?:\t+|\.{3,})\s*(\d+)$")
    for i in range(i_toc + 1, i_fig):
        l = lines[i].strip()
        if not l:
            continue
        m = toc_re.match(l)
        if m:
            toc.append((m.group(1), nows(m.group(2))))
        elif re.match(r"^附\s*图\s*\.{3,}\s*\d+$", l):
            continue
        else:
            i_body = i
            break
    if i_body is None:
        raise SystemExit("check-plan: cannot find the body of the plan in the seed")
    return lines, toc, i_pre, i_toc, i_body, i_fig


def seed_text(lines, a, b):
    """Whitespace-free text of seed lines a..b-1 without page headers / numbers."""
    out = []
    for l in lines[a:b]:
        t = nows(l)
        if not t or t in (nows(TITLE_ZH), "现代化首都都市圈空间协同规划", "（2023—2035年）") \
                or re.fullmatch(r"\d{1,3}", t):
            continue
        out.append(t)
    return "".join(out)


def first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n if len(a) != len(b) else -1


def compare(label, expected, got):
    d = first_diff(expected, got)
    if d >= 0:
        err("%s: text differs from the seed at char %d:\n    seed: …%s…\n    json: …%s…"
            % (label, d, expected[max(0, d - 20):d + 30], got[max(0, d - 20):d + 30]))


# ---------------------------------------------------------------------------------------------

def check_structure(plan, toc):
    secs = plan.get("sections")
    for k in ("title_zh", "title_en", "attribution_zh", "attribution_en", "sections"):
        if not plan.get(k):
            err("plan.json: missing %s" % k)
    if plan.get("title_zh") != TITLE_ZH:
        err("plan.json: title_zh is %r" % plan.get("title_zh"))
    if not secs:
        return {}
    for a in ("中共中央", "国务院", "2026"):
        if a not in plan.get("attribution_zh", ""):
            err("attribution_zh does not mention %s" % a)

    ids = {}
    kinds_ok = {"preface", "chapter", "section", "item", "figures", "approval"}
    for pos, s in enumerate(secs):
        sid = s.get("id")
        for k in ("id", "kind", "parent", "number_zh", "title_zh", "title_en", "paragraphs"):
            if k not in s:
                err("%s: missing key %s" % (sid, k))
        if sid in ids:
            err("duplicate id %s" % sid)
        ids[sid] = (pos, s)
        if s.get("kind") not in kinds_ok:
            err("%s: unknown kind %r" % (sid, s.get("kind")))
        if not s.get("title_zh"):
            err("%s: empty title_zh" % sid)
        if not s.get("title_en") or re.search("[%s]" % HAN, s.get("title_en", "")):
            err("%s: title_en missing or not English: %r" % (sid, s.get("title_en")))

    if secs[0].get("id") != "preface" or secs[0].get("kind") != "preface":
        err("first unit is not the preface")
    if not any(s["id"] == "figures" and s["kind"] == "figures" for s in secs):
        err("no figures unit")
    if not any(s["id"] == "approval" and s["kind"] == "approval" for s in secs):
        err("no approval unit")

    prev_key = ()
    item_counter = {}
    for pos, s in enumerate(secs):
        sid, kind, parent, num = s.get("id"), s.get("kind"), s.get("parent"), s.get("number_zh")
        if kind in ("preface", "figures", "approval"):
            if sid != kind or parent is not None or num != "":
                err("%s: special unit must have id == kind, parent null, number_zh ''" % sid)
            continue
        m = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", sid or "")
        if not m:
            err("%s: malformed id" % sid)
            continue
        key = tuple(int(x) for x in m.groups() if x is not None)
        if key <= prev_key:
            err("%s: out of document order (after %s)" % (sid, ".".join(map(str, prev_key))))
        prev_key = key
        depth = {"chapter": 1, "section": 2, "item": 3}[kind] if kind in ("chapter", "section", "item") else 0
        if len(key) != depth:
            err("%s: id depth does not match kind %s" % (sid, kind))
            continue
        if kind == "chapter":
            if parent is not None:
                err("%s: chapter with a parent" % sid)
            mm = re.fullmatch(r"第([一二三四五六七八九十]+)章", num or "")
            if not mm or cn_number(mm.group(1)) != key[0]:
                err("%s: number_zh %r does not match" % (sid, num))
        elif kind == "section":
            if parent != str(key[0]):
                err("%s: parent %r should be %s" % (sid, parent, key[0]))
            mm = re.fullmatch(r"第([一二三四五六七八九十]+)节", num or "")
            if not mm or cn_number(mm.group(1)) != key[1]:
                err("%s: number_zh %r does not match" % (sid, num))
        else:
            want_parent = "%d.%d" % key[:2] if key[1] != 0 else str(key[0])
            if parent != want_parent:
                err("%s: parent %r should be %s" % (sid, parent, want_parent))
            if num != "%d." % key[2]:
                err("%s: number_zh %r should be %d." % (sid, num, key[2]))
            k = item_counter.get(parent, 0) + 1
            if key[2] != k:
                err("%s: item numbering jumps (expected %d)" % (sid, k))
            item_counter[parent] = key[2]
        if parent is not None:
            if parent not in ids or ids[parent][0] >= pos:
                err("%s: parent %s missing or after the child" % (sid, parent))

    # Table of contents
    chapters = [s for s in secs if s["kind"] == "chapter"]
    sections = [s for s in secs if s["kind"] == "section"]
    toc_ch = [(n, t) for n, t in toc if n.endswith("章")]
    toc_sec = []
    cur = 0
    for n, t in toc:
        if n.endswith("章"):
            cur = cn_number(n[1:-1])
        else:
            toc_sec.append(("%d.%d" % (cur, cn_number(n[1:-1])), n, t))
    if len(chapters) != 7 or len(toc_ch) != 7:
        err("expected 7 chapters, plan.json has %d, TOC has %d" % (len(chapters), len(toc_ch)))
    for i, (n, t) in enumerate(toc_ch):
        if i >= len(chapters):
            break
        c = chapters[i]
        if c["id"] != str(i + 1) or c["number_zh"] != n or c["title_zh"] != t:
            err("chapter %d: %s %s / %s in plan.json vs %s %s in the TOC"
                % (i + 1, c["id"], c["number_zh"], c["title_zh"], n, t))
    got = [s["id"] for s in sections]
    want = [sid for sid, _, _ in toc_sec]
    if got != want:
        err("sections %s differ from the TOC %s" % (got, want))
    by_id = {s["id"]: s for s in sections}
    for sid, n, t in toc_sec:
        s = by_id.get(sid)
        if not s:
            continue
        if s["number_zh"] != n:
            err("%s: number_zh %s, TOC %s" % (sid, s["number_zh"], n))
        if s["title_zh"] != t:
            if s.get("toc_title_zh") == t:
                note("%s: heading in the text 「%s」, in the TOC 「%s」 (kept as toc_title_zh)"
                     % (sid, s["title_zh"], t))
            else:
                err("%s: title 「%s」 differs from the TOC 「%s」" % (sid, s["title_zh"], t))
        elif "toc_title_zh" in s and s["toc_title_zh"] != t:
            err("%s: toc_title_zh %r but the TOC says %r" % (sid, s["toc_title_zh"], t))
    return {s["id"]: s for s in secs}


LIST_ENTRY = re.compile(r"^\d{1,2}\.《[^》]+》$")


def check_text(units):
    seen_ids = set()
    for sid, s in units.items():
        t = s["title_zh"]
        if re.search(r"[，、；（“]$", t) or re.match(r"^[，。、；：）”]", t) or "。" in t:
            err("%s: title looks cut: %r" % (sid, t))
        for i, p in enumerate(s["paragraphs"], 1):
            pid, text = p.get("id"), p.get("text", "")
            if pid != "%s/p%d" % (sid, i):
                err("%s: paragraph id %r should be %s/p%d" % (sid, pid, sid, i))
            if pid in seen_ids:
                err("duplicate paragraph id %s" % pid)
            seen_ids.add(pid)
            if not text or text != text.strip():
                err("%s: empty or unstripped paragraph" % pid)
                continue
            if re.search(r"[\t\n\r]", text):
                err("%s: control whitespace in text" % pid)
            if re.search(r"(?<=[%s]) | (?=[%s])" % (CJK, CJK), text) and s["kind"] != "figures":
                err("%s: space next to a Chinese character: %r" % (pid, text[:40]))
            if re.search(r"\.{3,}|…{2,}\d", text):
                err("%s: TOC leader in text" % pid)
            if text == TITLE_ZH or re.fullmatch(r"\d{1,3}", text):
                err("%s: page header or page number as a paragraph" % pid)
            if re.search(r"[%s]\s*[A-Za-z]{2,}\s*[%s]" % (HAN, HAN), text):
                err("%s: Latin word inside Chinese text: %r"
                    % (pid, re.search(r".{6}[A-Za-z]{2,}.{6}", text).group(0)))
            if re.match(r"^[，。、；：）”》]", text):
                err("%s: paragraph starts mid-sentence: %r" % (pid, text[:20]))
            allowed_open = (LIST_ENTRY.match(text)
                            or (s["kind"] == "figures" and re.fullmatch(r"图0\d .+", text))
                            or (s["kind"] == "approval"
                                and re.fullmatch(r"中共中央|国务院|\d{4}年\d{1,2}月\d{1,2}日", text)))
            if not ends_final(text) and not allowed_open:
                nxt = s["paragraphs"][i]["text"][:15] if i < len(s["paragraphs"]) else "(end)"
                err("%s: ends without final punctuation (page break?): …%s | %s"
                    % (pid, text[-15:], nxt))


def check_completeness(plan, units, seeds):
    lines, toc, i_pre, i_toc, i_body, i_fig = read_seed_regions(seeds)
    corr = plan.get("text_corrections", [])

    def fix(t):
        for c in corr:
            t = t.replace(nows(c["from"]), nows(c["to"]))
        return t

    for c in corr:
        blob = "".join(p["text"] for s in units.values() for p in s["paragraphs"])
        if c["from"] in blob:
            err("text_corrections: %r still present" % c["from"])
        if c["to"] not in blob:
            err("text_corrections: %r absent" % c["to"])

    # Preface
    got = "".join(nows(p["text"]) for p in units["preface"]["paragraphs"])
    compare("preface", fix(seed_text(lines, i_pre + 1, i_toc)), got)

    # Body: headings + paragraphs, inline items carry their label in the first paragraph.
    parts = []
    for s in plan["sections"]:
        if s["kind"] in ("chapter", "section"):
            parts.append(s["number_zh"] + s["title_zh"])
        elif s["kind"] == "item":
            ps = s["paragraphs"]
            if ps and ps[0]["text"].startswith(s["title_zh"] + "："):
                parts.append(s["number_zh"])
            else:
                parts.append(s["number_zh"] + s["title_zh"])
        else:
            continue
        parts.extend(p["text"] for p in s["paragraphs"])
    compare("chapters 1–7", fix(seed_text(lines, i_body, i_fig)), nows("".join(parts)))

    # Figures: the captions on the figure pages
    caps = [nows(l) for l in lines[i_fig + 1:] if re.match(r"^\s*图\s*\d{2}", l)]
    got = [nows(p["text"]) for p in units["figures"]["paragraphs"]]
    if caps != got or len(got) != 6:
        err("figures: %r, seed captions %r" % (got, caps))

    # Approval
    with open(os.path.join(seeds, APPROVAL_SEED), encoding="utf-8") as f:
        al = f.read().split("\n")
    end = next(i for i, l in enumerate(al) if APPROVAL_END_MARK in l)
    head = next(i for i, l in enumerate(al) if l.startswith("#"))
    ap = units["approval"]
    if ap["title_zh"] != al[head].lstrip("#").strip():
        err("approval: title %r, seed %r" % (ap["title_zh"], al[head]))
    compare("approval", "".join(nows(l) for l in al[head + 1:end]),
            "".join(nows(p["text"]) for p in ap["paragraphs"]))
    if "批复" not in ap["title_zh"] or len(ap["paragraphs"]) < 10:
        err("approval: incomplete")
    if [p["text"] for p in ap["paragraphs"][-3:]] != ["中共中央", "国务院", "2026年1月22日"]:
        err("approval: signature and date missing")
    return toc


KNOWN_WHOLE = [
    # (substring, unit id, must start with, must end with)
    ("梯次布局北京平原新城", "2.5.6", "多圈：推动形成清晰合理", "等多个圈层。"),
    ("通武廊地区包括北京市通州区、天津市武清区和河北省廊坊市的相关地区", "4.4.2",
     "通武廊地区包括", "创新孵化效应显著的战略性节点。"),
    ("加强首都“四个中心”功能建设", "2.1.1", "始终将强化首都功能", "的广阔腹地。"),
    ("外部环境复杂严峻带来较大不确定性", "1.1.2", "安全韧性方面", "强化首都安全保障。"),
    ("河北环京津县（市、区）为主体", "3.3.2", "严守耕地和永久基本农田", "菜篮子”。"),
    ("赓续红色血脉", "2.1.3", "整体性、系统性保护", "的重要地区。"),
    ("推动都市圈组团式、网络化发展", "2.2", "立足京津冀区域实际", "的首善之区。"),
    ("区域协作应对风险水平明显提升", "2.2", "到2035年", "区域协作应对风险水平明显提升。"),
    ("深化国家服务业扩大开放综合示范区及中国（北京）自由贸易试验区建设", "4.2.1",
     "推动平原新城在", "取得突破。"),
    ("完善水、电、气等市政基础设施体系", "4.4.3", "协同提升区域安全韧性", "系统安全。"),
    ("天津滨海—中关村科技园", "5.1.1", "加强京津科技创新协同", "建成投产。"),
    ("五、构建优化首都都市圈的圈层结构。建设京津、京雄走廊", "approval", "五、", "开放格局。"),
    ("推动“两翼比翼齐飞", "approval", "三、着力优化", "功能格局。"),
]


def check_known(units):
    for sub, uid, start, end in KNOWN_WHOLE:
        hits = [(uid, p) for p in units.get(uid, {}).get("paragraphs", []) if sub in p["text"]]
        if len(hits) != 1:
            err("known paragraph %r found %d times in %s" % (sub, len(hits), uid))
            continue
        sid, p = hits[0]
        if sid != uid or not p["text"].startswith(start) or not p["text"].endswith(end):
            err("known paragraph %r not whole or misplaced: %s %r…%r"
                % (sub, p["id"], p["text"][:15], p["text"][-15:]))
    t = units.get("2.3.2", {}).get("title_zh", "")
    if t != "发挥全国文化中心凝聚荟萃、辐射带动、创新引领、传播交流和服务保障功能，推进文化协同发展":
        err("2.3.2: heading cut by a page break not repaired: %r" % t)
    labels = [units.get("2.5.%d" % k, {}).get("title_zh") for k in range(1, 7)]
    if labels != ["一核", "两翼", "双城", "多点", "双廊", "多圈"]:
        err("2.5 items: %r" % labels)
    if units.get("4.4.1", {}).get("title_zh") != "推动北京大兴国际机场临空经济区建设":
        err("4.4.1 title wrong")
    if len(units.get("1.3", {}).get("paragraphs", [])) != 9:
        err("1.3: the nine planning bases should be nine paragraphs")


# ---------------------------------------------------------------------------------------------

def load_codes(path):
    with open(path, encoding="utf-8") as f:
        g = json.load(f)
    return {str(ft["properties"]["code"]): ft["properties"] for ft in g["features"]}


def check_aliases(aliases, units, geodata, gazetteer):
    counties = load_codes(os.path.join(geodata, "counties.geojson"))
    prefs = load_codes(os.path.join(geodata, "prefectures.geojson"))
    provs = load_codes(os.path.join(geodata, "provinces_context.geojson"))
    with open(gazetteer, encoding="utf-8") as f:
        gaz = {r["id"] for r in csv.DictReader(f, delimiter="\t")}
    text = "".join(s["title_zh"] + "".join(p["text"] for p in s["paragraphs"])
                   for s in units.values())
    allowed = {"alias", "name_en", "counties", "partial_counties", "prefectures", "provinces",
               "places", "note"}
    seen = set()
    if not isinstance(aliases, list) or not aliases:
        err("aliases.json: not a non-empty list")
        return
    for a in aliases:
        name = a.get("alias")
        if not name or not isinstance(name, str):
            err("alias without a name: %r" % a)
            continue
        if name in seen:
            err("alias %s: duplicate" % name)
        seen.add(name)
        extra = set(a) - allowed
        if extra:
            err("alias %s: unknown keys %s" % (name, sorted(extra)))
        if not a.get("name_en") or re.search("[%s]" % HAN, a["name_en"]):
            err("alias %s: name_en missing or not English" % name)
        for k in ("counties", "places"):
            if k not in a:
                err("alias %s: missing %s" % (name, k))
        for k, table, label in (("counties", counties, "county"),
                                ("partial_counties", counties, "county"),
                                ("prefectures", prefs, "prefecture"),
                                ("provinces", provs, "province"),
                                ("places", gaz, "gazetteer id")):
            v = a.get(k, [])
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                err("alias %s: %s is not a list of strings" % (name, k))
                continue
            if len(set(v)) != len(v):
                err("alias %s: duplicates in %s" % (name, k))
            for x in v:
                if x not in table:
                    err("alias %s: unknown %s %s" % (name, label, x))
        both = set(a.get("counties", [])) & set(a.get("partial_counties", []))
        if both:
            err("alias %s: counties both whole and partial: %s" % (name, sorted(both)))
        covered_pref = set(a.get("prefectures", []))
        covered_prov = set(a.get("provinces", []))
        for c in a.get("counties", []) + a.get("partial_counties", []):
            p = counties.get(c, {})
            if p.get("prefecture_code") in covered_pref or p.get("province_code") in covered_prov:
                err("alias %s: county %s already covered by its prefecture/province" % (name, c))
        if not any(a.get(k) for k in ("counties", "partial_counties", "prefectures", "provinces",
                                      "places")):
            err("alias %s: maps to nothing" % name)
        if name not in text:
            err("alias %s: does not occur in the plan or the approval" % name)
    for must in ("北三县", "雄安新区", "通武廊", "房涿涞", "平蓟三兴", "延怀赤", "怀丰", "北京中心城区",
                 "首都功能核心区", "北京生态涵养区", "北京平原新城", "津城", "滨城", "三城一区", "三地四场",
                 "京津冀", "首都都市圈", "河北", "通勤圈", "功能圈", "产业协同圈"):
        if must not in seen:
            err("aliases.json: %s missing" % must)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    shared = os.path.join(os.path.dirname(REPO), "shared")
    ap.add_argument("--plan", default=os.path.join(REPO, "maps", "plan"))
    ap.add_argument("--seeds", default=os.path.join(shared, "seeds"))
    basemap = os.path.join(REPO, "maps", "basemap")
    ap.add_argument("--geodata", default=basemap if os.path.exists(
        os.path.join(basemap, "counties.geojson")) else os.path.join(shared, "geodata"))
    gz = os.path.join(REPO, "maps", "gazetteer.tsv")
    ap.add_argument("--gazetteer", default=gz if os.path.exists(gz)
                    else os.path.join(shared, "geodata", "gazetteer.tsv"))
    args = ap.parse_args()

    try:
        with open(os.path.join(args.plan, "plan.json"), encoding="utf-8") as f:
            plan = json.load(f)
        with open(os.path.join(args.plan, "aliases.json"), encoding="utf-8") as f:
            aliases = json.load(f)
    except (OSError, ValueError) as e:
        print("check-plan: cannot read the plan files: %s" % e, file=sys.stderr)
        return 1

    _, toc, *_ = read_seed_regions(args.seeds)
    units = check_structure(plan, toc)
    if units:
        check_text(units)
        check_completeness(plan, units, args.seeds)
        check_known(units)
        check_aliases(aliases, units, args.geodata, args.gazetteer)

    for n in notes:
        print("check-plan: note: " + n)
    for e in errors:
        print("check-plan: FAIL: " + e)
    if units:
        ch = [s for s in plan["sections"] if s["kind"] == "chapter"]
        print("check-plan: %d chapters, %d sections, %d items, %d paragraphs, %d aliases"
              % (len(ch), sum(s["kind"] == "section" for s in plan["sections"]),
                 sum(s["kind"] == "item" for s in plan["sections"]),
                 sum(len(s["paragraphs"]) for s in plan["sections"]), len(aliases)))
    print("check-plan: %s" % ("FAILED (%d problems)" % len(errors) if errors else "OK"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
