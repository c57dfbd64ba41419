#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 11 (Documentation/labs/11-fault-injection.md): fault injection of
# an allocation path. fail_page_alloc through debugfs with probability
# 100, interval 3, times 4 fails exactly the 3rd, 6th, 9th and 12th of
# 15 single-page PAGE_ALLOCs; probability 10 with seed 42 fails some of
# 30, the same ones again after the seed is written again, each failure
# reaching smmctl with fault injection as its reason and counted in
# debugfs failures; failslab with cache-filter fails only the cache
# created with the failslab flag; CHECK passes and every zone is whole
# again afterwards.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=5

LAB_11_P=$LAB_D/fail_page_alloc
LAB_11_MSG="fault injection failed an allocation"

# lab_11_run N CMD...: N calls of CMD, "x" for a failure, "." for a
# success, in LAB_11_PAT; the handles of the successes in LAB_11_H; a
# failure whose message does not name fault injection in LAB_11_BAD
lab_11_run() {
	local n="$1" i=0 out
	shift
	LAB_11_PAT='' LAB_11_H='' LAB_11_BAD=''
	while [ $i -lt "$n" ]; do
		if out=$("$@" 2>&1); then
			LAB_11_PAT="$LAB_11_PAT."
			LAB_11_H="$LAB_11_H $out"
		else
			LAB_11_PAT="${LAB_11_PAT}x"
			case "$out" in *"$LAB_11_MSG"*) ;; *) LAB_11_BAD="$out" ;; esac
		fi
		i=$((i + 1))
	done
}

# lab_11_pages N: N single order-0 PAGE_ALLOCs (lab_11_run), the pages freed after
lab_11_pages() {
	lab_11_run "$1" smmctl page alloc order 0
	# shellcheck disable=SC2086 # a list of handles
	[ -z "$LAB_11_H" ] || smmctl page free $LAB_11_H > /dev/null
}

# lab_11_count PATTERN: its x's
lab_11_count() { printf '%s' "$1" | tr -cd x | wc -c; }

lab_11() {
	local f0 first n1 bad

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M
	# PAGE_ALLOC may reclaim directly and asks for order 0: the kernel's
	# defaults (ignore-gfp-wait Y, min-order 1) would filter every call
	echo 0 > "$LAB_11_P/min-order"
	echo N > "$LAB_11_P/ignore-gfp-wait"
	echo 0 > "$LAB_11_P/verbose"
	echo 3 > "$LAB_11_P/interval"
	echo 4 > "$LAB_11_P/times"
	echo 100 > "$LAB_11_P/probability"
	echo 1 > "$LAB_11_P/seed"		# restarts the interval's count too
	lab_figure 11-fault-injection-files \
		"cd $LAB_11_P && grep . probability interval times space verbose min-order ignore-gfp-wait seed"
	lab_11_pages 15
	lab_note "probability 100 interval 3 times 4: $LAB_11_PAT"
	lab_figure 11-fault-injection-interval \
		"echo 'pattern $LAB_11_PAT'; grep . $LAB_11_P/times $LAB_11_P/calls $LAB_11_P/failures"
	lab_check "11 fault injection: interval 3, times 4: calls 3, 6, 9, 12 fail, then none" \
		lab_eq "pattern" "$LAB_11_PAT" "..x..x..x..x..."

	smmctl fault set page probability 10 interval 1 times -1 seed 42 verbose 1
	f0=$(cat "$LAB_11_P/failures")
	lab_11_pages 30
	first=$LAB_11_PAT
	n1=$(lab_11_count "$first")
	bad=$LAB_11_BAD
	lab_note "probability 10 seed 42: $first ($n1 of 30 failed)"
	lab_figure 11-fault-injection-seeded \
		"echo 'seed 42: $first'; smmctl page alloc order 0 count 64 2>&1; smmctl fault show page; dmesg | grep -m1 FAULT_INJECTION"
	lab_check "11 fault injection: seed 42 fails some of 30, each with its reason, as debugfs counts" \
		sh -c "test $n1 -gt 0 && test $n1 -lt 30 && test -z '$bad' &&
			test \$((\$(cat $LAB_11_P/failures) - $f0)) -ge $n1"
	echo 42 > "$LAB_11_P/seed"
	lab_11_pages 30
	lab_check "11 fault injection: the same seed fails the same calls" \
		lab_eq "pattern" "$LAB_11_PAT" "$first"
	smmctl fault set page probability 0

	smmctl cache create lab_marked size 64 failslab > /dev/null
	smmctl cache create lab_plain size 64 > /dev/null
	smmctl fault set slab probability 50 interval 1 times -1 seed 7 verbose 0 \
		cache-filter on ignore-gfp-wait off
	lab_11_run 20 smmctl obj alloc lab_marked
	lab_note "failslab, lab_marked: $LAB_11_PAT"
	first=$LAB_11_PAT
	lab_11_run 20 smmctl obj alloc lab_plain
	lab_note "failslab, lab_plain: $LAB_11_PAT"
	lab_figure 11-fault-injection-failslab \
		"echo 'lab_marked: $first'; echo 'lab_plain:  $LAB_11_PAT'; smmctl fault show slab"
	lab_check "11 fault injection: cache-filter: the failslab cache fails, the other never" \
		sh -c "test $(lab_11_count "$first") -gt 0 && test $(lab_11_count "$LAB_11_PAT") = 0"
	smmctl fault set slab probability 0
	smmctl reset > /dev/null
	lab_check "11 fault injection: afterwards CHECK passes and every zone is whole again" \
		sh -c "smmctl check > /dev/null &&
			test \"\$(smmctl -j zone show | jq '[.zones[] | .free == .managed] | all')\" = true"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_11
