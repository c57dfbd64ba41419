#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Borrowed mode: without base=, shadowmm takes size= from the page
# allocator in large blocks, reports them as sections, and gives all of
# it back on rmmod.
#
# That the kernel really handed the frames out is read page by page from
# its own flags (/proc/kpageflags) at the physical addresses the module
# reports, not from MemFree: the rest of the kernel moves MemFree at the
# same time (on the PREEMPT_RT kernel it once freed 256 kB while the
# module borrowed 32 MiB, and "dropped by at least 32 MiB" failed).
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 10

# kpageflags bits (the kernel's Documentation/admin-guide/mm/pagemap.rst),
# by byte of the little-endian 64-bit word: LRU 5 and SLAB 7 in byte 0,
# BUDDY 10 in byte 1, NOPAGE 20 in byte 2.
# borrowed_by_kernel SECTIONS: SECTIONS holds "base frames" lines; true if
# every frame of them is a page the kernel has handed out: none free in
# its buddy allocator, on an LRU list, in a slab, or missing.
borrowed_by_kernel() {
	local base frames bad
	[ -r /proc/kpageflags ] || { echo "no /proc/kpageflags"; return 1; }
	[ -n "$1" ] || { echo "no sections"; return 1; }
	echo "$1" | while read -r base frames; do
		bad=$(dd if=/proc/kpageflags bs=8 skip=$((base / 4096)) count="$frames" 2>/dev/null |
			od -An -v -w8 -tu1 |
			awk -v pfn=$((base / 4096)) -v frames="$frames" '
				{ n++ }
				and($1, 32) || and($1, 128) || and($2, 4) || and($3, 16) {
					bad++
					if (bad <= 3) printf "pfn %#x flags bytes %s %s %s\n", pfn + n - 1, $1, $2, $3
				}
				END { if (n != frames) print "read " n " of " frames " frames"
				      else if (bad) print bad " frames free, LRU, slab or missing" }')
		[ -z "$bad" ] || { echo "section at $base: $bad"; return 1; }
	done
}

smm_unload
before=$(smm_free_kb)
ktap_check "insmod size=32M" smm_load size=32M
during=$(smm_free_kb)

info=$(smmctl -j info)
ktap_check "info mode is borrowed" json_expect "$info" .mode borrowed
ktap_check "info size and frames" json_expect "$info" '"\(.size) \(.frames)"' "33554432 8192"
ktap_check "sections add up to the frames" json_expect "$info" \
	'[.sections[].frames] | add' 8192
ktap_check "sections lie in the span, in order" json_expect "$info" \
	'.span_frames as $span | .sections as $s |
	 ([range(1; $s | length) | $s[.].start >= $s[. - 1].start + $s[. - 1].frames] | all)
	 and ($s[-1].start + $s[-1].frames <= $span)' true
ktap_check "the kernel's page flags show every borrowed frame handed out" \
	borrowed_by_kernel "$(json_get "$info" '.sections[] | "\(.base) \(.frames)"')"

# The buddy over borrowed sections: holes are never handed out or merged.
span=$(json_get "$info" .span_frames)
smmctl page alloc order 0 count 4096 reserve > /dev/null
smmctl page alloc order 0 count 4096 reserve > /dev/null
ktap_check "every frame allocated, none from a hole" json_expect "$(smmctl -j zone show)" \
	'[.zones[] | .free + .pcp] | add' 0
ktap_check "holes in the map are exactly span - frames" json_expect "$(smmctl -j frame show)" \
	'[.runs[] | select(.state == "hole") | .count] | add // 0' $((span - 8192))
smmctl reset > /dev/null
ktap_check "check passes after reset" sh -c "smmctl check > /dev/null"

smm_unload
after=$(smm_free_kb)
ktap_print_msg "free (MemFree + kernel pcp lists, page cache dropped): $before kB," \
	"$during kB with 32 MiB borrowed, $after kB after rmmod"
# A block the module failed to give back would be missing from the free
# memory after rmmod. The rest of the kernel moves free memory too: over
# a load and unload of size=32M, before - after was -4 to +72 kB in 11
# rounds on the generic kernel and -60 to +236 kB in 12 on PREEMPT_RT
# (on RT this test's own reading, before the rounds, was the largest
# each time; SMM_BORROWED_ROUNDS=10 gave the others, below). SLACK_KB is
# 1024, 4 times the most seen and below the 2 MiB and 4 MiB blocks
# borrowed mode takes (the largest first), so one of those lost still
# fails the check. On a KASAN kernel its quarantine is added.
SLACK_KB=1024
slack=$((SLACK_KB + $(kasan_quarantine_kb)))
ktap_check "free memory back within $slack kB after rmmod" test $((before - after)) -le $slack

# The measurement behind SLACK_KB: SMM_BORROWED_ROUNDS more loads and
# unloads (0 by default), each reading printed, none judged. In the VM:
# SMM_VM_APPEND=smm.env.SMM_BORROWED_ROUNDS=10 scripts/vm.sh check --tests test_borrowed.sh
i=0
while [ "$i" -lt "${SMM_BORROWED_ROUNDS:-0}" ]; do
	b=$(smm_free_kb)
	smm_load size=32M && d=$(smm_free_kb) && smm_unload && a=$(smm_free_kb) &&
		ktap_print_msg "round $i: free before - during $((b - d)) kB, before - after $((b - a)) kB"
	i=$((i + 1))
done

ktap_finished
