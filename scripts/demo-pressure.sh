#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of `make demo` (scripts/demo.sh pressure): memory
# pressure on a 64 MiB range, stage by stage, each shown as smmtop's
# batch mode prints it (the zone table, then PRESSURE: and SPACES:, the
# second of two snapshots 0.25 s apart, so the counters have rates):
# snapshots are taken until one shows the stage's sign, and that one is
# printed. vm.sh demo pressure copies this file to /selftests/ and
# guest-init runs it (smm.mode=demo).
#
#   0  the module on 64 MiB, swap on 16 MiB: nothing under pressure
#   1  space A, as large as the free memory, under a zipf 0.6 workload
#      writing at 100,000 accesses a second: a zone goes below low
#   2  kshadowd reclaims (pgscan_kswapd and pgsteal_kswapd grow)
#   3  the reclaimed pages go to swap: swap fills (a quarter used)
#   4  A's workload stopped (its pages stay), space B, as large again,
#      under the same workload at 500 a second (slowly, so that the
#      last of the filling can be seen before the OOM killer comes):
#      swap full (90 % used)
#   5  an OOM kill (oom_kill 1, the kernel log's report): the victim's
#      pages and swap slots come back
#   6  the workloads stopped, the spaces destroyed, swap off
#
# Each of 1-5 waits at most SMM_DEMO_STAGE_SECONDS (40) for its sign; a
# stage that did not come is named at the end, after
# "==== SMM DEMO FAILED ====" instead of "==== SMM DEMO OK ====", and
# vm.sh demo exits 1.
# shellcheck disable=SC2016 # the SIGN_ programs: awk's $, not the shell's
. /selftests/lib.sh

STAGE_SECONDS=${SMM_DEMO_STAGE_SECONDS:-40}
A=0x40000000
missed=""

# snapshot: smmtop's view now, the second of two batch snapshots 0.25 s
# apart (so the counters have rates): the zone table, PRESSURE: and SPACES:
snapshot() {
	smmtop -b -n 2 -d 0.25 | awk '
		/^smmtop - / { n++ }
		n < 2 { next }
		/^ZONE / || /^PRESSURE:/ { show = 1 }
		/^FREE AREA/ || /^FRAME MAP/ || /^SLABS:/ || /^EVENTS:/ { show = 0 }
		show'
}

# The stages' signs, read in a snapshot on stdin (awk exits 0 when seen).
# A zone's LEVEL column:
SIGN_BELOW_LOW='/^(DMA|DMA32|Normal) / && /below (low|min)/ { f = 1 } END { exit !f }'
# kshadowd scanning and stealing in the interval (PER_SEC > 0):
SIGN_KSWAPD='$1 == "pgscan_kswapd" && $3 > 0 { a = 1 } $1 == "pgsteal_kswapd" && $3 > 0 { b = 1 }
	END { exit !(a && b) }'
# pages going out to swap, and a quarter of it used:
SIGN_SWAP_FILLING='$1 == "pswpout" && $3 > 0 { a = 1 } /^swap used/ && $3 * 4 >= $5 { b = 1 }
	END { exit !(a && b) }'
# swap nearly full (90 %):
SIGN_SWAP_FULL='/^swap used/ && $3 * 10 >= $5 * 9 { f = 1 } END { exit !f }'
# the OOM killer's count:
SIGN_OOM='$1 == "oom_kill" && $2 > 0 { f = 1 } END { exit !f }'

# space_of PAGES: a space with one rw- VMA of PAGES pages at A; its id
space_of() {
	s=$(smmctl -j space create | jq -r .id) &&
		smmctl space mmap "$s" addr $A len $(($1 * 4096)) > /dev/null && echo "$s"
}

smm_unload
smm_load base="$SMM_BASE" size=64M || { echo "insmod failed"; exit 1; }
smmctl swap on size 16M
free=$(smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add')
echo "# shadowmm on 64 MiB at $SMM_BASE: $free pages free; swap on 16 MiB"
smm_demo_stage "0. idle: every zone above high, swap empty" 'BEGIN { exit 0 }'

a=$(space_of "$free")
echo
echo "# space $a: $free pages (the free memory)"
echo "# smmctl space run $a pattern zipf 0.6 rate 100000 write 100"
smmctl space run "$a" pattern zipf 0.6 rate 100000 write 100
smm_demo_stage "1. a zone below low: kshadowd woken" "$SIGN_BELOW_LOW"
smm_demo_stage "2. kshadowd reclaiming: pgscan_kswapd, pgsteal_kswapd grow" "$SIGN_KSWAPD"
smm_demo_stage "3. swap filling: pswpout grows, a quarter of swap used" "$SIGN_SWAP_FILLING"

b=$(space_of "$free")
echo
echo "# space $a's workload stopped (its pages stay); space $b: $free pages more, slowly"
echo "# smmctl space run $b pattern zipf 0.6 rate 500 write 100"
smmctl space stop "$a"
smmctl space run "$b" pattern zipf 0.6 rate 500 write 100
smm_demo_stage "4. swap full: 90 % used" "$SIGN_SWAP_FULL"
if smm_demo_stage "5. an OOM kill: oom_kill 1, the victim's memory and swap freed" "$SIGN_OOM"; then
	echo
	echo "# the kernel log's report:"
	dmesg | grep "shadowmm: Out of memory" | sed 's/^/    /' | grep . ||
		missed="$missed, the OOM report in the kernel log"
	echo "# the workloads:"
	smmctl space workloads | sed 's/^/    /'
fi

for s in "$a" "$b"; do
	smmctl space stop "$s" 2> /dev/null
	smmctl space destroy "$s" 2> /dev/null
done
smmctl swap off
smm_demo_stage "6. workloads stopped, spaces destroyed, swap off" 'BEGIN { exit 0 }'
smm_unload

smm_demo_finish
