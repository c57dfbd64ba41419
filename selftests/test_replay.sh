#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Trace replay (Documentation/replay.md): a real kmem trace captured in
# this kernel (trace_capture.sh: dd into tmpfs, find, tar) and replayed
# into the shadow with smmctl trace replay. The counts agree with the
# file (events read = the file's lines of the seven events, each type
# too; every event replayed, skipped or refused once); in pages mode the
# shadow's allocated frames grow by exactly the frames the replay says
# are live, and CHECK passes; a second replay of the same capture gives
# the same counts; objects mode with SLAB caches leaves as many objects
# in the replay-* caches as it says are live; a malformed copy is refused
# with the line number and changes nothing; a user without CAP_NET_ADMIN
# is refused; RESET gives every zone back whole.
. "$(dirname "$0")/lib.sh"

EV='mm_page_alloc|mm_page_free|mm_page_free_batched|kmalloc|kfree|kmem_cache_alloc|kmem_cache_free'
CAP=/tmp/replay.trace

ktap_header
ktap_plan 13
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base="$SMM_BASE" size=64M
at_load=$(smm_used_frames)

used_sum() { smm_used_frames | jq 'add'; }
lines_of() { grep -cE ": ($1): " "$CAP"; }
counts() { printf '%s' "$1" | jq -c 'del(.file)'; }

ktap_check "a capture of dd, find and tar holds kmem events" \
	sh -c "\"$(dirname "$0")/trace_capture.sh\" $CAP && [ \$(grep -cE ': ($EV): ' $CAP) -gt 1000 ]"
ktap_print_msg "the capture: $(wc -l < $CAP) lines"
for e in $(echo "$EV" | tr '|' ' '); do
	ktap_print_msg "first $e: $(grep -m1 -E ": $e: " $CAP | sed 's/^.*[0-9]: //')"
done

before=$(used_sum)
t0=$(date +%s)
r1=$(smmctl -j trace replay $CAP pages)
t1=$(date +%s)
after=$(used_sum)
ktap_print_msg "pages replay in $((t1 - t0)) s: $(printf '%s' "$r1" | jq -c '{events, replayed, requests, skipped, failures, peak_frames, live_frames}')"

read_counts() {
	json_expect "$r1" '"\(.events) \(.read.mm_page_alloc) \(.read.mm_page_free) \(.read.kmalloc) \(.read.kmem_cache_free)"' \
		"$(lines_of "$EV") $(lines_of mm_page_alloc) $(lines_of mm_page_free) $(lines_of kmalloc) $(lines_of kmem_cache_free)"
}
ktap_check "events read = the file's lines of the seven events (and each type's)" read_counts
ktap_check "every event replayed, skipped or refused once" \
	json_expect "$r1" '.replayed + .skipped + .failures == .events and .replayed > 0' true
ktap_check "pages allocated and freed balance with what is live: the shadow's frames grew by live_frames" \
	json_expect "$r1" '.live_frames' "$((after - before))"
ktap_check "CHECK passes after the replay" smmctl check
smmctl reset > /dev/null
text_output() {
	local out
	out=$(smmctl trace replay $CAP pages limit 100) || return 1
	printf '%s\n' "$out" | grep -q "^  replayed [0-9]*: page_allocs" &&
		printf '%s\n' "$out" | grep -q "^  read mm_page_alloc [0-9]* mm_page_free [0-9]*" ||
		{ echo "text output: $out"; return 1; }
}
ktap_check "the text output names each count (limit 100)" text_output

smmctl reset > /dev/null
r2=$(smmctl -j trace replay $CAP pages)
ktap_check "a second replay of the same capture: the same counts" \
	json_expect "$r2" 'del(.file)' "$(counts "$r1")" -c

smmctl reset > /dev/null
r3=$(smmctl -j trace replay $CAP objects cache-policy slab)
ktap_print_msg "objects replay: $(printf '%s' "$r3" | jq -c '{obj_allocs, obj_frees, skips, caches_created, peak_objs, live_objs}')"
live_in_caches() {
	local n
	n=$(smmctl -j cache show | jq '[.caches[] | select(.name | startswith("replay-")) | .active_objs] | add // 0')
	json_expect "$r3" '"\(.obj_allocs - .obj_frees) \(.live_objs)"' "$n $n"
}
ktap_check "objects mode: the replay-* caches hold the live objects it reports" live_in_caches
ktap_check "objects mode: the caches are SLAB's" sh -c \
	"smmctl -j cache show | jq -e '[.caches[] | select(.name | startswith(\"replay-\")) | .policy] | unique == [\"slab\"]' > /dev/null"
ktap_check "CHECK passes after the objects replay" smmctl check

# a malformed copy: the 5th mm_page_alloc line loses its pfn. RESET
# first: the SLAB caches' reaping (every 2 s) would change the frames
smmctl reset > /dev/null
bad=$(grep -nE ": mm_page_alloc: " $CAP | sed -n 5p | cut -d: -f1)
sed "${bad}s/ pfn=/ pfx=/" $CAP > $CAP.bad
ktap_check "a malformed file refused with its line ($bad), nothing changed" \
	smm_refused "$CAP.bad:$bad: no pfn=NUMBER; nothing replayed" smmctl trace replay $CAP.bad
ktap_check "a user without CAP_NET_ADMIN is refused" \
	smm_refused "Operation not permitted" smm_unprivileged smmctl trace replay $CAP pages limit 10

# about 100,000 events: copies of the capture one after the other (each
# copy's frees match its own allocations again); the time is a diagnostic
smmctl reset > /dev/null
n=$(( 100000 / $(printf '%s' "$r1" | jq .events) + 1 ))
i=0
while [ "$i" -lt "$n" ]; do cat $CAP; i=$((i + 1)); done > $CAP.big
t0=$(date +%s)
big=$(smmctl -j trace replay $CAP.big pages)
t1=$(date +%s)
ktap_print_msg "$n copies: $(printf '%s' "$big" | jq -c '{events, replayed, requests, failures}') in $((t1 - t0)) s"
rm -f $CAP.big

smmctl reset > /dev/null
ktap_check "RESET leaves every zone whole (as at load)" \
	sh -c "[ \"\$(smmctl -j zone show | jq -c '[.zones[] | .managed - .free - .pcp]')\" = '$at_load' ]"
rm -f $CAP $CAP.bad
smm_unload
ktap_finished
