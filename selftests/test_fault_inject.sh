#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection (issue 19, Documentation/debugging.md): debugfs
# fail_page_alloc/ and failslab/ laid out as the kernel's, with its
# defaults; probability 10, interval 1, times -1 written there, a seeded
# run of single-block PAGE_ALLOCs fails where the debugfs counters say
# (calls and failures), each failure an error naming fault injection,
# and the same seed fails the same calls again; failslab with its cache
# filter fails only the marked cache's OBJ_ALLOCs, counted alike; a
# fault (space access) whose page allocation is failed is an error;
# CHECK passes after each run and RESET leaves every zone fully free;
# the zone filter fails only requests whose highest zone it names;
# smmctl fault set/show round trip through netlink and debugfs agree;
# bad values are refused naming the setting (smmctl) or with EINVAL
# (debugfs), nothing changed. Non-root: test_permissions.sh.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
P=$D/fail_page_alloc
S=$D/failslab
N=30
MSG="fault injection failed an allocation"

ktap_header
ktap_plan 20
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M

files() { (cd "$1" && ls | tr '\n' ' '); }
ktap_check "fail_page_alloc/: the kernel's files, and seed, calls, failures" test \
	"$(files $P)" = "calls failures ignore-gfp-atomic ignore-gfp-wait interval min-order probability seed space times verbose zone "
ktap_check "failslab/: the kernel's files, and seed, calls, failures" test \
	"$(files $S)" = "cache-filter calls failures ignore-gfp-wait interval probability seed space times verbose "
defaults() {
	got=$(for f in probability interval times space verbose min-order ignore-gfp-wait \
			ignore-gfp-atomic zone; do cat $P/$f; done | tr '\n' ' ')
	[ "$got" = "0 1 1 0 2 1 Y Y -1 " ] || { echo "fail_page_alloc/: $got"; return 1; }
	got=$(cat $S/cache-filter $S/ignore-gfp-wait | tr '\n' ' ')
	[ "$got" = "N Y " ] || { echo "failslab/: $got"; return 1; }
}
ktap_check "the kernel's defaults (times 1, verbose 2, min-order 1, ignore-gfp-wait Y), zone -1" defaults

# PAGE_ALLOC may reclaim directly, so ignore-gfp-wait off; order 0, so min-order 0
arm_page() {
	echo 0 > $P/min-order && echo N > $P/ignore-gfp-wait && echo 1 > $P/verbose &&
	echo 42 > $P/seed && echo 1 > $P/interval && echo -1 > $P/times &&
	echo 10 > $P/probability
}
ktap_check "debugfs: probability 10 interval 1 times -1 seed 42 written" arm_page
ktap_check "smmctl fault show reads what debugfs wrote" json_expect \
	"$(smmctl -j fault show page)" \
	'.fail_page_alloc | "\(.probability) \(.interval) \(.times) \(.seed) \(.min_order) \(.ignore_gfp_wait)"' \
	"10 1 -1 42 0 false"

# run COUNT CMD...: COUNT single allocations by CMD, "x" in PATTERN for
# a failure, "." for a success (its handle kept in HANDLES); every
# failure must name fault injection (PATTERN, FAILED, BAD, HANDLES set)
alloc_run() {
	n=$1
	shift
	PATTERN='' FAILED=0 BAD='' HANDLES=''
	i=0
	while [ $i -lt "$n" ]; do
		if out=$("$@" 2>&1); then
			PATTERN="$PATTERN."
			HANDLES="$HANDLES $out"
		else
			PATTERN="${PATTERN}x"
			FAILED=$((FAILED + 1))
			case "$out" in *"$MSG"*) ;; *) BAD="$out" ;; esac
		fi
		i=$((i + 1))
	done
}
# N single PAGE_ALLOCs of order 0, the blocks freed at the end
page_run() {
	alloc_run "$N" smmctl page alloc order 0
	# shellcheck disable=SC2086 # a list of handles
	[ -z "$HANDLES" ] || smmctl page free $HANDLES > /dev/null
}
calls0=$(cat $P/calls)
fail0=$(cat $P/failures)
page_run
first=$PATTERN
ktap_print_msg "seed 42: $first ($FAILED of $N failed)"
counted() {
	[ "$FAILED" -gt 0 ] && [ "$FAILED" -lt "$N" ] || { echo "$FAILED of $N failed"; return 1; }
	[ $(($(cat $1/failures) - $2)) = "$FAILED" ] ||
		{ echo "failures moved by $(($(cat $1/failures) - $2)), $FAILED seen"; return 1; }
	[ $(($(cat $1/calls) - $3)) = "$N" ] ||
		{ echo "calls moved by $(($(cat $1/calls) - $3)), want $N"; return 1; }
}
ktap_check "page alloc: some fail, as many as debugfs failures counts; calls $N" \
	counted $P "$fail0" "$calls0"
ktap_check "every failure reached smmctl as an error naming fault injection" test -z "$BAD"
ktap_check "the log says FAULT_INJECTION: forcing a failure. (verbose 1)" sh -c \
	"dmesg | grep -q 'shadowmm: FAULT_INJECTION: forcing a failure.'"
echo 42 > $P/seed
page_run
ktap_check "the same seed fails the same calls" test "$PATTERN" = "$first"
ktap_check "CHECK passes after the page runs" smmctl check
echo 0 > $P/probability

# failslab: only the cache with the failslab flag, cache-filter on
smmctl cache create fi_marked size 64 failslab > /dev/null
smmctl cache create fi_plain size 64 > /dev/null
smmctl fault set slab probability 10 interval 1 times -1 seed 7 verbose 0 cache-filter on \
	ignore-gfp-wait off
calls0=$(cat $S/calls)
fail0=$(cat $S/failures)
# obj_run CACHE COUNT: COUNT single objects of CACHE, kept
obj_run() { alloc_run "$2" smmctl obj alloc "$1"; }
obj_run fi_marked $N
ktap_print_msg "failslab seed 7: $PATTERN ($FAILED of $N failed)"
ktap_check "obj alloc of the marked cache: failures and calls as failslab/ counts" \
	counted $S "$fail0" "$calls0"
ktap_check "every failure reached smmctl as an error naming fault injection" test -z "$BAD"
obj_run fi_plain 10
ktap_check "cache-filter: the unmarked cache never fails" test "$FAILED" = 0
ktap_check "CHECK passes after the object runs" smmctl check
smmctl fault set slab probability 0

# a fault whose page allocation fails: the access is an error, nothing
# leaks (VM_FAULT_OOM: the shadow's fault path calls the OOM killer,
# whose report is expected in the log)
id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr 0x40000000 len 0x100000
smmctl fault set page probability 100 times 1 verbose 0
fault_fails() {
	if out=$(smm_expect_kerr smmctl space access "$id" addr 0x40000000 len 0x100000 write 2>&1)
	then
		echo "the access succeeded: $out"
		return 1
	fi
	[ "$(cat $P/times)" = 0 ] || { echo "times $(cat $P/times), want 0"; return 1; }
}
ktap_check "space access with its page allocation failed is an error" fault_fails
smmctl fault set page probability 0
ktap_check "CHECK passes after the failed fault" smmctl check
smmctl reset > /dev/null
ktap_check "RESET returns every zone to fully free" json_expect "$(smmctl -j zone show)" \
	'[.zones[] | .free == .managed] | all' true

# the zone filter: only requests whose highest zone is DMA32 fail
zone_filter() {
	smmctl fault set page probability 100 times -1 verbose 0 min-order 0 \
		ignore-gfp-wait off zone DMA32 || return 1
	[ "$(cat $P/zone)" = 1 ] || { echo "debugfs zone $(cat $P/zone), want 1"; return 1; }
	json_expect "$(smmctl -j fault show page)" '.fail_page_alloc.zone' DMA32 || return 1
	h=$(smmctl page alloc order 0) || { echo "a Normal request failed: $h"; return 1; }
	smmctl page free "$h" > /dev/null
	if out=$(smmctl page alloc order 0 dma32 2>&1); then
		echo "a DMA32 request succeeded: $out"
		return 1
	fi
	case "$out" in *"$MSG"*) ;; *) echo "not fault injection: $out"; return 1 ;; esac
	echo 0 > $P/zone
	h=$(smmctl page alloc order 0 dma32) || { echo "zone 0: a DMA32 request failed: $h"; return 1; }
	smmctl page free "$h" > /dev/null
	smmctl fault set page probability 0 zone any &&
	[ "$(cat $P/zone)" = -1 ]
}
ktap_check "zone DMA32 (smmctl; debugfs 1): DMA32 requests fail, Normal ones not; zone 0 fails neither" \
	zone_filter

# netlink round trip, and debugfs agrees
round_trip() {
	smmctl fault set page probability 25 interval 3 times 5 space 7 verbose 0 seed 99 \
		min-order 2 ignore-gfp-wait on ignore-gfp-atomic off || return 1
	json_expect "$(smmctl -j fault show)" \
		'.fail_page_alloc | "\(.probability) \(.interval) \(.times) \(.space) \(.verbose) \(.seed) \(.min_order) \(.ignore_gfp_wait) \(.ignore_gfp_atomic)"' \
		"25 3 5 7 0 99 2 true false" || return 1
	got=$(for f in probability interval times space verbose seed min-order ignore-gfp-wait \
			ignore-gfp-atomic; do cat $P/$f; done | tr '\n' ' ')
	[ "$got" = "25 3 5 7 0 99 2 Y N " ] || { echo "debugfs: $got"; return 1; }
}
ktap_check "fault set page ...: fault show and debugfs read it back" round_trip

state() { smmctl -j fault show | jq -c '[.[] | del(.calls, .failures)]'; }
refused() {
	was=$(state)
	for w in "101 probability" "-1 probability" "0 interval" "-2 times" "-1 space" \
		 "3 verbose" "11 min-order" "maybe ignore-gfp-wait" "abc seed" "-2 zone" \
		 "DMA32 zone"; do
		# shellcheck disable=SC2086 # two words: the value and the file
		set -- $w
		if echo "$1" > $P/$2 2> /dev/null; then
			echo "fail_page_alloc/$2 took '$1'"
			return 1
		fi
	done
	echo 2 > $S/cache-filter 2> /dev/null && { echo "cache-filter took 2"; return 1; }
	for a in "probability 101" "interval 0" "times -2" "verbose 3" "min-order 11" \
		 "zone Device"; do
		# shellcheck disable=SC2086 # a name and a value
		if out=$(smmctl fault set page $a 2>&1); then
			echo "fault set page $a succeeded"
			return 1
		fi
		case "$out" in
		*"invalid ${a% *}"*) ;;
		*) echo "fault set page $a: the message does not name ${a% *}: $out"; return 1 ;;
		esac
	done
	[ "$(state)" = "$was" ] || { echo "changed: $was -> $(state)"; return 1; }
}
ktap_check "bad values refused (debugfs EINVAL, smmctl naming the setting), nothing changed" \
	refused

smm_unload
ktap_finished
