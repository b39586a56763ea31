#!/usr/bin/env python3
"""Writes a small DNG that embeds a JPEG as its preview, as cameras and converters do.

IFD0 is the preview (NewSubFileType 1, Compression 7: the JPEG's bytes verbatim), with
the camera's Make/Model, Orientation and DateTime; a SubIFD holds a tiny 16-bit Bayer
(CFA) image, the "raw" data a real DNG carries and libraw opens the file for. Tests use
it to check that facecluster reads the preview (never a demosaic of the CFA data) and
the DNG's orientation; no camera is needed and no RAW file is shipped.

usage: make_dng.py OUT [--preview JPEG] [--orientation N] [--datetime "Y:M:D h:m:s"]
                       [--cfa WxH] [--thumbnail]
Without --preview the file has only the raw image (no preview to read).
"""
import argparse
import struct
import sys


def jpeg_size(data):
    """(width, height) from the first start-of-frame marker."""
    if data[:2] != b"\xff\xd8":
        sys.exit("make_dng: the preview is not a JPEG")
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            sys.exit("make_dng: broken JPEG markers")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        size = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
            return w, h
        pos += 2 + size
    sys.exit("make_dng: no frame header in the preview")


SHORT, LONG, ASCII, BYTE, SRATIONAL = 3, 4, 2, 1, 10
SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, SRATIONAL: 8}


def directory(entries, at):
    """The bytes of a directory placed at offset `at`, its values longer than 4 bytes
    right after it."""
    entries = sorted(entries, key=lambda e: e[0])
    values_at = at + 2 + 12 * len(entries) + 4
    packed, values = [], b""
    for tag, typ, v in entries:
        if typ == ASCII:
            raw = v.encode() + b"\0"
            count = len(raw)
        elif typ == SRATIONAL:
            raw = b"".join(struct.pack("<ii", n, d) for n, d in v)
            count = len(v)
        else:
            fmt = {BYTE: "B", SHORT: "H", LONG: "I"}[typ]
            raw = struct.pack("<%d%s" % (len(v), fmt), *v)
            count = len(v)
        if len(raw) > 4:
            off = values_at + len(values)
            values += raw + b"\0" * (len(raw) % 2)
            raw = struct.pack("<I", off)
        packed.append(struct.pack("<HHI", tag, typ, count) + raw.ljust(4, b"\0"))
    return struct.pack("<H", len(packed)) + b"".join(packed) + b"\0\0\0\0" + values


class Tiff:
    """A little-endian TIFF. As cameras write them, IFD0 and the EXIF directory come first
    (readers of EXIF such as libexif look at the first 64 KB only): their room is kept
    after the header, the data and the other directories follow."""

    def __init__(self, front_size):
        self.buf = bytearray(b"II*\0" + struct.pack("<I", 8) + b"\0" * front_size)
        self.front_end = len(self.buf)

    def blob(self, data):
        if len(self.buf) % 2:
            self.buf += b"\0"
        at = len(self.buf)
        self.buf += data
        return at

    def ifd(self, entries):
        """entries: (tag, type, values); returns the directory's offset."""
        at = len(self.buf) + len(self.buf) % 2
        return self.blob(directory(entries, at))

    def front(self, ifd0, exif):
        """Writes IFD0 (pointing to the EXIF directory) and the EXIF directory into the
        room kept for them."""
        exif_at = 8 + len(directory(ifd0 + [(34665, LONG, [0])], 8))
        first = directory(ifd0 + [(34665, LONG, [exif_at])], 8)
        data = first + directory(exif, exif_at)
        assert 8 + len(data) <= self.front_end and exif_at == 8 + len(first)
        self.buf[8:8 + len(data)] = data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--preview")
    ap.add_argument("--orientation", type=int, default=1)
    ap.add_argument("--datetime", default="2021:06:05 14:30:15")
    ap.add_argument("--cfa", default="64x48")
    ap.add_argument("--thumbnail", action="store_true",
                    help="also a 160x120 bitmap thumbnail in IFD0, the preview in a SubIFD")
    a = ap.parse_args()
    cw, ch = (int(v) for v in a.cfa.split("x"))

    exif = [(36867, ASCII, a.datetime), (36868, ASCII, a.datetime)]
    t = Tiff(1024)  # room for IFD0 and the EXIF directory (front() checks it)
    # the raw image: an RGGB mosaic of a flat grey, 16 bits a sample
    cfa = t.blob(struct.pack("<%dH" % (cw * ch), *([1000] * (cw * ch))))
    common = [
        (271, ASCII, "facecluster"), (272, ASCII, "test camera"),
        (274, SHORT, [a.orientation]), (306, ASCII, a.datetime),
        (50706, BYTE, [1, 4, 0, 0]), (50707, BYTE, [1, 1, 0, 0]),
        (50708, ASCII, "facecluster test camera"),
        (50721, SRATIONAL, [(1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1),
                            (1, 1)]),
        (50778, SHORT, [21]),
    ]
    raw_entries = [
        (256, LONG, [cw]), (257, LONG, [ch]), (258, SHORT, [16]), (259, SHORT, [1]),
        (262, SHORT, [32803]), (273, LONG, [cfa]), (277, SHORT, [1]), (278, LONG, [ch]),
        (279, LONG, [cw * ch * 2]), (33421, SHORT, [2, 2]), (33422, BYTE, [0, 1, 1, 2]),
        (50717, LONG, [4095]),
    ]
    raw_ifd = t.ifd([(254, LONG, [0])] + raw_entries)
    if a.preview:
        jpeg = open(a.preview, "rb").read()
        w, h = jpeg_size(jpeg)
        at = t.blob(jpeg)
        preview = [
            (254, LONG, [1]), (256, LONG, [w]), (257, LONG, [h]), (258, SHORT, [8, 8, 8]),
            (259, SHORT, [7]), (262, SHORT, [6]), (273, LONG, [at]), (277, SHORT, [3]),
            (278, LONG, [h]), (279, LONG, [len(jpeg)]),
        ]
    if a.preview and a.thumbnail:
        # Adobe's layout: a small RGB thumbnail in IFD0, the raw image and the large
        # JPEG preview in SubIFDs
        tw, th = 160, 120
        thumb = t.blob(bytes([128]) * (tw * th * 3))
        subs = [raw_ifd, t.ifd(preview)]
        ifd0 = (common + [(330, LONG, subs)] + [
            (254, LONG, [1]), (256, LONG, [tw]), (257, LONG, [th]), (258, SHORT, [8, 8, 8]),
            (259, SHORT, [1]), (262, SHORT, [2]), (273, LONG, [thumb]), (277, SHORT, [3]),
            (278, LONG, [th]), (279, LONG, [tw * th * 3]),
        ])
    elif a.preview:  # the preview in IFD0, the raw image in a SubIFD
        ifd0 = common + [(330, LONG, [raw_ifd])] + preview
    else:  # the raw image alone, in IFD0 itself
        ifd0 = common + [(254, LONG, [0])] + raw_entries
    t.front(ifd0, exif)
    open(a.out, "wb").write(t.buf)


main()
