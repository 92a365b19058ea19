#!/usr/bin/env python3
"""Build maps/plan/ (plan.json, aliases.json) from the seed texts.

Usage:
    python3 tools/build-plan.py [--seeds DIR] [--out DIR] [--dump]

--seeds  folder with the seed texts (default: ../shared/seeds next to the repository)
--out    output folder (default: maps/plan in the repository)
--dump   also print the resulting outline (ids, titles, paragraph counts) to stdout

Inputs (read only):
  002_c3f44c87e6db9da5.txt  the full text of《现代化首都都市圈空间协同规划（2023—2035年）》
                            as extracted from the PDF: title page, 序言, 目录, chapters 1–7,
                            list of figures with page headers;
  001_e232a02ec15c1f6e.txt  the State Council approval (批复); only the part before the line
                            with "新华社北京2月2日电" is used.

The output is deterministic: the same seeds give byte-identical files.  Python 3 standard
library only.  See maps/plan/README.md for the format and the repairs made to the text.
"""

import argparse
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN_SEED = "002_c3f44c87e6db9da5.txt"
APPROVAL_SEED = "001_e232a02ec15c1f6e.txt"
APPROVAL_END_MARK = "新华社北京2月2日电"

TITLE_ZH = "现代化首都都市圈空间协同规划（2023—2035年）"
TITLE_EN = "Spatial Coordination Plan for the Modern Capital Metropolitan Area (2023–2035)"
ATTRIBUTION_ZH = ("《现代化首都都市圈空间协同规划（2023—2035年）》由北京市、天津市、河北省联合编制，"
                  "经中共中央、国务院批复（2026年1月22日）。")
ATTRIBUTION_EN = ("Spatial Coordination Plan for the Modern Capital Metropolitan Area (2023–2035), "
                  "jointly prepared by Beijing Municipality, Tianjin Municipality and Hebei Province; "
                  "approved by the Central Committee of the Communist Party of China and the "
                  "State Council on 22 January 2026.")

# ---------------------------------------------------------------------------------------------
# Text repair
# ---------------------------------------------------------------------------------------------

# Characters after which a paragraph is complete.  "”" and "）" only count when a sentence-final
# mark stands right before them (a block may end in "（市、区）" in the middle of a sentence).
FINAL = "。；！？：…"
CLOSERS = "”’）》」』"

# Evident extraction errors in the plan text, corrected after whitespace normalisation.  Each is
# applied exactly where listed; the build fails if one no longer matches (the seed changed).
# These are recorded in plan.json ("text_corrections") and in maps/plan/README.md.
CORRECTIONS = [
    ("流通规则and标准", "流通规则和标准",
     "English word 'and' in place of 和 (extraction artefact), 3.2 item 5"),
    ("协同创新平台and专业化", "协同创新平台和专业化",
     "English word 'and' in place of 和 (extraction artefact), 6.1 item 2"),
    ("天津滨海一中关村科技园", "天津滨海—中关村科技园",
     "the dash of the park's name read as the digit 一, 5.1 item 1"),
    ("任丘市鄭州镇", "任丘市鄚州镇",
     "rare character 鄚 (mào) read as 鄭, 2.4; the town is 鄚州镇"),
    ("魏善庄镇、榆垓镇", "魏善庄镇、榆垡镇",
     "rare character 垡 (fá) read as 垓, 4.4 item 1; the town is 榆垡镇"),
]

CJK = (r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
       r"\ufe30-\ufe4f\uff00-\uffef\u2010-\u2027\u00b7")
SPACE_RE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")
CJK_SPACE_RE = re.compile(r"(?<=[%s]) +| +(?=[%s])" % (CJK, CJK))


def norm_space(s):
    """Collapse whitespace; drop spaces next to CJK characters or full-width punctuation."""
    s = SPACE_RE.sub(" ", s).strip()
    s = CJK_SPACE_RE.sub("", s)
    return s


def is_complete(s):
    """True when the paragraph text ends with sentence-final punctuation."""
    if not s:
        return True
    if s[-1] in FINAL:
        return True
    i = len(s)
    while i > 0 and s[i - 1] in CLOSERS:
        i -= 1
    return i < len(s) and i > 0 and s[i - 1] in FINAL


CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}


def cn_number(s):
    """Chinese numeral up to 99 → int."""
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (CN_DIGITS[a] if a else 1) * 10 + (CN_DIGITS[b] if b else 0)
    return CN_DIGITS[s]


CHAPTER_RE = re.compile(r"^(第[一二三四五六七八九十]+章)\s*(.+)$")
SECTION_RE = re.compile(r"^(第[一二三四五六七八九十]+节)\s*(.+)$")
ITEM_RE = re.compile(r"^(\d{1,2})\.\s*(?=[^\d\s])(.*)$")
# An item that starts inline: "1.一核：以北京为…" (short label, full-width colon).
INLINE_ITEM_RE = re.compile(r"^(\d{1,2})\.\s*([^：。，；、]{1,16})：")
TOC_RE = re.compile(r"^(第[一二三四五六七八九十]+[章节])\s*(.+?)\s*(?:\t+|\.{3,})\s*(\d+)$")

# A paragraph's first line, cut off at the foot of a page, fills the whole line: 24–25 characters
# at this layout.  The tail of a heading cut by a page break is shorter.  Used only to decide
# whether an unfinished item heading continues on the next page (see join_blocks).
FULL_LINE = 22


class BuildError(Exception):
    pass


def warn(msg):
    print("build-plan: warning: " + msg, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Reading the plan
# ---------------------------------------------------------------------------------------------

def read_blocks(lines):
    """Split lines into blocks at blank lines.  Returns [(first_line_no, [raw lines])]."""
    blocks, cur, start = [], [], 0
    for no, line in enumerate(lines, 1):
        if line.strip() == "":
            if cur:
                blocks.append((start, cur))
                cur = []
        else:
            if not cur:
                start = no
            cur.append(line.rstrip("\n"))
    if cur:
        blocks.append((start, cur))
    return blocks


def block_units(lines):
    """Lines of one block → logical lines.  Hard-wrapped lines are joined; a line that starts a
    list entry ("1. …", "- …") or a heading starts a new unit.  A block of several numbered
    lines is an enumerated list: its entries are marked as list entries."""
    starts = [bool(re.match(r"^\s*(\d{1,2}\.|-\s|第[一二三四五六七八九十]+[章节])", l)) for l in lines]
    units = []
    for l, st in zip(lines, starts):
        if st or not units:
            units.append(l)
        else:
            units[-1] = units[-1].rstrip() + l.lstrip()
    is_list = len(units) > 1 and all(re.match(r"^\s*(\d{1,2}\.|-\s)", u) for u in units)
    return [(u, is_list) for u in units]


def split_regions(blocks):
    """Return dict of region name → list of blocks for the plan seed."""
    def text(b):
        return norm_space(" ".join(b[1]))

    idx = {}
    for i, b in enumerate(blocks):
        t = text(b)
        if t == "序言" and "preface" not in idx:
            idx["preface"] = i
        elif t == "目录" and "toc" not in idx:
            idx["toc"] = i
        elif t == "附图" and "figures" not in idx:
            idx["figures"] = i
    for k in ("preface", "toc", "figures"):
        if k not in idx:
            raise BuildError("plan seed: cannot find the %s heading" % k)
    # The body starts at the first chapter heading after the table of contents that is not a
    # TOC entry (TOC entries end in a page number).
    body = None
    for i in range(idx["toc"] + 1, idx["figures"]):
        t = blocks[i][1][0]
        if CHAPTER_RE.match(norm_space(t)) and not TOC_RE.match(t.strip()) and len(blocks[i][1]) == 1:
            body = i
            break
    if body is None:
        raise BuildError("plan seed: cannot find the start of chapter 1")
    return {
        "title": blocks[:idx["preface"]],
        "preface": blocks[idx["preface"] + 1:idx["toc"]],
        "toc": blocks[idx["toc"] + 1:body],
        "body": blocks[body:idx["figures"]],
        "figures": blocks[idx["figures"] + 1:],
    }


def parse_toc(blocks):
    """TOC blocks → [(number_zh, title_zh, page)] in order, plus the 附图 page."""
    entries = []
    for _, lines in blocks:
        for l in lines:
            m = TOC_RE.match(l.strip())
            if m:
                entries.append((m.group(1), norm_space(m.group(2)), int(m.group(3))))
            elif norm_space(l).startswith("附图"):
                continue
            else:
                raise BuildError("plan seed: unexpected TOC line %r" % l)
    return entries


def is_header_footer(t):
    """Page headers (the plan's title), page numbers, title-page lines."""
    return t in (TITLE_ZH, "现代化首都都市圈空间协同规划", "（2023—2035年）") or re.fullmatch(r"[-—\s]*\d{1,3}[-—\s]*", t)


def classify(t):
    if CHAPTER_RE.match(t):
        return "chapter"
    if SECTION_RE.match(t):
        return "section"
    if INLINE_ITEM_RE.match(t):
        return "item_inline"
    if ITEM_RE.match(t):
        return "item"
    return "text"


def join_blocks(blocks, log):
    """Blocks → list of paragraph dicts {text, kind, list, line}, with page-break repairs.

    - page headers/footers are dropped;
    - a text paragraph that does not end with sentence-final punctuation continues in the next
      block (page break inside a paragraph, even inside a word: "梯" + "次布局…");
    - an item heading ("2.发挥全国文化中心…、传") that does not end a line-width fragment is
      joined with the next block when that block is a short unfinished fragment ("播交流和服务
      保障功能，推进文化协同发展"): a heading cut by a page break.
    """
    units = []
    for line, lines in blocks:
        for u, is_list in block_units(lines):
            t = norm_space(u)
            if not t or is_header_footer(t):
                continue
            units.append({"text": t, "list": is_list, "line": line})

    out = []
    i = 0
    while i < len(units):
        u = dict(units[i])
        u["kind"] = "text" if u["list"] else classify(u["text"])
        i += 1
        if u["kind"] in ("chapter", "section"):
            out.append(u)
            continue
        if u["list"]:
            out.append(u)
            continue
        if u["kind"] == "item":
            # Heading.  Does it continue on the next page?
            if i < len(units):
                n = units[i]
                if (not n["list"] and classify(n["text"]) == "text" and not is_complete(n["text"])
                        and len(n["text"]) < FULL_LINE):
                    log.append("line %d: heading continued on the next page: %s | %s"
                               % (u["line"], u["text"], n["text"]))
                    u["text"] += n["text"]
                    i += 1
            out.append(u)
            continue
        # Text paragraph (or an inline item "1.一核：…").
        while not is_complete(u["text"]) and i < len(units):
            n = units[i]
            if n["list"] or classify(n["text"]) != "text":
                break
            log.append("line %d: paragraph continued across a page break: …%s | %s…"
                       % (u["line"], u["text"][-12:], n["text"][:12]))
            u["text"] += n["text"]
            i += 1
        if not is_complete(u["text"]):
            warn("line %d: paragraph does not end with final punctuation: %s"
                 % (u["line"], u["text"][-30:]))
        out.append(u)
    return out


def apply_corrections(paras, used):
    for p in paras:
        for frm, to, _ in CORRECTIONS:
            if frm in p["text"]:
                p["text"] = p["text"].replace(frm, to)
                used[frm] = used.get(frm, 0) + 1


def make_unit(uid, kind, parent, number_zh, title_zh):
    return {"id": uid, "kind": kind, "parent": parent, "number_zh": number_zh,
            "title_zh": title_zh, "title_en": "", "paragraphs": []}


def add_para(unit, text):
    unit["paragraphs"].append({"id": "%s/p%d" % (unit["id"], len(unit["paragraphs"]) + 1),
                               "text": text})


def build_structure(paras, toc):
    """Paragraph list of the body → chapter/section/item units."""
    units = []
    chapter = section = item = None
    n_ch = n_sec = 0
    last_item = 0
    toc_by_key = {}
    cur_ch_no = None
    for num, title, _ in toc:
        if num.endswith("章"):
            cur_ch_no = cn_number(num[1:-1])
            toc_by_key[(cur_ch_no, 0)] = title
        else:
            toc_by_key[(cur_ch_no, cn_number(num[1:-1]))] = title

    for p in paras:
        t = p["text"]
        if p["kind"] == "chapter":
            m = CHAPTER_RE.match(t)
            n_ch = cn_number(m.group(1)[1:-1])
            chapter = make_unit(str(n_ch), "chapter", None, m.group(1), m.group(2))
            units.append(chapter)
            section = item = None
            n_sec = 0
            last_item = 0
            continue
        if chapter is None:
            raise BuildError("line %d: text before chapter 1" % p["line"])
        if p["kind"] == "section":
            m = SECTION_RE.match(t)
            n_sec = cn_number(m.group(1)[1:-1])
            section = make_unit("%d.%d" % (n_ch, n_sec), "section", chapter["id"], m.group(1),
                                m.group(2))
            toc_title = toc_by_key.get((n_ch, n_sec))
            if toc_title is not None and toc_title != section["title_zh"]:
                section["toc_title_zh"] = toc_title
            units.append(section)
            item = None
            last_item = 0
            continue
        if p["kind"] in ("item", "item_inline"):
            m = ITEM_RE.match(t)
            k = int(m.group(1))
            rest = m.group(2)
            if k != last_item + 1:
                raise BuildError("line %d: item %d follows item %d" % (p["line"], k, last_item))
            last_item = k
            parent = section if section is not None else chapter
            # No numbered item stands directly in a chapter in this plan; the id would be N.0.K.
            pid = parent["id"] if section is not None else parent["id"] + ".0"
            if p["kind"] == "item_inline":
                # Inline item: "1.一核：以北京为…。" — the label before the colon is the title
                # and the whole text (without the number) is the first paragraph.
                item = make_unit("%s.%d" % (pid, k), "item", parent["id"], "%d." % k,
                                 INLINE_ITEM_RE.match(t).group(2))
                add_para(item, rest)
            else:
                if is_complete(rest):
                    raise BuildError("line %d: numbered paragraph is neither a heading nor a "
                                     "labelled item: %s" % (p["line"], t[:30]))
                item = make_unit("%s.%d" % (pid, k), "item", parent["id"], "%d." % k, rest)
            units.append(item)
            continue
        target = item or section or chapter
        text = t
        if p["list"]:
            text = re.sub(r"^(\d{1,2}\.)\s*", r"\1", text)
        add_para(target, text)
    return units


# ---------------------------------------------------------------------------------------------
# Reading the approval
# ---------------------------------------------------------------------------------------------

def parse_approval(path, log):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    end = None
    for i, l in enumerate(lines):
        if APPROVAL_END_MARK in l:
            end = i
            break
    if end is None:
        raise BuildError("approval seed: no line with %r" % APPROVAL_END_MARK)
    lines = lines[:end]
    title = None
    paras = []   # [text, complete_by_markup]
    for line, blk in read_blocks(lines):
        if blk[0].startswith("#"):
            if title is not None or len(blk) != 1:
                raise BuildError("approval seed: unexpected heading at line %d" % line)
            title = blk[0].lstrip("#").strip()
            continue
        # Markdown hard line breaks (two trailing spaces): the signature lines.
        if len(blk) > 1 and all(l.endswith("  ") for l in blk[:-1]):
            for l in blk:
                paras.append([norm_space(l), True, line])
            continue
        paras.append([norm_space(" ".join(blk)), False, line])
    if title is None:
        raise BuildError("approval seed: no title")

    out = []
    i = 0
    while i < len(paras):
        text, fixed, line = paras[i]
        i += 1
        if not fixed:
            # "五、构建优化首都都市圈的圈层结构。" alone: every other numbered point of the
            # approval runs on in the same paragraph, so its body is on the next page.
            if re.fullmatch(r"[一二三四五六七八九十]+、[^。]*。", text) and i < len(paras) \
                    and not paras[i][1] and not re.match(r"[一二三四五六七八九十]+、", paras[i][0]):
                log.append("approval line %d: numbered point continued: %s | %s…"
                           % (line, text, paras[i][0][:12]))
                text += paras[i][0]
                i += 1
            while not is_complete(text) and i < len(paras) and not paras[i][1]:
                log.append("approval line %d: paragraph continued across a page break: …%s | %s…"
                           % (line, text[-12:], paras[i][0][:12]))
                text += paras[i][0]
                i += 1
        out.append(text)
    unit = make_unit("approval", "approval", None, "", title)
    for t in out:
        add_para(unit, t)
    return unit


# ---------------------------------------------------------------------------------------------
# English titles
# ---------------------------------------------------------------------------------------------

TITLES_EN = {
    "preface": "Preface",
    "figures": "Figures",
    "approval": "Reply of the CPC Central Committee and the State Council on the Spatial"
                " Coordination Plan for the Modern Capital Metropolitan Area (2023–2035)",

    "1": "General Provisions",
    "1.1": "Background",
    "1.1.1": "Major achievements",
    "1.1.2": "The situation ahead",
    "1.2": "General Requirements",
    "1.3": "Principal Planning Bases",
    "1.4": "Planning Area",
    "1.5": "Planning Period",

    "2": "Positioning and Layout of the Capital Metropolitan Area",
    "2.1": "Strategic Positioning",
    "2.1.1": "A key area for optimising, upgrading and supporting the capital's functions",
    "2.1.2": "The main engine of a world-class city cluster",
    "2.1.3": "A key area for carrying forward Chinese civilisation",
    "2.1.4": "A leading area of coordinated regional governance",
    "2.1.5": "A pioneer area of Beautiful China",
    "2.2": "Development Goals",
    "2.3": "Better Serving and Supporting the Capital's Functions",
    "2.3.1": "Supporting the political centre and a secure, first-rate government environment",
    "2.3.2": "The national cultural centre and coordinated cultural development",
    "2.3.3": "The international exchange centre and a more international metropolitan area",
    "2.3.4": "Coordinated innovation and industrial cooperation leading the way to"
             " self-reliance in science and technology",
    "2.4": "Planning and Building Beijing's New \"Two Wings\"",
    "2.5": "Building a Nested and Coordinated Spatial Pattern",
    "2.5.1": "One core",
    "2.5.2": "Two wings",
    "2.5.3": "Two cities",
    "2.5.4": "Multiple nodes",
    "2.5.5": "Two corridors",
    "2.5.6": "Multiple circles",

    "3": "Strengthening the Foundations for Coordinated Development in Key Fields",
    "3.1": "Innovation-led High-quality Industrial Development",
    "3.1.1": "Optimising the spatial pattern of new quality productive forces",
    "3.1.2": "Self-reliance in science and technology and a joint innovation community",
    "3.1.3": "Building industrial chains and clusters",
    "3.1.4": "Linking up modern services",
    "3.2": "Building an Interconnected Integrated Transport Network",
    "3.2.1": "A world-class Beijing–Tianjin–Hebei airport cluster",
    "3.2.2": "A strategic hub linking sea and land",
    "3.2.3": "Main rapid-transport corridors of the metropolitan area",
    "3.2.4": "Stronger railway hubs and a better regional network",
    "3.2.5": "A green and efficient modern logistics system",
    "3.3": "Jointly Shaping a Harmonious and Beautiful Ecological Space",
    "3.3.1": "The regional ecological pattern: one barrier, three rings, three belts, multiple"
             " corridors and multiple nodes",
    "3.3.2": "Territorial development and protection based on the three zones and three lines",
    "3.3.3": "Integrated protection and systematic governance of mountains, waters, forests,"
             " farmland, lakes, grasslands and deserts",
    "3.3.4": "A modern metropolitan area in harmony with nature",
    "3.3.5": "Carbon peaking and neutrality and a coordinated green, low-carbon transition",
    "3.3.6": "Environmental impact assessment of plans and ecological monitoring",
    "3.4": "Jointly Building and Sharing Public Service Resources",
    "3.4.1": "Better distribution of education resources",
    "3.4.2": "Sharing high-quality medical and health resources",
    "3.4.3": "Coordinated elderly care services",
    "3.4.4": "Major sports facilities",
    "3.4.5": "More convenient social security services",
    "3.5": "Systematic Heritage Protection and Integrated Culture and Tourism",
    "3.5.1": "A framework for comprehensive heritage protection",
    "3.5.2": "A system for protecting and passing on cultural heritage",
    "3.5.3": "Shared mountain, seaside and urban recreation spaces",
    "3.6": "Raising Spatial Safety and Resilience",
    "3.6.1": "Stronger response to natural disasters",
    "3.6.2": "Connected and secure cross-regional lifeline corridors",
    "3.6.3": "Coordinated resilient spaces by zone and type",
    "3.6.4": "Coordination mechanisms for disaster prevention and relief",

    "4": "Integrated Cross-border Cooperation in the Commuting Circle",
    "4.1": "High-quality Development of the Beijing Sub-centre",
    "4.1.1": "A high-standard Sub-centre as a new growth pole of the capital",
    "4.1.2": "Integrated development of Tongzhou and the three northern counties, a bridgehead"
             " of Beijing–Tianjin–Hebei coordination",
    "4.2": "The Beijing Plain New Towns as Links of Regional Coordination",
    "4.2.1": "Capacity, development level and governance of the plain new towns",
    "4.2.2": "Strategic nodes of the capital's regional coordination",
    "4.3": "The Beijing Ecological Conservation Area as Guardian of the Capital's Ecological"
           " Security",
    "4.3.1": "Ecological protection and green development",
    "4.3.2": "Regional functional nodes",
    "4.4": "Integrated High-quality Development of Cross-border Areas",
    "4.4.1": "The Beijing Daxing International Airport Economic Zone",
    "4.4.2": "Tongzhou–Wuqing–Langfang: a pilot area for industrial innovation",
    "4.4.3": "Fangshan–Zhuozhou–Laishui: industrial cooperation and joint culture and tourism",
    "4.4.4": "Spatial coordination of Pinggu–Jizhou–Sanhe–Xinglong, Yanqing–Huailai–Chicheng,"
             " Huairou–Fengning and other cross-border areas",

    "5": "Innovative Breakthroughs and High-quality Development in the Functional Circle",
    "5.1": "A High-quality Beijing–Tianjin \"Tale of Two Cities\"",
    "5.1.1": "Science and technology innovation as a growth engine",
    "5.1.2": "The Tianjin Binhai New Area as a strategic cooperation zone",
    "5.1.3": "A convenient outlet to the sea",
    "5.1.4": "Coordinated infrastructure, public services and environment",
    "5.1.5": "Tianjin's key nodes",
    "5.1.6": "Tianjin as a modern maritime city",
    "5.2": "Jointly Supporting the Xiong'an New Area",
    "5.2.1": "Xiong'an as the concentrated host of functions relocated from Beijing",
    "5.2.2": "Tianjin–Xiong'an cooperation in support of Xiong'an",
    "5.2.3": "Linked development of Xiong'an and its neighbours",
    "5.3": "New Quality Productive Forces along the Beijing–Tianjin and Beijing–Xiong'an"
           " Corridors",
    "5.3.1": "The Beijing–Tianjin corridor",
    "5.3.2": "The Beijing–Xiong'an corridor",
    "5.3.3": "The core competitive structure of the metropolitan area",

    "6": "Linked, Open and High-level Development of the Industrial Coordination Circle",
    "6.1": "Mutually Reinforcing Strengths and Linked Development of the Node Cities",
    "6.1.1": "Complementary roles and linked development of the node cities",
    "6.1.2": "Key platforms of industrial cooperation",
    "6.1.3": "Urban–rural integration and rural revitalisation",
    "6.2": "Coordinated Interaction between Metropolitan Areas",
    "6.2.1": "A high-level Shijiazhuang metropolitan area",
    "6.2.2": "A multi-level region open at home and abroad",

    "7": "Safeguards for Implementing the Plan",
    "7.1": "Organisation and Leadership",
    "7.2": "Coordinated Governance in Key Fields",
    "7.3": "Coordinated Governance in Key Areas",
    "7.4": "Implementation Mechanisms",
}


# ---------------------------------------------------------------------------------------------
# Aliases
# ---------------------------------------------------------------------------------------------

BJ, TJ, HB = "110000", "120000", "130000"
BJ_CENTRAL = ["110101", "110102", "110105", "110106", "110107", "110108"]
BEISANXIAN = ["131082", "131028", "131024"]
XIONGAN = ["130638", "130629", "130632"]
LANGFANG_COMMUTE = ["131003", "131002"] + BEISANXIAN + ["131022", "131023"]
HEBEI_PREFECTURES = ["130100", "130200", "130300", "130400", "130500", "130600", "130700",
                     "130800", "130900", "131000", "131100"]
# County-level units of Hebei that share a boundary with 北京市 / 天津市, computed once from
# ../shared/geodata/counties.geojson (shared boundary vertices).
HB_BORDER_BJ = ["130623", "130681", "130730", "130731", "130732", "130822", "130824", "130826",
                "131003", "131022", "131024", "131028", "131082"]
HB_BORDER_TJ = ["130207", "130208", "130229", "130281", "130822", "130922", "130983", "131002",
                "131003", "131024", "131025", "131026", "131081", "131082"]
BJ_NEW_TOWNS = ["shunyi_nt", "daxing_nt", "yizhuang_nt", "changping_nt", "fangshan_nt",
                "mentougou_nt", "pinggu_nt", "huairou_nt", "miyun_nt", "yanqing_nt"]
AIRPORTS = ["pek", "pkx", "tsn", "sjw"]
SCIENCE_CITIES = ["zgc_science_city", "huairou_science_city", "future_science_city"]


def A(alias, name_en, counties=(), partial=(), prefectures=(), provinces=(), places=(), note=None):
    e = {"alias": alias, "name_en": name_en}
    if provinces:
        e["provinces"] = list(provinces)
    if prefectures:
        e["prefectures"] = list(prefectures)
    e["counties"] = list(counties)
    if partial:
        e["partial_counties"] = list(partial)
    e["places"] = list(places)
    if note:
        e["note"] = note
    return e


def aliases():
    return [
        # Regions and administrative wholes
        A("京津冀", "Beijing–Tianjin–Hebei", provinces=[BJ, TJ, HB]),
        A("三省市", "the three provincial-level units (Beijing, Tianjin, Hebei)",
          provinces=[BJ, TJ, HB]),
        A("首都都市圈", "the Capital Metropolitan Area",
          provinces=[BJ, TJ], counties=XIONGAN + LANGFANG_COMMUTE +
          ["130602", "130606", "130609", "130607", "130608", "130681", "130623", "130684",
           "130626", "130730"],
          note="Drawn as its physical extent (规划实体范围, ≈42,000 km², 1.4), which is the "
               "functional circle (功能圈, 2.5 item 6). The planning scope (1.4) also covers the "
               "industrial coordination of the Hebei node cities (产业协同圈)."),
        A("北京", "Beijing", provinces=[BJ], note="Also 北京市."),
        A("天津", "Tianjin", provinces=[TJ], note="Also 天津市."),
        A("河北", "Hebei", provinces=[HB], note="Also 河北省."),
        A("一核", "the one core (Beijing)", provinces=[BJ], note="2.5 item 1."),
        A("双城", "the two cities (Beijing and Tianjin)", provinces=[BJ, TJ],
          places=["beijing_core", "tianjin_jincheng", "tianjin_bincheng"], note="2.5 item 3."),
        A("两翼", "the two wings (Xiong'an New Area and the Beijing Sub-centre)",
          counties=XIONGAN, partial=["110112"], places=["xiongan_qibu", "beijing_sub_centre"],
          note="2.4, 2.5 item 2: 河北雄安新区 and 北京城市副中心 (a ≈155 km² area inside 通州区)."),
        A("多点", "the multiple nodes",
          places=BJ_NEW_TOWNS + ["wuqing", "baodi", "ninghe", "jinghai", "jizhou", "tangshan",
                                 "baoding", "zhangjiakou", "cangzhou", "chengde", "qinhuangdao",
                                 "langfang"],
          note="2.5 item 4: the 10 Beijing new towns, 天津武清、宝坻、宁河、静海、蓟州 and the "
               "Hebei node cities 唐山、保定、张家口、沧州、承德、秦皇岛、廊坊."),

        # Circles (2.5 item 6)
        A("通勤圈", "the commuting circle", provinces=[BJ],
          counties=["120114"] + LANGFANG_COMMUTE + ["130681", "130623", "130684", "130730"],
          note="2.5 item 6: ≈27,000 km²."),
        A("功能圈", "the functional circle", provinces=[BJ, TJ],
          counties=XIONGAN + LANGFANG_COMMUTE +
          ["130602", "130606", "130609", "130607", "130608", "130681", "130623", "130684",
           "130626", "130730"],
          note="2.5 item 6: ≈42,000 km². 河北雄安新区 is drawn as 雄县、容城县、安新县 (its small "
               "parts in 任丘市 and 高阳县 are left out at this scale)."),
        A("产业协同圈", "the industrial coordination circle", provinces=[BJ, TJ],
          prefectures=HEBEI_PREFECTURES,
          note="2.5 item 6 and 1.4: 北京, 天津 and the node cities 唐山、保定、张家口、沧州、承德、"
               "秦皇岛、廊坊、邯郸 plus 石家庄、衡水、邢台 of the Shijiazhuang metropolitan area — "
               "all 11 prefecture-level cities of Hebei."),

        # Beijing
        A("首都功能核心区", "the core area of capital functions", counties=["110101", "110102"]),
        A("北京中心城区", "Beijing's central urban area", counties=BJ_CENTRAL,
          note="东城、西城、朝阳、海淀、丰台、石景山. Also written 中心城区."),
        A("北京老城", "Beijing's old city", partial=["110101", "110102"],
          places=["beijing_core", "forbidden_city"],
          note="The historic city inside the Second Ring Road, part of 东城区 and 西城区."),
        A("北京城市副中心", "the Beijing Municipal Administrative Centre (Sub-centre)",
          partial=["110112"], places=["beijing_sub_centre", "beijing_sub_centre_admin"],
          note="2.4: planning area ≈155 km² inside 通州区; with its extension area the whole of "
               "通州区 (≈906 km²)."),
        A("北京平原新城", "the Beijing plain new towns",
          counties=["110113", "110115", "110114", "110111"], partial=["110112"],
          places=["shunyi_nt", "daxing_nt", "yizhuang_nt", "changping_nt", "fangshan_nt"],
          note="顺义、大兴、亦庄、昌平、房山新城 (1.1, 2.5 item 6). Drawn as their districts; the "
               "亦庄新城 (北京经济技术开发区) lies across 大兴区 and 通州区 (partial), and the "
               "mountain parts of 昌平区 and 房山区 belong to the ecological conservation area."),
        A("北京新城", "the Beijing new towns", places=BJ_NEW_TOWNS,
          note="2.5 item 4: 顺义、大兴、亦庄、昌平、房山、门头沟、平谷、怀柔、密云、延庆等10个新城."),
        A("北京生态涵养区", "the Beijing ecological conservation area",
          counties=["110109", "110117", "110116", "110118", "110119"],
          partial=["110114", "110111"],
          note="门头沟区、平谷区、怀柔区、密云区、延庆区, and the mountain parts of 昌平区 and 房山区 "
               "(2.3 item 1, 2.5 item 6)."),
        A("三城一区", "the three science cities and one zone",
          places=SCIENCE_CITIES + ["bda_yizhuang"],
          note="2.3 item 4: 中关村科学城、怀柔科学城、未来科学城 and the demonstration zone of "
               "innovative industrial clusters (创新型产业集群示范区, i.e. 北京经济技术开发区)."),
        A("北京三个科学城", "Beijing's three science cities", places=SCIENCE_CITIES,
          note="5.3: 中关村科学城、怀柔科学城、未来科学城."),
        A("三地四场", "three places, four airports", provinces=[BJ, TJ, HB], places=AIRPORTS,
          note="3.1 item 4, 3.2 item 1: 北京首都国际机场、北京大兴国际机场、天津滨海国际机场、"
               "石家庄正定国际机场 (also 四大国际机场)."),
        A("北京双枢纽机场", "Beijing's two hub airports", places=["pek", "pkx"]),

        # Xiong'an
        A("雄安新区", "the Xiong'an New Area", counties=XIONGAN, partial=["130982", "130628"],
          places=["xiongan_qibu", "mozhou", "gougezhuang", "qijianfang", "longhua"],
          note="2.4: 雄县、容城、安新三县 (incl. 白洋淀) plus 任丘市鄚州镇、苟各庄镇、七间房乡 and "
               "高阳县龙化乡; ≈1,770 km². Also 河北雄安新区."),
        A("起步区", "the start-up zone of Xiong'an", partial=["130629", "130632"],
          places=["xiongan_qibu"],
          note="2.4: ≈198 km² where 容城 and 安新 meet; contains the launch area (启动区)."),

        # Tianjin
        A("津城", "Jincheng (Tianjin's central city)",
          counties=["120101", "120102", "120103", "120104", "120105", "120106"],
          partial=["120110", "120111", "120112", "120113"], places=["tianjin_jincheng"],
          note="Not delimited by the plan; drawn as Tianjin's six central districts with the four "
               "surrounding districts (东丽、西青、津南、北辰) as partial."),
        A("滨城", "Bincheng (Tianjin Binhai)", counties=["120116"], places=["tianjin_bincheng"],
          note="The core of 滨海新区; drawn as the whole 滨海新区."),
        A("天津滨海新区", "the Tianjin Binhai New Area", counties=["120116"],
          note="Also 滨海新区."),
        A("天津都市圈", "the Tianjin metropolitan area", provinces=[TJ],
          note="Not delimited by the plan (5 intro); drawn as 天津市."),

        # Cross-border areas (4.4)
        A("北三县", "the three northern counties", counties=BEISANXIAN,
          note="三河市、大厂回族自治县、香河县 of 廊坊市 (1.1, 4.1 item 2)."),
        A("通州区与北三县", "Tongzhou and the three northern counties",
          counties=["110112"] + BEISANXIAN, note="4.1 item 2: ≈2,164 km² (2.4)."),
        A("北京大兴国际机场临空经济区", "the Beijing Daxing International Airport Economic Zone",
          partial=["110115", "131003", "131022", "131023"],
          places=["pkx", "pkx_airport_econ_bj", "pkx_airport_econ_hb", "weishanzhuang", "yufa",
                  "lixian", "panggezhuang", "anding", "wanzhuang", "jiuzhou", "guan_town",
                  "guanjiawu", "caojiawu"],
          note="4.4 item 1: the airport, 大兴区魏善庄、榆垡、礼贤、庞各庄、安定镇, 廊坊市广阳区万庄、"
               "九州镇, 固安县固安镇, 永清县管家务回族乡、曹家务镇."),
        A("通武廊", "Tongzhou–Wuqing–Langfang", counties=["110112", "120114", "131003", "131002"],
          places=["langfang_etdz", "wuqing_jingjin_newcity"],
          note="4.4 item 2: 北京市通州区、天津市武清区和河北省廊坊市的相关地区. The plan does not "
               "name the Langfang units; drawn with the central districts 广阳区 and 安次区 (where "
               "廊坊经济技术开发区 lies)."),
        A("房涿涞", "Fangshan–Zhuozhou–Laishui", counties=["110111", "130681", "130623"],
          note="4.4 item 3: 北京市房山区, 河北省保定市涿州市、涞水县."),
        A("房涿涿", "Fangshan–Zhuozhou–Laishui (as misprinted)",
          counties=["110111", "130681", "130623"],
          note="Spelling printed in the chapter 4 introduction and in the approval (point 五) for "
               "房涿涞; kept as printed in the official text."),
        A("平蓟三兴", "Pinggu–Jizhou–Sanhe–Xinglong",
          counties=["110117", "120119", "131082", "130822"],
          note="4.4 item 4: 北京市平谷区、天津市蓟州区、河北省廊坊市三河市、承德市兴隆县."),
        A("延怀赤", "Yanqing–Huailai–Chicheng", counties=["110119", "130730", "130732"],
          note="4.4 item 4: 北京市延庆区、河北省张家口市怀来县和赤城县."),
        A("怀丰", "Huairou–Fengning", counties=["110116", "130826"],
          note="4.4 item 4: 北京市怀柔区、河北省承德市丰宁满族自治县."),

        # Wider areas named in the plan
        A("环京地区", "the areas around Beijing", counties=HB_BORDER_BJ,
          note="Not delimited by the plan; approximated as the Hebei county-level units that "
               "border 北京市."),
        A("环京津", "the areas around Beijing and Tianjin",
          counties=sorted(set(HB_BORDER_BJ) | set(HB_BORDER_TJ)),
          note="河北环京津县（市、区） (3.3 item 2) and similar; not delimited by the plan; "
               "approximated as the Hebei county-level units that border 北京市 or 天津市."),
        A("石家庄都市圈", "the Shijiazhuang metropolitan area",
          prefectures=["130100", "131100", "130500"], counties=["130682"],
          note="1.4, 2.5 item 6: 石家庄市、衡水市、邢台市; 6.2 item 1 also names 定州 and 辛集 "
               "(辛集 lies in 石家庄市)."),
        A("京津雄地区", "the Beijing–Tianjin–Xiong'an area", provinces=[BJ, TJ],
          counties=XIONGAN, note="2.2, 5 intro; not delimited further by the plan."),
        A("京津雄地区创新三角", "the Beijing–Tianjin–Xiong'an innovation triangle",
          places=["beijing_core", "beijing_sub_centre", "tianjin_jincheng", "tianjin_bincheng",
                  "xiongan_qibu", "baoding"],
          note="5.3 item 3: three strategic pivots — 北京中心城区与北京城市副中心, 天津“津城”与"
               "“滨城”, 河北雄安新区与保定中心城区. Also 京津雄创新三角."),
        A("保定中心城区", "Baoding's central urban area", counties=["130602", "130606"],
          places=["baoding"],
          note="Not delimited by the plan; drawn as 竞秀区 and 莲池区."),
        A("京津走廊", "the Beijing–Tianjin corridor",
          places=["huairou_science_city", "tianjin_port"],
          note="2.1 item 2, 5.3 item 1: from 北京怀柔科学城 in the north to 天津港 in the south."),
        A("京雄走廊", "the Beijing–Xiong'an corridor",
          places=["huairou_science_city", "xiongan_qibu", "baoding"],
          note="2.1 item 2, 5.3 item 2: from 北京怀柔科学城 to 河北雄安新区 and 保定中心城区."),
        A("京津唐", "Beijing–Tianjin–Tangshan", provinces=[BJ, TJ], prefectures=["130200"],
          note="6.1 item 1: 京津唐地区."),
        A("京张承", "Beijing–Zhangjiakou–Chengde", provinces=[BJ],
          prefectures=["130700", "130800"],
          note="3.1 item 1 (京张承产业带) and 6.1 item 1 (京张承地区)."),
        A("唐秦", "Tangshan–Qinhuangdao", prefectures=["130200", "130300"],
          note="6.1 item 1: 唐秦一体化发展."),
        A("首都水源涵养功能区和生态环境支撑区", "the capital's water-conservation and"
          " ecological support area", prefectures=["130700"],
          note="3.3 item 3, 6.1 item 1: 张家口市."),
        A("坝上", "Bashang (the plateau north of the Yan Mountains)",
          counties=["130722", "130723", "130724", "130725"], partial=["130826", "130828"],
          places=["bashang", "fengning_bashang", "saihanba"],
          note="Not delimited by the plan; drawn as the four Bashang counties of 张家口 (张北、康保、"
               "沽源、尚义) with the plateau parts of 丰宁 and 围场 as partial."),
        A("京东旅游休闲区", "the eastern-Beijing tourism and leisure area",
          counties=["110112", "120119"], partial=["110117", "131082", "130822"],
          note="3.5 item 3 names 北京通州 and 天津蓟州; 4.4 item 4 (京东休闲旅游区) places it in "
               "平蓟三兴 (partial)."),
        A("京张体育文化旅游带", "the Beijing–Zhangjiakou sports, culture and tourism belt",
          counties=["110119", "130709", "130732"],
          places=["yanqing_olympic_zone", "zhangjiakou_olympic_zone", "chongli", "chicheng"],
          note="3.5 item 3: 北京延庆、张家口崇礼和赤城."),
        A("京承生态文化旅游带", "the Beijing–Chengde ecological and cultural tourism belt",
          places=["forbidden_city", "chengde_mountain_resort", "chengde_outer_temples",
                  "mulan_weichang"],
          note="3.5 item 3: 故宫、避暑山庄、木兰围场 and the travelling palaces along the route."),

        # Mountains and cultural belts (no administrative extent)
        A("燕山", "the Yan Mountains", places=["yanshan_axis_north", "wulingshan"],
          note="Mountain range; no administrative extent."),
        A("太行山", "the Taihang Mountains",
          places=["taihang_axis_west", "taihang_yixian", "taihang_laiyuan", "taihang_fuping",
                  "taihang_pingshan", "taihang_jingxing", "taihang_zanhuang",
                  "taihang_neiqiu_west", "taihang_shahe_west", "taihang_wuan", "taihang_shexian"],
          note="Mountain range; no administrative extent. Also 太行山文化带."),
        A("山海轴线", "the mountain–sea axes",
          places=["yanshan_axis_north", "beijing_core", "nanyuan", "baiyangdian",
                  "taihang_axis_west", "beijing_sub_centre"],
          note="3.5 item 1: 燕山山脉—北京老城—南苑苑囿—白洋淀 (north–south) and 太行山山脉—北京老城—"
               "北京城市副中心—渤海湾 (west–east)."),
        A("两轴", "the two axes (Central Axis and Chang'an Avenue)",
          places=["axis_north_bell_drum", "axis_south_yongdingmen", "olympic_green",
                  "changan_west_fuxingmen", "changan_east_jianguomen",
                  "changan_ext_west_shougang"],
          note="2.3 item 2, 3.5 item 1: 北京中轴线及其延长线、长安街及其延长线."),
    ]


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def find_seed(seeds, name):
    p = os.path.join(seeds, name)
    if not os.path.exists(p):
        raise BuildError("seed not found: %s" % p)
    return p


def build(seeds):
    log = []
    with open(find_seed(seeds, PLAN_SEED), encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = read_blocks(lines)
    regions = split_regions(blocks)
    toc = parse_toc(regions["toc"])

    used = {}
    # Preface
    pre = join_blocks(regions["preface"], log)
    apply_corrections(pre, used)
    preface = make_unit("preface", "preface", None, "", "序言")
    for p in pre:
        add_para(preface, p["text"])

    # Body
    body = join_blocks(regions["body"], log)
    apply_corrections(body, used)
    units = build_structure(body, toc)

    # Figures: the captions "图01 …" on the figure pages, checked against the list "- 01.…".
    listed, captions = [], []
    for _, blk in regions["figures"]:
        for l in blk:
            t = norm_space(l)
            m = re.fullmatch(r"-\s*(\d{2})\.\s*(.+)", l.strip())
            if m:
                listed.append((m.group(1), norm_space(m.group(2))))
                continue
            m = re.fullmatch(r"图\s*(\d{2})\s*(.+)", l.strip())
            if m:
                captions.append((m.group(1), norm_space(m.group(2))))
                continue
            if not t or is_header_footer(t):
                continue
            raise BuildError("figures: unexpected line %r" % l)
    if listed != captions:
        raise BuildError("figures: list %r and captions %r differ" % (listed, captions))
    figures = make_unit("figures", "figures", None, "", "附图")
    for n, t in captions:
        add_para(figures, "图%s %s" % (n, t))

    approval = parse_approval(find_seed(seeds, APPROVAL_SEED), log)

    for frm, _, _ in CORRECTIONS:
        if used.get(frm) != 1:
            raise BuildError("correction %r applied %d times (expected once)"
                             % (frm, used.get(frm, 0)))

    sections = [preface] + units + [figures, approval]
    order = ["id", "kind", "parent", "number_zh", "title_zh", "toc_title_zh", "title_en",
             "paragraphs"]
    missing = []
    for s in sections:
        s["title_en"] = TITLES_EN.get(s["id"], "")
        if not s["title_en"]:
            missing.append("%s %s" % (s["id"], s["title_zh"]))
    if missing:
        raise BuildError("no English title for: " + "; ".join(missing))
    extra = set(TITLES_EN) - {s["id"] for s in sections}
    if extra:
        raise BuildError("English titles for unknown ids: " + ", ".join(sorted(extra)))
    sections = [{k: s[k] for k in order if k in s} for s in sections]

    plan = {
        "title_zh": TITLE_ZH,
        "title_en": TITLE_EN,
        "attribution_zh": ATTRIBUTION_ZH,
        "attribution_en": ATTRIBUTION_EN,
        "text_corrections": [{"from": a, "to": b, "reason": r} for a, b, r in CORRECTIONS],
        "sections": sections,
    }
    return plan, aliases(), log


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default=os.path.join(os.path.dirname(REPO), "shared", "seeds"))
    ap.add_argument("--out", default=os.path.join(REPO, "maps", "plan"))
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="list every repair made")
    args = ap.parse_args()
    try:
        plan, al, log = build(args.seeds)
    except BuildError as e:
        print("build-plan: error: %s" % e, file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    write_json(os.path.join(args.out, "plan.json"), plan)
    write_json(os.path.join(args.out, "aliases.json"), al)
    if args.verbose:
        for l in log:
            print(l)
    if args.dump:
        for s in plan["sections"]:
            depth = s["id"].count(".") if s["kind"] in ("section", "item") else 0
            print("%s%-8s %-6s %s | %s (%d ¶)" % ("  " * depth, s["id"], s["number_zh"],
                                                 s["title_zh"], s["title_en"],
                                                 len(s["paragraphs"])))
    n_par = sum(len(s["paragraphs"]) for s in plan["sections"])
    print("build-plan: wrote %s (%d units, %d paragraphs, %d repairs) and aliases.json (%d aliases)"
          % (os.path.relpath(os.path.join(args.out, "plan.json")), len(plan["sections"]), n_par,
             len(log), len(al)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
