#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every bad parameter set is refused: insmod fails with EINVAL, the kernel
# log gets exactly one shadowmm error naming the problem, the module is
# not loaded afterwards and /proc/iomem is unchanged.
. "$(dirname "$0")/lib.sh"

# params | words the single error line must contain
CASES='base=0x10000800 size=64M|base is not page-aligned
base=0x10000000 size=12345|size is not page-aligned
base=0x10000000 size=0|size is zero
size=0|size is zero
size=1M1|invalid size= value
size=64MB|invalid size= value
base=nowhere size=1M|invalid base= value
base=0x1000000 size=1M|range overlaps System RAM
base=0x13f00000 size=2M|range overlaps System RAM
base=0x80000000 size=1M|range is not reserved
base=0x10000000000000 size=1M|physical address width
size=4G|too large to borrow
size=64M thp=maybe|invalid thp= value
size=64M watermark_boost_factor=-1|invalid watermark_boost_factor= value
size=64M watermark_boost_factor=2147483648|invalid watermark_boost_factor= value
size=64M watermark_scale_factor=0|invalid watermark_scale_factor= value
size=64M watermark_scale_factor=3001|invalid watermark_scale_factor= value
size=64M swappiness=201|invalid swappiness= value
size=64M swappiness=-1|invalid swappiness= value
size=64M slab_policy=slub2|invalid slab_policy= value: '"'"'slub2'"'"''

ktap_header
ktap_plan "$(echo "$CASES" | wc -l)"

kerr_count() { dmesg -r | grep -c '^<[0-3]>.*shadowmm: ' || true; }

refused() {
	params=$1 reason=$2
	errs=$(kerr_count)
	iomem=$(cat /proc/iomem)
	# shellcheck disable=SC2086 # params are words on purpose
	out=$(smm_load $params 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		smm_unload
		echo "insmod $params succeeded"
		return 1
	fi
	case "$out" in
	*"Invalid argument"*|*"Invalid parameters"*) ;;
	*) echo "insmod said: $out (expected EINVAL)"; return 1 ;;
	esac
	if smm_loaded; then
		echo "module is loaded after a refused insmod"
		return 1
	fi
	if [ "$(cat /proc/iomem)" != "$iomem" ]; then
		echo "/proc/iomem changed"
		return 1
	fi
	new=$(($(kerr_count) - errs))
	line=$(dmesg -r | grep '^<[0-3]>.*shadowmm: ' | tail -n 1)
	if [ "$new" -ne 1 ]; then
		echo "expected 1 shadowmm error line, saw $new"
		return 1
	fi
	case "$line" in
	*"$reason"*) return 0 ;;
	*) echo "expected \"$reason\" in: $line"; return 1 ;;
	esac
}

smm_unload
smm_expect_kerr_begin
# A here-document keeps the loop in this shell, with the TAP counters.
while IFS='|' read -r params reason; do
	ktap_check "refused: $params" refused "$params" "$reason"
done <<EOF
$CASES
EOF
smm_expect_kerr_end

ktap_finished
