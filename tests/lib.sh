# Shared by the integration test scripts: sourced, never run.
#   check DESCRIPTION COMMAND...   counts a pass or a failure (named on stderr)
#   need_model_and_samples         exits 77 (skip) without them, or fails under CI=true
#   finish                         prints the counts; its status is the script's
#   faces_by_photo, name_pairs     faces by photo; people named by hand (for train)
#   need_tools, private_tmp,       tools a test needs; its temporary folder; a mount
#   own_mount_namespace            namespace of its own (root)
#   field, wait_for, photos_are    a number from the status of $db; waiting on a running
#                                  daemon ($pid, its log in $log)
set -u
fc=${FACECLUSTER_CLI:?}
samples=${FACECLUSTER_SAMPLES:?}
pass=0 fail=0
check() {
    local what=$1; shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi
}
need_model_and_samples() {
    [ -f "${FACECLUSTER_MODEL:-}" ] && [ -f "$samples/sample1.jpg" ] && return 0
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): model or samples missing" >&2; exit 1; fi
    echo "SKIP: model or samples missing" >&2
    exit 77
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
faces_by_photo() { # faces_by_photo DB: "FACE PATH" for each face in a person, hidden too
    { "$fc" --db "$1" people --json --all; "$fc" --db "$1" people --unsorted --json --all; } |
        sed 's/^{"person": \([0-9]*\),.*/\1/' |
        while read -r id; do "$fc" --db "$1" show "$id" --json; done |
        sed 's/^{"face": \([0-9]*\),.*"path": "\([^"]*\)".*/\1 \2/'
}
name_pairs() { # name_pairs DB NAME...: each NAME a new person of two faces, one from each of
    # the two photos with the most faces (as a user who names people by hand): what
    # `facecluster train` learns from. Prints the two photos' paths.
    local db=$1 list top first= second= i=1 name person face path; shift
    list=$(faces_by_photo "$db")
    top=$(printf '%s\n' "$list" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -2 |
        sed 's/^ *[0-9]* //')
    while read -r face path; do
        [ "$path" = "$(printf '%s\n' "$top" | sed -n 1p)" ] && first="$first $face"
        [ "$path" = "$(printf '%s\n' "$top" | sed -n 2p)" ] && second="$second $face"
    done <<<"$list"
    for name in "$@"; do
        person=$("$fc" --db "$db" move "$(echo $first | cut -d' ' -f$i)" \
            "$(echo $second | cut -d' ' -f$i)" --new --json | sed -n 's/.*"person": \([0-9]*\).*/\1/p')
        [ -n "$person" ] && "$fc" --db "$db" name "$person" "$name" >/dev/null || return 1
        i=$((i + 1))
    done
    printf '%s\n' "$top"
}

field() { "$fc" --db "$db" status --json | sed "s/.*\"$1\": \\([0-9]*\\).*/\\1/"; }
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds (or the daemon dies)
    local until=$((SECONDS + $1)); shift
    while ! "$@" 2>/dev/null; do
        [ "$SECONDS" -ge "$until" ] && return 1
        kill -0 "$pid" 2>/dev/null || { echo "faceclusterd died:" >&2; tail -20 "$log" >&2; return 1; }
        sleep 0.2
    done
}
photos_are() { [ "$(field photos)" -eq "$1" ]; }
need_tools() { # need_tools TOOL...: skips (77) without one of them, fails under CI=true
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null && continue
        if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): $tool missing" >&2; exit 1; fi
        echo "SKIP: $tool missing (./run.sh test installs it)" >&2
        exit 77
    done
}
private_tmp() { # $tmp: a new folder, removed at exit (KEEP_TMP keeps it), the daemon $pid
    # killed and the file system mounted at $mounted unmounted first
    tmp=$(mktemp -d)
    pid= mounted=
    trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$mounted" ] && umount "$mounted"
          [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
}
own_mount_namespace() { # own_mount_namespace "$0" "$@": the script again in a mount namespace
    # of its own when it can have one (root), so that what it mounts goes with its processes
    [ -z "${FC_MOUNT_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
        unshare -m --propagation private true 2>/dev/null &&
        FC_MOUNT_NS=1 exec unshare -m --propagation private "$@"
    return 0
}
