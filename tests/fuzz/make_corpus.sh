#!/usr/bin/env bash
# Writes the seed corpora the fuzz targets start from and `meson test` replays
# (tests/fuzz/corpus/). Synthetic images only, never photos of people. Needs cjpeg
# (Debian's libjpeg-turbo-progs) and python3; run from anywhere. What a fuzzing run finds
# is folded into the same folders with libFuzzer's merge, which keeps only inputs that
# add coverage: build-fuzz/tests/fuzz_image -merge=1 tests/fuzz/corpus/image NEW_DIR
# (the files named by hash came from a 5-minute run of each target that way).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
img="$here/corpus/image" model="$here/corpus/model"
mkdir -p "$img" "$model"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# a small RGB gradient and an odd-sized one, as PPM
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
def ppm(name, w, h):
    px = bytes((x * 255 // max(w - 1, 1)) if c == 0 else (y * 255 // max(h - 1, 1)) if c == 1 else ((x + y) * 9) % 256
               for y in range(h) for x in range(w) for c in range(3))
    open(f"{d}/{name}", "wb").write(b"P6\n%d %d\n255\n" % (w, h) + px)
ppm("grad16.ppm", 16, 16)
ppm("odd17x13.ppm", 17, 13)
PY
cp "$tmp/grad16.ppm" "$img/grad16.ppm"
printf 'P6\n# comment\n2 2\n255\n\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0' >"$img/comment.ppm"
printf 'P6\n2 2\n65535\n' >"$img/deep.ppm"
head -c 30 "$tmp/grad16.ppm" >"$img/truncated.ppm"

cjpeg -quality 90 "$tmp/grad16.ppm" >"$img/baseline.jpg"
cjpeg -progressive "$tmp/grad16.ppm" >"$img/progressive.jpg"
cjpeg -grayscale "$tmp/odd17x13.ppm" >"$img/gray.jpg"
cjpeg -restart 1 -sample 1x1 "$tmp/odd17x13.ppm" >"$img/restart444.jpg"
cjpeg -arithmetic "$tmp/grad16.ppm" >"$img/arithmetic.jpg"
cjpeg -sample 2x1 -optimize "$tmp/odd17x13.ppm" >"$img/h2v1.jpg"
head -c 200 "$img/baseline.jpg" >"$img/truncated.jpg"
printf '\xff\xd8\xff' >"$img/magic-only.jpg"
: >"$img/empty"

# model files: a valid two-tensor model in the format of core/nn/model.c, and damaged copies
python3 - "$model" <<'PY'
import struct, sys
d = sys.argv[1]
def fnv(data):
    h = 0xcbf29ce484222325
    n = len(data) // 8 * 8
    for i in range(0, n, 8):
        word = 0 if i == 24 else struct.unpack_from("<Q", data, i)[0]  # the checksum field
        h = ((h ^ word) * 0x100000001b3) & (2**64 - 1)
    for b in data[n:]:
        h = ((h ^ b) * 0x100000001b3) & (2**64 - 1)
    return h
def model(tensors):
    table_end = 96 + 96 * len(tensors)
    off = (table_end + 63) // 64 * 64
    ents, blobs = b"", []
    for name, layout, dims, vals in tensors:
        data = struct.pack("<%df" % len(vals), *vals)
        ents += name.encode().ljust(48, b"\0") + struct.pack("<II4IQQQ", 1, layout, *dims, off, len(data), 0)
        blobs.append((off, data))
        off = (off + len(data) + 63) // 64 * 64
    img = bytearray(off)
    img[96:table_end] = ents
    for o, data in blobs:
        img[o:o + len(data)] = data
    struct.pack_into("<8sIIQ", img, 0, b"FCMODEL\0", 3, len(tensors), off)
    img[32:32 + 6] = b"fuzz@1"
    struct.pack_into("<Q", img, 24, fnv(bytes(img)))  # the field is still 0 here
    return bytes(img)
good = model([("recog/fc", 1, (1, 1, 2, 16), [0.5] * 32), ("recog/fc/bias", 0, (16, 1, 1, 1), [1.0] * 16)])
open(f"{d}/small.model", "wb").write(good)
open(f"{d}/truncated.model", "wb").write(good[:150])
open(f"{d}/header-only.model", "wb").write(good[:96])
PY
echo "corpora written to $here/corpus"

# camera RAW: DNGs around a small JPEG preview, and hostile ones (tests/fuzz/fuzz_raw.c)
raw="$here/corpus/raw"
mkdir -p "$raw"
make_dng="python3 $here/../tools/make_dng.py"
$make_dng "$raw/preview.dng" --preview "$img/baseline.jpg" --cfa 24x22
$make_dng "$raw/adobe.dng" --preview "$img/baseline.jpg" --cfa 24x22 --thumbnail --orientation 6
$make_dng "$raw/no-preview.dng" --cfa 24x22
python3 - "$raw" <<'PY'
import struct, sys
d = sys.argv[1]
good = open(f"{d}/preview.dng", "rb").read()
open(f"{d}/truncated.dng", "wb").write(good[: len(good) * 2 // 3])
open(f"{d}/header-only.dng", "wb").write(good[:8])
ifd0 = struct.unpack_from("<I", good, 4)[0]
count = struct.unpack_from("<H", good, ifd0)[0]
def patched(values):
    """good with IFD0's entries for the tags in values given other values"""
    b = bytearray(good)
    for i in range(count):
        at = ifd0 + 2 + 12 * i
        tag, typ = struct.unpack_from("<HH", b, at)
        if tag in values:
            struct.pack_into("<I" if typ == 4 else "<H", b, at + 8, values[tag])
    return bytes(b)
# the preview's strip far past the end of the file, and a length larger than the file
open(f"{d}/bogus-offset.dng", "wb").write(patched({273: 0x7FFFFFF0}))
open(f"{d}/bogus-length.dng", "wb").write(patched({279: 0x7FFFFFF0}))
# the preview's JPEG cut in the middle
length = next(struct.unpack_from("<I", good, ifd0 + 2 + 12 * i + 8)[0] for i in range(count)
              if struct.unpack_from("<H", good, ifd0 + 2 + 12 * i)[0] == 279)
open(f"{d}/preview-cut.dng", "wb").write(patched({279: length // 2}))
# a preview claiming 65535 x 65535 pixels
open(f"{d}/huge-dims.dng", "wb").write(patched({256: 65535, 257: 65535}))
# a TIFF with only a DNGVersion, a Make and no image at all
entries = [(271, 2, 4, b"cam\0"), (50706, 1, 4, bytes([1, 4, 0, 0]))]
tiff = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
tiff += b"".join(struct.pack("<HHI", t, ty, n) + v for t, ty, n, v in entries) + b"\0" * 4
open(f"{d}/dngversion-only.dng", "wb").write(tiff)
PY
