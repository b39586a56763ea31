#!/usr/bin/env bash
# `facecluster embed` as a user meets it: JSON Lines output, exit codes, errors that name
# the file while the other files still run.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bad usage: exit 2 with a usage line, before any model is needed
"$fc" embed >/dev/null 2>"$tmp/err"; rc=$?
check "no files is usage (exit 2)" test "$rc" -eq 2
check "usage line printed" grep -q '^usage: facecluster' "$tmp/err"
"$fc" embed --aligned --bogus x.jpg >/dev/null 2>&1; rc=$?
check "unknown option is usage" test "$rc" -eq 2
"$fc" detect --detector bogus "$samples/sample1.jpg" >/dev/null 2>&1; rc=$?
check "unknown detector is usage" test "$rc" -eq 2
"$fc" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command is usage" test "$rc" -eq 2
"$fc" --model /nonexistent/m embed --aligned "$samples/sample1.jpg" >/dev/null 2>"$tmp/err"; rc=$?
check "missing model fails (exit 1)" test "$rc" -eq 1
check "missing model is explained" grep -q 'cannot open model' "$tmp/err"

need_model_and_samples

# a face-sized crop as PPM, with a tab and a quote in its name to test escaping
name=$'face "one"\tx.ppm'
{ printf 'P6\n120 150\n255\n'; head -c $((120 * 150 * 3)) /dev/urandom; } >"$tmp/$name"
printf 'not an image' >"$tmp/text.jpg"
head -c 5000 "$samples/sample2.jpg" >"$tmp/truncated.jpg"

"$fc" embed --aligned --json "$tmp/$name" "$tmp/text.jpg" "$samples/sample1.jpg" \
    "$tmp/truncated.jpg" /nonexistent.jpg >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a failed file makes exit 1" test "$rc" -eq 1
check "two JSON lines for the two good files" test "$(wc -l <"$tmp/out")" -eq 2
check "each bad file named once on stderr" test "$(wc -l <"$tmp/err")" -eq 3
check "truncated JPEG reported" grep -q 'truncated.jpg: .*JPEG' "$tmp/err"
check "non-image reported" grep -q 'text.jpg: not a photo in a format we read' "$tmp/err"
check "path escaped in JSON" grep -qF '"path": "'"$tmp"'/face \"one\"\tx.ppm"' "$tmp/out"
line=$(sed -n 2p "$tmp/out")
floats=$(printf '%s\n' "$line" | sed 's/.*"embedding": \[\([^]]*\)\].*/\1/' | awk -F, '{ print NF }')
check "128 floats" test "$floats" -eq 128
hex=$(printf '%s' "$line" | sed 's/.*"quantized": "\([0-9a-f]*\)".*/\1/')
check "256 hex digits" test "${#hex}" -eq 256
norm=$(printf '%s' "$line" | sed 's/.*"embedding": \[\([^]]*\)\].*/\1/' | tr ',' '\n' |
       awk '{ s += $1 * $1 } END { printf "%.4f", s }')
check "unit length" test "$norm" = "1.0000"

# plain output: path, tab, the 128-byte form
"$fc" embed --aligned "$samples/sample1.jpg" >"$tmp/plain"; rc=$?
check "plain output succeeds" test "$rc" -eq 0
check "plain output carries the same bytes" grep -q "	$hex\$" "$tmp/plain"

# whole photos: one JSON line a face with the fields the README documents
"$fc" embed --json "$samples/sample1.jpg" "$tmp/text.jpg" >"$tmp/photo" 2>"$tmp/err"; rc=$?
check "photo with a bad file: exit 1" test "$rc" -eq 1
check "faces of sample1 found" test "$(wc -l <"$tmp/photo")" -ge 3
for field in path width height index face score box landmarks small embedding quantized; do
    check "field $field present" grep -q "\"$field\": " "$tmp/photo"
done
points=$(head -1 "$tmp/photo" | sed 's/.*"landmarks": \[\(.*\)\], "small".*/\1/' | grep -o '\[' | wc -l)
check "68 landmarks" test "$points" -eq 68
for detector in ssd tiny; do
    "$fc" detect --json --detector "$detector" "$samples/sample1.jpg" >"$tmp/det" 2>"$tmp/err"
    rc=$?
    check "detect --detector $detector succeeds" test "$rc" -eq 0
    check "detect --detector $detector finds faces" test "$(wc -l <"$tmp/det")" -ge 3
    check "detect prints no embedding" test "$(grep -c embedding "$tmp/det")" -eq 0
done

finish
