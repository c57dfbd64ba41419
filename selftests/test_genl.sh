#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A client we did not write sees the family: iproute2's genl lists
# shadowmm with its operations and its "events" group. A generic netlink
# socket left open does not stop rmmod, and its owner hears the family go.
# smmctl monitor hears the events group.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 7

smm_unload
smm_load base=0x10000000 size=64M || smm_load_or_fail size=16M

ctrl=$(genl ctrl get name shadowmm 2>&1)
echo "$ctrl" | sed 's/^/# /'

has() { echo "$ctrl" | grep -q "$1"; }

# genl lists each op as "#N:  ID-0xC"; the commands are 1..SHADOWMM_CMD_MAX.
ops_listed() {
	for id in 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8; do
		has "ID-$id " || { echo "op $id not listed"; return 1; }
	done
}

ktap_check "genl lists the family" has 'Name: shadowmm'
ktap_check "version 1" has 'Version: 0x1'
ktap_check "all eight operations listed" ops_listed
ktap_check "multicast group events" has 'name: events'

# smmctl monitor hears that group: run a monitor for COUNT events in the
# background and do STEP once a second until it has them (it may join
# after the first ones), for 30 s at most.
monitor_while() {
	count=$1 out=$2 step=$3
	shift 3
	"$@" monitor count "$count" > "$out" 2>&1 &
	mpid=$!
	i=0
	while kill -0 "$mpid" 2>/dev/null && [ "$i" -lt 30 ]; do
		$step "$i" > /dev/null
		sleep 1
		i=$((i + 1))
	done
	kill "$mpid" 2>/dev/null
	wait "$mpid"
}
alloc_some() { smmctl page alloc order 0 count 3; }
# -j: one object per event and line, numbered in order, each counting
# allocations; as nobody, who may watch (the counts are no secret)
monitor_json() {
	monitor_while 2 /tmp/monitor.json alloc_some smm_unprivileged smmctl -j ||
		{ cat /tmp/monitor.json; return 1; }
	jq -se 'length == 2 and .[1].seq == .[0].seq + 1 and
		all(.[]; .interval_ms == 1000 and ([.zones[].alloc] | add) > 0)' \
		/tmp/monitor.json > /dev/null || { cat /tmp/monitor.json; return 1; }
}
ktap_check "smmctl -j monitor: events in order, allocations counted (unprivileged)" monitor_json
new_cache() { smmctl cache create "mon$1" size 64; }
monitor_text() {
	monitor_while 1 /tmp/monitor.txt new_cache smmctl || { cat /tmp/monitor.txt; return 1; }
	grep -q '^seq [0-9]* interval 1000 ms$' /tmp/monitor.txt &&
		grep -q '^  caches created [0-9]* last mon[0-9]*$' /tmp/monitor.txt ||
		{ cat /tmp/monitor.txt; return 1; }
}
ktap_check "smmctl monitor: a created cache, by name" monitor_text
sed 's/^/# smmctl monitor: /' /tmp/monitor.txt
smmctl reset > /dev/null

# `genl ctrl monitor` keeps a generic netlink socket open across the rmmod.
genl ctrl monitor > /tmp/genl-monitor.log 2>&1 &
mon=$!
sleep 1
unloaded() {
	smm_unload && ! smm_loaded && sleep 1 && grep -q shadowmm /tmp/genl-monitor.log
}
ktap_check "rmmod with a socket open; the client hears the family leave" unloaded
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
sed 's/^/# monitor: /' /tmp/genl-monitor.log

ktap_finished
