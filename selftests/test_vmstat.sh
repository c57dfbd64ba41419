#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shadow's vmstat: debugfs shadowmm/vmstat in /proc/vmstat's format
# ("name value" lines), every name one the guest's own /proc/vmstat has,
# in its order; smmctl vmstat says the same; the counters move by exactly
# what a PAGE_ALLOC/PAGE_FREE pair, a space's faults and a slab took;
# an unknown NAME is refused with a message and exit status 1; anyone
# may read the counters (VMSTAT_GET needs no capability).
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm

ktap_header
ktap_plan 11
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest

# val NAME: the counter's value in the debugfs file
val() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
# the pages allocated in every zone
pgalloc() { awk '/^pgalloc_/ { s += $2 } END { print s + 0 }' $D/vmstat; }
# delta WHAT BEFORE AFTER WANT
delta() {
	[ $(($3 - $2)) -eq "$4" ] && return 0
	echo "$1 moved by $(($3 - $2)) ($2 -> $3), expected $4"
	return 1
}

layout() {
	# debugfs sizes read 0: read it to see it is there and not empty
	[ -n "$(cat $D/vmstat)" ] || { echo "no $D/vmstat, or empty"; return 1; }
	awk '$0 !~ /^[a-z0-9_]+ [0-9]+$/ { print "line " NR " does not match: [" $0 "]"; bad = 1 }
	     END { exit bad }' $D/vmstat
}
ktap_check "vmstat layout: \"name value\" lines" layout

# every name in the guest's /proc/vmstat, in the same order, once; a
# kernel built without NUMA (no /sys/devices/system/node) or SWAP (no
# /proc/swaps) has no numa_* or pswp* lines, and one without
# VM_EVENT_COUNTERS (no pgfault line) no event lines at all: the debug
# tinyconfig is all three. Events come last in both lists, so there
# every name from the first one the kernel lacks on must be missing too
# (vmstat_test.c checks those names against a full 6.1 list on the host)
kernel_names() {
	nonuma=0 noswap=0 noevents=0
	[ -d /sys/devices/system/node ] || nonuma=1
	[ -e /proc/swaps ] || noswap=1
	grep -q '^pgfault ' /proc/vmstat || noevents=1
	awk -v nonuma=$nonuma -v noswap=$noswap -v noevents=$noevents '
	     NR == FNR { pos[$1] = NR; next }
	     !($1 in pos) && ((nonuma && $1 ~ /^numa_/) || (noswap && $1 ~ /^pswp/)) {
		print "# " $1 ": the guest kernel is built without it"; next }
	     !($1 in pos) && noevents {
		if (!events) print "# " $1 " on: events, the guest kernel counts none"
		events = 1; next }
	     events { print $1 ": in /proc/vmstat, after events it lacks"; bad = 1; next }
	     !($1 in pos) { print $1 ": not in /proc/vmstat"; bad = 1; next }
	     ($1 in seen) { print $1 ": listed twice"; bad = 1 }
	     pos[$1] <= last { print $1 ": out of /proc/vmstat order"; bad = 1 }
	     { seen[$1] = 1; last = pos[$1] }
	     END { exit bad }' /proc/vmstat $D/vmstat
}
ktap_check "every name is the kernel's, in /proc/vmstat's order" kernel_names

# idle: nothing moves, so both views must be the same text
agree() {
	fs=$(cat $D/vmstat)
	nl=$(smmctl vmstat) || return 1
	[ "$fs" = "$nl" ] || { printf 'debugfs:\n%s\nsmmctl:\n%s\n' "$fs" "$nl"; return 1; }
	js=$(smmctl -j vmstat | jq -r 'to_entries[] | "\(.key) \(.value)"') || return 1
	[ "$fs" = "$js" ] || { printf 'debugfs:\n%s\nsmmctl -j:\n%s\n' "$fs" "$js"; return 1; }
}
ktap_check "smmctl vmstat (text and -j) agrees with the debugfs file" agree

some() {
	out=$(smmctl vmstat pgfree nr_free_pages) || return 1
	want=$(printf 'pgfree %s\nnr_free_pages %s' "$(val pgfree)" "$(val nr_free_pages)")
	[ "$out" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$out" "$want"; return 1; }
}
ktap_check "smmctl vmstat NAME... prints those, in the order asked" some

# four order-3 blocks: 32 pages, 4 allocations; then freed
page_pair() {
	a0=$(pgalloc) f0=$(val pgfree) n0=$(val numa_hit)
	h=$(smmctl page alloc order 3 count 4) || return 1
	a1=$(pgalloc) f1=$(val pgfree) n1=$(val numa_hit)
	delta pgalloc_* "$a0" "$a1" 32 && delta pgfree "$f0" "$f1" 0 &&
		delta numa_hit "$n0" "$n1" 4 || return 1
	# shellcheck disable=SC2086
	smmctl page free $h > /dev/null || return 1
	delta pgfree "$f1" "$(val pgfree)" 32 && delta pgalloc_* "$a1" "$(pgalloc)" 0
}
ktap_check "pgalloc, pgfree, numa_hit move by a PAGE_ALLOC/PAGE_FREE pair" page_pair

# a space: its root table; 4 faults under one PUD, PMD and PTE table
space_faults() {
	t0=$(val nr_page_table_pages) r0=$(val nr_anon_pages) p0=$(val pgfault)
	l0=$(val nr_inactive_anon)
	id=$(smmctl -j space create levels 4 | jq -r .id) || return 1
	delta nr_page_table_pages "$t0" "$(val nr_page_table_pages)" 1 || return 1
	smmctl space mmap "$id" addr 0x400000 len 16384 > /dev/null &&
		smmctl space access "$id" addr 0x400000 len 16384 write > /dev/null || return 1
	delta pgfault "$p0" "$(val pgfault)" 4 &&
		delta nr_anon_pages "$r0" "$(val nr_anon_pages)" 4 &&
		delta nr_page_table_pages "$t0" "$(val nr_page_table_pages)" 4 &&
		delta nr_inactive_anon "$l0" "$(val nr_inactive_anon)" 4 || return 1
	smmctl space destroy "$id" || return 1
	delta nr_inactive_anon "$l0" "$(val nr_inactive_anon)" 0 &&
		delta nr_anon_pages "$r0" "$(val nr_anon_pages)" 0 &&
		delta nr_page_table_pages "$t0" "$(val nr_page_table_pages)" 0
}
ktap_check "pgfault, nr_anon_pages, nr_page_table_pages, nr_inactive_anon follow a space" space_faults

# one object of a RECLAIM_ACCOUNT cache: one slab, counted reclaimable
slab_pages() {
	s0=$(val nr_slab_reclaimable) u0=$(val nr_slab_unreclaimable)
	smmctl cache create vs_rcl size 512 reclaim_account > /dev/null &&
		smmctl obj alloc vs_rcl > /dev/null || return 1
	o=$(smmctl -j cache show vs_rcl | jq -r '.caches[0].order') || return 1
	delta nr_slab_reclaimable "$s0" "$(val nr_slab_reclaimable)" $((1 << o)) &&
		delta nr_slab_unreclaimable "$u0" "$(val nr_slab_unreclaimable)" 0 || return 1
	smmctl cache destroy vs_rcl force > /dev/null || return 1
	delta nr_slab_reclaimable "$s0" "$(val nr_slab_reclaimable)" 0
}
ktap_check "nr_slab_reclaimable counts a RECLAIM_ACCOUNT cache's slab" slab_pages

unknown() {
	out=$(smmctl vmstat pgfree no_such_counter 2> /tmp/vmstat.err)
	rc=$?
	[ "$rc" -eq 1 ] || { echo "exit status $rc, expected 1"; return 1; }
	[ -z "$out" ] || { echo "printed: $out"; return 1; }
	grep -q 'unknown counter "no_such_counter"' /tmp/vmstat.err ||
		{ echo "stderr: $(cat /tmp/vmstat.err)"; return 1; }
}
ktap_check "an unknown NAME: a message, nothing printed, exit status 1" unknown

ktap_check "pgmajfault stays 0: nothing is swapped" [ "$(val pgmajfault)" = 0 ]

unpriv() {
	out=$(smm_unprivileged smmctl vmstat pgfree 2>&1) || { echo "$out"; return 1; }
	[ "$out" = "pgfree $(val pgfree)" ] || { echo "got: $out"; return 1; }
}
ktap_check "an unprivileged user reads the counters" unpriv

ktap_check "CHECK after it all" smmctl check
smm_unload
ktap_finished
