#!/usr/bin/env bash
# Writes the seed corpora the fuzz targets start from and `meson test` replays
# (tests/fuzz/corpus/). Synthetic images only, never photos of people. Needs cjpeg
# (Debian's libjpeg-turbo-progs), cwebp and dwebp (webp), ppm2tiff, tiffcp, tiffset and tiff2rgba
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

# What tests/formats.sh and formats_hostile.sh read, small: TIFF big-endian, RGBA, JPEG-
# coded and saying orientation 6; HEIF turned by its container (irot, imir) with EXIF
# saying otherwise, and one whose primary image is its second, with a thumbnail (both by
# tests/tools/make_heif, built: FACECLUSTER_MAKE_HEIF=build/tests/make_heif; left alone
# without it); sizes within the libraries' own limits but over ours (20000 x 20000, a
# VP8L of 16384 x 8192); a PNG of 0 x 0; videos, for the dispatcher.
tiffcp -B "$tiff/grad16.tif" "$tiff/big-endian.tif"
tiff2rgba -c none "$tiff/grad16.tif" "$tiff/rgba.tif"
tiffcp -c jpeg:50 -r 16 "$tiff/grad16.tif" "$tiff/jpeg.tif"
cp "$tiff/grad16.tif" "$tiff/orientation6.tif"
tiffset -s 274 6 "$tiff/orientation6.tif"
if [ -n "${FACECLUSTER_MAKE_HEIF:-}" ]; then
    "$FACECLUSTER_MAKE_HEIF" "$tmp/odd17x13.ppm" "$heif/irot-imir-exif.heic" -o 7 -e 6 \
        -t "2021:07:04 12:34:56" -q 50
    "$FACECLUSTER_MAKE_HEIF" "$tmp/grad16.ppm" "$heif/primary-second.heic" -o 5 --thumb 8 \
        --decoy -q 50
fi
python3 - "$png" "$webp" "$tiff" "$heif" "$img" <<'PY'
import struct, sys, zlib
png, webp, tiff, heif, img = sys.argv[1:6]
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
sig = b"\x89PNG\r\n\x1a\n"
for name, side in (("400mp.png", 20000), ("zero-size.png", 0)):
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
    open(f"{png}/{name}", "wb").write(sig + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
# VP8L: signature 0x2f, 14 bits of width - 1, 14 of height - 1, alpha, version
for name, w, h in (("vp8l-huge.webp", 16384, 16384), ("vp8l-134mp.webp", 16384, 8192)):
    bits = (w - 1) | (h - 1) << 14
    vp8l = b"\x2f" + struct.pack("<I", bits) + b"\0" * 8
    data = b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l + b"\0"
    open(f"{webp}/{name}", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(data)) + b"WEBP" + data)
h = bytearray(open(f"{heif}/grad16.heic", "rb").read())
at = h.find(b"ispe")
h[at + 8:at + 16] = struct.pack(">II", 20000, 20000)
open(f"{heif}/400mp-ispe.heic", "wb").write(bytes(h))
entries = [(256, 4, 1, 20000), (257, 4, 1, 20000), (258, 3, 1, 8), (262, 3, 1, 1), (273, 4, 1, 8),
           (277, 3, 1, 1), (278, 4, 1, 20000), (279, 4, 1, 64)]
t = b"II*\0" + struct.pack("<I", 8 + 64) + b"\x80" * 64 + struct.pack("<H", len(entries))
t += b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
open(f"{tiff}/400mp.tif", "wb").write(t)
open(f"{img}/video.mp4", "wb").write(b"\0\0\0\x18ftypisom\0\0\x02\0isommp41\0\0\0\x08free")
open(f"{img}/video.mov", "wb").write(b"\0\0\0\x14ftypqt  \0\0\x02\0qt  \0\0\0\x08wide")
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
# XMP (fuzz_xmp): hand-written packets with MWG and Microsoft regions, facecluster's record,
# a few wrong ones, and the packet inside each container that carries one
xmp="$here/corpus/xmp"
mkdir -p "$xmp"
python3 - "$xmp" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
head = ("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description rdf:about='' xmlns:mwg-rs='http://www.metadataworkinggroup.com/schemas/regions/' "
        "xmlns:stArea='http://ns.adobe.com/xmp/sType/Area#' xmlns:stDim='http://ns.adobe.com/xap/1.0/sType/Dimensions#' "
        "xmlns:MP='http://ns.microsoft.com/photo/1.2/' xmlns:MPRI='http://ns.microsoft.com/photo/1.2/t/RegionInfo#' "
        "xmlns:MPReg='http://ns.microsoft.com/photo/1.2/t/Region#' xmlns:facecluster='http://facecluster.invalid/xmp/1.0/' "
        "xmlns:xmp='http://ns.adobe.com/xap/1.0/'><xmp:Rating>3</xmp:Rating>")
tail = "</rdf:Description></rdf:RDF></x:xmpmeta>"
def region(name, x, y, w, h, kind="Face"):
    return ("<rdf:li rdf:parseType='Resource'><mwg-rs:Name>%s</mwg-rs:Name><mwg-rs:Type>%s</mwg-rs:Type>"
            "<mwg-rs:Area rdf:parseType='Resource'><stArea:x>%s</stArea:x><stArea:y>%s</stArea:y><stArea:w>%s</stArea:w>"
            "<stArea:h>%s</stArea:h><stArea:unit>normalized</stArea:unit></mwg-rs:Area></rdf:li>" % (name, kind, x, y, w, h))
mwg = ("<mwg-rs:Regions rdf:parseType='Resource'><mwg-rs:AppliedToDimensions rdf:parseType='Resource'>"
       "<stDim:w>640</stDim:w><stDim:h>480</stDim:h><stDim:unit>pixel</stDim:unit></mwg-rs:AppliedToDimensions>"
       "<mwg-rs:RegionList><rdf:Bag>" + region("Ada", "0.5", "0.4", "0.2", "0.3") + region("Rex", "0.2", "0.2", "0.1", "0.1", "Pet")
       + region("Bad", "nan", "-1", "1e308", "0") + "</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>")
mp = ("<MP:RegionInfo rdf:parseType='Resource'><MPRI:Regions><rdf:Bag><rdf:li rdf:parseType='Resource'>"
      "<MPReg:PersonDisplayName>Bob</MPReg:PersonDisplayName><MPReg:Rectangle>0.1, 0.2, 0.3, 0.4</MPReg:Rectangle>"
      "</rdf:li></rdf:Bag></MPRI:Regions></MP:RegionInfo>")
mine = ("<facecluster:Regions><rdf:Bag><rdf:li>MWG 0.500000 0.400000 0.200000 0.300000 Ada</rdf:li>"
        "<rdf:li>MP 0.1 0.2 0.3 0.4 Bob</rdf:li></rdf:Bag></facecluster:Regions>")
packet = (head + mwg + mp + mine + tail).encode()
open(f"{d}/regions.xmp", "wb").write(packet)
open(f"{d}/truncated.xmp", "wb").write(packet[:300])
open(f"{d}/doctype.xmp", "wb").write(b"<!DOCTYPE x [<!ENTITY a 'a'>]>" + packet)
def png_chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))
png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
itxt = b"XML:com.adobe.xmp\0"
open(f"{d}/plain.png", "wb").write(png + png_chunk(b"iTXt", itxt + b"\0\0\0\0" + packet) + png_chunk(b"IEND", b""))
open(f"{d}/compressed.png", "wb").write(png + png_chunk(b"iTXt", itxt + b"\1\0\0\0" + zlib.compress(packet)) + png_chunk(b"IEND", b""))
app1 = b"http://ns.adobe.com/xap/1.0/\0" + packet
open(f"{d}/app1.jpg", "wb").write(b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xd9")
chunk = b"XMP " + struct.pack("<I", len(packet)) + packet + (b"\0" if len(packet) % 2 else b"")
open(f"{d}/riff.webp", "wb").write(b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk)
ifd = struct.pack("<H", 1) + struct.pack("<HHII", 700, 7, len(packet), 26) + struct.pack("<I", 0)
open(f"{d}/tag700.tif", "wb").write(b"II*\0" + struct.pack("<I", 8) + ifd + packet)
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
