#!/usr/bin/env bash
# The daemon's placing and `who` answer alike for the same photo (core/cluster/placement.h): the
# samples indexed, every person named, then a new photo holding each of them twice (the
# photo beside a copy of itself: two faces want each person, the closer has them). `who`
# on it before the daemon sees it, then the daemon places its faces: a face is filed
# under a name exactly when `who` gives it that name, and the faces `who` leaves unknown
# go to no named person.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$tmp/photos db=$tmp/store/faces.db
mkdir -p "$lib"
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$lib/"
run() { "$fcd" --once --watch "$lib" --db "$db" --threads 2 --verbose 2>"$1"; }
run "$tmp/log1"
check "indexed: exit 0" test $? -eq 0
for id in $({ "$fc" --db "$db" people --json --all; "$fc" --db "$db" people --unsorted --json --all; } |
    sed -n 's/^{"\(id\|person\)": \([0-9]*\),.*/\2/p'); do
    "$fc" --db "$db" name "$id" "P$id" >/dev/null || echo "FAIL: cannot name $id" >&2
done
named=$("$fc" --db "$db" status --json | sed 's/.*"named": \([0-9]*\).*/\1/')
people=$("$fc" --db "$db" status --json | sed 's/.*"people": \([0-9]*\).*/\1/')
check "every person named" test "$named" -ge 3 -a "$named" -eq "$people"

# the photo with the most faces, twice side by side (lossless: the same pixels)
top=$(faces_by_photo "$db" | cut -d' ' -f2- | sort | uniq -c | sort -rn | sed -n '1s/^ *[0-9]* //p')
size=$(python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(); i = 2
while i < len(d):
    m, n = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
    if m in (0xC0, 0xC1, 0xC2):
        h, w = struct.unpack(">HH", d[i + 5:i + 9]); print(w, h); break
    i += 2 + n' "$top")
read -r w h <<<"$size"
jpegtran -copy none -crop "$((2 * w))x${h}+0+0" "$top" >"$tmp/wide.jpg"
jpegtran -copy none -drop "+${w}+0" "$top" "$tmp/wide.jpg" >"$tmp/twice.jpg"
"$fc" --db "$db" who --json "$tmp/twice.jpg" >"$tmp/who"
check "who: exit 0" test $? -eq 0
faces=$(wc -l <"$tmp/who")
check "who: the faces of both halves" test "$faces" -ge 4
# index: person (empty: unknown)
sed 's/.*"index": \([0-9]*\),.*"name": \(null\|"[^"]*"\), "person": \(null\|[0-9]*\),.*/\1 \2 \3/' "$tmp/who" |
    while read -r i name person; do [ "$name" = null ] && person=; echo "$i $person"; done | sort -n >"$tmp/who_says"
check "who names some" grep -q ' [0-9]' "$tmp/who_says"
check "who leaves some unknown (each person is twice)" grep -q ' $' "$tmp/who_says"

cp "$tmp/twice.jpg" "$lib/"
run "$tmp/log2"
check "placed: exit 0" test $? -eq 0
# the daemon's placing, before its closing regroup: index -> named person (others: none)
sed -n 's/.*face [0-9]* (index \([0-9]*\)) placed in named person \([0-9]*\) at.*/\1 \2/p' "$tmp/log2" >"$tmp/placed"
check "the daemon placed faces by name" test -s "$tmp/placed"
for i in $(seq 0 $((faces - 1))); do
    p=$(sed -n "s/^$i \([0-9]*\)$/\1/p" "$tmp/placed")
    echo "$i $p"
done >"$tmp/daemon_says"
check "the daemon's placing and who answer alike" cmp "$tmp/who_says" "$tmp/daemon_says"
finish
