#!/usr/bin/env bash
# RAW files through their embedded preview. No Debian package ships a camera RAW with a
# preview (libraw, exiv2 and exiftool keep their sample files out of the binary
# packages), so tests/tools/make_dng.py makes DNGs around a sample photo; test_raw checks
# the decoder, the orientation and the capture time on them, and `facecluster detect`
# must find in each DNG exactly the faces it finds in its preview JPEG.
set -u
. "$(dirname "$0")/lib.sh"
need_model_and_samples
test_raw=${FACECLUSTER_TEST_RAW:?}
make_dng="python3 $(dirname "$0")/tools/make_dng.py"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$samples/sample1.jpg" "$dir/preview.jpg"
$make_dng "$dir/simple.dng" --preview "$dir/preview.jpg" || exit 1
$make_dng "$dir/adobe.dng" --preview "$dir/preview.jpg" --thumbnail || exit 1
$make_dng "$dir/none.dng" || exit 1
for n in 1 2 3 4 5 6 7 8; do
    $make_dng "$dir/o$n.dng" --preview "$dir/preview.jpg" --orientation $n || exit 1
done
$make_dng "$dir/upright.dng" --preview "$dir/preview.jpg" --orientation 6 --cfa 48x64 || exit 1
check "test_raw" "$test_raw" "$dir"

faces() { "$fc" detect --json "$1" | sed 's/^{"path": "[^"]*", //'; }
want=$(faces "$dir/preview.jpg")
check "the sample has faces" test "$(printf '%s\n' "$want" | grep -c score)" -ge 3
for f in simple adobe; do
    check "$f.dng: the preview's faces" test "$(faces "$dir/$f.dng")" = "$want"
done
# the DNG's orientation turns its preview as EXIF's turns a JPEG
if command -v exiftool >/dev/null; then
    for n in 3 6 8; do
        exiftool -q -n -Orientation=$n -o "$dir/tagged$n.jpg" "$dir/preview.jpg"
        check "orientation $n: the tagged JPEG's faces" \
            test "$(faces "$dir/o$n.dng")" = "$(faces "$dir/tagged$n.jpg")"
    done
fi
err=$("$fc" detect "$dir/none.dng" 2>&1 >/dev/null)
check "no preview: exit 1" test $? -eq 1
check "no preview: said so" grep -q "no embedded preview" <<<"$err"
finish
