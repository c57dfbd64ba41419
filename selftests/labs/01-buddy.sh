#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 1 (Documentation/labs/01-buddy.md): the buddy allocator splits a
# block to serve a small request and merges buddies when they are freed.
# 16 MiB, one zone (4 blocks of order 10), no per-CPU lists (pcp=0), so
# every order-0 request goes to the free lists.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

lab_01() {
	local a b

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M zones=Normal:rest pcp=0
	lab_figure 01-buddy-start "cat $LAB_D/buddyinfo"
	lab_check "01 buddy: a fresh zone is 4 free blocks of order 10" \
		lab_eq "buddyinfo Normal" "$(lab_buddy Normal)" "0 0 0 0 0 0 0 0 0 0 4"

	# one frame: an order-10 block split ten times, one buddy left per order
	a=$(lab_alloc order 0 movable)
	lab_figure 01-buddy-split "cat $LAB_D/buddyinfo"
	lab_figure 01-buddy-smmtop "smmtop -b -n 1 | sed -n '/^FREE AREA/,/^FRAME MAP/p' | sed '\$d'"
	lab_check "01 buddy: one order-0 page splits an order-10 block: one free block of each order 0-9" \
		lab_eq "buddyinfo Normal" "$(lab_buddy Normal)" "1 1 1 1 1 1 1 1 1 1 3"

	# a second frame: the order-0 buddy left by the split, nothing more split
	b=$(lab_alloc order 0 movable)
	lab_check "01 buddy: the next order-0 page is the buddy left at order 0" \
		lab_eq "buddyinfo Normal" "$(lab_buddy Normal)" "0 1 1 1 1 1 1 1 1 1 3"

	# freeing both: each merges with its buddy, order after order, up to 10
	smmctl page free "$a" > /dev/null
	smmctl page free "$b" > /dev/null
	lab_figure 01-buddy-merged "cat $LAB_D/buddyinfo"
	lab_check "01 buddy: freeing both merges them back into one order-10 block" \
		lab_eq "buddyinfo Normal" "$(lab_buddy Normal)" "0 0 0 0 0 0 0 0 0 0 4"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_01
