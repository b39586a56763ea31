#!/usr/bin/env bash
# The user unit as meson installs it: one systemd accepts (systemd-analyze verify), with the
# priorities and sandbox the README promises, and an exposure of at most 2.0 by
# `systemd-analyze security` (offline: no systemd needs to run). Without systemd-analyze
# those two are skipped (said on stderr), and fail under CI=true.
. "$(dirname "$0")/lib.sh"
unit=${1:?the unit as built} daemon=${FACECLUSTERD:?}
max_exposure=2.0
for key in Type=notify Restart=on-failure NoNewPrivileges=yes MemoryDenyWriteExecute=yes \
    RestrictAddressFamilies=AF_UNIX SystemCallFilter=@system-service LockPersonality=yes \
    ProtectSystem=strict ProtectHome=read-only PrivateUsers=yes PrivateNetwork=yes \
    CapabilityBoundingSet= 'ReadWritePaths=%h/.local/share/facecluster' \
    IOSchedulingClass=idle Nice= ExecReload= WantedBy=default.target; do
    check "unit sets $key" grep -q "^$key" "$unit"
done
check "unit has the installed daemon's path" grep -q '^ExecStart=/.*/faceclusterd$' "$unit"
if ! command -v systemd-analyze >/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL (CI=true): systemd-analyze missing" >&2
        exit 1
    fi
    echo "SKIP: systemd-analyze not installed: verify and security not checked" >&2
    finish
    exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0700 "$tmp/runtime"
sed "s#^ExecStart=.*#ExecStart=$daemon#" "$unit" >"$tmp/faceclusterd.service"
systemd-analyze verify "$tmp/faceclusterd.service" >"$tmp/out" 2>&1
check "systemd-analyze verify accepts it" test ! -s "$tmp/out"
[ -s "$tmp/out" ] && cat "$tmp/out" >&2
# --user: scored as a user unit; its manager wants a runtime folder, a private one here
XDG_RUNTIME_DIR=$tmp/runtime systemd-analyze security --user --offline=true --no-pager \
    "$tmp/faceclusterd.service" >"$tmp/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for faceclusterd.service: \([0-9.]*\).*/\1/p' \
    "$tmp/security")
echo "systemd-analyze security: exposure ${score:-(none)} (at most $max_exposure)"
check "systemd-analyze security scores it" test -n "$score"
check "exposure $score is at most $max_exposure" \
    awk -v s="${score:-99}" -v m="$max_exposure" 'BEGIN { exit !(s + 0 <= m + 0) }'
[ -n "$score" ] && awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s + 0 > m + 0) }' &&
    grep '✗' "$tmp/security" >&2
finish
