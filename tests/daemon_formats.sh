#!/usr/bin/env bash
# The daemon indexes every photo format by content: one sample photo as JPEG, PNG, WebP,
# TIFF and HEIC (made here with Debian's tools), a .jpg that is really a PNG, a WebP
# without an extension, a lone DNG (its preview read) and a DNG beside a same-named JPEG
# (the JPEG stands for it); videos (by name and by content) and a document are skipped and
# counted. Each format's photo has the JPEG's faces. Then, with the daemon running, the
# RAW's JPEG deleted gives the RAW back to the index, and a JPEG written beside it takes
# its place again.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
for tool in djpeg cwebp dwebp ppm2tiff heif-enc python3; do
    command -v $tool >/dev/null && continue
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $tool missing" >&2; exit 1; fi
    echo "SKIP: $tool missing (./run.sh test installs the format tools)" >&2
    exit 77
done
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
lib=$tmp/photos db=$tmp/faces.db log=$tmp/log
mkdir -p "$lib"
make_dng="python3 $(dirname "$0")/tools/make_dng.py"

cp "$samples/sample1.jpg" "$lib/photo.jpg"
djpeg -pnm "$lib/photo.jpg" >"$tmp/photo.ppm"
cwebp -quiet -lossless "$lib/photo.jpg" -o "$lib/photo.webp"
dwebp -quiet "$lib/photo.webp" -o "$lib/photo.png"
ppm2tiff -c lzw "$tmp/photo.ppm" "$lib/photo.tif"
heif-enc -q 92 "$lib/photo.png" -o "$lib/photo.heic" >/dev/null
# other samples for these two: a byte copy would be linked as a copy, not indexed anew
cwebp -quiet -lossless "$samples/sample2.jpg" -o "$tmp/2.webp"
dwebp -quiet "$tmp/2.webp" -o "$lib/really-png.jpg"
cwebp -quiet -lossless "$samples/sample3.jpg" -o "$lib/download"
$make_dng "$lib/solo.dng" --preview "$samples/sample1.jpg"
cp "$samples/sample2.jpg" "$lib/IMG_0001.jpg"
$make_dng "$lib/IMG_0001.DNG" --preview "$samples/sample2.jpg"
printf '\0\0\0\x18ftypisom\0\0\x02\0isomiso2' >"$lib/clip.mp4"
printf '\0\0\0\x18ftypisom\0\0\x02\0isomiso2' >"$lib/clip"
printf 'shopping list\n' >"$lib/notes.txt"
for f in photo.jpg photo.png photo.webp photo.tif photo.heic solo.dng; do
    check "made $f" test -s "$lib/$f"
done

"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$log"
check "the daemon: exit 0" test $? -eq 0
check "9 photos indexed" test "$(field photos)" -eq 9
check "none bad" test "$(field bad)" -eq 0
json_skipped() { "$fc" --db "$db" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["skipped"])'; }
check "skipped: 2 videos, the paired RAW, the document" test "$(json_skipped)" = \
    "{'video': 2, 'raw_with_jpeg': 1, 'other': 1, 'path_too_long': 0}"
faces_by_photo "$db" >"$tmp/faces"
count() { grep -c " $lib/$1\$" "$tmp/faces"; }
want=$(count photo.jpg)
check "the JPEG has faces" test "$want" -ge 3
for f in photo.png photo.webp photo.tif photo.heic solo.dng; do
    check "$f: the JPEG's $want faces" test "$(count "$f")" -eq "$want"
done
detected() { "$fc" detect --json "$1" | grep -c '"score"'; }
check "really-png.jpg: its JPEG's faces" test "$(count really-png.jpg)" -eq "$(detected "$samples/sample2.jpg")"
check "download: its JPEG's faces" test "$(count download)" -eq "$(detected "$samples/sample3.jpg")"
check "the RAW's JPEG indexed" test "$(count IMG_0001.jpg)" -ge 1
check "the paired RAW not indexed" test "$(count IMG_0001.DNG)" -eq 0

# the watcher keeps the pair's rule: the JPEG gone, the RAW is indexed; back, it is not
"$fcd" --watch "$lib" --db "$db" --threads 1 --settle-ms 200 2>"$log" &
pid=$!
raw_indexed() { faces_by_photo "$db" | grep -q " $lib/IMG_0001.DNG\$"; }
jpeg_indexed() { faces_by_photo "$db" | grep -q " $lib/IMG_0001.jpg\$"; }
check "running" wait_for 60 grep -q "scanned in" "$log"
rm "$lib/IMG_0001.jpg"
check "the JPEG deleted: the RAW indexed" wait_for 120 raw_indexed
check "the JPEG deleted: its faces gone" wait_for 60 eval '! jpeg_indexed'
# (another name's case, and a copy of the deleted JPEG: linked to its faces again)
cp "$samples/sample2.jpg" "$lib/img_0001.JPG"
check "a JPEG back: the RAW leaves" wait_for 120 eval '! raw_indexed'
back_indexed() { faces_by_photo "$db" | grep -q " $lib/img_0001.JPG\$"; }
check "a JPEG back: indexed" wait_for 120 back_indexed
kill -TERM "$pid"
wait "$pid"
check "SIGTERM: exit 0" test $? -eq 0
pid=
check "no sanitizer report" test "$(grep -c -e 'Sanitizer' -e 'runtime error' "$log")" -eq 0
finish
