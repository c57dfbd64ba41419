#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 3 (Documentation/labs/03-watermarks.md): watermarks and
# lowmem_reserve. 64 MiB as DMA 4 MiB, DMA32 4 MiB, Normal 56 MiB, no
# per-CPU lists (pcp=0: free counts are the buddy's, to the frame).
# Requests that may use any zone (GFP_KERNEL) fill Normal, then fall
# back to DMA32 and DMA, until every zone is at its watermark plus the
# lowmem_reserve it keeps against Normal requests; then they are
# refused while DMA still has frames a DMA32 request may take: the
# DMA32 requests go on, from DMA32 and then, falling back, from DMA.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

# used ZONE: frames allocated in the zone
lab_03_used() { lab_zone "$1" '.managed - .free - .pcp'; }

# fill ARGS...: allocate with ARGS noretry (no OOM killer) in batches of
# 256, then 16, then 1, until refused; prints how many pages
lab_03_fill() {
	local n=0 c
	for c in 256 16 1; do
		while smmctl page alloc order 0 count $c "$@" noretry > /dev/null 2>&1; do
			n=$((n + c))
		done
	done
	echo $n
}

lab_03() {
	local n dma dma_min prot1 prot2 dma_used normal_used fb

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M zones=DMA:4M,DMA32:4M,Normal:rest pcp=0
	lab_figure 03-watermarks-zones "smmctl zone show | grep -E '^zone|^  free |protection'"
	dma=$(smmctl -j zone show DMA | jq -c '.zones[0]')
	dma_min=$(echo "$dma" | jq .min)
	prot1=$(echo "$dma" | jq '.lowmem_reserve[1]')
	prot2=$(echo "$dma" | jq '.lowmem_reserve[2]')

	n=$(lab_03_fill movable)
	lab_figure 03-watermarks-normal-refused "smmctl zone show | grep -E '^zone|^  free |zone_fallback'"
	lab_note "$n pages for Normal requests; DMA free $(lab_zone DMA .free): min $dma_min," \
		"lowmem_reserve against DMA32 $prot1, against Normal $prot2"
	lab_check "03 watermarks: Normal requests are refused while DMA has more than min + lowmem_reserve[DMA32] free" \
		test "$(lab_zone DMA .free)" -gt $((dma_min + prot1))

	dma_used=$(lab_03_used DMA)
	normal_used=$(lab_03_used Normal)
	fb=$(lab_zone DMA .stats.zone_fallback)
	n=$(lab_03_fill movable dma32)
	lab_figure 03-watermarks-dma32-fell-back "smmctl zone show | grep -E '^zone|^  free |zone_fallback'"
	lab_note "then $n pages for DMA32 requests; DMA free $(lab_zone DMA .free)"
	lab_check "03 watermarks: DMA32 requests still get pages after the Normal ones were refused" \
		test "$n" -gt 0
	lab_check "03 watermarks: and some came from DMA, a fallback (DMA's used frames and zone_fallback grew)" \
		test "$(lab_03_used DMA)" -gt "$dma_used" -a "$(lab_zone DMA .stats.zone_fallback)" -gt "$fb"
	lab_check "03 watermarks: none came from Normal, above what a DMA32 request may use" \
		lab_eq "Normal's used frames" "$(lab_03_used Normal)" "$normal_used"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_03
