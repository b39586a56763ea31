#!/usr/bin/env bash
# Orientation end to end: a sample photo (and a crop of it) is stored in each of EXIF's
# 8 orientations by lossless DCT transforms (jpegtran -perfect, MCU-aligned sizes). Then
# test_exif --variants tags each crop, decodes it, turns it upright and compares pixels;
# test_faces --variants runs the whole pipeline on each tagged photo and requires the
# same faces, landmarks within 2 px and embeddings with cosine >= 0.999.
set -u
samples=${FACECLUSTER_SAMPLES:?}
test_exif=${FACECLUSTER_TEST_EXIF:?}
test_faces=${FACECLUSTER_TEST_FACES:?}
if ! command -v jpegtran >/dev/null || [ ! -f "$samples/sample1.jpg" ]; then
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): jpegtran or samples missing" >&2; exit 1; fi
    echo "SKIP: jpegtran (libjpeg-turbo-progs) or the sample photos missing" >&2
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# sample1 is 4:2:0 (16-pixel MCUs): a 320x240 crop at a multiple of 16 transforms exactly
jpegtran -copy none -perfect -crop 320x240+352+384 "$samples/sample1.jpg" >"$dir/orig.jpg" || exit 1
# stored = upright under the inverse of what orientation n asks for
transform=("" "" "-flip horizontal" "-rotate 180" "-flip vertical" "-transpose" "-rotate 270"
           "-transverse" "-rotate 90")
for n in 1 2 3 4 5 6 7 8; do
    jpegtran -copy none -perfect ${transform[$n]} "$dir/orig.jpg" >"$dir/$n.jpg" || exit 1
done
"$test_exif" --variants "$dir" || exit 1
# the whole photo (1920x1280: whole 16-pixel MCUs), tagged by the C helper as it reads
mkdir -p "$dir/photo"
cp "$samples/sample1.jpg" "$dir/photo/orig.jpg"
for n in 1 2 3 4 5 6 7 8; do
    jpegtran -copy none -perfect ${transform[$n]} "$samples/sample1.jpg" >"$dir/photo/$n.jpg" || exit 1
done
exec "$test_faces" --variants "$dir/photo"
