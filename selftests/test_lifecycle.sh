#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifecycle: 100 load/unload cycles with live allocations left behind at
# every rmmod, then the kernel's free memory back within 1 % of where it
# was and its unreclaimable slab grown by 1 % at most; rmmod while frame
# dumps of a 1 GiB range are running,
# and while in-kernel stress threads are allocating.
# SMM_LIFECYCLE_CYCLES (default 100).
. "$(dirname "$0")/lib.sh"

N=${SMM_LIFECYCLE_CYCLES:-100}

ktap_header
ktap_plan 7
smm_need_range "$SMM_BASE" 64M

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# MemFree leaves out the pages that sit on the kernel's own per-CPU lists
# (a freed page often goes there first): count them back in, in kB.
free_kb() {
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	echo $(( $(meminfo MemFree) + pcp * 4 ))
}
# Both checks below read counters the whole kernel moves, so each has a
# tolerance; the readings are printed on every run (the "# free ..." line
# below), and Documentation/testing.md ("Checks on system-wide counters")
# gives those of our runs.
#
# |a - b| <= a / 100. Free memory is about 850,000 kB in the guest (2 GiB
# less the two reserved ranges), so 1 % is about 8,500 kB; the kernel's
# own drift across the 100 cycles was at most 332 kB in our runs (-72 to
# +16 kB in four on the generic kernel, +200 on RT, +332 on the debug
# one).
# A module that kept one 4 MiB block of its borrowed 16 MiB on each of
# the 50 borrowed cycles (200 MiB) fails it many times over; a leak of a
# page a cycle (400 kB) does not show here: that is for the slab check
# below and the debug kernel's kmemleak.
within_1pc() { [ $(( ($1 - $2) * ($1 > $2 ? 1 : -1) * 100 )) -le "$1" ]; }
# b - a <= max(a / 100, 128): grown by at most 1 % or 128 kB. SUnreclaim
# is about 7,400 kB in the generic guest (bound 128 kB) and 17,900 kB on
# the debug kernel (bound 179 kB); across the cycles it moved by -12 to
# +16 kB in four runs on the generic kernel, +40 on RT, and shrank by 232 kB on the debug
# one in our runs. 128 kB over 100 cycles still shows a leak of 1.3 kB a
# cycle.
grown_1pc_at_most() { [ $(( $2 - $1 )) -le $(( $1 / 100 > 128 ? $1 / 100 : 128 )) ]; }

# Reclaimable slab (dentries, inodes) and caches warmed by the first loads
# are not ours: measure after a few warm-up cycles, with caches dropped.
# On a KASAN kernel, freed objects wait in its quarantine (counted in
# SUnreclaim) until a cache is shrunk: shrink them all there, so that the
# quarantine's fill level does not pass for a leak. Not on other kernels:
# shrinking leaves the generic kernel's SUnreclaim so small (~7 MB) that
# 1 % of it is within its own noise.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	if smm_kasan; then
		for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done
	fi
	sleep 1
}

cycles() {
	i=0
	CYCLES=$1
	while [ "$i" -lt "$CYCLES" ]; do
		if [ $((i % 2)) -eq 0 ]; then
			p="base=$SMM_BASE size=64M"
		else
			p="size=16M"
		fi
		# shellcheck disable=SC2086
		smm_load $p || { echo "cycle $i: insmod $p failed"; return 1; }
		smmctl page alloc order 0 count 64 > /dev/null &&
			smmctl page alloc order 5 count 4 > /dev/null &&
			smmctl page alloc order 2 count 16 zero > /dev/null ||
			{ echo "cycle $i: allocation failed"; return 1; }
		smm_unload || { echo "cycle $i: rmmod with live allocations failed"; return 1; }
		i=$((i + 1))
	done
}
smm_unload
cycles 5 > /dev/null
settle
free0=$(free_kb)
slab0=$(meminfo SUnreclaim)
ktap_check "$N cycles, each unloading with live allocations" cycles "$N"

settle
free1=$(free_kb)
slab1=$(meminfo SUnreclaim)
ktap_print_msg "free (MemFree + kernel pcp lists) $free0 -> $free1 kB, SUnreclaim $slab0 -> $slab1 kB"
ktap_check "free memory back within 1 %" within_1pc "$free0" "$free1"
# What the module allocates (kmalloc, kvmalloc) is unreclaimable slab;
# the reclaimable part (dentries, inodes, radix-tree nodes of the page
# cache) moves by more than 1 % on its own between two readings.
# A leak only grows it; it may shrink (by 2.4 % once on the debug kernel:
# the baseline held objects that KASAN and kmemleak gave back later).
ktap_check "unreclaimable slab usage grown by 1 % (or 128 kB) at most" grown_1pc_at_most "$slab0" "$slab1"

# rmmod while dumps run: it waits for them (or is refused while a dump
# holds the module) and never pulls the range from under a dump. The VM
# (scripts/vm.sh) always reserves the 1 GiB range; a machine without it
# skips the two checks (in make check an unexpected skip fails the run).
unload_during_dumps() {
	smm_load base=$SMM_BIG_BASE size=1G || return 1
	smmctl page alloc order 0 count 4096 reserve > /dev/null || return 1
	for _ in 1 2 3; do
		smmctl -j frame show > /dev/null 2>&1 &
	done
	smm_unload_retrying 60
}
if why=$(smm_range_missing base="$SMM_BIG_BASE" size=1G); then
	ktap_skip "rmmod during frame dumps" "$why"
	ktap_skip "nothing of the 1 GiB range is left claimed" "$why"
else
	ktap_check "rmmod during frame dumps" unload_during_dumps
	wait
	ktap_check "nothing of the 1 GiB range is left claimed" sh -c '! grep -q shadowmm /proc/iomem'
fi
# rmmod while stress threads run (module/stress.c): the open debugfs file
# holds the module, so rmmod is refused until the run ends, then works,
# and the threads freed everything before it could. The run is long (20 s)
# so that a slow shell (KASAN, a busy host) still tries rmmod inside it.
smm_load_or_fail base=$SMM_BASE size=64M
echo "2 20" > /sys/kernel/debug/shadowmm/stress &
stress=$!
# the open stress file holds the module: wait until it does (the
# background shell may be slow to get there on a debug kernel)
i=0
while [ "$(cat /sys/module/shadowmm/refcnt)" -eq 0 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
unload_during_stress() {
	smm_unload_retrying 120 || return 1
	echo "rmmod refused $smm_refused times while the stress ran"
	[ "$smm_refused" -gt 0 ]
}
ktap_check "rmmod during the stress: refused while it runs, then done" unload_during_stress
wait "$stress"
ktap_check "the 64 MiB range is released" sh -c '! grep -q shadowmm /proc/iomem'
ktap_finished
