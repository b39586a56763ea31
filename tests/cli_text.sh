#!/usr/bin/env bash
# Text output and names, as a user meets them:
# - one escaping rule for every command's text output: a name or a path holding terminal
#   escapes, a bell, a carriage return, a newline that would forge a line, C1 controls, a
#   bidirectional override or bytes that are not UTF-8 never reaches the terminal raw;
# - `name` refuses such a name; names are told apart ignoring case;
# - PERSON: an id, a name in any case, or the unique start of one (ambiguity lists the
#   candidates); a person named like an id stays reachable by its own id;
# - text tables are padded by display width (accents, CJK), not bytes.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/photos"
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$tmp/photos/"
evil_path=$tmp/photos/$'\e[2Jcleared\a\r<3>forged\nline.jpg'
cp "$samples/sample1.jpg" "$evil_path"
db=$tmp/faces.db
"$fcd" --once --watch "$tmp/photos" --db "$db" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
fc_db() { "$fc" --db "$db" "$@"; }

# the person with most faces gets a hostile name, as a file's metadata could bring one
evil=$(python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
person = db.execute("SELECT person FROM assignments GROUP BY person ORDER BY count(*) DESC, "
                    "person LIMIT 1").fetchone()[0]
name = b"\x1b]0;title\x07\x1b[31mRed\r\n<3>forged \xc2\x9b \xe2\x80\xaeevil \xff\xfe end"
db.execute("UPDATE people SET name = CAST(? AS TEXT) WHERE id = ?", (name, person))
db.commit()
print(person)
PY
)
check "a hostile name was stored" test -n "$evil"
face=$(fc_db show "$evil" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
check "the hostile person has a face" test -n "$face"

# raw: any control byte but tab and newline, C1 controls (as UTF-8), bidi overrides,
# invalid UTF-8, or a line that starts where a forged one would
is_clean() { # is_clean FILE
    python3 - "$1" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]", data)
try:
    data.decode("utf-8")
    utf8 = True
except UnicodeDecodeError:
    utf8 = False
forged = re.search(rb"^(<3>forged|line\.jpg)", data, re.M)
if bad or not utf8 or forged:
    print("raw output:", bad, "utf8" if utf8 else "not UTF-8", forged, file=sys.stderr)
    sys.exit(1)
PY
}
clean() { # clean WHAT COMMAND...: its stdout and stderr hold nothing raw
    "$@" >"$tmp/out" 2>&1
    cat "$tmp/out" >>"$tmp/all"
    check "$1 ${2:-}: output escaped" is_clean "$tmp/out"
}
# every command, with the hostile name or path where it prints one, else with a hostile
# argument (what an error message repeats)
arg=$'\e[31m\a\r\n<3>forged'
clean fc_db people
clean fc_db people --all --unsorted
clean fc_db show "$evil"
clean fc_db show "$arg"
clean fc_db who "$samples/sample1.jpg" "$evil_path"
clean fc_db similar "$face" -n 30
clean fc_db status
clean fc_db status --bad
clean fc_db check
clean fc_db sheet "$evil" -o "$tmp/sheet.jpg"
clean fc_db sheet "$evil" -o "$tmp/$arg.jpg"
clean fc_db detect "$evil_path"
clean fc_db embed "$evil_path"
clean fc_db detect "$tmp/$arg.jpg"
clean fc_db hide "$evil"
clean fc_db unhide "$evil"
clean fc_db cover "$evil" "$face"
clean fc_db not "$face" "$arg"
clean fc_db move "$face" "$arg"
clean fc_db merge "$evil" "$arg"
clean fc_db reject "$arg"
clean fc_db name "$arg" Someone
clean fc_db name "$evil" "Mended"
clean fc_db undo
clean fc_db people
clean fc_db train
clean fc_db model info
clean fc_db model path
clean "$fc" --model "$tmp/$arg" model info
clean fc_db help "$arg"
clean fc_db "$arg"
check "the hostile name was shown (escaped)" grep -q 'Red\\x0d\\x0a<3>forged' "$tmp/all"
check "the hostile path was shown (escaped)" grep -q 'cleared\\x07\\x0d<3>forged\\x0aline' "$tmp/all"

# name refuses what it would have to escape, and says why
for bad in $'Ann\e[1m' $'two\nlines' $'bell\a' $'\xff\xfe' $'c1\xc2\x9b' $'bidi\xe2\x80\xae'; do
    fc_db name "$evil" "$bad" >/dev/null 2>"$tmp/err"
    rc=$?
    check "name refuses a control character or bad UTF-8 (rc $rc)" test "$rc" -eq 1
    check "name says why" grep -q "control characters or bytes that are not UTF-8" "$tmp/err"
done

# matching a person as typed
people=$({ fc_db people --all --json; fc_db people --all --unsorted --json; } | sed 's/^{"person": \([0-9]*\),.*/\1/' | grep -v "^$evil$" | head -5)
set -- $people
fc_db name "$1" "Ada Lovelace" >/dev/null
fc_db name "$2" "Adam Smith" >/dev/null
fc_db name "$3" "Zoë Ångström" >/dev/null
fc_db name "$4" "李小龍" >/dev/null
finds() { # finds TYPED ID: `show TYPED` shows person ID's faces
    local want got
    want=$(fc_db show "$2" --json | sed 's/.*"face": \([0-9]*\),.*/\1/' | sort)
    got=$(fc_db show "$1" --json 2>/dev/null | sed 's/.*"face": \([0-9]*\),.*/\1/' | sort)
    test -n "$want" && test "$got" = "$want"
}
check "exact name" finds "Ada Lovelace" "$1"
check "any case" finds "ada lovelace" "$1"
check "any case, beyond ASCII" finds "ZOË ÅNGSTRÖM" "$3"
check "a unique start" finds "ada l" "$1"
check "a unique start, beyond ASCII" finds "zoë" "$3"
check "a unique start, CJK" finds "李" "$4"
fc_db show Ada >/dev/null 2>"$tmp/err"
rc=$?
check "ambiguous: exit 1" test "$rc" -eq 1
check "ambiguous: both candidates listed" grep -q "Ada Lovelace ($1), Adam Smith ($2)" "$tmp/err"
unnamed=$(fc_db show "$5" --json | sed 's/.*"face": \([0-9]*\),.*/\1/' | sort)
fc_db merge "ada l" "$5" >/dev/null
check "merge by the start of a name" test "$(fc_db show "Ada L" --json | grep -c -F -f <(sed 's/.*/"face": &,/' <<<"$unnamed"))" -eq "$(wc -l <<<"$unnamed")"
fc_db undo >/dev/null
fc_db name "$2" "ADA LOVELACE" >/dev/null 2>"$tmp/err"
rc=$?
check "a name equal to another ignoring case: refused" test "$rc" -eq 1
check "a name equal to another: names the other" grep -q "person $1 is already called 'Ada Lovelace'" "$tmp/err"
fc_db name "$1" "ada lovelace" >/dev/null
check "a person renamed in another case" finds "ada lovelace" "$1"
check "a person named like an id" fc_db name "$4" "$1"
check "the digits are the id" finds "$1" "$1"
check "the person named like an id: by its own id" finds "$4" "$4"
fc_db show nobody >/dev/null 2>"$tmp/err"
check "no such person: said" grep -q "no person 'nobody'" "$tmp/err"

# a table padded by display width: the face counts line up whatever the names' script
fc_db name "$4" "李小龍" >/dev/null
fc_db name "$evil" "Mended" >/dev/null
fc_db people --all >"$tmp/people"; fc_db people --all --unsorted >>"$tmp/people"
check "people lines up by display width" python3 - "$tmp/people" <<'PY'
import sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if " face" not in line or not line[:6].strip().isdigit():
        continue
    head = line[: line.index(" face")]
    width = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
                for c in head)
    cols.add(width)
print(cols, file=sys.stderr)
sys.exit(0 if len(cols) == 1 else 1)
PY
check "the store is intact" fc_db check
finish
