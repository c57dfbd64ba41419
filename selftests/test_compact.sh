#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compaction on demand (Documentation/compaction.md): a shadow process
# fills the one zone of a 16 MiB range to its low watermark and more,
# then every other 512 KiB of it is unmapped (a checkerboard of
# 128-page holes: half the memory free, no free block of order 9, the
# order-9 fragmentation index near 1); smmctl compact order 9 moves
# pages until an order-9 block is free (result success, pages migrated,
# pgmigrate_success and compact_success counted, the fragmentation index
# -1.000 after); smmctl compact (the whole zone) ends with the scanners
# met; every stripe still mapped reads back the checksum it had; CHECK
# passes; a bad order and an empty zone are refused with a message;
# vm.extfrag_threshold 1000 makes the order-9 run skipped.
#
# Then the checkerboard again (the module reloaded), for the allocator's own compaction
# (vm.compaction_proactiveness 0 until then, so that kcompactd leaves
# the layouts alone): an order-9 smmctl page alloc succeeds by direct
# compaction (compact_stall and compact_success counted); kshadowd,
# woken for order 9 by that request, wakes kcompactd when it gives up
# (compact_daemon_wake); with proactiveness 0 nothing moves, with 100
# kcompactd lowers the fragmentation score (debugfs compaction) within
# seconds; 101 and -1 are refused with messages; rmmod with kcompactd
# awake.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
A=0x40000000		# the VMA's start
STRIPE=0x80000		# 512 KiB: 128 pages

ktap_header
ktap_plan 27
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest

val() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
score() { awk '$1 == "zone" && $2 == "Normal" { print $4 }' $D/compaction; }
# free blocks of order 9 and 10 in Normal, from buddyinfo
high() { awk '$4 == "Normal" { print $14 + $15 }' $D/buddyinfo; }
frag9() { awk '$4 == "Normal" { print $14 }' $D/extfrag_index; }

# kcompactd's proactive checks off while the layouts are made
ktap_check "vm set compaction_proactiveness 0 (the default 20 read first)" sh -c \
	"[ \"\$(cat $D/vm/compaction_proactiveness)\" = 20 ] && smmctl vm set compaction_proactiveness 0"

# the VMA: what is free less the low watermark and 64 pages, in stripes,
# every other one unmapped (lib.sh)
checkerboard() {
	smm_fragment Normal $A
	id=$SMM_FRAG_ID
	stripes=$SMM_FRAG_STRIPES
}
checkerboard
# the checksum of every stripe left, in one line (one jq: the guest is slow to fork)
sums() {
	i=0
	while [ $i -lt $stripes ]; do
		smmctl -j space access "$id" addr $((A + i * STRIPE)) len $STRIPE
		i=$((i + 2))
	done | jq -r .csum | tr '\n' ' '
}
before=$(sums)
high0=$(high)
ktap_print_msg "$stripes stripes of 512 KiB, every other one unmapped; buddyinfo order 9+10: $high0," \
	"extfrag_index(9) $(frag9)"
fragmented() {
	[ "$high0" = 0 ] || { echo "free blocks of order 9 or 10 before: $high0"; return 1; }
	awk -v f="$(frag9)" 'BEGIN { exit !(f > 0.5) }' || { echo "extfrag_index(9) $(frag9)"; return 1; }
}
ktap_check "fragmented: no free order-9 block, extfrag_index(9) > 0.500" fragmented

ktap_check "order 11 refused with the policy's message" smm_refused "out of range" \
	smmctl compact order 11
ktap_check "an empty zone refused" smm_refused "the zone is empty" smmctl compact zone DMA
ktap_check "an unknown zone refused" smm_refused "unknown zone" smmctl compact zone Device

# vm.extfrag_threshold 1000: any index counts as lack of memory, order 9 is skipped
ktap_check "vm set extfrag_threshold 1001 refused" smm_refused "out of range" \
	smmctl vm set extfrag_threshold 1001
skipped_at_1000() {
	smmctl vm set extfrag_threshold 1000 || return 1
	[ "$(cat $D/vm/extfrag_threshold)" = 1000 ] || { echo "vm/extfrag_threshold: $(cat $D/vm/extfrag_threshold)"; return 1; }
	json_expect "$(smmctl -j compact zone Normal order 9)" \
		'.zones[0] | "\(.result) \(.migrated) \(.migrate_scanned)"' "skipped 0 0"
}
ktap_check "extfrag_threshold 1000: compact order 9 skipped, nothing scanned" skipped_at_1000
ktap_check "extfrag_threshold back to 500 through debugfs" sh -c \
	"echo 500 > $D/vm/extfrag_threshold && smmctl -j vm show | jq -e '.extfrag_threshold == 500'"

mig0=$(val pgmigrate_success)
t0=$(date +%s)
res=$(smmctl -j compact zone Normal order 9)
t1=$(date +%s)
ktap_print_msg "compact order 9 in $((t1 - t0)) s: $(echo "$res" | jq -c '.zones[0]')"
ktap_check "compact order 9: success, pages migrated, none failed" json_expect "$res" \
	'.zones[0] | "\(.zone) \(.result) \(.migrated > 0) \(.failed)"' "Normal success true 0"
ktap_check "buddyinfo: the order-9+ free count rose" test "$(high)" -gt "$high0"
ktap_check "extfrag_index(9) is -1.000: an order-9 allocation would succeed" \
	test "$(frag9)" = "-1.000"
counted() {
	got="$(($(val pgmigrate_success) - mig0)) $(val compact_success) $(val compact_fail) $(val compact_stall)"
	want="$(echo "$res" | jq '.zones[0].migrated') 0 0 0"
	[ "$got" = "$want" ] || { echo "pgmigrate_success compact_success compact_fail compact_stall: $got, want $want"; return 1; }
}
ktap_check "vmstat: pgmigrate_success; compact_success, _fail, _stall 0 (direct compaction's)" counted
# ZONE_GET's compaction state, as smmtop's compaction view reads it: the
# run done, for order 9, the migrate scanner below the free scanner
# (success before they met), both inside Normal
scanners() {
	zs=$(smmctl -j zone show Normal | jq '.zones[0] | "\(.start) \(.start + .spanned)"' -r)
	json_expect "$(smmtop -b -j -n 1)" \
		".compaction.zones[] | select(.name == \"Normal\") | \"\(.runs > 0) \(.state) \(.order) \(.migrate_pfn < .free_pfn) \(.migrate_pfn >= ${zs% *}) \(.free_pfn < ${zs#* })\"" \
		"true done 9 true true true" || return 1
	# smmctl zone show prints the same runs, and no scanners once done
	runs=$(smmtop -b -j -n 1 | jq '.compaction.zones[] | select(.name == "Normal") | .runs')
	line=$(smmctl zone show Normal | grep '^  compaction ')
	[ "$(echo $line)" = "compaction runs $runs" ] ||
		{ echo "zone show: '$line', runs $runs"; return 1; }
	json_expect "$(smmctl -j zone show Normal)" \
		'.zones[0].compaction | "\(.runs) \(.running) \(.order)"' "$runs false 9"
}
ktap_check "smmtop -j and zone show: Normal's run done, order 9, the scanners apart inside the zone" scanners
ktap_check "compact_* and pgmigrate_* in smmctl vmstat" json_expect \
	"$(smmctl -j vmstat compact_migrate_scanned compact_isolated pgmigrate_fail)" \
	'"\(.compact_migrate_scanned > 0) \(.compact_isolated > 0) \(.pgmigrate_fail)"' "true true 0"

res=$(smmctl -j compact)
ktap_print_msg "compact (whole zone): $(echo "$res" | jq -c '.zones[0]')"
ktap_check "compact, the whole zone: the scanners meet" json_expect "$res" \
	'[.zones[] | .result] | join(" ")' "complete"
ktap_check "every stripe left reads back its checksum" test "$(sums)" = "$before"
ktap_check "CHECK passes" smmctl check

# --- direct compaction, kcompactd, proactive compaction ---
# a fresh module, so that the faults take the frames in order again and
# the checkerboard is one (after a destroy they come back in the free
# lists' order, and unmapping every other stripe may free whole blocks)
smmctl space destroy "$id"
smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest
smmctl vm set compaction_proactiveness 0
checkerboard
before=$(sums)
stall0=$(val compact_stall)
succ0=$(val compact_success)
wake0=$(val compact_daemon_wake)
ktap_print_msg "checkerboard again: buddyinfo order 9+10 $(high), score $(score)"
t0=$(date +%s)
out=$(smmctl -j page alloc order 9 zone Normal 2>&1)
t1=$(date +%s)
ktap_print_msg "page alloc order 9 in $((t1 - t0)) s: $out;" \
	"compact_stall $(val compact_stall) compact_success $(val compact_success)" \
	"compact_fail $(val compact_fail) allocstall_normal $(val allocstall_normal)"
ktap_check "page alloc order 9 in the fragmented zone succeeds" json_expect "$out" \
	'.handles | length' 1
# The request wakes kshadowd before it stalls, kshadowd (nothing to
# reclaim without swap) wakes kcompactd, and kcompactd may compact the
# block first while the request waits for the spaces' lock: then the
# request takes that block without a stall, as it would in the kernel
# (kswapd and kcompactd racing __alloc_pages_direct_compact()). Either
# way compaction made the block; the host tests (compaction_test) check
# direct compaction alone.
direct() {
	got="$(($(val compact_stall) - stall0 > 0)) $(($(val compact_success) - succ0))"
	[ "$got" != "1 1" ] || { echo "direct compaction made the block"; return 0; }
	if [ "$got" = "0 0" ] && [ "$(val compact_daemon_wake)" != "$wake0" ]; then
		echo "kcompactd (woken by kshadowd for this request) made the block before the request stalled"
		return 0
	fi
	echo "compact_stall rose, compact_success rose by: $got, want 1 1 (or 0 0 and kcompactd woken)"
	return 1
}
ktap_check "by compaction: compact_stall and compact_success counted, or kcompactd's run first" direct
# kshadowd was woken for order 9; with no swap it cannot reclaim, and when
# it gives up (16 runs) it wakes kcompactd, which compacts for order 9
woken() {
	n=0
	while [ "$(val compact_daemon_wake)" = "$wake0" ] && [ $n -lt 20 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	[ "$(val compact_daemon_wake)" -gt "$wake0" ] || { echo "compact_daemon_wake $(val compact_daemon_wake)"; return 1; }
	ktap_print_msg "compact_daemon_wake $(val compact_daemon_wake) after $n half-seconds;" \
		"buddyinfo order 9+10 $(high), score $(score); $(tr '\n' ' ' < $D/kshadowd | cut -c1-120)"
}
ktap_check "kcompactd woken after kshadowd's order-9 run (compact_daemon_wake)" woken
ktap_print_msg "compact_daemon_wake $(val compact_daemon_wake), buddyinfo order 9+10 $(high)," \
	"$(tr '\n' ' ' < $D/compaction)"

ktap_check "vm set compaction_proactiveness 101 refused" smm_refused "out of range" \
	smmctl vm set compaction_proactiveness 101
ktap_check "vm set compaction_proactiveness -1 refused" smm_refused "invalid compaction_proactiveness" \
	smmctl vm set compaction_proactiveness -1
ktap_check "debugfs vm/compaction_proactiveness 101 refused" sh -c \
	"! echo 101 > $D/vm/compaction_proactiveness 2>/dev/null && [ \"\$(cat $D/vm/compaction_proactiveness)\" = 0 ]"

# proactiveness 0: kcompactd sleeps through the score, nothing moves
sleep 1
mig0=$(val pgmigrate_success)
score0=$(score)
sleep 2
ktap_check "proactiveness 0: score $score0 (above 15) stays, nothing moves" sh -c \
	"[ $score0 -gt 15 ] && [ \"$(score)\" = $score0 ] && [ \"$(val pgmigrate_success)\" = $mig0 ]"
proactive() {
	smmctl vm set compaction_proactiveness 100 || return 1
	n=0
	while [ "$(score)" -ge "$score0" ] && [ $n -lt 10 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	ktap_print_msg "proactiveness 100: score $score0 -> $(score) in $n half-seconds," \
		"$(($(val pgmigrate_success) - mig0)) pages moved; $(grep -v '^zone' $D/compaction | tr '\n' ' ')"
	[ "$(score)" -lt "$score0" ] && [ "$(val pgmigrate_success)" -gt "$mig0" ]
}
ktap_check "proactiveness 100: kcompactd lowers the score within 5 s" proactive
ktap_print_msg "proactiveness 100: score $score0 -> $(score), $(($(val pgmigrate_success) - mig0))" \
	"pages moved; $(grep -v '^zone' $D/compaction | tr '\n' ' ')"
ktap_check "every stripe still reads back its checksum after kcompactd" test "$(sums)" = "$before"
ktap_check "CHECK passes after kcompactd" smmctl check

# rmmod with kcompactd awake: proactiveness 100, a fresh trigger
smmctl page free all
smmctl vm set compaction_proactiveness 100
smmctl space destroy "$id"
smm_unload
ktap_finished
