#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of the slab comparison's size table
# (tools/testing/bench/bench_slab_mix.c, Documentation/slab.md "Side by
# side on two workloads"): what sizes the guest kernel's kmalloc() is
# asked for while a small everyday workload runs, and how many of them
# were freed before the trace ended.
#
#   scripts/vm.sh demo kmalloc-mix     (build/vm/kmalloc-mix.txt)
#
# selftests/trace_capture.sh records the kmem events while the workload
# runs: its default (dd into tmpfs, find and tar over /selftests) and a
# few hundred short processes, pipes and files. Then, for the kmalloc
# events (bytes_req: what the caller asked, not the slot it got) with
# ptr not NULL, one line per size: "size BYTES count N freed F", F the
# objects of that size whose kfree came before the trace ended; and a
# summary line. No module is needed: this is the guest kernel's own
# allocator at work.
out=/tmp/kmalloc-mix.trace
work="dd if=/dev/zero of=/tmp/kmix.dd bs=64k count=64 2>/dev/null
find /selftests > /dev/null
tar -cf - /selftests 2>/dev/null | wc -c > /dev/null
i=0
while [ \$i -lt 200 ]; do
	sh -c 'echo x > /tmp/kmix.\$\$; cat /tmp/kmix.\$\$ | wc -c > /dev/null; rm -f /tmp/kmix.\$\$'
	i=\$((i + 1))
done
cat /proc/[0-9]*/status > /dev/null 2>&1
ls -lR /proc/sys > /dev/null 2>&1
rm -f /tmp/kmix.dd"

if ! SMM_TRACE_BUF=16384 /selftests/trace_capture.sh "$out" "$work"; then
	echo "==== SMM DEMO FAILED ===="
	exit 1
fi
uname -r
awk '
	/ kmalloc: / {
		p = ""; b = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ptr=/) p = substr($i, 5)
			if ($i ~ /^bytes_req=/) b = substr($i, 11) + 0
		}
		if (p ~ /^0+$/ || p == "(null)" || b == 0)
			next
		n[b]++; live[p] = b; total++
		next
	}
	/ kfree: / {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^ptr=/) p = substr($i, 5)
		if (p in live) { f[live[p]]++; delete live[p]; freed++ }
	}
	/LOST/ { lost++ }
	END {
		for (s in n)
			printf "size %d count %d freed %d\n", s, n[s], f[s] + 0
		printf "kmalloc events %d freed %d lost_marks %d\n", total, freed, lost + 0
	}' "$out" | sort -k1,1 -k2,2n
rm -f "$out"
echo "==== SMM DEMO OK ===="
