#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the VM, not among the selftests: scripts/ksft-vm.sh puts it and
# ksft.tar (`make -C selftests install INSTALL_PATH=...`, tarred) into
# the guest's /selftests/ and runs it alone. The installed directory
# unpacked in /tmp/ksft runs one real selftest through its own
# run_kselftest.sh, as a user would on a test machine of their own.
. "$(dirname "$0")/lib.sh"

D=/tmp/ksft
ktap_header
ktap_plan 6

rm -rf "$D"
mkdir -p "$D"
ktap_check "the installed directory unpacks" tar -xf "$(dirname "$0")/ksft.tar" -C "$D"
ktap_check "run_kselftest.sh -l prints kselftest-list.txt" \
	sh -c "[ \"\$($D/run_kselftest.sh -l)\" = \"\$(cat $D/kselftest-list.txt)\" ]"

smm_unload
out=$("$D/run_kselftest.sh" -t shadowmm:test_buddy.sh 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
ktap_check "run_kselftest.sh -t shadowmm:test_buddy.sh exits 0" [ "$rc" -eq 0 ]
# shellcheck disable=SC2016 # the inner shell's $1
ktap_check "test_buddy.sh passed in the installed directory" \
	sh -c 'printf "%s\n" "$1" | grep -qx "ok 1 selftests: shadowmm: test_buddy.sh"' sh "$out"
# shellcheck disable=SC2016 # the inner shell's $1
ktap_check "totals: one pass" \
	sh -c 'printf "%s\n" "$1" | grep -qx "# Totals: pass:1 fail:0 skip:0"' sh "$out"
ktap_check "the module is not left loaded" sh -c '! [ -d /sys/module/shadowmm ]'
ktap_finished
