# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# The one shell TAP library: every shell test's results, the selftests'
# in the VM (through lib.sh) and the tools' on the host. Sourced, in
# POSIX sh plus `local` (busybox ash, dash, bash). A test reads:
#
#   . "$(dirname "$0")/ktap.sh"
#   ktap_header
#   ktap_plan 2
#   ktap_check "true passes" true
#   ktap_skip "needs tmux" "tmux not found"
#   ktap_finished
#
# KTAP, in kselftest's conventions (tools/testing/selftests/kselftest.h):
#   ktap_header                 "TAP version 13"
#   ktap_plan N                 "1..N"
#   ktap_print_msg MSG...       "# MSG", a diagnostic
#   ktap_pass NAME              "ok K NAME"
#   ktap_fail NAME [REASON...]  each REASON line as "# ...", then "not ok K NAME"
#   ktap_skip NAME REASON       "ok K NAME # SKIP REASON"
#   ktap_check NAME CMD...      pass if CMD exits 0, else fail showing its
#                               output (stdout and stderr) and exit status
#   ktap_skip_rest REASON       skip every planned test not yet reported
#   ktap_fail_rest REASON...    fail every planned test not yet reported
#                               (one if there is no plan), the REASONs
#                               shown once, before the first
#   ktap_exit_skip_all [REASON] ktap_skip_rest, then ktap_finished
#   ktap_finished               exit: 1 on any failure or a count that does
#                               not match the plan, 4 if all skipped, else 0
# K is one counter shared by all of them.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# Shared by the ktap_ functions; "_ktap_" keeps them out of the tests' way.
_ktap_count=0
_ktap_planned=
_ktap_failed=0
_ktap_skipped=0

ktap_header() { echo "TAP version 13"; }

ktap_plan() {
	_ktap_planned=$1
	echo "1..$1"
}

ktap_print_msg() { echo "# $*"; }

ktap_pass() {
	_ktap_count=$((_ktap_count + 1))
	echo "ok $_ktap_count $1"
}

# The reasons go before the result line, as kselftest prints them.
ktap_fail() {
	local name="$1" reason
	shift
	for reason in "$@"; do
		[ -n "$reason" ] && printf '%s\n' "$reason" | sed 's/^/# /'
	done
	_ktap_count=$((_ktap_count + 1))
	_ktap_failed=$((_ktap_failed + 1))
	echo "not ok $_ktap_count $name"
}

ktap_skip() {
	_ktap_count=$((_ktap_count + 1))
	_ktap_skipped=$((_ktap_skipped + 1))
	echo "ok $_ktap_count $1 # SKIP ${2:-}"
}

# Quiet when CMD passes; its output and status when it fails, so the log
# says what was expected and what was seen.
ktap_check() {
	local name="$1" out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_pass "$name"
	else
		ktap_fail "$name" "$out" "exit $rc: $*"
	fi
	return "$rc"
}

ktap_skip_rest() {
	while [ "$_ktap_count" -lt "${_ktap_planned:-0}" ]; do
		ktap_skip "test $((_ktap_count + 1))" "${1:-precondition not met}"
	done
}

ktap_fail_rest() {
	local first=1
	[ -n "$_ktap_planned" ] || _ktap_planned=$((_ktap_count + 1))
	while [ "$_ktap_count" -lt "$_ktap_planned" ]; do
		if [ "$first" = 1 ]; then
			ktap_fail "test $((_ktap_count + 1)) (not run)" "$@"
			first=0
		else
			ktap_fail "test $((_ktap_count + 1)) (not run)" "(the reason above)"
		fi
	done
}

ktap_exit_skip_all() {
	ktap_skip_rest "$@"
	ktap_finished
}

ktap_finished() {
	if [ -n "$_ktap_planned" ] && [ "$_ktap_count" -ne "$_ktap_planned" ]; then
		echo "# planned $_ktap_planned tests, ran $_ktap_count"
		exit $KSFT_FAIL
	fi
	echo "# Totals: pass:$((_ktap_count - _ktap_failed - _ktap_skipped)) fail:$_ktap_failed skip:$_ktap_skipped"
	[ "$_ktap_failed" -eq 0 ] || exit $KSFT_FAIL
	if [ "$_ktap_count" -gt 0 ] && [ "$_ktap_skipped" -eq "$_ktap_count" ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}
