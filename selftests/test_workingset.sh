#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Workingset refault detection and meminfo (Documentation/pagecache.md):
# a 4 MiB file read twice (1,024 pages on the active file list) and a
# 64 KiB file read once (16 inactive pages); debugfs shadowmm/meminfo in
# /proc/meminfo's format, its lines the sums of smmctl's vmstat and zone
# numbers; a proactive reclaim evicts the inactive pages, leaving shadow
# entries (workingset_nodes); a re-read of the small file refaults them
# (workingset_refault_file rises) at a distance far below the active list,
# so each refault is activated (workingset_activate_file rises as much);
# 16 anonymous pages paged out to swap and read back: 16 anon refaults,
# all activated; CHECK throughout; close drops every shadow.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
BIG=/tmp/ws.big
SMALL=/tmp/ws.small

ktap_header
ktap_plan 11
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

vs() { smmctl -j vmstat "$1" | jq -r ".$1"; }
mi() { awk -v n="$1:" '$1 == n { print $2 }' $D/meminfo; }

dd if=/dev/urandom of=$BIG bs=1M count=4 2> /dev/null
dd if=/dev/urandom of=$SMALL bs=64K count=1 2> /dev/null
big=$(smmctl -j file open $BIG | jq -r .id)
small=$(smmctl -j file open $SMALL | jq -r .id)
smmctl file read "$big" offset 0 len 4194304 > /dev/null
smmctl file read "$big" offset 0 len 4194304 > /dev/null
smmctl file read "$small" offset 0 len 65536 > /dev/null
ktap_check "the big file active, the small one inactive" test \
	"$(vs nr_active_file) $(vs nr_inactive_file)" = "1024 16"

layout() {
	awk 'BEGIN { bad = 0 }
	     !/^[A-Za-z()]+: +[0-9]+ kB$/ || length($0) != 27 { print "bad line: " $0; bad = 1 }
	     END { if (NR != 27) { print NR " lines, not 27"; bad = 1 }; exit bad }' $D/meminfo
}
ktap_check "meminfo: 27 lines of /proc/meminfo's format (%-16s%8lu kB), CmaTotal and CmaFree among them" layout

agree() {
	local managed
	managed=$(smmctl -j zone show | jq '[.zones[].managed] | add')
	set -- \
		MemTotal $((managed * 4)) \
		MemFree $(($(vs nr_free_pages) * 4)) \
		Cached $(($(vs nr_file_pages) * 4)) \
		Active $((($(vs nr_active_anon) + $(vs nr_active_file)) * 4)) \
		Inactive $((($(vs nr_inactive_anon) + $(vs nr_inactive_file)) * 4)) \
		"Active(file)" 4096 "Inactive(file)" 64 \
		Buffers 0 Shmem 0 SwapTotal 0 \
		Slab $((($(vs nr_slab_reclaimable) + $(vs nr_slab_unreclaimable)) * 4)) \
		PageTables $(($(vs nr_page_table_pages) * 4))
	while [ $# -gt 0 ]; do
		[ "$(mi "$1")" = "$2" ] || { echo "$1: meminfo $(mi "$1") kB, expected $2"; return 1; }
		shift 2
	done
	[ "$(mi MemAvailable)" -le "$(($(mi MemFree) + $(mi Cached)))" ] ||
		{ echo "MemAvailable $(mi MemAvailable) above MemFree + Cached"; return 1; }
}
ktap_check "meminfo agrees with smmctl vmstat and zone show" agree

refault0=$(vs workingset_refault_file)
activate0=$(vs workingset_activate_file)
smmctl reclaim pages 16 > /dev/null
evicted() {
	left=$(smmctl -j file show "$small" | jq '.files[0].pages')
	ktap_print_msg "small file: $left of 16 pages left, workingset_nodes $(vs workingset_nodes)"
	[ "$left" -lt 16 ]
}
ktap_check "proactive reclaim evicts the small file's inactive pages" evicted
ktap_check "CHECK passes with shadow entries in the index" smmctl check

smmctl file read "$small" offset 0 len 65536 > /dev/null
refaulted() {
	r=$(($(vs workingset_refault_file) - refault0))
	a=$(($(vs workingset_activate_file) - activate0))
	ktap_print_msg "re-read: workingset_refault_file +$r, workingset_activate_file +$a"
	[ "$r" -eq $((16 - left)) ] && [ "$a" -eq "$r" ]
}
ktap_check "the re-read refaults each evicted page, each activated (short distance)" refaulted
ktap_check "the small file is whole again" test \
	"$(smmctl -j file show "$small" | jq '.files[0].pages')" = 16
ktap_check "CHECK passes after the refaults" smmctl check

# anonymous pages: 16 swapped out (MADV_PAGEOUT) leave their shadows in
# their slots; read back, each is a refault, activated (the file lists
# make the workingset far larger than the distance)
anon_refaults() {
	local sid r0 a0 r a
	smmctl swap on size 4M || return 1
	sid=$(smmctl -j space create | jq -r .id) || return 1
	smmctl space mmap "$sid" addr 0x400000 len 0x10000 &&
		smmctl space access "$sid" addr 0x400000 len 0x10000 write > /dev/null || return 1
	r0=$(vs workingset_refault_anon)
	a0=$(vs workingset_activate_anon)
	smmctl space pageout "$sid" addr 0x400000 len 0x10000 > /dev/null &&
		smmctl space access "$sid" addr 0x400000 len 0x10000 > /dev/null || return 1
	r=$(($(vs workingset_refault_anon) - r0))
	a=$(($(vs workingset_activate_anon) - a0))
	ktap_print_msg "swap-ins: workingset_refault_anon +$r, workingset_activate_anon +$a"
	smmctl check > /dev/null && smmctl space destroy "$sid" && smmctl swap off || return 1
	[ "$r" -eq 16 ] && [ "$a" -eq 16 ]
}
ktap_check "swapped-out pages read back: 16 anon refaults, all activated; CHECK" anon_refaults

closed() {
	smmctl file close "$small" && smmctl file close "$big" || return 1
	test "$(vs nr_file_pages) $(vs workingset_nodes)" = "0 0" && smmctl check > /dev/null
}
ktap_check "close drops every page and shadow; CHECK passes" closed
ktap_check "meminfo after close: Cached 0" test "$(mi Cached)" = 0

smm_unload
rm -f $BIG $SMALL
ktap_finished
