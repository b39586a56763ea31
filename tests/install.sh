#!/usr/bin/env bash
# `meson install --destdir` of this build installs the programs, the user unit, the man
# pages, the shell completions and the README; every man page renders with `man -l`
# without a warning and documents every command; the completions load in bash (through
# bash-completion's own loader, from where they are installed) and zsh without an error;
# and bash's, driven as bash drives it, offers the commands, a command's options and the
# people of a store, by name and id.
# Usage: install.sh BUILD_DIR PREFIX BINDIR MANDIR DATADIR (absolute, from meson.build).
# man, zsh and bash-completion are test tools (./run.sh test installs them): without one
# the test is skipped, and fails under CI=true.
. "$(dirname "$0")/lib.sh"
build=${1:?build dir} prefix=${2:?prefix} bindir=${3:?bindir} mandir=${4:?mandir} datadir=${5:?datadir}
bash_completion=/usr/share/bash-completion/bash_completion
missing=
command -v man >/dev/null || missing="$missing man (man-db)"
command -v zsh >/dev/null || missing="$missing zsh"
[ -f "$bash_completion" ] || missing="$missing bash-completion"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true): missing:$missing" >&2; exit 1; fi
    echo "SKIP: missing:$missing" >&2
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

meson install --no-rebuild --quiet -C "$build" --destdir "$dest" >"$tmp/install.log" 2>&1
check "meson install --destdir succeeds" test $? -eq 0 || cat "$tmp/install.log" >&2
bash_dir=$dest$datadir/bash-completion/completions
zsh_dir=$dest$datadir/zsh/vendor-completions
for file in "$bindir/facecluster" "$bindir/faceclusterd"; do
    check "installs $file, executable" test -x "$dest$file"
done
for file in "$prefix/lib/systemd/user/faceclusterd.service" "$mandir/man1/facecluster.1" \
    "$mandir/man8/faceclusterd.8" "$mandir/man5/facecluster-config.5" \
    "$datadir/bash-completion/completions/facecluster" \
    "$datadir/bash-completion/completions/faceclusterd" \
    "$datadir/zsh/vendor-completions/_facecluster" "$datadir/doc/facecluster/README.md"; do
    check "installs $file" test -s "$dest$file"
done
check "the installed unit runs the installed daemon" \
    grep -qx "ExecStart=$bindir/faceclusterd" "$dest$prefix/lib/systemd/user/faceclusterd.service"

fc=$dest$bindir/facecluster fcd=$dest$bindir/faceclusterd
# the commands, as the program itself lists them: "  NAME  summary" lines of --help
commands=$("$fc" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
check "facecluster --help lists commands" test "$(printf '%s\n' "$commands" | wc -l)" -ge 15

# man pages: render at 80 columns with nothing on stderr (troff's warnings go there), in a
# locale every Debian has (an unknown one would be a warning of its own)
for page in man1/facecluster.1 man8/faceclusterd.8 man5/facecluster-config.5; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$dest$mandir/$page" >"$tmp/page" 2>"$tmp/warnings"
    check "man -l $page renders" test -s "$tmp/page"
    check "man -l $page has no warning" test ! -s "$tmp/warnings"
    cat "$tmp/warnings" >&2
    check "$page has NAME and SEE ALSO" grep -q '^SEE ALSO' "$tmp/page"
done
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$dest$mandir/man1/facecluster.1" >"$tmp/facecluster.txt" 2>/dev/null
for cmd in $commands; do
    check "facecluster(1) documents $cmd" grep -Eq "^ {7}$cmd( |$)" "$tmp/facecluster.txt"
done
check "facecluster(1) has the JSON OUTPUT table" grep -q '^JSON OUTPUT' "$tmp/facecluster.txt"
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$dest$mandir/man8/faceclusterd.8" >"$tmp/faceclusterd.txt" 2>/dev/null
for option in $("$fcd" --help | grep -o -- '--[a-z-]*' | sort -u); do
    check "faceclusterd(8) documents $option" grep -qE -- "^ *(-[a-zA-Z], )?$option( |$)" "$tmp/faceclusterd.txt"
done

# the completions load: bash through bash-completion's loader, zsh through compinit
XDG_DATA_DIRS=$dest$datadir bash --norc --noprofile -c \
    ". $bash_completion; __load_completion facecluster && __load_completion faceclusterd &&
     complete -p facecluster faceclusterd" >"$tmp/out" 2>"$tmp/err"
check "bash-completion loads the installed completion" grep -q -- '-F _facecluster facecluster$' "$tmp/out"
check "bash-completion loads it for faceclusterd" grep -q -- '-F _faceclusterd faceclusterd$' "$tmp/out"
check "bash: no error loading it" test ! -s "$tmp/err"
cat "$tmp/err" >&2
HOME=$tmp zsh -f -c "fpath=($zsh_dir \$fpath); autoload -Uz compinit; compinit -u -d $tmp/zcompdump
    print -r -- \$_comps[facecluster] \$_comps[faceclusterd]; autoload -Uz +X _facecluster" \
    >"$tmp/out" 2>"$tmp/err"
check "zsh: compinit finds _facecluster for both" grep -qx '_facecluster _facecluster' "$tmp/out"
check "zsh: no error loading it" test ! -s "$tmp/err"
cat "$tmp/err" >&2

# complete WORD...: what bash's completion offers for the words typed (the last: the one
# being completed), one a line, as they would be inserted
complete_words() {
    bash --norc --noprofile -c '. "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1))
        COMPREPLY=(); _facecluster; printf "%s\n" "${COMPREPLY[@]}"' \
        "$bash_dir/facecluster" "$fc" "$@"
}
offered=$(complete_words "")
check "bash completes the commands" \
    test "$(printf '%s\n' $commands help | sort -u)" = "$(printf '%s\n' "$offered" | sort -u)"
check "bash completes a command's options" \
    test "$(complete_words people --)" = "$(printf -- '--json\n--unsorted\n--all')"
check "bash completes a prefix" test "$(complete_words --db x.db peo)" = people
check "bash completes the detector" test "$(complete_words detect --detector "")" = "$(printf 'ssd\ntiny')"

# people: a store of two sample photos, one person named
need_model_and_samples
mkdir "$tmp/photos"
cp "$samples/sample1.jpg" "$samples/sample3.jpg" "$tmp/photos/"
db=$tmp/store/faces.db
"$fcd" --once --watch "$tmp/photos" --db "$db" >/dev/null 2>"$tmp/log"
check "the daemon indexes two photos" test $? -eq 0 || cat "$tmp/log" >&2
person=$("$fc" --db "$db" people --all --json | sed -n '1s/^{"[a-z]*": \([0-9]*\),.*/\1/p')
check "the store has a person" test -n "$person"
"$fc" --db "$db" name "$person" 'Ada Lovelace' >/dev/null
check "bash completes a person's name" test "$(complete_words --db "$db" show Ad)" = 'Ada\ Lovelace'
check "bash completes a person's id" grep -qx "$person" <<<"$(complete_words --db "$db" show "")"
check "bash completes the person after faces" \
    grep -qx 'Ada\\ Lovelace' <<<"$(complete_words --db="$db" move 1 2 "")"
check "bash does not complete a face id" test -z "$(complete_words --db "$db" reject "")"
check "bash reads the store of a --db after the command" \
    test "$(complete_words show --db "$db" Ad)" = 'Ada\ Lovelace'

# zsh_complete LINE...: each LINE as zsh leaves it after a TAB, in an interactive zsh on a
# pseudo-terminal (zpty), the installed programs first in PATH. It waits for a marker
# only the shell's output holds ($((6*7)) evaluated), never for a time.
zsh_complete() {
    local line
    {
        echo 'zmodload zsh/zpty'
        printf 'zpty z env PATH=%q:"$PATH" HOME=%q TERM=dumb zsh -f -i\n' "$dest$bindir" "$tmp"
        printf 'zpty -w z %q\n' "PS1='> '; fpath=($zsh_dir \$fpath); autoload -Uz compinit; compinit -u -d $tmp/zcompdump; bindkey '^I' complete-word"
        for line in "$@"; do
            printf 'zpty -n -w z %q$%s\n' "$line" "'\t\x01print -r -- COMPLETED \n'"
        done
        echo "zpty -w z 'print DONE\$((6*7))'; zpty -r z out '*DONE42*'; print -r -- \"\$out\"; zpty -d z"
    } >"$tmp/drive.zsh"
    timeout 60 zsh -f "$tmp/drive.zsh" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
        sed -n 's/^COMPLETED //p'
}
zsh_complete "facecluster --db $db show Ad" "facecluster --db=$db move 1 2 Ad" \
    "facecluster mod" "facecluster people --u" "faceclusterd --det" "facecluster history --c" \
    >"$tmp/zsh"
check "zsh completes a person's name" grep -qx "facecluster --db $db show Ada Lovelace" "$tmp/zsh"
check "zsh completes the person after faces" \
    grep -qx "facecluster --db=$db move 1 2 Ada Lovelace" "$tmp/zsh"
check "zsh completes a command" grep -qx "facecluster model" "$tmp/zsh"
check "zsh completes an option" grep -qx "facecluster people --unsorted" "$tmp/zsh"
check "zsh completes faceclusterd's options" grep -qx "faceclusterd --detector" "$tmp/zsh"
check "zsh completes history's options" grep -qx "facecluster history --count" "$tmp/zsh"
finish
