#!/usr/bin/env python3
"""Build the Capital Atlas base map (maps/basemap/) from the geodata pack.

Usage (from the repository root):

    python3 tools/build-basemap.py [--geodata ../shared/geodata] [--out maps/basemap]

Reads counties.geojson, prefectures.geojson, provinces_context.geojson,
water.geojson, land.geojson and gazetteer.tsv of the data pack and writes

    <layer>.<band>.bin   layers land, provinces, prefectures, counties, lakes,
                         rivers, borders, coast; bands 0..3 (zooms 5-6, 7-8,
                         9-10, 11-14); binary format "ATBM" version 1, see
                         maps/README.md
    labels.tsv           label points
    counties.tsv         one row per county
    prefectures.tsv      one row per prefecture

Method, in short: the 200 counties and the 5 context provinces (fitted to
the full-detail BTH outline) are turned into one clean coverage (overlaps
and gaps between source files resolved); per band its noded edge network is
simplified once (topology preserving, end nodes fixed) and re-polygonized, so
counties, prefectures, provinces and borders share exactly the same lines.
Borders are the network edges with a unit on both sides (never coastline).
Land = GSHHG land united with the counties (reclaimed land); coast = outline
of each band's land in the Bohai box.

The output is deterministic (same input -> byte-identical files).
Needs Python 3 and shapely 1.8 (Debian python3-shapely); if the python3 on
PATH has no shapely, the script re-runs itself with /usr/bin/python3.
"""
import argparse
import importlib.util
import json
import math
import os
import re
import struct
import sys
import time


def _ensure_shapely():
    if importlib.util.find_spec('shapely') is not None:
        return
    alt = '/usr/bin/python3'
    if (os.path.exists(alt) and not os.environ.get('BUILD_BASEMAP_REEXEC')
            and os.path.realpath(sys.executable) != os.path.realpath(alt)):
        os.environ['BUILD_BASEMAP_REEXEC'] = '1'
        os.execv(alt, [alt] + sys.argv)
    sys.exit('build-basemap: shapely is required (Debian: apt-get install python3-shapely)')


_ensure_shapely()

from shapely.geometry import (LineString, MultiLineString, MultiPolygon,  # noqa: E402
                              Point, Polygon, box, shape)
from shapely.ops import linemerge, polygonize, unary_union  # noqa: E402
from shapely.prepared import prep  # noqa: E402

# --------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------
BANDS = [(5, 6), (7, 8), (9, 10), (11, 14)]      # (min zoom, max zoom)
FULL_DETAIL_BAND = 3                              # no simplification
TOL_PX = 0.35                                     # Douglas-Peucker tolerance, pixels
MIN_AREA_PX2 = 2.0                                # smaller polygon parts/holes dropped
MIN_LEN_PX = 2.0                                  # shorter line parts dropped

LAND_BOX = (100.0, 28.0, 135.0, 50.0)
RIVER_BOX = (110.0, 34.0, 125.0, 45.0)
COAST_BOX = (116.0, 37.0, 122.5, 41.5)

# administrative coverage
GAP_MAX_DEG2 = 0.0005       # uncovered faces below ~5 km2 between units are slivers
PINHOLE_MAX_DEG2 = 0.00001  # holes (< ~0.1 km2) inside a single unit are filled
FRAGMENT_MAX_DEG2 = 0.00001  # detached parts (< ~0.1 km2) inside another unit go to it
CONTEXT_POCKET_DEG2 = 0.01  # gaps (< ~80 km2) between BTH and a context province are given to it

M_PER_DEG_LAT = 110574.0
M_PER_DEG_LON_EQ = 111320.0

SEA_LABELS = [
    # kind, rank, minzoom, maxzoom, lon, lat, code, name_zh, name_en
    ('sea', 1, 5, 9, 119.5, 38.8, 0, '渤海', 'Bohai Sea'),
]
PLACE_KINDS = ('city_centre', 'airport', 'seaport', 'lake_reservoir', 'mountain',
               'science_city')
PLACE_MINZOOM = {'city_centre': 10, 'airport': 10, 'seaport': 10,
                 'lake_reservoir': 10, 'mountain': 10, 'science_city': 11}

T0 = time.time()


def log(*a):
    print('[%5.1fs]' % (time.time() - T0), *a, file=sys.stderr, flush=True)


def px_deg(z):
    return 360.0 / (256.0 * 2 ** z)


def band_params(b):
    z = BANDS[b][1]
    p = px_deg(z)
    tol = 0.0 if b == FULL_DETAIL_BAND else TOL_PX * p
    return tol, MIN_AREA_PX2 * p * p, MIN_LEN_PX * p


# --------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------
def parts(g):
    if g is None or g.is_empty:
        return []
    t = g.geom_type
    if t in ('Polygon', 'LineString', 'Point'):
        return [g]
    out = []
    for x in g.geoms:
        out.extend(parts(x))
    return out


def polys_of(g):
    return [p for p in parts(g) if p.geom_type == 'Polygon' and not p.is_empty]


def lines_of(g):
    return [p for p in parts(g) if p.geom_type == 'LineString' and not p.is_empty]


def multipoly(ps):
    ps = [p for p in ps if not p.is_empty]
    if not ps:
        return Polygon()
    return ps[0] if len(ps) == 1 else MultiPolygon(ps)


def fill_holes(g, max_area=None):
    out = []
    for p in polys_of(g):
        keep = [h for h in p.interiors
                if max_area is not None and Polygon(h).area >= max_area]
        out.append(Polygon(p.exterior, keep))
    return unary_union(out)


def drop_small(g, min_area):
    """Drop polygon parts and holes below min_area (deg^2)."""
    out = []
    for p in polys_of(g):
        if Polygon(p.exterior).area < min_area:
            continue
        holes = [h for h in p.interiors if Polygon(h).area >= min_area]
        out.append(Polygon(p.exterior, holes))
    return multipoly(out)


def m_scale(lat):
    return M_PER_DEG_LON_EQ * math.cos(math.radians(lat)), M_PER_DEG_LAT


def dist_m(a, b):
    kx, ky = m_scale((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * ky)


def line_len_m(coords):
    return sum(dist_m(coords[i], coords[i + 1]) for i in range(len(coords) - 1))


class Grid:
    """Uniform grid of bounding boxes: query returns item ids (ascending)."""

    def __init__(self, cell=0.1):
        self.cell = cell
        self.cells = {}

    def _range(self, b):
        c = self.cell
        return (range(int(math.floor(b[0] / c)), int(math.floor(b[2] / c)) + 1),
                range(int(math.floor(b[1] / c)), int(math.floor(b[3] / c)) + 1))

    def insert(self, item, b):
        xs, ys = self._range(b)
        for i in xs:
            for j in ys:
                self.cells.setdefault((i, j), []).append(item)

    def query(self, b):
        xs, ys = self._range(b)
        out = set()
        for i in xs:
            for j in ys:
                out.update(self.cells.get((i, j), ()))
        return sorted(out)

    def query_pt(self, x, y, r=0.0):
        return self.query((x - r, y - r, x + r, y + r))


# --------------------------------------------------------------------------
# simplification of line networks
# --------------------------------------------------------------------------
def simplify_lines(lines, tol):
    """Topology-preserving Douglas-Peucker of a set of lines as one network:
    end points stay, lines do not start to cross each other. Returns a list
    parallel to `lines`."""
    if tol <= 0 or not lines:
        return list(lines)
    ml = MultiLineString([list(l.coords) for l in lines])
    s = ml.simplify(tol, preserve_topology=True)
    out = lines_of(s)
    if len(out) != len(lines):  # should not happen; fall back line by line
        log('  warning: network simplification changed the part count, per-line fallback')
        out = [l.simplify(tol, preserve_topology=True) for l in lines]
    return out


def simplify_each(geoms, tol, min_area):
    out = []
    for g in geoms:
        if tol > 0:
            g = g.simplify(tol, preserve_topology=True)
        out.append(drop_small(g, min_area))
    return out


# --------------------------------------------------------------------------
# binary writer
# --------------------------------------------------------------------------
def _ints(coords, closed):
    pts = []
    for c in coords:
        p = (int(round(c[0] * 1e6)), int(round(c[1] * 1e6)))
        if not pts or pts[-1] != p:
            pts.append(p)
    if closed:
        while len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        return pts if len(set(pts)) >= 3 else None
    return pts if len(set(pts)) >= 2 else None


def polygon_parts(g):
    out = []
    for p in polys_of(g):
        for r in [p.exterior] + list(p.interiors):
            pts = _ints(r.coords, True)
            if pts:
                out.append(pts)
    return out


def line_parts(g):
    out = []
    for l in lines_of(g):
        pts = _ints(l.coords, False)
        if pts:
            out.append(pts)
    return out


def write_bin(path, geom_type, feats):
    """feats: list of (kind, code, parts) with parts = lists of int points,
    already in output order. Features without parts are dropped."""
    feats = [f for f in feats if f[2]]
    npts = sum(len(p) for f in feats for p in f[2])
    buf = [struct.pack('<4sHHII', b'ATBM', 1, geom_type, len(feats), npts)]
    for kind, code, prts in feats:
        xs = [x for p in prts for x, _ in p]
        ys = [y for p in prts for _, y in p]
        buf.append(struct.pack('<HHIiiiiI', kind, 0, code, min(xs), min(ys),
                               max(xs), max(ys), len(prts)))
        for p in prts:
            flat = [v for xy in p for v in xy]
            buf.append(struct.pack('<I%di' % len(flat), len(p), *flat))
    data = b''.join(buf)
    with open(path, 'wb') as f:
        f.write(data)
    return len(feats), npts, len(data)


# --------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------
def load_fc(geodata, name):
    with open(os.path.join(geodata, name + '.geojson'), encoding='utf-8') as f:
        return json.load(f)['features']


def load_gazetteer(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        header = f.readline().rstrip('\n').split('\t')
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            rows.append(dict(zip(header, line.split('\t'))))
    return rows


PAREN_RE = re.compile(r'\s*[（(][^（()）]*[)）]')


def strip_paren(s):
    prev = None
    while prev != s:
        prev, s = s, PAREN_RE.sub('', s)
    return s.strip()


# --------------------------------------------------------------------------
# provinces: BTH from the full-detail prefectures, context fitted to them
# --------------------------------------------------------------------------
def build_provinces(prov_feats, pref_geom, gshhg_land_prep):
    focus = {}
    for code in ('110000', '120000', '130000'):
        gs = [g for c, g in sorted(pref_geom.items()) if c[:2] == code[:2]]
        u = unary_union(gs)
        # slivers between prefectures of one province (from different source
        # files) become tiny holes: fill them (Hebei: ~250, < 3 km2 each)
        focus[code] = fill_holes(u, max_area=0.005)
    bth = fill_holes(unary_union(list(focus.values())))
    bth_prep = prep(bth)
    # context provinces, cut to the map box (内蒙古 reaches 97-126 E, 53 N)
    ctx = [(f['properties']['code'], shape(f['geometry']).intersection(box(*LAND_BOX)))
           for f in prov_feats if f['properties']['role'] == 'context']
    ctx.sort()
    # faces between the (500 m simplified) context outlines and the full BTH
    # outline: pockets in neither are given to the adjacent context province
    lines = [LineString(r.coords) for p in polys_of(bth)
             for r in [p.exterior] + list(p.interiors)]
    for _, g in ctx:
        lines += [LineString(r.coords) for p in polys_of(g)
                  for r in [p.exterior] + list(p.interiors)]
    faces = list(polygonize(unary_union(lines)))
    ctx_prep = [prep(g) for _, g in ctx]
    bidx = boundary_index([bth] + [g for _, g in ctx])     # label 0 = BTH
    pockets = [[] for _ in ctx]
    npocket = 0
    for f in faces:
        if f.area > CONTEXT_POCKET_DEG2:
            continue
        rp = f.representative_point()
        if bth_prep.contains(rp) or any(cp.contains(rp) for cp in ctx_prep):
            continue
        if not gshhg_land_prep.contains(rp):
            continue        # a bay between two coasts, not a gap
        touch = bidx.touch_lengths(f)
        if 0 not in touch:
            continue
        cands = sorted((-ln, lab) for lab, ln in touch.items() if lab != 0)
        if cands:
            pockets[cands[0][1] - 1].append(f)
            npocket += 1
    out_ctx = []
    for i, (code, g) in enumerate(ctx):
        g2 = unary_union([g.difference(bth)] + pockets[i])
        out_ctx.append((code, g2))
    log('provinces: %d gap pockets given to context provinces' % npocket)
    return focus, bth, out_ctx


# --------------------------------------------------------------------------
# administrative units: one clean coverage of counties + context provinces
# --------------------------------------------------------------------------
class Unit:
    def __init__(self, idx, code, level, prov, pref, geom):
        self.idx = idx
        self.code = code          # int
        self.level = level        # 'county' or 'context'
        self.prov = prov          # province code (str)
        self.pref = pref          # prefecture code (str)
        self.geom = geom
        self.prep = prep(geom)
        self.bounds = geom.bounds
        rings = [list(r.coords) for p in polys_of(geom)
                 for r in [p.exterior] + list(p.interiors)]
        nv = sum(len(r) for r in rings)
        per = sum(line_len_m(r) for r in rings)
        self.density = nv / max(per / 1000.0, 1e-9)     # vertices per km
        # which line wins where two units' borders do not coincide: counties
        # before (500 m simplified) context provinces, then the more detailed
        # source (the coarse 沧州市 file loses), then the lower code
        self.pref_key = (0 if level == 'county' else 1, -round(self.density, 3), code)


def pair_kind(a, b):
    if a.level == 'context' or b.level == 'context' or a.prov != b.prov:
        return 1
    if a.pref != b.pref:
        return 2
    return 3


def unit_rings(geoms):
    out = []
    for i, g in enumerate(geoms):
        for p in polys_of(g):
            for r in [p.exterior] + list(p.interiors):
                out.append((i, LineString(r.coords)))
    return out


def clean_coverage(units):
    """Resolve the overlaps and gaps between units that come from different
    source files. Every face of the noded boundary network goes to the unit
    that covers it; a face covered by several units (overlap) goes to the
    preferred one, a small face covered by none but enclosed by two or more
    units (gap) to the least preferred neighbour: either way the preferred
    unit's line becomes the common border. Returns (geoms, stats)."""
    rings = unit_rings([u.geom for u in units])
    noded = lines_of(linemerge(unary_union([r for _, r in rings])))
    faces = list(polygonize(noded))
    ugrid = Grid(0.1)
    for u in units:
        ugrid.insert(u.idx, u.bounds)
    bidx = boundary_index([u.geom for u in units])
    assigned = [[] for _ in units]
    holes = []
    st = {'faces': len(faces), 'overlap_faces': 0, 'overlap_km2': 0.0, 'gap_faces': 0,
          'gap_km2': 0.0, 'pinholes_filled': 0, 'pinholes_km2': 0.0, 'holes_left': 0, 'holes_left_km2': 0.0}
    k2 = km2_per_deg2(39.0)
    for f in faces:
        rp = f.representative_point()
        cov = [i for i in ugrid.query_pt(rp.x, rp.y) if units[i].prep.contains(rp)]
        if len(cov) == 1:
            assigned[cov[0]].append(f)
            continue
        if len(cov) > 1:
            best = min(cov, key=lambda i: units[i].pref_key)
            assigned[best].append(f)
            st['overlap_faces'] += 1
            st['overlap_km2'] += f.area * k2
            continue
        # not covered: a gap between units, or a real hole / enclosed water
        adj = bidx.touch_lengths(f) if f.area < GAP_MAX_DEG2 else {}
        if len(adj) >= 2:
            worst = max(sorted(adj), key=lambda i: units[i].pref_key)
            assigned[worst].append(f)
            st['gap_faces'] += 1
            st['gap_km2'] += f.area * k2
        elif len(adj) == 1 and f.area < PINHOLE_MAX_DEG2:
            # a pinhole of one unit (quantisation artefact of the source)
            assigned[sorted(adj)[0]].append(f)
            st['pinholes_filled'] += 1
            st['pinholes_km2'] += f.area * k2
        else:
            st['holes_left'] += 1
            st['holes_left_km2'] += f.area * k2
            holes.append((round(f.area * k2, 3), round(rp.x, 4), round(rp.y, 4)))
    st['holes'] = sorted(holes, reverse=True)
    out = [unary_union(fs) if fs else Polygon() for fs in assigned]
    # stray fragments: small detached parts of a unit that lie inside other
    # units (single quantisation cells left over where two source files
    # disagree) go to the unit around them; islands stay
    bidx = boundary_index(out)
    keep = [[] for _ in out]
    moved = [[] for _ in out]
    st['fragments_moved'] = 0
    for i, g in enumerate(out):
        ps = polys_of(g)
        big = max(range(len(ps)), key=lambda k: ps[k].area) if ps else -1
        for k, p in enumerate(ps):
            if k != big and p.area < FRAGMENT_MAX_DEG2:
                t = bidx.touch_lengths(p)
                others = {j: ln for j, ln in t.items() if j != i}
                if others and sum(others.values()) >= 0.5 * p.exterior.length:
                    j = max(sorted(others), key=lambda x: others[x])
                    moved[j].append(p)
                    st['fragments_moved'] += 1
                    continue
            keep[i].append(p)
    out = [unary_union(keep[i] + moved[i]) if moved[i] else
           (unary_union(keep[i]) if len(keep[i]) != len(polys_of(out[i])) else out[i])
           for i in range(len(out))]
    return out, st


class LineIndex:
    """Lines cut into short chunks in a grid, to find which of them a point
    lies on (within eps degrees; noded intersection points are not exactly on
    the original segments in floating point)."""

    def __init__(self, eps=1e-9, chunk=64):
        self.eps = eps
        self.chunk = chunk
        self.grid = Grid(0.05)
        self.items = []

    def add(self, label, line):
        c = list(line.coords)
        for k in range(0, len(c) - 1, self.chunk):
            piece = LineString(c[k:k + self.chunk + 1])
            self.grid.insert(len(self.items), piece.bounds)
            self.items.append((label, piece))

    def labels_at(self, x, y):
        pt = Point(x, y)
        return sorted({self.items[k][0] for k in self.grid.query_pt(x, y, self.eps)
                       if self.items[k][1].distance(pt) < self.eps})

    def touch_lengths(self, poly):
        """label -> length (deg) of the polygon's boundary lying on its lines"""
        acc = {}
        for r in [poly.exterior] + list(poly.interiors):
            c = list(r.coords)
            for k in range(len(c) - 1):
                mx = (c[k][0] + c[k + 1][0]) / 2
                my = (c[k][1] + c[k + 1][1]) / 2
                ln = math.hypot(c[k + 1][0] - c[k][0], c[k + 1][1] - c[k][1])
                for lab in self.labels_at(mx, my):
                    acc[lab] = acc.get(lab, 0.0) + ln
        return acc


def boundary_index(geoms, labels=None):
    li = LineIndex()
    for i, g in enumerate(geoms):
        lab = i if labels is None else labels[i]
        for p in polys_of(g):
            for r in [p.exterior] + list(p.interiors):
                li.add(lab, r)
    return li


def km2_per_deg2(lat):
    kx, ky = m_scale(lat)
    return kx * ky / 1e6


def edge_network(geoms):
    """Noded boundary network of a clean coverage: list of (LineString,
    owners) with owners the sorted tuple of unit indices whose boundary
    contains the edge (1 = outer edge: coast or edge of the data, 2 = border)."""
    rings = unit_rings(geoms)
    rgrid = Grid(0.1)
    for k, (_, r) in enumerate(rings):
        rgrid.insert(k, r.bounds)
    edges = lines_of(linemerge(unary_union([r for _, r in rings])))
    out = []
    for e in edges:
        m = e.interpolate(0.5, normalized=True)
        owners = tuple(sorted({rings[k][0] for k in rgrid.query_pt(m.x, m.y, 1e-9)
                               if rings[k][1].distance(m) < 1e-9}))
        out.append((e, owners))
    return out


def faces_to_units(faces, geoms, tol):
    """Give each face of a simplified network to the unit it came from."""
    grid = Grid(0.25)
    uparts = []
    for i, g in enumerate(geoms):
        for p in polys_of(g):
            grid.insert(len(uparts), p.bounds)
            uparts.append((i, p, prep(p)))
    assigned = [[] for _ in geoms]
    lost = []
    for f in faces:
        cands = grid.query(f.bounds)
        rp = f.representative_point()
        inside = sorted({uparts[k][0] for k in cands if uparts[k][2].contains(rp)})
        # the network keeps its topology, so (bar the rare crossing that the
        # simplifier lets through) every bounded face is a simplified face
        # of one unit: the unit that contains its inner point, else the one
        # it overlaps most
        best = None
        if len(inside) == 1:
            best = inside[0]
        else:
            acc = {}
            for k in cands:
                i, p, pp = uparts[k]
                if pp.intersects(f):
                    acc[i] = acc.get(i, 0.0) + p.intersection(f).area
            if acc:
                i, a = max(sorted(acc.items()), key=lambda t: t[1])
                if a > 0:
                    best = i
        if best is None:
            lost.append((f.area, round(rp.x, 4), round(rp.y, 4)))
            continue
        assigned[best].append(f)
    return assigned, lost


def verify_borders(borders, units_geoms, step_m=500.0, probe_m=150.0):
    """Independent check that no border runs along a coast: at points every
    step_m along each border (not within 1 km of its ends) both sides, probe_m
    away, must lie inside some unit. Returns (samples, failures)."""
    grid = Grid(0.1)
    preps = []
    for i, g in enumerate(units_geoms):
        grid.insert(i, g.bounds)
        preps.append(prep(g))
    n = bad = 0
    for kind, l in borders:
        c = list(l.coords)
        L = line_len_m(c)
        if L < 2500:
            continue
        pos = 1000.0
        while pos < L - 1000.0:
            frac = pos / L
            p = l.interpolate(frac, normalized=True)
            q = l.interpolate(min(1.0, frac + 1e-4), normalized=True)
            un = (q.x - p.x, q.y - p.y)
            kx, ky = m_scale(p.y)
            dx, dy = un[0] * kx, un[1] * ky
            h = math.hypot(dx, dy)
            if h > 0:
                n += 1
                ok = True
                for s in (1, -1):
                    ox = p.x - s * dy / h * probe_m / kx
                    oy = p.y + s * dx / h * probe_m / ky
                    pt = Point(ox, oy)
                    if not any(preps[i].contains(pt) for i in grid.query_pt(ox, oy)):
                        ok = False
                if not ok:
                    bad += 1
                    log('    border kind %d: sea beside it at %.5f %.5f' % (kind, p.x, p.y))
            pos += step_m
    return n, bad


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
LAYERS = ('land', 'provinces', 'prefectures', 'counties', 'lakes', 'rivers', 'borders',
          'coast')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--geodata', default=os.path.join(root, '..', 'shared', 'geodata'))
    ap.add_argument('--out', default=os.path.join(root, 'maps', 'basemap'))
    args = ap.parse_args()
    gd = args.geodata
    os.makedirs(args.out, exist_ok=True)

    cty_feats = load_fc(gd, 'counties')
    pre_feats = load_fc(gd, 'prefectures')
    prov_feats = load_fc(gd, 'provinces_context')
    water = load_fc(gd, 'water')
    land_feats = load_fc(gd, 'land')
    gaz = load_gazetteer(os.path.join(gd, 'gazetteer.tsv'))
    if (len(cty_feats), len(pre_feats), len(prov_feats)) != (200, 13, 8):
        log('warning: unexpected feature counts')
    cty_feats.sort(key=lambda f: int(f['properties']['code']))
    pre_feats.sort(key=lambda f: int(f['properties']['code']))
    prov_feats.sort(key=lambda f: int(f['properties']['code']))
    cty_geom = [shape(f['geometry']) for f in cty_feats]
    pre_geom = {f['properties']['code']: shape(f['geometry']) for f in pre_feats}
    for g in cty_geom + list(pre_geom.values()):
        if not g.is_valid:
            sys.exit('build-basemap: invalid input polygon')
    log('loaded %d counties, %d prefectures, %d provinces' %
        (len(cty_feats), len(pre_feats), len(prov_feats)))
    gshhg = [shape(f['geometry']) for f in land_feats]
    gshhg_u = unary_union(gshhg)

    # ---- administrative coverage: 200 counties + 5 context provinces fitted
    #      to the full-detail BTH outline
    _, _, ctx = build_provinces(prov_feats, pre_geom, prep(gshhg_u))
    units = []
    for f, g in zip(cty_feats, cty_geom):
        p = f['properties']
        units.append(Unit(len(units), int(p['code']), 'county', p['province_code'],
                          p['prefecture_code'], g))
    for code, g in ctx:
        units.append(Unit(len(units), int(code), 'context', code, code, g))
    clean, st = clean_coverage(units)
    log('coverage: %s' % fmt_stats(st))
    ncty = len(cty_feats)
    for u, g in zip(units, clean):
        if g.is_empty or not g.is_valid:
            sys.exit('build-basemap: unit %d became empty/invalid' % u.code)
    dev = max((abs(c.area - u.geom.area) / u.geom.area, u.code) for u, c in zip(units, clean))
    log('coverage: largest relative area change of a unit %.4f %% (%d)' % (100 * dev[0], dev[1]))
    network = edge_network(clean)
    nb = [0, 0, 0]
    for e, ow in network:
        nb[min(len(ow), 2)] += 1
    log('network: %d edges (%d outer, %d borders, %d without owner)' %
        (len(network), nb[1], nb[2], nb[0]))
    kinds = []
    for e, ow in network:
        kinds.append(pair_kind(units[ow[0]], units[ow[1]]) if len(ow) == 2 else 0)

    # ---- land: GSHHG outside BTH, the counties inside (reclaimed land)
    land = unary_union([gshhg_u] + clean[:ncty]).intersection(box(*LAND_BOX))
    land_parts = sorted(polys_of(land), key=lambda p: (-round(p.area, 9), p.bounds))
    log('land: %d polygons (GSHHG %d)' % (len(land_parts), len(gshhg)))

    # ---- water
    lakes = [shape(f['geometry']) for f in water if f['properties']['kind'] == 'lake']
    rbox = box(*RIVER_BOX)
    rivers = []
    for f in water:
        if f['properties']['kind'] == 'river':
            g = shape(f['geometry'])
            if not rbox.contains(g):
                g = linemerge(lines_of(g.intersection(rbox)))
            for l in lines_of(g):
                rivers.append((int(f['properties']['rank']), l))

    pref_codes = sorted(pre_geom)
    prov_order = [(f['properties']['code'], 1 if f['properties']['role'] == 'focus' else 2)
                  for f in prov_feats]
    ctx_index = {str(units[i].code): i for i in range(ncty, len(units))}
    cbox = box(*COAST_BOX)
    summary = []
    for b in range(len(BANDS)):
        tol, min_area, min_len = band_params(b)
        log('band %d: tol %.6f deg, min area %.3g deg2, min length %.6f deg' %
            (b, tol, min_area, min_len))
        res = {}
        # administrative layers from one simplified network
        simp = simplify_lines([e for e, _ in network], tol)
        if tol > 0:
            faces = list(polygonize(unary_union(simp)))
            assigned, lost = faces_to_units(faces, clean, tol)
            if lost:
                log('  faces not assigned (holes in the coverage): %s' % lost)
        else:
            assigned = [[g] for g in clean]
        ugeo = [unary_union(fs) if fs else Polygon() for fs in assigned]
        nbad = sum(1 for g in ugeo if not g.is_empty and not g.is_valid)
        if nbad:
            log('  warning: %d invalid unit polygons' % nbad)
        res['counties'] = (1, [(0, units[i].code, polygon_parts(drop_small(ugeo[i], min_area)))
                               for i in range(ncty)])
        feats = []
        for pc in pref_codes:
            g = unary_union([ugeo[i] for i in range(ncty) if units[i].pref == pc])
            feats.append((0, int(pc), polygon_parts(drop_small(g, min_area))))
        res['prefectures'] = (1, feats)
        feats = []
        for pc, kind in prov_order:
            if kind == 1:
                g = unary_union([ugeo[i] for i in range(ncty) if units[i].prov == pc])
            else:
                g = ugeo[ctx_index[pc]]
            feats.append((kind, int(pc), polygon_parts(drop_small(g, min_area))))
        res['provinces'] = (1, feats)
        # borders: the edges between two units of the same simplified network
        bl = []
        for kind in (1, 2, 3):
            ls = [l for l, k in zip(simp, kinds) if k == kind]
            if ls:
                bl.extend((kind, l) for l in lines_of(linemerge(ls)))
        ends = {}
        for _, l in bl:
            c = l.coords
            for p in (c[0], c[-1]):
                ends[p] = ends.get(p, 0) + 1
        feats = []
        for kind, l in bl:
            c = l.coords
            closed = c[0] == c[-1]
            if l.length < min_len and (closed or (ends[c[0]] == 1 and ends[c[-1]] == 1)):
                continue
            feats.append((kind, 0, line_parts(l)))
        res['borders'] = (2, feats)
        if b == FULL_DETAIL_BAND:
            n, bad = verify_borders(bl, clean)
            log('  border check: %d samples, %d with sea (no unit) on a side' % (n, bad))
        # land: each polygon on its own
        land_b = simplify_each(land_parts, tol, min_area)
        res['land'] = (1, [(0, 0, polygon_parts(g)) for g in land_b])
        lk = simplify_each(lakes, tol, min_area)
        res['lakes'] = (1, [(0, 0, polygon_parts(g)) for g in lk])
        rs = simplify_lines([l for _, l in rivers], tol)
        res['rivers'] = (2, [(k, 0, line_parts(l)) for (k, _), l in zip(rivers, rs)
                             if l.length >= min_len])
        # coast: outline of this band's land inside the Bohai box
        cl = []
        for g in land_b:
            for p in polys_of(g):
                for r in [p.exterior] + list(p.interiors):
                    rl = LineString(r.coords)
                    if rl.intersects(cbox):
                        cl.extend(lines_of(rl.intersection(cbox)))
        cl = lines_of(linemerge(cl)) if cl else []
        cl = sorted((l for l in cl if l.length >= min_len),
                    key=lambda l: (-round(l.length, 9), l.bounds))
        res['coast'] = (2, [(0, 0, line_parts(l)) for l in cl])

        for layer in LAYERS:
            gt, feats = res[layer]
            feats = sorted(feats, key=lambda f: f[1])   # by code, stable
            nf, npt, nbytes = write_bin(os.path.join(args.out, '%s.%d.bin' % (layer, b)),
                                        gt, feats)
            summary.append((layer, b, nf, npt, nbytes))
        log('band %d written' % b)

    write_tables(args.out, cty_feats, pre_feats, prov_feats, gaz)
    total = 0
    for layer, b, nf, npt, nbytes in summary:
        print('%-12s band %d  features %5d  points %7d  bytes %8d' % (layer, b, nf, npt, nbytes))
        total += nbytes
    print('total .bin bytes: %d' % total)
    log('done')


def fmt_stats(st):
    return ', '.join('%s %.2f' % (k, v) if isinstance(v, float) else
                     '%s %d' % (k, v) if isinstance(v, int) else '%s %s' % (k, v)
                     for k, v in st.items())


def fmt(v):
    return '%.5f' % v


def write_tables(out, cty_feats, pre_feats, prov_feats, gaz):
    pre_by_code = {f['properties']['code']: f['properties'] for f in pre_feats}
    # counties.tsv
    rows = ['\t'.join(['code', 'name_zh', 'name_en', 'prefecture_code', 'prefecture_zh',
                       'province_code', 'province_zh', 'area_km2', 'label_lon', 'label_lat',
                       'status'])]
    for f in cty_feats:
        p = f['properties']
        rows.append('\t'.join([p['code'], p['name'], p['name_en'], p['prefecture_code'],
                               p['prefecture'], p['province_code'], p['province'],
                               '%.1f' % p['area_km2'], fmt(p['label'][0]), fmt(p['label'][1]),
                               p['status']]))
    write_text(os.path.join(out, 'counties.tsv'), rows)
    # prefectures.tsv
    rows = ['\t'.join(['code', 'name_zh', 'name_en', 'province_code', 'province_zh',
                       'area_km2', 'label_lon', 'label_lat'])]
    for f in pre_feats:
        p = f['properties']
        rows.append('\t'.join([p['code'], p['name'], p['name_en'], p['province_code'],
                               p['province'], '%.1f' % p['area_km2'], fmt(p['label'][0]),
                               fmt(p['label'][1])]))
    write_text(os.path.join(out, 'prefectures.tsv'), rows)
    # labels.tsv
    rows = ['\t'.join(['kind', 'rank', 'minzoom', 'maxzoom', 'lon', 'lat', 'code',
                       'name_zh', 'name_en'])]

    def row(kind, rank, zmin, zmax, lon, lat, code, zh, en):
        rows.append('\t'.join([kind, str(rank), str(zmin), str(zmax), fmt(lon), fmt(lat),
                               str(code), zh, en]))
    for f in prov_feats:
        p = f['properties']
        zmax = 8 if p['role'] == 'focus' else 10
        row('province', 1, 5, zmax, p['label'][0], p['label'][1], int(p['code']),
            p['name'], p['name_en'])
    for r in SEA_LABELS:
        row(*r)
    for f in pre_feats:
        p = f['properties']
        if p['code'] in ('110000', '120000'):
            continue        # the province labels cover the municipalities
        row('prefecture', 2, 7, 11, p['label'][0], p['label'][1], int(p['code']),
            p['name'], p['name_en'])
    county_names = set()
    for f in cty_feats:
        p = f['properties']
        county_names.add(p['name'])
        a = p['area_km2']
        zmin = 9 if a >= 400 else (10 if a >= 30 else 11)
        row('county', 3, zmin, 14, p['label'][0], p['label'][1], int(p['code']),
            p['name'], p['name_en'])
    # names of the prefectures that get a label of their own (not 北京市/天津市)
    pref_names = {p['name'] for c, p in pre_by_code.items() if c not in ('110000', '120000')}
    for g in gaz:
        if g['kind'] not in PLACE_KINDS:
            continue
        zh = strip_paren(g['name_zh'])
        en = strip_paren(g['name_en'])
        zmin = PLACE_MINZOOM[g['kind']]
        if g['kind'] == 'city_centre':
            if zh + '市' in county_names and zh + '市' not in pref_names:
                continue    # county-level city: its county label says the same
            if zh + '市' in pref_names:
                zmin = 12   # prefecture label shows up to zoom 11
        code = int(g['county_code']) if g.get('county_code') else 0
        row('place', 4, zmin, 14, float(g['lon']), float(g['lat']), code, zh, en)
    write_text(os.path.join(out, 'labels.tsv'), rows)


def write_text(path, rows):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()
    # last, over every file main() wrote: the checksums the application checks at load
    import subprocess
    here = os.path.dirname(os.path.abspath(__file__))
    out_arg = argparse.ArgumentParser(add_help=False)
    out_arg.add_argument('--out', default=os.path.join(os.path.dirname(here), 'maps', 'basemap'))
    subprocess.run([sys.executable, os.path.join(here, 'write-basemap-manifest.py'),
                    out_arg.parse_known_args()[0].out], check=True)
