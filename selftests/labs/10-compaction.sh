#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 10 (Documentation/labs/10-compaction.md): compaction repairing
# fragmentation. A shadow process fills a 16 MiB zone, then every other
# 512 KiB of it is unmapped: half the memory is free but in 128-page
# holes, so no free block of order 9 exists and the fragmentation index
# for order 9 is near 1 (a failure would be for fragmentation, not for
# lack of memory). compact order 9 migrates pages from the zone's start
# into free pages at its end until an order-9 block is free.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=3

# free blocks of order 9 and 10, and extfrag_index(9), in Normal
lab_10_high() { awk '$4 == "Normal" { print $14 + $15 }' "$LAB_D/buddyinfo"; }
lab_10_frag9() { awk '$4 == "Normal" { print $14 }' "$LAB_D/extfrag_index"; }

lab_10() {
	local A=0x40000000 stripes id

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M zones=Normal:rest
	# kcompactd's proactive compaction (vm.compaction_proactiveness,
	# 20 by default) would repair the holes on its own within a second:
	# off, so that the lab sees them and the one compaction asked for
	smmctl vm set compaction_proactiveness 0
	smm_fragment Normal $A		# selftests/lib.sh
	id=$SMM_FRAG_ID
	stripes=$SMM_FRAG_STRIPES
	lab_note "$stripes stripes of 512 KiB, every other one unmapped"
	lab_figure 10-compaction-fragmented "cat $LAB_D/buddyinfo $LAB_D/extfrag_index"
	lab_check "10 compaction: fragmented: no free block of order 9 or 10, extfrag_index(9) above 0.5" \
		sh -c "test $(lab_10_high) -eq 0 && awk -v f=$(lab_10_frag9) 'BEGIN { exit !(f > 0.5) }'"

	lab_figure 10-compaction-run "smmctl compact zone Normal order 9"
	lab_figure 10-compaction-after "cat $LAB_D/buddyinfo $LAB_D/extfrag_index; smmctl vmstat pgmigrate_success compact_migrate_scanned compact_free_scanned"
	lab_check "10 compaction: compact order 9 frees an order-9 block, extfrag_index(9) -1.000" \
		sh -c "test $(lab_10_high) -ge 1 && test $(lab_10_frag9) = -1.000"
	lab_check "10 compaction: by migrating pages (pgmigrate_success, both scanners counted)" \
		sh -c "test $(lab_vmstat pgmigrate_success) -gt 0 && test $(lab_vmstat compact_migrate_scanned) -gt 0 && test $(lab_vmstat compact_free_scanned) -gt 0"
	smmctl space destroy "$id"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_10
