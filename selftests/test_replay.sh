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
#
# Then trace-cmd's text, when the image has it (vm.sh adds trace-cmd for
# this test): the workload (1 MiB of dd) recorded with trace-cmd record,
# its trace-cmd report text replayed with smmctl replay; every free matched as
# trace_match.awk matches the file on its own (the frees of pages and
# objects allocated before recording began are the unmatched ones, and
# the awk tells them apart: keys never allocated in the trace); at speed
# x4 the replay takes at least a quarter of the trace's span. Last, the
# native replayer (replay_native, tools/testing/replay) replays the
# ~100,000-event file in the guest as smmctl did, with the same counts,
# and the two times are printed.
. "$(dirname "$0")/lib.sh"

EV='mm_page_alloc|mm_page_free|mm_page_free_batched|kmalloc|kfree|kmem_cache_alloc|kmem_cache_free'
CAP=/tmp/replay.trace

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
start=$(now_ms)
ktap_header
ktap_plan 18
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
r2=$(smmctl -j replay $CAP pages)
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
t0=$(now_ms)
big=$(smmctl -j trace replay $CAP.big pages)
t1=$(now_ms)
ktap_print_msg "$n copies: $(printf '%s' "$big" | jq -c '{events, replayed, requests, failures}') in $((t1 - t0)) ms"
nl_ms=$((t1 - t0))

# trace-cmd report text (perf script text: make test-replay, on the host)
WORK="dd if=/dev/zero of=/tmp/replay.dd bs=64k count=16 2>/dev/null; find /selftests > /dev/null; tar -cf - /selftests 2>/dev/null | wc -c > /dev/null; rm -f /tmp/replay.dd"
KMEM=""
for e in $(echo "$EV" | tr '|' ' '); do KMEM="$KMEM -e kmem:$e"; done
# lines of the seven events in FILE, the system's prefix or not
ev_lines() { grep -cE "(: |kmem:)($EV): " "$1"; }
# the replay's matching equals trace_match.awk's: page frees, object
# frees (a large object's too), unmatched (never allocated in the file,
# or freed already: pages of alloc_pages_bulk(), which is not traced)
matched_as_awk() {	# JSON MATCH (trace_match.awk's line)
	local m=$2 want got
	want=$(printf '%s' "$m" | jq -c '[.page_matched, .obj_matched, .before + .after_free, 0]')
	got=$(printf '%s' "$1" | jq -c '[.page_frees, .obj_frees + .skips.free_of_large, .skips.unmatched_free, .failures]')
	[ "$want" = "$got" ] && return 0
	echo "frees matched (pages, objects), unmatched, refused: $got; trace_match.awk: $want ($m)"
	return 1
}
smmctl reset > /dev/null
ktap_print_msg "the tracefs part took $(($(now_ms) - start)) ms"
if command -v trace-cmd > /dev/null; then
	TC=/tmp/replay.tc
	t0=$(now_ms)
	# shellcheck disable=SC2086
	ktap_check "trace-cmd record of dd, find and tar: its report holds kmem events" \
		sh -c "trace-cmd record -q $KMEM -o /tmp/replay.dat sh -c '$WORK' > /dev/null 2>&1 &&
		       trace-cmd report -i /tmp/replay.dat > $TC 2> /dev/null &&
		       [ \$(grep -cE ': ($EV): ' $TC) -gt 1000 ]"
	t1=$(now_ms)
	ktap_print_msg "trace-cmd record and report: $((t1 - t0)) ms"
	ktap_print_msg "trace-cmd report: $(wc -l < $TC) lines; its first, then events':"
	ktap_print_msg "  $(head -n 1 $TC)"
	for e in mm_page_alloc mm_page_free_batched kmem_cache_alloc kfree; do
		ktap_print_msg "  $(grep -m1 -E ": $e: " $TC)"
	done
	rt=$(smmctl -j replay $TC all)
	tm=$(awk -f "$(dirname "$0")/trace_match.awk" $TC)
	ktap_print_msg "replay: $(printf '%s' "$rt" | jq -c '{events, replayed, page_allocs, page_frees, obj_allocs, obj_frees, skips, failures}')"
	ktap_print_msg "trace_match.awk: $tm"
	ktap_check "trace-cmd report text: events read = its lines of the seven events, each counted once" \
		json_expect "$rt" ".events == $(ev_lines $TC) and .replayed + .skipped + .failures == .events" true
	ktap_check "trace-cmd report text: every free matched as trace_match.awk matches it, none refused" \
		matched_as_awk "$rt" "$tm"
	smmctl reset > /dev/null
	span=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; if (!f) f = t; l = t; break } }
		    END { printf "%d", (l - f) * 1000 }' $TC)
	t0=$(now_ms)
	rs=$(smmctl -j replay $TC pages speed x4)
	t1=$(now_ms)
	ktap_print_msg "speed x4: the trace spans $span ms, the replay took $((t1 - t0)) ms, $(printf '%s' "$rs" | jq -c '{waits, waited_ms, requests}')"
	ktap_check "speed x4: at least a quarter of the trace's $span ms, with waits" \
		sh -c "[ $((t1 - t0)) -ge $((span / 4 * 9 / 10)) ] && [ \$(printf '%s' '$rs' | jq .waits) -gt 0 ]"
	smmctl reset > /dev/null
	rm -f /tmp/replay.dat
else
	for t in "trace-cmd record: kmem events" "trace-cmd report: events read" \
		 "trace-cmd report: frees matched" "speed x4"; do
		ktap_skip "$t" "trace-cmd not in the image (scripts/deps.sh installs it on the host)"
	done
fi
# the native replayer on the same ~100,000 events, in the same guest
# (its reading alone first: --limit 1 reads the whole file, replays one
# event; the replay's own time is the "seconds" it prints)
if command -v replay_native > /dev/null; then
	t0=$(now_ms)
	replay_native -j --mode pages --size 64M --limit 1 $CAP.big > /dev/null
	t1=$(now_ms)
	nat=$(replay_native -j --mode pages --size 64M --every 1000000000 $CAP.big | tail -n 1)
	t2=$(now_ms)
	nat_ms=$(printf '%s' "$nat" | jq '.seconds * 1000 | floor')
	ktap_print_msg "replay_native: $(printf '%s' "$nat" | jq -c '{events, page_allocs, page_frees, failures, seconds}'), $((t2 - t1)) ms in all; reading the file alone $((t1 - t0)) ms; smmctl: $nl_ms ms in all"
	ktap_check "replay_native: the counts of smmctl's replay of the ~100,000 events; its replay ($nat_ms ms) shorter than smmctl's run" \
		sh -c "[ '$(printf '%s' "$nat" | jq -c '[.page_allocs, .page_frees, .skips.unmatched_free, .failures]')' = \
			 '$(printf '%s' "$big" | jq -c '[.page_allocs, .page_frees, .skips.unmatched_free, .failures]')' ] &&
		       [ $nat_ms -lt $nl_ms ]"
else
	ktap_skip "replay_native" "not in the image (make -C tools/testing/replay)"
fi
rm -f $CAP.big

smmctl reset > /dev/null
ktap_check "RESET leaves every zone whole (as at load)" \
	sh -c "[ \"\$(smmctl -j zone show | jq -c '[.zones[] | .managed - .free - .pcp]')\" = '$at_load' ]"
rm -f $CAP $CAP.bad ${TC:-} 
smm_unload
ktap_finished
