#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bounded lock holds: CHECK, VALIDATE, the slab census and shrinking walk
# the whole range in chunks, each under the locks for a few hundred
# frames or slabs (Documentation/design.md), while the stress threads
# (module/stress.c) allocate and free on every CPU and a user-space loop
# runs the whole-range operations again and again. The module's own
# counter (debugfs lock_holds) then gives the longest and the mean time
# one chunk held its spinlocks.
#
# SMM_HOLD_BASE, SMM_HOLD_SIZE  the range (default the 1 GiB memmap= range
#                 every VM run has; the holds run of make check gives 4 GiB)
# SMM_HOLD_MAX_NS the bound on the longest hold, asserted only where it
#                 means something: under QEMU's -icount (the holds run),
#                 guest time is counted in instructions, so a vCPU the host
#                 preempted does not look like a long hold. Elsewhere (2
#                 vCPUs in real time on a busy 2-core host: a preempted
#                 vCPU held one chunk 21 ms once) the holds are printed,
#                 and the test checks that the operations pass while the
#                 threads run, sweep in chunks and were timed.
# SMM_STRESS_SECONDS            how long the threads run (20)
#
# The holds run (scripts/vm-flavour.sh holds: one vCPU, as icount needs)
# boots with watchdog_thresh=1 and a 3 s RCU stall timeout:
# a soft lockup or RCU stall report in the kernel log fails the test here
# and the run in scripts/check-log.py.
. "$(dirname "$0")/lib.sh"

H=/sys/kernel/debug/shadowmm/lock_holds
S=/sys/kernel/debug/shadowmm/stress
BASE=${SMM_HOLD_BASE:-0x40000000}
SIZE=${SMM_HOLD_SIZE:-1G}
MAX_NS=${SMM_HOLD_MAX_NS:-}
SECONDS_=${SMM_STRESS_SECONDS:-20}
# CHECK looks at about 256 frames a chunk (SMM_SWEEP_FRAMES in
# module/core/mm.h), a free block's head standing for the whole block, so
# a sweep of a mostly free 4 GiB took about 1,000 chunks. One sweep of
# the range in fewer than this many chunks would not be chunked at all.
MIN_CHUNKS=64

ktap_header
ktap_plan 8

smm_unload
smm_load_or_fail base="$BASE" size="$SIZE"
frames=$(smmctl -j zone show | jq '[.zones[].managed] | add')
ktap_print_msg "$SIZE at $BASE: $frames frames; watchdog_thresh $(cat /proc/sys/kernel/watchdog_thresh)"

# Slabs for the census, VALIDATE and shrinking to walk: a cache with
# objects live through the run.
smmctl cache create holds size 256 > /dev/null
smmctl obj alloc holds count 4096 > /dev/null
smmctl page alloc order 0 count 4096 > /dev/null

# The whole-range operations in a loop until told to stop: each round
# CHECK (frame map sweep and slab census), VALIDATE of every cache, and a
# cache filled, emptied and shrunk. A failure of any is written down.
sweeper() {
	rounds=0
	while [ ! -e /tmp/holds.stop ]; do
		smmctl check > /dev/null || echo "CHECK failed"
		smmctl cache validate > /dev/null || echo "VALIDATE failed"
		# handles in smmctl's hex: jq's doubles round large handles off their objects
		h=$(smmctl obj alloc holds count 512 2>/dev/null)
		# shellcheck disable=SC2086
		[ -z "$h" ] || smmctl obj free holds $h > /dev/null || echo "obj free failed"
		smmctl cache shrink holds > /dev/null || echo "shrink failed"
		rounds=$((rounds + 1))
	done
	echo "rounds $rounds"
}

rm -f /tmp/holds.stop
echo reset > $H
sweeper > /tmp/holds.sweeper 2>&1 &
sw=$!
run_stress() { echo "4 $SECONDS_" > $S; }
ktap_check "4 stress threads for $SECONDS_ s beside CHECK, VALIDATE and shrink in a loop" run_stress
touch /tmp/holds.stop
wait "$sw"
sed 's/^/# /' /tmp/holds.sweeper
rounds=$(sed -n 's/^rounds //p' /tmp/holds.sweeper)
never_failed() { [ "${rounds:-0}" -gt 0 ] && ! grep -q 'failed' /tmp/holds.sweeper; }
ktap_check "the whole-range operations never failed (${rounds:-0} rounds)" never_failed
sed 's/^/# /' $H

# operation's column COL (2 chunks, 3 max_ns, 4 avg_ns) from lock_holds
hold() { awk -v op="$1" -v col="$2" '$1 == op { print $col }' $H; }

# Each CHECK round swept the frame map in many chunks.
chunked() {
	chunks=$(hold check 2)
	need=$((rounds * MIN_CHUNKS))
	[ "$chunks" -ge "$need" ] && return 0
	echo "CHECK took $chunks chunks in $rounds rounds, fewer than $need"
	return 1
}
ktap_check "CHECK sweeps in chunks (at least $MIN_CHUNKS a round)" chunked

# OP's holds were timed, and where time is emulated the longest is under
# MAX_NS
bounded() {
	chunks=$(hold "$1" 2) max=$(hold "$1" 3)
	if [ -z "$chunks" ] || [ "$chunks" -eq 0 ]; then
		echo "$1: no hold timed"
		return 1
	fi
	if [ -n "$MAX_NS" ] && [ "$max" -gt "$MAX_NS" ]; then
		echo "$1: longest hold $max ns over $MAX_NS"
		return 1
	fi
	return 0
}
bound=${MAX_NS:+, the longest under $MAX_NS ns}
for op in check slab_census validate slab_shrink; do
	ktap_check "$op: holds timed$bound" bounded $op
done

# The kernel's own detectors found nothing.
no_stall() {
	! dmesg | grep -E 'soft lockup|rcu: INFO|RCU detected stall|hung_task'
}
ktap_check "no soft lockup or RCU stall report" no_stall

rm -f /tmp/holds.stop /tmp/holds.sweeper
smm_unload
ktap_finished
