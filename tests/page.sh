#!/usr/bin/env bash
# facecluster page -o DIR, as a user opens it: headless Chromium loads DIR/index.html from
# file:// and the DOM must hold every person and every face, every thumbnail loaded; a
# screenshot is kept (ARG 1: where). A second run cuts nothing new; a face gone takes its
# thumbnail with it; the page never asks the network; the folder is never something else.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
keep=${1:-}
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/photos"
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$tmp/photos/"
cp "$samples/sample3.jpg" "$tmp/photos/"$'odd <name> & "quotes".jpg'
db=$tmp/faces.db
"$fcd" --once --watch "$tmp/photos" --db "$db" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
fc_db() { "$fc" --db "$db" "$@"; }
ids() { { fc_db people --all --json; fc_db people --all --unsorted --json; } |
    sed 's/^{"[a-z]*": \([0-9]*\),.*/\1/'; }
set -- $(ids)
fc_db name "$1" "Ada <b>Lovelace</b> & co" >/dev/null
fc_db name "$2" "Zoë 李" >/dev/null
faces=$(fc_db status --json | sed 's/.*"faces": \([0-9]*\).*/\1/')

out=$tmp/page
fc_db page -o "$out" --json >"$tmp/first"
check "page: exit 0" test $? -eq 0
check "page: every face cut" grep -q "\"faces\": $faces, \"cut\": $faces, \"kept\": 0" "$tmp/first"
check "an index" test -s "$out/index.html"
check "a thumbnail a face" test "$(ls "$out/faces" | wc -l)" -eq "$faces"
check "thumbnails are JPEGs" test "$(head -c 3 "$out/faces/$(ls "$out/faces" | head -1)" | od -An -tx1 | tr -d ' ')" = ffd8ff
check "nothing from the network" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' \"$out/index.html\""
check "names escaped in HTML" grep -q 'Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; co' "$out/index.html"
check "paths escaped in links" grep -q 'odd%20%3Cname%3E%20%26%20%22quotes%22.jpg' "$out/index.html"
fc_db page -o "$out" --json >"$tmp/second"
check "a second run cuts nothing" grep -q "\"cut\": 0, \"kept\": $faces" "$tmp/second"
# a face rejected: gone from the page, and its thumbnail with it
face=$(fc_db show "$1" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
fc_db reject "$face" >/dev/null
fc_db page -o "$out" --json >"$tmp/third"
check "a rejected face: its thumbnail removed" grep -q '"removed": 1' "$tmp/third"
check "a rejected face: not on the page" bash -c "! grep -q 'data-face=\"$face\"' \"$out/index.html\""
fc_db undo >/dev/null

# never over what is not a page
mkdir "$tmp/mine" && echo "my notes" >"$tmp/mine/notes.txt"
fc_db page -o "$tmp/mine" >/dev/null 2>"$tmp/err"
check "a folder of other things: refused" test $? -eq 1
check "a folder of other things: said" grep -q "holds other things" "$tmp/err"
check "a folder of other things: untouched" test "$(ls -A "$tmp/mine")" = notes.txt
fc_db page -o "$db" >/dev/null 2>"$tmp/err"
check "the store: refused" test $? -eq 1
ln -s "$out" "$tmp/link"
fc_db page -o "$tmp/link" >/dev/null 2>"$tmp/err"
check "a symbolic link: refused" test $? -eq 1
fc_db page -o "$(dirname "$db")" --force >/dev/null 2>"$tmp/err"
check "the store's folder with --force: the store intact" fc_db check

# the page as a browser shows it
fc_db page -o "$out" >/dev/null
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ "${CI:-}" = true ] && { echo "FAIL (CI=true): chromium missing" >&2; exit 1; }
    echo "SKIP: chromium missing (apt-get install chromium)" >&2
    finish
    exit $?
fi
chrome() {
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/chrome" --window-size=1280,2400 --virtual-time-budget=10000 \
        "$@" "file://$out/index.html" 2>>"$tmp/chrome.log"
}
chrome --dump-dom >"$tmp/dom"
check "the browser loaded the page" grep -q '<section class="person' "$tmp/dom"
check "every face in the DOM" test "$(grep -o 'data-face="[0-9]*"' "$tmp/dom" | sort -u | wc -l)" -eq "$faces"
for id in $(ids); do
    check "person $id in the DOM" grep -q "data-person=\"$id\"" "$tmp/dom"
done
check "every thumbnail loaded" grep -q "data-images-loaded=\"$faces\"" "$tmp/dom"
check "no thumbnail broken" grep -q 'data-images-broken="0"' "$tmp/dom"
check "named people first" test "$(grep -o 'data-person="[0-9a-z]*"' "$tmp/dom" | head -2 | sort | tr '\n' ' ')" = \
    "$(printf 'data-person="%s"\n' "$1" "$2" | sort | tr '\n' ' ')"
check "the faces in no person last" bash -c "grep -o 'data-person=\"[0-9a-z]*\"' \"$tmp/dom\" | tail -1 | grep -q none"
chrome --screenshot="$tmp/page.png" >/dev/null
check "a screenshot" test -s "$tmp/page.png"
[ -n "$keep" ] && [ -s "$tmp/page.png" ] && cp "$tmp/page.png" "$keep"
finish
