#!/usr/bin/env python3
"""Build the Capital Atlas base map (maps/basemap/) from the geodata pack.

Usage (from the repository root):

    python3 tools/build-basemap.py [--geodata ../shared/geodata] [--out maps/basemap]

Reads counties.geojson, prefectures.geojson, provinces_context.geojson,
water.geojson, land.geojson, railways.geojson, stations.geojson,
urban_areas.geojson, relief/dem_srtm30plus.tif and gazetteer.tsv of the data
pack, and the physical names of maps/gazetteer.tsv, and writes

    <layer>.<band>.bin   layers land, provinces, prefectures, counties, lakes,
                         rivers, borders, coast; bands 0..3 (zooms 5-6, 7-8,
                         9-10, 11-14); binary format "ATBM" version 1, see
                         maps/README.md
    labels.tsv           label points
    counties.tsv         one row per county
    prefectures.tsv      one row per prefecture
    railways.<band>.bin  bands 1..3; urban.<band>.bin  bands 0..2 (ATBM)
    relief.bin           hillshade on the zoom-7 Web Mercator grid ("ATRL")
    stations.tsv         the named railway stations (OpenStreetMap, ODbL)

Method, in short: the 200 counties and the 5 context provinces (fitted to
the full-detail BTH outline) are turned into one clean coverage (overlaps
and gaps between source files resolved); per band its noded edge network is
simplified once (topology preserving, end nodes fixed) and re-polygonized, so
counties, prefectures, provinces and borders share exactly the same lines.
Borders are the network edges with a unit on both sides (never coastline).
Land = GSHHG land united with the counties (reclaimed land); coast = outline
of each band's land in the Bohai box.

The output is deterministic (same input -> byte-identical files).
Needs Python 3, shapely 1.8, GDAL's bindings and numpy (Debian
python3-shapely, python3-gdal, python3-numpy); if the python3 on PATH has no
shapely, the script re-runs itself with /usr/bin/python3.
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
# relief, railways, stations, built-up areas, physical names, schematic lakes
# --------------------------------------------------------------------------
RELIEF_ZOOM = 7             # one relief pixel = one map pixel at zoom 7 (~1 km here)
RELIEF_BOX = (113.0, 36.0, 120.5, 42.7)     # extent of the DEM
RELIEF_EXAGGERATION = 3.0   # the 2 km DEM smooths slopes: steepen them for the shading
RELIEF_AZIMUTH = 315.0      # light from the north-west, as in printed atlases
RELIEF_ALTITUDE = 45.0
RELIEF_GAIN = 180.0         # byte = 128 + gain * (illumination - illumination of flat land)
RELIEF_BLUR_PASSES = 2      # binomial 5-tap blur passes over the resampled DEM
RELIEF_HALO_PX = 24         # ... and beyond the border of Beijing, Tianjin and Hebei
RELIEF_EDGE_PX = 12         # the shading fades out towards the edges of the DEM

RAILWAY_BANDS = (1, 2, 3)   # drawn from zoom 7
URBAN_BANDS = (0, 1, 2)     # drawn at zooms 6-10
STATION_BOX = (113.0, 36.0, 120.5, 42.7)

# Lakes that GSHHG lacks, as natural-looking schematic outlines of their
# known areas (kind 1 in the lakes layer). Lakes: a hand-drawn ring of the
# lake's general shape (from general geographic knowledge) scaled to the
# area; reservoirs: the WDBII river line between the head of the reservoir
# and the dam, widened with drowned side valleys until the area is reached.
SCHEMATIC_LAKES = [
    # name, area km2, ring (lon, lat) or None, river: (upstream point, dam point), side arms
    ('白洋淀', 366.0, [(115.862, 38.905), (115.885, 38.930), (115.915, 38.935), (115.935, 38.958),
                      (115.965, 38.960), (115.990, 38.975), (116.020, 38.968), (116.040, 38.950),
                      (116.070, 38.945), (116.095, 38.925), (116.108, 38.895), (116.095, 38.870),
                      (116.100, 38.845), (116.075, 38.830), (116.050, 38.838), (116.030, 38.815),
                      (116.000, 38.812), (115.985, 38.835), (115.960, 38.842), (115.945, 38.825),
                      (115.920, 38.832), (115.915, 38.860), (115.890, 38.868), (115.870, 38.880)],
     None, ()),
    ('衡水湖', 75.0, [(115.598, 37.676), (115.612, 37.688), (115.630, 37.684), (115.648, 37.678),
                     (115.660, 37.664), (115.656, 37.648), (115.664, 37.632), (115.658, 37.612),
                     (115.662, 37.596), (115.648, 37.580), (115.628, 37.574), (115.612, 37.580),
                     (115.604, 37.596), (115.614, 37.612), (115.606, 37.628), (115.596, 37.644),
                     (115.602, 37.660)],
     None, ()),
    ('潘家口水库', 70.0, None, ((118.144, 40.585), (118.2803, 40.3889)),
     (((118.215, 40.500), (118.262, 40.532)), ((118.238, 40.445), (118.205, 40.432)),
      ((118.190, 40.560), (118.228, 40.588)))),
    ('大黑汀水库', 15.0, None, ((118.255, 40.332), (118.294, 40.214)),
     (((118.268, 40.300), (118.292, 40.312)),)),
]


def merc_world(lon, lat):
    phi = math.radians(lat)
    return ((lon + 180.0) / 360.0,
            (1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0)


def build_relief(gd, out):
    """Hillshade (Horn's method) of the DEM on the Web Mercator pixel grid of
    zoom RELIEF_ZOOM, written as "ATRL" (maps/README.md): one byte a pixel,
    128 = no shading (flat land, sea, outside the DEM), less = shadow, more
    = light. Nodata on land counts as 0 m; the sea (outside GSHHG land and
    the counties) gets no shading."""
    import numpy as np
    from osgeo import gdal
    gdal.UseExceptions()
    n = 256 * 2 ** RELIEF_ZOOM
    wx0, wy0 = merc_world(RELIEF_BOX[0], RELIEF_BOX[3])
    wx1, wy1 = merc_world(RELIEF_BOX[2], RELIEF_BOX[1])
    x0, y0 = int(math.floor(wx0 * n)), int(math.floor(wy0 * n))
    x1, y1 = int(math.ceil(wx1 * n)), int(math.ceil(wy1 * n))
    w, h = x1 - x0, y1 - y0
    size = 2 * math.pi * 6378137.0
    px = size / n
    src = gdal.Open(os.path.join(gd, 'relief', 'dem_srtm30plus.tif'))
    band = src.GetRasterBand(1)
    dem = band.ReadAsArray().astype(np.float32)
    dem[dem == band.GetNoDataValue()] = 0.0          # sea and masked coastal land
    mem = gdal.GetDriverByName('MEM').Create('', src.RasterXSize, src.RasterYSize, 1,
                                             gdal.GDT_Float32)
    mem.SetGeoTransform(src.GetGeoTransform())
    mem.SetProjection(src.GetProjection())
    mem.GetRasterBand(1).WriteArray(dem)
    bounds = (-size / 2 + x0 * px, size / 2 - y1 * px, -size / 2 + x1 * px, size / 2 - y0 * px)
    warped = gdal.Warp('', mem, format='MEM', dstSRS='EPSG:3857', outputBounds=bounds,
                       width=w, height=h, resampleAlg='cubicspline')
    elev = warped.GetRasterBand(1).ReadAsArray().astype(np.float64)
    z = elev * RELIEF_EXAGGERATION
    # the DEM was resampled twice upstream (tiles -> 0.02 deg -> here), which
    # leaves a blocky grid in the slopes: a binomial blur (sigma ~1.4 px) hides it
    kern = np.array([1, 4, 6, 4, 1], dtype=np.float64) / 16.0
    for _ in range(RELIEF_BLUR_PASSES):
        zp = np.pad(z, 2, mode='edge')
        z = sum(kern[k] * zp[k:k + h, 2:-2] for k in range(5))
        zp = np.pad(z, 2, mode='edge')
        z = sum(kern[k] * zp[2:-2, k:k + w] for k in range(5))
    land = gdal.GetDriverByName('MEM').Create('', w, h, 1, gdal.GDT_Byte)
    land.SetGeoTransform(warped.GetGeoTransform())
    land.SetProjection(warped.GetProjection())
    for name in ('land', 'counties'):
        gdal.Rasterize(land, os.path.join(gd, name + '.geojson'), burnValues=[1])
    is_land = land.GetRasterBand(1).ReadAsArray() > 0
    # the shading is for the region (Beijing, Tianjin, Hebei): it fades out
    # over about RELIEF_HALO_PX beyond the region's border rather than
    # stopping at the DEM's rectangle in the neighbouring provinces
    region = gdal.GetDriverByName('MEM').Create('', w, h, 1, gdal.GDT_Byte)
    region.SetGeoTransform(warped.GetGeoTransform())
    region.SetProjection(warped.GetProjection())
    gdal.Rasterize(region, os.path.join(gd, 'prefectures.geojson'), burnValues=[1])
    inside = (region.GetRasterBand(1).ReadAsArray() > 0).astype(np.float64)
    halo = inside
    r = RELIEF_HALO_PX // 3
    for _ in range(3):      # three box blurs ~ a Gaussian
        hp = np.pad(halo, r, mode='constant')
        c = np.cumsum(np.pad(hp, ((1, 0), (0, 0))), axis=0)
        halo = (c[2 * r + 1:, :] - c[:-2 * r - 1, :])[:, r:-r] / (2 * r + 1)
        hp = np.pad(halo, r, mode='constant')
        c = np.cumsum(np.pad(hp, ((0, 0), (1, 0))), axis=1)
        halo = (c[:, 2 * r + 1:] - c[:, :-2 * r - 1])[r:-r, :] / (2 * r + 1)
    region_fade = np.clip(np.maximum(inside, 2 * halo), 0, 1)
    # ground size of a pixel: the Mercator pixel shrinks with cos(latitude)
    rows = np.arange(h) + y0 + 0.5
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * rows / n))))
    d = (px * np.cos(np.radians(lat)))[:, None]
    zp = np.pad(z, 1, mode='edge')
    a, b, c = zp[:-2, :-2], zp[:-2, 1:-1], zp[:-2, 2:]
    dd, f = zp[1:-1, :-2], zp[1:-1, 2:]
    g, hh, i = zp[2:, :-2], zp[2:, 1:-1], zp[2:, 2:]
    d_east = ((c + 2 * f + i) - (a + 2 * dd + g)) / (8 * d)
    d_north = -((g + 2 * hh + i) - (a + 2 * b + c)) / (8 * d)
    az, alt = math.radians(RELIEF_AZIMUTH), math.radians(RELIEF_ALTITUDE)
    lx, ly, lz = math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)
    illum = np.clip((-d_east * lx - d_north * ly + lz) / np.sqrt(d_east ** 2 + d_north ** 2 + 1),
                    0, 1)
    delta = illum - lz
    # fade out towards the edges of the DEM, so that it has no hard edge
    ex = np.minimum(np.arange(w), np.arange(w)[::-1])[None, :]
    ey = np.minimum(np.arange(h), np.arange(h)[::-1])[:, None]
    fade = np.clip(np.minimum(ex, ey) / float(RELIEF_EDGE_PX), 0, 1)
    v = np.clip(np.round(128 + RELIEF_GAIN * delta * fade * region_fade), 1, 255)
    v[~is_land] = 128
    v = v.astype(np.uint8)
    data = struct.pack('<4sHHIIII', b'ATRL', 1, RELIEF_ZOOM, x0, y0, w, h) + v.tobytes()
    with open(os.path.join(out, 'relief.bin'), 'wb') as fh:
        fh.write(data)
    log('relief: %d x %d px at zoom %d, %d bytes, %.1f %% shaded' %
        (w, h, RELIEF_ZOOM, len(data), 100.0 * np.mean(np.abs(v.astype(int) - 128) > 2)))
    return elev, (x0, y0, n)


def relief_centroid(elev, grid, bbox, lo, hi):
    """Centroid (lon, lat) of the relief pixels with lo <= elevation < hi
    inside bbox: where a physical name is placed."""
    import numpy as np
    x0, y0, n = grid
    h, w = elev.shape
    cols = (np.arange(w) + x0 + 0.5) / n * 360.0 - 180.0
    rows = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (np.arange(h) + y0 + 0.5) / n))))
    lon, lat = np.meshgrid(cols, rows)
    m = ((lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
         & (elev >= lo) & (elev < hi))
    if not m.any():
        return None
    return float(lon[m].mean()), float(lat[m].mean()), int(m.sum())


def build_railways(gd, out):
    lines = []
    for f in load_fc(gd, 'railways'):
        lines.extend(lines_of(shape(f['geometry'])))
    lines = lines_of(linemerge(lines))
    lines.sort(key=lambda l: (-round(l.length, 9), l.bounds))
    sizes = []
    for b in RAILWAY_BANDS:
        tol, _, min_len = band_params(b)
        simp = simplify_lines(lines, tol)
        feats = [(0, 0, line_parts(l)) for l in simp if l.length >= min_len]
        sizes.append(write_bin(os.path.join(out, 'railways.%d.bin' % b), 2, feats))
    log('railways: %d lines; per band (features, points, bytes) %s' % (len(lines), sizes))


def build_urban(gd, out):
    polys = sorted((shape(f['geometry']) for f in load_fc(gd, 'urban_areas')),
                   key=lambda p: (-round(p.area, 9), p.bounds))
    sizes = []
    for b in URBAN_BANDS:
        tol, min_area, _ = band_params(b)
        feats = [(0, 0, polygon_parts(g)) for g in simplify_each(polys, tol, min_area)]
        sizes.append(write_bin(os.path.join(out, 'urban.%d.bin' % b), 1, feats))
    log('urban areas: %d polygons; per band %s' % (len(polys), sizes))


def build_stations(gd, out):
    """stations.tsv: the named stations inside the relief box; a name that
    occurs twice within 2 km is kept once."""
    rows = []
    for f in load_fc(gd, 'stations'):
        name = (f['properties'].get('name') or '').strip()
        lon, lat = f['geometry']['coordinates'][:2]
        if not name or '\t' in name or not (STATION_BOX[0] <= lon <= STATION_BOX[2]
                                             and STATION_BOX[1] <= lat <= STATION_BOX[3]):
            continue
        if any(r[0] == name and dist_m((r[1], r[2]), (lon, lat)) < 2000 for r in rows):
            continue
        rows.append((name, lon, lat))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    write_text(os.path.join(out, 'stations.tsv'),
               ['name_zh\tlon\tlat'] + ['%s\t%s\t%s' % (r[0], fmt(r[1]), fmt(r[2])) for r in rows])
    log('stations: %d named' % len(rows))


def _chaikin(pts, rounds):
    for _ in range(rounds):
        q = []
        for k in range(len(pts)):
            a, b = pts[k], pts[(k + 1) % len(pts)]
            q.append((0.75 * a[0] + 0.25 * b[0], 0.75 * a[1] + 0.25 * b[1]))
            q.append((0.25 * a[0] + 0.75 * b[0], 0.25 * a[1] + 0.75 * b[1]))
        pts = q
    return pts


def _area_km2(g):
    return g.area * km2_per_deg2(g.centroid.y)


def _wobble(ring, amp, seed):
    """Displace a ring's points along their normals by a smooth, seeded sum
    of sines: a shore rather than a drawn curve."""
    n = len(ring)
    out = []
    for k in range(n):
        p0, p1, p2 = ring[k - 1], ring[k], ring[(k + 1) % n]
        tx, ty = p2[0] - p0[0], p2[1] - p0[1]
        tl = math.hypot(tx, ty) or 1.0
        t = 2 * math.pi * k / n
        s = (math.sin(7 * t + seed) + 0.6 * math.sin(13 * t + 2.1 * seed)
             + 0.35 * math.sin(29 * t + 3.7 * seed) + 0.25 * math.sin(47 * t + 5.3 * seed))
        out.append((p1[0] + ty / tl * amp * s, p1[1] - tx / tl * amp * s))
    return out


def schematic_lakes(gd):
    """(name, polygon) of the lakes GSHHG lacks, see SCHEMATIC_LAKES."""
    from shapely.affinity import scale as scale_geom
    from shapely.ops import substring
    rivers = [shape(f['geometry']) for f in load_fc(gd, 'water')
              if f['properties']['kind'] == 'river']
    out = []
    for seed, (name, km2, ring, river, arms) in enumerate(SCHEMATIC_LAKES, 1):
        if ring is not None:
            pts = _wobble(_chaikin(ring, 2), 0.0018, seed)
            g = Polygon(pts).buffer(0)
            c = g.centroid
            for _ in range(8):
                f = math.sqrt(km2 / _area_km2(g))
                g = scale_geom(g, f, f, origin=c)
        else:
            up, dam = Point(river[0]), Point(river[1])
            line = min((l for r in rivers for l in lines_of(r)), key=lambda l: l.distance(dam))
            s0, s1 = sorted((line.project(up), line.project(dam)))
            axis = substring(line, s0, s1)
            # each side valley leaves the main one where it is nearest
            arms_l = [LineString([axis.interpolate(axis.project(Point(a[0]))).coords[0]] + list(a))
                      for a in arms]

            def body(wd):
                pieces = []
                steps = max(int(axis.length / 0.002), 2)
                for k in range(steps):
                    seg = substring(axis, axis.length * k / steps, axis.length * (k + 1) / steps)
                    t = k / steps
                    # narrow at the head, widest just above the dam, bays on the way
                    wk = wd * (0.35 + 0.65 * t) * (1 + 0.35 * math.sin(17 * t + seed))
                    pieces.append(seg.buffer(wk, resolution=6))
                for a in arms_l:
                    pieces.append(a.buffer(wd * 0.45, resolution=6))
                return unary_union(pieces).buffer(wd * 0.3).buffer(-wd * 0.3)
            lo, hi = 0.0005, 0.02
            for _ in range(30):
                mid = (lo + hi) / 2
                if _area_km2(body(mid)) < km2:
                    lo = mid
                else:
                    hi = mid
            g = body((lo + hi) / 2)
        g = max(polys_of(g.simplify(0.0003, preserve_topology=True)), key=lambda p: p.area)
        out.append((name, g))
        log('schematic lake %s: %.1f km2 (target %.0f), %d points' %
            (name, _area_km2(g), km2, len(g.exterior.coords)))
    return out


# Physical names (rows of kind "physical" in maps/gazetteer.tsv): label kind,
# rank, zooms, and for land names the relief query that placed them (the
# centroid of the DEM cells in a box within an elevation range; printed by
# --physical, copied into the gazetteer with its source).
PHYSICAL = {
    'phys_yanshan': ('relief', 2, 5, 9, (116.8, 40.0, 119.3, 41.0), 400, 99999),
    'phys_taihang': ('relief', 2, 5, 9, (113.9, 36.5, 115.0, 39.6), 600, 99999),
    'phys_bashang': ('relief', 2, 6, 9, (114.3, 41.2, 116.2, 41.75), 1250, 99999),
    'phys_north_china_plain': ('relief', 2, 6, 8, (115.0, 37.0, 117.2, 39.0), -1, 50),
    'phys_qilaotu': ('relief', 2, 7, 9, (118.0, 41.3, 119.6, 42.4), 900, 99999),
    'phys_jundushan': ('relief', 3, 8, 10, (115.9, 40.2, 116.7, 40.6), 400, 99999),
    'phys_xishan': ('relief', 3, 9, 11, (115.7, 39.7, 116.2, 40.05), 300, 99999),
    'phys_bohai_bay': ('water', 2, 7, 10, None, 0, 0),
}


def physical_labels(gaz):
    """Label rows of the physical names of the project gazetteer."""
    rows = []
    for g in gaz:
        if g['kind'] != 'physical' or g['id'] not in PHYSICAL:
            continue
        kind, rank, zmin, zmax = PHYSICAL[g['id']][:4]
        rows.append((kind, rank, zmin, zmax, float(g['lon']), float(g['lat']), 0,
                     strip_paren(g['name_zh']), strip_paren(g['name_en'])))
    return rows


def print_physical(elev, grid):
    for pid, (kind, _, _, _, bbox, lo, hi) in sorted(PHYSICAL.items()):
        if bbox is not None:
            c = relief_centroid(elev, grid, bbox, lo, hi)
            print('%s\t%.4f\t%.4f\t(%d cells)' % (pid, c[0], c[1], c[2]))


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
    ap.add_argument('--gazetteer', default=os.path.join(root, 'maps', 'gazetteer.tsv'),
                    help='the project gazetteer, source of the physical names')
    ap.add_argument('--physical', action='store_true',
                    help='only print the relief centroids of the physical names')
    args = ap.parse_args()
    gd = args.geodata
    os.makedirs(args.out, exist_ok=True)
    if args.physical:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            print_physical(*build_relief(gd, tmp))
        return

    cty_feats = load_fc(gd, 'counties')
    pre_feats = load_fc(gd, 'prefectures')
    prov_feats = load_fc(gd, 'provinces_context')
    water = load_fc(gd, 'water')
    land_feats = load_fc(gd, 'land')
    gaz = load_gazetteer(os.path.join(gd, 'gazetteer.tsv'))
    physical = physical_labels(load_gazetteer(args.gazetteer))
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
    schematic = schematic_lakes(gd)
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
        res['lakes'] = (1, [(0, 0, polygon_parts(g)) for g in lk]
                        + [(1, 0, polygon_parts(g)) for g in
                           simplify_each([g for _, g in schematic], tol, min_area)])
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

    write_tables(args.out, cty_feats, pre_feats, prov_feats, gaz, physical)
    build_relief(gd, args.out)
    build_railways(gd, args.out)
    build_urban(gd, args.out)
    build_stations(gd, args.out)
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


def write_tables(out, cty_feats, pre_feats, prov_feats, gaz, physical):
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
    for r in physical:
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
        if g['kind'] == 'mountain' and any(zh == r[7] for r in physical):
            continue    # 燕山, 太行山: the physical name stands for the range
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
