#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# NLM_F_DUMP_INTR from the generation (seqcounts on the pcp and zone
# locks, Documentation/design.md): dumps taken with nothing going on are
# never flagged, frame or zone; frame dumps taken while another process
# retypes frames (slabs grown and shrunk, a space's tables and pages
# mapped and unmapped) are, at least once; after the retypes stop no
# dump is flagged again, and CHECK passes. dump_intr.c takes each dump
# once, where smmctl would dump again.
. "$(dirname "$0")/lib.sh"

DUMP_INTR="$(dirname "$0")/dump_intr"

ktap_header
ktap_plan 9
smm_need_range "$SMM_BASE" 64M

smm_unload
ktap_check "insmod on 64 MiB" smm_load base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest

# Every other page of 4096 allocated ones freed again: thousands of runs,
# so a frame dump takes several batches (resumed, and checked between).
hs=$(smmctl page alloc order 0 count 4096 zone DMA32 type Unmovable reserve |
	awk 'NR % 2')
# shellcheck disable=SC2086
smmctl page free $hs > /dev/null
runs=$(json_get "$(smmctl -j frame show)" '.runs | length')
ktap_print_msg "$runs runs in the frame map"
ktap_check "the frame map has thousands of runs" test "${runs:-0}" -ge 2000

idle=$("$DUMP_INTR" idle 200 2>&1)
ktap_check "idle: 200 frame dumps, none flagged" \
	json_expect "$idle" '"\(.frame_dumps) \(.frame_intr)"' "200 0"
ktap_check "idle: 200 zone dumps, none flagged" \
	json_expect "$idle" '"\(.zone_dumps) \(.zone_intr)"' "200 0"

busy=$("$DUMP_INTR" retype 120 2>&1)
ktap_print_msg "while retyping: $busy"
ktap_check "the retyping process ran whole rounds" json_expect "$busy" '.retype_rounds > 0' true
ktap_check "a frame dump during the retypes is flagged DUMP_INTR" \
	json_expect "$busy" '.frame_intr >= 1' true

after=$("$DUMP_INTR" idle 100 2>&1)
ktap_check "idle again: 100 frame and 100 zone dumps, none flagged" \
	json_expect "$after" '"\(.frame_dumps) \(.zone_dumps) \(.frame_intr + .zone_intr)"' "100 100 0"
ktap_check "CHECK passes after the retypes" sh -c "smmctl check > /dev/null"

smmctl reset > /dev/null
ktap_check "rmmod" smm_unload
ktap_finished
