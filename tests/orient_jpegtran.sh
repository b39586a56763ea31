#!/usr/bin/env bash
# Orientation end to end: a crop of a sample photo is stored in each of EXIF's 8
# orientations by lossless DCT transforms (jpegtran -perfect on an MCU-aligned crop),
# then test_exif --variants tags each, decodes it, turns it upright and compares it with
# the crop as stored.
set -u
samples=${FACECLUSTER_SAMPLES:?}
test_exif=${FACECLUSTER_TEST_EXIF:?}
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
exec "$test_exif" --variants "$dir"
