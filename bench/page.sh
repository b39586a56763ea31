#!/usr/bin/env bash
# How long `facecluster page` takes on a real store, on one core: the first run (every
# thumbnail cut from its original) and the second (thumbnails kept, only the page written),
# with peak memory. The store is copied first (SQLite's backup), never written.
#
#   bench/page.sh STORE [FACECLUSTER]     e.g. a store of the LFW dev photos, kept by
#                                         build/bench/cluster-lfw --store PATH
set -euo pipefail
store=${1:?usage: bench/page.sh STORE [FACECLUSTER]}
fc=${2:-$(dirname "$0")/../build/cli/facecluster}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$store" "$tmp/faces.db" <<'PY'
import sqlite3, sys
src = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$fc" --db "$tmp/faces.db" status | sed -n '1,2p;/^people/p'
for run in first second; do
    /usr/bin/env time -f '%e %M' -o "$tmp/time" taskset -c 0 \
        "$fc" --db "$tmp/faces.db" page -o "$tmp/page" >"$tmp/out"
    read -r seconds kib <"$tmp/time"
    printf '%-6s run: %6.1f s, peak %4d MiB on one core: %s\n' "$run" "$seconds" $((kib / 1024)) \
        "$(cat "$tmp/out")"
done
echo "page: $(du -sh "$tmp/page" | cut -f1) ($(ls "$tmp/page/faces" | wc -l) thumbnails)"
