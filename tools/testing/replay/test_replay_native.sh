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
echo "1..8"
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
else
	n=$((n + 2))
	echo "ok $((n - 1)) a perf trace of this host # SKIP perf cannot record kmem events here"
	echo "ok $n ... # SKIP the same"
fi
rm -f "$t.data" "$t.txt"
[ "$fails" = 0 ]
