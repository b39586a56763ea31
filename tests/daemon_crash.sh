#!/usr/bin/env bash
# Crash safety: faceclusterd is killed with SIGKILL at random moments while it indexes a
# folder, 24 times, restarted each time; then it finishes. The store must pass SQLite's
# integrity check and facecluster's invariants, with every photo indexed exactly once and
# no face duplicated or lost.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$tmp/lib db=$tmp/faces.db
mkdir -p "$lib/copies"
for n in 1 2 3 4 5 6; do
    cp "$samples/sample$n.jpg" "$lib/"
    # other bytes, same picture: a decoder stops at the end-of-image marker
    { cat "$samples/sample$n.jpg"; printf 'altered %d' "$n"; } >"$lib/copies/altered$n.jpg"
done
expected_faces=$(( 2 * $("$fc" detect "$samples"/sample{1,2,3,4,5,6}.jpg | wc -l) ))

RANDOM=20261128 # the same moments on every run
for i in $(seq 1 24); do
    mode=--once
    [ $((i % 3)) -eq 0 ] && mode= # every third run as a service (watching)
    "$fcd" $mode --watch "$lib" --db "$db" --threads 2 2>>"$tmp/log" &
    pid=$!
    sleep "$((RANDOM % 1500 / 1000)).$(printf '%03d' $((RANDOM % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
"$fcd" --once --watch "$lib" --db "$db" --threads 2 2>"$tmp/final"; rc=$?
check "the last run finishes" test "$rc" -eq 0
"$fc" --db "$db" check >"$tmp/check"; rc=$?
check "integrity and invariants hold" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/check" >&2
json=$("$fc" --db "$db" status --json)
field() { printf '%s' "$json" | sed "s/.*\"$1\": \\([0-9]*\\).*/\\1/"; }
check "every photo indexed once" test "$(field photos)" -eq 12
check "no face duplicated or lost" test "$(field faces)" -eq "$expected_faces"
check "nothing pending, bad or missing" test "$(field pending)$(field bad)$(field missing)" = 000
check "no sanitizer report" test "$(grep -c -e 'Sanitizer' -e 'runtime error' "$tmp/log" "$tmp/final" | awk -F: '{ s += $2 } END { print s }')" -eq 0

finish
