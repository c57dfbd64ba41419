#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Slab policies side by side (issue 20): per policy (slub, slab, slob) a
# cache of 10,000 objects allocated through netlink, freed in random
# order, the free counts back where they started and VALIDATE and CHECK
# clean; SLAB's slabinfo line (its tunables, slabdata), cache_reap()
# draining its arrays every 2 s, and cache tune (refused by name, or for
# a SLUB cache); SLOB's shared heap ("slob-heap": its
# pages, its units) and its big objects straight from the buddy;
# refusals that name the reason (SLAB takes no store_user, SLOB no debug
# flags, the heap is built in); VALIDATE finds a corrupted object where
# the policy has debugging (SLUB's red zone, SLAB's red zone and poison)
# and SLOB refuses the corruption it could not see; RESET with live SLOB objects; a load with
# slab_policy=slab whose kmalloc caches are SLAB's.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 48
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M debug_corrupt=1

check_ok() { smmctl check > /dev/null; }
caches() { smmctl -j cache show; }
cache_get() { json_get "$(caches)" "[.caches[] | select(.name == \"$1\") | .$2][0]"; }
avail() { smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add'; }
# obj_alloc NAME COUNT: the handles, one per line, in smmctl's hex (jq's
# doubles would round the handles of tags past 2^13 off their objects)
obj_alloc() { smmctl obj alloc "$1" count "$2"; }
# the lines of stdin in an order of seed $1
shuffle() { awk -v s="$1" 'BEGIN { srand(s) } { printf "%.9f\t%s\n", rand(), $0 }' | sort -n | cut -f 2; }
slab_frames_agree() {
	in_map=$(smmctl -j frame show | jq '[.runs[] | select(.state == "slab") | .count] | add')
	in_caches=$(caches | jq '[.caches[] | .num_slabs * pow(2; .order)] | add')
	[ "$in_map" = "$in_caches" ] && [ "$in_map" -gt 0 ] && return 0
	echo "frame map: $in_map slab frames; caches: $in_caches"
	return 1
}

# run_policy POLICY: the done-criterion for one policy (5 checks)
run_policy() {
	p=$1
	start=$(avail)
	smmctl cache create "p-$p" size 100 policy "$p" > /dev/null
	all=$( (obj_alloc "p-$p" 4096; obj_alloc "p-$p" 4096; obj_alloc "p-$p" 1808) )
	ktap_check "$p: 10,000 objects allocated" test "$(cache_get "p-$p" active_objs)" -eq 10000
	ktap_check "$p: the frame map shows every slab frame" slab_frames_agree
	ktap_check "$p: validate finds nothing with 10,000 live" smmctl cache validate "p-$p"
	echo "$all" | shuffle 20 | xargs -n 1000 smmctl obj free "p-$p" > /dev/null
	ktap_check "$p: freed in random order, none live" test "$(cache_get "p-$p" active_objs)" -eq 0
	smmctl cache shrink "p-$p" > /dev/null
	smmctl cache destroy "p-$p"
	ktap_check "$p: free counts are back where they started" test "$(avail)" -eq "$start"
}

# --- the policy is chosen at creation and shown ---
ktap_check "no policy: slub" smmctl cache create dflt size 64
ktap_check "cache show prints the policy" json_expect "$(smmctl -j cache show dflt)" \
	'.caches[0].policy' slub
ktap_check "no slob heap before the first slob cache" json_expect "$(caches)" \
	'[.caches[] | select(.name == "slob-heap")] | length' 0
ktap_check "policy slob" smmctl cache create s size 24 policy slob
ktap_check "the slob cache and its heap show policy slob" json_expect "$(caches)" \
	'[.caches[] | select(.policy == "slob") | .name] | sort | join(" ")' "s slob-heap"
ktap_check "the heap is built in, of 2-byte units, 2048 a page" json_expect \
	"$(smmctl -j cache show slob-heap)" '.caches[0] | "\(.builtin) \(.size) \(.objs_per_slab)"' \
	"true 2 2048"

# --- refusals ---
ktap_check "slab refuses store_user (6.7's owner word is not modelled)" \
	smm_refused "not store_user" smmctl cache create x size 64 policy slab store_user
ktap_check "an unknown policy is refused by smmctl" \
	smm_refused "slub, slab or slob" smmctl cache create x size 64 policy slub2
ktap_check "slob refuses debug flags" \
	smm_refused "no flags but hwcache_align" smmctl cache create x size 64 policy slob red_zone
ktap_check "the heap's name is not for users" \
	smm_refused "SLOB's own" smmctl cache create slob-heap size 64
ktap_check "the heap cannot be destroyed" smm_refused "built in" smmctl cache destroy slob-heap

# --- the done-criterion per policy ---
run_policy slub
run_policy slab
run_policy slob
ktap_check "the heap gave every page back" test "$(cache_get slob-heap num_slabs)" -eq 0

# --- SLOB's objects share pages; big ones come from the buddy ---
a=$(obj_alloc s 1)
ktap_check "a slob object names its cache through its header" \
	smm_refused "belongs to another cache" smmctl obj free dflt "$a"
smmctl cache create big size 5000 policy slob > /dev/null
b=$(obj_alloc big 10)
ktap_check "big slob objects: order-1 blocks of one object" json_expect \
	"$(smmctl -j cache show big)" '.caches[0] | "\(.order) \(.objs_per_slab) \(.num_slabs)"' "1 1 10"
# shellcheck disable=SC2086
smmctl obj free big $b > /dev/null
ktap_check "freed, they go straight back" test "$(cache_get big num_slabs)" -eq 0

# --- debugging where the policy had it ---
smmctl cache create dbg size 64 red_zone > /dev/null
d=$(obj_alloc dbg 1)
smmctl obj corrupt dbg "$d" redzone > /dev/null
ktap_check "slub with red zones: validate finds the overrun" \
	smm_expect_kerr smm_refused "problems found" smmctl cache validate dbg
ktap_check "slob has no debugging: corruption refused" \
	smm_refused "no debugging" smmctl obj corrupt s "$a" redzone
# SLAB's DEBUG build: red zones and poison, checked by VALIDATE
smmctl cache create sdbg size 100 policy slab red_zone poison > /dev/null
d=$(obj_alloc sdbg 3)
smmctl cache validate sdbg > /dev/null
# shellcheck disable=SC2086 # three handles
set -- $d
smmctl obj corrupt sdbg "$1" redzone > /dev/null
ktap_check "slab with red zones: validate finds the overrun" \
	smm_expect_kerr smm_refused "problems found" smmctl cache validate sdbg
# the free finds the overrun too (reported, repaired, freed)
smm_expect_kerr smmctl obj free sdbg "$1" > /dev/null 2>&1
smmctl obj corrupt sdbg "$2" after_free > /dev/null
ktap_check "slab with poison: validate finds the write after free (in an array cache)" \
	smm_expect_kerr smm_refused "problems found" smmctl cache validate sdbg

# --- SLAB's slabinfo: real tunables; cache_reap() every 2 s ---
D=/sys/kernel/debug/shadowmm
slabinfo_of() { awk -v n="$1" '$1 == n' $D/slabinfo; }
case $(cat /sys/devices/system/cpu/possible) in *-*|*,*) shared=8 ;; *) shared=0 ;; esac
smmctl cache create t256 size 256 policy slab > /dev/null
t=$(obj_alloc t256 300)
tunables_ok() {
	line=$(slabinfo_of t256)
	echo "$line"
	echo "$line" | awk -v sh="$shared" '$7 == ":" && $8 == "tunables" && $9 == 120 &&
		$10 == 60 && $11 == sh && $12 == ":" && $13 == "slabdata" && $14 <= $15 &&
		$4 == 256 && $5 == 16 { ok = 1 } END { exit !ok }'
}
ktap_check "slab: slabinfo shows limit 120, batchcount 60, sharedfactor $shared" tunables_ok
ktap_check "slub: slabinfo's tunables stay 0 0 0" sh -c \
	"awk '\$1 == \"dflt\"' $D/slabinfo | grep -q 'tunables    0    0    0'"
# shellcheck disable=SC2086
smmctl obj free t256 $t > /dev/null
# the objects freed sit in array caches (active for slabinfo) until reaped
freed_active=$(slabinfo_of t256 | awk '{ print $2 }')
reaped() {
	i=0
	while [ "$i" -lt 30 ]; do
		now=$(slabinfo_of t256 | awk '{ print $2 }')
		[ "$now" -lt "$freed_active" ] && return 0
		sleep 0.5
		i=$((i + 1))
	done
	echo "active_objs still $now of $freed_active after 15 s"
	return 1
}
ktap_check "cache_reap() drains the array caches within seconds" reaped
ktap_check "slab: validate clean after reaping" smmctl cache validate t256
# --- cache tune: /proc/slabinfo's write (do_tune_cpucache()) ---
[ "$shared" = 0 ] && tshared=0 || tshared=2
t=$(obj_alloc t256 100)
tuned() {
	smmctl cache tune t256 limit 16 batch 8 shared 2 || return 1
	json_expect "$(smmctl -j cache show t256)" \
		'.caches[0] | "\(.limit) \(.batchcount) \(.shared) \(.active_objs)"' \
		"16 8 $tshared 100" || return 1
	slabinfo_of t256 | grep -q "tunables   16    8    $tshared" ||
		{ slabinfo_of t256; return 1; }
}
ktap_check "cache tune limit 16 batch 8 shared 2: cache show and slabinfo say so, 100 still live" \
	tuned
ktap_check "tuned with live objects: validate clean" smmctl cache validate t256
# shrink first: the arrays drained and the free slabs gone, so that
# cache_reap() has nothing to free between smm_refused's two counts of
# the allocated frames (it once freed a slab there on 2 vCPUs)
refused_unchanged() {
	smmctl cache shrink t256 > /dev/null &&
	smm_refused "batchcount: 1 to the limit" smmctl cache tune t256 limit 8 batch 9 &&
	smm_refused "limit: 1 to 4096" smmctl cache tune t256 limit 0 batch 1 &&
	json_expect "$(smmctl -j cache show t256)" '.caches[0] | "\(.limit) \(.batchcount)"' "16 8"
}
ktap_check "batch above limit, limit 0: refused by name, nothing changed" refused_unchanged
ktap_check "a slub cache has no tunables: refused" \
	smm_refused "only a SLAB cache" smmctl cache tune dflt limit 8 batch 4
# shellcheck disable=SC2086
smmctl obj free t256 $t > /dev/null
smmctl cache destroy t256 > /dev/null

# --- RESET with live slob objects ---
obj_alloc s 500 > /dev/null
# reset frees the overrun object of dbg too, which reports it again
smm_expect_kerr smmctl reset > /dev/null
ktap_check "reset destroys the slob caches and frees their objects" json_expect "$(caches)" \
	'"\([.caches[] | select(.builtin | not)] | length) \([.caches[].active_objs] | add) \([.caches[] | select(.name == "slob-heap") | .num_slabs] | add)"' "0 0 0"
ktap_check "check passes at the end" check_ok

# --- slab_policy=slab: the kmalloc caches are SLAB's ---
smm_unload
ktap_check "loads with slab_policy=slab" smm_load base=$SMM_BASE size=64M slab_policy=slab
ktap_check "every kmalloc cache is slab" json_expect "$(caches)" \
	'[.caches[] | select(.name | startswith("kmalloc-")) | .policy] | unique | join(" ")' "slab"
ktap_check "kmalloc-256's slabinfo line has SLAB's tunables" sh -c \
	"awk '\$1 == \"kmalloc-256\" && \$9 == 120 && \$10 == 60' $D/slabinfo | grep -q ."
# shellcheck disable=SC2086
slub_beside_slab() {
	smmctl cache create q size 64 policy slub > /dev/null &&
	q=$(obj_alloc q 100) && smmctl obj free q $q > /dev/null && smmctl cache destroy q &&
	smmctl cache validate > /dev/null && smmctl check > /dev/null
}
ktap_check "a slub cache beside SLAB's kmalloc caches; validate and check clean" \
	slub_beside_slab

smm_unload
ktap_finished
