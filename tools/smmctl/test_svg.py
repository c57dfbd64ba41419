#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test_svg.py PNG X,Y,#RRGGBB...: whether each pixel (X, Y) of PNG has
that colour (each channel within 8 of it). The PNG is what rsvg-convert
makes of smmctl's SVGs: 8-bit RGB or RGBA, not interlaced; read here
with zlib alone (no imaging library). Prints each pixel that differs
and exits 1 then, 0 when all match, 2 on a PNG it cannot read."""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    """(width, height, bytes per pixel, rows of unfiltered bytes)."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError('PNG not 8-bit RGB(A), or interlaced')
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[f]) & 0xff
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    try:
        w, h, bpp, rows = read_png(sys.argv[1])
    except (OSError, ValueError, TypeError, zlib.error) as e:
        print(f'{sys.argv[1]}: {e}')
        return 2
    bad = 0
    for spec in sys.argv[2:]:
        x, y, colour = spec.split(',')
        x, y = int(x), int(y)
        want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
        seen = tuple(rows[y][x * bpp:x * bpp + 3]) if 0 <= x < w and 0 <= y < h else None
        if seen is None or any(abs(s - t) > 8 for s, t in zip(seen, want)):
            print(f'pixel {x},{y}: expected {colour}, saw ' +
                  ('outside the picture' if seen is None else '#%02x%02x%02x' % seen))
            bad += 1
    return 1 if bad else 0


sys.exit(main())
