#!/usr/bin/env bash
# faceclusterd's manners, as a new user's home has it: a config file with comments, quotes
# and ~ (errors name FILE:LINE and exit 2), the pictures folder of user-dirs.dirs as the
# default folder, a system-wide model found through XDG_DATA_DIRS, a log with syslog
# prefixes only on the journal's own stream, and "1 photo", not "1 photos".
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() { # bad DESCRIPTION LINE TEXT...: a config file (a line per TEXT) wrong at LINE
    local what=$1 line=$2 rc
    shift 2
    rm -f "$tmp/never.db"
    printf '%s\n' "$@" >"$tmp/bad.conf"
    "$fcd" --once --config "$tmp/bad.conf" --db "$tmp/never.db" >/dev/null 2>"$tmp/err"
    rc=$?
    check "$what: exit 2" test "$rc" -eq 2
    check "$what: the file and line named" grep -qF "faceclusterd: $tmp/bad.conf:$line: " "$tmp/err"
    check "$what: nothing opened" test ! -e "$tmp/never.db"
}
bad "a '#' inside a bare path" 2 "# mine" "watch = $tmp/x#1"
bad "an unclosed quote" 1 "watch = \"$tmp/x"
bad "text after a quoted value" 1 "watch = '$tmp/x' y"
bad "~user" 1 "watch = ~root/x"
bad "no value" 3 "threads = 2" "" "db =   # none"
bad "not key = value" 1 "watch $tmp"
bad "an unknown key" 2 "" "bogus = 1"
bad "a bad number" 1 "threads = 2x # two?"

# where a model is looked for: $FACECLUSTER_MODEL alone, else the user's own, then each
# absolute XDG_DATA_DIRS folder (by default /usr/local/share:/usr/share)
model=${FACECLUSTER_MODEL:-}
home=$tmp/home
user_env=(env -u FACECLUSTER_MODEL -u XDG_CONFIG_HOME HOME="$home" XDG_DATA_HOME="$tmp/data")
check "model path: the user's, then XDG_DATA_DIRS in order" test \
    "$("${user_env[@]}" XDG_DATA_DIRS="$tmp/sys1:relative::$tmp/sys2/" "$fc" model path)" = \
    "$tmp/data/facecluster/facecluster.model
$tmp/sys1/facecluster/facecluster.model
$tmp/sys2/facecluster/facecluster.model"
check "model path: the defaults" test \
    "$(env -u FACECLUSTER_MODEL -u XDG_DATA_HOME -u XDG_DATA_DIRS HOME="$home" "$fc" model path)" = \
    "$home/.local/share/facecluster/facecluster.model
/usr/local/share/facecluster/facecluster.model
/usr/share/facecluster/facecluster.model"
check "model path: FACECLUSTER_MODEL alone" test \
    "$(FACECLUSTER_MODEL=/m/x.model "$fc" model path)" = /m/x.model
sys_env=("${user_env[@]}" XDG_DATA_DIRS="$tmp/sys1:$tmp/sys2")
"${sys_env[@]}" "$fc" model info >/dev/null 2>"$tmp/err"
rc=$?
check "no model anywhere: exit 1" test "$rc" -eq 1
check "no model anywhere: the places named" \
    grep -qF "looked for $tmp/data/facecluster/facecluster.model, $tmp/sys1/facecluster/facecluster.model, $tmp/sys2/" "$tmp/err"

need_model_and_samples

mkdir -p "$tmp/sys2/facecluster"
ln -s "$model" "$tmp/sys2/facecluster/facecluster.model"
check "a system-wide model is found" "${sys_env[@]}" "$fc" model info
mkdir -p "$tmp/data/facecluster"
echo 'not a model' >"$tmp/data/facecluster/facecluster.model"
"${sys_env[@]}" "$fc" model info >/dev/null 2>"$tmp/err"
rc=$?
check "the user's own model comes first (a broken one is an error, not skipped)" \
    test "$rc" -eq 1 -a -n "$(grep -F "$tmp/data/facecluster/facecluster.model" "$tmp/err")"
rm "$tmp/data/facecluster/facecluster.model"

# a home as a new user has it: the pictures folder is "Fotos" (user-dirs.dirs), a config
# file with a quoted store path holding '#', comments after values, ~; the daemon's model
# is the system-wide one. One photo.
mkdir -p "$home/.config/facecluster" "$home/Fotos" "$home/Pictures"
printf '# written by xdg-user-dirs-update\nXDG_PICTURES_DIR="$HOME/Fotos"\n' \
    >"$home/.config/user-dirs.dirs"
cat >"$home/.config/facecluster/config" <<'EOF'
# no watch line: the pictures folder
db = "~/store #1/faces.db"   # quoted: the '#' is the folder's
threads = 1 # one worker
EOF
cp "$samples/sample1.jpg" "$home/Fotos/"
cp "$samples/sample2.jpg" "$home/Pictures/" # not the pictures folder here
# journald's stream is another file than this log: the variable alone is not the journal
"${sys_env[@]}" JOURNAL_STREAM="$(stat -c %d:%i /dev/null)" "$fcd" --once 2>"$tmp/log1"
rc=$?
check "a run with the defaults: exit 0" test "$rc" -eq 0
check "the default folder is the XDG pictures folder" grep -qF "$home/Fotos: scanned" "$tmp/log1"
check "~/Pictures not watched" test -z "$(grep -F "$home/Pictures" "$tmp/log1")"
check "the store where the quoted ~ path says" test -s "$home/store #1/faces.db"
check "not on the journal: no syslog prefixes" test -z "$(grep '^<[0-9]>' "$tmp/log1")"
check "1 worker" grep -q '^1 worker, model version' "$tmp/log1"
check "1 photo file scanned" grep -q ': scanned in [0-9.]* s: 1 photo file, 1 to index' "$tmp/log1"
check "1 photo indexed, the pipeline ran 1 time" \
    grep -q '^done: 1 photo indexed with [0-9]* faces (the pipeline ran 1 time), 0 copies linked' "$tmp/log1"
check "1 photo file read" grep -q '; 1 photo file read (' "$tmp/log1"
# the CLI's counts read the same way
db="$home/store #1/faces.db"
person=$("$fc" --db "$db" people --unsorted --json | sed -n '1s/^{"person": \([0-9]*\),.*/\1/p')
face=$("$fc" --db "$db" show "$person" --json | sed -n '1s/^{"face": \([0-9]*\),.*/\1/p')
check "the CLI: 1 face moved" grep -q '^1 face now in person [0-9]*, a new person$' <("$fc" --db "$db" move "$face" --new)
check "the CLI: 1 face, 1 photo" grep -q ' 1 face  *1 photo ' <("$fc" --db "$db" people --unsorted)

# a warning off the journal is marked as one in words
printf 'not an image' >"$home/Fotos/notes.jpg"
"${sys_env[@]}" "$fcd" --once 2>"$tmp/log2"
check "not on the journal: a warning says so" \
    grep -qF "warning: $home/Fotos/notes.jpg: not indexed" "$tmp/log2"
check "not on the journal: info lines plain" grep -q '^done: 0 photos indexed' "$tmp/log2"

# on the journal's own stream (JOURNAL_STREAM holds its device:inode): every line prefixed
: >"$tmp/log3"
printf 'still not an image' >"$home/Fotos/other.jpg"
"${sys_env[@]}" JOURNAL_STREAM="$(stat -c %d:%i "$tmp/log3")" "$fcd" --once 2>>"$tmp/log3"
rc=$?
check "on the journal: exit 0" test "$rc" -eq 0
check "on the journal: info lines <6>" grep -q '^<6>done: 0 photos indexed' "$tmp/log3"
check "on the journal: warnings <4>" grep -qF "<4>$home/Fotos/other.jpg: not indexed" "$tmp/log3"
check "on the journal: 1 photo file read" grep -q '; 1 photo file read (' "$tmp/log3"
check "on the journal: every line prefixed" test -z "$(grep -v '^<[0-7]>' "$tmp/log3")"
finish
