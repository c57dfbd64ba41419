#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 5 (Documentation/labs/05-slab.md): a SLUB cache of 700-byte
# objects. calculate_order() picks the smallest slab order that holds
# at least 4 * (fls(nr_cpus) + 1) objects (12 on the VM's 2 CPUs) with
# little waste; one object more than a slab holds opens a second slab;
# freeing one object of the full first slab puts it on a partial list;
# freeing all and shrinking gives every slab back to the buddy. Then the
# same 24 objects of 700 bytes in three caches, one per policy: SLUB's
# order-2 slabs take 8 pages, SLAB's order-0 slabs of 5 (slab_max_order
# is 0 on 16 MiB) 5, SLOB's heap 5 pages of 5 blocks each; SLOB's first
# fit puts 8 objects of another cache (300 bytes) in those pages' holes,
# and gives every page back when all are freed.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=8

lab_05_cache() { smmctl -j cache show lab | jq -r ".caches[0] | $1"; }

# lab_05_pages CACHE: the pages of its slabs (SLOB: the heap's pages)
lab_05_pages() { smmctl -j cache show "$1" | jq -r '.caches[0] | .num_slabs * pow(2; .order)'; }

# fls(): the position of the highest bit set, 0 for 0
lab_05_fls() {
	local n=$1 b=0
	while [ "$n" -gt 0 ]; do b=$((b + 1)); n=$((n >> 1)); done
	echo "$b"
}

lab_05() {
	local per order size hs first min want p

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M
	smmctl cache create lab size 700 > /dev/null
	lab_figure 05-slab-created "smmctl cache show lab"
	per=$(lab_05_cache .objs_per_slab)
	order=$(lab_05_cache .order)
	size=$(lab_05_cache .size)
	lab_note "$(nproc) CPUs: slot $size bytes, order $order, $per objects per slab"
	# calculate_order()'s min_objects, 4 * (fls(nr_cpus) + 1), and the
	# smallest order whose slab holds that many (12 and order 2 on two
	# CPUs; the debug kernels boot with one: 8 and order 1)
	min=$((4 * ($(lab_05_fls "$(nproc)") + 1)))
	want=0
	while [ $(((4096 << want) / size)) -lt "$min" ]; do want=$((want + 1)); done
	lab_check "05 slab: order $want, the smallest whose slab holds $min ($(((4096 << want) / size)) objects of $size bytes)" \
		lab_eq "order objs_per_slab" "$order $per" "$want $(((4096 << want) / size))"

	hs=$(smmctl -j obj alloc lab count $((per + 1)) | jq -r '.handles[]')
	lab_figure 05-slab-two-slabs "smmctl cache show lab"
	lab_check "05 slab: $((per + 1)) objects need a second slab" \
		lab_eq "num_slabs active_objs" "$(lab_05_cache '"\(.num_slabs) \(.active_objs)"')" "2 $((per + 1))"

	first=$(echo "$hs" | head -n 1)
	smmctl obj free lab "$first" > /dev/null
	lab_figure 05-slab-partial "smmctl cache show lab"
	lab_check "05 slab: freeing one object of the full slab makes it partial (node or per-CPU partial list)" \
		lab_eq "partial + cpu_partial, full" \
		"$(lab_05_cache '"\(.partial_slabs + .cpu_partial_slabs) \(.full_slabs)"')" "1 0"

	# shellcheck disable=SC2046 # the handles are words
	smmctl obj free lab $(echo "$hs" | tail -n +2) > /dev/null
	smmctl cache shrink lab > /dev/null
	lab_check "05 slab: all freed and the cache shrunk: no slab left" \
		lab_eq "num_slabs, slabs_alloc - slabs_free" \
		"$(lab_05_cache '"\(.num_slabs) \(.slabs_alloc - .slabs_free)"')" "0 0"
	smmctl cache destroy lab > /dev/null

	# the same workload under the three policies
	for p in slub slab slob; do
		smmctl cache create "cmp-$p" size 700 policy "$p" > /dev/null
		smmctl obj alloc "cmp-$p" count 24 > /dev/null
	done
	lab_figure 05-slab-policies "smmctl cache show cmp-slub; smmctl cache show cmp-slab; smmctl cache show cmp-slob; smmctl cache show slob-heap"
	lab_check "05 slab: SLAB's order 0 (slab_max_order 0 on 16 MiB) holds 5 objects of 704 bytes" \
		lab_eq "cmp-slab order objs_per_slab" \
		"$(smmctl -j cache show cmp-slab | jq -r '.caches[0] | "\(.order) \(.objs_per_slab)"')" "0 5"
	lab_check "05 slab: 24 objects take 8 pages under SLUB, 5 under SLAB, 5 heap pages under SLOB" \
		lab_eq "pages slub slab slob" \
		"$(lab_05_pages cmp-slub) $(lab_05_pages cmp-slab) $(lab_05_pages slob-heap)" "8 5 5"
	smmctl cache create cmp-slob300 size 300 policy slob > /dev/null
	hs=$(smmctl -j obj alloc cmp-slob300 count 8 | jq -r '.handles[]')
	lab_figure 05-slab-slob-shared "smmctl cache show slob-heap"
	lab_check "05 slab: SLOB's first fit puts 8 objects of 300 bytes in the holes: still 5 heap pages" \
		lab_eq "slob-heap pages" "$(lab_05_pages slob-heap)" 5
	smmctl cache destroy cmp-slob300 force > /dev/null
	smmctl cache destroy cmp-slob force > /dev/null
	lab_check "05 slab: both SLOB caches destroyed, their objects freed: every heap page back to the buddy" \
		lab_eq "slob-heap pages" "$(lab_05_pages slob-heap)" 0
	smmctl cache destroy cmp-slub force > /dev/null
	smmctl cache destroy cmp-slab force > /dev/null
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_05
