# SPDX-License-Identifier: GPL-2.0
# TAP for the tools' host tests (POSIX sh; sourced). The VM selftests
# have their own KTAP helpers in selftests/lib.sh.
#
#   tap_plan N          the header and the plan
#   tap_ok NAME         a passing test
#   tap_not_ok NAME     a failing test; the caller prints its "# " lines
#   tap_skip NAME WHY   a skipped test (TAP's "# SKIP")
#   tap_done            exit 0 when N tests ran and none failed, else 1

_tap_n=0
_tap_failed=0
_tap_planned=0

tap_plan() {
	_tap_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1"; }

tap_not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $1"
}

tap_skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1 # SKIP $2"; }

tap_done() {
	if [ "$_tap_n" -ne "$_tap_planned" ]; then
		echo "# planned $_tap_planned tests, ran $_tap_n"
		exit 1
	fi
	exit $((_tap_failed > 0))
}
