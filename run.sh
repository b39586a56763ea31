#!/usr/bin/env bash
# facecluster's set-up, the one entry point a newcomer needs (see README):
#
#   ./run.sh [DIR]  install what is missing, fetch and check the model package, build,
#                   convert the model into ~/.local/share/facecluster/, run the main job:
#                   index the photos of DIR with `faceclusterd --once` (default: the
#                   sample photos, into a demo store in .cache/) and print
#                   `facecluster status`
#   ./run.sh test   the same set-up (nothing in $HOME), then every test suite three
#                   times: a plain gcc build, an AddressSanitizer + UBSan build and a
#                   clang build; prints each suite's counts and time and ends with
#                   "N passed, N failed"
#
# .ci/run calls `./run.sh test`. Under CI=true a missing model or sample photo fails.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

# --- what we depend on: one list, in one place -------------------------------------
# build: compiler, meson, ninja, pkg-config; libraries: libjpeg-turbo (decoding), jansson
# (reading the model package's JSON manifests), libuv / SQLite / libexif (the daemon,
# the store, EXIF orientation), xxHash (XXH3-128, the photos' content hash); OpenBLAS only for bench/gemm, the comparison that chose
# our own kernels; jpegtran (libjpeg-turbo-progs) makes the orientation test's lossless
# variants; npm fetches the model package; clang-format checks style; clang builds the
# tests a second way (warnings are errors on both compilers) and the fuzzers; scdoc builds
# the man pages; FreeType draws the contact sheets' labels in DejaVu Sans, with Droid Sans
# Fallback for the characters it lacks (Chinese, Japanese, Korean names). One library per
# photo format (libheif, libspng, libwebp, libtiff, libraw) and Exempi for XMP.
DEBIAN_PACKAGES=(gcc libc6-dev meson ninja-build pkg-config libjpeg62-turbo-dev libjansson-dev
                 libuv1-dev libsqlite3-dev libexif-dev libxxhash-dev libopenblas-dev libjpeg-turbo-progs npm
                 clang-format clang scdoc libfreetype-dev fonts-dejavu-core fonts-droid-fallback
                 libheif-dev libspng-dev libwebp-dev libtiff-dev libraw-dev libexempi-dev zlib1g-dev)
# Only for `./run.sh test`: man-db renders the man pages, zsh and bash-completion load the
# completions (tests/install.sh), systemd's systemd-analyze checks the unit, Chromium
# loads the review page headless (tests/page.sh); heif-enc, cwebp/dwebp and the libtiff
# tools make the format tests' photos from the samples, exiftool writes and reads XMP.
TEST_PACKAGES=(man-db zsh bash-completion systemd chromium libheif-examples webp libtiff-tools
               libimage-exiftool-perl)

# The pretrained weights and sample photos: @vladmandic/face-api, MIT, pinned version and
# the registry's integrity hash for that tarball (`npm view @vladmandic/face-api@1.7.15
# dist.integrity`).
FACE_API_VERSION=1.7.15
FACE_API_INTEGRITY='sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=='
FACE_API_DIR="$root/.cache/face-api-$FACE_API_VERSION"

say() { printf '==> %s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# install_packages PKG...: those not installed yet.
install_packages() {
    local missing=()
    for pkg in "$@"; do
        # an npm that came with a Node.js from outside Debian serves as well
        [ "$pkg" = npm ] && command -v npm >/dev/null && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# sha512 of a file in npm's integrity notation, with coreutils only.
integrity_of() {
    local hex
    hex=$(sha512sum "$1" | cut -c1-128 | sed 's/../\\x&/g')
    printf 'sha512-%s' "$(printf '%b' "$hex" | base64 -w0)"
}

fetch_model_package() {
    [ -f "$FACE_API_DIR/package.json" ] && return 0
    mkdir -p "$root/.cache"
    local tgz="$root/.cache/vladmandic-face-api-$FACE_API_VERSION.tgz"
    if [ ! -f "$tgz" ]; then
        say "fetching @vladmandic/face-api@$FACE_API_VERSION with npm pack"
        # npm's cache and logs stay in .cache/: set-up writes nothing in $HOME
        (cd "$root/.cache" && npm_config_cache="$root/.cache/npm" \
            npm pack --silent "@vladmandic/face-api@$FACE_API_VERSION" >/dev/null) ||
            die "npm pack failed: is the npm registry reachable?"
    fi
    local got
    got=$(integrity_of "$tgz")
    if [ "$got" != "$FACE_API_INTEGRITY" ]; then
        rm -f "$tgz"
        die "integrity mismatch for the face-api package: got $got, pinned $FACE_API_INTEGRITY"
    fi
    rm -rf "$FACE_API_DIR.tmp" && mkdir -p "$FACE_API_DIR.tmp"
    tar -xzf "$tgz" -C "$FACE_API_DIR.tmp" --strip-components=1
    mv "$FACE_API_DIR.tmp" "$FACE_API_DIR"
}

# build DIR [meson options...]: configure once, then build (the model file is a target).
build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >/dev/null || die "meson setup $dir failed"
    elif ! grep -q 'facecluster.model' "$dir/build.ninja"; then
        # configured before the model package was fetched: look again
        meson setup --reconfigure "$dir" >/dev/null || die "meson setup $dir failed"
    fi
    say "building $dir"
    ninja -C "$dir" >/dev/null || { ninja -C "$dir"; die "build failed in $dir"; }
}

setup() {
    install_packages "${DEBIAN_PACKAGES[@]}"
    fetch_model_package
    build build -Dbuildtype=release
}

passed=0
failed=0
# run_suites DIR LABEL: runs every meson test in DIR; prints each suite's counts and time
# (from meson's own log, read by meson's python3) and adds them to the totals. A run that
# ran nothing, or whose exit status disagrees with its log, counts as a failure.
run_suites() {
    local dir=$1 label=$2 status=0 summary counts
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --num-processes 2 --print-errorlogs >"$dir/test-output.txt" 2>&1 || status=$?
    if [ ! -s "$dir/meson-logs/testlog.json" ]; then
        tail -40 "$dir/test-output.txt"
        printf '%s: meson test ran no test (exit status %d)\n' "$label" "$status"
        failed=$((failed + 1))
        return
    fi
    summary=$(python3 - "$dir/meson-logs/testlog.json" "$label" <<'PY'
import json, sys
suites, totals = {}, [0, 0, 0]
for line in open(sys.argv[1]):
    test = json.loads(line)
    suite = test["name"].split(":", 1)[-1].split(" / ")[0]
    row = suites.setdefault(suite, [0, 0, 0, 0.0])
    kind = {"OK": 0, "EXPECTEDFAIL": 0, "SKIP": 2}.get(test["result"], 1)
    row[kind] += 1
    totals[kind] += 1
    row[3] += test.get("duration", 0.0)
for suite, (ok, bad, skip, secs) in sorted(suites.items()):
    print(f"  {sys.argv[2]:<28} {suite:<12} {ok:3d} passed, {bad} failed, {skip} skipped in {secs:6.1f}s")
print(*totals)
PY
)
    printf '%s\n' "$summary" | sed '$d'
    counts=$(printf '%s\n' "$summary" | tail -n 1)
    set -- $counts
    if [ "$2" -ne 0 ] || [ "$status" -ne 0 ]; then
        grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' "$dir/test-output.txt" || true
        tail -60 "$dir/test-output.txt"
        [ "$2" -eq 0 ] && set -- "$1" 1 "$3" # meson failed though no test did: count it
    fi
    passed=$((passed + $1))
    failed=$((failed + $2))
}

main_job() {
    # install where the programs look first: the first of the places `model path` lists
    # (FACECLUSTER_MODEL, XDG_DATA_HOME or ~/.local; then the system-wide ones)
    local dest
    dest=$(build/cli/facecluster model path) || die "no place to install the model"
    dest=${dest%%$'\n'*}
    # private, as the store beside it will be (mode 0700: names of people are in there)
    (umask 077 && mkdir -p "$(dirname "$dest")")
    cp build/facecluster.model "$dest.new"
    mv "$dest.new" "$dest"
    say "model installed in $dest"
    build/cli/facecluster model info
    # The main job: faceclusterd --once indexes the folder, facecluster status reports.
    # The sample photos go into a demo store in .cache/ (your own library stays clean);
    # a folder of yours goes into your store (facecluster status finds it by itself).
    local dir=${1:-$FACE_API_DIR/demo} db_args=()
    [ $# -eq 0 ] && db_args=(--db "$root/.cache/demo/faces.db")
    say "indexing the faces in $dir"
    build/daemon/faceclusterd --once --watch "$dir" "${db_args[@]}" ||
        die "faceclusterd failed"
    say "what the store holds now"
    build/cli/facecluster "${db_args[@]}" status
    say "the people found"
    build/cli/facecluster "${db_args[@]}" people
    # a contact sheet of everyone, one row per person (the faces alone included)
    local sheet=$root/.cache/demo/people.jpg
    [ $# -eq 0 ] || sheet=$root/.cache/people.jpg
    build/cli/facecluster "${db_args[@]}" sheet --all --unsorted -o "$sheet" >/dev/null &&
        say "a contact sheet of everyone: $sheet (facecluster sheet PERSON -o FILE.jpg: one person)"
    # and a page to review them in a browser
    local page=${sheet%/*}/page
    build/cli/facecluster "${db_args[@]}" page -o "$page" >/dev/null &&
        say "a page to review them: file://$page/index.html"
}

case "${1:-}" in
    test)
        install_packages "${TEST_PACKAGES[@]}"
        setup
        build build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
            -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
        CC=clang build build-clang -Dbuildtype=release
        export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        run_suites build "plain (release)"
        run_suites build-asan "ASan+UBSan (debugoptimized)"
        run_suites build-clang "clang (release)"
        printf '%d passed, %d failed\n' "$passed" "$failed"
        [ "$failed" -eq 0 ]
        ;;
    -h|--help)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        setup
        main_job "$@"
        ;;
esac
