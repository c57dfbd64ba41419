#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Slab caches through netlink: the kmalloc caches, every cache and obj
# command, refusals that name the problem and change nothing, debugfs
# slabinfo in the /proc/slabinfo 2.1 format agreeing with the netlink
# view, slabs in the frame map, RESET, and the done-criterion: 10,000 objects allocated, freed
# and shrunk leave the buddy's free counts where they started. CHECK
# passes after every part.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
POS_MASK=$(( (1 << 40) - 1 ))

ktap_header
ktap_plan 40
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

check_ok() { smmctl check > /dev/null; }
caches() { smmctl -j cache show; }
# cache_get NAME FIELD: one field of one cache
cache_get() { json_get "$(caches)" "[.caches[] | select(.name == \"$1\") | .$2][0]"; }
# frames not allocated (free + per-CPU), all zones
avail() { smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add'; }
# obj_alloc NAME COUNT: the handles, one per line
obj_alloc() { smmctl obj alloc "$1" count "$2"; }
# what a refused obj request must not change: objects and frames in use
slab_state() { echo "$(smm_used_frames) $(caches | jq -c '[.caches[] | .active_objs]')"; }
refused() {
	want=$1
	shift
	before=$(slab_state)
	smm_refused "$want" smmctl "$@" || return 1
	after=$(slab_state)
	[ "$before" = "$after" ] || { echo "slab state changed: $before -> $after"; return 1; }
}

# --- the kmalloc caches ---
names=$(caches | jq -r '[.caches[].name] | sort_by(ltrimstr("kmalloc-") | tonumber) | join(" ")')
ktap_check "the 13 kmalloc caches exist at load" test "$names" = \
	"kmalloc-8 kmalloc-16 kmalloc-32 kmalloc-64 kmalloc-96 kmalloc-128 kmalloc-192 kmalloc-256 kmalloc-512 kmalloc-1024 kmalloc-2048 kmalloc-4096 kmalloc-8192"
ktap_check "kmalloc caches are built in and empty" json_expect "$(caches)" \
	'[.caches[] | .builtin and .num_slabs == 0] | all' true
ktap_check "kmalloc-256: order 0, 16 objects per slab (as SLUB)" json_expect "$(caches)" \
	'.caches[] | select(.name == "kmalloc-256") | "\(.order) \(.objs_per_slab)"' "0 16"
ktap_check "loading took no frames" test "$(avail)" -eq 16384

# --- create, show, refusals ---
ktap_check "cache create test size 200" smmctl cache create test size 200
ktap_check "cache show test" json_expect "$(smmctl -j cache show test)" \
	'.caches[0] | "\(.name) \(.object_size) \(.size) \(.builtin)"' "test 200 200 false"
ktap_check "create with flags and alignment" \
	smmctl cache create flagged size 100 align 16 hwcache_align reclaim_account
ktap_check "flags and alignment are shown" json_expect "$(smmctl -j cache show flagged)" \
	'.caches[0] | "\(.align) \(.size) \(.flags | join(","))"' "64 128 hwcache_align,reclaim_account"
ktap_check "a taken name is refused" refused "exists" cache create test size 64
ktap_check "a bad name is refused" refused "may hold only" cache create "a/b" size 64
ktap_check "a bad alignment is refused" refused "power of two" cache create x size 64 align 24
ktap_check "an unknown cache is refused" refused "no cache with that name" obj alloc nosuch

# --- objects ---
h=$(obj_alloc test 20)
ktap_check "obj alloc returns 20 handles" test "$(echo "$h" | wc -l)" -eq 20
ktap_check "20 active objects" test "$(cache_get test active_objs)" -eq 20
one=$(echo "$h" | head -n 1)
two=$(echo "$h" | sed -n 2p)
other=$(obj_alloc kmalloc-64 1)
last_frame=$(( 16383 << 12 ))
ktap_check "a position inside an object is refused" \
	refused "not on an object boundary" obj free test $((one + 8))
ktap_check "an object of another cache is refused" \
	refused "belongs to another cache" obj free test "$other"
ktap_check "a position outside the range is refused" \
	refused "outside the range" obj free test $(( POS_MASK ))
ktap_check "a position in no slab is refused" \
	refused "does not point into a slab" obj free test "$last_frame"
ktap_check "a stale handle is refused" \
	refused "stale" obj free test $((one + (1 << 40)))
ktap_check "a handle listed twice is refused" refused "listed twice" obj free test "$two" "$two"
ktap_check "one bad handle frees nothing" refused "not on an object boundary" \
	obj free test "$two" $((one + 1))
ktap_check "obj free of one object" json_expect "$(smmctl -j obj free test "$one")" .freed 1
ktap_check "freeing it again is refused as a double free" \
	refused "not allocated" obj free test "$one"
# shellcheck disable=SC2086
rest=$(echo "$h" | tail -n 19)
ktap_check "destroy with live objects is refused" refused "live objects" cache destroy test
ktap_check "a kmalloc cache cannot be destroyed" refused "built in" cache destroy kmalloc-64
# shellcheck disable=SC2086
ktap_check "obj free of the other 19" json_expect "$(smmctl -j obj free test $rest)" .freed 19
ktap_check "validate finds nothing" smmctl cache validate
ktap_check "check passes with slabs in use" check_ok

# --- slabinfo ---
lines_match() {
	awk -v re="$2" 'NR > 2 && $0 !~ re { print "line " NR " does not match: [" $0 "]"; bad = 1 }
			END { exit bad }' "$1"
}
header_ok() {
	[ "$(sed -n 1p $D/slabinfo)" = "slabinfo - version: 2.1" ] &&
	[ "$(sed -n 2p $D/slabinfo)" = "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>" ]
}
ktap_check "slabinfo header is version 2.1's" header_ok
ktap_check "slabinfo rows keep the kernel's layout" lines_match $D/slabinfo \
	'^[A-Za-z0-9_.:-]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ : tunables +0 +0 +0 : slabdata +[0-9]+ +[0-9]+ +0$'
agree() {
	from_nl=$(caches | jq -r '.caches[] | "\(.name) \(.slabinfo_active_objs) \(.num_objs) \(.size) \(.objs_per_slab) \(pow(2; .order)) \(.num_slabs) \(.num_slabs)"' | sort)
	from_dbg=$(awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $14, $15 }' $D/slabinfo | sort)
	[ "$from_nl" = "$from_dbg" ] && return 0
	echo "netlink:"; echo "$from_nl"; echo "slabinfo:"; echo "$from_dbg"
	return 1
}
ktap_check "slabinfo agrees with the netlink view" agree

# --- shrink, destroy, the done-criterion ---
ktap_check "shrink gives the empty slabs back" json_expect "$(smmctl -j cache shrink test)" \
	'.freed > 0' true
ktap_check "destroy test" smmctl cache destroy test
ktap_check "the destroyed cache is gone" refused "no cache with that name" cache shrink test

smmctl reset > /dev/null
start=$(avail)
smmctl cache create done size 100 > /dev/null
all=$( (obj_alloc done 4096; obj_alloc done 4096; obj_alloc done 1808) )
ktap_check "10,000 objects allocated" test "$(cache_get done active_objs)" -eq 10000
slab_frames_agree() {
	in_map=$(smmctl -j frame show | jq '[.runs[] | select(.state == "slab") | .count] | add')
	in_caches=$(caches | jq '[.caches[] | .num_slabs * pow(2; .order)] | add')
	[ "$in_map" = "$in_caches" ] && [ "$in_map" -gt 0 ] && return 0
	echo "frame map: $in_map slab frames; caches: $in_caches"
	return 1
}
ktap_check "the frame map shows every slab frame" slab_frames_agree
free_all() {
	# shellcheck disable=SC2086
	echo "$all" | xargs -n 1000 smmctl obj free done > /dev/null
}
ktap_check "10,000 objects freed" free_all
smmctl cache shrink done > /dev/null
ktap_check "free counts are back where they started" test "$(avail)" -eq "$start"
ktap_check "check passes after the done-criterion" check_ok

# --- RESET ---
smmctl cache create gone size 64 > /dev/null
obj_alloc gone 50 > /dev/null
obj_alloc kmalloc-512 30 > /dev/null
smmctl reset > /dev/null
ktap_check "reset destroys user caches and frees netlink objects" json_expect "$(caches)" \
	'"\([.caches[] | select(.builtin | not)] | length) \([.caches[].active_objs] | add)"' "0 0"

smm_unload
ktap_finished
