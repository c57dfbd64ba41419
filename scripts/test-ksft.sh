#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test-ksft: the selftests installed as a kselftest directory
# (make -C selftests install INSTALL_PATH=<tmp>), TAP on stdout (make puts
# it in build/host/ksft.tap). No test of the module can run on the host,
# so the installed runner is run on a fake collection in a copy:
#
#   1. the install: kselftest-list.txt names every selftests/test_*.sh
#      once, as "shadowmm:test_x.sh", and nothing else; each listed test
#      is installed, executable; every file a test or lib.sh sources, runs
#      or reads beside itself ($(dirname "$0")/X) is in the install
#   2. run_kselftest.sh: -l prints the list; -t with an unknown test and
#      -c with an unknown collection fail; -d runs nothing
#   3. a copy of the install whose shadowmm/ holds three fake tests
#      (exit 1, exit 0, exit 4) and its list: all run in name order with
#      kselftest's result lines, exit 1; -f exits 0; -S leaves the failing
#      one out and exits 0; -s keeps the tests' output out of stdout and
#      in output.log; -t runs the one asked
#   4. on a machine without the reserved range a test needs (SMM_BASE at
#      an address no machine reserves), the installed test_buddy.sh and
#      test_pt_race.sh (which loads before any plan) skip every test,
#      exit 4, and name the memmap= to boot with
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/ktap.sh"
cd "$top" || exit 1

tmp=$(mktemp -d /tmp/smm-ksft.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
inst=$tmp/install
fake=$tmp/fake

ktap_header
ktap_plan 16

# --- 1. the install ---

if ! out=$(make -s -C selftests install INSTALL_PATH="$inst" 2>&1); then
	ktap_fail_rest "make -C selftests install failed" "$out"
	ktap_finished
fi
ktap_pass "make -C selftests install INSTALL_PATH=DIR"

# list_is_tests: the list is "shadowmm:" and each selftests/test_*.sh, once
list_is_tests() {
	local want got
	want=$(cd selftests && printf 'shadowmm:%s\n' test_*.sh | LC_ALL=C sort)
	got=$(LC_ALL=C sort "$inst/kselftest-list.txt")
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
	[ -z "$(uniq -d <<< "$got")" ] || { echo "twice: $(uniq -d <<< "$got")"; return 1; }
}
ktap_check "kselftest-list.txt lists every test_*.sh exactly once" list_is_tests

# listed_installed: each listed test is in DIR/shadowmm/, executable
listed_installed() {
	local line bad=0
	while IFS= read -r line; do
		[ -x "$inst/${line%%:*}/${line#*:}" ] || { echo "not installed: $line"; bad=1; }
	done < "$inst/kselftest-list.txt"
	return "$bad"
}
ktap_check "every listed test installed and executable" listed_installed

# sourced_installed: every $(dirname "$0")/X and $smm_ktap_dir/X that an
# installed script names exists beside it (the uapi header as
# ../include/...)
sourced_installed() {
	local f ref bad=0 n=0
	for f in "$inst"/shadowmm/*.sh; do
		# shellcheck disable=SC2013,SC2016 # names, no spaces; a literal $
		for ref in $(grep -oE '\$\(dirname "\$0"\)/[A-Za-z0-9_./-]+|\$smm_ktap_dir/[A-Za-z0-9_./-]+' "$f" |
			     sed 's|^[^/]*/||' | sort -u); do
			n=$((n + 1))
			[ -e "$inst/shadowmm/$ref" ] || { echo "${f##*/} needs $ref: not installed"; bad=1; }
		done
	done
	[ "$n" -gt 0 ] || { echo "no references found: the pattern is wrong"; return 1; }
	return "$bad"
}
ktap_check "every file the tests source, run or read is installed" sourced_installed

# --- 2. run_kselftest.sh on the real install, running nothing ---

run=$inst/run_kselftest.sh
ktap_check "run_kselftest.sh -l prints the list" \
	diff <("$run" -l) "$inst/kselftest-list.txt"

# fails_saying WANT CMD...: CMD exits non-zero and says WANT
fails_saying() {
	local want=$1 out
	shift
	if out=$("$@" 2>&1); then echo "succeeded: $out"; return 1; fi
	grep -qF "$want" <<< "$out" || { echo "expected '$want' in: $out"; return 1; }
}
ktap_check "-t with an unknown test fails" \
	fails_saying "No such test 'shadowmm:test_none.sh'" "$run" -t shadowmm:test_none.sh
ktap_check "-c with an unknown collection fails" \
	fails_saying "No such collection 'mm'" "$run" -c mm

dry_run() {
	local out
	out=$("$run" -d -t shadowmm:test_swap.sh -t shadowmm:test_buddy.sh) || return 1
	[ "$out" = "$(printf 'TAP version 13\n1..2\n# would run: shadowmm/test_buddy.sh\n# would run: shadowmm/test_swap.sh')" ] ||
		{ echo "$out"; return 1; }
}
ktap_check "-d prints the plan in list order and runs nothing" dry_run

# --- 3. the runner on a fake collection ---

cp -a "$inst" "$fake"
rm -f "$fake"/shadowmm/test_*
for t in pass:0 skip:4 fail:1; do
	printf '#!/bin/sh\necho "output of %s"\nexit %s\n' "${t%:*}" "${t#*:}" > "$fake/shadowmm/test_${t%:*}.sh"
	chmod +x "$fake/shadowmm/test_${t%:*}.sh"
done
printf 'shadowmm:test_fail.sh\nshadowmm:test_pass.sh\nshadowmm:test_skip.sh\n' > "$fake/kselftest-list.txt"
frun=$fake/run_kselftest.sh

# ran_as EXPECTED-RC EXPECTED-RESULT-LINES ARGS...: run the fake set with
# ARGS; its exit status and its "ok"/"not ok"/Totals lines as expected
ran_as() {
	local want_rc=$1 want=$2 out rc got
	shift 2
	out=$(env -u SMM_TESTS "$frun" "$@" 2> "$tmp/err")
	rc=$?
	got=$(grep -E '^(ok|not ok|# Totals)' <<< "$out")
	if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ]; then
		echo "exit $rc (want $want_rc); saw:"
		echo "$out"
		cat "$tmp/err"
		return 1
	fi
	printf '%s\n' "$out" > "$tmp/out"
}
all3='not ok 1 selftests: shadowmm: test_fail.sh # exit=1
ok 2 selftests: shadowmm: test_pass.sh
ok 3 selftests: shadowmm: test_skip.sh # SKIP
# Totals: pass:1 fail:1 skip:1'
ktap_check "all tests in name order, exit 4 a SKIP, a failure exits 1" ran_as 1 "$all3"
ktap_check "the tests' output behind '# '" grep -qx '# output of pass' "$tmp/out"
ktap_check "-f: exit 0 despite the failure" ran_as 0 "$all3" -f
ktap_check "-S leaves the failing test out: exit 0" ran_as 0 'ok 1 selftests: shadowmm: test_pass.sh
ok 2 selftests: shadowmm: test_skip.sh # SKIP
# Totals: pass:1 fail:0 skip:1' -S shadowmm:test_fail.sh

summary() {
	ran_as 1 "$all3" -s || return 1
	! grep -q 'output of' "$tmp/out" || { echo "test output on stdout with -s"; return 1; }
	grep -qx '# output of fail' "$fake/output.log" || { echo "not in output.log:"; cat "$fake/output.log"; return 1; }
}
ktap_check "-s: results on stdout, the tests' output in output.log" summary
ktap_check "-t runs only the test asked" ran_as 0 'ok 1 selftests: shadowmm: test_skip.sh # SKIP
# Totals: pass:0 fail:0 skip:1' -t shadowmm:test_skip.sh

# --- 4. the range-less machine ---

# skips_all TEST SKIPS: exit 4, SKIPS skipped, memmap= named
skips_all() {
	local out rc
	out=$(SMM_BASE=0x7f0000000000 timeout 60 "$inst/shadowmm/$1" 2>&1)
	rc=$?
	[ "$rc" -eq 4 ] && grep -qx "# Totals: pass:0 fail:0 skip:$2" <<< "$out" &&
		grep -qF 'memmap=64M$0x7f0000000000' <<< "$out" && return 0
	echo "exit $rc"
	tail -n 5 <<< "$out"
	return 1
}
ktap_check "without its reserved range a test skips all it planned (exit 4), naming memmap=" \
	skips_all test_buddy.sh "$(sed -n 's/^ktap_plan \([0-9]*\)$/\1/p' selftests/test_buddy.sh)"
ktap_check "a test that loads before its plan skips as one test" skips_all test_pt_race.sh 1

ktap_finished
