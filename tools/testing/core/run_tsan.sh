#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the ThreadSanitizer build of the multithreaded core tests and write
# its TAP, so that a data race fails it as a failed assertion does.
#
#   run_tsan.sh TARGET TAP_OUT
#
# TSan stops the process at its first report (exit code 66), in the middle
# of a test: the test that was running is then reported "not ok" with the
# report's first lines; the whole report is in TAP_OUT's .log beside it.
# Any other non-zero exit adds a "not ok" too, so a run that did not end
# cleanly never counts as passed.
# Exit status: the target's (0 when every test passed and nothing raced).
set -uo pipefail

target=$1 tap=$2
mkdir -p "$(dirname "$tap")"
log=${tap%.tap}.log
out=$tap.out

# detect_deadlocks=0: TSan's lock-order detector tracks at most 64 locks
# held at once, and the slab CHECK holds every cache's CPU and list locks
# (more than that with 4 CPUs); lockdep checks the order in the VM runs.
# stdbuf: line-buffered, so what the tests printed survives TSan's exit.
TSAN_OPTIONS="halt_on_error=1 exitcode=66 detect_deadlocks=0 ${TSAN_OPTIONS:-}" \
	stdbuf -oL "$target" > "$out" 2> "$log"
rc=$?

planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
seen=$(grep -cE '^(not )?ok [0-9]+ ' "$out")
{
	if [ -z "$planned" ]; then
		# stopped before the harness printed anything: plan one result
		echo "TAP version 13"
		echo "1..1"
	fi
	grep -v '^# [0-9]* passed, [0-9]* failed$' "$out"
	if [ $rc -ne 0 ]; then
		grep -E 'ThreadSanitizer|^ +#[0-9] |Location is|Mutex .* created at|^ +(Previous )?(read|write|atomic)' "$log" |
			head -n 40 | sed 's/^/# /'
		echo "# $(basename "$target") exit $rc; the whole report: $log"
	fi
	# stopped early, or failed without saying which test: one more result,
	# not ok (and breaking the plan): a failure either way for check-log.py
	if [ $rc -ne 0 ] && { [ -z "$planned" ] || [ "$seen" -lt "$planned" ] ||
			      ! grep -qE '^not ok ' "$out"; }; then
		echo "not ok $((seen + 1)) the test running when $(basename "$target") stopped (exit $rc)"
	fi
} > "$tap"
rm -f "$out"
cat "$tap"
exit $rc
