#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The workload generator (smmctl space run / stop / workloads): a seq
# workload for 2 s ends by itself with "its time was up", each of its
# accesses faulted a page in (VmRSS agrees); a running random one counts
# on and is listed running; a second one on the same space, a space that
# does not exist, bad words and a ninth workload are refused with their
# reasons; stop forgets it; zipf runs and is listed with its exponent,
# zipf 0 and 5 are refused; destroying its space ends it; with swap on, a
# seq workload over a space 1.5 times the free memory wakes kshadowd and
# fills swap, and CHECK holds; rmmod with workloads running.
. "$(dirname "$0")/lib.sh"

A=0x40000000

ktap_header
ktap_plan 14
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

val() { awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/shadowmm/vmstat; }
# wl ID FIELD: a field of space ID's workload in smmctl -j space workloads
wl() { smmctl -j space workloads | jq -r --argjson s "$1" ".workloads[] | select(.space == \$s) | .$2"; }
# a space with one rw- VMA of LEN at A; prints its id
space_of() {
	s=$(smmctl -j space create | jq -r .id) &&
		smmctl space mmap "$s" addr $A len "$1" > /dev/null && echo "$s"
}
# wait_ended ID SECONDS: until space ID's workload has ended
wait_ended() {
	n=0
	while [ "$(wl "$1" running)" = true ]; do
		n=$((n + 1))
		[ $n -gt $(($2 * 10)) ] && { echo "still running after $2 s"; return 1; }
		sleep 0.1
	done
}

s1=$(space_of 16777216)
seq_for() {
	smmctl space run "$s1" pattern seq rate 1000 for 2 || return 1
	wait_ended "$s1" 20 || return 1
	acc=$(wl "$s1" accesses) f=$(wl "$s1" faults) why=$(wl "$s1" reason)
	rss=$(smmctl -j space show "$s1" | jq -r .VmRSS)
	echo "# seq: $acc accesses, $f faults, VmRSS $rss kB: $why"
	[ "$why" = "its time was up" ] || { echo "reason: $why"; return 1; }
	# 2 s at 1,000 a second, 4,096 pages: each access a fresh page
	[ "$acc" -ge 1000 ] && [ "$acc" -le 4096 ] || { echo "accesses $acc"; return 1; }
	[ "$f" -eq "$acc" ] && [ "$rss" -eq $((acc * 4)) ] || { echo "faults $f, VmRSS $rss"; return 1; }
}
ktap_check "seq for 2 s: ends with its time up, one fault per access" seq_for

running() {
	smmctl space run "$s1" pattern random rate 500 write 50 || return 1
	a1=$(wl "$s1" accesses)
	sleep 1
	a2=$(wl "$s1" accesses)
	[ "$(wl "$s1" running)" = true ] && [ "$a2" -gt "$a1" ] ||
		{ echo "running $(wl "$s1" running), accesses $a1 then $a2"; return 1; }
}
ktap_check "a random workload runs on (the one ended before replaced)" running

# expect_err MESSAGE CMD...: CMD fails and says MESSAGE
expect_err() {
	msg=$1
	shift
	out=$("$@" 2>&1) && { echo "succeeded: $*"; return 1; }
	case "$out" in *"$msg"*) return 0 ;; esac
	echo "said: $out"
	return 1
}
ktap_check "a second workload on a space is refused" \
	expect_err "a workload runs on that space" smmctl space run "$s1" pattern seq rate 10
ktap_check "no such space" expect_err "no such space" smmctl space run 63 pattern seq rate 10
ktap_check "bad words: pattern, rate 0, write 101, for 0" sh -c '
	smmctl space run 1 pattern zipfian rate 10 2>&1 | grep -q "is not seq, random, hot-cold or zipf" &&
	smmctl space run 1 pattern seq rate 0 2>&1 | grep -q "is not 1-100000" &&
	smmctl space run 1 pattern seq rate 1 write 101 2>&1 | grep -q "not a percentage" &&
	smmctl space run 1 pattern seq rate 1 for 0 2>&1 | grep -q "is not 1-86400 seconds" &&
	! smmctl space run 1 pattern seq 2> /dev/null'

stop_it() {
	smmctl space stop "$s1" || return 1
	[ -z "$(wl "$s1" space)" ] || { echo "still listed"; return 1; }
	expect_err "no workload on that space" smmctl space stop "$s1"
}
ktap_check "stop forgets it; stopping again is refused" stop_it

# zipf: 0.99 by default, listed so; a hot head, so fewer faults than
# accesses (1,000 draws over 4,096 pages at 0.99 touch about 400)
zipf_runs() {
	smmctl space run "$s1" pattern zipf rate 1000 for 1 || return 1
	smmctl space workloads | grep -q "^space $s1 pattern zipf 0.99 rate 1000 " ||
		{ smmctl space workloads; return 1; }
	wait_ended "$s1" 20 || return 1
	acc=$(wl "$s1" accesses) f=$(wl "$s1" faults)
	echo "# zipf 0.99: $acc accesses, $f faults: $(wl "$s1" reason)"
	[ "$(wl "$s1" reason)" = "its time was up" ] && [ "$acc" -ge 500 ] &&
		[ "$f" -lt $((acc * 3 / 4)) ] || return 1
	smmctl space stop "$s1" && smmctl space run "$s1" pattern zipf 1.5 rate 10 || return 1
	[ "$(wl "$s1" zipf_s)" = 1.5 ] || { echo "zipf_s $(wl "$s1" zipf_s)"; return 1; }
	smmctl space stop "$s1" || return 1
	expect_err "is not 0.01-4.00" smmctl space run "$s1" pattern zipf 0 rate 10 &&
		expect_err "is not 0.01-4.00" smmctl space run "$s1" pattern zipf 5 rate 10
}
ktap_check "zipf runs (0.99 by default, listed so); zipf 0 and zipf 5 refused" zipf_runs

destroyed() {
	s=$(space_of 1048576) && smmctl space run "$s" pattern random rate 100 || return 1
	smmctl space destroy "$s" || return 1
	wait_ended "$s" 10 && [ "$(wl "$s" reason)" = "its space was destroyed" ] ||
		{ echo "reason: $(wl "$s" reason)"; return 1; }
	smmctl space stop "$s"
}
ktap_check "destroying its space ends it" destroyed

ninth() {
	ids=""
	for i in 1 2 3 4 5 6 7 8; do
		s=$(space_of 65536) && smmctl space run "$s" pattern seq rate 1 || return 1
		ids="$ids $s"
	done
	s=$(space_of 65536) || return 1
	expect_err "every workload slot is taken" smmctl space run "$s" pattern seq rate 1 || return 1
	for s in $ids; do
		smmctl space stop "$s" && smmctl space destroy "$s" || return 1
	done
}
ktap_check "at most 8 at once: a ninth is refused" ninth
unprivileged() {
	for c in "run $s1 pattern seq rate 1" "stop $s1" "workloads"; do
		# shellcheck disable=SC2086 # the words of the command
		out=$(smm_unprivileged smmctl space $c 2>&1) && { echo "allowed: $c"; return 1; }
		case "$out" in *"Operation not permitted"*) ;; *) echo "$c: $out"; return 1 ;; esac
	done
}
ktap_check "the unprivileged may not start, stop or list them" unprivileged
smmctl space destroy "$s1"

# pressure: seq over 1.5 times the free memory, with swap
ktap_check "swap on 64M" smmctl swap on size 64M
free=$(smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add')
len=$(( (free * 3 / 2 * 4096 + 1048575) / 1048576 * 1048576 ))
s2=$(space_of "$len")
k0=$(val pgscan_kswapd) o0=$(val pswpout)
pressure() {
	smmctl space run "$s2" pattern seq rate 100000 write 100 for 20 || return 1
	wait_ended "$s2" 60 || return 1
	echo "# $(wl "$s2" accesses) accesses, $(wl "$s2" faults) faults: $(wl "$s2" reason);" \
		"pgscan_kswapd +$(($(val pgscan_kswapd) - k0)), pswpout +$(($(val pswpout) - o0))"
	[ "$(wl "$s2" reason)" = "its time was up" ] &&
		[ "$(val pgscan_kswapd)" -gt "$k0" ] && [ "$(val pswpout)" -gt "$o0" ]
}
ktap_check "seq over 1.5x free memory: kshadowd scans, pages go to swap" pressure
ktap_check "CHECK after it" smmctl check

rmmod_running() {
	smmctl space run "$s2" pattern hot-cold 90 rate 2000 write 10 || return 1
	s3=$(space_of 1048576) && smmctl space run "$s3" pattern random rate 100 || return 1
	smm_unload || return 1
	! grep -q smm_workload /proc/*/comm 2> /dev/null || { echo "a thread is left"; return 1; }
}
ktap_check "rmmod with two workloads running" rmmod_running

ktap_finished
