#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load shadowmm on the range the VM reserved with memmap=64M$0x10000000:
# smmctl's view matches the parameters, /proc/iomem shows the claim while
# loaded and not after.
. "$(dirname "$0")/lib.sh"

BASE=0x10000000
SIZE=64M

ktap_header
ktap_plan 9

if ! grep -q '^10000000-13ffffff : Reserved' /proc/iomem; then
	ktap_print_msg "no reserved range at $BASE (boot with memmap=64M\$$BASE)"
	ktap_exit_skip_all "no reserved range at $BASE"
fi

smm_unload
ktap_check "insmod base=$BASE size=$SIZE" smm_load base=$BASE size=$SIZE

info=$(smmctl -j info)
ktap_check "info -j is valid JSON" json_valid "$info"
ktap_check "info mode is reserved" json_expect "$info" .mode reserved
ktap_check "info base is $BASE" json_expect "$info" .base 268435456
ktap_check "info size and frames" json_expect "$info" '"\(.size) \(.frames) \(.page_size)"' \
	"67108864 16384 4096"
ktap_check "one section covering the range" json_expect "$info" \
	'[.sections | length, .[0].base, .[0].frames] | join(" ")' "1 268435456 16384"
ktap_check "descriptor is at most 8 bytes per frame" \
	test "$(json_get "$info" .descriptor_bytes)" -le 8
ktap_check "/proc/iomem shows the claim" grep -q '^  10000000-13ffffff : shadowmm' /proc/iomem

smm_unload
ktap_check "claim released after rmmod" sh -c '! grep -q shadowmm /proc/iomem'

ktap_finished
