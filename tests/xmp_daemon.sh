#!/usr/bin/env bash
# xmp = write (issue 14, item 3): the daemon keeps the photos' sidecars as the store says.
# A name given with the CLI reaches the photo's sidecar (exiftool reads the name, the area
# within 1% of the photo), an existing sidecar's other tags stay, a rename follows, a face
# moved out of the person leaves the sidecar; the daemon never takes its own writes for
# edits (the photo is not read again, nothing is applied or journalled), while another
# program's edit of the same sidecar is still read; what changed while it was stopped is
# written at its next start.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
need_tools exiftool python3
private_tmp
lib=$tmp/lib db=$tmp/faces.db log=$tmp/log
mkdir -p "$lib"
cli() { "$fc" --db "$db" "$@"; }
cp "$samples/sample1.jpg" "$lib/one.jpg"
cp "$samples/sample2.jpg" "$lib/two.jpg"
# digiKam's sidecar already beside two.jpg: a rating and a keyword, no region
exiftool -q -o "$lib/two.jpg.xmp" -Rating=3 -Subject=garden

"$fcd" --watch "$lib" --db "$db" --threads 2 --settle-ms 200 --xmp write --verbose 2>"$log" &
pid=$!
check "start-up scan indexes the two photos" wait_for 180 photos_are 2
check "no name, no sidecar written" test ! -e "$lib/one.jpg.xmp"

# the first face of PHOTO: "FACE PERSON X Y W H WIDTH HEIGHT" (the photos are upright)
face_of() { { cli people --json --all; cli people --unsorted --json --all; } |
    sed -n 's/^{"person": \([0-9]*\),.*/\1/p' | while read -r p; do cli show "$p" --json; done |
    python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["path"].endswith("/" + sys.argv[1]):
        print(o["face"], o["person"], *o["box"], sys.argv[2]); break' "$1" \
        "$(exiftool -s3 -ImageWidth -ImageHeight "$lib/$1" | tr '\n' ' ')"; }
read -r face1 person1 x y w h W H <<<"$(face_of one.jpg)"
check "a face in one.jpg" test -n "$face1"
reads() { grep -c "^$lib/one.jpg: [0-9]* faces" "$log"; }
reads_before=$(reads) journal_before=$(cli history | wc -l)
cli name "$person1" "Ada Lovelace" >/dev/null
names() { exiftool -s3 -RegionName "$1" 2>/dev/null | sed 's/, /\n/g'; }
has_name() { names "$1" | grep -qx "$2"; }
check "a name reaches the photo's sidecar" wait_for 60 has_name "$lib/one.jpg.xmp" "Ada Lovelace"
area_ok() { # the MWG area of NAME in SIDECAR against the face's box, within 1% of the photo
    exiftool -j -struct -XMP:RegionInfo "$1" | python3 -c '
import json, sys
name, x, y, w, h, W, H = sys.argv[1], *map(float, sys.argv[2:])
regions = json.load(sys.stdin)[0]["RegionInfo"]["RegionList"]
a = [r["Area"] for r in regions if r["Name"] == name][0]
want = ((x + w / 2) / W, (y + h / 2) / H, w / W, h / H)
got = (a["X"], a["Y"], a["W"], a["H"])
sys.exit(not all(abs(float(g) - v) <= 0.01 for g, v in zip(got, want)))' "$2" "$x" "$y" "$w" "$h" "$W" "$H"; }
check "  its area within 1% of the photo" area_ok "$lib/one.jpg.xmp" "Ada Lovelace"
sleep 3 # a settle window and more: the write's own event has come and gone
check "  the daemon does not read the photo again for its own write" test "$(reads)" -eq "$reads_before"
check "  nothing applied from it" bash -c "! grep -q 'face names: [0-9]* applied' '$log'"
check "  nothing journalled but the name" test "$(cli history | wc -l)" -eq "$((journal_before + 1))"

read -r face2 person2 _ <<<"$(face_of two.jpg)"
cli name "$person2" "Grace Hopper" >/dev/null
check "an existing sidecar gets the name" wait_for 60 has_name "$lib/two.jpg.xmp" "Grace Hopper"
check "  its rating stays" test "$(exiftool -s3 -Rating "$lib/two.jpg.xmp")" = 3
check "  its keyword stays" test "$(exiftool -s3 -Subject "$lib/two.jpg.xmp")" = garden

cli name "$person1" "Ada King" >/dev/null
check "a rename follows" wait_for 60 has_name "$lib/one.jpg.xmp" "Ada King"
check "  the old name is gone" bash -c "! exiftool -s3 -RegionName '$lib/one.jpg.xmp' | grep -q Lovelace"

# another program names a second face in the sidecar the daemon wrote: still read
other=$(exiftool -j -struct -XMP:RegionInfo "$lib/two.jpg.xmp" | python3 -c '
import json, sys
info = json.load(sys.stdin)[0]["RegionInfo"]
info["RegionList"].append({"Area": {"X": 0.05, "Y": 0.9, "W": 0.06, "H": 0.08, "Unit": "normalized"},
                           "Name": "Someone Else", "Type": "Face"})
def s(v):
    if isinstance(v, dict): return "{" + ",".join(k + "=" + s(x) for k, x in v.items()) + "}"
    if isinstance(v, list): return "[" + ",".join(s(x) for x in v) + "]"
    return str(v)
print("-RegionInfo=" + s(info))')
exiftool -q -overwrite_original "$other" "$lib/two.jpg.xmp"
in_person() { cli show "$1" --json 2>/dev/null | grep -q "\"path\": \"$lib/$2\""; }
check "another program's edit of a sidecar the daemon wrote is still read" \
    wait_for 60 in_person "Someone Else" two.jpg
check "  and the daemon's own names stay in it" wait_for 10 has_name "$lib/two.jpg.xmp" "Grace Hopper"

cli move "$face1" --new >/dev/null
gone() { ! names "$lib/one.jpg.xmp" | grep -q "Ada"; }
check "a face moved out of the person leaves the sidecar" wait_for 60 gone

kill -TERM "$pid" && wait "$pid"
check "the daemon stops cleanly" test $? -eq 0
pid=

# named while no daemon ran: written at the next start
cli name "$person2" "Grace Brewster" >/dev/null
"$fcd" --once --watch "$lib" --db "$db" --threads 2 --xmp write 2>"$tmp/log2"
check "a name given while stopped is written at the next start" has_name "$lib/two.jpg.xmp" "Grace Brewster"
check "  the other program's region stays" has_name "$lib/two.jpg.xmp" "Someone Else"
check "  and the start read no photo again" grep -q 'the pipeline ran 0 times' "$tmp/log2"

"$fcd" --xmp sometimes --once --watch "$lib" --db "$db" 2>"$tmp/err"
check "xmp = sometimes: refused, exit 2" test $? -eq 2
check "  said" grep -q "xmp is read or write, not 'sometimes'" "$tmp/err"
finish
