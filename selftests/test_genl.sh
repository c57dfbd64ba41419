#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A client we did not write sees the family: iproute2's genl lists
# shadowmm with its operations and its "events" group. A generic netlink
# socket left open does not stop rmmod, and its owner hears the family go.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 5

smm_unload
smm_load base=0x10000000 size=64M || smm_load size=16M

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
