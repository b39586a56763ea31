#!/usr/bin/env bash
# Every command's --json output against the one documented schema: the JSON OUTPUT table
# of facecluster(1) (man/facecluster.1.scd, read here as the source of truth). Each object
# must hold exactly the fields its command's row lists, each of a listed type.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
man_source=$(dirname "$0")/../man/facecluster.1.scd
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
mkdir "$tmp/photos" "$out"
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$tmp/photos/"
printf 'not an image' >"$tmp/photos/bad.jpg"
db=$tmp/faces.db
"$fcd" --once --watch "$tmp/photos" --db "$db" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
fc_db() { "$fc" --db "$db" "$@"; }
name_pairs "$db" Ada Bob >/dev/null || { echo "FAIL: could not name two people" >&2; exit 1; }
jpegtran -flip horizontal "$samples/sample1.jpg" >"$tmp/mirrored.jpg" # not indexed

# run KEY COMMAND...: its JSON lines go to the file of KEY (the table's row)
run() {
    local key=$1; shift
    "$@" >>"$out/$key" 2>>"$tmp/stderr" || echo "FAIL: $* (exit $?)" >>"$tmp/failed"
}
run detect fc_db detect --json "$samples/sample1.jpg" "$tmp/mirrored.jpg"
run embed fc_db embed --json "$samples/sample2.jpg"
run "embed --aligned" fc_db embed --aligned --json "$samples/sample3.jpg"
run "model info" fc_db model info --json
run check fc_db check --json
run people fc_db people --json --all
run people fc_db people --json --all --unsorted
ada=$(fc_db show Ada --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
bob=$(fc_db show Bob --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
run show fc_db show Ada --json
run show fc_db show Ada --doubt --json
run show fc_db show --unsorted --json
run photos fc_db photos Ada --json
run "photos --link" fc_db photos Ada --link "$tmp/album" --json
run "photos --link" fc_db photos Ada --link "$tmp/album" --json
run similar fc_db similar "$ada" -n 3 --json
run similar fc_db similar -n 2 --json "$samples/sample1.jpg" "$tmp/mirrored.jpg"
run who fc_db who --json "$samples/sample1.jpg" "$tmp/mirrored.jpg"
run status fc_db status --json
run "status --bad" fc_db status --bad --json
run page fc_db page -o "$tmp/page" --json
run sheet fc_db sheet --all --unsorted -o "$tmp/sheet.jpg" --json
run sheet fc_db sheet Ada -o "$tmp/ada.jpg" --json
run train fc_db train --epochs 2 --json
run status fc_db status --json # with a head
run "train --reset" fc_db train --reset --json
run name fc_db name Ada "Ada Lovelace" --json
run hide fc_db hide Bob --json
run unhide fc_db unhide Bob --json
run cover fc_db cover Ada "$ada" --json
run not fc_db not "$bob" Ada --json
run not fc_db not "$bob" --json
run move fc_db move "$bob" --new --json
run move fc_db move "$bob" Bob --json
run reject fc_db reject "$bob" --json
run undo fc_db undo --json
single=$(fc_db people --json --unsorted | sed -n '1s/^{"person": \([0-9]*\),.*/\1/p')
run merge fc_db merge Ada "$single" --json
run history fc_db history --json
run "xmp write" fc_db xmp write --json
run "xmp write" fc_db xmp write --dry-run --json
run "xmp read" fc_db xmp read --json "$tmp/photos/sample1.jpg" "$tmp/photos/sample2.jpg"
run "xmp read --import" fc_db xmp read --import --json "$tmp/photos/sample1.jpg"
check "every command ran" test ! -s "$tmp/failed"
# an indexed photo's faces carry their store ids (those show lists), a new photo's none
ids_of() { grep -F "\"path\": \"$1\"" "$out/detect" | sed 's/.*"face": \([0-9a-z]*\),.*/\1/' | sort; }
check "detect: an indexed photo's faces have their ids" test -n "$(ids_of "$samples/sample1.jpg" | grep -v null)"
known=$( { faces_by_photo "$db"; fc_db show --unsorted --json | sed 's/^{"face": \([0-9]*\),.*"path": "\([^"]*\)".*/\1 \2/'; } |
    grep 'sample1.jpg$' | cut -d' ' -f1 | sort)
check "detect: ids as the store has them" test "$(ids_of "$samples/sample1.jpg")" = "$known"
check "detect: a photo not indexed has none" test "$(ids_of "$tmp/mirrored.jpg" | sort -u)" = null
check "who: the same ids" test "$(grep -F "$samples/sample1.jpg" "$out/who" | sed 's/.*"face": \([0-9a-z]*\),.*/\1/' | sort)" = "$(ids_of "$samples/sample1.jpg")"
[ -s "$tmp/failed" ] && cat "$tmp/failed" >&2

check "the outputs match facecluster(1)'s JSON OUTPUT" python3 - "$man_source" "$out" <<'PY'
import json, os, re, sys
source, outdir = sys.argv[1], sys.argv[2]
text = open(source, encoding="utf-8").read()
table = text[text.index("# JSON OUTPUT"):text.index("# EXIT STATUS")]
rows, key = {}, None
for line in table.splitlines():
    if line.startswith("|"):
        key = re.sub(r"[*]", "", line[1:]).strip()
        rows[key] = ""
    elif key and (line.startswith(":") or line.startswith("   ")):
        rows[key] += " " + line.lstrip(": ")
    elif not line.strip():
        key = None
kinds = {"int": int, "number": (int, float), "string": str, "bool": bool, "array": list,
         "object": dict, "null": type(None)}
schema = {}
for key, fields in rows.items():
    fields = re.sub(r"\([^()]*\)", "", fields)  # remarks, nested objects' fields
    found = re.findall(r"\*([a-z_]+)\* ((?:int|number|string|bool|array|object|null)(?:\|(?:int|number|string|bool|array|object|null))*)", fields)
    schema[key] = {name: types.split("|") for name, types in found}
bad, seen = [], 0
for key in sorted(os.listdir(outdir)):
    if key not in schema:
        bad.append(f"{key}: no row in the table")
        continue
    want = schema[key]
    for n, line in enumerate(open(os.path.join(outdir, key), encoding="utf-8"), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            bad.append(f"{key} line {n}: not JSON: {e}")
            continue
        seen += 1
        if set(obj) != set(want):
            bad.append(f"{key} line {n}: fields {sorted(set(obj) ^ set(want))} differ from the table")
        for name, value in obj.items():
            types = want.get(name, [])
            ok = any(isinstance(value, kinds[t]) and not (t in ("int", "number") and isinstance(value, bool)) for t in types)
            if types and not ok:
                bad.append(f"{key} line {n}: {name} is {type(value).__name__}, not {'|'.join(types)}")
missing = sorted(set(schema) - set(os.listdir(outdir)))
if missing:
    bad.append(f"rows with no output tested: {missing}")
for b in bad[:40]:
    print(b, file=sys.stderr)
print(f"{seen} objects of {len(os.listdir(outdir))} commands checked against {len(schema)} rows", file=sys.stderr)
sys.exit(1 if bad or seen == 0 else 0)
PY
finish
