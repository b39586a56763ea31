#!/usr/bin/env bash
# Nothing hidden (issue 13, findings 7, 8, 10): every face is reachable from the CLI, and
# the daemon's log, `status` and `people` count people and the faces in no person alike;
# a face that is not its person's shows first (show --doubt), framed on the sheets, and
# `name` says it confirmed it; a sheet without its fonts still draws, saying so.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
need_model_and_samples

lib=$tmp/photos db=$tmp/store/faces.db
mkdir -p "$lib"
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$lib/"
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/log"
check "daemon ran" test $? -eq 0
cli() { "$fc" --db "$db" "$@"; }
ids() { sed -n 's/^{"\(id\|person\)": \([0-9]*\),.*/\2/p'; } # a person's id, either key

# --- the counts: "PEOPLE WITH2 ALONE INNONE" from each of the three
from_log=$(sed -n 's/.*regrouped [0-9]* faces into \([0-9]*\) people (\([0-9]*\) named or with 2+ faces, \([0-9]*\) alone; \([0-9]*\) faces\{0,1\} in no person).*/\1 \2 \3 \4/p' "$tmp/log")
from_status=$(cli status | sed -n 's/^people: *\([0-9]*\) (\([0-9]*\) named or with 2+ faces, \([0-9]*\) alone; .*); \([0-9]*\) faces\{0,1\} in no person$/\1 \2 \3 \4/p')
from_people=$(cli people | sed -n 's/^\([0-9]*\) \(person\|people\) named or with 2+ faces, \([0-9]*\) alone (.*), \([0-9]*\) faces\{0,1\} in no person.*/\1 \3 \4/p')
read -r n_people n_with2 n_alone n_none <<<"$from_log"
check "log: counts said ($from_log)" test -n "$from_log" -a "$n_people" = $((n_with2 + n_alone))
check "status: the log's counts ($from_status)" test "$from_status" = "$from_log"
check "people: the log's counts ($from_people)" test "$from_people" = "$n_with2 $n_alone $n_none"
check "status --json: the same" bash -c "\"$fc\" --db \"$db\" status --json | grep -q '\"people\": $n_people, \"alone\": $n_alone, \"unplaced\": $n_none,'"
check "people: one line per person named or with 2+ faces" test "$(cli people --json | wc -l)" -eq "$n_with2"
check "people --unsorted: one line per face alone" test "$(cli people --unsorted --json | wc -l)" -eq "$n_alone"

# a hidden person: out of `people`'s counts, and said so; still one of status's people
alone_one=$(cli people --unsorted --json | ids | head -1)
cli hide "$alone_one" >/dev/null
check "people: a hidden person said" bash -c "\"$fc\" --db \"$db\" people | grep -q ', $((n_alone - 1)) alone (.*), 1 hidden (--all)$'"
check "status: a hidden person counted, and said" bash -c "\"$fc\" --db \"$db\" status | grep -q '^people: *$n_people ($n_with2 named or with 2+ faces, $n_alone alone; 0 named, 1 hidden); '"
cli unhide "$alone_one" >/dev/null

# --- every face reachable: the people's, the alone, and those in no person
check "the samples leave a face in no person" test "$n_none" -ge 1
check "people --unsorted: a row for them" bash -c "\"$fc\" --db \"$db\" people --unsorted | grep -q '^ *- *$n_none faces\{0,1\} in no person (facecluster show --unsorted)$'"
cli show --unsorted --json >"$tmp/none"
check "show --unsorted: each of them" test "$(wc -l <"$tmp/none")" -eq "$n_none"
check "show --unsorted: in no person" test "$(grep -c '"person": null,' "$tmp/none")" -eq "$n_none"
reachable=$({ cli people --json; cli people --unsorted --json; } | ids |
    while read -r id; do cli show "$id" --json; done | cat - "$tmp/none" | wc -l)
check "every face reachable ($reachable)" test "$reachable" -eq "$(cli status --json | sed 's/.*"faces": \([0-9]*\),.*/\1/')"
cli sheet --all --unsorted --size 64 -o "$tmp/all.jpg" --json >"$tmp/all.json"
check "sheet --all --unsorted: the faces in no person too" grep -q "\"unplaced\": $n_none," "$tmp/all.json"

# --- doubt: a stranger's face put in a person is its most doubtful, and shown so
person=$(cli people --json | ids | head -1)
first=$(cli show "$person" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
stranger=$(cli similar "$first" -n 100 | awk '{print $1}' | tail -1) # the farthest face
cli move "$stranger" "$person" >/dev/null
check "a stranger moved in" test $? -eq 0
cli show "$person" --doubt --json >"$tmp/doubt"
check "show --doubt: the stranger first" test "$(sed -n '1s/^{"face": \([0-9]*\),.*/\1/p' "$tmp/doubt")" = "$stranger"
check "show --doubt: most doubtful first" test "$(sed 's/.*"doubt": \([0-9.]*\),.*/\1/' "$tmp/doubt" | sort -rn | tr '\n' ' ')" = "$(sed 's/.*"doubt": \([0-9.]*\),.*/\1/' "$tmp/doubt" | tr '\n' ' ')"
check "show --doubt: the stranger doubtful" grep -q "^{\"face\": $stranger,.*\"doubtful\": true}" "$tmp/doubt"
check "show: best score first still" test "$(cli show "$person" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')" = "$first"
check "show, text: the doubtful marked" bash -c "\"$fc\" --db \"$db\" show \"$person\" | grep -q '^ *$stranger .* doubtful '"
cli show "$person" --doubt --unsorted >/dev/null 2>&1
check "show --doubt --unsorted: usage" test $? -eq 2
cli sheet "$person" -o "$tmp/p.jpg" --json >"$tmp/p.json"
check "sheet: the doubtful faces framed" grep -q '"doubtful": [1-9][0-9]*}' "$tmp/p.json"
cli sheet --all -o "$tmp/all.jpg" --json >"$tmp/all.json"
check "sheet --all: the doubtful faces in its row" grep -q '"doubtful": [1-9][0-9]*}' "$tmp/all.json"
cli name "$person" 'Zoë Ångström 李' >"$tmp/name"
check "name: exit 0" test $? -eq 0
check "name: said" grep -q "^person $person (Zoë Ångström 李) is named now$" "$tmp/name"
check "name: the doubtful face named" grep -q "^ *$stranger  0\.[0-9]*  .*sample" "$tmp/name"
check "name: how to fix it" grep -q "facecluster not FACE $person (or facecluster move FACE --new)" "$tmp/name"
check "name: only the doubtful" test "$(grep -c '^ *[0-9]*  0\.[0-9]*  ' "$tmp/name")" -eq "$(grep -c '"doubtful": true' "$tmp/doubt")"
cli name "$person" 'Zoë Ångström 李' --json >"$tmp/name.json"
check "name --json: the doubtful faces" grep -q "\"doubtful\": \[{\"face\": $stranger, \"doubt\": 0\.[0-9]*, \"path\": \"[^\"]*sample" "$tmp/name.json"
cli show "$person" --json >"$tmp/named"
check "name: its faces confirmed" test "$(grep -c '"confirmed": true' "$tmp/named")" -eq "$(wc -l <"$tmp/named")"

# --- a sheet without its fonts: the built-in one, said on stderr
FACECLUSTER_FONTS=/nonexistent/font.ttf cli sheet "$person" -o "$tmp/p.jpg" 2>"$tmp/err" >/dev/null
check "sheet without fonts: exit 0" test $? -eq 0
check "sheet without fonts: said" grep -q "warning: no font at /nonexistent/font.ttf.*built-in font" "$tmp/err"
check "sheet without fonts: a JPEG" test "$(head -c 3 "$tmp/p.jpg" | od -An -tx1 | tr -d ' \n')" = ffd8ff
finish
