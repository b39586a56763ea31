#!/usr/bin/env bash
# Face names already in a library (issue 14): photos named by exiftool with MWG regions
# embedded, in NAME.EXT.xmp (digiKam) and NAME.xmp (Lightroom) sidecars, with Microsoft
# regions, and on a photo turned by EXIF orientation 6 (MWG areas are of the stored pixels):
# every named face ends in the person of that name; a region with no detected face under
# it becomes a face; editing a sidecar while the daemon runs moves the name; a user's edit
# in facecluster survives the file being read again; a region against a user's decision is
# reported by status, not applied; a sidecar deleted gives its faces back.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
command -v exiftool >/dev/null || { echo "SKIP: exiftool missing (./run.sh test installs it)" >&2; exit 77; }
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
lib=$tmp/lib db=$tmp/faces.db log=$tmp/log
mkdir -p "$lib"
cli() { "$fc" --db "$db" "$@"; }

# region FILE INDEX NAME [mp]: exiftool's argument naming face INDEX of FILE (as detect
# finds it, in the stored pixels: detect turns nothing when the photo has no orientation)
region() {
    "$fc" detect --json "$1" | python3 -c '
import json, sys
i, name, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
faces = [json.loads(l) for l in sys.stdin]
f = faces[i]; W, H = f["width"], f["height"]; x, y, w, h = f["box"]
if kind == "mp":
    print("-RegionInfoMP={Regions=[{PersonDisplayName=%s,Rectangle=%.5f|, %.5f|, %.5f|, %.5f}]}" % (name, x / W, y / H, w / W, h / H))
else:
    print("-RegionInfo={AppliedToDimensions={W=%d,H=%d,Unit=pixel},RegionList=[{Area={X=%.5f,Y=%.5f,W=%.5f,H=%.5f,Unit=normalized},Name=%s,Type=Face}]}" % (W, H, (x + w / 2) / W, (y + h / 2) / H, w / W, h / H, name))
' "$2" "$3" "${4:-mwg}"
}
# centre PERSON: "X Y" of the (first) face of a person, in the upright photo
centre() { cli show "$1" --json | head -1 | python3 -c '
import json, sys
o = json.loads(sys.stdin.read()); x, y, w, h = o["box"]; print(round(x + w / 2), round(y + h / 2))'; }
# near "X Y" "X Y": within 3% of a 1920-pixel photo
near() { python3 -c 'import sys; a, b = sys.argv[1].split(), sys.argv[2].split(); sys.exit(not (len(a) == 2 and all(abs(float(p) - float(q)) < 58 for p, q in zip(a, b))))' "$1" "$2"; }
expect() { # expect FILE INDEX: "X Y", the centre of that face as detect finds it
    "$fc" detect --json "$1" | sed -n "$(($2 + 1))p" | python3 -c '
import json, sys
o = json.loads(sys.stdin.read()); x, y, w, h = o["box"]; print(round(x + w / 2), round(y + h / 2))'
}
in_person() { cli show "$1" --json 2>/dev/null | grep -q "\"path\": \"$lib/$2\""; }

cp "$samples/sample1.jpg" "$lib/embedded.jpg"
exiftool -q -overwrite_original "$(region "$lib/embedded.jpg" 0 "Roger Federer")" "$lib/embedded.jpg"
cp "$samples/sample2.jpg" "$lib/digikam.jpg"
exiftool -q -o "$lib/digikam.jpg.xmp" "$(region "$lib/digikam.jpg" 0 "Ada Lovelace")" -Rating=4
cp "$samples/sample3.jpg" "$lib/lightroom.jpg"
exiftool -q -o "$lib/lightroom.xmp" "$(region "$lib/lightroom.jpg" 0 "Grace Hopper" mp)"
cp "$samples/sample4.jpg" "$lib/ghost.jpg"
exiftool -q -o "$lib/ghost.jpg.xmp" '-RegionInfo={AppliedToDimensions={W=1920,H=1448,Unit=pixel},RegionList=[{Area={X=0.05,Y=0.9,W=0.06,H=0.08,Unit=normalized},Name=Ghost,Type=Face}]}'
cp "$samples/sample5.jpg" "$lib/turned.jpg"
exiftool -q -overwrite_original "$(region "$lib/turned.jpg" 0 Turned)" "$lib/turned.jpg"
turned_stored=$(expect "$lib/turned.jpg" 0)
exiftool -q -overwrite_original -Orientation#=6 "$lib/turned.jpg"

"$fcd" --watch "$lib" --db "$db" --threads 2 --verbose 2>"$log" &
pid=$!
check "start-up scan indexes the five photos" wait_for 180 photos_are 5
check "embedded MWG region: Roger Federer" wait_for 60 in_person "Roger Federer" embedded.jpg
check "  on the face it names" near "$(centre "Roger Federer")" "$(expect "$lib/embedded.jpg" 0)"
check "NAME.EXT.xmp sidecar: Ada Lovelace" in_person "Ada Lovelace" digikam.jpg
check "  on the face it names" near "$(centre "Ada Lovelace")" "$(expect "$lib/digikam.jpg" 0)"
check "NAME.xmp sidecar, Microsoft region: Grace Hopper" in_person "Grace Hopper" lightroom.jpg
check "  on the face it names" near "$(centre "Grace Hopper")" "$(expect "$lib/lightroom.jpg" 0)"
read -r sx sy <<<"$turned_stored"
check "orientation 6: the stored area turned upright ($(centre Turned) for $sx,$sy stored)" \
    near "$(centre Turned)" "$((1398 - sy)) $sx"
check "a region with no face under it is a face" in_person Ghost ghost.jpg
check "  marked, not detected (score 0)" bash -c "\"$fc\" --db \"$db\" show Ghost --json | grep -q '\"score\": 0'"
check "imports are decisions of the user's (confirmed)" \
    bash -c "\"$fc\" --db \"$db\" show 'Ada Lovelace' --json | grep -q '\"confirmed\": true'"
check "history says where a name came from" bash -c "\"$fc\" --db \"$db\" history | grep -q 'named Ada Lovelace .*digikam.jpg.xmp'"
check "one person per name" test "$(cli people --json | grep -c '"name": "Ada Lovelace"')" -eq 1

# the sidecar edited while the daemon runs: the name moves to the face now under it
exiftool -q -overwrite_original "$(region "$lib/digikam.jpg" 1 "Ada Lovelace")" "$lib/digikam.jpg.xmp"
moved() { near "$(centre "Ada Lovelace")" "$(expect "$lib/digikam.jpg" 1)"; }
check "an edited sidecar moves the name" wait_for 60 moved
check "  the other tags stay the user's" test "$(exiftool -s3 -Rating "$lib/digikam.jpg.xmp")" = 4

# the user moves Ada's face elsewhere; the file read again (another region added) keeps that
face=$(cli show "Ada Lovelace" --json | sed -n 's/^{"face": \([0-9]*\),.*/\1/p' | head -1)
check "Ada's one face" test -n "$face"
cli move "$face" --new >/dev/null
exiftool -q -overwrite_original \
    "-RegionInfo={AppliedToDimensions={W=1920,H=1367,Unit=pixel},RegionList=[$(region "$lib/digikam.jpg" 1 "Ada Lovelace" | sed 's/.*RegionList=\[\(.*\)\]}$/\1/'),$(region "$lib/digikam.jpg" 2 "Bob" | sed 's/.*RegionList=\[\(.*\)\]}$/\1/')]}" \
    "$lib/digikam.jpg.xmp"
check "the file read again (its new region: Bob)" wait_for 60 in_person Bob digikam.jpg
check "the user's move survives it" bash -c "! \"$fc\" --db \"$db\" show 'Ada Lovelace' --json 2>/dev/null | grep -q digikam.jpg"

# the user says Grace's face is not Grace; the file says it is, with a changed area
gface=$(cli show "Grace Hopper" --json | sed -n 's/^{"face": \([0-9]*\),.*/\1/p' | head -1)
cli not "$gface" "Grace Hopper" >/dev/null
python3 - "$lib/lightroom.xmp" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
# nudge the rectangle's left edge by 1% of the photo: a changed region, read as new
s = re.sub(r'(Rectangle>|Rectangle=")([0-9.]+)', lambda m: m.group(1) + "%.5f" % (float(m.group(2)) + 0.01), s, count=1)
open(p, "w").write(s)
PY
conflict() { cli status --json | grep -q '"name_conflicts": \[.*"source": "'"$lib"'/lightroom.xmp"'; }
check "a region against the user's decision: reported by status" wait_for 60 conflict
check "  and not applied" bash -c "! \"$fc\" --db \"$db\" show 'Grace Hopper' --json 2>/dev/null | grep -q lightroom.jpg"
check "  said in words" bash -c "\"$fc\" --db \"$db\" status | grep -q 'Grace Hopper. not applied: you said face [0-9]* is not person'"

# a sidecar deleted: its face goes back to the clustering (no longer confirmed)
rm "$lib/ghost.jpg.xmp"
released() { ! cli show Ghost --json 2>/dev/null | grep -q '"confirmed": true'; }
check "a deleted sidecar gives its face back" wait_for 60 released

# `xmp write` puts the names in the sidecars; the daemon reads them again and takes none of
# facecluster's own regions for a decision (no loop: nothing applied, nothing journalled)
reads() { grep -c "^$lib/digikam.jpg: [0-9]* faces" "$log"; }
before_reads=$(reads) before_names=$(grep -c 'face names' "$log") before_journal=$(cli history | wc -l)
cli xmp write >/dev/null
check "xmp write names Ada in her sidecar" bash -c "exiftool -s3 -RegionName '$lib/digikam.jpg.xmp' | grep -q Bob"
read_again() { [ "$(reads)" -gt "$before_reads" ]; }
check "the daemon reads the sidecar it did not write" wait_for 60 read_again
sleep 1
check "  and takes none of facecluster's own regions as decisions" test "$(grep -c 'face names' "$log")" -eq "$before_names"
check "  nothing journalled" test "$(cli history | wc -l)" -eq "$before_journal"

kill -TERM "$pid" && wait "$pid"
check "the daemon stops cleanly" test $? -eq 0
pid=

# while no daemon runs, a sidecar comes: the next start's scan finds it
exiftool -q -o "$lib/ghost.jpg.xmp" "$(region "$lib/ghost.jpg" 1 Later)"
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log2"
check "a sidecar added while stopped is read at the next start" in_person Later ghost.jpg
check "  and said so" grep -q "1 sidecar changed since the last scan" "$tmp/log2"
check "sidecars are not counted as skipped files" bash -c "! grep -q 'skipped [1-9]' '$tmp/log2'"

# on demand: xmp read --import has the daemon read a photo and its sidecars again
cli xmp read --import "$lib/lightroom.jpg" >"$tmp/out"
check "xmp read --import: exit 0" test $? -eq 0
check "  says so" grep -q '^1 photo to read again' "$tmp/out"
cli xmp read --import "$tmp/nowhere.jpg" 2>"$tmp/err"
check "  a file that is not there: exit 1" test $? -eq 1
check "  said" grep -q 'nowhere.jpg' "$tmp/err"
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log3"
check "  the next start reads it again" grep -q 'the pipeline ran 1 time' "$tmp/log3"
finish
