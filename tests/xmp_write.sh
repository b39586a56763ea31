#!/usr/bin/env bash
# xmp write (issue 14, item 3): after naming every person, each named face reads back in
# exiftool from the photo's sidecar with its name and its area within 1% of the photo, as
# MWG and Microsoft regions; a photo stored turned (jpegtran, then EXIF orientation 6) gets
# its areas in the stored frame (MWG 2.0, 5.9; docs/xmp-regions.md); a photo whose faces are
# unnamed since loses facecluster's regions from its sidecar; an existing Lightroom
# style NAME.xmp is the one written, keeping its rating, keywords and a foreign region; a
# second run changes nothing; the photos stay byte for byte what they were.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
for tool in exiftool jpegtran python3; do
    command -v $tool >/dev/null && continue
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $tool missing" >&2; exit 1; fi
    echo "SKIP: $tool missing" >&2
    exit 77
done
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
lib=$tmp/photos db=$tmp/store/faces.db
mkdir -p "$lib"
cp "$samples"/sample{1,2,3}.jpg "$lib/"
# stored turned 90 degrees anti-clockwise, shown upright by orientation 6: the same faces
jpegtran -copy none -perfect -rotate 270 "$samples/sample2.jpg" >"$lib/turned.jpg"
exiftool -q -overwrite_original -Orientation#=6 "$lib/turned.jpg"
# a Lightroom sidecar already there: a rating, keywords and someone else's face region
exiftool -q -o "$lib/sample1.xmp" -Rating=4 -Subject=holiday -Subject=beach \
    '-RegionInfo={AppliedToDimensions={W=1920,H=1280,Unit=pixel},RegionList=[{Area={X=0.03,Y=0.95,W=0.04,H=0.06,Unit=normalized},Name=Someone Else,Type=Face}]}'
tags() { exiftool -j -Rating -Subject -XMP-xmp:all "$1" | grep -v SourceFile; }
tags "$lib/sample1.xmp" >"$tmp/tags.before"
sha256sum "$lib"/*.jpg >"$tmp/photos.sha"

"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log"
check "daemon ran" test $? -eq 0
cli() { "$fc" --db "$db" "$@"; }
ids() { sed -n 's/^{"person": \([0-9]*\),.*/\1/p'; }
n=0
for person in $({ cli people --json --all; cli people --unsorted --json --all; } | ids); do
    n=$((n + 1))
    cli name "$person" "Person $n Zoë" >/dev/null || echo "FAIL: naming $person" >&2
done
check "people to name ($n)" test "$n" -ge 3

cli xmp write --dry-run >"$tmp/dry"
check "--dry-run: writes nothing" test -z "$(ls "$lib" | grep '\.jpg\.xmp$')"
check "--dry-run: says what it would" grep -q "^would write  *$lib/sample2.jpg.xmp " "$tmp/dry"
cli xmp write --json >"$tmp/written"
check "xmp write ran" test $? -eq 0
check "the existing NAME.xmp was the one written" test ! -e "$lib/sample1.jpg.xmp"
check "a new photo's sidecar is NAME.EXT.xmp" test -f "$lib/sample2.jpg.xmp" -a -f "$lib/turned.jpg.xmp"
check "--json: one line per sidecar" test "$(grep -c '"status": "written"' "$tmp/written")" -eq 4

# every named face, read back by exiftool from its sidecar, against show's box
for person in $(cli people --json --all | ids); do cli show "$person" --json; done >"$tmp/faces"
for photo in "$lib"/*.jpg; do
    sidecar=$photo.xmp
    [ -f "$sidecar" ] || sidecar=${photo%.jpg}.xmp
    exiftool -j -struct -XMP:RegionInfo -XMP:RegionInfoMP -ImageWidth -ImageHeight -Orientation# \
        "$photo" >"$tmp/$(basename "$photo").image.json"
    exiftool -j -struct -XMP:RegionInfo -XMP:RegionInfoMP "$sidecar" >"$tmp/$(basename "$photo").xmp.json"
done
check "each named face reads back in exiftool, area within 1%" python3 - "$tmp" "$lib" <<'PY'
import json, os, sys
tmp, lib = sys.argv[1], sys.argv[2]
people = {}  # name -> person
bad = 0
faces = [json.loads(l) for l in open(os.path.join(tmp, "faces"))]
names = {}
for line in open(os.path.join(tmp, "written")):
    o = json.loads(line)
    for f in o["faces"]:
        names[f["face"]] = f["name"]
checked = 0
for f in faces:
    photo = os.path.basename(f["path"])
    img = json.load(open(os.path.join(tmp, photo + ".image.json")))[0]
    xmp = json.load(open(os.path.join(tmp, photo + ".xmp.json")))[0]
    o = img.get("Orientation", 1)
    sw, sh = img["ImageWidth"], img["ImageHeight"]  # stored
    uw, uh = (sh, sw) if o >= 5 else (sw, sh)  # upright
    x, y, w, h = f["box"]
    # clipped to the photo as written, normalized upright
    l, t = max(x, 0) / uw, max(y, 0) / uh
    r, b = min(x + w, uw) / uw, min(y + h, uh) / uh
    cx, cy, nw, nh = (l + r) / 2, (t + b) / 2, r - l, b - t
    if o == 6:  # stored = upright turned back: (u, v) -> (v, 1 - u)
        cx, cy, nw, nh = cy, 1 - cx, nh, nw
    elif o != 1:
        print("unexpected orientation", o); bad += 1; continue
    name = names.get(f["face"])
    mwg = [g for g in xmp["RegionInfo"]["RegionList"] if g["Name"] == name]
    mp = [g for g in xmp["RegionInfoMP"]["Regions"] if g["PersonDisplayName"] == name]
    if len(mwg) != 1 or len(mp) != 1:
        print(photo, name, "regions:", len(mwg), len(mp)); bad += 1; continue
    a = mwg[0]["Area"]
    got = (a["X"], a["Y"], a["W"], a["H"])
    want = (cx, cy, nw, nh)
    rect = [float(v) for v in mp[0]["Rectangle"].split(",")]
    want_mp = (cx - nw / 2, cy - nh / 2, nw, nh)
    if a["Unit"] != "normalized" or mwg[0].get("Type") != "Face" or \
            max(abs(p - q) for p, q in zip(got, want)) > 0.01 or \
            max(abs(p - q) for p, q in zip(rect, want_mp)) > 0.01:
        print(photo, name, "area", got, "want", want, "mp", rect, want_mp); bad += 1
    dims = xmp["RegionInfo"]["AppliedToDimensions"]
    if (dims["W"], dims["H"], dims["Unit"]) != (sw, sh, "pixel"):
        print(photo, "AppliedToDimensions", dims, "stored", sw, sh); bad += 1
    checked += 1
turned = [f for f in faces if f["path"].endswith("turned.jpg")]
print(checked, "faces checked,", len(turned), "in the turned photo")
sys.exit(1 if bad or not turned or checked != len(faces) else 0)
PY

# the Lightroom sidecar kept its rating, keywords and foreign region
tags "$lib/sample1.xmp" >"$tmp/tags.after"
check "rating and keywords kept" cmp -s "$tmp/tags.before" "$tmp/tags.after"
check "the foreign region kept" bash -c "exiftool -j -struct -XMP:RegionInfo '$lib/sample1.xmp' | python3 -c '
import json, sys
r = [g for g in json.load(sys.stdin)[0][\"RegionInfo\"][\"RegionList\"] if g[\"Name\"] == \"Someone Else\"]
sys.exit(0 if len(r) == 1 and r[0][\"Area\"][\"X\"] == 0.03 and r[0][\"Type\"] == \"Face\" else 1)'"
check "xmp read: the regions upright again" bash -c "\"$fc\" --db '$db' xmp read --json '$lib/turned.jpg' | grep -c '\"kind\": \"mwg\"' | grep -qv '^0$'"

# a second run changes nothing, not even a time stamp
stat -c '%n %s %Y' "$lib"/*.xmp >"$tmp/stat.1"
cat "$lib"/*.xmp >"$tmp/bytes.1"
sleep 1.1
cli xmp write >"$tmp/again"
stat -c '%n %s %Y' "$lib"/*.xmp >"$tmp/stat.2"
check "second run: nothing written" grep -q '^0 sidecars written, 4 unchanged$' "$tmp/again"
check "second run: the same files, times and bytes" cmp -s "$tmp/stat.1" "$tmp/stat.2"
check "second run: the same bytes" bash -c "cat '$lib'/*.xmp | cmp -s - '$tmp/bytes.1'"
# a rename replaces our region, the other's stays
person=$(cli people --json --all | ids | head -1)
cli name "$person" "Renamed Person" >/dev/null
cli xmp write "Renamed Person" >/dev/null
check "a rename: the old name gone" bash -c "! cat '$lib'/*.xmp | grep -q \"Person 1 Zoë\""
check "a rename: the new name written" bash -c "cat '$lib'/*.xmp | grep -q 'Renamed Person'"
# faces no longer named anywhere in a photo: its sidecar loses our regions, keeps the rest
turned_faces=$(grep '"path": "[^"]*turned.jpg"' "$tmp/faces" | sed 's/^{"face": \([0-9]*\),.*/\1/')
for face in $turned_faces; do cli move "$face" --new >/dev/null; done # each a person of its own
cli xmp write >"$tmp/cleared"
check "unnamed since: its sidecar written" grep -q "^written  *$lib/turned.jpg.xmp (0 faces)$" "$tmp/cleared"
check "unnamed since: no region left" test -z "$(exiftool -s3 -XMP:RegionName -XMP:RegionPersonDisplayName "$lib/turned.jpg.xmp")"
check "unnamed since: the other sidecars unchanged" grep -q '^1 sidecar written, 3 unchanged$' "$tmp/cleared"
check "the photos are byte for byte the same" sha256sum --quiet -c "$tmp/photos.sha"
finish
