#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load shadowmm on the 64 MiB range the VM reserved at SMM_BASE (x86:
# memmap=64M$0x10000000; arm64: a no-map reserved-memory node):
# smmctl's view matches the parameters, /proc/iomem shows the claim while
# loaded and not after.
. "$(dirname "$0")/lib.sh"

BASE=$SMM_BASE
SIZE=64M

ktap_header
ktap_plan 9
smm_need_range "$BASE" $SIZE

smm_unload
ktap_check "insmod base=$BASE size=$SIZE" smm_load base=$BASE size=$SIZE

info=$(smmctl -j info)
ktap_check "info -j is valid JSON" json_valid "$info"
ktap_check "info mode is reserved" json_expect "$info" .mode reserved
ktap_check "info base is $BASE" json_expect "$info" .base $((BASE))
ktap_check "info size and frames" json_expect "$info" '"\(.size) \(.frames) \(.page_size)"' \
	"67108864 16384 4096"
ktap_check "one section covering the range" json_expect "$info" \
	'[.sections | length, .[0].base, .[0].frames] | join(" ")' "1 $((BASE)) 16384"
ktap_check "descriptor is at most 8 bytes per frame" \
	test "$(json_get "$info" .descriptor_bytes)" -le 8
ktap_check "/proc/iomem shows the claim" \
	grep -q "^  $(printf '%08x-%08x' $((BASE)) $((BASE + 0x4000000 - 1))) : shadowmm" /proc/iomem

smm_unload
ktap_check "claim released after rmmod" sh -c '! grep -q shadowmm /proc/iomem'

ktap_finished
