# Shared by the integration test scripts: sourced, never run.
#   check DESCRIPTION COMMAND...   counts a pass or a failure (named on stderr)
#   need_model_and_samples         exits 77 (skip) without them, or fails under CI=true
#   finish                         prints the counts; its status is the script's
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
