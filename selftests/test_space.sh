#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shadow address spaces: a sparse 1 GiB range (a 4K page every 16 MiB and
# a 2M page 4 MiB into each of the first four 16 MiB) mapped, every mapped
# page found by one walk of the whole range, in the shadow range, sampled
# pages translated to the same frames, table pages counted by level and in
# the frame map, bad requests refused with nothing changed, everything
# unmapped, and the buddy's free counts and CHECK back to the baseline.
# RESET destroys spaces too. Shadow processes: VMAs that merge and split,
# accesses that fault pages in (RSS, faults, A/D bits), data read back,
# SIGSEGV-like refusals, and everything freed with the space.
. "$(dirname "$0")/lib.sh"

BASE=0x40000000		# the sparse range: 1 GiB at 1 GiB, one PUD entry
STEP=0x1000000		# 16 MiB between 4K pages: 64 pages in 1 GiB
NR=64
HUGE=0x400000		# a 2M page this far into each of the first four steps

ktap_header
ktap_plan 36
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

free_counts() { smmctl -j zone show | jq -c '[.zones[] | .free + .pcp]'; }
smmctl reset > /dev/null
base_free=$(free_counts)
base_used=$(smm_used_frames)

id=$(smmctl -j space create | jq -r .id)
ktap_check "create a 4-level space" test "$id" = 1
ktap_check "a new space is its top table" json_expect "$(smmctl -j space show)" \
	'.spaces[0] | "\(.levels) \(.tables.PGD) \(.frames)"' "4 1 1"

map_sparse() {
	local i=0 va
	while [ $i -lt $NR ]; do
		va=$(printf '%#x' $((BASE + i * STEP + (i % 512) * 0x1000)))
		smmctl space map "$id" addr "$va" pages 1 write user || return 1
		i=$((i + 1))
	done
	for i in 0 1 2 3; do
		smmctl space map "$id" addr $((BASE + i * STEP + HUGE)) pages 1 size 2M write ||
			return 1
	done
}
ktap_check "map a sparse 1 GiB range (64 x 4K, 4 x 2M)" map_sparse

show=$(smmctl -j space show)
ktap_print_msg "$(smmctl space show | tr '\n' ' ')"
ktap_check "pages by size" json_expect "$show" '.spaces[0].mapped | "\(."4K") \(."2M")"' "$NR 4"
# 64 4K pages in 64 different 2 MiB regions: 64 PTE tables; 1 GiB at
# 1 GiB is one PUD entry, so one PMD table; one PUD table below the PGD.
ktap_check "table pages by level" json_expect "$show" \
	'.spaces[0].tables | "\(.PGD) \(.PUD) \(.PMD) \(.PTE)"' "1 1 1 $NR"

walk=$(smmctl -j pt walk space "$id" addr "$BASE" len 0x40000000)
ktap_check "one walk of the range finds every page" json_expect "$walk" \
	'[.steps[] | select(.kind == "page") | .size] | group_by(.) | map("\(.[0])x\(length)") | join(" ")' \
	"4096x$NR 2097152x4"
ktap_check "every page is in the shadow range, each its own frame" json_expect "$walk" \
	'[.steps[] | select(.kind == "page")] | [(map(.in_shadow and .pfn >= $lo and .pfn < $lo + 16384) | all), (map(.pfn) | unique | length)] | join(" ")' \
	"true $((NR + 4))" --argjson lo $((SMM_BASE >> 12))

# translate agrees with the walk: every 9th 4K page, and inside a 2M one
translate_sample() {
	local i=0 va phys want
	while [ $i -lt $NR ]; do
		va=$((BASE + i * STEP + (i % 512) * 0x1000))
		want=$(printf '%s' "$walk" | jq --argjson va "$va" '.steps[] | select(.addr == $va) | .pfn * 4096 + 291')
		phys=$(smmctl -j space translate "$id" addr $((va + 0x123)) | jq .phys)
		[ -n "$want" ] && [ "$phys" = "$want" ] || { echo "$va: translate $phys, walk $want"; return 1; }
		i=$((i + 9))
	done
	out=$(smmctl -j space translate "$id" addr $((BASE + STEP + HUGE + 0x5000)))
	json_expect "$out" '"\(.page_size) \(.flags | index("huge") != null)"' "2097152 true"
}
ktap_check "translate gives the walk's frames" translate_sample

map=$(smmctl -j frame show)
ktap_check "the frame map holds the table pages" json_expect "$map" \
	'[.runs[] | select(.state == "pgtable") | .count] | add' $((NR + 3))
ktap_check "and the mapped pages" json_expect "$map" \
	'[.runs[] | select(.state == "space") | .count] | add' $((NR + 4 * 512))
ktap_check "CHECK passes with a space" smmctl check

ktap_check "overlapping map refused" smm_refused "overlaps a mapping" \
	smmctl space map "$id" addr $((BASE + HUGE + 0x1000)) pages 1
ktap_check "unmapping a hole refused" smm_refused "not mapped" \
	smmctl space unmap "$id" addr $((BASE + 0x1000)) pages 1
ktap_check "misaligned huge page refused" smm_refused "not aligned" \
	smmctl space map "$id" addr $((BASE + 0x1000)) pages 1 size 2M
ktap_check "1G pages refused" smm_refused "2^18 contiguous frames" \
	smmctl space map "$id" addr 0x4000000000 pages 1 size 1G

unmap_all() {
	local i=0 va
	while [ $i -lt $NR ]; do
		va=$(printf '%#x' $((BASE + i * STEP + (i % 512) * 0x1000)))
		smmctl space unmap "$id" addr "$va" pages 1 || return 1
		i=$((i + 1))
	done
	for i in 0 1 2 3; do
		smmctl space unmap "$id" addr $((BASE + i * STEP + HUGE)) pages 512 || return 1
	done
	json_expect "$(smmctl -j space show)" '.spaces[0] | "\(.frames) \(.tables.PTE)"' "1 0"
}
ktap_check "unmap everything: only the top table is left" unmap_all
smmctl space destroy "$id"
smmctl reset > /dev/null
ktap_check "free counts back to the baseline" test "$(free_counts)" = "$base_free"

smmctl space create levels 5 > /dev/null
smmctl space map 1 addr 0x100000000000 pages 300 write > /dev/null
smmctl reset > /dev/null
ktap_check "RESET destroys spaces" json_expect "$(smmctl -j space show)" '.spaces | length' 0
ktap_check "allocated frames back to the baseline" test "$(smm_used_frames)" = "$base_used"

# --- shadow processes: VMAs and demand paging ---
vid=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$vid" addr 0x400000 len 0x10000 &&
	smmctl space mmap "$vid" addr 0x410000 len 0x4000 &&
	smmctl space mmap "$vid" addr 0x600000 len 0x1000 prot r--
ktap_check "adjacent rw- mmaps merge into one VMA" json_expect "$(smmctl -j space show "$vid")" \
	'[.maps[] | "\(.start)-\(.end) \(.perms)"] | join(",")' \
	"$((0x400000))-$((0x414000)) rw-,$((0x600000))-$((0x601000)) r--"
ktap_check "mmap maps nothing yet" json_expect "$(smmctl -j space show "$vid")" '.VmRSS' 0
acc=$(smmctl -j space access "$vid" addr 0x400000 len 0x14000 write)
ktap_check "a write of 20 pages faults 20 pages in" json_expect "$acc" '"\(.pages) \(.faults)"' "20 20"
# the LRU: zoneinfo's nr_zone_* lines and ZONE_GET's lru counts, summed over zones
lru_counts() {
	local fs nl
	fs=$(awk '$1 == "nr_zone_inactive_anon" { i += $2 } $1 == "nr_zone_active_anon" { a += $2 }
		  END { print i + 0, a + 0 }' /sys/kernel/debug/shadowmm/zoneinfo)
	nl=$(smmctl -j zone show | jq -r '"\([.zones[].lru.inactive_anon] | add) \([.zones[].lru.active_anon] | add)"')
	[ "$fs" = "$nl" ] || { echo "zoneinfo $fs, netlink $nl"; return 1; }
	echo "$fs"
}
ktap_check "faulted pages are on the inactive anon lists (zoneinfo = ZONE_GET)" \
	test "$(lru_counts)" = "20 0"
ktap_check "VmRSS, min_flt and pgfault count them" json_expect "$(smmctl -j space show "$vid")" \
	'"\(.VmRSS) \(.min_flt) \(.maj_flt) \(.pgfault >= 20)"' "80 20 0 true"
ktap_check "the MMU set accessed and dirty" json_expect \
	"$(smmctl -j space translate "$vid" addr 0x403000)" \
	'[.flags[] | select(. == "accessed" or . == "dirty")] | join(" ")' "accessed dirty"
data_survives() {
	local a b fresh
	smmctl space access "$vid" addr 0x401000 len 4096 write value 0x1234 > /dev/null &&
		smmctl space access "$vid" addr 0x402000 len 4096 write value 0x1234 > /dev/null || return 1
	a=$(smmctl -j space access "$vid" addr 0x401000 len 4096 | jq -r .csum)
	b=$(smmctl -j space access "$vid" addr 0x402000 len 4096 | jq -r .csum)
	fresh=$(smmctl -j space access "$vid" addr 0x600000 len 4096 | jq -r .csum)
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$fresh" ] || { echo "csums $a $b fresh $fresh"; return 1; }
}
ktap_check "what a write stored reads back (same value, same checksum)" data_survives
smmctl space munmap "$vid" addr 0x404000 len 0x4000
smmctl space show "$vid" | while IFS= read -r line; do ktap_print_msg "$line"; done
ktap_check "munmap in the middle splits the VMA and frees its pages" json_expect \
	"$(smmctl -j space show "$vid")" '"\(.maps | length) \(.VmRSS) \(.map_count)"' "3 68 3"
ktap_check "overlapping mmap refused" smm_refused "overlaps a VMA" \
	smmctl space mmap "$vid" addr 0x40f000 len 0x2000
ktap_check "a write to a read-only VMA is a SIGSEGV" smm_refused "write to a read-only mapping" \
	smmctl space access "$vid" addr 0x600000 write
ktap_check "an access outside every VMA is a SIGSEGV" smm_refused "no mapping at the address" \
	smmctl space access "$vid" addr 0x405000
ktap_check "munmap took its pages off the LRU" test "$(lru_counts)" = "17 0"
ktap_check "their records fill part of one page of state lru" \
	test "$(smmctl -j frame show | jq '[.runs[] | select(.state == "lru") | .count] | add')" = 1
ktap_check "CHECK passes with faulted pages" smmctl check
smmctl space destroy "$vid"
ktap_check "destroying the space empties the LRU lists" test "$(lru_counts)" = "0 0"
ktap_check "and gives the LRU record pages back" \
	test "$(smmctl -j frame show | jq '[.runs[]? | select(.state == "lru")] | length')" = 0
ktap_check "destroying the space frees its faulted pages" \
	test "$(smm_used_frames)" = "$base_used"

smm_unload
ktap_finished
