#!/usr/bin/env bash
# Writes the seed corpora the fuzz targets start from and `meson test` replays
# (tests/fuzz/corpus/). Synthetic images only, never photos of people. Needs cjpeg
# (Debian's libjpeg-turbo-progs), cwebp and dwebp (webp), ppm2tiff and tiffcp
# (libtiff-tools), heif-enc (libheif-examples) and python3; run from anywhere. What a fuzzing run finds
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

# one corpus per whole-image format: small valid files from the gradient, then the damage
# each format's decoder must refuse before it allocates (sizes in headers, cut files,
# broken checksums and offsets)
for f in png webp tiff heif; do mkdir -p "$here/corpus/$f"; done
png="$here/corpus/png" webp="$here/corpus/webp" tiff="$here/corpus/tiff" heif="$here/corpus/heif"
cwebp -quiet -lossless "$tmp/grad16.ppm" -o "$tmp/grad16.webp"
dwebp -quiet "$tmp/grad16.webp" -o "$png/grad16.png"
dwebp -quiet -pam "$tmp/grad16.webp" -o "$tmp/grad16.pam"
cwebp -quiet -q 80 "$tmp/odd17x13.ppm" -o "$webp/lossy.webp"
cp "$tmp/grad16.webp" "$webp/lossless.webp"
cwebp -quiet -q 80 -alpha_q 50 -exact "$png/grad16.png" -o "$webp/alpha.webp" 2>/dev/null ||
    cp "$webp/lossy.webp" "$webp/alpha.webp"
ppm2tiff "$tmp/grad16.ppm" "$tiff/grad16.tif"
tiffcp -c lzw -t -w 16 -l 16 "$tiff/grad16.tif" "$tiff/tiled-lzw.tif"
tiffcp -c zip -r 4 "$tiff/grad16.tif" "$tiff/strips-zip.tif"
heif-enc -q 50 "$png/grad16.png" -o "$heif/grad16.heic" >/dev/null
python3 - "$png" "$webp" "$tiff" "$heif" <<'PY'
import struct, sys, zlib
png, webp, tiff, heif = sys.argv[1:5]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
sig = b"\x89PNG\r\n\x1a\n"
good = open(f"{png}/grad16.png", "rb").read()
# a 100000 x 100000 header with a right CRC and one tiny IDAT
ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
open(f"{png}/huge.png", "wb").write(sig + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
open(f"{png}/truncated.png", "wb").write(good[: len(good) // 2])
bad = bytearray(good); bad[29] ^= 0xFF  # IHDR's CRC
open(f"{png}/bad-crc.png", "wb").write(bytes(bad))
# 16-bit grey with alpha, interlaced, with an eXIf chunk saying orientation 6
raw = b"".join(b"\0" + b"".join(struct.pack(">HH", (x * 4096) & 0xFFFF, 65535 - x * 4000) for x in range(16)) for y in range(16))
exif = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0"
open(f"{png}/grey16-alpha-exif.png", "wb").write(sig + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 16, 4, 0, 0, 0)) + chunk(b"eXIf", exif) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
# an eXIf chunk claiming more bytes than the file has
open(f"{png}/exif-overrun.png", "wb").write(good[:33] + struct.pack(">I", 0x7FFFFFF0) + b"eXIf" + exif)
# WebP: a VP8X canvas of 16384 x 16384 with no image data, a cut file, a chunk size past the end
vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0x08, 0, 0, 0]) + (16383).to_bytes(3, "little") * 2
open(f"{webp}/huge-canvas.webp", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x)
w = open(f"{webp}/lossy.webp", "rb").read()
open(f"{webp}/truncated.webp", "wb").write(w[: len(w) // 2])
open(f"{webp}/chunk-overrun.webp", "wb").write(w[:16] + struct.pack("<I", 0x7FFFFFF0) + w[20:])
exif_chunk = b"EXIF" + struct.pack("<I", len(exif)) + exif
vp8x_small = b"VP8X" + struct.pack("<I", 10) + bytes([0x08, 0, 0, 0]) + (16).to_bytes(3, "little") + (12).to_bytes(3, "little")
body = w[12:]
open(f"{webp}/with-exif.webp", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(vp8x_small) + len(body) + len(exif_chunk)) + b"WEBP" + vp8x_small + body + exif_chunk)
# TIFF: width 2^31, a strip offset past the end, a cut file, an IFD offset loop
t = open(f"{tiff}/grad16.tif", "rb").read()
def tiff_ifd(entries, data_at=8):
    out = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack("<HHII", tag, typ, count, value)
    return out + b"\0\0\0\0"
open(f"{tiff}/huge.tif", "wb").write(tiff_ifd([(256, 4, 1, 1 << 31), (257, 4, 1, 1 << 31), (258, 3, 1, 8), (262, 3, 1, 1), (273, 4, 1, 200), (277, 3, 1, 1), (279, 4, 1, 100)]) + b"\0" * 120)
open(f"{tiff}/strip-past-end.tif", "wb").write(tiff_ifd([(256, 4, 1, 16), (257, 4, 1, 16), (258, 3, 1, 8), (262, 3, 1, 1), (273, 4, 1, 1 << 30), (277, 3, 1, 1), (279, 4, 1, 256)]))
open(f"{tiff}/truncated.tif", "wb").write(t[: len(t) // 2])
loop = bytearray(tiff_ifd([(256, 4, 1, 16), (257, 4, 1, 16)])); loop[-4:] = struct.pack("<I", 8)
open(f"{tiff}/ifd-loop.tif", "wb").write(bytes(loop))
# HEIF: cut in half and at the header, and an ispe property saying 60000 x 60000
h = open(f"{heif}/grad16.heic", "rb").read()
open(f"{heif}/truncated.heic", "wb").write(h[: len(h) // 2])
open(f"{heif}/header-only.heic", "wb").write(h[:64])
at = h.find(b"ispe")
big = bytearray(h)
while at > 0:  # the image's and its tiles' sizes alike
    big[at + 8:at + 16] = struct.pack(">II", 60000, 60000)
    at = h.find(b"ispe", at + 4)
open(f"{heif}/huge-ispe.heic", "wb").write(bytes(big))
PY

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

# camera RAW: DNGs around a small JPEG preview, and hostile ones (tests/fuzz/fuzz_raw.c;
# the files named by hash came from a 90-second run of fuzz_raw, merged as above)
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
echo "corpora written to $here/corpus"
