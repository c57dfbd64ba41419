#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The selftest runner of the guest (busybox sh), with kselftest's output:
#
#   TAP version 13
#   1..N
#   # selftests: shadowmm: test_x.sh
#   # <the test's own output, each line behind "# ">
#   ok 1 selftests: shadowmm: test_x.sh            exit 0
#   ok 2 selftests: shadowmm: test_y.sh # SKIP     exit 4
#   not ok 3 selftests: shadowmm: test_z.sh # exit=1
#   not ok 4 selftests: shadowmm: test_w.sh # TIMEOUT
#
# The tests are every selftests/test_*.sh and every executable test_*, in
# name order. SMM_TESTS=a,b picks some (with or without .sh; a name that
# matches no test is reported as a failed test, so a typo cannot pass).
# SMM_TEST_TIMEOUT is the time each test may take (default 300 s): then
# it gets SIGTERM, and SIGKILL 10 s later.
#
# Exit status: 1 if a test failed (or timed out, or was not found), else
# 0; a skipped test (exit 4) is not a failure.
#
# Each test runs in a session of its own: whatever it leaves running is
# killed when it ends, and a module it left loaded is unloaded, so one
# failed test does not break the next ones.

cd "$(dirname "$0")" || exit 1

TIMEOUT=${SMM_TEST_TIMEOUT:-300}
FIFO=/tmp/.smm-run.$$.fifo

# Is test $1 among those asked for?
selected() {
	[ -z "${SMM_TESTS:-}" ] && return 0
	case ",$SMM_TESTS," in
	*",$1,"* | *",${1%.sh},"*) return 0 ;;
	esac
	return 1
}

# The tests to run, one per line, followed by any name in SMM_TESTS that
# matches none of them.
list_tests() {
	for t in test_*; do
		[ -f "$t" ] || continue
		case "$t" in
		*.sh) ;;
		*) [ -x "$t" ] || continue ;;
		esac
		selected "$t" && echo "$t"
	done
	for want in $(echo "${SMM_TESTS:-}" | tr ',' ' '); do
		[ -f "$want" ] || [ -f "$want.sh" ] || echo "$want"
	done
}

# session_members: pid and name of each process in session $SID
session_members() {
	for stat in /proc/[0-9]*/stat; do
		# 2>/dev/null first: redirections apply left to right, and
		# a process that exited since the glob fails the < itself
		read -r line 2>/dev/null < "$stat" || continue
		# fields after "(comm) ": state ppid pgrp session ...
		# shellcheck disable=SC2086 # split into fields on purpose
		set -- ${line##*) }
		[ "${4:-}" = "$SID" ] || continue
		pid=${stat#/proc/}
		comm=${line#*(}
		echo "${pid%/stat} ${comm%%) *}"
	done
}

# Kill what test session $1 left running; print what was killed.
reap_session() {
	SID=$1
	for _ in 1 2 3; do
		members=$(session_members)
		[ -n "$members" ] || return 0
		echo "$members" | while read -r pid comm; do
			kill -KILL "$pid" 2>/dev/null || continue
			# busybox timeout's own watcher lingers up to 1 s: not news
			[ "$comm" = timeout ] || echo "runner: killed leftover $comm (pid $pid)"
		done
		sleep 0.2
	done
}

# run_test NAME: run it in its own session under the timeout, its output
# behind "# ", live; sets $rc and $elapsed.
run_test() {
	if [ -x "$1" ]; then set -- "./$1"; else set -- sh "./$1"; fi

	rm -f "$FIFO"
	mkfifo "$FIFO"
	# Not sed: busybox sed reads a line ahead (to know the last one), so
	# the line before a hang or a crash would never reach the log.
	awk '{ print "# " $0; fflush() }' < "$FIFO" &
	prefix_pid=$!

	start=$(date +%s)
	# The runner has no job control, so this background child is not a
	# process group leader and setsid makes its session without forking:
	# the session id is $test_pid.
	setsid timeout -s TERM -k 10 "$TIMEOUT" "$@" < /dev/null > "$FIFO" 2>&1 &
	test_pid=$!
	wait "$test_pid" 2>/dev/null
	rc=$?
	elapsed=$(($(date +%s) - start))

	# Leftovers may hold the pipe open: kill them before waiting for awk.
	reaped=$(reap_session "$test_pid")
	wait "$prefix_pid"
	rm -f "$FIFO"
	[ -z "$reaped" ] || echo "$reaped" | sed 's/^/# /'
}

# A test that leaves the module loaded would make the next one fail.
unload_leftover() {
	[ -d /sys/module/shadowmm ] || return 0
	echo "# runner: shadowmm still loaded after the test: rmmod"
	rmmod shadowmm 2>&1 | sed 's/^/# /'
}

report() {
	k=$1 name=$2
	if [ ! -f "$name" ]; then
		echo "not ok $k selftests: shadowmm: $name # no such test"
	elif [ "$rc" -eq 0 ]; then
		echo "ok $k selftests: shadowmm: $name"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $k selftests: shadowmm: $name # SKIP"
	elif [ "$elapsed" -ge "$TIMEOUT" ] && [ "$rc" -gt 128 ]; then
		echo "not ok $k selftests: shadowmm: $name # TIMEOUT $TIMEOUT seconds"
	else
		echo "not ok $k selftests: shadowmm: $name # exit=$rc"
	fi
}

tests=$(list_tests)
echo "TAP version 13"
echo "1..$(echo "$tests" | grep -c .)"

k=0
failed=0
for name in $tests; do
	k=$((k + 1))
	echo "# selftests: shadowmm: $name"
	rc=1 elapsed=0
	if [ -f "$name" ]; then
		run_test "$name"
		echo "# runner: $name exit=$rc in ${elapsed}s"
		unload_leftover
	fi
	report "$k" "$name"
	[ -f "$name" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 4 ]; } || failed=$((failed + 1))
done
[ "$failed" -eq 0 ]
