#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Concurrency: in-kernel stress threads (module/stress.c) allocate and free
# random blocks and kmalloc objects on every CPU while user-space processes
# allocate and free pages and objects through netlink, dump zones, frames
# and caches, read debugfs, validate the caches and run CHECK (which stops
# the allocator) all at once. Afterwards every invariant holds,
# every block is accounted for and RESET brings the zones back to free.
# SMM_STRESS_SECONDS (default 20) and SMM_STRESS_THREADS (default 4);
# SMM_STRESS_NG=1 adds stress-ng's memory stressors on the guest's own
# kernel meanwhile (the smp4 run of make check), which must not disturb
# the shadow state.
# The threads write a pattern into every page and object they own and
# read it back before freeing (module/stress.c): nothing may be found
# corrupt. Then, reloaded with debug_corrupt=1, a run that flips one byte
# of a block and one of an object on purpose must report exactly those 2,
# which proves the check can fail.
. "$(dirname "$0")/lib.sh"

S=/sys/kernel/debug/shadowmm/stress
SECONDS_=${SMM_STRESS_SECONDS:-20}
THREADS=${SMM_STRESS_THREADS:-4}

STRESS_NG=${SMM_STRESS_NG:-0}

ktap_header
ktap_plan $((13 + STRESS_NG))
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M zones=DMA:8M,DMA32:24M,Normal:rest

# Run a command that may fail for want of memory while the threads hold
# much of it (that is a refusal, not an error); any other failure is one.
may_run_out() {
	what=$1
	shift
	out=$("$@" 2>&1 > /dev/null) && return 0
	case "$out" in
	*"free memory"*) return 1 ;;
	*) echo "$what failed: $out"; return 1 ;;
	esac
}

# A cache of its own created, filled and destroyed with its objects live.
churn_cache() {
	may_run_out "worker $1: cache create" smmctl cache create "w$1" size $((24 + $2 % 200)) ||
		return
	may_run_out "worker $1: obj alloc" smmctl obj alloc "w$1" count 32
	smmctl cache destroy "w$1" force > /dev/null || echo "worker $1: cache destroy failed"
	caches=$((caches + 1))
}

# A shadow space built, walked, translated and torn down.
churn_space() {
	sid=$(smmctl -j space create 2>/dev/null | jq -r .id 2>/dev/null)
	[ -n "$sid" ] || return
	if may_run_out "worker $1: space map" smmctl space map "$sid" addr 0x40000000 pages 64 write; then
		smmctl -j pt walk space "$sid" addr 0x40000000 len 0x40000 > /dev/null ||
			echo "worker $1: pt walk of space $sid failed"
		smmctl space translate "$sid" addr 0x40001000 > /dev/null ||
			echo "worker $1: translate failed"
		smmctl space unmap "$sid" addr 0x40000000 pages 64 > /dev/null ||
			echo "worker $1: space unmap failed"
		spaces=$((spaces + 1))
	fi
	smmctl space destroy "$sid" > /dev/null || echo "worker $1: space destroy failed"
}

# One user-space worker: netlink allocations, frees and dumps, caches
# created and destroyed, shadow spaces mapped and walked, the shell's own
# page tables walked, until told to stop.
worker() {
	n=0 intr=0 caches=0 spaces=0
	while [ ! -e /tmp/stress.stop ]; do
		h=$(smmctl page alloc order $((n % 4)) count 8 2>/dev/null)
		# a zone that never stood still is printed with a warning, exit 0
		out=$(smmctl -j zone show 2>&1 > /dev/null) || echo "worker $1: zone show failed: $out"
		# under constant change a frame dump may be flagged interrupted
		# (NLM_F_DUMP_INTR) every time smmctl retries: correct, not an error
		if ! out=$(smmctl -j frame show 2>&1 > /dev/null); then
			case "$out" in
			*"dump interrupted"*) intr=$((intr + 1)) ;;
			*) echo "worker $1: frame show failed: $out" ;;
			esac
		fi
		cat /sys/kernel/debug/shadowmm/buddyinfo /sys/kernel/debug/shadowmm/slabinfo > /dev/null
		# handles in smmctl's hex: jq's doubles round large handles off their objects
		o=$(smmctl obj alloc kmalloc-$((64 << (n % 4))) count 16 2>/dev/null)
		# shellcheck disable=SC2086
		[ -z "$o" ] || smmctl obj free kmalloc-$((64 << (n % 4))) $o > /dev/null ||
			echo "worker $1: obj free failed"
		smmctl -j cache show > /dev/null || echo "worker $1: cache show failed"
		[ $((n % 5)) -ne 2 ] || smmctl cache validate > /dev/null || echo "worker $1: VALIDATE failed"
		# shellcheck disable=SC2086
		[ -z "$h" ] || smmctl page free $h > /dev/null || echo "worker $1: free failed"
		[ $((n % 5)) -ne 0 ] || smmctl check > /dev/null || echo "worker $1: CHECK failed"
		churn_cache "$1" "$n"
		churn_space "$1"
		smmctl -j pt walk pid $$ addr 0x400000 len 0x40000000 > /dev/null ||
			echo "worker $1: pt walk failed"
		n=$((n + 1))
	done
	echo "worker $1: $n rounds, $intr frame dumps flagged interrupted," \
		"$caches caches and $spaces mapped spaces created and destroyed"
}

rm -f /tmp/stress.stop
if [ "$STRESS_NG" = 1 ]; then
	stress-ng --vm 2 --vm-bytes 20% --vm-method all --page-in --timeout "${SECONDS_}s" \
		--metrics-brief > /tmp/stress-ng.log 2>&1 &
	sng=$!
fi
worker 1 > /tmp/stress.w1 2>&1 &
w1=$!
worker 2 > /tmp/stress.w2 2>&1 &
w2=$!
run_stress() { echo "$THREADS $SECONDS_" > $S; }
ktap_check "$THREADS kernel threads for $SECONDS_ s beside 2 netlink workers" run_stress
touch /tmp/stress.stop
wait "$w1" "$w2"
sed 's/^/# /' /tmp/stress.w1 /tmp/stress.w2
if [ "$STRESS_NG" = 1 ]; then
	wait "$sng"
	sng_status=$?
	sed 's/^/# /' /tmp/stress-ng.log | tail -n 8
	ktap_check "stress-ng pressed on the kernel meanwhile and exited 0" \
		test "$sng_status" -eq 0
fi
result=$(cat $S)
ktap_print_msg "stress: $result"

# the failed lines are the check's output, printed with its "not ok"
no_worker_errors() { ! grep -h "failed" /tmp/stress.w1 /tmp/stress.w2; }
ktap_check "the netlink workers saw no error" no_worker_errors
allocs=$(echo "$result" | awk '{ print $6 }')
frees=$(echo "$result" | awk '{ print $8 }')
ktap_check "the threads allocated, and freed all they allocated" \
	sh -c "[ '$allocs' -gt 0 ] && [ '$allocs' -eq '$frees' ]"
oallocs=$(echo "$result" | awk '{ print $12 }')
ofrees=$(echo "$result" | awk '{ print $14 }')
orefused=$(echo "$result" | awk '{ print $18 }')
ktap_check "the threads allocated objects, and freed all of them" \
	sh -c "[ '$oallocs' -gt 0 ] && [ '$oallocs' -eq '$ofrees' ] && [ '$orefused' -eq 0 ]"
corrupt=$(echo "$result" | awk '$19 == "corrupt" { print $20 }')
ktap_check "every page and object read back its pattern: corrupt 0" test "$corrupt" = 0
ktap_check "CHECK passes afterwards" sh -c "smmctl check"
smmctl reset > /dev/null
ktap_check "RESET returns every zone to fully free" json_expect "$(smmctl -j zone show)" \
	'[.zones[] | .free == .managed] | all' true
refused_without_param() {
	out=$(sh -c "echo '1 1 corrupt' > $S" 2>&1) && { echo "accepted"; return 1; }
	case "$out" in
	*"not permitted"*) ;;
	*) echo "expected EPERM, saw: $out"; return 1 ;;
	esac
}
ktap_check "the corrupt option is refused (EPERM) without debug_corrupt=1" refused_without_param
ktap_check "rmmod after the stress" smm_unload

# ---- the check can fail: a byte of a block and of an object flipped ----

ktap_check "reload with debug_corrupt=1" smm_load base=$SMM_BASE size=64M debug_corrupt=1
# 2 threads for 4 s; halfway, thread 0 damages one block and one object
# it owns: the run reports exactly those 2, and logs the first by name.
named='shadowmm: stress: thread 0: (block|object at position) 0x[0-9a-f]+ corrupt at offset 0x[0-9a-f]+ \('
injected() {
	was=$(dmesg | grep -cE "$named")
	smm_expect_kerr_begin
	ran=0
	echo "2 4 corrupt" > $S && ran=1
	smm_expect_kerr_end
	[ "$ran" = 1 ] || { echo "writing '2 4 corrupt' failed"; return 1; }
	r=$(cat $S)
	echo "stress: $r"
	n=$(echo "$r" | awk '$19 == "corrupt" { print $20 }')
	[ "$n" = 2 ] || { echo "expected corrupt 2, saw '$n'"; return 1; }
	[ "$(echo "$r" | awk '{ print $6 }')" = "$(echo "$r" | awk '{ print $8 }')" ] ||
		{ echo "expected allocs = frees"; return 1; }
	now=$(dmesg | grep -cE "$named")
	[ "$now" -eq $((was + 1)) ] ||
		{ echo "expected one more pr_err naming the block or object:"; dmesg | grep 'stress:' | tail -5; return 1; }
}
ktap_check "a run damaging 1 block and 1 object reports corrupt 2" injected
ktap_check "CHECK passes after the damaged run" sh -c "smmctl check"
ktap_check "rmmod after the damaged run" smm_unload
ktap_finished
