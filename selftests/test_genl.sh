#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A client we did not write sees the family: iproute2's genl lists
# shadowmm with its operations and its "events" group. A generic netlink
# socket left open does not stop rmmod, and its owner hears the family go.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 6

smm_unload
smm_load base=0x10000000 size=64M || smm_load size=16M

ctrl=$(genl ctrl get name shadowmm 2>&1)
echo "$ctrl" | sed 's/^/# /'

has() { echo "$ctrl" | grep -q "$1"; }

# genl prints an op as "#N:  ID-0x1" with its capabilities on the next lines.
op_can() {
	echo "$ctrl" | awk -v id="ID-$1" -v cap="can $2" '
		$2 == id { found = 1; next }
		found && /#[0-9]+:/ { exit }
		found && index($0, cap) { ok = 1 }
		END { exit !ok }'
}

ktap_check "genl lists the family" has 'Name: shadowmm'
ktap_check "version 1" has 'Version: 0x1'
ktap_check "INFO_GET (1) has doit" op_can 0x1 doit
ktap_check "SECTION_GET (2) has dumpit" op_can 0x2 dumpit
ktap_check "multicast group events" has 'name: events'

# `genl monitor` keeps a generic netlink socket open across the rmmod.
genl monitor > /tmp/genl-monitor.log 2>&1 &
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
