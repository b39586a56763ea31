#!/usr/bin/env bash
# Idle means idle (issue 15, items 1 and 2): once everything is indexed, faceclusterd
# with model_ttl = 2 frees its networks (resident memory under 40 MiB), wakes for nothing
# over 60 s (fewer than 10 context switches across all its threads, counted from
# /proc/PID/task/*/status), and still notices what happens without polling: the CLI's
# edit (inotify on the store's folder), a new photo (indexed with the networks made
# again), and a disk mounted over a watched folder and unmounted again (the mount table,
# root only).
# In a mount namespace of its own when it can be had, for the mount.
. "$(dirname "$0")/lib.sh"
own_mount_namespace "$0" "$@"
fcd=${FACECLUSTERD:?}
need_model_and_samples
private_tmp
lib=$tmp/lib db=$tmp/faces.db log=$tmp/log
mkdir -p "$lib" "$tmp/disk"
cp "$samples/sample1.jpg" "$lib/"
logged() { grep -q "$1" "$log"; }
switches() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; }

rss_kib() { awk '/^VmRSS/ {print $2}' /proc/"$pid"/status; }

cat >"$tmp/config" <<CONF
model_ttl = 2
CONF
"$fcd" --config "$tmp/config" --watch "$lib" --watch "$tmp/disk" --db "$db" --threads 2 \
    --settle-ms 200 2>"$log" &
pid=$!
check "the photo is indexed" wait_for 120 photos_are 1
check "the people are grouped" wait_for 60 logged 'regrouped'
check "model_ttl = 2: the networks are freed" wait_for 30 logged 'the networks are freed'
sleep 1
echo "resident memory with the networks freed: $(rss_kib) KiB"
if grep -q __asan_init "$fcd"; then
    # AddressSanitizer keeps freed memory in quarantine, and its shadow besides
    echo "an ASan build: the 40 MiB bound is a plain build's" >&2
else
    check "  resident memory under 40 MiB ($(rss_kib) KiB)" test "$(rss_kib)" -lt 40960
fi
sleep 1 # the last writes and the regroup's thread are done
before=$(switches)
sleep 60
after=$(switches)
echo "idle for 60 s: $((after - before)) context switches across $(ls /proc/$pid/task | wc -l) threads"
check "idle for 60 s: fewer than 10 wake-ups in all ($((after - before)))" test "$((after - before))" -lt 10

person=$({ "$fc" --db "$db" people --json --all; "$fc" --db "$db" people --unsorted --json --all; } |
    sed -n 's/^{"person": \([0-9]*\),.*/\1/p' | head -1)
check "a person to name" "$fc" --db "$db" name "$person" "Ada Lovelace"
check "an edit is noticed at once (no polling)" wait_for 3 logged 'the store was edited'
cp "$samples/sample2.jpg" "$lib/"
check "a new photo is indexed (the networks made again)" wait_for 120 photos_are 2
faces_found=$(field faces)
check "  its faces found ($faces_found in all)" test "$faces_found" -gt 3

if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$tmp/disk" 2>/dev/null; then
    mounted=$tmp/disk
    check "a disk mounted over a watched folder is noticed" wait_for 10 logged "$tmp/disk: changed: scanning"
    umount "$tmp/disk" && mounted=
    check "  and unmounted" wait_for 10 bash -c "[ \$(grep -c '$tmp/disk: changed: scanning' '$log') -ge 2 ]"
elif [ "${CI:-}" = true ]; then
    check "CI=true: a tmpfs can be mounted (root)" false
else
    echo "SKIP (the mount checks): mounting a tmpfs needs root" >&2
fi

kill -TERM "$pid" && wait "$pid"
check "the daemon stops cleanly" test $? -eq 0
pid=
finish
