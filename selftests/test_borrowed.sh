#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Borrowed mode: without base=, shadowmm takes size= from the page
# allocator in large blocks, reports them as sections, and gives all of
# it back on rmmod.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 10

memfree() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }

smm_unload
before=$(memfree)
ktap_check "insmod size=32M" smm_load size=32M
during=$(memfree)

info=$(smmctl -j info)
ktap_check "info mode is borrowed" json_expect "$info" .mode borrowed
ktap_check "info size and frames" json_expect "$info" '"\(.size) \(.frames)"' "33554432 8192"
ktap_check "sections add up to the frames" json_expect "$info" \
	'[.sections[].frames] | add' 8192
ktap_check "sections lie in the span, in order" json_expect "$info" \
	'.span_frames as $span | .sections as $s |
	 ([range(1; $s | length) | $s[.].start >= $s[. - 1].start + $s[. - 1].frames] | all)
	 and ($s[-1].start + $s[-1].frames <= $span)' true
ktap_check "MemFree dropped by at least 32 MiB" test $((before - during)) -ge 32768

# The buddy over borrowed sections: holes are never handed out or merged.
span=$(json_get "$info" .span_frames)
smmctl page alloc order 0 count 4096 reserve > /dev/null
smmctl page alloc order 0 count 4096 reserve > /dev/null
ktap_check "every frame allocated, none from a hole" json_expect "$(smmctl -j zone show)" \
	'[.zones[] | .free + .pcp] | add' 0
ktap_check "holes in the map are exactly span - frames" json_expect "$(smmctl -j frame show)" \
	'[.runs[] | select(.state == "hole") | .count] | add // 0' $((span - 8192))
smmctl reset > /dev/null
ktap_check "check passes after reset" sh -c "smmctl check > /dev/null"

smm_unload
after=$(memfree)
# Other activity in the guest moves MemFree by a little; 4 MiB of slack
# (plus KASAN's quarantine on a debug kernel).
slack=$((4096 + $(kasan_quarantine_kb)))
ktap_check "MemFree back within $((slack / 1024)) MiB after rmmod" test $((before - after)) -le $slack

ktap_finished
