#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 2 (Documentation/labs/02-pcp.md): per-CPU page lists. An order-0
# allocation takes a batch from the buddy onto this CPU's list; a free
# goes back onto the list; the list gives a batch or more back to the
# buddy (a drain) only when it reaches high. 64 MiB, one zone.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

lab_02() {
	local z batch high managed h free0 drains

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M zones=Normal:rest
	z=$(smmctl -j zone show Normal | jq -c '.zones[0]')
	batch=$(echo "$z" | jq .pcp_batch)
	high=$(echo "$z" | jq .pcp_high)
	managed=$(echo "$z" | jq .managed)
	lab_note "Normal: managed $managed, pcp_batch $batch, pcp_high $high"
	lab_figure 02-pcp-limits "smmctl zone show Normal | head -n 4"

	# one page: the list was empty, so a batch came from the buddy
	h=$(lab_alloc order 0 movable)
	lab_check "02 pcp: one order-0 page takes a batch ($batch) from the buddy, batch - 1 stay on the list" \
		lab_eq "free pcp" "$(lab_zone Normal '"\(.free) \(.pcp)"')" "$((managed - batch)) $((batch - 1))"

	# freeing it: onto the list, the buddy does not see it
	free0=$(lab_zone Normal .free)
	smmctl page free "$h" > /dev/null
	lab_check "02 pcp: a freed page goes onto the list, the buddy's free count stays" \
		lab_eq "free pcp" "$(lab_zone Normal '"\(.free) \(.pcp)"')" "$free0 $batch"

	# many pages freed at once: the list passes high and drains
	drains=$(lab_zone Normal .stats.pcp_drain)
	lab_alloc order 0 movable count $((high + 4 * batch)) > /dev/null
	smmctl page free all > /dev/null
	lab_figure 02-pcp-drained "smmctl zone show Normal | sed -n '1,3p;/pcp_alloc/p'"
	lab_check "02 pcp: freeing $((high + 4 * batch)) pages drains the list (pcp_drain grew)" \
		test "$(lab_zone Normal .stats.pcp_drain)" -gt "$drains"
	lab_check "02 pcp: after the drains the list holds less than high ($high)" \
		test "$(lab_zone Normal .pcp)" -lt "$high"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_02
