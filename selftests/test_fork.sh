#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fork and copy-on-write (Documentation/fork.md): a space with 16 written
# pages forked, the child reads the parent's bytes without a fault of
# its own data (RssAnon 64 kB in both), a write of 4 pages in the child
# copies them (cow_faults +4, the parent's bytes unchanged), the
# parent's write to one of them reuses it (cow_reuse +1, no copy),
# before that the shared pages reclaimed (smmctl reclaim: both spaces'
# PTEs swapped, one slot per page), a fork of the swapped-out pages
# sharing their slots (swap used not doubled) and all three reading the
# same bytes back,
# pageout of the range skips the pages still shared and both read back
# their own bytes, the parent destroyed and the child still reads its
# data, fork of no space refused with its reason, CHECK throughout, and
# RESET leaves every zone whole.
. "$(dirname "$0")/lib.sh"

A=0x400000		# the VMA: 16 pages
LEN=0x10000

ktap_header
ktap_plan 17
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

smmctl reset > /dev/null
base_used=$(smm_used_frames)
show() { smmctl -j space show "$1"; }
csum() { smmctl -j space access "$1" addr "$2" len "$3" | jq -r .csum; }

p=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$p" addr $A len $LEN > /dev/null
smmctl space access "$p" addr $A len $LEN write value 0x1234 > /dev/null
smmctl swap on size 4M
sum0=$(csum "$p" $A $LEN)

c=$(smmctl -j space fork "$p" | jq -r .id)
ktap_check "fork prints the child's id" test "$c" = 2
ktap_check "the child's RssAnon counts the shared pages" \
	json_expect "$(show "$c")" '"\(.RssAnon) \(.cow_faults)"' "64 0"
ktap_check "the child reads the parent's bytes" test "$(csum "$c" $A $LEN)" = "$sum0"

# reclaim of the shared pages: try_to_unmap() over both spaces
reclaim_shared() {
	for i in 1 2 3 4 5 6 7 8; do
		smmctl reclaim pages 16 > /dev/null 2>&1
		sw=$(show "$c" | jq -r .VmSwap)/$(show "$p" | jq -r .VmSwap)
		[ "$sw" = "64/64" ] && break
	done
	used=$(smmctl -j swap show | jq .used_kb)
	[ "$sw/$used" = "64/64/64" ] ||
		{ echo "VmSwap child/parent/swap used $sw/$used kB"; return 1; }
}
ktap_check "reclaim swaps the shared pages out of both spaces, one slot each" reclaim_shared
g=$(smmctl -j space fork "$c" | jq -r .id)
ktap_check "a fork of the swapped-out pages shares their slots (swap used unchanged)" \
	test "$(show "$g" | jq -r .VmSwap)/$(smmctl -j swap show | jq .used_kb)" = "64/64"
three() {
	for s in "$p" "$c" "$g"; do
		[ "$(csum "$s" $A $LEN)" = "$sum0" ] || { echo "space $s"; return 1; }
	done
}
ktap_check "parent, child and grandchild read the same bytes back" three
smmctl space destroy "$g"
ktap_check "CHECK passes after the shared swap-ins" smmctl check

smmctl space access "$c" addr $A len 0x4000 write value 0x5678 > /dev/null
ktap_check "4 pages written in the child: 4 copies" \
	json_expect "$(show "$c")" '"\(.cow_faults) \(.cow_reuse)"' "4 0"
ktap_check "the parent's bytes unchanged" test "$(csum "$p" $A $LEN)" = "$sum0"
smmctl space access "$p" addr $A len 0x1000 write value 0x1234 > /dev/null
ktap_check "the parent, last mapper of a copied page, reuses it" \
	json_expect "$(show "$p")" '"\(.cow_faults) \(.cow_reuse)"' "0 1"
ktap_check "CHECK passes with shared pages" smmctl check

csum_c=$(csum "$c" $A $LEN)
pageout() {
	smmctl space pageout "$p" addr $A len $LEN > /dev/null &&
		smmctl space pageout "$c" addr $A len $LEN > /dev/null || return 1
	# the 4 pages the child copied are its own and the parent's: 8 swapped
	sw=$(show "$c" | jq -r .VmSwap)/$(show "$p" | jq -r .VmSwap)
	[ "$sw" = "16/16" ] || { echo "VmSwap child/parent $sw kB"; return 1; }
}
ktap_check "pageout skips the shared pages, swaps the copies" pageout
both() {
	[ "$(csum "$p" $A $LEN)" = "$sum0" ] && [ "$(csum "$c" $A $LEN)" = "$csum_c" ]
}
ktap_check "both read their own bytes back" both

smmctl space destroy "$p"
ktap_check "the parent destroyed, the child reads its data" test "$(csum "$c" $A $LEN)" = "$csum_c"
ktap_check "fork of no space refused" smm_refused "no such space" smmctl space fork 9
ktap_check "CHECK passes" smmctl check

smmctl swap off > /dev/null
smmctl reset > /dev/null
ktap_check "RESET: every zone's allocated frames back to the baseline" \
	test "$(smm_used_frames)" = "$base_used"
smm_unload

ktap_finished
