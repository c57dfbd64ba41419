#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# replay_native on a hand-written trace (perf script's format: the
# system's prefix, padded names, 0x pointers) whose fragmentation is
# known. TAP. Usage: test_replay_native.sh [ ./replay_native ]
#
# A 4 MiB range (1024 frames: one order-10 block, 2 pageblocks), pcp off
# (the buddy's free lists are then exactly what the allocations leave),
# one CPU. The trace: 8 movable order-0 allocations, one movable order-9
# allocation, then frees of the 1st, 3rd, 5th and 7th order-0 page.
#
# After the 8 order-0 allocations (a row at 8 events, --every 8): the
# order-10 block was split down to order 0 once, and the 8 pages form an
# aligned order-3 block: free blocks one each of orders 3 to 9,
# nr_free = [0,0,0,1,1,1,1,1,1,1,0], free = 8+16+...+512 = 1016 frames.
#   order 3: suitable blocks (in order-3 units) 1+2+4+8+16+32+64 = 127,
#            unusable = (1016 - 127*8) * 1000 / 1016 = 0       -> 0.000
#            a block of order >= 3 is free: extfrag = -1000     -> -1.000
#   order 9: suitable 1, unusable = (1016 - 512) * 1000 / 1016
#            = 504000 / 1016 = 496                              -> 0.496
#            extfrag = -1000                                    -> -1.000
# After all 13 (the last row): the order-9 block is allocated and the
# four freed pages have their buddies allocated, so nothing merges:
# nr_free = [4,0,0,1,1,1,1,1,1,0,0], free = 4 + 8+...+256 = 508,
# blocks = 4 + 6 = 10.
#   order 3: suitable 1+2+4+8+16+32 = 63, unusable = (508 - 504) * 1000
#            / 508 = 7                                          -> 0.007
#            extfrag = -1000                                    -> -1.000
#   order 9: suitable 0, unusable = 508000 / 508 = 1000         -> 1.000
#            extfrag = 1000 - (1000 + 508*1000/512) / 10
#                    = 1000 - (1000 + 992) / 10 = 1000 - 199 = 801 -> 0.801
# Both pageblocks stay Movable, none mixed; every free matched.
#
# Then the policies (--fallback, --pageblock-order) on a second trace,
# the same 4 MiB, pcp off: a movable order-9 allocation, a movable
# order-8 one, an unmovable order-0 one (which must fall back: nothing
# unmovable is free), its free. At pageblock order 9 the order-10 block
# is two pageblocks: the first is the order-9 block, the second holds
# the order-8 block and a free order-8 half, the largest free block
# when the unmovable request falls back:
#   kernel:  the half is free (256 of 512 >= half): the pageblock is
#            claimed, Unmovable, holding the movable order-8 block:
#            steals 1, Unmovable pageblocks 1, mixed 1
#   nosteal: the one block only: steals 0, Unmovable 0, the Movable
#            pageblock holds an unmovable page: mixed 1
# At order 10 the whole range is one pageblock, a quarter free (256 of
# 1024): the kernel does not claim it (steals 0, Unmovable 0, mixed 1),
# claim does (steals 1, Unmovable 1, mixed 1: the movable blocks are the
# strangers now). At order 7 the free order-8 half is two whole free
# pageblocks, of which the fallback takes the type outright: steals 1,
# 8 pageblocks, Unmovable 2, mixed 0. After the free every run has the
# same free lists (one free order-8 block) and the same counts.
set -u
bin=${1:-./replay_native}
t=$(mktemp /tmp/replay-native.XXXXXX)
trap 'rm -f "$t" "$t.out"' EXIT

n=0 fails=0
check() {	# NAME COMMAND...
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		fails=$((fails + 1))
	fi
}
H='            bash 17506 [000] 68772.8946'
{
	for i in 0 1 2 3 4 5 6 7; do
		echo "$H${i}0:        kmem:mm_page_alloc: page=0x1${i}0 pfn=0x1${i}0 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE"
	done
	echo "${H}90:        kmem:mm_page_alloc: page=0x200 pfn=0x200 order=9 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP"
	for i in 0 2 4 6; do
		echo "${H}9${i}:         kmem:mm_page_free: page=0x1${i}0 pfn=0x1${i}0 order=0"
	done
} > "$t"

echo "TAP version 13"
echo "1..16"
"$bin" -j --size 4M --pcp off --cpus 1 --every 8 "$t" > "$t.out"
check "replay_native ran: 3 lines (rows at 8 and 13 events, the summary)" \
	test "$(wc -l < "$t.out")" = 3
row() { sed -n "$1p" "$t.out" | jq -c "$2"; }
expect() {	# LINE FILTER WANT
	local got
	got=$(row "$1" "$2")
	[ "$got" = "$3" ] || { echo "# line $1 $2: $got, want $3"; return 1; }
}
check "after 8 allocations: free blocks one each of orders 3-9" \
	expect 1 '[.events, .free_frames, .nr_free]' '[8,1016,[0,0,0,1,1,1,1,1,1,1,0]]'
check "after 8: unusable 0.000 and 0.496, extfrag -1.000 and -1.000 (orders 3, 9)" \
	expect 1 '[.unusable_index."3", .unusable_index."9", .extfrag_index."3", .extfrag_index."9"]' \
	'[0,0.496,-1,-1]'
check "after 13: nr_free [4,0,0,1,1,1,1,1,1,0,0], 508 free" \
	expect 2 '[.events, .free_frames, .nr_free]' '[13,508,[4,0,0,1,1,1,1,1,1,0,0]]'
check "after 13: unusable 0.007 and 1.000, extfrag -1.000 and 0.801; 2 Movable pageblocks, none mixed" \
	expect 2 '[.unusable_index."3", .unusable_index."9", .extfrag_index."3", .extfrag_index."9", .pageblocks, .pageblock_types.movable, .mixed_pageblocks]' \
	'[0.007,1,-1,0.801,2,2,0]'
check "every allocation and free matched: 9 allocated, 4 freed, nothing skipped or refused" \
	expect 3 '[.events, .page_allocs, .page_frees, .skipped, .failures, .live_frames]' \
	'[13,9,4,0,0,516]'

H2='        kworker 17506 [000] 68773.1000'
{
	echo "${H2}10:        kmem:mm_page_alloc: page=0x200 pfn=0x200 order=9 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP"
	echo "${H2}20:        kmem:mm_page_alloc: page=0x400 pfn=0x400 order=8 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP"
	echo "${H2}30:        kmem:mm_page_alloc: page=0x600 pfn=0x600 order=0 migratetype=0 gfp_flags=GFP_KERNEL"
	echo "${H2}40:         kmem:mm_page_free: page=0x600 pfn=0x600 order=0"
} > "$t.pol"
# policy NAME ARGS...: the rows after 3 and 4 events and the summary in $t.NAME
policy() {
	local name=$1
	shift
	"$bin" -j --size 4M --pcp off --cpus 1 --every 3 "$@" "$t.pol" > "$t.$name"
}
policy kernel9 --fallback kernel
policy nosteal9 --fallback nosteal
policy kernel10 --pageblock-order 10
policy claim10 --pageblock-order 10 --fallback claim
policy kernel7 --pageblock-order 7
pol() {		# NAME WANT: [steals, Unmovable pageblocks, mixed, pageblocks] after 3 events
	local got
	got=$(sed -n 1p "$t.$1" | jq -c '[.mt_steal, .pageblock_types.unmovable, .mixed_pageblocks, .pageblocks]')
	[ "$got" = "$2" ] || { echo "# $1: [steals, unmovable, mixed, pageblocks] $got, want $2"; return 1; }
}
check "fallback kernel at order 9: the half-free pageblock claimed (1 steal, 1 Unmovable, 1 mixed)" \
	pol kernel9 '[1,1,1,2]'
check "fallback nosteal at order 9: the one block taken (no steal, no Unmovable pageblock, 1 mixed)" \
	pol nosteal9 '[0,0,1,2]'
check "fallback kernel at order 10: the quarter-free pageblock stays Movable (no steal, 1 mixed)" \
	pol kernel10 '[0,0,1,1]'
check "fallback claim at order 10: the same pageblock claimed (1 steal, 1 Unmovable, 1 mixed)" \
	pol claim10 '[1,1,1,1]'
check "order 7: two whole free pageblocks change type, nothing mixed" pol kernel7 '[1,2,0,8]'
same() {	# the same free lists after the free and the same counts in every run
	local a want got
	want=$( (sed -n 2p "$t.kernel9" | jq -c '.nr_free'; tail -1 "$t.kernel9" |
		jq -c '[.events, .page_allocs, .page_frees, .skipped, .failures, .live_frames]') | tr '\n' ' ')
	for a in nosteal9 kernel10 claim10 kernel7; do
		got=$( (sed -n 2p "$t.$a" | jq -c '.nr_free'; tail -1 "$t.$a" |
			jq -c '[.events, .page_allocs, .page_frees, .skipped, .failures, .live_frames]') | tr '\n' ' ')
		[ "$got" = "$want" ] || { echo "# $a: $got, want $want (kernel9's)"; return 1; }
	done
}
check "every run: every allocation and free matched, the same free lists after the free" same
labels() {	# the JSON summary and the text header name the order and policy
	local got
	got=$(tail -1 "$t.claim10" | jq -c '[.pageblock_order, .fallback]')
	[ "$got" = '[10,"claim"]' ] || { echo "# claim10's summary: $got"; return 1; }
	got=$("$bin" --size 4M --pageblock-order 7 --fallback nosteal "$t.pol" | head -1)
	[ "$got" = "# pageblock order 7 (128 frames), fallback nosteal" ] ||
		{ echo "# header: $got"; return 1; }
}
check "the JSON summary and the header line name the pageblock order and the fallback rules" labels
refused() {	# bad values: exit 2 and a message, nothing replayed
	local a
	for a in "--fallback steal" "--pageblock-order 8" "--pageblock-order 10 --size 6M"; do
		# shellcheck disable=SC2086
		"$bin" $a "$t.pol" > "$t.out" 2> "$t.err"
		if [ $? != 2 ] || [ ! -s "$t.err" ] || [ -s "$t.out" ]; then
			echo "# $a: not refused: $(cat "$t.err")"
			return 1
		fi
	done
}
check "--fallback steal, --pageblock-order 8 and 6M at order 10 refused (exit 2, a message)" refused
rm -f "$t".pol "$t".kernel9 "$t".nosteal9 "$t".kernel10 "$t".claim10 "$t".kernel7 "$t.err"

# A real trace of this host, when it lets perf record the kmem
# tracepoints (root, or perf_event_paranoid low enough): perf script's
# text replayed (all mode), its matching against trace_match.awk's.
awk_m=$(dirname "$0")/../../../selftests/trace_match.awk
ev="-e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched -e kmem:kmalloc"
ev="$ev -e kmem:kfree -e kmem:kmem_cache_alloc -e kmem:kmem_cache_free"
# shellcheck disable=SC2086
if command -v perf > /dev/null &&
   perf record -q $ev -a -o "$t.data" -- sh -c 'find /usr/include > /dev/null; sleep 0.2' \
	> /dev/null 2>&1 && perf script -i "$t.data" > "$t.txt" 2> /dev/null; then
	"$bin" -j --mode all --every 1000000000 "$t.txt" | tail -1 > "$t.out"
	m=$(awk -f "$awk_m" "$t.txt")
	echo "# host trace: $(wc -l < "$t.txt") lines; trace_match.awk: $m"
	echo "# replay_native: $(cat "$t.out")"
	matched() {
		local want got
		want=$(printf '%s' "$m" | jq -c '[.page_matched, .obj_matched, .before + .after_free]')
		got=$(jq -c '[.page_frees, .obj_frees + .skips.free_of_large, .skips.unmatched_free]' "$t.out")
		[ "$want" = "$got" ] || { echo "# matched, obj matched, unmatched: $got, want $want"; return 1; }
	}
	check "a perf trace of this host: every free matched as trace_match.awk matches it" matched
	check "... every event replayed, skipped or refused once; no refusals" \
		expect 1 '.replayed + .skipped + .failures == .events and .failures == 0 and .events > 0' true
	# The policies on this trace (pages mode) in a range of its peak in
	# pages mode rounded up to 4 MiB, tight enough for fallbacks to
	# happen: diagnostics, the host's workload differs run to run
	# (Documentation/replay.md's table).
	peak=$("$bin" -j --every 1000000000 "$t.txt" | tail -1 | jq .peak_frames)
	mb=$(( (peak * 4096 + (4 << 20) - 1) >> 22 << 2 ))
	echo "# host trace, pages mode, --size ${mb}M: pageblock order, fallback: pageblocks, unmovable, reclaimable, mixed, mt_fallback, mt_steal, unusable_index 9, failures"
	for a in "9 kernel" "9 nosteal" "9 claim" "7 kernel" "10 kernel"; do
		# shellcheck disable=SC2086
		set -- $a
		echo "# $1 $2: $("$bin" -j --size "${mb}M" --pageblock-order "$1" --fallback "$2" \
			--every 1000000000 "$t.txt" | sed -n 1p | jq -c '[.pageblocks,
			.pageblock_types.unmovable, .pageblock_types.reclaimable, .mixed_pageblocks,
			.mt_fallback, .mt_steal, .unusable_index."9"]') failures $("$bin" -j --size \
			"${mb}M" --pageblock-order "$1" --fallback "$2" --every 1000000000 "$t.txt" |
			tail -1 | jq .failures)"
	done
else
	n=$((n + 2))
	echo "ok $((n - 1)) a perf trace of this host # SKIP perf cannot record kmem events here"
	echo "ok $n ... # SKIP the same"
fi
rm -f "$t.data" "$t.txt"
[ "$fails" = 0 ]
