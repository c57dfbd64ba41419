#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Objects and pages per slab against the guest kernel's own SLUB: for
# every kmalloc cache, the shadow's debugfs slabinfo <objperslab> and
# <pagesperslab> equal the guest's /proc/slabinfo line of the same name.
# Both sides size their slabs for the same CPUs (the shadow's slab layer
# uses num_present_cpus() as calculate_order() does), so any difference
# is the shadow's layout: an in-slab header costs one object in 11 of
# the 13 caches and fails here. Then each cache's cpu_partial (objects a
# CPU's partial list aims at, set_cpu_partial()) against the guest's
# /sys/kernel/slab/<cache>/cpu_partial.
#
# SLUB sizes a slab by the stride of its objects (slab_size, s->size),
# not their size. On the generic kernel a kmalloc-N cache's stride is N.
# A debug kernel widens it: KASAN (the debug flavour's) adds its alloc
# and free metadata and a red zone to every object (kasan_cache_create():
# kmalloc-64's stride is 96, kmalloc-8192's 8448), slub_debug its red
# zones and tracking. Such a cache is compared as what it is: a shadow
# cache created with the guest's stride (guest-N) must get the guest's
# objects and pages per slab and cpu_partial. A stride over the shadow's
# largest object (8192 bytes) cannot be, and its two checks are skipped,
# saying so (selftests/expected-skips); so are the cpu_partial checks of
# a cache with SLUB debugging on, which has no per-CPU partial lists.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
SIZES="8 16 32 64 96 128 192 256 512 1024 2048 4096 8192"
SMM_SLAB_MAX_SIZE=8192

ktap_header
ktap_plan 28
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M
ktap_print_msg "present CPUs: $(cat /sys/devices/system/cpu/present), online: $(nproc)"

# per_slab FILE NAME: "<objperslab> <pagesperslab>" of cache NAME in FILE
per_slab() { awk -v n="$2" '$1 == n { print $5, $6; exit }' "$1"; }
# kname SIZE: the kernel's name of kmalloc-SIZE (kmalloc_info[]: kmalloc-1k ...)
kname() { if [ "$1" -ge 1024 ]; then echo "kmalloc-$(($1 / 1024))k"; else echo "kmalloc-$1"; fi; }
# stride SIZE: the guest's slab_size of kmalloc-SIZE
stride() { cat "/sys/kernel/slab/$(kname "$1")/slab_size" 2>/dev/null; }
# debugged SIZE: the guest's kmalloc-SIZE has SLUB debugging on (slub_debug)
debugged() {
	for f in sanity_checks red_zone poison store_user; do
		[ "$(cat "/sys/kernel/slab/$(kname "$1")/$f" 2>/dev/null)" = 1 ] && return 0
	done
	return 1
}
# shadow SIZE: the shadow's cache to compare with the guest's kmalloc-SIZE:
# kmalloc-SIZE itself, or guest-SIZE of the guest's stride; none when the
# stride is unknown or too large for the shadow
shadow() {
	st=$(stride "$1")
	if [ "$st" = "$1" ]; then
		echo "kmalloc-$1"
	elif [ -n "$st" ] && [ "$st" -le $SMM_SLAB_MAX_SIZE ]; then
		echo "guest-$1"
	fi
}

ktap_check "the guest's /proc/slabinfo is readable" test -r /proc/slabinfo
ktap_check "the shadow's slabinfo lists 13 kmalloc caches" \
	test "$(grep -c '^kmalloc-' "$D/slabinfo")" -eq 13

# the caches of the guest's strides, where they are not the nominal sizes
for n in $SIZES; do
	st=$(stride "$n")
	ktap_print_msg "$(kname "$n"): the guest's object_size" \
		"$(cat "/sys/kernel/slab/$(kname "$n")/object_size" 2>/dev/null), slab_size $st"
	if [ "$(shadow "$n")" = "guest-$n" ]; then
		smmctl cache create "guest-$n" size "$st" > /dev/null ||
			ktap_print_msg "could not create guest-$n of size $st"
	fi
done

# too_wide SIZE: the skip's reason when the guest's stride is over the shadow's limit
too_wide() {
	echo "the guest's slab_size $(stride "$1") is over the shadow's largest object" \
		"($SMM_SLAB_MAX_SIZE bytes): KASAN's or slub_debug's metadata widened it"
}

# same SIZE: the shadow's pair equals the kernel's (both exist)
same() {
	mine=$(per_slab "$D/slabinfo" "$(shadow "$1")")
	theirs=$(per_slab /proc/slabinfo "$(kname "$1")")
	echo "# kmalloc-$1: shadow $(shadow "$1") '$mine', kernel $(kname "$1") '$theirs'"
	[ -n "$mine" ] && [ "$mine" = "$theirs" ]
}
for n in $SIZES; do
	if [ -n "$(stride "$n")" ] && [ -z "$(shadow "$n")" ]; then
		ktap_skip "kmalloc-$n: objects and pages per slab as the kernel's" "$(too_wide "$n")"
	else
		ktap_check "kmalloc-$n: objects and pages per slab as the kernel's" same "$n"
	fi
done

# cpu_partial SIZE: the shadow's cpu_partial equals the kernel's
cpu_partial() {
	mine=$(smmctl -j cache show "$(shadow "$1")" | jq -r '.caches[0].cpu_partial')
	theirs=$(cat "/sys/kernel/slab/$(kname "$1")/cpu_partial")
	echo "# kmalloc-$1: shadow $(shadow "$1") cpu_partial '$mine', kernel '$theirs'"
	[ -n "$theirs" ] && [ "$mine" = "$theirs" ]
}
for n in $SIZES; do
	if [ -n "$(stride "$n")" ] && [ -z "$(shadow "$n")" ]; then
		ktap_skip "kmalloc-$n: cpu_partial as the kernel's" "$(too_wide "$n")"
	elif debugged "$n"; then
		ktap_skip "kmalloc-$n: cpu_partial as the kernel's" \
			"the guest's cache has SLUB debugging on (slub_debug): no per-CPU partial lists"
	else
		ktap_check "kmalloc-$n: cpu_partial as the kernel's" cpu_partial "$n"
	fi
done

for n in $SIZES; do
	[ "$(shadow "$n")" != "guest-$n" ] || smmctl cache destroy "guest-$n" > /dev/null
done
smm_unload
ktap_finished
