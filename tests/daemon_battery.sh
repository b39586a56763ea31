#!/usr/bin/env bash
# On battery (issue 15, item 3), with a fake power-supply folder ($FACECLUSTER_POWER_SUPPLY,
# laid out as /sys/class/power_supply): index_on_battery = first (the default) lets the
# first index run on battery; after it, a photo arriving on battery waits (`status` says
# "paused: on battery") until the mains come back, then it is indexed; always indexes on
# battery; never does not even start the first index; a laptop mouse's battery or a
# machine with no supply at all is on mains.
. "$(dirname "$0")/lib.sh"
fcd=${FACECLUSTERD:?}
need_model_and_samples
private_tmp
power=$tmp/power lib=$tmp/lib db=$tmp/faces.db log=$tmp/log
mkdir -p "$power/AC" "$power/BAT0" "$power/hidpp_battery_0" "$lib"
echo Mains >"$power/AC/type"
echo 0 >"$power/AC/online" # unplugged
echo Battery >"$power/BAT0/type"
printf 'Battery\n' >"$power/hidpp_battery_0/type" # a wireless mouse's
echo Device >"$power/hidpp_battery_0/scope"
export FACECLUSTER_POWER_SUPPLY=$power
cp "$samples/sample1.jpg" "$lib/"
logged() { grep -q "$1" "$log"; }
status_says() { "$fc" --db "$db" status | grep -q "$1"; }

"$fcd" --watch "$lib" --db "$db" --threads 1 --settle-ms 200 2>"$log" &
pid=$!
check "first: the first index runs on battery" wait_for 120 photos_are 1
check "  and is recorded as done" wait_for 30 logged 'regrouped'
cp "$samples/sample2.jpg" "$lib/"
check "after it, a photo on battery waits" wait_for 30 logged 'on battery: indexing paused'
check "  status says paused: on battery" wait_for 10 status_says 'paused: on battery: 1 photo waits'
sleep 3
check "  and it is not indexed" photos_are 1
echo 1 >"$power/AC/online"
check "on mains again: it is indexed" wait_for 60 photos_are 2
check "  said" logged 'on mains power: indexing goes on'
kill -TERM "$pid" && wait "$pid"
pid=

# always: a photo on battery is indexed; never: not even the first index
echo 0 >"$power/AC/online"
cp "$samples/sample3.jpg" "$lib/"
"$fcd" --watch "$lib" --db "$db" --threads 1 --index-on-battery always 2>"$log" &
pid=$!
check "always: indexed on battery" wait_for 120 photos_are 3
kill -TERM "$pid" && wait "$pid"
pid=
db=$tmp/fresh.db
"$fcd" --watch "$lib" --db "$db" --threads 1 --index_on_battery never 2>"$log" &
pid=$!
check "never: the first index waits too" wait_for 30 status_says 'paused: on battery: 3 photos wait'
check "  nothing indexed" photos_are 0
kill -TERM "$pid" && wait "$pid"
pid=

# no supply that is not a battery (a desktop, a server): mains
rm -r "$power/AC"
"$fcd" --once --watch "$lib" --db "$db" --threads 1 --index-on-battery never 2>"$log"
check "no mains supply at all is mains (and --once indexes anyway)" photos_are 3
"$fcd" --index-on-battery sometimes --once --watch "$lib" --db "$db" 2>"$tmp/err"
check "index_on_battery = sometimes: refused, exit 2" test $? -eq 2
finish
