#!/usr/bin/env python3
"""Check the files written by tools/build-basemap.py (Python 3 standard library only).

Usage: python3 tools/check-basemap.py [DIR]        (DIR defaults to maps/basemap)

Reads every <layer>.<band>.bin back and verifies the "ATBM" version 1 format:
magic, version, geometry type, the feature count and the total point count of
the header, the reserved field, every bounding box (must equal the extent of
the feature's points), point counts per part (rings >= 3 points and not closed
by a repeated first point, lines >= 2 points), coordinates inside the map box,
and that nothing follows the last feature. Also checks that all layers have
all four bands (railways bands 1-3, urban bands 0-2), the header and size of
relief.bin ("ATRL") and the column counts of labels.tsv, counties.tsv,
prefectures.tsv and stations.tsv. Prints features, points and bytes per file; exit status 1 on
any error.
"""
import os
import struct
import sys

LAYERS = {'land': 1, 'provinces': 1, 'prefectures': 1, 'counties': 1, 'lakes': 1,
          'rivers': 2, 'borders': 2, 'coast': 2}
BANDS = 4
OPTIONAL_LAYERS = {'railways': (2, (1, 2, 3)), 'urban': (1, (0, 1, 2))}
BOX_E6 = (100000000, 28000000, 135000000, 50000000)   # lon 100-135, lat 28-50
TABLES = {
    'labels.tsv': ['kind', 'rank', 'minzoom', 'maxzoom', 'lon', 'lat', 'code', 'name_zh',
                   'name_en'],
    'counties.tsv': ['code', 'name_zh', 'name_en', 'prefecture_code', 'prefecture_zh',
                     'province_code', 'province_zh', 'area_km2', 'label_lon', 'label_lat',
                     'status'],
    'prefectures.tsv': ['code', 'name_zh', 'name_en', 'province_code', 'province_zh',
                        'area_km2', 'label_lon', 'label_lat'],
    'stations.tsv': ['name_zh', 'lon', 'lat'],
}


def check_relief(path):
    """relief.bin ("ATRL"): header, grid inside the world, size."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24 or data[:4] != b'ATRL':
        return None, ['bad header']
    version, zoom, x0, y0, w, h = struct.unpack('<HHIIII', data[4:24])
    errs = []
    if version != 1:
        errs.append('version %d' % version)
    if w == 0 or h == 0 or x0 + w > 256 << zoom or y0 + h > 256 << zoom:
        errs.append('grid out of range')
    if len(data) != 24 + w * h:
        errs.append('size %d, expected %d' % (len(data), 24 + w * h))
    return (zoom, w, h), errs


def read_bin(path, want_type):
    """Returns (n_features, n_points, kinds, codes, errors)."""
    errs = []
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 16:
        return 0, 0, {}, [], ['file shorter than the header']
    magic, version, gtype, nfeat, npts = struct.unpack_from('<4sHHII', data, 0)
    if magic != b'ATBM':
        errs.append('bad magic %r' % magic)
    if version != 1:
        errs.append('version %d' % version)
    if gtype != want_type:
        errs.append('geom_type %d, expected %d' % (gtype, want_type))
    off = 16
    seen_pts = 0
    kinds = {}
    codes = []
    try:
        for fi in range(nfeat):
            kind, hi, code, x0, y0, x1, y1, nparts = struct.unpack_from('<HHIiiiiI', data, off)
            off += 28
            if hi != 0:
                errs.append('feature %d: n_parts_hi %d' % (fi, hi))
            if nparts == 0:
                errs.append('feature %d: no parts' % fi)
            kinds[kind] = kinds.get(kind, 0) + 1
            codes.append(code)
            mnx = mny = 2 ** 31
            mxx = mxy = -2 ** 31
            for pi in range(nparts):
                (n,) = struct.unpack_from('<I', data, off)
                off += 4
                pts = struct.unpack_from('<%di' % (2 * n), data, off)
                off += 8 * n
                seen_pts += n
                xs, ys = pts[0::2], pts[1::2]
                minpts = 3 if gtype == 1 else 2
                if n < minpts:
                    errs.append('feature %d part %d: %d points' % (fi, pi, n))
                    continue
                if gtype == 1 and (xs[0], ys[0]) == (xs[-1], ys[-1]):
                    errs.append('feature %d part %d: ring repeats its first point' % (fi, pi))
                if any(xs[k] == xs[k + 1] and ys[k] == ys[k + 1] for k in range(n - 1)):
                    errs.append('feature %d part %d: repeated consecutive point' % (fi, pi))
                mnx, mny = min(mnx, min(xs)), min(mny, min(ys))
                mxx, mxy = max(mxx, max(xs)), max(mxy, max(ys))
            if (x0, y0, x1, y1) != (mnx, mny, mxx, mxy):
                errs.append('feature %d: bbox %s != extent %s' %
                            (fi, (x0, y0, x1, y1), (mnx, mny, mxx, mxy)))
            if mnx < BOX_E6[0] or mny < BOX_E6[1] or mxx > BOX_E6[2] or mxy > BOX_E6[3]:
                errs.append('feature %d: outside the map box' % fi)
    except struct.error as e:
        errs.append('truncated: %s' % e)
        return nfeat, npts, kinds, codes, errs
    if seen_pts != npts:
        errs.append('n_points_total %d, counted %d' % (npts, seen_pts))
    if off != len(data):
        errs.append('%d trailing bytes' % (len(data) - off))
    return nfeat, npts, kinds, codes, errs


def check_table(path, cols):
    errs = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    if not lines or lines[0].split('\t') != cols:
        errs.append('header %r' % (lines[0] if lines else ''))
    for k, line in enumerate(lines[1:], 2):
        if len(line.split('\t')) != len(cols):
            errs.append('line %d: %d columns' % (k, len(line.split('\t'))))
    return len(lines) - 1, errs


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'maps', 'basemap')
    nerr = 0
    total = 0
    print('%-20s %9s %9s %10s  %s' % ('file', 'features', 'points', 'bytes', 'kinds'))
    for layer, gtype in LAYERS.items():
        for b in range(BANDS):
            name = '%s.%d.bin' % (layer, b)
            path = os.path.join(d, name)
            if not os.path.exists(path):
                print('%-20s MISSING' % name)
                nerr += 1
                continue
            nf, npts, kinds, codes, errs = read_bin(path, gtype)
            size = os.path.getsize(path)
            total += size
            if codes != sorted(codes):
                errs.append('features not ordered by code')
            ks = ' '.join('%d:%d' % kv for kv in sorted(kinds.items()))
            print('%-20s %9d %9d %10d  %s' % (name, nf, npts, size, ks))
            for e in errs[:10]:
                print('    ERROR', e)
            nerr += len(errs)
    for layer, (gtype, bands) in OPTIONAL_LAYERS.items():
        for b in bands:
            name = '%s.%d.bin' % (layer, b)
            path = os.path.join(d, name)
            if not os.path.exists(path):
                print('%-20s MISSING' % name)
                nerr += 1
                continue
            nf, npts, kinds, codes, errs = read_bin(path, gtype)
            size = os.path.getsize(path)
            total += size
            print('%-20s %9d %9d %10d' % (name, nf, npts, size))
            for e in errs[:10]:
                print('    ERROR', e)
            nerr += len(errs)
    path = os.path.join(d, 'relief.bin')
    if not os.path.exists(path):
        print('%-20s MISSING' % 'relief.bin')
        nerr += 1
    else:
        grid, errs = check_relief(path)
        total += os.path.getsize(path)
        if grid:
            print('%-20s zoom %d, %d x %d px %10d' % ('relief.bin', grid[0], grid[1], grid[2],
                                                     os.path.getsize(path)))
        for e in errs:
            print('    ERROR', e)
        nerr += len(errs)
    for name, cols in TABLES.items():
        path = os.path.join(d, name)
        if not os.path.exists(path):
            print('%-20s MISSING' % name)
            nerr += 1
            continue
        n, errs = check_table(path, cols)
        size = os.path.getsize(path)
        total += size
        print('%-20s %9d rows %15d' % (name, n, size))
        for e in errs[:10]:
            print('    ERROR', e)
        nerr += len(errs)
    print('total %d bytes (%.2f MB); %d error(s)' % (total, total / 1e6, nerr))
    return 1 if nerr else 0


if __name__ == '__main__':
    sys.exit(main())
