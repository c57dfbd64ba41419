#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (nl_fuzz.c) against a loaded module: 100,000 messages
# by default (SMM_FUZZ_MESSAGES), seed printed for replay (SMM_FUZZ_SEED).
#
# Its PAGE_ALLOCs run the range out while it has spaces, so the OOM
# killer kills them (Documentation/reclaim.md), and its report is a
# KERN_ERR line: the run is an expected-error window for check-log.py,
# and every shadowmm error logged in it must be such a report, or the
# test fails.
. "$(dirname "$0")/lib.sh"

# shadowmm's error lines after the last expect-kerr marker (all of the
# ring buffer's if it wrapped past the marker), OOM reports left out
other_kerr() {
	dmesg -r | awk '/smm-test: expect-kerr begin/ { n = 0; next }
		/^<[0-3]>.*shadowmm: / && !/shadowmm: Out of memory: Killed space / { l[n++] = $0 }
		END { for (i = 0; i < n; i++) print l[i] }'
}

smm_unload
# nl_fuzz prints the TAP; when the module does not load, this says so
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest
smm_expect_kerr_begin
"$(dirname "$0")/nl_fuzz" -n "${SMM_FUZZ_MESSAGES:-100000}" ${SMM_FUZZ_SEED:+-s "$SMM_FUZZ_SEED"}
rc=$?
smm_expect_kerr_end
other=$(other_kerr)
if [ -n "$other" ]; then
	echo "# shadowmm errors other than OOM reports during the run:"
	echo "$other" | sed 's/^/# /'
	rc=1
fi
echo "# OOM kills during the run: $(awk '$1 == "oom_kill" { print $2 }' /sys/kernel/debug/shadowmm/vmstat)"
smm_unload || rc=1
exit $rc
