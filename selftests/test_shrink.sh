#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shrinkers (issue 17): swap off, a reclaimable cache (reclaim_account)
# holding 4000 cached objects (obj alloc ... cached: on the cache's LRU,
# no handles) and 8 objects held by handle. cache show counts the
# cached ones; smmctl reclaim (proactive reclaim, no anon page to take)
# reclaims from the shrinker alone: slabs_scanned grows, the cached
# count drops, nr_slab_reclaimable falls; the held objects survive
# (obj free frees all 8 after); a cache without reclaim_account refuses
# cached objects with the reason and nothing allocated; cache drop
# (drop_caches 2) frees every cached object; destroy without force
# frees the cached objects; CHECK.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm

ktap_header
ktap_plan 14
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

val() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
cached() { smmctl -j cache show "$1" | jq '.caches[0].cached'; }

ktap_check "swap is off" json_expect "$(smmctl -j swap show)" .on false
ktap_check "cache create dentry size 192 reclaim_account" \
	smmctl cache create dentry size 192 reclaim_account
held=$(smmctl obj alloc dentry count 8)
ktap_check "8 objects held by handle" test "$(echo "$held" | wc -l)" -eq 8
ktap_check "obj alloc dentry count 4000 cached" smmctl obj alloc dentry count 4000 cached
ktap_check "cache show counts 4000 cached" test "$(cached dentry)" -eq 4000
scanned0=$(val slabs_scanned)
slab0=$(val nr_slab_reclaimable)
ktap_print_msg "slabs_scanned $scanned0 nr_slab_reclaimable $slab0"
ktap_check "reclaim pages 32 with swap off (shrinker only)" \
	sh -c "test \$(smmctl -j reclaim pages 32 | jq .reclaimed) -ge 32"
ktap_print_msg "slabs_scanned $(val slabs_scanned) nr_slab_reclaimable $(val nr_slab_reclaimable)" \
	"cached $(cached dentry) pswpout $(val pswpout)"
ktap_check "slabs_scanned grew, nr_slab_reclaimable fell" \
	sh -c "test $(val slabs_scanned) -gt $scanned0 && test $(val nr_slab_reclaimable) -lt $slab0"
ktap_check "cached count dropped" test "$(cached dentry)" -lt 4000
# shellcheck disable=SC2086 # one handle per word
ktap_check "held objects survive: obj free frees all 8" \
	json_expect "$(smmctl -j obj free dentry $held)" .freed 8
smmctl cache create plain size 64 > /dev/null
ktap_check "a cache without reclaim_account refuses cached" \
	smm_refused "reclaimable cache" smmctl obj alloc plain count 10 cached
ktap_check "obj alloc dentry count 100 cached, again" smmctl obj alloc dentry count 100 cached
drop_all() {
	want=$(cached dentry)
	got=$(smmctl -j cache drop | jq .freed) || return 1
	left=$(cached dentry)
	[ "$got" -eq "$want" ] && [ "$left" -eq 0 ] ||
		{ echo "cached $want, drop freed $got, $left left"; return 1; }
}
ktap_check "cache drop frees every cached object (drop_caches 2)" drop_all
smmctl obj alloc dentry count 50 cached > /dev/null
ktap_check "destroy without force frees the cached objects" \
	sh -c "smmctl cache destroy dentry && smmctl cache destroy plain"
ktap_check "CHECK" smmctl check
smm_unload
ktap_finished
