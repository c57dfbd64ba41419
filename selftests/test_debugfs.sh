#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The debugfs views keep the kernel's formats line by line, and after a
# scripted mix of allocations they say what the netlink view says.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm

ktap_header
ktap_plan 14
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest

# every line of FILE matches the extended regex RE
lines_match() {
	awk -v re="$2" '$0 !~ re { print "line " NR " does not match: [" $0 "]"; bad = 1 }
			END { exit bad }' "$1"
}

ktap_check "buddyinfo layout" lines_match $D/buddyinfo \
	'^Node 0, zone +(DMA|DMA32|Normal)( +[0-9]+){11} $'
ktap_check "unusable_index layout" lines_match $D/unusable_index \
	'^Node 0, zone +(DMA|DMA32|Normal)( [0-9]\.[0-9]{3}){11} $'
ktap_check "extfrag_index layout" lines_match $D/extfrag_index \
	'^Node 0, zone +(DMA|DMA32|Normal)( +-?[0-9]\.[0-9]{3}){11} $'
ktap_check "fresh module: only order-10 blocks, 2/6/8 by zone" lines_match $D/buddyinfo \
	'^Node 0, zone +(DMA( +0){10} +2|DMA32( +0){10} +6|Normal( +0){10} +8) $'

# A scripted mix: orders 0..10, every migratetype, some freed again.
for o in 0 1 2 3 4 5; do
	smmctl page alloc order $o count 7 type Movable > /dev/null
	smmctl page alloc order $o count 3 type Unmovable zone DMA32 > /dev/null
	smmctl page alloc order $o count 2 type Reclaimable zone DMA > /dev/null
done
h=$(smmctl page alloc order 0 count 64 | awk 'NR % 3')
# shellcheck disable=SC2086
smmctl page free $h > /dev/null
smmctl page alloc order 10 > /dev/null

z=$(smmctl -j zone show)
buddy_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) | "\(.name) \(.nr_free | join(" "))"')
buddy_fs=$(awk '{ printf "%s", $4; for (i = 5; i <= NF; i++) printf " %s", $i; print "" }' \
	$D/buddyinfo)
same() { [ "$1" = "$2" ] || { printf 'netlink:\n%s\ndebugfs:\n%s\n' "$1" "$2"; return 1; }; }
ktap_check "buddyinfo agrees with smmctl zone show" same "$buddy_nl" "$buddy_fs"

# zoneinfo lists the empty zones too (HighMem, Movable), as the kernel's: compare the populated
free_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) | "\(.name) \(.free)"')
free_fs=$(awk '/^Node/ { zone = $4 } /^  pages free/ { free = $3 }
	$1 == "managed" && $2 > 0 { print zone, free }' $D/zoneinfo)
ktap_check "zoneinfo pages free agrees" same "$free_nl" "$free_fs"
wm_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) | "\(.min) \(.low) \(.high) \(.managed)"')
wm_fs=$(awk '/ min / { a = $2 } / low / { b = $2 } / high / { c = $2 }
	     / managed / && $2 > 0 { print a, b, c, $2 }' $D/zoneinfo)
ktap_check "zoneinfo watermarks and managed agree" same "$wm_nl" "$wm_fs"
# a free_factor per online CPU in each populated zone, CPU ids as zoneinfo's pagesets
ff_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) |
	"\(.name) \([.pcp_free_factor[].cpu] | join(" "))"')
ff_fs=$(awk '/^Node/ { if (s != "") print s; zone = $4; s = "" }
	     /^    cpu: / { s = (s == "" ? zone " " $2 : s " " $2) }
	     END { if (s != "") print s }' $D/zoneinfo)
ktap_check "a pcp free_factor for each CPU zoneinfo lists" same "$ff_nl" "$ff_fs"

ext_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) |
	[.extfrag_index[] | tostring] | join(" ")')
ext_fs=$(awk '{ s = ""; for (i = 5; i <= NF; i++) s = s (i > 5 ? " " : "") ($i + 0); print s }' \
	$D/extfrag_index)
ktap_check "extfrag_index agrees" same "$ext_nl" "$ext_fs"
unu_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) |
	[.unusable_index[] | tostring] | join(" ")')
unu_fs=$(awk '{ s = ""; for (i = 5; i <= NF; i++) s = s (i > 5 ? " " : "") ($i + 0); print s }' \
	$D/unusable_index)
ktap_check "unusable_index agrees" same "$unu_nl" "$unu_fs"

pt_nl=$(echo "$z" | jq -r '.zones[] | select(.managed > 0) | . as $z |
	("Unmovable", "Movable", "Reclaimable", "HighAtomic") as $t |
	"\($z.name) \($t) \([$z.nr_free_mt[$t][] | tostring] | join(" "))"')
pt_fs=$(awk '/, type / && $6 != "Isolate" && $6 != "CMA" {
	sub(",", "", $4); s = $4 " " $6; for (i = 7; i <= NF; i++) s = s " " $i; print s }' \
	$D/pagetypeinfo)
ktap_check "pagetypeinfo free counts agree" same "$pt_nl" "$pt_fs"
ktap_check "pagetypeinfo headers" sh -c "head -4 $D/pagetypeinfo | grep -q '^Page block order: 9\$' &&
	grep -q '^Pages per block:  512\$' $D/pagetypeinfo &&
	grep -q '^Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \$' $D/pagetypeinfo"

# A fallback steal from a block under a pageblock boosts the zone
# (boost_watermark()). DMA (8 MiB: four pageblocks, the least a zone
# boosts with), the lowest zone, so that nothing spills below it: filled
# with movable order-8 blocks (reserve: past its watermarks), one freed,
# then an unmovable order-8 request, which can only take that one. The
# boost is a pageblock; zoneinfo's "boost" and ZONE_GET's agree, and
# both raised the marks by it.
smmctl reset > /dev/null
raw_min=$(smmctl -j zone show DMA | jq '.zones[0].min')
n=$(smmctl -j zone show DMA | jq '.zones[0].free / 256 | floor')
h=$(smmctl page alloc order 8 count "$n" zone DMA type Movable reserve | head -n 1)
smmctl page free "$h" > /dev/null
smmctl page alloc order 8 zone DMA type Unmovable reserve > /dev/null
z=$(smmctl -j zone show DMA)
boosted() {
	nl=$(echo "$z" | jq -r '.zones[0] | "\(.boost) \(.min - .boost) \(.free)"')
	fs=$(awk '/^Node/ { zone = $4 } zone == "DMA" && $1 == "boost" { b = $2 }
		  zone == "DMA" && $1 == "min" && NF == 2 { m = $2 - b }
		  zone == "DMA" && $1 == "managed" { print b, m }' $D/zoneinfo)
	echo "# DMA boost, min less boost, free: netlink '$nl', zoneinfo '$fs'; min before $raw_min, $n blocks taken"
	[ "$nl" = "512 $raw_min 0" ] && [ "$fs" = "512 $raw_min" ]
}
ktap_check "a steal boosts DMA by a pageblock; zoneinfo and zone show agree" boosted

# A fresh module (no boost, no stolen pageblock), DMA filled with movable
# frames down to its low watermark: a GFP_ATOMIC order-2 request fails
# the fast path, is served by the slow one and reserves its pageblock
# (reserve_highatomic_pageblock()): a HighAtomic block in DMA.
smmctl reset > /dev/null
smm_unload
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest
n=$(smmctl -j zone show | jq '.zones[] | select(.name == "DMA") | .free - .low')
smmctl page alloc order 0 count "$n" zone DMA type Movable reserve > /dev/null
smmctl page alloc order 2 zone DMA atomic high > /dev/null
ktap_check "atomic order-2 below low: a HighAtomic pageblock in DMA" \
	awk '$4 == "DMA" && NF == 10 { found = 1; ok = $8 >= 1 } END { exit !(found && ok) }' \
	$D/pagetypeinfo

smmctl reset > /dev/null
smm_unload
ktap_finished
