#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# The matching of a kmem trace's frees to its allocations, told apart
# from smmctl replay's code (tools/lib/trace.c): reads tracefs' trace,
# trace-cmd report or perf script text and prints one JSON line:
#   page_allocs, obj_allocs   allocations in the trace (failed ones apart)
#   page_matched, obj_matched frees of a key (pfn, ptr) allocated earlier
#                             in the trace and not freed since
#   before                    frees of a key never allocated in the trace:
#                             allocated before recording began
#   after_free                frees of a key allocated in the trace but
#                             freed already (must be 0 for a lossless trace)
#   duplicates                allocations of a key still live
#   batched                   mm_page_free_batched of a page not live: the
#                             twin of the mm_page_free free_pages_prepare()
#                             traced just before (one free)
#   failed, null_frees, large (objects above 8192 bytes), lost (LOST marks)
# test_replay.sh and test_replay_native.sh compare it with the replay's counts.
function key(f,    v) {
	for (i = 1; i <= NF; i++)
		if (index($i, f "=") == 1) {
			v = substr($i, length(f) + 2)
			return v
		}
	return ""
}
/LOST/ && /^CPU/ { lost++; next }
{
	ev = ""
	for (j = 1; j < NF; j++)
		if ($j ~ /^[0-9]+\.[0-9]+:$/) { ev = $(j + 1); break }
	if (ev == "")
		next
	sub(/^kmem:/, "", ev)
	sub(/:$/, "", ev)
	if (ev == "mm_page_alloc") {
		k = key("pfn")
		if (k == "0x0" || k == "0" || k == "0xffffffffffffffff") { failed++; next }
		page_allocs++
		if (k in plive) { duplicates++; next }
		plive[k] = 1; pever[k] = 1
	} else if (ev == "mm_page_free_batched" && !(key("pfn") in plive)) {
		batched++	# the twin of the mm_page_free before it: one free
	} else if (ev == "mm_page_free" || ev == "mm_page_free_batched") {
		k = key("pfn")
		if (k in plive) { page_matched++; delete plive[k] }
		else if (k in pever) after_free++
		else before++
	} else if (ev == "kmalloc" || ev == "kmem_cache_alloc") {
		k = key("ptr")
		if (k == "(null)" || k == "(nil)" || k ~ /^(0x)?0+$/) { failed++; next }
		obj_allocs++
		if (k in olive) { duplicates++; next }
		if (key("bytes_alloc") + 0 > 8192) large++
		olive[k] = 1; oever[k] = 1
	} else if (ev == "kfree" || ev == "kmem_cache_free") {
		k = key("ptr")
		if (k == "(null)" || k == "(nil)" || k ~ /^(0x)?0+$/) { null_frees++; next }
		if (k in olive) { obj_matched++; delete olive[k] }
		else if (k in oever) after_free++
		else before++
	}
}
END {
	printf "{\"page_allocs\":%d,\"obj_allocs\":%d,\"page_matched\":%d,\"obj_matched\":%d," \
	       "\"before\":%d,\"after_free\":%d,\"duplicates\":%d,\"failed\":%d," \
	       "\"null_frees\":%d,\"large\":%d,\"lost\":%d,\"batched\":%d}\n", page_allocs,
	       obj_allocs, page_matched, obj_matched, before, after_free, duplicates, failed,
	       null_frees, large, lost, batched
}
