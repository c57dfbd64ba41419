#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The installed kselftest directory run in the VM, by hand (not part of
# make check): `make -C selftests install INSTALL_PATH=build/ksft/install`,
# tarred, then scripts/test_ksft_installed.sh in the guest (scripts/vm.sh
# check, its log in build/vm-ksft/serial.log) unpacks it and runs
# test_buddy.sh through the installed run_kselftest.sh.
#
#   scripts/ksft-vm.sh          (after make all)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rm -rf build/ksft
make -s -C selftests install INSTALL_PATH="$top/build/ksft/install"
tar -C build/ksft/install -cf build/ksft/ksft.tar .
SMM_VM_DIR=${SMM_VM_DIR:-$top/build/vm-ksft} \
SMM_EXTRA_TESTS="${SMM_EXTRA_TESTS:-} build/ksft/ksft.tar scripts/test_ksft_installed.sh" \
	exec scripts/vm.sh check --tests test_ksft_installed.sh "$@"
