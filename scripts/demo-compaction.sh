#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of `make demo`'s compaction scenario (scripts/demo.sh
# compaction): a 16 MiB zone fragmented, compacted on demand, then by
# kcompactd's proactive compaction, each stage as smmtop's compaction
# view shows it in batch mode (COMPACTION: per zone the run, its order,
# the two scanners' frames and a bar of the zone with M and F on it, the
# fragmentation at that order; the counters compaction moves, with their
# rates: the second of two snapshots 0.25 s apart). vm.sh demo
# compaction copies this file to /selftests/ and guest-init runs it
# (smm.mode=demo). Interactively, smmtop's 'C' shows the same with the
# scanners marked on the frame map.
#
#   0  the module on 16 MiB, one Normal zone, proactive compaction off
#   1  fragmented (selftests/lib.sh smm_fragment, as lab 10): half the
#      zone free in 128-page holes; no compaction run yet, the order-9
#      fragmentation index above 0.5
#   2  smmctl compact zone Normal order 9: one run, done, the scanners
#      where it stopped, pgmigrate_success grew, the order-9 index -1
#   3  the zone fragmented again (a second space, the same way, over
#      what is free), vm.compaction_proactiveness 100: kcompactd
#      compacts the whole zone on its own (run order -1; more runs,
#      pages migrated): the knob is set between two snapshots 1 s
#      apart, so that the second shows the rates of that run
#
# Each stage waits at most SMM_DEMO_STAGE_SECONDS (40) for its sign; a
# stage that did not come is named after "==== SMM DEMO FAILED ====".
# shellcheck disable=SC2016 # the SIGN_ programs: awk's $, not the shell's
. /selftests/lib.sh

STAGE_SECONDS=${SMM_DEMO_STAGE_SECONDS:-40}
missed=""

# snapshot: smmtop's COMPACTION: section, the second of two batch
# snapshots 0.25 s apart (so the counters have rates); or, once, the two
# recorded in $PENDING (a stage that acts between its two snapshots)
PENDING=/tmp/demo-compaction.pending
snapshot() {
	if [ -s "$PENDING" ]; then
		cat "$PENDING"
		rm -f "$PENDING"
	else
		smmtop -b -n 2 -d 0.25
	fi | awk '
		/^smmtop - / { n++ }
		n < 2 { next }
		/^COMPACTION:/ { show = 1 }
		/^$/ { show = 0 }
		show'
}

# The stages' signs, read in a snapshot on stdin (awk exits 0 when seen).
# Normal never compacted, its order-9 extfrag index above 0.5:
SIGN_FRAGMENTED='$1 == "Normal" && $2 == 0 && $7 > 0.5 { f = 1 } END { exit !f }'
# a run done for order 9, the index -1 (an order-9 request would succeed), pages migrated:
SIGN_COMPACTED='$1 == "Normal" && $2 >= 1 && $3 == "done" && $4 == 9 && $7 + 0 < 0 { a = 1 }
	$1 == "pgmigrate_success" && $2 > 0 { b = 1 } END { exit !(a && b) }'
# more runs than RUNS0 (kcompactd's), pages migrated since MIG0:
SIGN_PROACTIVE='$1 == "Normal" && $2 > runs0 { a = 1 }
	$1 == "pgmigrate_success" && $2 > mig0 { b = 1 } END { exit !(a && b) }'

# what the snapshot says of Normal (field N of its line) and a counter
normal_field() { snapshot | awk -v n="$1" '$1 == "Normal" { print $n }'; }
counter() { awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/shadowmm/vmstat; }

smm_unload
smm_load base="$SMM_BASE" size=16M zones=Normal:rest || { echo "insmod failed"; exit 1; }
smmctl vm set compaction_proactiveness 0
echo "# shadowmm on 16 MiB at $SMM_BASE, one Normal zone; proactive compaction off"
smm_demo_stage "0. idle: no compaction yet" 'BEGIN { exit 0 }'

echo
echo "# smm_fragment Normal 0x40000000: map what is free in 512 KiB stripes, unmap every other"
smm_fragment Normal 0x40000000 > /dev/null
a=$SMM_FRAG_ID
smm_demo_stage "1. fragmented: half free in 128-page holes, no order-9 block" "$SIGN_FRAGMENTED"

echo
echo "# smmctl compact zone Normal order 9"
smmctl compact zone Normal order 9
smm_demo_stage "2. compacted on demand: the scanners stopped apart, order 9 free" "$SIGN_COMPACTED"

echo
echo "# the zone fragmented again over what is free (a second space at 0x80000000)"
smm_fragment Normal 0x80000000 > /dev/null
b=$SMM_FRAG_ID
runs0=$(normal_field 2)
mig0=$(counter pgmigrate_success)
echo "# fragmentation score: $(awk '$1 == "zone" { print $4 }' /sys/kernel/debug/shadowmm/compaction)"
echo "# smmctl vm set compaction_proactiveness 100: kcompactd compacts above the score's high mark"
smmtop -b -n 2 -d 1 > "$PENDING" &
sleep 0.4
smmctl vm set compaction_proactiveness 100
wait
smm_demo_stage "3. kcompactd's proactive compaction: more runs, pages migrated" "$SIGN_PROACTIVE" \
	-v runs0="$runs0" -v mig0="$mig0"
echo "# fragmentation score: $(awk '$1 == "zone" { print $4 }' /sys/kernel/debug/shadowmm/compaction)"

smmctl vm set compaction_proactiveness 0
for s in "$a" "$b"; do
	smmctl space destroy "$s" 2> /dev/null
done
smmctl check > /dev/null 2>&1 || missed="$missed, CHECK after the demo"
smm_unload

smm_demo_finish
