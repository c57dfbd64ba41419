#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 20 insmod/rmmod cycles, alternating the two backing modes, with an
# `smmctl info` between each: every load answers on netlink and nothing
# is left behind (claim, memory).
. "$(dirname "$0")/lib.sh"

CYCLES=${SMM_CYCLES:-20}

ktap_header
ktap_plan 3

cycle() {
	i=0
	while [ "$i" -lt "$CYCLES" ]; do
		if [ $((i % 2)) -eq 0 ]; then
			params="base=0x10000000 size=64M" mode=reserved
		else
			params="size=16M" mode=borrowed
		fi
		# shellcheck disable=SC2086 # params are words on purpose
		smm_load $params || { echo "cycle $i: insmod $params failed"; return 1; }
		got=$(smmctl -j info | jq -r .mode)
		[ "$got" = "$mode" ] || { echo "cycle $i: mode '$got', expected $mode"; return 1; }
		smm_unload || { echo "cycle $i: rmmod failed"; return 1; }
		i=$((i + 1))
	done
}

smm_unload
before=$(smm_free_kb)
ktap_check "$CYCLES load/info/unload cycles" cycle
ktap_check "no claim left in /proc/iomem" sh -c '! grep -q shadowmm /proc/iomem'
after=$(smm_free_kb)
ktap_print_msg "free (MemFree + kernel pcp lists, page cache dropped): $before -> $after kB"
# The rest of the kernel moves free memory too: SLACK_KB_TBD
slack=$((4096 + $(kasan_quarantine_kb)))
ktap_check "free memory back within $slack kB" test $((before - after)) -le $slack

ktap_finished
