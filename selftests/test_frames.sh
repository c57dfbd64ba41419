#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The frame map (FRAME_GET) of a 1 GiB reserved range: a dump of tens of
# thousands of runs spans many netlink batches and must come back whole,
# contiguous and in agreement with the zone counts; sub-ranges start
# mid-block; a range past the end is refused.
. "$(dirname "$0")/lib.sh"

BASE=$SMM_BIG_BASE

ktap_header
ktap_plan 8
smm_need_range "$BASE" 1G

smm_unload
ktap_check "insmod on 1 GiB" smm_load base=$BASE size=1G
span=$(json_get "$(smmctl -j info)" .span_frames)

# 16384 single frames, every other one freed again: thousands of runs.
for i in 1 2 3 4; do
	hs=$(smmctl page alloc order 0 count 4096 zone DMA32 type Unmovable reserve |
		awk 'NR % 2')
	# shellcheck disable=SC2086
	smmctl page free $hs > /dev/null
done

map=$(smmctl -j frame show)
ktap_check "the dump covers the span exactly" json_expect "$map" '[.runs[].count] | add' "$span"
ktap_check "runs are contiguous and in order" json_expect "$map" \
	'[.runs as $r | range(1; $r | length) | $r[.].start == $r[. - 1].start + $r[. - 1].count] | all' \
	true
runs=$(json_get "$map" '.runs | length')
ktap_print_msg "$runs runs"
# A dump batch holds a few hundred runs (each about 44 bytes of attributes),
# so 2000 runs or more take several batches, resumed each time.
ktap_check "thousands of runs (many dump batches)" test "$runs" -ge 2000
used=$(smmctl -j zone show | jq '[.zones[] | .managed - .free - .pcp] | add')
ktap_check "allocated frames in the map match the zones" json_expect "$map" \
	'[.runs[] | select(.state == "page") | .count] | add' "$used"

sub=$(smmctl -j frame show 5 3)
ktap_check "a sub-range from inside a block" json_expect "$sub" \
	'[.runs[0].start, ([.runs[].count] | add)] | join(" ")' "5 3"
ktap_check "start past the end is refused" sh -c "! smmctl frame show $span 2> /dev/null"
ktap_check "count past the end is refused" sh -c "! smmctl frame show 0 $((span + 1)) 2> /dev/null"

smmctl reset > /dev/null
smm_unload
ktap_finished
