#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shadow buddy allocator through netlink: zones by position, every
# command, bad input refused without change, zone fallback, watermarks,
# fragmentation and coalescing, and the frame map.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 24
smm_need_range "$SMM_BASE" 64M

zones() { smmctl -j zone show; }
zget() { json_get "$(zones)" "$1"; }
# free + pcp frames of a zone: what is not allocated
avail() { zget "[.zones[] | select(.name == \"$1\") | .free + .pcp][0]"; }
check_ok() { smmctl check > /dev/null; }

# alloc ARGS...: print the handles, one per line
alloc() { smmctl page alloc "$@"; }

smm_unload
ktap_check "insmod with zones=DMA:8M,DMA32:24M,Normal:rest" \
	smm_load base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest

z=$(zones)
ktap_check "zone sizes" json_expect "$z" '[.zones[].managed] | join(" ")' "2048 6144 8192"
ktap_check "all free in order-10 blocks" json_expect "$z" \
	'[.zones[] | .nr_free[10], .free] | join(" ")' "2 2048 6 6144 8 8192"
ktap_check "watermarks ordered, lowmem reserve below Normal" json_expect "$z" \
	'[.zones[] | (.min <= .low and .low <= .high)] + [.zones[0].lowmem_reserve[2] > 0] | all' true

h=$(alloc order 0 count 10 type Movable)
ktap_check "page alloc returns 10 handles" test "$(echo "$h" | wc -l)" -eq 10
ktap_check "10 frames no longer available in Normal" test "$(avail Normal)" -eq $((8192 - 10))
ktap_check "check passes with allocations" check_ok
# shellcheck disable=SC2086
ktap_check "page free of the 10 handles" json_expect "$(smmctl -j page free $h)" .freed 10

# Refusals: each names the problem and changes nothing (what is
# allocated per zone stays the same).
refused() {
	want=$1
	shift
	smm_refused "$want" smmctl "$@"
}
one=$(alloc order 0)
ktap_check "order 11 refused" refused "out of range" page alloc order 11
ktap_check "count above the batch limit refused" refused "count is 1 to" page alloc order 0 count 5000
ktap_check "unknown handle refused" refused "no allocated block" page free 0x7
ktap_check "handle listed twice refused" refused "listed twice" page free "$one" "$one"
ktap_check "stale handle refused" refused "stale" page free $(( one + (1 << 32) ))
ktap_check "a count that cannot be satisfied changes nothing" \
	refused "nothing was allocated" page alloc order 10 count 20 reserve
smmctl page free "$one" > /dev/null
ktap_check "freed handle is refused the second time" refused "already freed" page free "$one"
ktap_check "check passes after the refusals" check_ok

# Exhausting Normal falls back to DMA32.
alloc order 0 count 4096 movable > /dev/null
alloc order 0 count 4096 movable > /dev/null
ktap_check "exhausting Normal falls back to DMA32" \
	test "$(zget '.zones[1].stats.zone_fallback')" -gt 0

# Watermarks: DMA-only allocations stop at min unless they may use the reserve.
smmctl reset > /dev/null
n=0
while alloc order 0 zone DMA count 64 > /dev/null 2>&1; do n=$((n + 1)); done
dma_min=$(zget '.zones[0].min')
ktap_check "DMA stops near its min watermark without reserve" \
	test "$(avail DMA)" -le $((dma_min + 64 + 8))
ktap_check "the reserve flag goes below min" sh -c "smmctl page alloc order 0 zone DMA reserve > /dev/null"

# Fragment DMA until an order-10 allocation fails; freeing coalesces.
smmctl reset > /dev/null
hs=$( (alloc order 0 zone DMA count 2048 reserve) )
odd=$(echo "$hs" | awk 'NR % 2 == 1')
even=$(echo "$hs" | awk 'NR % 2 == 0')
# shellcheck disable=SC2086
smmctl page free $odd > /dev/null
ktap_check "fragmented DMA cannot give order 10" \
	refused "nothing was allocated" page alloc order 10 zone DMA reserve
# shellcheck disable=SC2086
smmctl page free $even > /dev/null
ktap_check "after freeing, order 10 works again" \
	sh -c "smmctl page alloc order 10 zone DMA reserve > /dev/null"

# The frame map covers the span and matches the zone counts.
smmctl reset > /dev/null
alloc order 3 count 5 > /dev/null
map=$(smmctl -j frame show)
span=$(json_get "$(smmctl -j info)" .span_frames)
ktap_check "frame map covers the span" json_expect "$map" '[.runs[].count] | add' "$span"
ktap_check "frame map shows the 40 allocated frames" json_expect "$map" \
	'[.runs[] | select(.state == "page") | .count] | add' 40

smmctl reset > /dev/null
ktap_check "reset returns every zone to fully free" json_expect "$(zones)" \
	'[.zones[] | .free == .managed] | all' true
smm_unload
ktap_finished
