#!/usr/bin/env bash
# What `sheet -o` may write over: never the store, its WAL or SHM, the model, a device, a
# FIFO, a folder or a symbolic link (to any of them, or to anything); an existing file that
# is not a JPEG only with --force; a name that is not .jpg/.jpeg is refused (it would hold
# JPEG bytes). Each refusal exits 1 and leaves the store as it was (`facecluster check`).
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/photos"
cp "$samples"/sample{1,2}.jpg "$tmp/photos/"
# the store named like a sheet, so that only its being the store can refuse it
db=$tmp/library.jpg
"$fcd" --once --watch "$tmp/photos" --db "$db" 2>"$tmp/log" ||
    { cat "$tmp/log" >&2; exit 1; }
fc_db() { "$fc" --db "$db" "$@"; }
people_before=$(fc_db people --json --all)
fingerprint() { fc_db people --json --all; fc_db status --json | sed 's/"last activity[^,]*//'; }
before=$(fingerprint)

# refused: RC 1, a message naming why, and the store untouched
refused() { # refused WHY PATH [flags...]
    local why=$1 path=$2; shift 2
    fc_db sheet --all -o "$path" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    check "sheet -o $path $*: exit 1 (got $rc)" test "$rc" -eq 1
    check "sheet -o $path $*: says '$why'" grep -q -- "$why" "$tmp/err"
    check "sheet -o $path $*: nothing on stdout" test ! -s "$tmp/out"
}
refused "it is $db" "$db"
refused "it is $db" "$db" --force
refused "it is $db" "$tmp/./library.jpg" --force
ln "$db" "$tmp/hard-link.jpg"
refused "it is $db" "$tmp/hard-link.jpg" --force
# the WAL and SHM exist while a connection is open: hold one open with a reader
python3 -c 'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1]); c.execute("select count(*) from faces").fetchall(); time.sleep(30)' "$db" &
reader=$!
for _ in $(seq 50); do [ -e "$db-shm" ] && break; sleep 0.1; done
check "the store has a SHM file beside it" test -e "$db-shm"
refused "a sheet is a JPEG" "$db-wal" --force
refused "a sheet is a JPEG" "$db-shm" --force
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
ln -s "$db" "$tmp/link-to-store.jpg"
refused "symbolic link" "$tmp/link-to-store.jpg" --force
ln -s /dev/null "$tmp/link-to-null.jpg"
refused "symbolic link" "$tmp/link-to-null.jpg" --force
mkdir "$tmp/folder.jpg"
refused "a folder" "$tmp/folder.jpg" --force
mkfifo "$tmp/fifo.jpg"
refused "a FIFO" "$tmp/fifo.jpg" --force
if [ "$(id -u)" -eq 0 ]; then # a null device of our own: /dev's are never put at risk
    mknod "$tmp/device.jpg" c 1 3
    refused "a device" "$tmp/device.jpg" --force
    check "the device is still a device" test -c "$tmp/device.jpg"
fi
check "/dev/full is still a device" test -c /dev/full
refused "a sheet is a JPEG" "$tmp/sheet.png"
refused "a sheet is a JPEG" "$tmp/sheet"
echo "my notes" >"$tmp/notes.jpg"
refused "--force replaces it" "$tmp/notes.jpg"
check "the notes are kept" grep -q "my notes" "$tmp/notes.jpg"
refused "cannot write" "$tmp/no-such-folder/sheet.jpg"
fc_db --model "$tmp/model.jpg" sheet --all -o "$tmp/model.jpg" >/dev/null 2>&1
check "never over the model" test ! -e "$tmp/model.jpg"

check "store intact (facecluster check)" fc_db check
check "people unchanged" test "$(fingerprint)" = "$before"
check "nothing left behind" test -z "$(ls -A "$tmp" | grep -v -e '^photos$' -e '^library.jpg' \
    -e '^hard-link.jpg$' -e '^link-to' -e '^folder.jpg$' -e '^fifo.jpg$' \
    -e '^device.jpg$' -e '^notes.jpg$' -e '^err$' -e '^out$' -e '^log$')"

# allowed: a new file, an earlier sheet (a JPEG), anything with --force; the mode of a
# file replaced is kept
check "a new sheet" fc_db sheet --all -o "$tmp/people.jpg" >/dev/null
check "it is a JPEG" test "$(head -c 3 "$tmp/people.jpg" | od -An -tx1 | tr -d ' ')" = ffd8ff
chmod 640 "$tmp/people.jpg"
check "over an earlier sheet" fc_db sheet --all -o "$tmp/people.jpg" >/dev/null
check "its mode kept" test "$(stat -c %a "$tmp/people.jpg")" = 640
check "over notes with --force" fc_db sheet --all -o "$tmp/notes.jpg" --force >/dev/null
check "the notes replaced by a JPEG" test "$(head -c 2 "$tmp/notes.jpg" | od -An -tx1 | tr -d ' ')" = ffd8
check "upper-case extension" fc_db sheet --all -o "$tmp/PEOPLE.JPEG" >/dev/null
check "no temporary file left" test -z "$(ls -A "$tmp" | grep -e '\.tmp$')"
check "people still unchanged" test "$(fc_db people --json --all)" = "$people_before"
finish
