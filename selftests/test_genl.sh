#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A client we did not write sees the family: iproute2's genl lists
# shadowmm with its operations and its "events" group. The operations are
# checked against the uapi header, read now (mkinitramfs.sh puts it in
# /shadowmm; SMM_UAPI names another): every SHADOWMM_CMD_* the header
# says is a "do" or a "dump" must be listed by its number, with the
# flags its comment says ("do (admin): ..." is GENL_CMD_CAP_DO and
# GENL_ADMIN_PERM), and no other op may be listed. genl prints no flags
# for a family of version 1, so they come from genl_ops.c, which asks
# the controller as genl does. A generic netlink
# socket left open does not stop rmmod, and its owner hears the family go.
# smmctl monitor hears the events group.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 10
smm_need_range "$SMM_BASE" 64M

UAPI=${SMM_UAPI:-/shadowmm/shadowmm.h}
[ -r "$UAPI" ] || UAPI="$(dirname "$0")/../include/uapi/linux/shadowmm.h"

smm_unload
smm_load base=$SMM_BASE size=64M || smm_load_or_fail size=16M

ctrl=$(genl ctrl get name shadowmm 2>&1)
echo "$ctrl" | sed 's/^/# /'

has() { echo "$ctrl" | grep -q "$1"; }

# The header's commands, one "ID NAME CAPS" line each: ID counted through
# enum shadowmm_cmd (an explicit "= N" restarts the count), CAPS what the
# comment's words before the colon ask of genl's capability bits:
# 1 admin (GENL_ADMIN_PERM), 2 do (GENL_CMD_CAP_DO), 4 dump
# (GENL_CMD_CAP_DUMP); "multicast" ones are no operation (CAPS "-"), and a
# comment saying none of these gives CAPS "?".
header_cmds() {
	awk '
	/^enum shadowmm_cmd \{/ { inside = 1; id = -1; next }
	!inside { next }
	/^\};/ || /^[ \t]*__SHADOWMM_CMD_MAX/ { exit }
	match($0, /^[ \t]*SHADOWMM_CMD_[A-Z0-9_]+/) {
		name = substr($0, RSTART, RLENGTH)
		sub(/^[ \t]*/, "", name)
		decl = $0
		sub(/\/\*.*/, "", decl)
		if (match(decl, /=[ \t]*[0-9]+/)) {
			v = substr(decl, RSTART + 1, RLENGTH - 1)
			sub(/^[ \t]*/, "", v)
			id = v + 0
		} else {
			id++
		}
		if (name == "SHADOWMM_CMD_UNSPEC")
			next
		c = $0
		if (!sub(/.*\/\*[ \t]*/, "", c))
			c = ""
		sub(/:.*/, "", c)
		if (c ~ /^multicast/) {
			print id, name, "-"
			next
		}
		caps = 0
		if (c ~ /^do([^a-z]|$)/ || c ~ /[^a-z]do([^a-z]|$)/)
			caps += 2
		if (c ~ /(^|[^a-z])dump([^a-z]|$)/)
			caps += 4
		if (caps && c ~ /(^|[^a-z])admin([^a-z]|$)/)
			caps += 1
		print id, name, (caps ? caps : "?")
	}' "$UAPI"
}

# genl's operations by number, one decimal ID a line: it prints
# "#N:  ID-0xH" for each.
genl_ids() {
	echo "$ctrl" | sed -n 's/^[[:space:]]*#[0-9]*:[[:space:]]*ID-\(0x[0-9a-fA-F]*\)[[:space:]]*$/\1/p' |
		while read -r id; do
			echo "$((id))"
		done
}

cmds=$(header_cmds)
ids=$(genl_ids)
ops=$("$(dirname "$0")/genl_ops" shadowmm 2>&1)
ops_status=$?
ops_read() {
	[ "$ops_status" -eq 0 ] || { echo "genl_ops: status $ops_status: $ops"; return 1; }
	[ -n "$ops" ] || { echo "genl_ops listed no operation"; return 1; }
}
header_read() {
	[ -r "$UAPI" ] || { echo "no uapi header at $UAPI"; return 1; }
	[ -n "$cmds" ] || { echo "no SHADOWMM_CMD_* found in $UAPI"; return 1; }
	bad=$(echo "$cmds" | awk '$3 == "?" { print $2 }')
	[ -z "$bad" ] || { echo "the comment of $bad says neither do, dump nor multicast"; return 1; }
	echo "$cmds" | sed 's/^/header: /'
}
# Every "do"/"dump" command listed by genl, and its flags (genl_ops) as
# the header says: bits 1, 2 and 4 (8, "has policy", is the op table's
# business).
each_cmd_listed() {
	echo "$cmds" | {
		fail=0
		while read -r id name want; do
			[ "$want" != "-" ] || continue
			if ! echo "$ids" | grep -qx "$id"; then
				echo "$name ($id) is not listed by genl"
				fail=1
			fi
			seen=$(echo "$ops" | awk -v id="$id" '$1 == id { print $2 }')
			if [ -z "$seen" ]; then
				echo "$name ($id) is not listed by genl_ops: $ops"
				fail=1
			elif [ $((seen & 7)) -ne "$want" ]; then
				echo "$name ($id): expected flags $want (1 admin, 2 do, 4 dump), the family has $((seen & 7))"
				fail=1
			fi
		done
		return "$fail"
	}
}
# Nothing listed, by genl or genl_ops, that the header lacks (or calls
# multicast only).
no_other_op() {
	{ echo "$ids"; echo "$ops" | awk '{ print $1 }'; } | {
		fail=0
		n=0
		while read -r id; do
			n=$((n + 1))
			echo "$cmds" | awk -v id="$id" '$1 == id && $3 != "-" { f = 1 } END { exit !f }' ||
				{ echo "op $id is listed, but the header has no do/dump command $id"; fail=1; }
		done
		[ "$n" -gt 0 ] || { echo "no operation listed"; fail=1; }
		return "$fail"
	}
}

ktap_check "genl lists the family" has 'Name: shadowmm'
ktap_check "version 1" has 'Version: 0x1'
ktap_check "the uapi header's commands read, each a do, a dump or multicast" header_read
ktap_check "genl_ops read the family's operations" ops_read
ktap_check "each do/dump command of the header listed, with its flags" each_cmd_listed
ktap_check "no operation listed that the header lacks" no_other_op
ktap_print_msg "$(echo "$cmds" | awk '$3 != "-"' | wc -l) operations in $UAPI;" \
	"$(echo "$ids" | grep -c .) listed by genl, $(echo "$ops" | grep -c .) by genl_ops"
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
