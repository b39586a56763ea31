#!/usr/bin/env bash
# make_formats.sh DIR SAMPLE.jpg [--few]: a sample photo in every format facecluster reads,
# made with Debian's tools (djpeg, ppm2tiff/tiffcp/tiffcrop/tiffset/tiff2rgba, cwebp/dwebp,
# heif-enc, exiftool) and tests/tools/make_heif ($FACECLUSTER_MAKE_HEIF), into DIR:
#   orig.jpg, orig.ppm   the sample and djpeg's pixels of it (what every file must show)
#   manifest             one line a file: NAME exact|lossy TIME|-
# "exact" files hold djpeg's pixels losslessly (checked here by a round trip through
# libwebp's readers, independent of facecluster), "lossy" ones within their codec's loss;
# TIME is the capture time the file's EXIF says (fc_exif_time_string's form).
# PNG, WebP and TIFF come in the 8 EXIF orientations and HEIC in the container's 8 (irot,
# imir): the stored pixels are the photo turned so that orientation N makes it upright
# again, turned exactly (tiffcrop on pixels, not jpegtran on DCT blocks). --few makes
# the plain files and 4 of the orientations.
set -eu
dir=$1 src=$2 few=${3:-}
make_heif=${FACECLUSTER_MAKE_HEIF:?}
mkdir -p "$dir"
cd "$dir"
: >manifest
time_exif=("-DateTimeOriginal=2021:07:04 12:34:56" "-OffsetTimeOriginal=+02:00")
time_iso=2021-07-04T12:34:56+02:00

to_ppm() { # to_ppm IN OUT.ppm: any of PNG, TIFF, WebP, PPM through libwebp (lossless)
    cwebp -quiet -lossless -z 0 -metadata none "$1" -o "$2.webp" && dwebp -quiet "$2.webp" -ppm -o "$2" &&
        rm -f "$2.webp"
}
same_pixels() { # same_pixels FILE PPM: FILE decodes to PPM's pixels (else the maker is wrong)
    to_ppm "$1" check.ppm
    cmp -s check.ppm "$2" || { echo "make_formats: $1 does not hold $2's pixels" >&2; exit 1; }
    rm -f check.ppm
}
add() { echo "$*" >>manifest; }
crop() { # crop IN OUT "STEP|STEP...": tiffcrop's steps one at a time, in the order given
    local in=$1 out=$2 step steps
    IFS='|' read -ra steps <<<"$3"
    cp "$in" "$out"
    for step in "${steps[@]}"; do tiffcrop $step "$out" crop.tif && mv crop.tif "$out"; done
}
# the steps that store an upright photo under orientation N (EXIF's turn undoes them):
# tiffcrop -R turns clockwise
store=("" "" "-F horiz" "-R 180" "-F vert" "-R 90|-F horiz" "-R 270" "-R 90|-F vert" "-R 90")
# and what orientation N does to a stored photo, to check a file by undoing it
upright=("" "" "-F horiz" "-R 180" "-F vert" "-R 90|-F horiz" "-R 90" "-R 90|-F vert" "-R 270")

cp "$src" orig.jpg
djpeg -ppm orig.jpg >orig.ppm
ppm2tiff -c none orig.ppm base.tif

# --- PNG, TIFF, WebP, HEIC as they come, orientation 1 (none written)
same_pixels base.tif orig.ppm # the check's round trip is itself exact
cwebp -quiet -lossless -z 0 base.tif -o webp-lossless.webp
dwebp -quiet webp-lossless.webp -o png.png
cwebp -quiet -q 90 base.tif -o webp-q90.webp
cp base.tif tiff.tif
tiffcp -c lzw:2 base.tif tiff-lzw.tif
tiffcp -c zip base.tif tiff-zip.tif
tiffcp -t -w 256 -l 256 base.tif tiff-tiled.tif
tiffcp -B -r 16 base.tif tiff-strips.tif # big-endian, 16 rows a strip
tiff2rgba -c none base.tif tiff-rgba.tif # RGBA, alpha opaque
tiffcp -c jpeg:90 -r 16 base.tif tiff-jpeg.tif
cp png.png png-named.jpg # by content, not by name
heif-enc -q 90 -p preset=ultrafast orig.jpg -o heic-q90.heic >/dev/null
for f in png.png webp-lossless.webp tiff.tif tiff-lzw.tif tiff-zip.tif tiff-tiled.tif \
    tiff-strips.tif tiff-rgba.tif png-named.jpg; do
    same_pixels "$f" orig.ppm
    add "$f exact -"
done
add "webp-q90.webp lossy -"
add "tiff-jpeg.tif lossy -"
add "heic-q90.heic lossy -"
# HEIF: EXIF's orientation is not HEIF's (the spec says to ignore it): a phone's file with
# EXIF 6 and no irot, and heif-enc's from a JPEG saying 6 (it copies the EXIF, stores the
# JPEG's pixels, writes no irot), both show their pixels as stored
"$make_heif" orig.ppm heic-exif6.heic -e 6 -t "2021:07:04 12:34:56"
add "heic-exif6.heic lossy 2021-07-04T12:34:56"
cp orig.jpg exif6.jpg
exiftool -q -overwrite_original -Orientation#=6 exif6.jpg
heif-enc -q 90 -p preset=ultrafast exif6.jpg -o heic-enc-exif6.heic >/dev/null
rm exif6.jpg
add "heic-enc-exif6.heic lossy -"
# the primary image, not the first one stored nor the thumbnail
"$make_heif" orig.ppm heic-primary.heic --thumb 320 --decoy
add "heic-primary.heic lossy -"

# --- the 8 orientations
orientations="1 2 3 4 5 6 7 8"
[ "$few" = --few ] && orientations="1 5 6 7"
for n in $orientations; do
    crop base.tif "s$n.tif" "${store[$n]}"
    to_ppm "s$n.tif" "s$n.ppm"
    cwebp -quiet -lossless -z 0 "s$n.tif" -o "webp-o$n.webp"
    dwebp -quiet "webp-o$n.webp" -o "png-o$n.png"
    mv "s$n.tif" "tiff-o$n.tif"
    exiftool -q -overwrite_original "-Orientation#=$n" "${time_exif[@]}" \
        "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif"
    "$make_heif" "s$n.ppm" "heic-o$n.heic" -o "$n" -t "2021:07:04 12:34:56"
    # the stored pixels, turned as orientation n says, are the photo's
    for f in "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif"; do
        # libtiff's RGBA reader (cwebp's) would apply 2..4 itself: a copy without the tag
        cp "$f" "stored.${f##*.}"
        [ "${f##*.}" = tif ] && tiffset -s 274 1 stored.tif
        to_ppm "stored.${f##*.}" stored.ppm
        ppm2tiff -c none stored.ppm stored.tif
        crop stored.tif turned.tif "${upright[$n]}"
        same_pixels turned.tif orig.ppm
        add "$f exact $time_iso"
    done
    add "heic-o$n.heic lossy 2021-07-04T12:34:56"
    rm -f "s$n.ppm" stored.* turned.tif
done
# exiftool wrote each orientation where a reader looks for it (PNG eXIf, WebP EXIF chunk)
for n in $orientations; do
    for f in "png-o$n.png" "webp-o$n.webp" "tiff-o$n.tif"; do
        got=$(exiftool -s3 -n -Orientation "$f")
        [ "$got" = "$n" ] || { echo "make_formats: $f says orientation '$got', not $n" >&2; exit 1; }
    done
done
exiftool -v png-o1.png | grep -q '^PNG eXIf' &&
    exiftool -v webp-o1.webp | grep -q "^RIFF 'EXIF' chunk" ||
    { echo "make_formats: exiftool wrote no eXIf / EXIF chunk" >&2; exit 1; }
rm -f base.tif base.ppm
