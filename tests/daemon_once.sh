#!/usr/bin/env bash
# faceclusterd --once on a private folder and store, as a user's library lives: photos,
# an album copy, bad and truncated files, hidden folders, a symlink loop; then again
# unchanged, after moves, with its disk gone and back, with the bad files corrected.
# The daemon's closing log line says how often the pipeline ran: moves and restarts must
# not run it.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# bad usage: exit 2 before anything is opened
"$fcd" --bogus >/dev/null 2>"$tmp/err"; rc=$?
check "unknown flag is usage (exit 2)" test "$rc" -eq 2
check "unknown flag named" grep -q "unknown argument '--bogus'" "$tmp/err"
"$fcd" --once --threads many --watch "$tmp" >/dev/null 2>"$tmp/err"; rc=$?
check "bad number is usage" test "$rc" -eq 2
check "bad number explained" grep -q 'threads takes a number' "$tmp/err"
printf 'watch = %s\nbogus-key = 1\n' "$tmp" >"$tmp/config"
"$fcd" --once --config "$tmp/config" >/dev/null 2>"$tmp/err"; rc=$?
check "bad config line is usage" test "$rc" -eq 2
check "bad config line located" grep -q "$tmp/config:2: unknown setting 'bogus-key'" "$tmp/err"

need_model_and_samples

lib=$tmp/photos db=$tmp/store/faces.db
mkdir -p "$lib/2023 summer" "$lib/b" "$lib/.thumbnails"
cp "$samples"/sample{1,2,3}.jpg "$lib/2023 summer/"
cp "$samples"/sample{4,5,6}.jpg "$lib/b/"
cp "$samples/sample1.jpg" "$lib/b/copy of sample1.JPG"  # an album copy: same bytes
cp "$samples/sample1.jpg" "$lib/.thumbnails/hidden.jpg" # hidden: never indexed
printf 'not an image' >"$lib/notes.jpg"
: >"$lib/empty.jpg"
head -c 30000 "$samples/sample2.jpg" >"$lib/b/partial.jpg" # still being copied
printf 'text' >"$lib/readme.txt"
printf 'text' >"$lib/"$'forged\n<3>line.jpg' # a name that would forge a log line
ln -s .. "$lib/b/loop" # a symlink loop the walk must not follow

# what the pipeline finds in the six photos, by the CLI: the daemon must store the same
expected_faces=$("$fc" detect "$samples"/sample{1,2,3,4,5,6}.jpg | wc -l)
check "the samples hold faces" test "$expected_faces" -ge 20

# an edit on a store that does not exist says so, and makes none
"$fc" --db "$tmp/none.db" name 1 Ada >/dev/null 2>"$tmp/err"; rc=$?
check "edit without a store: exit 1" test "$rc" -eq 1
check "edit without a store: said" grep -q 'no store at' "$tmp/err"
check "edit without a store: none made" test ! -e "$tmp/none.db"

run() { # run LOG [flags...]: faceclusterd --once on the library; its exit status
    local log=$1; shift
    "$fcd" --once --watch "$lib" --db "$db" --threads 2 "$@" 2>"$log"
}
status() { "$fc" --db "$db" status --json; }
field() { status | sed "s/.*\"$1\": \\([0-9]*\\).*/\\1/"; }
ran() { sed -n 's/.*the pipeline ran \([0-9]*\) times\{0,1\}).*/\1/p' "$1"; }

# under systemd: READY and STATUS reach $NOTIFY_SOCKET
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(600)
with open(sys.argv[2], "w") as out:
    while True:
        m = s.recv(4096).decode()
        out.write(m + "\n"); out.flush()
        if "STOPPING=1" in m: break
' "$tmp/notify.sock" "$tmp/notified" &
listener=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$tmp/notify.sock" ] && break; sleep 0.2; done
NOTIFY_SOCKET=$tmp/notify.sock run "$tmp/log1" --threads 1; rc=$? # one worker: sample1 before its copy
wait "$listener"
check "systemd told READY" grep -qx 'READY=1' "$tmp/notified"
check "systemd told a STATUS" grep -q '^STATUS=' "$tmp/notified"
check "forged name escaped in the log" grep -q 'forged\\x0a<3>line.jpg: not indexed' "$tmp/log1"
check "first run exits 0 though files are bad" test "$rc" -eq 0
check "a file, not the journal: no syslog prefixes" test -z "$(grep '^<[0-9]>' "$tmp/log1")"
check "photos indexed" test "$(field photos)" -eq 6
check "every face stored" test "$(field faces)" -eq "$expected_faces"
check "the copy linked, not run" grep -q '1 copy linked' "$tmp/log1"
check "bad files counted" test "$(field bad)" -eq 3
check "truncated file pending, not bad" test "$(field pending)" -eq 1
check "nothing missing" test "$(field missing)" -eq 0
check "last activity stamped" bash -c "\"$fc\" --db \"$db\" status --json | grep -q '\"last_activity\": \"20'"
"$fc" --db "$db" status --bad --json >"$tmp/bad"
check "status --bad lists all three" test "$(wc -l <"$tmp/bad")" -eq 3
check "the text file's reason" grep -q '"path": "'"$lib"'/notes.jpg", "reason": "not a photo in a format we read' "$tmp/bad"
check "the empty file listed" grep -q "$lib/empty.jpg" "$tmp/bad"
# the faces grouped into people at the end of the run
"$fc" --db "$db" people --json >"$tmp/people"
check "people found" test "$(wc -l <"$tmp/people")" -ge 1
for key in person name faces photos first last hidden example; do
    check "people lists $key" grep -q "\"$key\": " "$tmp/people"
done
check "regroup logged" grep -q 'regrouped [0-9]* faces into [0-9]* people' "$tmp/log1"
check "the first regroup is a full one" grep -q 'regrouped .* (a full regroup)$' "$tmp/log1"
# a person named: found by name, its faces confirmed, the name kept by later regroups
first=$(sed -n '1s/^{"person": \([0-9]*\),.*/\1/p' "$tmp/people")
"$fc" --db "$db" name "$first" "Ada Lovelace" >/dev/null; rc=$?
check "name: exit 0" test "$rc" -eq 0
check "show by name: all confirmed" bash -c "\"$fc\" --db \"$db\" show 'Ada Lovelace' --json | grep -q '\"confirmed\": true' && ! \"$fc\" --db \"$db\" show 'Ada Lovelace' --json | grep -q '\"confirmed\": false'"
"$fc" --db "$db" show nobody >/dev/null 2>"$tmp/err"; rc=$?
check "unknown person: exit 1" test "$rc" -eq 1
check "unknown person: said so" grep -q "no person 'nobody'" "$tmp/err"
"$fc" --db "$db" name >/dev/null 2>&1; rc=$?
check "name without arguments: usage" test "$rc" -eq 2
check "store is private" test "$(stat -c %a "$db")" = 600
check "store folder is private" test "$(stat -c %a "$(dirname "$db")")" = 700
# contact sheets: a person's faces and a row per person, as JPEGs of the size they say;
# a photo gone since indexing is a grey cell, not a failure
jpeg_size() { # jpeg_size FILE: "W H" from its frame header, or nothing if not a JPEG
    python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
i = 2 if d[:3] == b"\xff\xd8\xff" else len(d)
while i + 9 < len(d):
    m, n = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
    if 0xC0 <= m <= 0xC3:
        print(*reversed(struct.unpack(">HH", d[i + 5:i + 9])))
        break
    i += 2 + n
' "$1"
}
jfield() { sed -n "s/.*\"$2\": \\([0-9]*\\).*/\\1/p" "$1"; }
"$fc" --db "$db" sheet 'Ada Lovelace' -o "$tmp/ada.jpg" --json >"$tmp/sheet.json"; rc=$?
check "sheet: exit 0" test "$rc" -eq 0
check "sheet: a JPEG" test "$(head -c 3 "$tmp/ada.jpg" | od -An -tx1 | tr -d ' \n')" = ffd8ff
ada=$("$fc" --db "$db" show 'Ada Lovelace' --json | wc -l)
check "sheet: every face" test "$(jfield "$tmp/sheet.json" faces)" -eq "$ada"
check "sheet: one person, nothing missing" grep -q '"people": 1, "missing": 0,' "$tmp/sheet.json"
# 112-pixel cells, 8 to a row; a row 131 pixels high, under a 40-pixel title band
check "sheet: its size" test "$(jpeg_size "$tmp/ada.jpg")" = \
    "$(jfield "$tmp/sheet.json" width) $((40 + 131 * ((ada + 7) / 8)))"
check "sheet: no temporary file left" test -z "$(find "$tmp" -maxdepth 1 -name '*.tmp.*')"
"$fc" --db "$db" sheet --all --unsorted --size 64 --columns 2 -o "$tmp/all.jpg" --json \
    >"$tmp/all.json"; rc=$?
check "sheet --all: exit 0" test "$rc" -eq 0
everybody=$(("$fc" --db "$db" people --json; "$fc" --db "$db" people --unsorted --json) | wc -l)
check "sheet --all: a row per person" test "$(jfield "$tmp/all.json" people)" -eq "$everybody"
# 64-pixel cells: a row 79 pixels high, under a 24-pixel title band; the faces in no
# person a row of their own
rows=$((everybody + ($(jfield "$tmp/all.json" unplaced) > 0)))
check "sheet --all: its size" test "$(jpeg_size "$tmp/all.jpg")" = \
    "$(jfield "$tmp/all.json" width) $((24 + 79 * rows))"
photo=$("$fc" --db "$db" show 'Ada Lovelace' --json | sed -n '1s/.*"path": "\([^"]*\)".*/\1/p')
mv "$photo" "$tmp/away.jpg" # gone behind the store's back, then back unchanged
"$fc" --db "$db" sheet 'Ada Lovelace' -o "$tmp/ada.jpg" --json >"$tmp/sheet.json" 2>"$tmp/err"; rc=$?
mv "$tmp/away.jpg" "$photo"
check "sheet, a photo gone: exit 0" test "$rc" -eq 0
check "sheet, a photo gone: its faces missing" test "$(jfield "$tmp/sheet.json" missing)" -ge 1
check "sheet, a photo gone: said how many" grep -q 'faces missing' "$tmp/err"
check "sheet, a photo gone: still a JPEG" test -n "$(jpeg_size "$tmp/ada.jpg")"
"$fc" --db "$db" sheet nobody -o "$tmp/nobody.jpg" 2>"$tmp/err"; rc=$?
check "sheet of an unknown person: exit 1" test "$rc" -eq 1
check "sheet of an unknown person: named" grep -q "no person 'nobody'" "$tmp/err"
check "sheet of an unknown person: no file" test ! -e "$tmp/nobody.jpg"
"$fc" --db "$db" sheet 'Ada Lovelace' >/dev/null 2>&1; rc=$?
check "sheet without -o: usage" test "$rc" -eq 2
"$fc" --db "$db" sheet 'Ada Lovelace' -o "$tmp/no/such/dir/x.jpg" 2>/dev/null; rc=$?
check "sheet that cannot be written: exit 1" test "$rc" -eq 1
# who: a named person's photo names that person (within the threshold: the face is one of
# hers), once per photo; the photo's other faces are someone else or unknown
ada_photo=$("$fc" --db "$db" show 'Ada Lovelace' --json | sed -n '1s/.*"path": "\([^"]*\)".*/\1/p')
"$fc" --db "$db" who "$ada_photo" --json >"$tmp/who"; rc=$?
check "who: exit 0" test "$rc" -eq 0
check "who: a line per face" test "$(wc -l <"$tmp/who")" -eq "$("$fc" --db "$db" detect "$ada_photo" | wc -l)"
check "who: Ada named" grep -q '"name": "Ada Lovelace", "person": [0-9]*, "nearest": "Ada Lovelace", "distance": 0.0[0-9]*}' "$tmp/who"
check "who: Ada once in her photo" test "$(grep -c '"name": "Ada Lovelace"' "$tmp/who")" -eq 1
"$fc" --db "$db" who "$ada_photo" >"$tmp/who.txt"
check "who, text: the name and the distance" grep -q ': Ada Lovelace (0\.0[0-9]*)$' "$tmp/who.txt"
"$fc" --db "$db" who >/dev/null 2>&1; rc=$?
check "who without a photo: usage" test "$rc" -eq 2
"$fc" --db "$db" who "$tmp/no-such.jpg" >/dev/null 2>&1; rc=$?
check "who, a missing photo: exit 1" test "$rc" -eq 1
# similar: nearest first, never the face itself; a photo's indexed faces find themselves
ada_face=$("$fc" --db "$db" show 'Ada Lovelace' --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
"$fc" --db "$db" similar "$ada_face" -n 3 --json >"$tmp/similar"; rc=$?
check "similar FACE: exit 0, 3 faces" test "$rc" -eq 0 -a "$(wc -l <"$tmp/similar")" -eq 3
check "similar FACE: not itself" test "$(grep -c "\"face\": $ada_face," "$tmp/similar")" -eq 0
check "similar FACE FACE: each its matches" test "$("$fc" --db "$db" similar "$ada_face" "$ada_face" -n 2 | wc -l)" -eq 4
check "similar FACE: nearest first" bash -c "sed 's/.*\"distance\": \([0-9.]*\).*/\1/' '$tmp/similar' | sort -c -n"
"$fc" --db "$db" similar -n 1 --json "$ada_photo" >"$tmp/similar"
check "similar IMAGE: each indexed face finds itself" test "$(grep -c '"distance": 0.0,' "$tmp/similar")" -eq "$(wc -l <"$tmp/who")"
"$fc" --db "$db" similar 999999 >/dev/null 2>"$tmp/err"; rc=$?
check "similar, an unknown face: exit 1, said so" test "$rc" -eq 1 -a -n "$(grep 'no face 999999' "$tmp/err")"

run "$tmp/log2"; rc=$?
check "second run exits 0" test "$rc" -eq 0
check "unchanged files: the pipeline never runs" test "$(ran "$tmp/log2")" = 0
check "unchanged files counted" grep -q '11 unchanged' "$tmp/log2"
check "unchanged files: no photo file read" grep -q ' 0 photo files read (0 bytes)' "$tmp/log2"
check "the name survives a restart and its regroup" test "$(field named)" -eq 1
"$fc" --db "$db" people --json | grep -q '"name": "Ada Lovelace"'
check "the named person is still listed" test $? -eq 0
# corrections, then a restart and a regroup: every decision holds
"$fc" --db "$db" show 'Ada Lovelace' --json | sed 's/^{"face": \([0-9]*\),.*/\1/' >"$tmp/ada"
f1=$(sed -n 1p "$tmp/ada") f2=$(sed -n 2p "$tmp/ada")
"$fc" --db "$db" move "$f1" --new --json >"$tmp/moved"; rc=$?
check "move --new: exit 0" test "$rc" -eq 0
split=$(sed -n 's/.*"person": \([0-9]*\).*/\1/p' "$tmp/moved")
"$fc" --db "$db" not "$f2" 'Ada Lovelace'; rc=$?
check "not: exit 0" test "$rc" -eq 0
stranger=$("$fc" --db "$db" people --unsorted --json | sed -n '1s/^{"person": \([0-9]*\),.*/\1/p')
reject=$("$fc" --db "$db" show "$stranger" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
"$fc" --db "$db" reject "$reject"; rc=$?
check "reject: exit 0" test "$rc" -eq 0
before=$(field faces)
check "undo reverts the last change" bash -c "\"$fc\" --db \"$db\" undo | grep -q 'undid: face [0-9]* rejected'"
check "undo: the face is counted again" test "$(field faces)" -eq $((before + 1))
"$fc" --db "$db" reject "$reject"
expected_faces=$((expected_faces - 1)) # a rejected face is not counted
"$fc" --db "$db" move 999999 "$split" >/dev/null 2>"$tmp/err"; rc=$?
check "move of an unknown face: exit 1, said" test "$rc" -eq 1 -a -s "$tmp/err"
run "$tmp/log_edits"; rc=$?
check "after corrections: a run regroups" grep -q 'regrouped' "$tmp/log_edits"
check "  from where the last left off (nothing new)" grep -q 'regrouped .* (incremental: 0 faces new since the last)$' "$tmp/log_edits"
"$fc" --db "$db" show "$split" --json >"$tmp/split"
check "the moved face stays where it was put" grep -q "\"face\": $f1," "$tmp/split"
"$fc" --db "$db" show 'Ada Lovelace' --json >"$tmp/ada2"
check "the face said not Ada never returns" test "$(grep -c "\"face\": $f2," "$tmp/ada2")" -eq 0
check "the rejected face is in no person" test "$("$fc" --db "$db" people --unsorted --json |
    while read -r line; do id=$(printf '%s' "$line" | sed 's/^{"person": \([0-9]*\),.*/\1/')
        "$fc" --db "$db" show "$id" --json; done | grep -c "\"face\": $reject,")" -eq 0
# hide and unhide: out of the list and back (people lists groups of 2 or more, --unsorted
# the others: both are looked at)
everyone() { "$fc" --db "$db" people --json "$@"; "$fc" --db "$db" people --unsorted --json "$@"; }
"$fc" --db "$db" hide "$split"
check "a hidden person is not listed" test "$(everyone | grep -c "\"person\": $split,")" -eq 0
check "people --all lists it" test "$(everyone --all | grep -c "\"person\": $split, .*\"hidden\": true")" -eq 1
"$fc" --db "$db" unhide "$split"
check "unhidden: listed again" test "$(everyone | grep -c "\"person\": $split,")" -eq 1
check "the store is sound" bash -c "\"$fc\" --db \"$db\" check >/dev/null"

# a learned head (facecluster train) from the named people and the user's "not this
# person" decisions: it changes no embedding, person or decision; who, similar and the
# daemon's regroup use it; --reset goes back to the raw embeddings
snapshot() { # snapshot all|decisions: every row but the head's and meta's, or what the user said
    python3 -c '
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
if sys.argv[2] == "all":
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = \"table\" "
                                       "AND name NOT IN (\"heads\", \"meta\") ORDER BY name")]
    queries = ["SELECT \"%s\", * FROM %s" % (t, t) for t in tables]
else:
    queries = ["SELECT id, name, hidden FROM people WHERE name IS NOT NULL",
               "SELECT face, person FROM assignments WHERE by_user",
               "SELECT face, person FROM not_person", "SELECT * FROM different_faces",
               "SELECT id FROM faces WHERE rejected", "SELECT * FROM journal"]
for q in queries:
    for row in sorted(db.execute(q).fetchall(), key=repr):
        print(row)
' "$db" "$1"
}
json_get() { # json_get KEY.KEY... < one JSON object: the value, as Python prints it
    python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$1"
}
people_now() { "$fc" --db "$db" people --json --all; "$fc" --db "$db" people --unsorted --json --all; }
snapshot all >"$tmp/rows0"
"$fc" --db "$db" train --epochs 3 >"$tmp/train" 2>"$tmp/err"; rc=$?
check "train, one named person: exit 1" test "$rc" -eq 1
check "train, one named person: says to name people" grep -q 'name people first' "$tmp/err"
check "train, one named person: no head stored" test "$(status | json_get head)" = None
snapshot all >"$tmp/rows1"
check "train, one named person: nothing changed" cmp -s "$tmp/rows0" "$tmp/rows1"
name_pairs "$db" Bob Cy >"$tmp/pair_photos"; rc=$?
check "two more people named by hand" test "$rc" -eq 0 -a "$(field named)" -eq 3
bob_photo=$(sed -n 1p "$tmp/pair_photos")
bob_face=$("$fc" --db "$db" show Bob --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
other=$(faces_by_photo "$db" | grep -v -F -f "$tmp/pair_photos" | sed -n '1s/ .*//p')
"$fc" --db "$db" not "$other" Bob; rc=$? # a known negative for Bob
check "not Bob: exit 0" test "$rc" -eq 0
nots=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM not_person n JOIN people p ON p.id = n.person JOIN faces f "
                 "ON f.id = n.face JOIN photos ph ON ph.id = f.photo WHERE p.name IS NOT NULL "
                 "AND NOT f.rejected AND ph.missing_since IS NULL").fetchone()[0])' "$db")
"$fc" --db "$db" who "$bob_photo" --json >"$tmp/who_raw"
# a photo not indexed (mirrored: no face of it is in the library, 0 away): its distances
jpegtran -flip horizontal "$bob_photo" >"$tmp/bob_mirror.jpg"
"$fc" --db "$db" who "$tmp/bob_mirror.jpg" --json >"$tmp/who_raw_mirror"
"$fc" --db "$db" similar "$bob_face" -n 3 --json >"$tmp/similar_raw"
snapshot all >"$tmp/rows0"
people_now >"$tmp/people0"
"$fc" --db "$db" train --epochs 3 >"$tmp/train" 2>"$tmp/err"; rc=$?
check "train: exit 0" test "$rc" -eq 0
check "train: 3 epochs, in order" test "$(sed -n 's/^epoch \([0-9]*\/[0-9]*\): loss [0-9.]*, [0-9.]*% of triplets active$/\1/p' "$tmp/train" | tr '\n' ' ')" = "1/3 2/3 3/3 "
check "train: its summary" grep -q '^learned a head of 128 dimensions from [0-9]* faces of [0-9]* named people' "$tmp/train"
check "train: the thresholds, raw beside" grep -q '^thresholds with it: cluster [0-9.]* (raw 0.0580), recognise [0-9.]* (raw 0.0450)$' "$tmp/train"
snapshot all >"$tmp/rows1"
check "train: no embedding, person or decision changed" cmp -s "$tmp/rows0" "$tmp/rows1"
people_now >"$tmp/people1"
check "train: people --json the same" cmp -s "$tmp/people0" "$tmp/people1"
"$fc" --db "$db" status >"$tmp/status"
check "status: the head in use" grep -q '^head:    in use, 128 dimensions, learned from [0-9]* faces of [0-9]* people' "$tmp/status"
check "status --json: the head" test "$(status | json_get head.in_use) $(status | json_get head.dim)" = "True 128"
"$fc" --db "$db" train --dim 32 --epochs 3 --json >"$tmp/train.json" 2>"$tmp/progress"; rc=$?
check "train --json: exit 0" test "$rc" -eq 0
check "train --json: one object on stdout" test "$(wc -l <"$tmp/train.json")" -eq 1
check "train --json: its dimension and epochs" test "$(json_get dim <"$tmp/train.json") $(json_get epochs <"$tmp/train.json")" = "32 3"
check "train --json: every known negative used" test "$(json_get known_negatives <"$tmp/train.json")" -eq "$nots"
check "train --json: raw thresholds beside" test "$(json_get raw_cluster_threshold <"$tmp/train.json")" = 0.058
check "train --json: progress on stderr" test "$(grep -c '^epoch [123]/3: loss' "$tmp/progress")" -eq 3
check "status: the newer head" test "$(status | json_get head.dim)" -eq 32
check "status: whom it learned from" test "$(status | json_get head.trained_people)" -eq "$(json_get people <"$tmp/train.json")" -a "$(json_get people <"$tmp/train.json")" -ge 2
snapshot all >"$tmp/rows1"
check "train --json: nothing changed either" cmp -s "$tmp/rows0" "$tmp/rows1"
# who and similar answer in the head's space: other distances than the raw ones
"$fc" --db "$db" who "$bob_photo" --json >"$tmp/who_head" 2>"$tmp/err"; rc=$?
check "who with a head: exit 0, a line per face" test "$rc" -eq 0 -a "$(wc -l <"$tmp/who_head")" -eq "$(wc -l <"$tmp/who_raw")"
"$fc" --db "$db" who "$tmp/bob_mirror.jpg" --json >"$tmp/who_head_mirror"
check "who with a head: its distances" bash -c "! cmp -s <(grep -o '\"distance\": [0-9.]*' '$tmp/who_raw_mirror') <(grep -o '\"distance\": [0-9.]*' '$tmp/who_head_mirror')"
check "who with a head: distances at all" grep -q '"distance": 0\.0*[1-9]' "$tmp/who_head_mirror"
"$fc" --db "$db" similar "$bob_face" -n 3 --json >"$tmp/similar_head"; rc=$?
check "similar with a head: exit 0, 3 faces" test "$rc" -eq 0 -a "$(wc -l <"$tmp/similar_head")" -eq 3
check "similar with a head: its distances" bash -c "! cmp -s <(grep -o '\"distance\": [0-9.]*' '$tmp/similar_raw') <(grep -o '\"distance\": [0-9.]*' '$tmp/similar_head')"
"$fc" --db "$db" similar -n 1 --json "$bob_photo" >"$tmp/similar_image"
check "similar IMAGE with a head: each indexed face finds itself (one space)" test "$(grep -c '"distance": 0.0,' "$tmp/similar_image")" -eq "$(wc -l <"$tmp/who_head")"
# the daemon regroups with it; every name and decision holds
snapshot decisions >"$tmp/decisions0"
run "$tmp/log_head"; rc=$?
check "with a head: the daemon exits 0" test "$rc" -eq 0
check "with a head: the daemon regroups with it" grep -q 'regrouped [0-9]* faces into [0-9]* people (.*) with the learned head (32 dimensions, threshold [0-9.]*)' "$tmp/log_head"
check "with a head: a full regroup (a new space)" grep -q 'regrouped .* (a full regroup)$' "$tmp/log_head"
check "with a head: under the head's threshold" grep -q "with the learned head (32 dimensions, threshold $(status | json_get head.cluster_threshold | xargs printf %.4f))" "$tmp/log_head"
snapshot decisions >"$tmp/decisions1"
check "with a head: every name and decision holds" cmp -s "$tmp/decisions0" "$tmp/decisions1"
check "with a head: the named people listed" test "$("$fc" --db "$db" people --json --all | grep -c -e '"name": "Bob"' -e '"name": "Cy"')" -eq 2
check "with a head: the store is sound" bash -c "\"$fc\" --db \"$db\" check >/dev/null"
snapshot all >"$tmp/rows0"
people_now >"$tmp/people0"
"$fc" --db "$db" train --reset >"$tmp/reset"; rc=$?
check "train --reset: exit 0" test "$rc" -eq 0
check "train --reset: said" grep -q 'back to the raw embeddings; people and your decisions are unchanged' "$tmp/reset"
check "train --reset: no head" test "$(status | json_get head)" = None
snapshot all >"$tmp/rows1"
check "train --reset: nothing else changed" cmp -s "$tmp/rows0" "$tmp/rows1"
people_now >"$tmp/people1"
check "train --reset: people --json the same" cmp -s "$tmp/people0" "$tmp/people1"
check "train --reset again: nothing to remove" bash -c "\"$fc\" --db \"$db\" train --reset --json | grep -qx '{\"removed\": 0}'"
"$fc" --db "$db" train --reset --dim 8 >/dev/null 2>&1; rc=$?
check "train --reset --dim: usage" test "$rc" -eq 2
run "$tmp/log_raw"; rc=$?
check "without a head: regrouped raw" test "$rc" -eq 0 -a -n "$(grep 'regrouped' "$tmp/log_raw" | grep -v 'learned head')"
check "without a head: a full regroup" grep -q 'regrouped .* (a full regroup)$' "$tmp/log_raw"
snapshot decisions >"$tmp/decisions1"
check "without a head: every name and decision holds" cmp -s "$tmp/decisions0" "$tmp/decisions1"
"$fc" --db "$db" train --epochs 1 >/dev/null; rc=$? # in use for what follows, until a new model
check "train again: exit 0" test "$rc" -eq 0

# a folder renamed and a photo moved between folders: no network, faces kept
mv "$lib/2023 summer" "$lib/2023 holiday"
mv "$lib/b/sample4.jpg" "$lib/2023 holiday/"
run "$tmp/log3"; rc=$?
check "after moves: exit 0" test "$rc" -eq 0
check "after moves: the pipeline never runs" test "$(ran "$tmp/log3")" = 0
check "four files moved" grep -q '4 moved' "$tmp/log3"
check "after moves: no photo file read" grep -q ' 0 photo files read' "$tmp/log3"
check "after moves: same photos" test "$(field photos)" -eq 6
check "after moves: same faces" test "$(field faces)" -eq "$expected_faces"
check "after moves: nothing missing" test "$(field missing)" -eq 0

# the disk unmounted: photos missing, not deleted; back: everything as it was
mv "$lib" "$tmp/away"
run "$tmp/log4"; rc=$?
check "root gone: exit 0" test "$rc" -eq 0
check "root gone: logged" grep -q 'marked missing until it comes back' "$tmp/log4"
check "root gone: no photo present" test "$(field photos)" -eq 0
check "root gone: photos missing" test "$(field missing)" -ge 6
mv "$tmp/away" "$lib"
run "$tmp/log5"; rc=$?
check "root back: exit 0" test "$rc" -eq 0
check "root back: the pipeline never runs" test "$(ran "$tmp/log5")" = 0
check "root back: no photo file read" grep -q ' 0 photo files read' "$tmp/log5"
check "root back: photos back" test "$(field photos)" -eq 6
check "root back: faces back" test "$(field faces)" -eq "$expected_faces"
check "root back: nothing missing" test "$(field missing)" -eq 0

# the bad file replaced by a photo, the partial one completed: picked up
cp "$samples/sample5.jpg" "$lib/notes.jpg"
cp "$samples/sample2.jpg" "$lib/b/partial.jpg"
run "$tmp/log6"; rc=$?
check "corrected: exit 0" test "$rc" -eq 0
check "corrected: two bad files left" test "$(field bad)" -eq 2
check "completed: nothing pending" test "$(field pending)" -eq 0
"$fc" --db "$db" status --bad --json >"$tmp/bad"
check "corrected file no longer listed" test "$(grep -c notes.jpg "$tmp/bad")" -eq 0

# another model version (here: the other detector): every photo embedded again, once
run "$tmp/log_model" --detector tiny; rc=$?
check "new model: exit 0" test "$rc" -eq 0
check "new model: announced" grep -q 'embedding them again, keeping every decision' "$tmp/log_model"
check "new model: each photo once" test "$(ran "$tmp/log_model")" = 6
check "new model: the head trained on the old one not used, said so" grep -q "trained on another model's embeddings.*: not used" "$tmp/log_model"
check "new model: status says the head is not used" bash -c "\"$fc\" --db \"$db\" status | grep -q '^head:    not used'"
run "$tmp/log_model2" --detector tiny; rc=$?
check "new model, again: nothing to do" test "$(ran "$tmp/log_model2")" = 0
check "new model: same photos" test "$(field photos)" -eq 6

# a deleted photo is missing; the default store place is private and under XDG_DATA_HOME
rm "$lib/b/sample6.jpg"
run "$tmp/log7"; rc=$?
check "deleted: exit 0" test "$rc" -eq 0
check "deleted photo missing" test "$(field missing)" -eq 1
check "deleted photo not counted" test "$(field photos)" -eq 5
mkdir "$tmp/xdg"
env -u FACECLUSTER_DB XDG_DATA_HOME="$tmp/xdg" "$fcd" --once --watch "$lib/b" --threads 1 \
    2>"$tmp/log8"; rc=$?
check "default store: exit 0" test "$rc" -eq 0
check "default store under XDG_DATA_HOME" test -f "$tmp/xdg/facecluster/faces.db"
check "default store private" test "$(stat -c %a "$tmp/xdg/facecluster")" = 700

check "no sanitizer report" test "$(cat "$tmp"/log* | grep -c -e 'Sanitizer' -e 'runtime error')" -eq 0
finish
