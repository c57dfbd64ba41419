#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracepoints (Documentation/tracing.md): the module's events under
# tracefs (events/shadowmm/), with the kernel's field names; a scripted
# sequence read back from the trace buffer with the values each event
# must carry: three order-2 pages allocated (mm_page_alloc order=2 three
# times, pfns inside the range) and freed (mm_page_free, the same pfns),
# the per-CPU refill under the zone lock (mm_page_alloc_zone_locked
# percpu_refill=1), one object of a new cache allocated and freed
# (kmem_cache_alloc bytes_req=200, kmem_cache_free name=trc with the
# same ptr); then a space's pages in stripes, a whole-zone compaction
# (mm_compaction_begin/end, mm_migrate_pages reason=compaction, the
# lists drained: mm_page_pcpu_drain), a proactive reclaim with swap on
# (mm_vmscan_lru_shrink_inactive, anon) and pressure below the low
# watermark (mm_vmscan_kswapd_wake); nothing recorded once the events
# are off. trace-cmd record -e shadowmm and perf record -e 'shadowmm:*'
# record the same three allocations, each skipped (exit 4 semantics:
# never a pass) when the tool is not in the image (scripts/deps.sh
# installs both on the host, vm.sh copies them in).
. "$(dirname "$0")/lib.sh"

A=0x40000000		# the space's VMA
EVENTS="mm_page_alloc mm_page_free mm_page_alloc_zone_locked mm_page_pcpu_drain kmem_cache_alloc
	kmem_cache_free mm_vmscan_kswapd_wake mm_vmscan_lru_shrink_inactive mm_compaction_begin
	mm_compaction_end mm_migrate_pages"

ktap_header
ktap_plan 15
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest

T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T 2>/dev/null || T=/sys/kernel/debug/tracing
E=$T/events/shadowmm
base_pfn=$((SMM_BASE >> 12))
end_pfn=$((base_pfn + 4096))

all_events() {
	for e in $EVENTS; do
		[ -e $E/$e/format ] || { echo "no $E/$e"; ls $E; return 1; }
	done
}
ktap_check "tracefs: the 11 shadowmm events" all_events

# the fields after the common ones, as "type name;" in order
fields() { sed -n 's/^[[:space:]]*field:\([^;]*\);.*/\1/p' $E/$1/format | grep -v common_ | tr '\n' ','; }
same_fields() {
	got=$(fields "$1")
	[ "$got" = "$2" ] || { echo "$1: fields '$got', want '$2'"; return 1; }
}
kernel_fields() {
	same_fields mm_page_alloc "unsigned long pfn,unsigned int order,unsigned long gfp_flags,int migratetype," &&
	same_fields mm_page_alloc_zone_locked "unsigned long pfn,unsigned int order,int migratetype,int percpu_refill," &&
	same_fields kmem_cache_alloc "unsigned long call_site,const void * ptr,size_t bytes_req,size_t bytes_alloc,unsigned long gfp_flags,int node,bool accounted," &&
	same_fields kmem_cache_free "unsigned long call_site,const void * ptr,__data_loc char[] name," &&
	same_fields mm_vmscan_kswapd_wake "int nid,int zid,int order," &&
	same_fields mm_compaction_end "unsigned long zone_start,unsigned long migrate_pfn,unsigned long free_pfn,unsigned long zone_end,bool sync,int status," &&
	same_fields mm_migrate_pages "unsigned long succeeded,unsigned long failed,unsigned long thp_succeeded,unsigned long thp_failed,unsigned long thp_split,unsigned long large_folio_split,enum migrate_mode mode,int reason,"
}
ktap_check "format: the kernel's (6.12's) field names and types" kernel_fields

echo 4096 > $T/buffer_size_kb
trace_on() { echo > $T/trace; echo 1 > $T/tracing_on; echo 1 > $E/enable; }
trace_off() { echo 0 > $E/enable; grep -v '^#' $T/trace > "$1"; }
ev() { grep " $1: " "$2"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# --- phase 1: pages and objects ---
trace_on
h=$(smmctl page alloc order 2 count 3)
smmctl page free $h > /dev/null
smmctl cache create trc size 200 > /dev/null
o=$(smmctl obj alloc trc count 1)
smmctl obj free trc "$o" > /dev/null
trace_off /tmp/trace1
ktap_print_msg "phase 1: $(wc -l < /tmp/trace1) events"

in_range() {
	for p in "$@"; do
		[ $((p)) -ge $base_pfn ] && [ $((p)) -lt $end_pfn ] || { echo "pfn $p outside [$base_pfn, $end_pfn)"; return 1; }
	done
}
allocs=$(ev mm_page_alloc /tmp/trace1 | grep ' order=2 ' | field pfn | sort | tr '\n' ' ')
three_allocs() {
	n=$(ev mm_page_alloc /tmp/trace1 | grep -c ' order=2 migratetype=0 gfp_flags=__GFP_DIRECT_RECLAIM$')
	[ "$n" = 3 ] || { echo "mm_page_alloc order=2 (unmovable, may reclaim) $n times, want 3"; ev mm_page_alloc /tmp/trace1; return 1; }
	# shellcheck disable=SC2086
	in_range $allocs
}
ktap_check "mm_page_alloc: order=2 three times, pfns in the range" three_allocs
frees_match() {
	frees=$(ev mm_page_free /tmp/trace1 | grep ' order=2$' | field pfn | sort | tr '\n' ' ')
	[ -n "$frees" ] && [ "$frees" = "$allocs" ] || { echo "freed pfns '$frees', allocated '$allocs'"; return 1; }
}
ktap_check "mm_page_free: order=2, the three pfns allocated" frees_match
ktap_check "mm_page_alloc_zone_locked: an order-2 refill of the per-CPU list" sh -c \
	"grep ' mm_page_alloc_zone_locked: ' /tmp/trace1 | grep -q ' order=2 migratetype=0 percpu_refill=1'"
cache_pair() {
	free=$(ev kmem_cache_free /tmp/trace1 | grep ' name=trc$')
	[ "$(echo "$free" | grep -c .)" = 1 ] || { echo "kmem_cache_free name=trc: '$free'"; return 1; }
	ptr=$(echo "$free" | field ptr)
	alloc=$(ev kmem_cache_alloc /tmp/trace1 | grep " ptr=$ptr ")
	echo "$alloc" | grep -q "bytes_req=200 bytes_alloc=[0-9]* gfp_flags=GFP_KERNEL node=-1 accounted=false" ||
		{ echo "kmem_cache_alloc of ptr $ptr: '$alloc'"; return 1; }
	b=$(echo "$alloc" | field bytes_alloc)
	[ "$b" -ge 200 ] || { echo "bytes_alloc $b < 200"; return 1; }
	echo "$alloc" | grep -q 'call_site=[^ ]*+0x[0-9a-f]*/0x[0-9a-f]* \[shadowmm\]' ||
		{ echo "call_site not a shadowmm symbol: $alloc"; return 1; }
}
ktap_check "kmem_cache_alloc/free: one object of trc, bytes_req=200, the same ptr, call_site in shadowmm" cache_pair

# --- phase 2: compaction, reclaim, kshadowd ---
smmctl swap on size 16M
id=$(smmctl -j space create | jq -r .id)
trace_on
# 8 MiB of anonymous pages, every other 512 KiB unmapped: holes in movable
# pageblocks above pages that can move into them (test_compact.sh's layout)
smmctl space mmap "$id" addr $A len 0x800000
smmctl space access "$id" addr $A len 0x800000 write > /dev/null
for i in 1 3 5 7 9 11 13 15; do
	smmctl space munmap "$id" addr $((A + i * 0x80000)) len 0x80000
done
comp=$(smmctl -j compact)
rec=$(smmctl -j reclaim pages 256)
# just below the low watermark (above min: no OOM kill), one request more
# on the slow path, and kshadowd runs
z=$(smmctl -j zone show Normal | jq '.zones[0]')
n=$(( ($(echo "$z" | jq '.free + .pcp - .low') + 8) / 8 ))
smmctl page alloc order 3 count $n > /dev/null
smmctl page alloc order 0 count 1 > /dev/null
n=0
while ! grep -q ' mm_vmscan_kswapd_wake: ' $T/trace && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
trace_off /tmp/trace2
ktap_print_msg "phase 2: $(wc -l < /tmp/trace2) events; compact $(echo "$comp" | jq -c '.zones[0]');" \
	"reclaim $(echo "$rec" | jq -c .)"

compaction() {
	b=$(ev mm_compaction_begin /tmp/trace2 | head -1)
	e=$(ev mm_compaction_end /tmp/trace2 | head -1)
	[ -n "$b" ] && [ -n "$e" ] || { echo "begin '$b' end '$e'"; return 1; }
	in_range "$(echo "$b" | field zone_start)" || return 1
	echo "$b" | grep -q 'mode=sync$' || { echo "begin: $b"; return 1; }
	echo "$e" | grep -q 'mode=sync status=complete$' || { echo "end: $e"; return 1; }
}
ktap_check "mm_compaction_begin/end: a zone of the range, sync, status=complete" compaction
migrated() {
	want=$(echo "$comp" | jq '[.zones[].migrated] | add')
	got=$(ev mm_migrate_pages /tmp/trace2 | grep 'reason=compaction$' | field nr_succeeded |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$got" -gt 0 ] && [ "$got" = "$want" ] || { echo "nr_succeeded sums to $got, compact says $want migrated"; return 1; }
}
ktap_check "mm_migrate_pages: nr_succeeded adds up to the pages compact migrated" migrated
ktap_check "mm_page_pcpu_drain: the lists drained around compaction" sh -c \
	"grep -q ' mm_page_pcpu_drain: pfn=0x[0-9a-f]* order=[0-3] migratetype=' /tmp/trace2"
shrink() {
	want=$(echo "$rec" | jq .reclaimed)
	got=$(ev mm_vmscan_lru_shrink_inactive /tmp/trace2 | grep 'flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC$' |
		field nr_reclaimed | awk '{ s += $1 } END { print s + 0 }')
	[ "$got" -ge "$want" ] && [ "$want" -gt 0 ] || { echo "nr_reclaimed sums to $got, reclaim says $want"; return 1; }
}
ktap_check "mm_vmscan_lru_shrink_inactive: anon, nr_reclaimed at least what reclaim says" shrink
ktap_check "mm_vmscan_kswapd_wake: kshadowd woke (nid=0)" sh -c \
	"grep -q ' mm_vmscan_kswapd_wake: nid=0 order=' /tmp/trace2"

quiet_off() {
	echo > $T/trace
	smmctl page free $(smmctl page alloc order 1 count 2) > /dev/null
	n=$(grep -vc '^#' $T/trace)
	[ "$n" = 0 ] || { echo "$n events with the events off"; return 1; }
}
ktap_check "events off: nothing recorded" quiet_off

# --- the recorders ---
cd /tmp || exit 1
if command -v trace-cmd > /dev/null; then
	tc() {
		trace-cmd record -q -e shadowmm -o /tmp/trc.dat \
			sh -c 'smmctl page free $(smmctl page alloc order 2 count 3)' \
			> /tmp/trc.out 2>&1 || { cat /tmp/trc.out; return 1; }
		n=$(trace-cmd report -i /tmp/trc.dat 2>/dev/null | grep -c 'mm_page_alloc: .*order=2 ')
		[ "$n" = 3 ] || { echo "trace-cmd report: mm_page_alloc order=2 $n times"; trace-cmd report -i /tmp/trc.dat | tail; return 1; }
	}
	ktap_check "trace-cmd record -e shadowmm: mm_page_alloc order=2 three times" tc
else
	ktap_skip "trace-cmd record -e shadowmm" "trace-cmd not in the image (scripts/deps.sh installs it on the host)"
fi
if command -v perf > /dev/null; then
	pf() {
		perf record -q -e 'shadowmm:*' -a -o /tmp/perf.data -- \
			sh -c 'smmctl page free $(smmctl page alloc order 2 count 3)' \
			> /tmp/perf.out 2>&1 || { cat /tmp/perf.out; return 1; }
		n=$(perf script -i /tmp/perf.data 2>/dev/null | grep -c 'shadowmm:mm_page_alloc: .*order=2 ')
		[ "$n" = 3 ] || { echo "perf script: mm_page_alloc order=2 $n times"; perf script -i /tmp/perf.data 2>&1 | tail; return 1; }
	}
	ktap_check "perf record -e 'shadowmm:*': mm_page_alloc order=2 three times" pf
else
	ktap_skip "perf record -e 'shadowmm:*'" "perf not in the image (scripts/deps.sh installs linux-perf on the host)"
fi

smmctl swap off > /dev/null 2>&1
smm_unload
ktap_check "rmmod: the events are gone from tracefs" test ! -e $E
ktap_finished
