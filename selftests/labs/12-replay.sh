#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 12 (Documentation/labs/12-replay.md): a real workload's allocations
# captured in this kernel's tracefs (kmem events: dd of 4 MiB into tmpfs,
# find and tar over /selftests, the file removed) and replayed into the
# shadow with smmctl trace replay. Predictions: the page allocations are
# mostly order 0, the dd's pages are order-0 movable ones (at least its
# 1,024), the replay's peak holds the whole file while little stays live
# at the end, and RESET gives the buddy's free areas back as at load.
# pcp=0: every block goes to the free lists, so buddyinfo is exact.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

LAB_12_TRACE=/tmp/lab12.trace

# the capture helper, beside test_labs.sh or one level up from labs/
lab_12_capture() {
	local d
	d=$(dirname "$0")
	[ -x "$d/trace_capture.sh" ] || d=$d/..
	"$d/trace_capture.sh" "$LAB_12_TRACE"
}

# mm_page_alloc lines of the capture matching the awk condition $1
lab_12_allocs() {
	awk "/: mm_page_alloc: / { for (i = 1; i <= NF; i++) { split(\$i, kv, \"=\"); f[kv[1]] = kv[2] }
		if ($1) n++ } END { print n + 0 }" "$LAB_12_TRACE"
}

lab_12() {
	local start all o0 mov r

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M zones=Normal:rest pcp=0
	start=$(lab_buddy Normal)
	lab_12_capture > /dev/null
	lab_figure 12-replay-capture "grep -m 3 ': mm_page_alloc: ' $LAB_12_TRACE | cut -c1-150"
	all=$(lab_12_allocs 1)
	o0=$(lab_12_allocs 'f["order"] == 0')
	mov=$(lab_12_allocs 'f["order"] == 0 && f["migratetype"] == 1')
	lab_figure 12-replay-orders "awk '/: mm_page_alloc: / { for (i = 1; i <= NF; i++) if (\$i ~ /^(order|migratetype)=/) k = k \" \" \$i; n[k]++; k = \"\" } END { for (k in n) print n[k], k }' $LAB_12_TRACE | sort -rn"
	lab_check "12 replay: most page allocations are order 0 ($o0 of $all)" \
		test "$((o0 * 10))" -ge "$((all * 8))"
	lab_check "12 replay: the dd's 4 MiB came as order-0 movable pages (at least 1024: $mov)" \
		test "$mov" -ge 1024

	lab_figure 12-replay-run "smmctl trace replay $LAB_12_TRACE pages"
	r=$(smmctl -j trace replay $LAB_12_TRACE pages)
	lab_figure 12-replay-buddy "cat $LAB_D/buddyinfo"
	lab_check "12 replay: the peak held the whole file, little stays live at the end" \
		json_expect "$r" '.peak_frames >= 1024 and .live_frames * 4 < .peak_frames' true

	smmctl reset > /dev/null
	lab_figure 12-replay-reset "cat $LAB_D/buddyinfo"
	lab_check "12 replay: after RESET the free areas are those at load" \
		lab_eq "buddyinfo Normal" "$(lab_buddy Normal)" "$start"
	rm -f "$LAB_12_TRACE"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_12
