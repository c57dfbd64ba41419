#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check's runs on the other kernels (scripts/vm-flavour.sh), two at
# a time where that cannot change a result:
#
#   check-flavours.sh FLAVOUR... [-- vm-flavour.sh options]
#
# A TCG guest running one test keeps about one host core busy, so on 2
# cores two such VMs take little longer together than the longer alone.
# debug-quick (the KASAN/lockdep kernel, about 17 minutes, and its first
# build, about 10) runs in the background from the start, its console in
# build/vm-debug-quick.console; beside it run, one after the other, the
# flavours whose checks a busy host cannot move: la48 and the arm64 runs
# (the walker's and the allocator's checks: no time bound) and holds (its
# time is the guest's instruction count, -icount). The flavours whose
# checks have time bounds or want the host to themselves (smp4's four
# vCPUs, the 6.1/6.12 generic and RT runs: reclaim within 10 s, lock
# holds, the smmtop cost ratio) run after debug-quick has ended, one at a
# time. Each flavour's time is printed as it ends.
#
# Exit status: 1 when a flavour's run failed to run (vm-flavour.sh's
# status; test results are judged by check-log.py afterwards), else 0.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavours=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	flavours+=("$1")
	shift
done
[ $# -eq 0 ] || shift

beside=() calm=() after=()
for f in "${flavours[@]}"; do
	case "$f" in
	debug-quick) beside+=("$f") ;;
	la48 | holds | arm64 | arm64-612 | arm64-612-la48) calm+=("$f") ;;
	*) after+=("$f") ;;
	esac
done

# run_one FLAVOUR: one flavour in the foreground, its time printed
run_one()
{
	local start=$SECONDS rc

	"$top/scripts/vm-flavour.sh" "$1" --no-judge "${@:2}"
	rc=$?
	echo "check-flavours: $1 took $((SECONDS - start)) s (exit $rc)"
	return $rc
}

failed=0 pids=()
mkdir -p "$top/build"
for f in "${beside[@]}"; do
	echo "check-flavours: $f runs in the background, its console in build/vm-$f.console"
	run_one "$f" "$@" > "$top/build/vm-$f.console" 2>&1 &
	pids+=("$!")
done
for f in "${calm[@]}"; do
	run_one "$f" "$@" || { failed=1; break; }
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || failed=1
	tail -n 1 "$top/build/vm-${beside[$i]}.console"
done
[ "$failed" = 0 ] || exit 1
for f in "${after[@]}"; do
	run_one "$f" "$@" || exit 1
done
exit 0
