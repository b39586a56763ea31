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
echo "corpora written to $here/corpus"
