#!/usr/bin/env bash
# The store's surroundings: one daemon per store (a second refuses, naming the first;
# `status` says whether one runs now), the store's folder private (the default one made
# so, one chosen elsewhere warned about), and the files a scan skips counted by kind, in
# the log and in `status`, the same after a rescan.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
lib=$tmp/photos db=$tmp/store/faces.db log=$tmp/log
mkdir -p "$lib"
cp "$samples/sample1.jpg" "$lib/"

status() { "$fc" --db "$db" status --json; }
json_get() { # json_get KEY < one JSON object: the value, as Python prints it
    python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$1"
}
indexed() { [ "$(status | json_get photos)" -eq 1 ]; }

# --- one daemon per store ---------------------------------------------------------------
"$fcd" --watch "$lib" --db "$db" --threads 1 2>"$log" &
pid=$!
check "the first daemon indexes" wait_for 120 indexed
# (a timeout: a second daemon that does not refuse would watch for ever)
timeout 60 "$fcd" --watch "$lib" --db "$db" --threads 1 2>"$tmp/second"; rc=$?
check "a second daemon on the store refuses (exit 1)" test "$rc" -eq 1
check "it names the first by its pid" grep -q "another faceclusterd (pid $pid) is using this store" "$tmp/second"
timeout 60 "$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$tmp/second"; rc=$?
check "--once refuses too" test "$rc" -eq 1
check "the first still runs" kill -0 "$pid"
"$fc" --db "$db" status >"$tmp/status"
check "status: running, with its pid" grep -q "^daemon:  running (pid $pid, since 20" "$tmp/status"
check "status --json: running" test "$(status | json_get daemon_running)" = True
check "status --json: its pid" test "$(status | json_get daemon_pid)" = "$pid"
kill -TERM "$pid"
wait "$pid"
pid=
"$fc" --db "$db" status >"$tmp/status"
check "stopped: status says not running" grep -q '^daemon:  not running (stopped 20[-0-9T:+Z]*); its last word: idle' "$tmp/status"
check "stopped: --json not running" test "$(status | json_get daemon_running)" = False
check "stopped: --json last seen" bash -c "\"$fc\" --db \"$db\" status --json | grep -q '\"daemon_last_seen\": \"20'"
"$fcd" --watch "$lib" --db "$db" --threads 1 --settle-ms 200 2>"$log" &
pid=$!
check "once it stopped, another starts" wait_for 60 grep -q 'scanned in' "$log"

# the store busy beyond the busy timeout (another process holding its write lock): a
# photo arriving waits in memory, and is written once the lock is let go
python3 -c '
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.1)
db.execute("ROLLBACK")
' "$db" "$tmp/holding" "$tmp/release" &
holder=$!
check "busy: another process holds the write lock" wait_for 30 test -e "$tmp/holding"
cp "$samples/sample3.jpg" "$lib/"
check "busy: logged, with its cause" wait_for 120 grep -q 'cannot write to the store (the store is busy: another process holds its write lock): 1 photo waits in memory' "$log"
check "busy: status --json says one waits, and why" test "$(status | json_get unwritten) $(status | json_get unwritten_cause)" = "1 the store is busy: another process holds its write lock"
touch "$tmp/release"
wait "$holder"
photos_are() { [ "$(status | json_get photos)" -eq "$1" ]; }
check "busy no more: the photo written, no restart" wait_for 120 photos_are 2
check "busy no more: logged" wait_for 30 grep -q 'the store takes writes again: 1 photo that waited written' "$log"
check "busy no more: none waits" test "$(status | json_get unwritten)" = 0
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
check "killed: status says not running, and when last seen" bash -c "\"$fc\" --db \"$db\" status | grep -q '^daemon:  not running (last seen 20[-0-9T:+Z]*; it did not stop cleanly)'"
"$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$log"; rc=$?
check "killed: its lock went with it (a new daemon runs)" test "$rc" -eq 0
check "the lock file is private" test "$(stat -c %a "$db.lock")" = 600

# --- a private store ---------------------------------------------------------------------
# the default data folder, made 0755 earlier (as the model install once did): made 0700
mkdir -p -m 0755 "$tmp/xdg/facecluster"
env -u FACECLUSTER_DB XDG_DATA_HOME="$tmp/xdg" "$fcd" --once --watch "$lib" --threads 1 \
    2>"$tmp/log_xdg"; rc=$?
check "default folder: exit 0" test "$rc" -eq 0
check "default folder: made 0700" test "$(stat -c %a "$tmp/xdg/facecluster")" = 700
check "default folder: said so" grep -q "made the data folder $tmp/xdg/facecluster private (mode 700, was 755)" "$tmp/log_xdg"
check "default folder: no warning left" test "$(grep -c 'open to others' "$tmp/log_xdg")" -eq 0
# a folder the user chose, open to others: left as it is, and warned about
mkdir -m 0755 "$tmp/shared"
"$fcd" --once --watch "$lib" --db "$tmp/shared/faces.db" --threads 1 2>"$tmp/log_shared"; rc=$?
check "chosen folder: exit 0" test "$rc" -eq 0
check "chosen folder: its mode kept" test "$(stat -c %a "$tmp/shared")" = 755
check "chosen folder: the log warns" grep -q "^warning: the store's folder $tmp/shared is mode 755, open to others: chmod 700 it" "$tmp/log_shared"
"$fc" --db "$tmp/shared/faces.db" status >"$tmp/status"
check "chosen folder: status warns" grep -q "^warning: the store's folder $tmp/shared is mode 755" "$tmp/status"
"$fc" --db "$tmp/shared/faces.db" status --json >"$tmp/status.json"
check "chosen folder: status --json warns" grep -q "\"exposed\": \"the store's folder" "$tmp/status.json"
chmod 700 "$tmp/shared"
chmod 644 "$tmp/shared/faces.db"
"$fc" --db "$tmp/shared/faces.db" status >"$tmp/status"
check "a store file readable by others: status warns" grep -q "^warning: the store $tmp/shared/faces.db is mode 644, readable by others: chmod 600 it" "$tmp/status"
chmod 600 "$tmp/shared/"faces.db* # SQLite gave its -wal the database's mode meanwhile
check "private again: no warning" test "$("$fc" --db "$tmp/shared/faces.db" status --json | json_get exposed)" = None

# --- skipped files, by kind ---------------------------------------------------------------
# videos by name (g.mp4, h.MOV) and by content (clip: an MP4's ftyp box), documents by name
# (notes.txt) and by content (README, no extension: read and not a photo), a RAW beside
# the JPEG that stands for it (IMG_1.CR2 and img_1.jpg: names compared without case)
for f in g.mp4 h.MOV notes.txt IMG_1.CR2; do
    printf 'x' >"$lib/$f"
done
printf 'a text, not a photo\n' >"$lib/README"
printf '\0\0\0\x18ftypisom\0\0\x02\0isomiso2' >"$lib/clip"
cp "$samples/sample2.jpg" "$lib/img_1.jpg"
printf 'x' >"$lib/.hidden.png" # hidden: skipped by rule, not counted
# a photo whose path is longer than PATH_MAX (4096)
long=$(printf 'd%.0s' {1..200})
(
    cd "$lib" || exit 1
    for _ in $(seq 20); do mkdir "$long" && cd "$long" || exit 1; done
    cp "$samples/sample2.jpg" "$long.jpg"
)
"$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$tmp/log_skip"; rc=$?
check "skipping: exit 0" test "$rc" -eq 0
check "skipping: the scan line counts them" grep -q "$lib: scanned in .*; skipped 7 other files: 3 video, 1 raw with jpeg, 2 other, 1 path too long$" "$tmp/log_skip"
check "skipping: the closing line too" grep -q '^done: .*; skipped 7 other files: 3 video, ' "$tmp/log_skip"
status >"$tmp/status.json"
check "skipping: status --json by kind" test "$(json_get skipped <"$tmp/status.json")" = \
    "{'video': 3, 'raw_with_jpeg': 1, 'other': 2, 'path_too_long': 1}"
"$fc" --db "$db" status >"$tmp/status"
check "skipping: status text" grep -q '^skipped: 7 files not read: 3 video, 1 raw with jpeg, 2 other, 1 path too long' "$tmp/status"
"$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$tmp/log_skip2"; rc=$?
check "a rescan counts nothing twice" test "$(status | json_get skipped.video) $(status | json_get skipped.other)" = "3 2"
rm "$lib/clip" "$lib/img_1.jpg" # the RAW stands for itself again (and is bad: not a RAW)
"$fcd" --once --watch "$lib" --db "$db" --threads 1 2>"$tmp/log_skip3"; rc=$?
check "files gone: counted no more" test "$(status | json_get skipped.video) $(status | json_get skipped.raw_with_jpeg)" = "2 0"
check "no sanitizer report" test "$(cat "$tmp"/log* | grep -c -e 'Sanitizer' -e 'runtime error')" -eq 0
finish
