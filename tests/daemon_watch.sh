#!/usr/bin/env bash
# faceclusterd as a service, on private folders and a private store: photos arriving
# (one written in slow chunks through one open, one appended chunk by chunk with a reopen
# each time), moves within and between watched folders, a bad file while it runs, an
# inotify overflow (the daemon stopped while more changes happen than the kernel queues),
# SIGHUP, and SIGTERM ending it with status 0.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
a=$tmp/a b=$tmp/b db=$tmp/faces.db log=$tmp/log
mkdir -p "$a/album" "$b"
cp "$samples/sample1.jpg" "$a/album/"


"$fcd" --watch "$a" --watch "$b" --db "$db" --threads 1 2>"$log" &
pid=$!
check "start-up scan indexes what is there" wait_for 120 photos_are 1

# slow writers: neither may be read before it is whole (the settle window is 2 s)
{
    head -c 40000 "$samples/sample2.jpg"
    sleep 0.7
    tail -c +40001 "$samples/sample2.jpg" | head -c 40000
    sleep 0.7
    tail -c +80001 "$samples/sample2.jpg"
} >"$a/one-open.jpg"
size=$(stat -c %s "$samples/sample3.jpg")
for ((start = 0; start < size; start += size / 4 + 1)); do
    tail -c +$((start + 1)) "$samples/sample3.jpg" | head -c $((size / 4 + 1)) >>"$a/reopened.jpg"
    sleep 0.7
done
check "slow writers: both indexed" wait_for 120 photos_are 3
check "slow writers: never read truncated" test "$(grep -c 'truncated' "$log")" -eq 0

# moves: a folder renamed, a photo moved between the two watched folders
mv "$a/album" "$a/holiday"
mv "$a/one-open.jpg" "$b/"
sleep 1
check "after moves: same photos" test "$(field photos)" -eq 3
check "after moves: nothing missing" test "$(field missing)" -eq 0

# a bad file while running: recorded with its reason, the daemon carries on
printf 'not a photo' >"$b/bad.jpg"
bad_listed() { "$fc" --db "$db" status --bad | grep -q "bad.jpg"; }
check "bad file listed" wait_for 60 bad_listed
check "daemon still running" kill -0 "$pid"

# overflow: stopped, the daemon misses more events than the kernel queues
max=$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384)
mkdir "$a/burst"
sleep 1 # watched now: the burst's events queue up in the kernel
kill -STOP "$pid"
(cd "$a/burst" && seq 1 $((max + 1000)) | sed 's/$/.txt/' | xargs touch)
cp "$samples/sample4.jpg" "$a/burst/"
cp "$samples/sample5.jpg" "$b/"
kill -CONT "$pid"
check "after the overflow: every photo indexed" wait_for 180 photos_are 5
sleep 3
check "one overflow logged" test "$(grep -c 'queue overflowed' "$log")" -eq 1

# an edit through the CLI while the daemon runs: noticed (PRAGMA data_version)
person=$("$fc" --db "$db" people --unsorted --json | sed -n '1s/^{"person": \([0-9]*\),.*/\1/p')
"$fc" --db "$db" name "$person" "Grace Hopper" >/dev/null; rc=$?
check "name while the daemon runs: exit 0" test "$rc" -eq 0
edit_noticed() { grep -q 'the store was edited' "$log"; }
check "the daemon notices the edit" wait_for 30 edit_noticed

# a new photo between regroups: its faces join their people at once (the same pixels as
# a photo already indexed, one byte more after the image: another file, the same faces)
# (named, it is listed with the people now, not with the faces alone)
example=$("$fc" --db "$db" people --json | sed -n "/\"person\": $person,/s/.*\"example\": \"\([^\"]*\)\".*/\1/p")
faces_before=$("$fc" --db "$db" show "Grace Hopper" --json | wc -l)
regroups=$(grep -c 'regrouped' "$log")
{ cat "$example"; printf 'x'; } >"$b/again.jpg"
grace_grew() { [ "$("$fc" --db "$db" show "Grace Hopper" --json | wc -l)" -eq $((faces_before + 1)) ]; }
# (the regroup thread's own connection once dropped the loop's locks: the CLI, closing
# last, deleted the WAL under the daemon, whose writes nobody saw again)
check "a new photo's face joins its person at once" wait_for 60 grace_grew
check "placed without a regroup" test "$(grep -c 'regrouped' "$log")" -eq "$regroups"
# "not Grace" holds for the face when its photo is written again (its decisions carried
# to the new face by overlap): placed anywhere but Grace
again_face=$("$fc" --db "$db" show "Grace Hopper" --json | sed -n '/again.jpg/s/^{"face": \([0-9]*\),.*/\1/p')
"$fc" --db "$db" not "$again_face" "Grace Hopper"; rc=$?
check "not while the daemon runs: exit 0" test "$rc" -eq 0
printf 'y' >>"$b/again.jpg"
old_face_gone() { ! "$fc" --db "$db" similar "$again_face" -n 1 >/dev/null 2>&1; }
check "the photo written again: indexed, its old faces gone" wait_for 60 old_face_gone
sleep 1
check "its face does not go back to Grace" test "$("$fc" --db "$db" show "Grace Hopper" --json | grep -c again.jpg)" -eq 0

# a head trained while the daemon runs: noticed by its mark, the people loaded again with
# it, a new photo's faces placed through it; removed: noticed too
name_pairs "$db" Ada Bob >/dev/null; rc=$?
check "two people named by hand" test "$rc" -eq 0
"$fc" --db "$db" train --epochs 2 >/dev/null; rc=$?
check "train while the daemon runs: exit 0" test "$rc" -eq 0
head_noticed() { grep -q 'a head was trained (facecluster train): the people are regrouped with it' "$log"; }
check "the daemon notices the head" wait_for 30 head_noticed
cp "$samples/sample6.jpg" "$b/"
placed() { faces_by_photo "$db" | grep -q "/sample6.jpg$"; }
check "with the head: a new photo's faces placed" wait_for 60 placed
"$fc" --db "$db" train --reset >/dev/null; rc=$?
check "train --reset while the daemon runs: exit 0" test "$rc" -eq 0
removed_noticed() { grep -q 'a head was removed (facecluster train)' "$log"; }
check "the daemon notices its removal" wait_for 30 removed_noticed

# SIGHUP: the configuration read again, the daemon carries on
kill -HUP "$pid"
sleep 1
check "SIGHUP: still running" kill -0 "$pid"

kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
check "SIGTERM: exit 0" test "$rc" -eq 0
# no inotify watches left (--max-watches 1 makes it so): one actionable message, and the
# folders are still indexed by the scan
mkdir -p "$tmp/c/one" "$tmp/c/two"
cp "$samples/sample6.jpg" "$tmp/c/two/"
"$fcd" --watch "$tmp/c" --db "$tmp/c.db" --threads 1 --max-watches 1 2>"$tmp/log-c" &
pid=$!
limited_photos() { "$fc" --db "$tmp/c.db" status --json 2>/dev/null | grep -q '"photos": 1,'; }
check "watches run out: the scan still indexes" wait_for 120 limited_photos
check "watches run out: told once how to raise the limit" \
    test "$(grep -c 'raise fs.inotify.max_user_watches' "$tmp/log-c")" -eq 1
kill -TERM "$pid"
wait "$pid"
pid=

runs=$(sed -n 's/.*the pipeline ran \([0-9]*\) times\{0,1\}).*/\1/p' "$log")
# sample1, the two slow writers, bad.jpg, sample4, sample5, again.jpg twice, sample6: moves
# ran nothing
check "the pipeline ran once per new file ($runs)" test "$runs" = 9
check "moves recorded" grep -q ' 2 moved' "$log"
check "no sanitizer report" test "$(grep -c -e 'Sanitizer' -e 'runtime error' "$log")" -eq 0

finish
