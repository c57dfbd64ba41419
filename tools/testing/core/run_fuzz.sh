#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a libFuzzer target for a bounded time and report it as TAP.
#
#   run_fuzz.sh TARGET SECONDS WORK_CORPUS SEED_CORPUS TAP_OUT
#
# New inputs go to WORK_CORPUS; SEED_CORPUS (in the checkout) is only
# read. A crash leaves its input beside WORK_CORPUS (crash-*) and the TAP
# says how to replay it. Exit status: libFuzzer's (0 when nothing broke).
set -uo pipefail

target=$1 seconds=$2 work=$3 seeds=$4 tap=$5
mkdir -p "$work" "$(dirname "$tap")"
log=$work.log
artifacts=$(dirname "$work")/

"$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=20 \
	-artifact_prefix="$artifacts" "$work" "$seeds" > "$log" 2>&1
rc=$?

name="$(basename "$target"): ${seconds} s of libFuzzer"
{
	echo "TAP version 13"
	echo "1..1"
	grep -E '^INFO: Seed:|^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE' "$log" |
		sed 's/^/# /'
	if [ $rc -eq 0 ]; then
		echo "ok 1 $name"
	else
		grep -E 'ERROR|WARNING|fuzz_core:|SUMMARY|Test unit written|CHECK' "$log" | head -n 20 |
			sed 's/^/# /'
		echo "# replay: $target <the crash-* file named above>"
		echo "not ok 1 $name (exit $rc)"
	fi
} > "$tap"
cat "$tap"
exit $rc
