#!/usr/bin/env bash
# The user unit is one systemd accepts (systemd-analyze verify), with the hardening and
# priorities the README promises. Skipped where systemd-analyze is not installed.
. "$(dirname "$0")/lib.sh"
unit=${1:?unit template} daemon=${FACECLUSTERD:?}
for key in Type=notify Restart=on-failure NoNewPrivileges=yes MemoryDenyWriteExecute=yes \
    RestrictAddressFamilies=AF_UNIX SystemCallFilter=@system-service LockPersonality=yes \
    IOSchedulingClass=idle Nice= ExecReload= WantedBy=default.target; do
    check "unit sets $key" grep -q "^$key" "$unit"
done
if command -v systemd-analyze >/dev/null; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    sed "s#@bindir@/faceclusterd#$daemon#" "$unit" >"$tmp/faceclusterd.service"
    systemd-analyze verify "$tmp/faceclusterd.service" >"$tmp/out" 2>&1
    check "systemd-analyze verify accepts it" test ! -s "$tmp/out"
    [ -s "$tmp/out" ] && cat "$tmp/out" >&2
fi
finish
