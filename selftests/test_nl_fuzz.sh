#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (nl_fuzz.c) against a loaded module: 100,000 messages
# by default (SMM_FUZZ_MESSAGES), seed printed for replay (SMM_FUZZ_SEED).
. "$(dirname "$0")/lib.sh"

smm_unload
# nl_fuzz prints the TAP; when the module does not load, this says so
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest
"$(dirname "$0")/nl_fuzz" -n "${SMM_FUZZ_MESSAGES:-100000}" ${SMM_FUZZ_SEED:+-s "$SMM_FUZZ_SEED"}
rc=$?
smm_unload || rc=1
exit $rc
