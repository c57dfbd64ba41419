#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 7 (Documentation/labs/07-fork-cow.md): demand paging and
# copy-on-write after fork. A 16-page VMA costs nothing until touched;
# each touched page is one minor fault and 4 kB of RssAnon; a fork shares
# every page (the child's RssAnon 64 kB, no new data page); a write in the
# child copies only the pages it writes (cow_faults), the parent's bytes
# stay; the parent's write to a page it alone maps again reuses it.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=5

# jq FILTER on space ID's object of space show -j ID
lab_07_space() { smmctl -j space show "$1" | jq -r "$2"; }

lab_07() {
	local p c sum used

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M
	p=$(smmctl -j space create | jq -r .id)
	smmctl space mmap "$p" addr 0x400000 len 0x10000 > /dev/null
	lab_check "07 demand paging: an untouched 16-page VMA has RssAnon 0" \
		lab_eq "RssAnon min_flt" "$(lab_07_space "$p" '"\(.RssAnon) \(.min_flt)"')" "0 0"
	lab_figure 07-fork-cow-touch "smmctl space access $p addr 0x400000 len 0x4000 write value 7; smmctl space show $p | grep -E 'Rss|flt'"
	lab_check "07 demand paging: 4 pages written: 4 minor faults, RssAnon 16 kB" \
		lab_eq "RssAnon min_flt" "$(lab_07_space "$p" '"\(.RssAnon) \(.min_flt)"')" "16 4"

	sum=$(smmctl -j space access "$p" addr 0x400000 len 0x4000 | jq -r .csum)
	used=$(smm_used_frames)
	c=$(smmctl -j space fork "$p" | jq -r .id)
	lab_check "07 fork: the child maps the 4 pages too (RssAnon 16 kB), reads the same bytes" \
		lab_eq "RssAnon csum" "$(lab_07_space "$c" .RssAnon) $(smmctl -j space access "$c" addr 0x400000 len 0x4000 | jq -r .csum)" "16 $sum"
	lab_figure 07-fork-cow-write "smmctl space access $c addr 0x400000 len 8 write value 9; smmctl space show $c | grep -E 'Rss|cow'"
	lab_check "07 COW: one write in the child copies one page, the parent's bytes unchanged" \
		lab_eq "cow_faults csum" "$(lab_07_space "$c" .cow_faults) $(smmctl -j space access "$p" addr 0x400000 len 0x4000 | jq -r .csum)" "1 $sum"
	smmctl space access "$p" addr 0x400000 len 8 write value 7 > /dev/null
	lab_check "07 COW: the parent's write to that page reuses it (no copy)" \
		lab_eq "cow_faults cow_reuse" "$(lab_07_space "$p" '"\(.cow_faults) \(.cow_reuse)"')" "0 1"
	lab_note "allocated frames per zone before the fork $used, now $(smm_used_frames)"
	smmctl check > /dev/null
	smmctl reset > /dev/null
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_07
