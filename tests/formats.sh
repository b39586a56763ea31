#!/usr/bin/env bash
# Every photo format against its JPEG original (issue 14), through the core pipeline and
# the CLI. tests/make_formats.sh makes sample1 in every format and variant and in the 8
# orientations of PNG, WebP, TIFF and HEIC, sample2 (an odd height) in fewer, and sample1
# four times over (3840x2560, by jpegtran: a photo the pipeline decodes reduced, where
# only JPEG scales while decoding and the other formats are averaged down after) in a few;
# test_formats compares each file's pixels, capture time and faces with the JPEG's; then
# `detect --json` and `embed --json` must answer for each file as for the JPEG (the same
# faces, boxes within 2 px on the upright photo, embeddings within cosine distance 0.01),
# and `who` and `similar` against a store indexed from the JPEGs must find each format's
# faces to be the JPEGs' faces.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
test_formats=${FACECLUSTER_TEST_FORMATS:?}
export FACECLUSTER_MAKE_HEIF=${FACECLUSTER_MAKE_HEIF:?}
for tool in djpeg jpegtran cwebp dwebp ppm2tiff tiffcp tiffcrop tiffset tiff2rgba heif-enc exiftool; do
    command -v "$tool" >/dev/null && continue
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $tool missing" >&2; exit 1; fi
    echo "SKIP: $tool missing (./run.sh test installs the format tools)" >&2
    exit 77
done
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
s1=$tmp/sample1 s2=$tmp/sample2 s3=$tmp/four
# sample1 (whole 16-pixel MCUs) dropped losslessly into the four quarters of a canvas
one=$samples/sample1.jpg
jpegtran -copy all -crop 3840x2560+0+0 "$one" >"$tmp/canvas.jpg" &&
    jpegtran -copy all -drop +1920+0 "$one" "$tmp/canvas.jpg" >"$tmp/1.jpg" &&
    jpegtran -copy all -drop +0+1280 "$one" "$tmp/1.jpg" >"$tmp/2.jpg" &&
    jpegtran -copy all -drop +1920+1280 "$one" "$tmp/2.jpg" >"$tmp/four.jpg" || exit 1
# made side by side: most of the test's time is making them
make=$(dirname "$0")/make_formats.sh
"$make" "$s1" "$samples/sample1.jpg" & p1=$!
"$make" "$s2" "$samples/sample2.jpg" --few & p2=$!
"$make" "$s3" "$tmp/four.jpg" --large & p3=$!
for p in $p1 $p2 $p3; do wait "$p" || exit 1; done

# the core pipeline: pixels, capture time, faces
"$test_formats" "$s1" "$s2" "$s3"
check "test_formats: every file as its JPEG" test $? -eq 0

# compare DIR OUT: each photo's lines in a detect/embed --json OUT against DIR/orig.jpg's:
# the same count, each face's box within the manifest's bound (2 px; 5 for lossy WebP) of
# the nearest of the JPEG's on every side, its embedding (when printed) within cosine
# distance 0.01 of that face's
compare() {
    awk -v dir="$1" -v orig="$1/orig.jpg" '
    function side(p, k, q, j,    d, m) {
        m = 0
        d = B[p, k, 1] - B[q, j, 1]; if (d < 0) d = -d; if (d > m) m = d
        d = B[p, k, 2] - B[q, j, 2]; if (d < 0) d = -d; if (d > m) m = d
        d = B[p, k, 1] + B[p, k, 3] - B[q, j, 1] - B[q, j, 3]; if (d < 0) d = -d; if (d > m) m = d
        d = B[p, k, 2] + B[p, k, 4] - B[q, j, 2] - B[q, j, 4]; if (d < 0) d = -d; if (d > m) m = d
        return m
    }
    function cosd(a, b,    x, y, i, dot, na, nb) {
        split(a, x, ", "); split(b, y, ", ")
        for (i = 1; i <= 128; i++) { dot += x[i] * y[i]; na += x[i] * x[i]; nb += y[i] * y[i] }
        return 1 - dot / sqrt(na * nb)
    }
    FNR == NR { bound[dir "/" $1] = $4; next }
    {
        match($0, /"path": "[^"]*"/); p = substr($0, RSTART + 9, RLENGTH - 10)
        match($0, /"box": \[[^]]*\]/); split(substr($0, RSTART + 8, RLENGTH - 9), bx, ", ")
        k = ++n[p]
        for (i = 1; i <= 4; i++) B[p, k, i] = bx[i]
        E[p, k] = match($0, /"embedding": \[[^]]*\]/) ? substr($0, RSTART + 14, RLENGTH - 15) : ""
        if (k == 1) order[++np] = p
    }
    END {
        bad = !n[orig]
        for (q = 1; q <= np; q++) {
            p = order[q]
            if (p == orig) continue
            if (n[p] != n[orig]) { printf "FAIL: %s: %d faces, the JPEG %d\n", p, n[p], n[orig]; bad = 1; continue }
            worst = 0; worstd = 0
            for (k = 1; k <= n[p]; k++) {
                best = 1e9
                for (j = 1; j <= n[orig]; j++) if ((d = side(p, k, orig, j)) < best) { best = d; bj = j }
                if (best > worst) worst = best
                if (E[p, k] != "" && (c = cosd(E[p, k], E[orig, bj])) > worstd) worstd = c
            }
            printf "%s: %d faces, boxes within %.2f px, cosine distance <= %.5f\n", p, n[p], worst, worstd
            if (!(p in bound) || worst > bound[p] || worstd > 0.01) { printf "FAIL: %s is not the JPEG\n", p; bad = 1 }
        }
        exit bad
    }' "$1/manifest" "$2"
}
# one file in each format as stored (a turned one where the format turns) and a lossy one
asked="$s1/png-o6.png $s1/png-named.jpg $s1/webp-o7.webp $s1/webp-q90.webp $s1/tiff-o5.tif
$s1/tiff-jpeg.tif $s1/heic-o8.heic $s1/heic-q90.heic $s2/png-o5.png $s2/webp-o7.webp
$s2/tiff-o6.tif $s2/heic-o7.heic $s2/webp-q90.webp $s3/png-o6.png $s3/heic-q90.heic"
for cmd in detect embed; do
    for s in "$s1" "$s2" "$s3"; do
        # shellcheck disable=SC2086 # the generated names have no spaces
        "$fc" "$cmd" --json "$s/orig.jpg" $(printf '%s\n' $asked | grep "^$s/") >"$tmp/$cmd" 2>"$tmp/$cmd.err"
        check "$cmd: every format read (exit 0)" test $? -eq 0
        cat "$tmp/$cmd.err" >&2
        check "$cmd: every file answered" test "$(sed 's/.*"path": "\([^"]*\)".*/\1/' "$tmp/$cmd" |
            sort -u | wc -l)" -eq $(($(printf '%s\n' $asked | grep -c "^$s/") + 1))
        compare "$s" "$tmp/$cmd" >"$tmp/$cmd.cmp"
        check "$cmd: each file's faces are the JPEG's" test $? -eq 0
        grep FAIL "$tmp/$cmd.cmp" >&2
    done
done

# who and similar: a store indexed from the two JPEGs, everyone named
lib=$tmp/photos db=$tmp/store/faces.db
mkdir -p "$lib"
cp "$s1/orig.jpg" "$lib/sample1.jpg"
cp "$s2/orig.jpg" "$lib/sample2.jpg"
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log"
check "indexed: exit 0" test $? -eq 0
for id in $({ "$fc" --db "$db" people --json --all; "$fc" --db "$db" people --unsorted --json --all; } |
    sed -n 's/^{"\(id\|person\)": \([0-9]*\),.*/\2/p'); do
    "$fc" --db "$db" name "$id" "P$id" >/dev/null || echo "FAIL: cannot name $id" >&2
done
names() { # names FILE PATH: the sorted names `who --json` output FILE gives PATH's faces
    grep -F "\"path\": \"$2\"" "$1" | sed 's/.*"name": \(null\|"[^"]*"\).*/\1/' | sort | tr '\n' ' '
}
# shellcheck disable=SC2086
"$fc" --db "$db" who --json "$s1/orig.jpg" "$s2/orig.jpg" "$s3/orig.jpg" $asked >"$tmp/who" 2>"$tmp/who.err"
check "who: every format read (exit 0)" test $? -eq 0
cat "$tmp/who.err" >&2
check "who names the JPEG's faces" test -n "$(names "$tmp/who" "$s1/orig.jpg" | grep -v null)"
for f in $asked; do
    jpeg=${f%/*}/orig.jpg
    check "who: ${f#"$tmp"/} named as its JPEG" test "$(names "$tmp/who" "$f")" = "$(names "$tmp/who" "$jpeg")"
done
# shellcheck disable=SC2086
"$fc" --db "$db" similar -n 1 --json $asked >"$tmp/similar" 2>"$tmp/similar.err"
check "similar: every format read (exit 0)" test $? -eq 0
cat "$tmp/similar.err" >&2
for f in $asked; do
    jpeg=$lib/$(basename "${f%/*}").jpg
    [ "${f%/*}" = "$s3" ] && jpeg=$lib/sample1.jpg # its four copies of sample1
    want=$(grep -c "\"path\": \"$f\"" "$tmp/who")
    # each face's nearest in the library: that face of the JPEG, at most 0.01 away
    got=$(grep -F "\"query\": \"$f\"" "$tmp/similar" | grep -F "\"path\": \"$jpeg\"" |
        sed 's/.*"distance": \([0-9.e-]*\).*/\1/' | awk '$1 <= 0.01' | wc -l)
    check "similar: ${f#"$tmp"/}'s $want faces are its JPEG's ($got)" test "$got" -eq "$want" -a "$want" -gt 0
done
finish
