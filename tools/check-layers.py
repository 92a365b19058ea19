#!/usr/bin/env python3
"""Validate the overlay layer data of Capital Atlas (maps/layers/*.json, maps/gazetteer.tsv).

Usage:
    python3 tools/check-layers.py [--layers DIR] [--gazetteer TSV] [--geodata DIR]
                                  [--plan-text TXT] [--plan-json JSON] [--tolerance PCT]
                                  [--quiet]

Checks
  * every layer file is well-formed UTF-8 JSON with the required keys (group, layer, style class,
    feature), no unknown keys, ids unique across all files, group ids equal to the file names;
  * every feature has exactly one geometry key (counties, path, ring, point, geometry) that suits
    its layer's kind, a class defined in its layer's style, and non-empty plan_refs;
  * county codes exist (counties.geojson codes, or the province / prefecture codes used as
    shorthand: 110000, 120000, 130000, 130100 ... 131100);
  * gazetteer ids used by path / ring / point exist in maps/gazetteer.tsv (whose rows are checked
    too: columns, unique ids, coordinates inside the region box);
  * plan_refs name existing parts of the plan: "preface", chapters "N", sections "N.M" and numbered
    items "N.M.K", derived from the headings and numbered paragraphs of the plan text;
  * rings and explicit geometries are flagged (ring: schematic must be true; geometry: the
    schematic key must be present), schematic lines and areas use a class with a dashed stroke,
    explicit geometries are valid and have at most 200 vertices;
  * the area of every counties zone (union of the county polygons, Lambert cylindrical equal-area
    on a sphere of radius 6371007.2 m) is printed, and compared with stated_area_km2 where given:
    a difference above the tolerance (default 5 %, or the feature's area_tolerance_pct) is an
    error.  Partial counties are reported but not counted.

Data locations (defaults relative to the repository root, i.e. the parent of tools/):
  --layers     maps/layers
  --gazetteer  maps/gazetteer.tsv
  --geodata    maps/basemap if it holds counties.geojson, else ../shared/geodata
  --plan-text  ../shared/seeds/002_c3f44c87e6db9da5.txt (the plan text); when it is missing the
               section ids of maps/plan/plan.json are used instead
  --plan-json  maps/plan/plan.json: when present, refs that it lacks are reported as warnings

Needs Python 3 and shapely (1.8 or 2.x).  Exit status 0 when no problem was found, 1 otherwise,
2 on bad arguments or missing inputs.
"""
import argparse
import csv
import json
import math
import os
import re
import sys

try:
    from shapely.geometry import shape
    from shapely.ops import unary_union, transform
except ImportError:  # pragma: no cover
    # a python3 earlier on PATH (pyenv, venv) may lack Debian's python3-shapely: retry with it
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
            os.path.realpath("/usr/bin/python3") and not os.environ.get("CHECK_LAYERS_REEXEC"):
        os.environ["CHECK_LAYERS_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.stderr.write("check-layers: shapely is required (Debian: python3-shapely)\n")
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
R_EARTH = 6371007.2  # authalic radius, m
REGION_BOX = (110.0, 34.0, 125.0, 44.5)  # lon/lat box that every coordinate must lie in

GROUP_KEYS = {"id", "name_zh", "name_en", "order", "plan_refs", "layers", "note"}
GROUP_REQUIRED = {"id", "name_zh", "name_en", "order", "plan_refs", "layers"}
LAYER_KEYS = {"id", "name_zh", "name_en", "plan_refs", "style", "features", "note"}
LAYER_REQUIRED = {"id", "name_zh", "name_en", "plan_refs", "style", "features"}
STYLE_KINDS = ("zone", "band", "line", "point", "label")
CLASS_KEYS = {"name_zh", "name_en", "fill", "stroke", "stroke_width", "dash", "hatch",
              "symbol", "symbol_size", "band_width_px", "nested", "arrow"}
CLASS_REQUIRED = {"name_zh", "name_en", "fill", "stroke", "stroke_width", "dash", "hatch",
                  "symbol"}
HATCHES = {None, "diagonal", "cross", "dots", "trees"}
SYMBOLS = {None, "airport", "seaport", "dryport", "star", "circle", "square", "triangle",
           "diamond", "heritage", "red_flag", "reservoir", "lab"}
GEOM_KEYS = ("counties", "path", "ring", "point", "geometry")
FEATURE_KEYS = {"id", "name_zh", "name_en", "class", "plan_refs", "counties", "partial_counties",
                "path", "band_km", "directed", "ring", "point", "geometry", "stated_area_km2",
                "area_tolerance_pct", "schematic", "note"}
FEATURE_REQUIRED = {"id", "name_zh", "name_en", "class", "plan_refs"}
# which geometry keys (and explicit GeoJSON types) suit which layer kind
KIND_GEOMS = {
    "zone": {"counties", "ring", "geometry:Polygon", "geometry:MultiPolygon"},
    "band": {"path", "geometry:LineString", "geometry:MultiLineString", "geometry:Polygon",
             "geometry:MultiPolygon"},
    "line": {"path", "ring", "geometry:LineString", "geometry:MultiLineString"},
    "point": {"point"},
    "label": {"point"},
}
GEOJSON_TYPES = ("Polygon", "MultiPolygon", "LineString", "MultiLineString")
MAX_VERTICES = 200
GAZ_HEADER = ["id", "name_zh", "name_en", "kind", "lon", "lat", "county_code", "plan_ref", "note"]
GAZ_KINDS = {"city_centre", "new_town", "science_city", "park_zone", "airport", "seaport",
             "dryport", "heritage", "red_heritage", "great_wall_point", "canal_point",
             "taihang_point", "lake_reservoir", "wetland", "mountain", "scenic",
             "district_centre", "other", "waypoint", "physical"}
ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
FILL_RE = re.compile(r"#[0-9A-Fa-f]{8}\Z")
STROKE_RE = re.compile(r"#[0-9A-Fa-f]{6}\Z")
CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


# ------------------------------------------------------------------ plan ids
def cn_number(s):
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_NUM[s[1]]
    if s.endswith("十"):
        return CN_NUM[s[0]] * 10
    if "十" in s:
        a, b = s.split("十")
        return CN_NUM[a] * 10 + CN_NUM[b]
    return CN_NUM[s]


def plan_ids_from_text(path):
    """Section ids of the plan: preface, N, N.M, N.M.K (headings and numbered items)."""
    toc = re.compile(r"(\.{2,}|…+|\t)\s*\d+\s*$")
    chap_re = re.compile(r"^\s*第([一二三四五六七八九十]+)章\s*\S")
    sec_re = re.compile(r"^\s*第([一二三四五六七八九十]+)节\s*\S")
    item_re = re.compile(r"^\s*(\d{1,2})\s*[.．]\s*(\S)")
    ids = {"preface"}
    chap = sec = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if toc.search(line):
                continue  # table of contents
            if re.match(r"^\s*附\s*图\s*$", line):
                break
            m = chap_re.match(line)
            if m:
                chap, sec = cn_number(m.group(1)), None
                ids.add(str(chap))
                continue
            m = sec_re.match(line)
            if m and chap is not None:
                sec = cn_number(m.group(1))
                ids.add("%d.%d" % (chap, sec))
                continue
            m = item_re.match(line)
            if m and chap is not None and sec is not None and m.group(2) != "《":
                ids.add("%d.%d.%d" % (chap, sec, int(m.group(1))))
    return ids


def plan_ids_from_json(path):
    with open(path, encoding="utf-8") as fh:
        d = json.load(fh)
    secs = d.get("sections", d) if isinstance(d, dict) else d
    return {s["id"] for s in secs if isinstance(s, dict) and "id" in s}


# ------------------------------------------------------------------ geometry
def lcea(x, y, z=None):
    """lon/lat degrees -> Lambert cylindrical equal-area metres (sphere)."""
    if isinstance(x, (list, tuple)) or hasattr(x, "__len__"):
        return ([R_EARTH * math.radians(a) for a in x],
                [R_EARTH * math.sin(math.radians(b)) for b in y])
    return R_EARTH * math.radians(x), R_EARTH * math.sin(math.radians(y))


def area_km2(geom):
    return transform(lcea, geom).area / 1e6


def count_vertices(g):
    t = g.get("type")
    c = g.get("coordinates")
    if t == "LineString":
        return len(c)
    if t == "MultiLineString" or t == "Polygon":
        return sum(len(r) for r in c)
    if t == "MultiPolygon":
        return sum(len(r) for p in c for r in p)
    return 0


def iter_positions(g):
    t = g.get("type")
    c = g.get("coordinates")
    if t == "LineString":
        yield from c
    elif t in ("MultiLineString", "Polygon"):
        for r in c:
            yield from r
    elif t == "MultiPolygon":
        for p in c:
            for r in p:
                yield from r


# ------------------------------------------------------------------ checker
class Checker:
    def __init__(self, args):
        self.args = args
        self.errors = []
        self.warnings = []
        self.passed = 0

    def err(self, where, msg):
        self.errors.append("%s: %s" % (where, msg))

    def warn(self, where, msg):
        self.warnings.append("%s: %s" % (where, msg))

    def ok(self, cond, where, msg):
        if cond:
            self.passed += 1
        else:
            self.err(where, msg)
        return cond

    # ---------------------------------------------------------- inputs
    def load_counties(self, geodata):
        path = os.path.join(geodata, "counties.geojson")
        with open(path, encoding="utf-8") as fh:
            fc = json.load(fh)
        self.county_geom = {}
        self.county_area = {}
        self.county_name = {}
        self.members = {}  # shorthand code -> county codes
        for ft in fc["features"]:
            p = ft["properties"]
            code = str(p["code"])
            self.county_geom[code] = shape(ft["geometry"])
            self.county_area[code] = float(p.get("area_km2") or 0)
            self.county_name[code] = p.get("name", code)
            # shorthand codes: the properties when present, else derived from the code
            # (a municipality is its own prefecture)
            prov = str(p.get("province_code") or code[:2] + "0000")
            pref = str(p.get("prefecture_code") or (
                prov if code[:2] in ("11", "12", "31", "50") else code[:4] + "00"))
            for sc in (pref, prov):
                self.members.setdefault(sc, set()).add(code)
        for sc in list(self.members):
            self.county_name.setdefault(sc, sc)

    def load_gazetteer(self, path):
        self.gaz = {}
        where = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        if not rows or rows[0] != GAZ_HEADER:
            self.err(where, "header must be: %s" % "\t".join(GAZ_HEADER))
            return
        for ln, row in enumerate(rows[1:], start=2):
            w = "%s line %d" % (where, ln)
            if len(row) != len(GAZ_HEADER):
                self.err(w, "%d columns, expected %d" % (len(row), len(GAZ_HEADER)))
                continue
            r = dict(zip(GAZ_HEADER, row))
            rid = r["id"]
            self.ok(bool(ID_RE.match(rid)), w, "id %r is not an ascii slug" % rid)
            self.ok(rid not in self.gaz, w, "duplicate gazetteer id %r" % rid)
            self.ok(r["kind"] in GAZ_KINDS, w, "unknown kind %r" % r["kind"])
            self.ok(bool(r["name_zh"].strip()) and bool(r["name_en"].strip()), w,
                    "empty name")
            self.ok(bool(r["note"].strip()), w, "empty note")
            try:
                x, y = float(r["lon"]), float(r["lat"])
            except ValueError:
                self.err(w, "lon/lat not numbers")
                continue
            self.ok(REGION_BOX[0] <= x <= REGION_BOX[2] and REGION_BOX[1] <= y <= REGION_BOX[3],
                    w, "lon/lat outside the region box")
            if r["county_code"]:
                self.ok(r["county_code"] in self.county_geom, w,
                        "county_code %s is not a county of counties.geojson" % r["county_code"])
            self.gaz[rid] = (x, y)

    # ---------------------------------------------------------- helpers
    def check_refs(self, where, refs):
        if not self.ok(isinstance(refs, list) and len(refs) > 0, where,
                       "plan_refs must be a non-empty list"):
            return
        for ref in refs:
            if not self.ok(isinstance(ref, str) and ref in self.plan_ids, where,
                           "plan_ref %r names no part of the plan" % (ref,)):
                continue
            if self.json_ids is not None and ref not in self.json_ids:
                self.warn(where, "plan_ref %s is not a section of maps/plan/plan.json" % ref)

    def check_names(self, where, obj):
        for k in ("name_zh", "name_en"):
            v = obj.get(k)
            self.ok(isinstance(v, str) and v.strip() != "" and v == v.strip(), where,
                    "%s missing, empty or padded" % k)

    def expand(self, where, codes, key):
        out = set()
        if not self.ok(isinstance(codes, list) and len(codes) > 0, where,
                       "%s must be a non-empty list of codes" % key):
            return out
        self.ok(len(codes) == len(set(map(str, codes))), where, "%s has duplicate codes" % key)
        for c in codes:
            if not self.ok(isinstance(c, str) and re.fullmatch(r"\d{6}", c or "") is not None,
                           where, "%s: code %r is not a 6-digit string" % (key, c)):
                continue
            if c in self.county_geom:
                out.add(c)
            elif c in self.members:
                out |= self.members[c]
                self.passed += 1
            else:
                self.err(where, "%s: unknown county/prefecture/province code %s" % (key, c))
        return out

    def union_area(self, codes):
        if not codes:
            return 0.0
        key = tuple(sorted(codes))
        cache = self.__dict__.setdefault("_area_cache", {})
        if key not in cache:
            g = unary_union([self.county_geom[c] for c in key])
            cache[key] = area_km2(g)
        return cache[key]

    # ---------------------------------------------------------- features
    def check_feature(self, where, ft, layer_kind, classes):
        if not self.ok(isinstance(ft, dict), where, "feature is not an object"):
            return
        fid = ft.get("id")
        w = "%s feature %s" % (where, fid)
        for k in ft:
            self.ok(k in FEATURE_KEYS, w, "unknown key %r" % k)
        for k in FEATURE_REQUIRED:
            self.ok(k in ft, w, "missing key %r" % k)
        if self.ok(isinstance(fid, str) and ID_RE.match(fid) is not None, w,
                   "id must be snake_case ascii"):
            self.ok(fid not in self.ids, w, "id %s used twice (first in %s)"
                    % (fid, self.ids.get(fid)))
            self.ids.setdefault(fid, where)
        self.check_names(w, ft)
        if self.ok(ft.get("class") in classes, w,
                   "class %r is not defined in the layer style" % ft.get("class")):
            if ft.get("schematic") is True and layer_kind not in ("point", "label"):
                self.ok(classes[ft["class"]].get("dash") is not None, w,
                        "schematic feature drawn with class %s, which has no dashed stroke"
                        % ft["class"])
        self.check_refs(w, ft.get("plan_refs"))
        if "schematic" in ft:
            self.ok(isinstance(ft["schematic"], bool), w, "schematic must be true or false")
        if "note" in ft:
            self.ok(isinstance(ft["note"], str) and ft["note"].strip() != "", w,
                    "note must be a non-empty string")
        gkeys = [k for k in GEOM_KEYS if k in ft]
        if not self.ok(len(gkeys) == 1, w, "needs exactly one geometry key of %s, has %s"
                       % ("/".join(GEOM_KEYS), gkeys or "none")):
            return
        gk = gkeys[0]
        gtag = gk
        if gk == "geometry" and isinstance(ft["geometry"], dict):
            gtag = "geometry:%s" % ft["geometry"].get("type")
        self.ok(gtag in KIND_GEOMS[layer_kind], w,
                "geometry %s does not suit a %s layer" % (gtag, layer_kind))
        if "partial_counties" in ft:
            self.ok(gk == "counties", w, "partial_counties only go with counties")
        for k in ("band_km", "directed"):
            if k in ft:
                self.ok(gk == "path", w, "%s only goes with path" % k)
        if "band_km" in ft:
            self.ok(isinstance(ft["band_km"], (int, float)) and ft["band_km"] > 0, w,
                    "band_km must be a positive number")
        if "directed" in ft:
            self.ok(isinstance(ft["directed"], bool), w, "directed must be true or false")
        stated = ft.get("stated_area_km2")
        if "stated_area_km2" in ft:
            self.ok(isinstance(stated, (int, float)) and stated > 0, w,
                    "stated_area_km2 must be a positive number")
            self.ok(gk in ("counties", "ring") or gtag in ("geometry:Polygon",
                                                           "geometry:MultiPolygon"),
                    w, "stated_area_km2 needs an areal geometry")
        if "area_tolerance_pct" in ft:
            self.ok("stated_area_km2" in ft and isinstance(ft["area_tolerance_pct"], (int, float))
                    and ft["area_tolerance_pct"] > 0, w,
                    "area_tolerance_pct needs stated_area_km2 and must be positive")
            self.ok(bool(ft.get("note")), w, "area_tolerance_pct must be explained in note")
        tol = ft.get("area_tolerance_pct", self.args.tolerance)

        if gk == "counties":
            full = self.expand(w, ft["counties"], "counties")
            part = set()
            if "partial_counties" in ft:
                part = self.expand(w, ft["partial_counties"], "partial_counties")
                self.ok(not (full & part), w, "counties and partial_counties overlap: %s"
                        % sorted(full & part))
            if full:
                a = self.union_area(full)
                ap = self.union_area(full | part) - a if part else 0.0
                self.report_area(w, fid, a, ap, len(full), len(part), stated, tol)
        elif gk == "path":
            p = ft["path"]
            if self.ok(isinstance(p, list) and len(p) >= 2, w,
                       "path must list at least two gazetteer ids"):
                for pid in p:
                    self.ok(pid in self.gaz, w, "path: unknown gazetteer id %r" % (pid,))
                for a, b in zip(p, p[1:]):
                    self.ok(a != b, w, "path repeats %s" % a)
        elif gk == "ring":
            r = ft["ring"]
            if self.ok(isinstance(r, dict) and set(r) == {"centre", "radius_km"}, w,
                       "ring must be {centre, radius_km}"):
                self.ok(r["centre"] in self.gaz, w, "ring: unknown gazetteer id %r"
                        % (r["centre"],))
                if self.ok(isinstance(r["radius_km"], (int, float)) and r["radius_km"] > 0, w,
                           "ring radius_km must be positive"):
                    a = math.pi * r["radius_km"] ** 2
                    if stated:
                        self.report_area(w, fid, a, 0.0, 0, 0, stated, tol, label="ring")
            self.ok(ft.get("schematic") is True, w, "a ring is schematic: set schematic true")
        elif gk == "point":
            self.ok(ft["point"] in self.gaz, w, "point: unknown gazetteer id %r"
                    % (ft["point"],))
        elif gk == "geometry":
            self.check_geometry(w, fid, ft["geometry"], stated, tol)
            self.ok("schematic" in ft, w, "explicit geometry must say schematic true/false")

    def check_geometry(self, w, fid, g, stated, tol):
        if not self.ok(isinstance(g, dict) and g.get("type") in GEOJSON_TYPES
                       and isinstance(g.get("coordinates"), list), w,
                       "geometry must be a GeoJSON %s" % "/".join(GEOJSON_TYPES)):
            return
        t = g["type"]
        n = count_vertices(g)
        self.ok(0 < n <= MAX_VERTICES, w, "geometry has %d vertices (1..%d allowed)"
                % (n, MAX_VERTICES))
        try:
            pts = list(iter_positions(g))
            good = all(isinstance(p, list) and len(p) == 2 and
                       all(isinstance(v, (int, float)) for v in p) for p in pts)
        except TypeError:
            good = False
        if not self.ok(good, w, "geometry coordinates must be [lon, lat] pairs"):
            return
        self.ok(all(REGION_BOX[0] <= x <= REGION_BOX[2] and REGION_BOX[1] <= y <= REGION_BOX[3]
                    for x, y in pts), w, "geometry leaves the region box (lon/lat swapped?)")
        if t in ("Polygon", "MultiPolygon"):
            polys = [g["coordinates"]] if t == "Polygon" else g["coordinates"]
            closed = all(len(r) >= 4 and r[0] == r[-1] for p in polys for r in p)
            if not self.ok(closed, w, "polygon rings must be closed with >= 4 positions"):
                return
            shp = shape(g)
            self.ok(shp.is_valid, w, "polygon is not valid (self-intersection?)")
            a = area_km2(shp)
            if stated:
                self.report_area(w, fid, a, 0.0, 0, 0, stated, tol, label="geometry")
            else:
                self.areas.append("  %-34s %10.1f km²  (explicit geometry)" % (fid, a))
        else:
            self.ok(all(len(l) >= 2 for l in ([g["coordinates"]] if t == "LineString"
                                               else g["coordinates"])), w,
                    "line needs at least two positions")

    def report_area(self, w, fid, a, ap, nfull, npart, stated, tol, label="counties"):
        extra = ""
        if label == "counties":
            extra = "  [%d units%s]" % (nfull, (", +%d partial = %.0f km² not counted"
                                                % (npart, ap)) if npart else "")
        else:
            extra = "  [%s]" % label
        if stated:
            d = (a - stated) / stated * 100.0
            line = "  %-34s %10.1f km²  stated %8.0f  %+6.1f %%%s" % (fid, a, stated, d, extra)
            if self.ok(abs(d) <= tol, w, "area %.0f km² differs from the stated %s km² by %+.1f %%"
                       " (tolerance %s %%)" % (a, stated, d, tol)):
                self.areas.append(line)
            else:
                self.areas.append(line + "  <-- OUT OF TOLERANCE")
        else:
            self.areas.append("  %-34s %10.1f km%s%s" % (fid, a, "²", extra))

    # ---------------------------------------------------------- files
    def check_style(self, where, style):
        if not self.ok(isinstance(style, dict), where, "style must be an object"):
            return None, {}
        kind = style.get("kind")
        self.ok(kind in STYLE_KINDS, where, "style.kind must be one of %s" % "/".join(STYLE_KINDS))
        for k in style:
            self.ok(k in ("kind", "classes"), where, "style: unknown key %r" % k)
        classes = style.get("classes")
        if not self.ok(isinstance(classes, dict) and classes, where,
                       "style.classes must be a non-empty object"):
            return kind, {}
        for cid, c in classes.items():
            cw = "%s class %s" % (where, cid)
            self.ok(bool(ID_RE.match(cid)), cw, "class id must be snake_case ascii")
            if not self.ok(isinstance(c, dict), cw, "class must be an object"):
                continue
            for k in c:
                self.ok(k in CLASS_KEYS, cw, "unknown key %r" % k)
            for k in CLASS_REQUIRED:
                self.ok(k in c, cw, "missing key %r" % k)
            self.check_names(cw, c)
            f, s = c.get("fill"), c.get("stroke")
            self.ok(f is None or (isinstance(f, str) and FILL_RE.match(f)), cw,
                    "fill must be null or #RRGGBBAA")
            self.ok(s is None or (isinstance(s, str) and STROKE_RE.match(s)), cw,
                    "stroke must be null or #RRGGBB")
            sw = c.get("stroke_width")
            self.ok(isinstance(sw, (int, float)) and sw >= 0, cw, "stroke_width must be >= 0")
            d = c.get("dash")
            self.ok(d is None or (isinstance(d, list) and len(d) in (2, 4) and
                                  all(isinstance(v, (int, float)) and v > 0 for v in d)), cw,
                    "dash must be null, [on, off] or [dash, off, dot, off]")
            self.ok(c.get("nested") in (None, True, False) and (not c.get("nested") or kind == "zone"),
                    cw, "nested must be a boolean, on a zone class")
            self.ok(c.get("arrow") in (None, True, False) and (not c.get("arrow") or kind in ("band", "line")),
                    cw, "arrow must be a boolean, on a band or line class")
            self.ok(c.get("hatch") in HATCHES, cw, "hatch must be one of %s" % sorted(
                h for h in HATCHES if h) + " or null")
            self.ok(c.get("symbol") in SYMBOLS, cw, "unknown symbol %r" % c.get("symbol"))
            if c.get("symbol") is not None or kind in ("point", "label"):
                ss = c.get("symbol_size")
                self.ok(isinstance(ss, (int, float)) and ss > 0, cw,
                        "symbol_size must be a positive number")
            if kind == "point":
                self.ok(c.get("symbol") is not None, cw, "a point class needs a symbol")
            if "band_width_px" in c:
                self.ok(isinstance(c["band_width_px"], (int, float)) and c["band_width_px"] > 0,
                        cw, "band_width_px must be positive")
            self.ok(f is not None or s is not None or c.get("symbol") is not None, cw,
                    "class draws nothing (no fill, stroke or symbol)")
        return kind, classes

    def check_file(self, path):
        name = os.path.basename(path)
        stem = name[:-5]
        try:
            with open(path, encoding="utf-8") as fh:
                d = json.load(fh)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            self.err(name, "not readable JSON: %s" % e)
            return
        if not self.ok(isinstance(d, dict), name, "top level must be an object"):
            return
        for k in d:
            self.ok(k in GROUP_KEYS, name, "unknown key %r" % k)
        for k in GROUP_REQUIRED:
            self.ok(k in d, name, "missing key %r" % k)
        self.ok(d.get("id") == stem, name, "group id %r must equal the file name" % d.get("id"))
        self.check_names(name, d)
        order = d.get("order")
        if self.ok(isinstance(order, int) and not isinstance(order, bool), name,
                   "order must be an integer"):
            self.ok(order not in self.orders, name, "order %s used by %s too"
                    % (order, self.orders.get(order)))
            self.orders.setdefault(order, stem)
        self.check_refs(name, d.get("plan_refs"))
        layers = d.get("layers")
        if not self.ok(isinstance(layers, list) and layers, name,
                       "layers must be a non-empty list"):
            return
        for lay in layers:
            if not self.ok(isinstance(lay, dict), name, "layer is not an object"):
                continue
            lid = lay.get("id")
            lw = "%s layer %s" % (name, lid)
            for k in lay:
                self.ok(k in LAYER_KEYS, lw, "unknown key %r" % k)
            for k in LAYER_REQUIRED:
                self.ok(k in lay, lw, "missing key %r" % k)
            if self.ok(isinstance(lid, str) and re.fullmatch(r"%s\.[a-z][a-z0-9_]*" %
                                                             re.escape(stem), lid), lw,
                       "layer id must be '%s.<name>'" % stem):
                self.ok(lid not in self.ids, lw, "id %s used twice" % lid)
                self.ids.setdefault(lid, name)
            self.check_names(lw, lay)
            self.check_refs(lw, lay.get("plan_refs"))
            kind, classes = self.check_style(lw, lay.get("style"))
            feats = lay.get("features")
            if not self.ok(isinstance(feats, list) and feats, lw,
                           "features must be a non-empty list"):
                continue
            used = set()
            for ft in feats:
                self.check_feature(lw, ft, kind if kind in KIND_GEOMS else "zone", classes)
                if isinstance(ft, dict):
                    used.add(ft.get("class"))
                self.nfeatures += 1
            for cid in classes:
                if cid not in used:
                    self.warn(lw, "class %s is used by no feature" % cid)

    def run(self):
        a = self.args
        self.ids = {}
        self.orders = {}
        self.areas = []
        self.nfeatures = 0
        self.load_counties(a.geodata)
        if a.plan_text and os.path.exists(a.plan_text):
            self.plan_ids = plan_ids_from_text(a.plan_text)
            src = a.plan_text
        elif a.plan_json and os.path.exists(a.plan_json):
            self.plan_ids = plan_ids_from_json(a.plan_json)
            src = a.plan_json
        else:
            sys.stderr.write("check-layers: no plan text (%s) nor plan.json (%s)\n"
                             % (a.plan_text, a.plan_json))
            return 2
        self.json_ids = None
        if a.plan_json and os.path.exists(a.plan_json) and src != a.plan_json:
            self.json_ids = plan_ids_from_json(a.plan_json)
        self.load_gazetteer(a.gazetteer)
        files = sorted(f for f in os.listdir(a.layers) if f.endswith(".json"))
        if not files:
            self.err(a.layers, "no layer files")
        for f in files:
            self.check_file(os.path.join(a.layers, f))
        if not a.quiet:
            print("plan ids: %d from %s" % (len(self.plan_ids), src))
            print("gazetteer: %d places; layer files: %d; features: %d"
                  % (len(self.gaz), len(files), self.nfeatures))
            print("areas (union of full counties; Lambert cylindrical equal-area, R=6371007.2 m):")
            for line in self.areas:
                print(line)
            for wmsg in self.warnings:
                print("warning: " + wmsg)
        for e in self.errors:
            print("error: " + e)
        print("check-layers: %d passed, %d failed" % (self.passed, len(self.errors)))
        return 1 if self.errors else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layers", default=os.path.join(ROOT, "maps", "layers"))
    ap.add_argument("--gazetteer", default=os.path.join(ROOT, "maps", "gazetteer.tsv"))
    basemap = os.path.join(ROOT, "maps", "basemap")
    shared = os.path.join(os.path.dirname(ROOT), "shared")
    ap.add_argument("--geodata", default=basemap if os.path.exists(
        os.path.join(basemap, "counties.geojson")) else os.path.join(shared, "geodata"),
        help="folder holding counties.geojson")
    ap.add_argument("--plan-text", default=os.path.join(shared, "seeds",
                                                        "002_c3f44c87e6db9da5.txt"))
    ap.add_argument("--plan-json", default=os.path.join(ROOT, "maps", "plan", "plan.json"))
    ap.add_argument("--tolerance", type=float, default=5.0,
                    help="allowed difference from stated areas, percent (default 5)")
    ap.add_argument("--quiet", action="store_true", help="print only problems and the summary")
    args = ap.parse_args(argv)
    for p, what in ((args.layers, "--layers"), (args.gazetteer, "--gazetteer"),
                    (os.path.join(args.geodata, "counties.geojson"), "--geodata")):
        if not os.path.exists(p):
            sys.stderr.write("check-layers: %s: %s not found\n" % (what, p))
            return 2
    return Checker(args).run()


if __name__ == "__main__":
    sys.exit(main())
