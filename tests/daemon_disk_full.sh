#!/usr/bin/env bash
# faceclusterd with its store on a full disk (a small tmpfs, mounted for the test: root
# only): photos arriving meanwhile wait in the daemon's memory, `status` says how many and
# why, and once space is back every one is written, without a restart.
# In a mount namespace of its own when it can be had: the tmpfs goes with the test's
# processes however they end (the trap unmounts it otherwise).
. "$(dirname "$0")/lib.sh"
own_mount_namespace "$0" "$@"
fcd=${FACECLUSTERD:?}
need_model_and_samples
private_tmp
lib=$tmp/photos db=$tmp/store/faces.db log=$tmp/log
mkdir -p "$lib" "$tmp/store"
# 3 MB: the store of six photos takes about 1 MB
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=3m,mode=0700 tmpfs "$tmp/store" 2>"$tmp/err"; then
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): cannot mount a tmpfs: $(cat "$tmp/err")" >&2; exit 1; fi
    echo "SKIP: mounting a tmpfs needs root" >&2
    exit 77
fi
mounted=$tmp/store

json_get() { python3 -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$1"; }
logged() { grep -q "$1" "$log"; }

"$fcd" --watch "$lib" --db "$db" --threads 2 --settle-ms 200 2>"$log" &
pid=$!
check "the daemon starts on an empty library" wait_for 60 logged 'scanned in'
# the disk fills up (the store's files keep what they hold)
dd if=/dev/zero of="$tmp/store/filler" bs=64k 2>/dev/null
check "the disk is full" test "$(df --output=avail "$tmp/store" | tail -1)" -eq 0
cp "$samples"/sample{1,2,3,4,5,6}.jpg "$lib/"
check "a full disk logged, with its cause" wait_for 120 logged 'cannot write to the store (disk full): [0-9]* photos\? waits\? in memory'
check "logged once per cause" test "$(grep -c 'cannot write to the store' "$log")" -eq 1
"$fc" --db "$db" status --json >"$tmp/status.json"
check "status --json: photos wait, and why" grep -q '"unwritten": [1-9][0-9]*, "unwritten_queued": [0-9]*, "unwritten_cause": "disk full"' "$tmp/status.json"
check "status --json: none written" grep -q '"photos": 0,' "$tmp/status.json"
"$fc" --db "$db" status >"$tmp/status"
check "status: photos wait to be written, and why" grep -q '^waiting: [1-9][0-9]* photos\? to write to the store (disk full)' "$tmp/status"
check "status: the daemon runs" grep -q "^daemon:  running (pid $pid," "$tmp/status"
"$fc" --db "$db" status --json >"$tmp/status.json"
waiting=$(json_get unwritten <"$tmp/status.json") queued=$(json_get unwritten_queued <"$tmp/status.json")
check "nothing dropped: every photo waits, read or queued" test "$waiting + $queued" = "$waiting + $((6 - waiting))"
check "still running" kill -0 "$pid"

# space back: every photo written, without a restart
rm "$tmp/store/filler"
check "space back: all six indexed" wait_for 120 photos_are 6
check "space back: logged" wait_for 10 logged 'the store takes writes again'
check "space back: none waits" test "$("$fc" --db "$db" status --json | json_get unwritten)" = 0
check "space back: none pending or bad" test "$(field pending)$(field bad)" = 00
check "space back: the faces stored" test "$(field faces)" -ge 20
check "space back: same daemon" kill -0 "$pid"
check "the store is sound" bash -c "\"$fc\" --db \"$db\" check >/dev/null"
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
check "SIGTERM: exit 0" test "$rc" -eq 0

# stopped while a photo waits: said, and the next start reads it again
"$fcd" --watch "$lib" --db "$db" --threads 1 --settle-ms 200 2>"$tmp/log_stop" &
pid=$! log=$tmp/log_stop
check "again: the daemon starts" wait_for 60 logged 'scanned in'
dd if=/dev/zero of="$tmp/store/filler" bs=64k 2>/dev/null
cp "$samples/sample1.jpg" "$lib/copy.jpg"
check "again: the copy waits" wait_for 120 logged 'cannot write to the store (disk full): 1 photo waits'
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
check "stopped while one waits: exit 0" test "$rc" -eq 0
check "stopped while one waits: said so" logged '^warning: 1 photo not written (disk full): the next start reads it again'
rm "$tmp/store/filler"
"$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$tmp/log_next"; rc=$?
check "the next start: exit 0" test "$rc" -eq 0
check "the next start: the copy recorded" grep -q '1 copy linked' "$tmp/log_next"
check "no sanitizer report" test "$(cat "$tmp"/log* | grep -c -e 'Sanitizer' -e 'runtime error')" -eq 0
finish
