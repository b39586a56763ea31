#!/usr/bin/env bash
# make_formats.sh DIR SAMPLE.jpg [--few]: a sample photo in every format facecluster reads,
# made with Debian's tools (djpeg, ppm2tiff/tiffcp/tiffcrop/tiffcmp/tiff2rgba, cwebp/dwebp,
# heif-enc/heif-convert, exiftool) and tests/tools/make_heif ($FACECLUSTER_MAKE_HEIF),
# into DIR:
#   orig.jpg, orig.ppm   the sample and djpeg's pixels of it (what every file must show)
#   manifest             one line a file: NAME PIXELS TIME BOX_PX
# PIXELS names the PPM whose pixels the file holds, upright: orig.ppm for the lossless
# files, the codec's own decoding for lossy WebP and HEIC (dwebp's, heif-convert's:
# NAME.ppm), or "lossy" for a file only within its codec's loss of orig.ppm (JPEG in
# TIFF). TIME is the capture time the file's EXIF says (fc_exif_time_string's form), "-"
# for none, "jpeg" for the JPEG's own (heif-enc copies it). BOX_PX bounds how far its
# faces' boxes may be from the JPEG's.
# PNG, WebP and TIFF come in the 8 EXIF orientations and HEIC in the container's 8 (irot,
# imir): the stored pixels are the photo turned so that orientation N makes it upright
# again, turned exactly (tiffcrop on pixels, not jpegtran on DCT blocks, whose decoded
# pixels differ a little). --few: the plain files and orientations 1, 5, 6, 7; --large
# (for a photo decoded reduced): PNG, TIFF, WebP and HEIC plain and in orientation 6.
set -eu
dir=$1 src=$2 few=${3:-}
make_heif_exe=${FACECLUSTER_MAKE_HEIF:?}
# x265 leaks its frame encoders' buffers (about 125 KB a file): LeakSanitizer, when the
# tool is built with it, is told to look away, as the tool is ours but the leak is not
make_heif() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$make_heif_exe" "$@"; }
mkdir -p "$dir"
cd "$dir"
: >manifest
heif_time="2021:07:04 12:34:56"

to_ppm() { # to_ppm IN OUT.ppm: PNG, TIFF or WebP to PPM through libwebp's readers (lossless)
    cwebp -quiet -lossless -z 0 -metadata none "$1" -o "$2.webp"
    dwebp -quiet "$2.webp" -ppm -o "$2"
    rm -f "$2.webp"
}
fail() { echo "make_formats: $*" >&2; exit 1; }
same_pixels() { # same_pixels FILE PPM: FILE holds PPM's pixels, read by libwebp, not by us
    to_ppm "$1" check.ppm
    cmp -s check.ppm "$2" || fail "$1 does not hold $2's pixels"
    rm -f check.ppm
}
add() { echo "$*" >>manifest; }
crop() { # crop IN OUT "STEP|STEP...": tiffcrop's steps one at a time, in the order given
    local in=$1 out=$2 step steps
    IFS='|' read -ra steps <<<"$3"
    cp "$in" "$out"
    for step in "${steps[@]}"; do tiffcrop $step "$out" crop.tif && mv crop.tif "$out"; done
}
heic() { # heic FILE TIME: FILE's line, with heif-convert's pixels of its primary image
    local base=${1%.heic}
    heif-convert "$1" "$base-ref.png" >/dev/null
    # a file of several images gives NAME-1.png, NAME-2.png...: the photo is the last
    [ -f "$base-ref.png" ] || mv "$(ls "$base"-ref-*.png | tail -1)" "$base-ref.png"
    to_ppm "$base-ref.png" "$base.ppm"
    rm -f "$base"-ref*.png
    add "$1 $base.ppm $2 2"
}
# the steps that store an upright photo under orientation N (EXIF's turn undoes them;
# tiffcrop -R turns clockwise), and the turn orientation N itself asks for
store=("" "" "-F horiz" "-R 180" "-F vert" "-R 90|-F horiz" "-R 270" "-R 90|-F vert" "-R 90")
upright=("" "" "-F horiz" "-R 180" "-F vert" "-R 90|-F horiz" "-R 90" "-R 90|-F vert" "-R 270")

cp "$src" orig.jpg
djpeg -ppm orig.jpg >orig.ppm
ppm2tiff -c none orig.ppm base.tif
same_pixels base.tif orig.ppm # the checks' own round trip is exact

# --- PNG, TIFF, WebP, HEIC as they come (no orientation written)
cwebp -quiet -lossless -z 0 base.tif -o webp-lossless.webp
dwebp -quiet webp-lossless.webp -o png.png
tiffcp -c lzw:2 -t -w 256 -l 256 base.tif tiff-tiled.tif
same_pixels png.png orig.ppm
same_pixels tiff-tiled.tif orig.ppm
for f in png.png webp-lossless.webp tiff-tiled.tif; do add "$f orig.ppm - 2"; done
# without the sample's ICC profile, which libpng (heif-convert's PNG) calls incorrect
cp orig.jpg exif.jpg
exiftool -q -q -overwrite_original -ICC_Profile:all= exif.jpg
heif-enc -q 90 -p preset=ultrafast exif.jpg -o heic-q90.heic >/dev/null
heic heic-q90.heic jpeg
if [ "$few" != --large ]; then
    cp png.png png-named.jpg # by content, not by name
    cp base.tif tiff.tif
    tiffcp -c lzw:2 base.tif tiff-lzw.tif
    tiffcp -c zip base.tif tiff-zip.tif
    tiffcp -B -r 16 base.tif tiff-strips.tif # big-endian, 16 rows a strip
    tiff2rgba -c none base.tif tiff-rgba.tif # RGBA, alpha opaque
    same_pixels tiff-rgba.tif orig.ppm
    for f in png-named.jpg tiff.tif tiff-lzw.tif tiff-zip.tif tiff-strips.tif tiff-rgba.tif; do
        add "$f orig.ppm - 2"
    done
    tiffcp -c jpeg:90 -r 16 base.tif tiff-jpeg.tif
    add "tiff-jpeg.tif lossy - 2"
    # Lossy WebP's own loss moves boxes further than the 2 px the others are held to (its
    # pixels must be dwebp's exactly, and dwebp's give the same boxes): at q90 2.84 px on
    # one of sample1's faces, 3.67 on one of sample2's (2.08 at q95; HEIC q90: under 1.2)
    cwebp -quiet -q 90 base.tif -o webp-q90.webp
    dwebp -quiet webp-q90.webp -ppm -o webp-q90.ppm
    add "webp-q90.webp webp-q90.ppm - 5"
    # HEIF: EXIF's orientation is not HEIF's (the spec says to ignore it): a phone's file
    # with EXIF 6 and no irot, and heif-enc's from a JPEG saying 6 (it copies the EXIF,
    # stores the JPEG's pixels, writes no irot), both show their pixels as stored
    make_heif orig.ppm heic-exif6.heic -e 6 -t "$heif_time"
    heic heic-exif6.heic 2021-07-04T12:34:56
    exiftool -q -overwrite_original -Orientation#=6 exif.jpg
    heif-enc -q 90 -p preset=ultrafast exif.jpg -o heic-enc-exif6.heic >/dev/null
    heic heic-enc-exif6.heic jpeg
    # the primary image, not the first one stored nor the thumbnail
    make_heif orig.ppm heic-primary.heic --thumb 320 --decoy
    heic heic-primary.heic -
fi
rm exif.jpg

# --- the 8 orientations, each file saying when it was taken
orientations="1 2 3 4 5 6 7 8"
[ "$few" = --few ] && orientations="1 5 6 7"
[ "$few" = --large ] && orientations=6
: >exiftool.args
for n in $orientations; do
    crop base.tif "tiff-o$n.tif" "${store[$n]}"
    to_ppm "tiff-o$n.tif" "s$n.ppm"
    cwebp -quiet -lossless -z 0 "tiff-o$n.tif" -o "webp-o$n.webp"
    dwebp -quiet "webp-o$n.webp" -o "png-o$n.png"
    make_heif "s$n.ppm" "heic-o$n.heic" -o "$n" -t "$heif_time"
    rm "s$n.ppm"
    printf '%s\n' "-Orientation#=$n" "-DateTimeOriginal=$heif_time" "-OffsetTimeOriginal=+02:00" \
        "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif" -execute >>exiftool.args
    for f in "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif"; do
        add "$f orig.ppm 2021-07-04T12:34:56+02:00 2"
    done
    heic "heic-o$n.heic" 2021-07-04T12:34:56
done
if [ -z "$few" ]; then
    # lossy WebP (VP8 inside VP8X) saying 6, its pixels dwebp's turned upright; and a HEIC
    # turned by its container whose EXIF says 3, to be ignored
    cwebp -quiet -q 90 tiff-o6.tif -o webp-q90-o6.webp # (no tag in tiff-o6.tif yet)
    dwebp -quiet webp-q90-o6.webp -ppm -o stored.ppm
    ppm2tiff -c none stored.ppm stored.tif
    crop stored.tif turned.tif "${upright[6]}"
    to_ppm turned.tif webp-q90-o6.ppm
    printf '%s\n' "-Orientation#=6" webp-q90-o6.webp -execute >>exiftool.args
    add "webp-q90-o6.webp webp-q90-o6.ppm - 5"
    to_ppm tiff-o6.tif s6.ppm
    make_heif s6.ppm heic-o6-exif3.heic -o 6 -e 3
    heic heic-o6-exif3.heic -
    rm -f s6.ppm stored.* turned.tif
fi
exiftool -@ exiftool.args -common_args -q -overwrite_original
rm exiftool.args
for n in $orientations; do
    # the stored pixels turned as orientation n says are the photo's (tiffcmp -t: pixels only)
    # (on a copy without the tag, which tiffcrop would act on too)
    cp "tiff-o$n.tif" stored.tif
    tiffset -s 274 1 stored.tif
    crop stored.tif turned.tif "${upright[$n]}"
    tiffcmp -t base.tif turned.tif >/dev/null || fail "tiff-o$n.tif turned is not the photo"
    # exiftool wrote each orientation where readers look (PNG eXIf, WebP EXIF chunk)
    for f in "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif"; do
        [ "$(exiftool -s3 -n -Orientation "$f")" = "$n" ] || fail "$f does not say orientation $n"
    done
done
rm -f base.tif stored.tif turned.tif
exiftool -v "png-o$n.png" | grep -q '^PNG eXIf' || fail "exiftool wrote no eXIf chunk"
exiftool -v "webp-o$n.webp" | grep -q "^RIFF 'EXIF' chunk" || fail "exiftool wrote no EXIF chunk"
