#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The reclaim tunables at run time (issue 17): min_free_kbytes,
# watermark_scale_factor and swappiness through smmctl vm and debugfs
# vm/, with the kernel's ranges. A write recomputes every zone's
# watermarks (zone show and debugfs zoneinfo agree with the formula of
# __setup_per_zone_wmarks()); bad values are refused with a message and
# a failing exit status, and change nothing, a SET of several all or
# nothing; swappiness 0 makes proactive reclaim fail (nl_reclaim.c);
# min_free_kbytes raised above what the zones have free makes the next
# allocation wake kshadowd (pageoutrun grows); CHECK passes.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm

ktap_header
ktap_plan 19
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest \
	min_free_kbytes=1024 watermark_scale_factor=20

vm_json() { smmctl -j vm show; }
ktap_check "vm show: the load parameters and swappiness's default" json_expect "$(vm_json)" \
	'[.min_free_kbytes, .watermark_scale_factor, .swappiness] | map(tostring) | join(" ")' \
	"1024 20 60"
dbg_reads() {
	got=$(for f in min_free_kbytes watermark_scale_factor swappiness; do cat $D/vm/$f; done |
		tr '\n' ' ')
	[ "$got" = "1024 20 60 " ] || { echo "debugfs vm/ says '$got'"; return 1; }
}
ktap_check "debugfs vm/: the same values, one line each" dbg_reads

# wmarks_match MFK WSF: every zone's min, low and high as
# __setup_per_zone_wmarks() computes them from its managed pages, in
# zone show and in debugfs zoneinfo
wmarks_match() {
	zones=$(smmctl -j zone show)
	total=$(echo "$zones" | jq '[.zones[].managed] | add')
	pmin=$(($1 / 4))
	echo "$zones" | jq -r '.zones[] | "\(.name) \(.managed) \(.min) \(.low) \(.high)"' |
	while read -r name managed min low high; do
		wmin=$((pmin * managed / total))
		gap=$((managed * $2 / 10000))
		[ $((wmin / 4)) -gt $gap ] && gap=$((wmin / 4))
		want="$wmin $((wmin + gap)) $((wmin + 2 * gap))"
		[ "$min $low $high" = "$want" ] ||
			{ echo "$name: zone show $min $low $high, want $want"; return 1; }
		dbg=$(awk -v z="$name" '$1 == "Node" { cur = $NF }
			cur == z && ($1 == "min" || $1 == "low" || $1 == "high") { printf "%s ", $2 }' \
			$D/zoneinfo)
		[ "$dbg" = "$want " ] ||
			{ echo "$name: zoneinfo '$dbg', want '$want '"; return 1; }
	done
}
ktap_check "smmctl vm set min_free_kbytes 2048 watermark_scale_factor 100" \
	smmctl vm set min_free_kbytes 2048 watermark_scale_factor 100
ktap_check "zone show and zoneinfo: the watermarks of 2048 KiB and 100" wmarks_match 2048 100

dbg_write() {
	echo 4096 > $D/vm/min_free_kbytes && echo 30 > $D/vm/swappiness || return 1
	json_expect "$(vm_json)" '"\(.min_free_kbytes) \(.swappiness)"' "4096 30"
}
ktap_check "debugfs vm/ writes, smmctl vm show reads them" dbg_write
ktap_check "zone show and zoneinfo: the watermarks of 4096 KiB and 100" wmarks_match 4096 100

# state: the three values, which a refusal must leave as they were
state() { vm_json | jq -c '[.min_free_kbytes, .watermark_scale_factor, .swappiness]'; }
dbg_refused() {
	was=$(state)
	for w in "abc min_free_kbytes" "-1 min_free_kbytes" "16385 min_free_kbytes" \
		 "0 watermark_scale_factor" "3001 watermark_scale_factor" "201 swappiness" \
		 "4294967296 swappiness"; do
		# shellcheck disable=SC2086 # two words: the value and the file
		set -- $w
		if echo "$1" > $D/vm/$2 2> /dev/null; then
			echo "vm/$2 took '$1'"
			return 1
		fi
	done
	[ "$(state)" = "$was" ] || { echo "changed: $was -> $(state)"; return 1; }
}
ktap_check "debugfs vm/: bad text and out-of-range values fail, nothing changed" dbg_refused

# set_refused WANT ARGS...: smmctl vm set ARGS fails, says WANT, changes nothing
set_refused() {
	want=$1
	shift
	was=$(state)
	if out=$(smmctl vm set "$@" 2>&1); then
		echo "vm set $* succeeded"
		return 1
	fi
	case "$out" in
	*"$want"*) ;;
	*) echo "expected \"$want\" in: $out"; return 1 ;;
	esac
	[ "$(state)" = "$was" ] || { echo "changed: $was -> $(state)"; return 1; }
}
ktap_check "vm set watermark_scale_factor 3001: out of range, nothing changed" \
	set_refused "out of range" watermark_scale_factor 3001
ktap_check "vm set swappiness 10 min_free_kbytes 16385: all or nothing" \
	set_refused "min_free_kbytes exceeds a quarter of the range" \
	swappiness 10 min_free_kbytes 16385
ktap_check "vm set min_free_kbytes 2048 swappiness 201: all or nothing" \
	set_refused "out of range" min_free_kbytes 2048 swappiness 201
ktap_check "vm set swappiness x: refused before sending" set_refused "invalid" swappiness x

# pcp_high_match FRACTION: every zone's pcp high (CPU 0's, zone show) as
# zone_highsize() computes it: managed / FRACTION, or the low watermark
# when 0, split between the online CPUs (the glue's nr_split_cpus, one
# node), at least 4 batches
pcp_high_match() {
	ncpu=$(nproc)
	smmctl -j zone show | jq -r '.zones[] | "\(.name) \(.managed) \(.low) \(.pcp_high) \(.pcp_batch)"' |
	while read -r name managed low high batch; do
		if [ "$1" = 0 ]; then total=$low; else total=$((managed / $1)); fi
		want=$((total / ncpu))
		[ $want -lt $((batch * 4)) ] && want=$((batch * 4))
		[ "$high" = "$want" ] || { echo "$name: pcp_high $high, want $want"; return 1; }
	done
}
hf() { vm_json | jq .percpu_pagelist_high_fraction; }
# hf_set N: vm set the fraction to N, debugfs and vm show read N, highs match
hf_set() {
	smmctl vm set percpu_pagelist_high_fraction "$1" || return 1
	[ "$(hf)" = "$1" ] && [ "$(cat $D/vm/percpu_pagelist_high_fraction)" = "$1" ] ||
		{ echo "fraction $(hf), debugfs $(cat $D/vm/percpu_pagelist_high_fraction)"; return 1; }
	pcp_high_match "$1"
}
hf_default() { [ "$(hf)" = 0 ] || { echo "fraction $(hf)"; return 1; }; pcp_high_match 0; }
ktap_check "percpu_pagelist_high_fraction: 0 by default, pcp high from the low watermark" \
	hf_default
ktap_check "vm set percpu_pagelist_high_fraction 8: pcp high is managed / 8 / CPUs" hf_set 8
hf_refused() {
	before=$(smmctl -j zone show | jq -c '[.zones[].pcp_high]')
	set_refused "percpu_pagelist_high_fraction must be 0 or 8" percpu_pagelist_high_fraction 5 ||
		return 1
	[ "$(hf)" = 8 ] || { echo "fraction now $(hf)"; return 1; }
	after=$(smmctl -j zone show | jq -c '[.zones[].pcp_high]')
	[ "$after" = "$before" ] || { echo "pcp high $before -> $after"; return 1; }
}
ktap_check "vm set percpu_pagelist_high_fraction 5: refused with the reason, nothing changed" \
	hf_refused
ktap_check "vm set percpu_pagelist_high_fraction 0: the default highs again" hf_set 0

# swappiness 0: proactive reclaim swaps nothing (cgroup reclaim's rule)
smmctl swap on size 4M
id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr 0x40000000 len 0x100000
smmctl space access "$id" addr 0x40000000 len 0x100000 write > /dev/null
smmctl vm set swappiness 0
ktap_check "swappiness 0: reclaim makes no progress (EAGAIN, the reason)" \
	smm_refused "made no progress" smmctl reclaim pages 16
smmctl vm set swappiness 60
ktap_check "swappiness 60: reclaim swaps out again" smmctl reclaim pages 16
smmctl space destroy "$id"
smmctl swap off

# min_free_kbytes raised above what every zone has free: the next
# allocation misses every low watermark and wakes kshadowd, whose
# balance_pgdat() run counts in pageoutrun
smmctl vm set min_free_kbytes 1024
free_total() { smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add'; }
# down to 1000 free pages in all: under the low watermarks 16384 KiB
# gives every zone (DMA's 640 + its lowmem reserve), above the 1024 KiB ones
n=$(($(free_total) - 1000))
while [ $n -gt 0 ]; do
	c=$n
	[ $c -gt 4096 ] && c=4096
	smmctl page alloc order 0 count $c > /dev/null || break
	n=$((n - c))
done
pageoutrun() { awk '$1 == "pageoutrun" { print $2 }' $D/vmstat; }
run0=$(pageoutrun)
ktap_print_msg "free $(free_total) pages, pageoutrun $run0"
smmctl vm set min_free_kbytes 16384
smmctl page alloc order 0 > /dev/null 2>&1
woke() {
	n=0
	while [ "$(pageoutrun)" -le "$run0" ]; do
		n=$((n + 1))
		[ $n -gt 50 ] && { echo "pageoutrun still $(pageoutrun)"; return 1; }
		sleep 0.1
	done
}
ktap_check "min_free_kbytes above the free pages: one allocation wakes kshadowd" woke
smmctl reset > /dev/null
ktap_check "CHECK passes" smmctl check
smm_unload
ktap_finished
