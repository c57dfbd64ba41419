#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# HighMem and Movable (issue 20): zones= with all five zones, zoneinfo's
# sections, watermarks (HighMem's clamped min) and protection tuples as
# 6.1 computes them, a space's pages in Movable (and their pageblock
# taken offline and back, the data kept), slab and page tables in
# lowmem, a highmem page alloc in HighMem (counted by the kmap file),
# unmovable and movable-without-highmem requests never in Movable even
# with lowmem exhausted, CHECK, RESET; movablecore=; bad specs refused.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
ZONES=DMA:4M,DMA32:12M,Normal:16M,HighMem:16M,Movable:rest

ktap_header
ktap_plan 22
smm_need_range "$SMM_BASE" 64M

zones() { smmctl -j zone show; }
# used ZONE: frames of the zone allocated (not free, not on a pcp list)
used() { json_get "$(zones)" "[.zones[] | select(.name == \"$1\") | .managed - .free - .pcp][0]"; }
kmap() { awk -v k="$1" '$1 == k { print $2 }' $D/kmap; }
# zoneinfo_lines WHAT: one line per zone, "NAME v1 v2 ..." of min/low/high or protection
zoneinfo_lines() {
	awk -v what="$1" '
	     $1 == "Node" { zone = $4 }
	     what == "wmark" && $1 == "min" && NF == 2 { m = $2 }
	     what == "wmark" && $1 == "low" && NF == 2 { l = $2 }
	     what == "wmark" && $1 == "high" && NF == 2 { print zone, m, l, $2 }
	     what == "protection" && $1 == "protection:" {
		p = $0; sub(/^ *protection: \(/, "", p); sub(/\)$/, "", p); gsub(/,/, "", p)
		print zone, p
	     }' $D/zoneinfo | tr '\n' ';'
}

# bad_load PARAMS...: insmod must refuse PARAMS (its pr_err is expected)
bad_load() {
	if smm_expect_kerr smm_load "$@" 2> /dev/null; then
		smm_unload
		echo "insmod $* succeeded"
		return 1
	fi
	dmesg | grep shadowmm | tail -n 1
}

smm_unload
ktap_check "zones= without lowmem refused" \
	bad_load base="$SMM_BASE" size=64M zones=HighMem:32M,Movable:rest
ktap_check "movablecore= with a zones= naming Movable refused" \
	bad_load base="$SMM_BASE" size=64M zones="$ZONES" movablecore=8M
smm_load_or_fail base="$SMM_BASE" size=64M zones="$ZONES" min_free_kbytes=1024

ktap_check "zone show names the five zones" json_expect "$(zones)" \
	'[.zones[] | "\(.name):\(.managed)"] | join(" ")' \
	"DMA:1024 DMA32:3072 Normal:4096 HighMem:4096 Movable:4096"
ktap_check "zoneinfo lists every zone" \
	test "$(awk '$1 == "Node" { printf "%s ", $4 }' $D/zoneinfo)" = "DMA DMA32 Normal HighMem Movable "
ktap_check "buddyinfo lists HighMem and Movable" \
	test "$(awk '{ printf "%s ", $4 }' $D/buddyinfo)" = "DMA DMA32 Normal HighMem Movable "
# __setup_per_zone_wmarks() of 6.1, min_free_kbytes 1024 (256 pages) over
# the 12288 pages that are not HighMem; HighMem's min clamped to 32
# (Documentation/fidelity.md; core zones_lowmem_reserve_and_watermarks_five_zones)
ktap_check "watermarks as 6.1 (HighMem's min clamped)" \
	test "$(zoneinfo_lines wmark)" = "DMA 21 26 31;DMA32 64 80 96;Normal 85 106 127;HighMem 32 53 74;Movable 85 106 127;"
# setup_per_zone_lowmem_reserve(): ratios 256 256 32 0 0; six entries
# (Device, empty, repeats Movable's)
ktap_check "protection tuples as 6.1" test "$(zoneinfo_lines protection)" = \
	"DMA 0 12 28 44 60 60;DMA32 0 0 16 32 48 48;Normal 0 0 0 128 256 256;HighMem 0 0 0 0 0 0;Movable 0 0 0 0 0 0;"

# A space's pages: GFP_HIGHUSER_MOVABLE, so Movable first.
sid=$(smmctl -j space create | jq -r .id)
fault_64() {
	smmctl space mmap "$sid" addr 0x400000 len 0x40000 > /dev/null &&
		smmctl space access "$sid" addr 0x400000 len 0x40000 write value 0x5a > /dev/null
}
ktap_check "64 pages written through a space" fault_64
ktap_check "the space's 64 pages are in Movable" test "$(used Movable)" -eq 64
ktap_check "none in HighMem (Movable comes first)" test "$(used HighMem)" -eq 0

# Slab: a cache and 2000 objects of 512 bytes (about 63 pages) stay in lowmem.
slab_2000() {
	smmctl cache create zt size 512 > /dev/null &&
		smmctl obj alloc zt count 2000 > /dev/null
}
ktap_check "a cache and 2000 objects allocated" slab_2000
ktap_check "slab and page tables left HighMem and Movable alone" \
	test "$(used HighMem) $(used Movable)" = "0 64"

# memory hot-remove of Movable (Documentation/cma.md): the pageblock
# holding the space's pages goes offline, its pages migrated out (to any zone they may use)
csum() { smmctl -j space access "$sid" addr 0x400000 len 0x40000 | jq -r .csum; }
sum0=$(csum)
mov_start=$(json_get "$(zones)" '[.zones[] | select(.name == "Movable") | .start][0]')
first=$(smmctl -j frame show "$mov_start" | jq '[.runs[] | select(.state == "space")][0].start')
pb=$((first / 512 * 512))
offline_movable() {
	smmctl range offline "$pb" 512 || return 1
	[ "$(csum)" = "$sum0" ] || { echo "the space's data changed"; return 1; }
	case " $(smmctl -j frame show "$pb" 512 | jq -r '[.runs[].state] | unique | join(" ")') " in
	*" space "*) echo "space pages left in the offline pageblock"; return 1 ;;
	esac
	smmctl range online "$pb" 512 && smmctl check
}
ktap_check "range offline of the Movable pageblock with the space's pages, data kept, online" \
	offline_movable

k0=$(kmap kmap_local)
ktap_check "page alloc highmem lands in HighMem" \
	sh -c 'smmctl page alloc order 0 highmem zero > /dev/null && test "$(smmctl -j zone show |
		jq "[.zones[] | select(.name == \"HighMem\") | .managed - .free - .pcp][0]")" -eq 1'
ktap_check "its zeroing mapped it once (kmap_local +1, none open)" \
	test "$(( $(kmap kmap_local) - k0 )) $(kmap kmap_open)" = "1 0"
ktap_check "check passes" smmctl check

# Lowmem exhausted by movable-without-highmem, then unmovable requests
# (noretry: no OOM kill): they fail rather than take HighMem or Movable.
smmctl space destroy "$sid" > /dev/null
smmctl reset > /dev/null
exhaust() {
	for what in "type Movable" ""; do
		# shellcheck disable=SC2086
		while smmctl page alloc order 0 count 512 $what noretry > /dev/null 2>&1; do :; done
		# shellcheck disable=SC2086
		while smmctl page alloc order 0 count 32 $what noretry > /dev/null 2>&1; do :; done
		# shellcheck disable=SC2086
		while smmctl page alloc order 0 $what noretry > /dev/null 2>&1; do :; done
	done
	[ "$(used Normal)" -gt 4000 ] || { echo "Normal not exhausted: $(used Normal) used"; return 1; }
}
ktap_check "lowmem exhausted by unmovable and plain movable requests" exhaust
ktap_check "none of them in HighMem or Movable" test "$(used HighMem) $(used Movable)" = "0 0"
ktap_check "highmem type Movable still lands in Movable" \
	sh -c 'smmctl page alloc order 0 highmem type Movable > /dev/null && test "$(smmctl -j zone show |
		jq "[.zones[] | select(.name == \"Movable\") | .managed - .free - .pcp][0]")" -eq 1'
ktap_check "check passes with lowmem exhausted" smmctl check
smmctl reset > /dev/null
ktap_check "reset returns every zone to fully free" json_expect "$(zones)" \
	'[.zones[] | .free == .managed] | all' true
smm_unload

# movablecore=: the top of a by-address range, in 1024-frame steps.
smm_load_or_fail base="$SMM_BASE" size=64M movablecore=16M
ktap_check "movablecore=16M carves the top 4096 frames into Movable" json_expect "$(zones)" \
	'[.zones[] | select(.managed > 0) | "\(.name):\(.managed)"] | join(" ")' \
	"DMA32:12288 Movable:4096"
smm_unload
ktap_finished
