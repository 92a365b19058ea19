#!/usr/bin/env python3
"""write-basemap-manifest.py — writes maps/basemap/SHA256SUMS, the checksum of every base-map file.

The application checks each base-map file it loads against this list, so that a damaged file is
refused with its name instead of being drawn as whatever it decodes to. tools/build-basemap.py runs
this at its end; run it by hand after changing a file of maps/basemap/ any other way:

    tools/write-basemap-manifest.py [maps/basemap]
"""
import hashlib
import os
import sys

MANIFEST = 'SHA256SUMS'


def write_manifest(folder):
    lines = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name == MANIFEST or name.startswith('.') or not os.path.isfile(path):
            continue
        with open(path, 'rb') as f:
            lines.append('%s  %s\n' % (hashlib.sha256(f.read()).hexdigest(), name))
    with open(os.path.join(folder, MANIFEST), 'w', encoding='ascii', newline='\n') as f:
        f.writelines(lines)
    return len(lines)


if __name__ == '__main__':
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'maps', 'basemap')
    print('%s: %d files' % (os.path.join(folder, MANIFEST), write_manifest(folder)))
