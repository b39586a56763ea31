#!/usr/bin/env bash
# Getting people out (issue 14, item 4): `facecluster photos PERSON` lists the person's
# photos, each once, as `show` knows them; -0 splits right for any name (a space and a
# newline); --json as facecluster(1) says; --link DIR makes an album of symbolic links that
# a second run keeps up to date without touching the user's own files; bad input refused.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
need_model_and_samples

lib=$tmp/photos db=$tmp/store/faces.db
odd="$lib/party 2016/a b"$'\n'"c.jpg" # a space and a newline in the name
mkdir -p "$lib/sub" "$lib/party 2016" "$lib/zcopy"
cp "$samples"/sample{1,3,4,5,6}.jpg "$lib/"
cp "$samples/sample2.jpg" "$odd"
cp "$samples/sample1.jpg" "$lib/zcopy/" # the same photo at a second path
# another photo called sample1.jpg (a mirrored sample4: other bytes, faces still)
jpegtran -flip horizontal "$samples/sample4.jpg" >"$lib/sub/sample1.jpg"
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log"
check "daemon ran" test $? -eq 0
cli() { "$fc" --db "$db" "$@"; }

# Anna by hand, three photos: a face of sample1.jpg (one photo at two paths, listed once),
# one of the odd name and one of sub/sample1.jpg (a clash of link names)
faces_by_photo "$db" >"$tmp/faces"
face_of() { grep -F " $1" "$tmp/faces" | sed -n "${2:-1}p" | cut -d' ' -f1; }
f1=$(face_of "$lib/sample1.jpg")
f3=$(face_of "$lib/party 2016/a b") f4=$(face_of "$lib/sub/sample1.jpg")
f5=$(face_of "$lib/sample3.jpg")
check "faces to build a person from" test -n "$f1" -a -n "$f3" -a -n "$f4" -a -n "$f5"
anna=$(cli move "$f1" "$f3" "$f4" --new --json | sed -n 's/.*"person": \([0-9]*\).*/\1/p')
cli name "$anna" Anna >/dev/null
check "Anna named" test $? -eq 0

# --- the listing: the photos of Anna's faces in `show`, each once
# a JSON Lines file's paths (decoded), one per line with newlines as \n, in its order
paths() { python3 -c 'import json,sys; [print(json.loads(l)["path"].replace("\n","\\n")) for l in sys.stdin]'; }
cli show Anna --json | paths | sort -u >"$tmp/want"
cli photos Anna --json >"$tmp/json"
check "photos --json: exit 0" test $? -eq 0
check "show's photos: three" test "$(wc -l <"$tmp/want")" -eq 3
check "photos --json: show's photos, each once" test "$(paths <"$tmp/json" | sort)" = "$(cat "$tmp/want")"
check "photos --json: sample1.jpg once (not its copy), with its face" python3 - "$tmp/json" "$lib/sample1.jpg" "$f1" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
mine = [o for o in objs if o["path"] == sys.argv[2]]
sys.exit(not (len(mine) == 1 and mine[0]["faces"] == [int(sys.argv[3])]
              and not any("zcopy" in o["path"] for o in objs)
              and all(set(o) == {"path", "photo", "faces", "taken"} for o in objs)))
PY
check "photos: by capture time (none last), then path" python3 - "$tmp/json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
key = [(o["taken"] is None, o["taken"] or "", o["path"].encode()) for o in objs]
sys.exit(not (key == sorted(key) and any(o["taken"] for o in objs)))
PY
cli photos Anna >"$tmp/lines" 2>"$tmp/err"
check "photos: says a path was escaped, and what prints it as it is" grep -qx "facecluster photos: 1 path shown escaped (\\\\xNN); -0 prints every path as it is" "$tmp/err"
check "photos: one line per photo (the newline escaped)" test "$(wc -l <"$tmp/lines")" -eq 3
check "photos: the order of --json" test "$(sed 's/\\x0a/\\n/' "$tmp/lines")" = "$(paths <"$tmp/json")"
check "photos: ordinary names as they are" grep -qxF "$lib/sample1.jpg" "$tmp/lines"
check "photos | xargs: ordinary names work" bash -c "\"$fc\" --db \"$db\" photos Anna | grep -v party | xargs ls >/dev/null"
cli photos Anna -0 >"$tmp/nul"
check "photos -0: the same photos, raw, NUL-ended" python3 - "$tmp/nul" "$tmp/json" "$odd" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
names = [json.loads(l)["path"].encode() for l in open(sys.argv[2], encoding="utf-8")]
sys.exit(not (raw.endswith(b"\0") and raw[:-1].split(b"\0") == names
              and sys.argv[3].encode() in names))
PY
check "photos -0 | xargs -0: every file there" bash -c "\"$fc\" --db \"$db\" photos Anna -0 | xargs -0 ls >/dev/null"
check "photos: by id and by a prefix of the name alike" test "$(cli photos "$anna")" = "$(cli photos an)"

# --- the album
album=$tmp/albums/Anna # its parent does not exist yet
echo "my notes" >"$tmp/notes"
# links DIR: "NAME<TAB>TARGET" for each symbolic link, sorted (newlines as \n)
links() { python3 - "$1" <<'PY'
import os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    p = os.path.join(d, n)
    if os.path.islink(p):
        print((n + "\t" + os.path.realpath(p)).replace("\n", "\\n"))
PY
}
cli photos Anna --link "$album" --json >"$tmp/report"
check "--link: exit 0" test $? -eq 0
check "--link: says it added three" grep -q "\"added\": 3, \"removed\": 0, \"kept\": 0, \"person\": $anna, \"name\": \"Anna\"}" "$tmp/report"
check "--link: a link per photo, to the photo" test "$(links "$album" | cut -f2 | sort)" = "$(cat "$tmp/want")"
check "--link: absolute targets" python3 -c 'import os,sys; d=sys.argv[1]; sys.exit(not all(os.readlink(os.path.join(d,n)).startswith("/") for n in os.listdir(d) if os.path.islink(os.path.join(d,n))))' "$album"
check "--link: a clash of names told apart" test "$(links "$album" | grep '^sample1' | tr '\t' ' ')" = "sample1 (2).jpg $lib/sub/sample1.jpg
sample1.jpg $lib/sample1.jpg"
check "--link: readlink -f of the odd name" test "$(readlink -f "$album/a b"$'\n'"c.jpg")" = "$odd"
cp "$tmp/notes" "$album/keep.txt" # the user's own file
ln -s "$lib/sample5.jpg" "$album/my link.jpg" # and the user's own link to a library photo
before=$(links "$album")

cli photos Anna --link "$album" >"$tmp/out"
check "--link again: nothing changes" grep -q "0 links added, 0 removed, 3 kept$" "$tmp/out"
check "--link again: the same links" test "$(links "$album")" = "$before"

# sub/sample1.jpg leaves Anna (split off), a face of sample3.jpg joins her
cli move "$f4" --new >/dev/null && cli move "$f5" Anna >/dev/null
check "edits made" test $? -eq 0
cli show Anna --json | paths | sort -u >"$tmp/want"
cli photos Anna --link "$album" --json >"$tmp/report"
check "--link after edits: one added, one removed, two kept" grep -q '"added": 1, "removed": 1, "kept": 2,' "$tmp/report"
check "--link after edits: the person's photos, and the user's link" test "$(links "$album" | grep -v '^my link' | cut -f2 | sort)" = "$(cat "$tmp/want")"
check "--link after edits: no link to the photo gone" test ! -L "$album/sample1 (2).jpg"
check "--link after edits: the new one" test "$(readlink "$album/sample3.jpg")" = "$lib/sample3.jpg"
check "--link after edits: the user's file untouched" cmp -s "$album/keep.txt" "$tmp/notes"
check "--link after edits: the user's link untouched" test "$(readlink "$album/my link.jpg")" = "$lib/sample5.jpg"
# the user's link to a photo of hers stands for it: Anna gains sample5, no second link
f6=$(face_of "$lib/sample5.jpg")
cli move "$f6" Anna >/dev/null
cli photos Anna --link "$album" >"$tmp/out"
check "--link: the user's link counts as the photo's" grep -q "0 links added, 0 removed, 4 kept$" "$tmp/out"
cli move "$f6" --new >/dev/null
cli photos Anna --link "$album" >"$tmp/out"
check "--link: the user's link never removed" test "$(readlink "$album/my link.jpg")" = "$lib/sample5.jpg"

# --- refusals
cli photos Nobody >"$tmp/out" 2>"$tmp/err"
check "unknown person: exit 1" test $? -eq 1
check "unknown person: said" grep -q "^facecluster photos: no person 'Nobody'" "$tmp/err"
check "unknown person: nothing listed" test ! -s "$tmp/out"
cli photos Anna --link "$tmp/notes" >"$tmp/out" 2>"$tmp/err"
check "--link onto a file: exit 1" test $? -eq 1
check "--link onto a file: said" grep -q "not a folder" "$tmp/err"
check "--link onto a file: the file untouched" test "$(cat "$tmp/notes")" = "my notes"
cli photos Anna --link "$tmp/store" >/dev/null 2>"$tmp/err"
check "--link into the store's folder: exit 1" test $? -eq 1
check "--link into the store's folder: nothing made there" test -z "$(find "$tmp/store" -type l)"
cli photos Anna -0 --json >/dev/null 2>&1
check "-0 with --json: usage (exit 2)" test $? -eq 2
finish
