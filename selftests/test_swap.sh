#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shadow swap area: swap on, a pattern written into a shadow process,
# MADV_PAGEOUT writes it to swap (VmSwap, used, pswpout, swap entries in
# the PTEs decoded by the walker), reads bring it back with the same
# checksum through 2 major faults that read the rest ahead into the swap
# cache (swap_ra, swap_ra_hit, SwapCached; the slots kept while the area
# is less than half full), a full area refuses and changes nothing,
# munmap frees slots, swap off brings every page back, /proc/swaps'
# format in debugfs, bad input refused with its reason, CHECK throughout,
# and rmmod with swap on and pages in it.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
A=0x400000		# the VMA: 16 pages
LEN=0x10000

ktap_header
ktap_plan 25
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

show() { smmctl -j space show "$id"; }
swap() { smmctl -j swap show; }

ktap_check "swap is off at load" json_expect "$(swap)" '"\(.on) \(.pswpout)"' "false 0"
ktap_check "swap on size 0 refused" smm_refused "at least 2 pages" smmctl swap on size 0
ktap_check "swap on over the limit refused" smm_refused "over the limit" \
	smmctl swap on size $(( $(swap | jq .limit_kb) * 1024 + 4096 ))
ktap_check "swap on 4M" smmctl swap on size 4M
ktap_check "swap on twice refused" smm_refused "on already" smmctl swap on size 1M
ktap_check "the area: 1023 usable pages in 4 clusters, all free but the header's" json_expect \
	"$(swap)" '"\(.on) \(.size_kb) \(.used_kb) \(.clusters) \(.clusters_free) \(.priority)"' \
	"true 4092 0 4 3 -2"
swaps_file() {
	local got
	got=$(awk 'NR == 1 { h = $1 " " $2 " " $3 " " $4 " " $5 }
		NR == 2 { print h "|" $1 " " $2 " " $3 " " $4 " " $5 }' $D/swaps)
	[ "$got" = "Filename Type Size Used Priority|shadowmm-swap memory 4092 0 -2" ] ||
		{ echo "swaps: $got"; return 1; }
}
ktap_check "debugfs swaps has /proc/swaps' columns" swaps_file

id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr $A len $LEN
smmctl space access "$id" addr $A len $LEN write > /dev/null
csum=$(smmctl -j space access "$id" addr $A len $LEN | jq -r .csum)
ktap_print_msg "pattern checksum $csum"
out=$(smmctl -j space pageout "$id" addr $A len $LEN)
ktap_check "pageout writes the 16 pages to swap" json_expect "$out" '.paged_out' 16
ktap_check "VmSwap 64 kB, VmRSS 0" json_expect "$(show)" '"\(.VmSwap) \(.VmRSS)"' "64 0"
ktap_check "swap used 64 kB, pswpout 16" json_expect "$(swap)" '"\(.used_kb) \(.pswpout)"' "64 16"
ktap_check "the PTEs hold swap entries of type 0 the walker decodes" json_expect \
	"$(smmctl -j pt walk space "$id" addr $A len $LEN)" \
	'[.steps[] | select(.kind == "swap" and .swap_type == 0) | .swap_offset] | "\(length) \(unique | length) \(min > 0)"' \
	"16 16 true"
ktap_check "CHECK passes with pages in swap" smmctl check
pgmaj=$(swap | jq .pgmajfault)
acc=$(smmctl -j space access "$id" addr $A len $LEN)
ktap_check "a read brings the data back: same checksum" json_expect "$acc" '.csum' "$csum"
# slots 256..271: a major fault at 256 and 264 reads the other 7 of its window ahead
# (swapin_nr_pages(): the new area's 4 hits + 2 round up to a window of 8 at 256;
# the 7 read-ahead pages faulted on are 7 hits, + 2 = 16, capped at 8 at 264:
# 14 read ahead, 14 hits, 16 cached, as with the fixed window)
ktap_check "2 major faults, VmSwap 0, VmRSS 64 kB" json_expect "$(show)" \
	'"\(.maj_flt) \(.VmSwap) \(.VmRSS)"' "2 0 64"
ktap_check "pgmajfault and pswpin count them; slots kept, 64 kB SwapCached" json_expect \
	"$(swap)" '"\(.pgmajfault - $m) \(.pswpin) \(.used_kb) \(.cached_kb)"' "2 16 64 64" \
	--argjson m "$pgmaj"
vmstat_ra() {
	local got
	got=$(awk '$1 == "swap_ra" || $1 == "swap_ra_hit" || $1 == "nr_swapcached" { printf "%s=%s ", $1, $2 }' \
		$D/vmstat)
	[ "$got" = "nr_swapcached=16 swap_ra=14 swap_ra_hit=14 " ] || { echo "vmstat: $got"; return 1; }
	smmctl check > /dev/null
}
ktap_check "vmstat: 14 read ahead, 14 hits, 16 cached; CHECK passes" vmstat_ra

# a small area: 4 usable slots
smmctl swap off
smmctl swap on size 20K
ktap_check "pageout fills a 4-slot area" json_expect \
	"$(smmctl -j space pageout "$id" addr $A len 0x4000)" '.paged_out' 4
ktap_check "a full area refuses, nothing changes" smm_refused "swap area is full" \
	smmctl space pageout "$id" addr $((A + 0x4000)) len 0x1000
ktap_check "munmap frees the slots" sh -c "smmctl space munmap $id addr $A len 0x4000 &&
	test \"\$(smmctl -j swap show | jq .used_kb)\" = 0"
swapoff_back() {
	local c
	c=$(smmctl -j space access "$id" addr $((A + 0x4000)) len 0x2000 | jq -r .csum)
	smmctl space pageout "$id" addr $((A + 0x4000)) len 0x2000 > /dev/null &&
		smmctl swap off || return 1
	json_expect "$(show)" '"\(.VmSwap) \(.VmRSS)"' "0 48" || return 1
	json_expect "$(smmctl -j space access "$id" addr $((A + 0x4000)) len 0x2000)" \
		'"\(.csum) \(.faults)"' "$c 0"
}
ktap_check "swap off brings every page back, data intact" swapoff_back
ktap_check "swap off when off refused" smm_refused "no swap area is on" smmctl swap off
ktap_check "pageout without swap refused" smm_refused "no swap area is on" \
	smmctl space pageout "$id" addr $A len $LEN
ktap_check "pageout on a missing space refused" smm_refused "no such space" \
	smmctl space pageout 63 addr $A len $LEN
ktap_check "pageout of an unaligned range refused" smm_refused "page aligned" \
	sh -c "smmctl swap on size 1M && smmctl space pageout $id addr $((A + 8)) len 0x1000"

rmmod_with_swap() {
	smmctl space pageout "$id" addr $((A + 0x4000)) len 0x4000 > /dev/null || return 1
	smmctl check > /dev/null || return 1
	smm_unload
}
ktap_check "rmmod with swap on and pages in it" rmmod_with_swap

ktap_finished
