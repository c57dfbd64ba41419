#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The real walker while the walked process maps, unmaps, collapses, splits,
# protects and drops the same range (pt_race.c): every walk completes or
# says the tables changed, and the kernel log stays clean (KASAN on the
# debug kernel would report a walk into a freed table). At least
# SMM_RACE_SECONDS (30) seconds and SMM_RACE_WALKS (10,000) walks.
. "$(dirname "$0")/lib.sh"

smm_unload
smm_need_range "$SMM_BASE" 64M
if ! smm_load base=$SMM_BASE size=64M; then
	ktap_header
	ktap_plan 1
	ktap_fail "insmod base=$SMM_BASE size=64M"
	ktap_finished
fi
# khugepaged and MADV_COLLAPSE need THP allowed for madvised ranges, of
# anonymous and of shared memory (pt_race's memfd rounds)
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$thp" ] && echo madvise > "$thp"
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
[ -w "$thp" ] && echo advise > "$thp"
# A DEBUG_VM build of the module can pause between PMD and PTE table,
# widening the window in which a table freed under the walk would be read
delay=/sys/module/shadowmm/parameters/debug_walk_delay_us
if [ -w "$delay" ]; then
	echo "${SMM_RACE_DELAY_US:-200}" > "$delay"
	echo "# debug_walk_delay_us=$(cat "$delay"): a pause between PMD and PTE table"
fi
vmstat() { awk -v k="$1" '$1 == k { n = $2 } END { print n + 0 }' /proc/vmstat; }
collapsed=$(vmstat thp_collapse_alloc)
"$(dirname "$0")/pt_race" "${SMM_RACE_SECONDS:-30}" "${SMM_RACE_WALKS:-10000}"
rc=$?
echo "# THPs collapsed meanwhile (thp_collapse_alloc): $(($(vmstat thp_collapse_alloc) - collapsed))"
smm_unload || rc=1
exit $rc
