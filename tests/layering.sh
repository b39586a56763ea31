#!/bin/sh
# Who may include whom (README, Layout), and the one include style: every project include
# names its file from the project root, and that file exists. Run from the source root.
set -u
status=0
allowed() { # folder of the including file -> the roots it may include
    case "$1" in
    core/*) echo "core" ;;
    convert/*) echo "convert core" ;;
    store/*) echo "store core" ;;
    daemon/*) echo "daemon store core" ;;
    cli/*) echo "cli convert store core" ;;
    bench/* | tests/*) echo "core convert store daemon cli bench tests" ;;
    esac
}
for f in $(find core convert store daemon cli bench tests -name '*.[ch]' | sort); do
    ok=$(allowed "$f")
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        if [ ! -f "$inc" ]; then
            echo "$f: #include \"$inc\" does not name a file from the project root"
            status=1
            continue
        fi
        top=${inc%%/*}
        case " $ok " in
        *" $top "*) ;;
        *)
            echo "$f: may not include $inc (README, Layout: who may include whom)"
            status=1
            ;;
        esac
    done
done
exit $status
