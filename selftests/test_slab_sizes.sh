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
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
SIZES="8 16 32 64 96 128 192 256 512 1024 2048 4096 8192"

ktap_header
ktap_plan 28

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M
ktap_print_msg "present CPUs: $(cat /sys/devices/system/cpu/present), online: $(nproc)"

# per_slab FILE NAME: "<objperslab> <pagesperslab>" of cache NAME in FILE
per_slab() { awk -v n="$2" '$1 == n { print $5, $6; exit }' "$1"; }
# kname SIZE: the kernel's name of kmalloc-SIZE (kmalloc_info[]: kmalloc-1k ...)
kname() { if [ "$1" -ge 1024 ]; then echo "kmalloc-$(($1 / 1024))k"; else echo "kmalloc-$1"; fi; }
# same SIZE: the shadow's pair for kmalloc-SIZE equals the kernel's (both exist)
same() {
	mine=$(per_slab "$D/slabinfo" "kmalloc-$1")
	theirs=$(per_slab /proc/slabinfo "$(kname "$1")")
	echo "# kmalloc-$1: shadow '$mine', kernel $(kname "$1") '$theirs'"
	[ -n "$mine" ] && [ "$mine" = "$theirs" ]
}

ktap_check "the guest's /proc/slabinfo is readable" test -r /proc/slabinfo
ktap_check "the shadow's slabinfo lists 13 kmalloc caches" \
	test "$(grep -c '^kmalloc-' "$D/slabinfo")" -eq 13
for n in $SIZES; do
	ktap_check "kmalloc-$n: objects and pages per slab as the kernel's" same "$n"
done

# cpu_partial SIZE: the shadow's cpu_partial of kmalloc-SIZE equals the kernel's
cpu_partial() {
	mine=$(smmctl -j cache show "kmalloc-$1" | jq -r '.caches[0].cpu_partial')
	theirs=$(cat "/sys/kernel/slab/$(kname "$1")/cpu_partial")
	echo "# kmalloc-$1: shadow cpu_partial '$mine', kernel '$theirs'"
	[ -n "$theirs" ] && [ "$mine" = "$theirs" ]
}
for n in $SIZES; do
	ktap_check "kmalloc-$n: cpu_partial as the kernel's" cpu_partial "$n"
done

smm_unload
ktap_finished
