#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 9 (Documentation/labs/09-reclaim.md): kshadowd, swappiness and the
# OOM killer. A shadow process writes half again as much memory as a
# 16 MiB zone has free, with a 16 MiB swap area: the zone falls below
# its low watermark, kshadowd (kswapd's part) wakes and swaps the
# coldest anonymous pages out. Proactive reclaim with swappiness 0 may
# not swap and finds nothing else; at 60 it swaps. A second process
# larger than what is left of memory and swap together makes the OOM
# killer kill the process of the highest badness: the first one.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

# lab_09_fill ID PAGES: write PAGES pages of space ID at 0x40000000, 1 MiB at a time
lab_09_fill() {
	local i=0 n=$(( ($2 + 255) / 256 ))
	while [ $i -lt $n ]; do
		smmctl space access "$1" addr $((0x40000000 + i * 0x100000)) len 0x100000 write > /dev/null ||
			return 1
		i=$((i + 1))
	done
}

# lab_09_space PAGES: a space with one VMA of PAGES pages (rounded up to 1 MiB); its id
lab_09_space() {
	local id
	id=$(smmctl -j space create | jq -r .id) &&
		smmctl space mmap "$id" addr 0x40000000 len $(( ($1 + 255) / 256 * 0x100000 )) &&
		echo "$id"
}

# reclaim pages 64 fails, saying it made no progress
lab_09_refused() {
	local out
	out=$(smmctl reclaim pages 64 2>&1) && { echo "reclaim succeeded: $out"; return 1; }
	case "$out" in
	*"made no progress"*) return 0 ;;
	esac
	echo "expected \"made no progress\" in: $out"
	return 1
}

lab_09() {
	local free a b left

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M zones=Normal:rest
	smmctl swap on size 16M
	free=$(lab_zone Normal '.free + .pcp')
	a=$(lab_09_space $((free * 3 / 2)))
	lab_09_fill "$a" $((free * 3 / 2))
	lab_figure 09-reclaim-smmtop "smmtop -b -n 2 -d 0.25 | awk '/^smmtop - / { n++ } n < 2 { next }
		/^ZONE / || /^PRESSURE:/ { show = 1 } /^FREE AREA/ || /^FRAME MAP/ || /^SLABS:/ || /^EVENTS:/ { show = 0 } show'"
	lab_figure 09-reclaim-kshadowd "grep -E '^(pgscan|pgsteal|allocstall|pswp|pageoutrun)' $LAB_D/vmstat; smmctl swap show"
	lab_check "09 reclaim: writing 1.5 x the free memory woke kshadowd, which scanned (pageoutrun, pgscan_kswapd)" \
		sh -c "test $(lab_vmstat pageoutrun) -gt 0 && test $(lab_vmstat pgscan_kswapd) -gt 0"
	lab_check "09 reclaim: and the reclaimed anonymous pages went to swap (pswpout, VmSwap)" \
		sh -c "test $(lab_vmstat pswpout) -gt 0 && test $(smmctl -j space show "$a" | jq .VmSwap) -gt 0"

	smmctl vm set swappiness 0
	lab_check "09 reclaim: with swappiness 0 proactive reclaim swaps nothing and fails (no page cache to drop)" \
		lab_09_refused
	smmctl vm set swappiness 60

	# what is left: free memory and free swap, and 1 MiB more
	left=$(( $(lab_zone Normal '.free + .pcp') + $(smmctl -j swap show | jq '(.size_kb - .used_kb) / 4') + 256 ))
	b=$(lab_09_space $left)
	smm_expect_kerr_begin
	lab_09_fill "$b" $left
	smm_expect_kerr_end
	lab_figure 09-reclaim-oom "grep -E '^oom_kill' $LAB_D/vmstat; dmesg | grep 'shadowmm: Out of memory' | tail -n 1; smmctl space show $a | grep -E 'VmRSS|VmSwap|oom_killed'"
	lab_check "09 reclaim: the OOM killer killed once, and the biggest space ($a), not the one faulting" \
		lab_eq "oom_kill, killed a b" \
		"$(lab_vmstat oom_kill) $(smmctl -j space show "$a" | jq .oom_killed) $(smmctl -j space show "$b" | jq .oom_killed)" \
		"1 true false"
	smmctl space destroy "$a"
	smmctl space destroy "$b"
	smmctl swap off
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_09
