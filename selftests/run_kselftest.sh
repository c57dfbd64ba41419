#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the installed shadowmm selftests: `make -C selftests install
# INSTALL_PATH=DIR` puts this at DIR/run_kselftest.sh, beside
# DIR/kselftest-list.txt and the collection DIR/shadowmm/. The options
# are those of the kernel's tools/testing/selftests/run_kselftest.sh that
# apply to one collection:
#
#   -t | --test shadowmm:TEST   run TEST (again for more); default: all
#   -S | --skip shadowmm:TEST   leave TEST out
#   -c | --collection shadowmm  every test of the collection
#   -l | --list                 print the list (kselftest-list.txt)
#   -s | --summary              results only; the tests' output in
#                               DIR/output.log
#   -d | --dry-run              print what would run, run nothing
#   -f | --no-error-on-fail     exit 0 even if a test failed
#   -o | --override-timeout S   seconds each test may take (default 300)
#   -h | --help
#
# The tests run through shadowmm/run_tests.sh, the VM's runner: TAP 13,
# "ok N selftests: shadowmm: test_x.sh", "# SKIP" for a test that exits 4,
# "not ok ... # exit=RC" or "# TIMEOUT"; each in a session of its own, the
# module unloaded if a test left it loaded. Then "# Totals: pass:P fail:F
# skip:S"; exit 1 if a test failed (not with -f), else 0.
#
# As root. The environment the tests read (Documentation/testing.md, "On
# your own test machine"): SMM_KO, the module to insmod (default: the VM's
# /shadowmm/shadowmm.ko, else the one modprobe would load, from modinfo);
# SMM_BASE and SMM_BIG_BASE, the 64 MiB and 1 GiB reserved ranges (default
# the VM's 0x10000000 and 0x40000000; SMM_HOLD_BASE follows SMM_BIG_BASE);
# smmctl and smmtop on PATH. What is missing is said on stderr first.

BASE_DIR=$(cd "$(dirname "$0")" && pwd -P) || exit 1
COLLECTION=shadowmm
LIST=$BASE_DIR/kselftest-list.txt

usage() {
	cat <<EOF
Usage: $0 [OPTIONS]
  -s | --summary                Print results only, the tests' output in $BASE_DIR/output.log
  -t | --test COLLECTION:TEST   Run TEST from COLLECTION
  -S | --skip COLLECTION:TEST   Skip TEST from COLLECTION
  -c | --collection COLLECTION  Run all tests from COLLECTION
  -l | --list                   List the available collection:test entries
  -d | --dry-run                Don't actually run any tests
  -f | --no-error-on-fail       Don't exit with an error just because tests failed
  -o | --override-timeout SEC   Number of seconds after which a test times out
  -h | --help                   Show this usage info
EOF
	exit "$1"
}

# need_arg OPTION COUNT: the option's argument is there
need_arg() { [ "$2" -ge 2 ] || { echo "$0: $1 needs an argument" >&2; usage 1; }; }

if [ ! -r "$LIST" ]; then
	echo "$0: Could not find list of tests to run ($LIST)" >&2
	exit 1
fi
available=$(cat "$LIST")

tests='' skip='' summary='' dryrun='' error_on_fail=1 timeout=''
while [ $# -gt 0 ]; do
	case "$1" in
	-s | --summary) summary=1; shift ;;
	-t | --test) need_arg "$1" $#; tests="$tests $2"; shift 2 ;;
	-S | --skip) need_arg "$1" $#; skip="$skip $2"; shift 2 ;;
	-c | --collection)
		need_arg "$1" $#
		[ "$2" = "$COLLECTION" ] || { echo "No such collection '$2'" >&2; exit 1; }
		tests="$tests $available"
		shift 2 ;;
	-l | --list) echo "$available"; exit 0 ;;
	-d | --dry-run) dryrun=1; shift ;;
	-f | --no-error-on-fail) error_on_fail=0; shift ;;
	-o | --override-timeout)
		need_arg "$1" $#
		case "$2" in
		'' | *[!0-9]*) echo "$0: $1 wants seconds, not '$2'" >&2; exit 1 ;;
		esac
		timeout=$2
		shift 2 ;;
	-h | --help) usage 0 ;;
	-p | --per-test-log | -n | --netns)
		echo "$0: $1 is not supported by shadowmm's runner" >&2
		exit 1 ;;
	*) usage 1 ;;
	esac
done

# The tests asked for, each checked against the list, in the list's
# order; then those to skip taken out.
all_tests=" $(echo "$available" | tr '\n' ' ') "
for t in $tests; do
	case "$all_tests" in
	*" $t "*) ;;
	*) echo "No such test '$t'" >&2; exit 1 ;;
	esac
done
names=''
for a in $available; do
	[ -z "$tests" ] || case " $tests " in *" $a "*) ;; *) continue ;; esac
	case " $skip " in *" $a "*) continue ;; esac
	names="$names${names:+ }${a#"$COLLECTION":}"
done

if [ -n "$dryrun" ]; then
	echo "TAP version 13"
	echo "1..$(echo "$names" | wc -w)"
	for n in $names; do echo "# would run: $COLLECTION/$n"; done
	exit 0
fi

# Nothing left to run: run_tests.sh would take an empty selection for all.
if [ -z "$names" ]; then
	echo "TAP version 13"
	echo "1..0"
	exit 0
fi

# What the tests need, said before they fail for the want of it.
if [ -d /sys/module/shadowmm ]; then
	echo "$0: shadowmm is loaded; the tests load it with their own parameters: rmmod shadowmm first" >&2
	exit 1
fi
[ "$(id -u)" = 0 ] || echo "$0: not root: the tests that load the module will fail" >&2
if [ -z "${SMM_KO:-}" ] && [ ! -r /shadowmm/shadowmm.ko ]; then
	SMM_KO=$(modinfo -F filename shadowmm 2>/dev/null)
	[ -n "$SMM_KO" ] || echo "$0: no shadowmm.ko: set SMM_KO=/path/to/shadowmm.ko (or make install it)" >&2
fi
[ -n "${SMM_KO:-}" ] && export SMM_KO
command -v smmctl > /dev/null || echo "$0: no smmctl on PATH: make install, or PATH=.../tools/smmctl:\$PATH" >&2

# The ranges (lib.sh's defaults are the VM's); test_lock_holds.sh takes
# its own (SMM_HOLD_BASE, default 0x40000000): the 1 GiB one here.
SMM_BASE=${SMM_BASE:-0x10000000}
SMM_BIG_BASE=${SMM_BIG_BASE:-0x40000000}
SMM_HOLD_BASE=${SMM_HOLD_BASE:-$SMM_BIG_BASE}
export SMM_BASE SMM_BIG_BASE SMM_HOLD_BASE

# reserved BASE BYTES: exactly a top-level reserved region of
# /proc/iomem (lib.sh's smm_range_missing accepts any range inside one;
# only root reads the addresses)
reserved() {
	grep -qi "^$(printf '%08x-%08x' $(($1)) $(($1 + $2 - 1))) : reserved" /proc/iomem
}
if [ "$(id -u)" = 0 ]; then
	reserved "$SMM_BASE" 0x4000000 ||
		echo "$0: no 64 MiB reserved range at SMM_BASE=$SMM_BASE: the tests that load the module on it skip (Documentation/testing.md)" >&2
	reserved "$SMM_BIG_BASE" 0x40000000 ||
		echo "$0: no 1 GiB reserved range at SMM_BIG_BASE=$SMM_BIG_BASE: the tests that need it skip (Documentation/testing.md)" >&2
fi

SMM_TESTS=$(echo "$names" | tr ' ' ,)
export SMM_TESTS
if [ -n "$timeout" ]; then
	SMM_TEST_TIMEOUT=$timeout
	export SMM_TEST_TIMEOUT
fi

if [ -n "$summary" ]; then
	logfile=$BASE_DIR/output.log
	: > "$logfile" || exit 1
else
	logfile=/dev/null
fi

# run_tests.sh's TAP, live; with -s the tests' own lines ("# " but not
# "# selftests: ") only to the log. The verdict is read from the results:
# a runner that died before its plan was met failed too.
"$BASE_DIR/$COLLECTION/run_tests.sh" 2>&1 | awk -v summary="$summary" -v logf="$logfile" \
	-v error_on_fail="$error_on_fail" '
	{ print > logf; fflush(logf) }
	/^1\.\.[0-9]+$/ && !planned { planned = 1; plan = substr($0, 4) + 0 }
	/^ok / { if (/ # SKIP/) skip++; else pass++ }
	/^not ok / { fail++ }
	!summary || !/^# / || /^# selftests: / { print; fflush() }
	END {
		ran = pass + fail + skip
		if (!planned || ran != plan) {
			printf "# runner: planned %d tests, %d reported\n", plan, ran
			fail += planned ? plan - ran : 1
		}
		printf "# Totals: pass:%d fail:%d skip:%d\n", pass, fail, skip
		exit (fail > 0 && error_on_fail) ? 1 : 0
	}'
