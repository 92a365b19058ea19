#!/usr/bin/env python3
"""Trace a named railway through the unnamed network of ../shared/geodata/railways.geojson.

Usage: python3 tools/trace-railway.py LON,LAT LON,LAT [LON,LAT …] [--tolerance DEG] [--geodata DIR]

The railway network (VMap0, public domain) has no names. A line the plan names (京哈, 京沪, 京九 …)
is found as the shortest path through the network between the stations it is known to pass,
given in order; the result is simplified (Douglas-Peucker, default 0.004° ≈ 400 m) and printed
as a GeoJSON LineString to paste into maps/layers/transport.json. Python 3 standard library only.
"""
import argparse
import heapq
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dist(a, b):
    kx = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * kx, a[1] - b[1])


def build_graph(features, snap):
    nodes, graph = [], {}
    index = {}
    ends = []

    def node(p):
        key = (round(p[0] / snap), round(p[1] / snap))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                k = (key[0] + dx, key[1] + dy)
                if k in index and dist(nodes[index[k]], p) <= snap:
                    return index[k]
        index[key] = len(nodes)
        nodes.append(p)
        graph[index[key]] = []
        return index[key]

    for f in features:
        g = f["geometry"]
        lines = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for line in lines:
            prev = None
            for p in line:
                n = node(p)
                if prev is not None and prev != n:
                    w = dist(nodes[prev], nodes[n])
                    graph[prev].append((n, w))
                    graph[n].append((prev, w))
                prev = n
            ends.append(node(line[0]))
            ends.append(node(line[-1]))
    # lines that meet without a shared vertex: join each line end to the nearest vertex within 2 km
    for e in ends:
        p = nodes[e]
        best, bd = None, 0.02
        for i, q in enumerate(nodes):
            if i != e and abs(q[0] - p[0]) < bd and abs(q[1] - p[1]) < bd:
                d = dist(p, q)
                if d < bd and all(m != i for m, _ in graph[e]):
                    best, bd = i, d
        if best is not None:
            graph[e].append((best, bd))
            graph[best].append((e, bd))
    return nodes, graph


def shortest(nodes, graph, a, b):
    best = {a: 0.0}
    back = {}
    heap = [(0.0, a)]
    while heap:
        d, n = heapq.heappop(heap)
        if n == b:
            break
        if d > best.get(n, 1e18):
            continue
        for m, w in graph[n]:
            if d + w < best.get(m, 1e18):
                best[m] = d + w
                back[m] = n
                heapq.heappush(heap, (d + w, m))
    if b not in best:
        return None
    path = [b]
    while path[-1] != a:
        path.append(back[path[-1]])
    return [nodes[i] for i in reversed(path)]


def simplify(points, tol):
    if len(points) < 3:
        return points
    a, b = points[0], points[-1]
    dmax, imax = 0.0, 0
    for i in range(1, len(points) - 1):
        p = points[i]
        dx, dy = b[0] - a[0], b[1] - a[1]
        l2 = dx * dx + dy * dy
        t = 0 if l2 == 0 else max(0, min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2))
        d = math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)
        if d > dmax:
            dmax, imax = d, i
    if dmax <= tol:
        return [a, b]
    return simplify(points[:imax + 1], tol)[:-1] + simplify(points[imax:], tol)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stations", nargs="+")
    ap.add_argument("--tolerance", type=float, default=0.004)
    default = os.path.join(ROOT, "..", "shared", "geodata")
    if not os.path.isdir(default):
        default = "/work/shared/geodata"
    ap.add_argument("--geodata", default=default)
    args = ap.parse_args()
    stations = [tuple(map(float, s.split(","))) for s in args.stations]
    with open(os.path.join(args.geodata, "railways.geojson"), encoding="utf-8") as f:
        features = json.load(f)["features"]
    nodes, graph = build_graph(features, 0.003)
    # stations snap to the main network (the largest connected part), not to stray spurs
    comp, parts = {}, []
    for start in graph:
        if start in comp:
            continue
        stack, members = [start], []
        comp[start] = len(parts)
        while stack:
            n = stack.pop()
            members.append(n)
            for m, _ in graph[n]:
                if m not in comp:
                    comp[m] = len(parts)
                    stack.append(m)
        parts.append(members)
    main_part = max(parts, key=len)
    ends = [min(main_part, key=lambda i: dist(nodes[i], s)) for s in stations]
    line = []
    for a, b in zip(ends, ends[1:]):
        part = shortest(nodes, graph, a, b)
        if part is None:
            sys.exit("trace-railway: no connection between %s and %s" % (nodes[a], nodes[b]))
        line += part if not line else part[1:]
    out = [[round(p[0], 4), round(p[1], 4)] for p in simplify(line, args.tolerance)]
    for s, e in zip(stations, ends):
        sys.stderr.write("station %s → network %.1f km away\n" % (s, dist(s, nodes[e]) * 111))
    print(json.dumps({"type": "LineString", "coordinates": out}))


if __name__ == "__main__":
    main()
