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
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
A=0x40000000		# the VMA's start
STRIPE=0x80000		# 512 KiB: 128 pages

ktap_header
ktap_plan 15
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest

val() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
# free blocks of order 9 and 10 in Normal, from buddyinfo
high() { awk '$4 == "Normal" { print $14 + $15 }' $D/buddyinfo; }
frag9() { awk '$4 == "Normal" { print $14 }' $D/extfrag_index; }

# the VMA: what is free less the low watermark and 64 pages, in stripes
z=$(smmctl -j zone show Normal | jq '.zones[0]')
free=$(echo "$z" | jq '.free + .pcp')
low=$(echo "$z" | jq '.low')
stripes=$(( (free - low - 64) * 4096 / STRIPE / 2 * 2 ))
len=$(( stripes * STRIPE ))
id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr $A len $len
smmctl space access "$id" addr $A len $len write > /dev/null
i=1
while [ $i -lt $stripes ]; do
	smmctl space munmap "$id" addr $((A + i * STRIPE)) len $STRIPE
	i=$((i + 2))
done
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
ktap_check "an unknown zone refused" smm_refused "unknown zone" smmctl compact zone HIGHMEM

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
	want="$(echo "$res" | jq '.zones[0].migrated') 1 0 0"
	[ "$got" = "$want" ] || { echo "pgmigrate_success compact_success compact_fail compact_stall: $got, want $want"; return 1; }
}
ktap_check "vmstat: pgmigrate_success, compact_success 1, compact_fail and compact_stall 0" counted
ktap_check "compact_* and pgmigrate_* in smmctl vmstat" json_expect \
	"$(smmctl -j vmstat compact_migrate_scanned compact_isolated pgmigrate_fail)" \
	'"\(.compact_migrate_scanned > 0) \(.compact_isolated > 0) \(.pgmigrate_fail)"' "true true 0"

res=$(smmctl -j compact)
ktap_print_msg "compact (whole zone): $(echo "$res" | jq -c '.zones[0]')"
ktap_check "compact, the whole zone: the scanners meet" json_expect "$res" \
	'[.zones[] | .result] | join(" ")' "complete"
ktap_check "every stripe left reads back its checksum" test "$(sums)" = "$before"
ktap_check "CHECK passes" smmctl check

smmctl space destroy "$id"
smm_unload
ktap_finished
