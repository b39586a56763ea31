#!/usr/bin/env bash
# Hostile files of each format (issue 14) given to `facecluster detect`: cut short at
# several points, huge dimensions in the header (PNG IHDR 100000x100000 with its CRC
# fixed, a WebP VP8X canvas of 16384x16384 with no image, a TIFF 2^31 pixels wide, a HEIF
# ispe of 60000x60000), broken chunks and CRCs, empty files, and videos. Each must end
# with exit 1, nothing on stdout and one line on stderr naming the file and why, in
# bounded memory: under `ulimit -v` of 512 MiB (a valid photo of each format is read
# under it first), where a decoder allocating what a hostile header asks fails, and its
# "out of memory" fails the test too (under ASan, which needs terabytes of address space
# for its shadow, max_allocation_size_mb holds allocations to the same 512 MiB instead).
. "$(dirname "$0")/lib.sh"
for tool in cwebp dwebp ppm2tiff heif-enc perl; do
    command -v "$tool" >/dev/null && continue
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $tool missing" >&2; exit 1; fi
    echo "SKIP: $tool missing (./run.sh test installs the format tools)" >&2
    exit 77
done
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
limit_kib=524288

# --- valid synthetic photos (a gradient: no one's face) of each format
perl -e 'my ($w, $h) = (96, 64); print "P6\n$w $h\n255\n";
    for my $y (0 .. $h - 1) { for my $x (0 .. $w - 1) {
        print pack("C3", $x * 255 / ($w - 1), $y * 255 / ($h - 1), ($x + $y) * 9 % 256) } }' >grad.ppm
cwebp -quiet -lossless grad.ppm -o grad.webp
dwebp -quiet grad.webp -o grad.png
ppm2tiff -c none grad.ppm grad.tif
heif-enc -q 50 grad.png -o grad.heic >/dev/null
mkdir good bad
cp grad.png grad.webp grad.tif grad.heic good/

cut_at() { head -c "$2" "$1"; }
size() { wc -c <"$1"; }
# patch FILE OFFSET HEX: FILE with the bytes at OFFSET replaced
patch() { perl -e 'local $/; open my $f, "<", $ARGV[0] or die; binmode $f; my $d = <$f>;
    my $b = pack("H*", $ARGV[2]); substr($d, $ARGV[1], length $b) = $b; binmode STDOUT; print $d' "$@"; }
# offset FILE STRING: where STRING first occurs in FILE
offset() { perl -e 'local $/; open my $f, "<", $ARGV[0] or die; binmode $f; my $d = <$f>;
    print index($d, $ARGV[1])' "$@"; }
# png_chunk TYPE HEXDATA: a PNG chunk with its CRC
png_chunk() { perl -MCompress::Zlib -e 'my $d = pack("H*", $ARGV[1]);
    binmode STDOUT; print pack("N", length $d), $ARGV[0], $d, pack("N", crc32($ARGV[0] . $d))' "$@"; }
# tiff W H [OFFSET_PAST_END [NEXT_IFD_SELF]]: a little-endian RGB TIFF of W x H whose one
# strip holds 48 bytes
tiff() { perl -e 'my ($w, $h, $past, $loop) = @ARGV; my @e;
    my $ifd = 8; my $n = 10; my $data = $ifd + 2 + 12 * $n + 4; my $pix = $data + 6;
    push @e, [256, 4, 1, $w], [257, 4, 1, $h], [258, 3, 3, $data], [259, 3, 1, 1],
        [262, 3, 1, 2], [273, 4, 1, $past ? 1 << 30 : $pix], [277, 3, 1, 3], [278, 4, 1, $h],
        [279, 4, 1, 48], [284, 3, 1, 1];
    binmode STDOUT; print "II*\0", pack("V", $ifd), pack("v", $n);
    print pack("vvVV", @$_[0 .. 2], $_->[3]) for @e;   # SHORT values sit in the low bytes
    print pack("V", $loop ? $ifd : 0), pack("v3", 8, 8, 8), "\x80" x 48' "$@"; }

# PNG: cut in the signature, after IHDR, in the middle, in the last IDAT
png_len=$(size grad.png)
cut_at grad.png 5 >bad/png-cut-signature.png
cut_at grad.png 33 >bad/png-cut-after-ihdr.png
cut_at grad.png $((png_len / 2)) >bad/png-cut-half.png
cut_at grad.png $((png_len - 20)) >bad/png-cut-last-idat.png
{ head -c 8 grad.png; png_chunk IHDR 000186a0000186a00802000000; tail -c +34 grad.png; } >bad/png-huge.png
{ head -c 8 grad.png; png_chunk IHDR 00004e2000004e200802000000; tail -c +34 grad.png; } >bad/png-400mp.png
{ head -c 8 grad.png; png_chunk IHDR 00000000000000000802000000; tail -c +34 grad.png; } >bad/png-zero-size.png
idat=$(offset grad.png IDAT)
patch grad.png $((idat + 10)) 00ff00ff >bad/png-idat-crc.png          # data changed, CRC kept
patch grad.png $((idat - 4)) 7ffffff0 >bad/png-idat-length.png        # a chunk past the end
patch grad.png 29 00000000 >bad/png-ihdr-crc.png                      # IHDR's CRC
: >bad/png-empty.png
# WebP: cut in the RIFF header, in the chunk header, in the middle; a VP8X canvas of
# 16384x16384 with nothing in it, and with a small image; a VP8L header of 16384x16384;
# a chunk longer than the file
webp_len=$(size grad.webp)
cut_at grad.webp 12 >bad/webp-cut-riff.webp
cut_at grad.webp 24 >bad/webp-cut-header.webp
cut_at grad.webp $((webp_len / 2)) >bad/webp-cut-half.webp
printf 'RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xff\x3f\x00\xff\x3f\x00' >bad/webp-huge-canvas.webp
{ printf 'RIFF'; perl -e 'print pack("V", 4 + 18 + $ARGV[0] - 12)' "$webp_len"; printf 'WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xff\x3f\x00\xff\x3f\x00'; tail -c +13 grad.webp; } >bad/webp-huge-canvas-small-image.webp
# VP8L: signature 0x2f, then 14 bits width - 1 and 14 bits height - 1 (all ones: 16384)
vp8l() { printf 'RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f'"$1"; head -c 8 /dev/zero; printf '\x00'; }
vp8l '\xff\xff\xff\x0f' >bad/webp-vp8l-huge.webp
vp8l '\xff\xff\xff\x07' >bad/webp-vp8l-134mp.webp # 16384 x 8192: over 120 MP
patch grad.webp 16 f0ffff7f >bad/webp-chunk-past-end.webp
: >bad/webp-empty.webp
# TIFF: cut after the header and in the middle (its directory is at the end); 2^31 wide,
# 2^31 - 1 high, 60000x60000; a strip past the end; a directory that is its own next
tif_len=$(size grad.tif)
cut_at grad.tif 8 >bad/tiff-cut-header.tif
cut_at grad.tif $((tif_len / 2)) >bad/tiff-cut-half.tif
cut_at grad.tif $((tif_len - 40)) >bad/tiff-cut-directory.tif
tiff 2147483648 1 >bad/tiff-wide.tif
tiff 1 2147483647 >bad/tiff-tall.tif
tiff 60000 60000 >bad/tiff-huge.tif
tiff 20000 20000 >bad/tiff-400mp.tif
tiff 4 4 1 >bad/tiff-strip-past-end.tif
tiff 4 4 0 1 >good/tiff-ifd-loop.tif # its first directory is read, its loop never followed
: >bad/tiff-empty.tif
# HEIF: cut in ftyp, in meta, in the middle, before the end of the coded image; ispe of
# 60000x60000; a meta box longer than the file
heic_len=$(size grad.heic)
cut_at grad.heic 20 >bad/heic-cut-ftyp.heic
cut_at grad.heic 100 >bad/heic-cut-meta.heic
cut_at grad.heic $((heic_len / 2)) >bad/heic-cut-half.heic
cut_at grad.heic $((heic_len - 10)) >bad/heic-cut-end.heic
ispe=$(offset grad.heic ispe)
patch grad.heic $((ispe + 8)) 0000ea600000ea60 >bad/heic-huge-ispe.heic
patch grad.heic $((ispe + 8)) 00004e2000004e20 >bad/heic-400mp-ispe.heic # within libheif's limits
meta=$(offset grad.heic meta)
patch grad.heic $((meta - 4)) 7ffffff0 >bad/heic-meta-past-end.heic
: >bad/heic-empty.heic
# videos: MP4 and QuickTime, told by their ftyp
printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41\x00\x00\x00\x08free' >video.mp4
printf '\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  \x00\x00\x00\x08wide' >video.mov
cp video.mp4 bad/video.jpg # a name that says photo

# under ASan the address-space limit cannot be used (its shadow takes terabytes)
if (ulimit -v "$limit_kib"; "$fc" detect good/grad.png 2>&1 >/dev/null) | grep -q Sanitizer; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=$((limit_kib / 1024))
    limit_kib=unlimited
fi
detect() { (ulimit -v "$limit_kib"; exec "$fc" detect "$1") >out 2>err; }

for f in good/*; do
    detect "$f"
    check "$f read under the memory limit" test $? -eq 0
    cat err >&2
done
for f in bad/* video.mp4 video.mov; do
    detect "$f"
    rc=$?
    check "$f: exit 1 (was $rc)" test "$rc" -eq 1
    check "$f: nothing on stdout" test ! -s out
    check "$f: one line on stderr" test "$(wc -l <err)" -eq 1
    check "$f: the line names the file" grep -q "^facecluster: $f: ." err
    # (libheif names its own size limit a "Memory allocation error: Security limit exceeded")
    check "$f: not out of memory" test "$(grep -i 'memory\|alloc' err | grep -vc 'Security limit')" -eq 0
    check "$f: no sanitizer report" test "$(grep -c -e 'Sanitizer' -e 'runtime error' err)" -eq 0
    case $f in
    *video*) check "$f: told a video" grep -q 'a video, not a photo' err ;;
    # a cut file is told truncated (-ENODATA: the daemon tries again, as for a file still
    # being copied), except 5 bytes of PNG signature (not yet a PNG)
    bad/png-cut-signature.png) ;;
    *-cut-*) check "$f: told truncated" grep -q 'truncated' err ;;
    esac
    printf '%s\n' "$(head -c 300 err)" >&2
done
finish
