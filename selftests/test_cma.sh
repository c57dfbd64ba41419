#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CMA area and memory hot-remove (Documentation/cma.md), on a
# 16 MiB range loaded with cma=4M: the top two pageblocks of Normal are
# MIGRATE_CMA (cma show, pagetypeinfo's CMA column and block count,
# meminfo's CmaTotal); unmovable netlink pages never land there; a
# shadow process's movable pages fill part of it; cma alloc of a
# pageblock migrates them out and the space still reads its data; cma
# free gives the pageblock back. range offline of a Normal pageblock
# holding the space's pages migrates them (present drops by 512, range
# show lists it, the data reads back), range online restores it; a
# pageblock with a netlink page is refused with the reason, as an
# unaligned range is; a cma alloc over a pinned (netlink, movable)
# page fails cleanly. CHECK after each step; RESET gives all back.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
A=0x40000000
LEN=0x800000		# 8 MiB of the space

ktap_header
ktap_plan 19
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest cma=4M

cma=$(smmctl -j cma show)
base=$(echo "$cma" | jq .base)
ktap_check "cma show: 1024 frames of Normal, at the top" json_expect "$cma" \
	'"\(.count) \(.zone) \(.used)"' "1024 Normal 0"
ktap_check "pagetypeinfo: the CMA column, 2 CMA pageblocks in Normal" sh -c \
	"grep -q '^Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \$' $D/pagetypeinfo &&
	 awk '\$1 == \"Node\" && \$4 == \"Normal\" && NF == 10 { found = (\$9 == 2) } END { exit !found }' $D/pagetypeinfo"
ktap_check "meminfo: CmaTotal 4096 kB" sh -c "grep -q '^CmaTotal: *4096 kB\$' $D/meminfo"

# frames of state $1 in the CMA area
in_area() {
	smmctl -j frame show "$base" 1024 |
		jq --arg s "$1" '[.runs[] | select(.state == $s) | .count] | add // 0'
}
smmctl page alloc order 0 count 512 > /dev/null
ktap_check "512 unmovable pages: none in the CMA area" test "$(in_area page)" = 0

id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr $A len $LEN
smmctl space access "$id" addr $A len $LEN write > /dev/null
csum() { smmctl -j space access "$id" addr $A len $LEN | jq -r .csum; }
sum0=$(csum)
ktap_print_msg "the space's pages in the CMA area: $(in_area space)"
ktap_check "movable pages fill part of the area" test "$(in_area space)" -gt 0
ktap_check "check" smmctl check

h=$(smmctl -j cma alloc 512 align 9 | jq -r .handle)
ktap_check "cma alloc 512 align 9: a pageblock of the area" sh -c \
	"[ $h -ge $base ] && [ \$(($h % 512)) = 0 ] && [ \$(smmctl -j cma show | jq .used) = 512 ]"
ktap_check "the space reads its data after cma alloc" test "$(csum)" = "$sum0"
ktap_check "check after cma alloc" smmctl check
ktap_check "cma free" sh -c "smmctl cma free $h && [ \$(smmctl -j cma show | jq .used) = 0 ]"
ktap_check "cma free of an unknown handle refused" smm_refused "no CMA allocation" \
	smmctl cma free $((h + 1))

# a Normal pageblock below the area holding the space's pages and nothing unmovable
movable_pb() {
	pb=0
	while [ $pb -lt "$base" ]; do
		s=$(smmctl -j frame show $pb 512 | jq -r '[.runs[].state] | unique | join(" ")')
		case " $s " in
		*" space "*) case "$s" in *page*|*pgtable*|*lru*|*slab*) ;; *) echo $pb; return ;; esac ;;
		esac
		pb=$((pb + 512))
	done
}
pb=$(movable_pb)
present() { smmctl -j zone show Normal | jq '.zones[0].present'; }
p0=$(present)
ktap_check "range offline $pb 512 (the space's pages in it)" smmctl range offline "$pb" 512
ktap_check "present dropped by 512, range show lists it" sh -c \
	"[ \$(($p0 - 512)) = $(present) ] &&
	 [ \"\$(smmctl -j range show | jq -c '[.offline[] | .start, .count]')\" = '[$pb,512]' ]"
ktap_check "the space reads its data after offline" test "$(csum)" = "$sum0"
ktap_check "range online, check" sh -c \
	"smmctl range online $pb 512 && [ \$(smmctl -j zone show Normal | jq '.zones[0].present') = $p0 ] &&
	 smmctl check"

nl=$(smmctl -j frame show | jq '[.runs[] | select(.state == "page")][0].start')
ktap_check "offline of a pageblock with a netlink page refused" smm_refused "unmovable" \
	smmctl range offline $((nl / 512 * 512)) 512
ktap_check "an unaligned range refused" smm_refused "whole pageblocks" smmctl range offline 1 512

# a pinned page in the area: movable netlink pages until the area holds some
smmctl reset > /dev/null
smmctl page alloc order 0 type Movable count 2600 > /dev/null 2>&1
ktap_print_msg "netlink pages in the CMA area: $(in_area page)"
pinned_refused() {
	[ "$(in_area page)" -gt 0 ] || { echo "no netlink page in the area"; return 1; }
	smm_refused "unmovable" smmctl cma alloc 1024 || return 1
	json_expect "$(smmctl -j cma show)" '"\(.used) \(.alloc_fail)"' "0 1"
}
ktap_check "cma alloc over a pinned page fails, nothing taken" pinned_refused
ktap_check "reset, check" sh -c "smmctl reset > /dev/null && smmctl check"

smm_unload
ktap_finished
