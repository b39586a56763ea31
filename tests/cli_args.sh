#!/usr/bin/env bash
# The CLI's manners, as Linux users try them first: --version; --help and `help CMD` for
# every command (exit 0, the usage first); a bad option named in the error (exit 2); an
# option's value attached (-n3, --count=3) or apart; options anywhere, --db after the
# command; `--` ends the options.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check "facecluster --version" bash -c "\"$fc\" --version | grep -qE '^facecluster [0-9]+\.[0-9]+\.[0-9]+$'"
check "faceclusterd --version" bash -c "\"$fcd\" --version | grep -qE '^faceclusterd [0-9]+\.[0-9]+\.[0-9]+$'"
check "faceclusterd --help: exit 0" bash -c "\"$fcd\" --help | grep -q '^usage: faceclusterd'"
check "facecluster --help: exit 0" bash -c "\"$fc\" --help | grep -q '^usage: facecluster'"

commands=$("$fc" help | sed -n 's/^  \([a-z]\+\) .*/\1/p')
check "help lists the commands" test "$(wc -w <<<"$commands")" -ge 20
for cmd in $commands; do
    "$fc" "$cmd" --help >"$tmp/out" 2>"$tmp/err"
    rc=$?
    check "$cmd --help: exit 0 (got $rc)" test "$rc" -eq 0
    check "$cmd --help: its usage first" grep -q "^usage: facecluster $cmd " <(head -1 "$tmp/out")
    check "$cmd --help: nothing on stderr" test ! -s "$tmp/err"
    check "$cmd -h: the same" cmp -s "$tmp/out" <("$fc" "$cmd" -h)
    check "help $cmd: the same" cmp -s "$tmp/out" <("$fc" help "$cmd")
    "$fc" "$cmd" --no-such-option >/dev/null 2>"$tmp/err"
    rc=$?
    check "$cmd --no-such-option: exit 2 (got $rc)" test "$rc" -eq 2
    check "$cmd --no-such-option: named" grep -q -- "--no-such-option" "$tmp/err"
done
"$fc" help no-such-command >/dev/null 2>"$tmp/err"
check "help of an unknown command: exit 2" test $? -eq 2
check "help of an unknown command: named" grep -q "unknown command no-such-command" "$tmp/err"
"$fc" frobnicate >/dev/null 2>"$tmp/err"
check "an unknown command: exit 2" test $? -eq 2
"$fc" --frobnicate >/dev/null 2>"$tmp/err"
check "an unknown global option: exit 2" test $? -eq 2
check "an unknown global option: named" grep -q -- "--frobnicate" "$tmp/err"
"$fc" history -x >/dev/null 2>"$tmp/err"
check "an unknown short option: named" grep -q "unknown option -x" "$tmp/err"
"$fc" history -n >/dev/null 2>"$tmp/err"
check "a missing value: exit 2" test $? -eq 2
check "a missing value: said" grep -q "a value is missing after -n" "$tmp/err"
"$fc" history -n lots >/dev/null 2>"$tmp/err"
check "a bad number: exit 2" test $? -eq 2
check "a bad number: said" grep -q -- "--count takes a whole number" "$tmp/err"
"$fc" check --json=yes >/dev/null 2>"$tmp/err"
check "a value given to a flag: exit 2" test $? -eq 2
"$fc" undo extra >/dev/null 2>"$tmp/err"
check "too many arguments: exit 2" test $? -eq 2

need_model_and_samples
mkdir "$tmp/photos"
cp "$samples"/sample{1,2}.jpg "$tmp/photos/"
db=$tmp/faces.db
"$fcd" --once --watch "$tmp/photos" --db "$db" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
person=$("$fc" --db "$db" people --unsorted --json | sed -n '1s/^{"person": \([0-9]*\),.*/\1/p')
"$fc" --db "$db" hide "$person" >/dev/null
"$fc" --db "$db" unhide "$person" >/dev/null
"$fc" --db "$db" hide "$person" >/dev/null
# the same question, asked every way a user might
"$fc" --db "$db" history -n 2 >"$tmp/apart"
check "history -n 2: two changes" test "$(wc -l <"$tmp/apart")" -eq 2
check "-n2 (attached)" cmp -s "$tmp/apart" <("$fc" --db "$db" history -n2)
check "--count=2" cmp -s "$tmp/apart" <("$fc" --db "$db" history --count=2)
check "--count 2" cmp -s "$tmp/apart" <("$fc" --db "$db" history --count 2)
check "--db after the command" cmp -s "$tmp/apart" <("$fc" history -n2 --db "$db")
check "--db=PATH" cmp -s "$tmp/apart" <("$fc" history --db="$db" -n2)
check "history: the newest first" grep -q "hid person $person" <(head -1 "$tmp/apart")
check "history --json: JSON Lines" bash -c "\"$fc\" --db \"$db\" history --json | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
# -- ends the options: a file named like one is a file
cp "$samples/sample1.jpg" "$tmp/--json"
(cd "$tmp" && "$fc" detect -- --json) >"$tmp/out" 2>"$tmp/err"
check "-- ends the options: a file called --json is read" test "$(wc -l <"$tmp/out")" -ge 1
check "-- ends the options: text, not JSON" bash -c "! grep -q '^{' \"$tmp/out\""
check "options after the arguments" bash -c "\"$fc\" --db \"$db\" show \"$person\" --json | grep -q '^{'"
finish
