#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The OOM killer (issue 17): swap off, three spaces of about 15%, 40%
# and 25% of the range's free memory, each written with its own value;
# a fourth space writing 30% more runs the range out, and exactly one
# space, the biggest (the 40%), is killed: the write succeeds, the two
# others read back their checksums, the kernel log has the report
# ("Out of memory: Killed space N ..."), vmstat oom_kill is 1, the
# killed space refuses access and mmap (ESRCH) but shows and is
# destroyed; `smmctl monitor vmstat` hears of the kill on the events
# group (victim, pages, oom_kill's new value). Then oom_score_adj -1000 protects the two biggest: a fifth
# (protected) space writing 35% kills the smallest one. Refusals of bad
# values (1001, -1001, no such space). PAGE_ALLOC under exhaustion:
# noretry fails and kills nothing, without it the OOM killer kills the
# one space and the allocation succeeds. CHECK; rmmod.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
A=0x40000000		# every space's VMA starts here

ktap_header
ktap_plan 22
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

val() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
killed() { smmctl -j space show "$1" | jq -r .oom_killed; }
csum() { smmctl -j space access "$1" addr $A len $(( $2 * 4096 )) | jq -r .csum; }

# new_space PAGES VALUE: a space with a VMA of PAGES pages, all written
# with VALUE (one access); prints its id
new_space() {
	id=$(smmctl -j space create | jq -r .id) || return 1
	smmctl space mmap "$id" addr $A len $(( $1 * 4096 )) > /dev/null || return 1
	smmctl space access "$id" addr $A len $(( $1 * 4096 )) write value "$2" > /dev/null ||
		return 1
	echo "$id"
}

free=$(smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add')
p1=$(( free * 15 / 100 )); p2=$(( free * 40 / 100 )); p3=$(( free * 25 / 100 ))
p4=$(( free * 30 / 100 ))
ktap_print_msg "free $free pages: spaces of $p1, $p2, $p3 pages, then $p4"

s1=$(new_space $p1 0x1111) && s2=$(new_space $p2 0x2222) && s3=$(new_space $p3 0x3333) &&
	c1=$(csum "$s1" $p1) && c3=$(csum "$s3" $p3)
rc=$?
ktap_check "swap off: three spaces written (15%, 40%, 25% of free)" \
	test "$rc" -eq 0 -a "$(smmctl -j swap show | jq .on)" = false
ktap_check "vmstat oom_kill 0 before" test "$(val oom_kill)" -eq 0

# the events group: a listener hears of the kill (and of oom_kill's
# change, with "vmstat") within an interval; the first reading after it
# joins is its baseline, so it joins an interval and more before the kill
mon=/tmp/test_oom.monitor
smmctl -j monitor vmstat > $mon 2>&1 &
monpid=$!
sleep 2
smm_expect_kerr_begin
s4=$(new_space $p4 0x4444)
rc=$?
smm_expect_kerr_end
ktap_check "a fourth space writing 30% more succeeds" test "$rc" -eq 0 -a -n "$s4"
ktap_check "exactly one space killed, the biggest" \
	test "$(killed "$s1")$(killed "$s2")$(killed "$s3")$(killed "$s4")" = falsetruefalsefalse
ktap_check "vmstat oom_kill 1" test "$(val oom_kill)" -eq 1
report() { dmesg | grep -E "shadowmm: Out of memory: Killed space $s2 total-vm:[0-9]+kB, anon-rss:[0-9]+kB, swap:0kB, pgtables:[0-9]+kB oom_score_adj:0"; }
ktap_check "the kernel log has the report" report
heard() { jq -s 'map(select(.oom_kill)) | .[0]' $mon 2> /dev/null; }
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(heard | jq -r '.oom_kill.space // empty' 2> /dev/null)" = "$s2" ] && break
	sleep 1
done
kill $monpid 2> /dev/null; wait $monpid 2> /dev/null
event() {
	[ "$(heard | jq -r '.oom_kill.space')" = "$s2" ] &&
		[ "$(heard | jq -r '.oom_kill.kills')" -eq 1 ] &&
		[ "$(heard | jq -r '.oom_kill.pages')" -ge "$p2" ] && return 0
	cat $mon
	return 1
}
ktap_check "an event on the events group names the victim (monitor)" event
ktap_check "the same event's vmstat has oom_kill 1" \
	test "$(heard | jq -r '.vmstat.oom_kill')" = 1
others() {
	[ "$(csum "$s1" $p1)" = "$c1" ] && [ "$(csum "$s3" $p3)" = "$c3" ] &&
		[ "$(smmctl -j space show "$s4" | jq .RssAnon)" -eq $(( p4 * 4 )) ] &&
		[ "$(smmctl -j space show "$s2" | jq .RssAnon)" -eq 0 ]
}
ktap_check "the others read back their checksums; the victim holds nothing" others
ktap_check "access on the killed space refused" \
	smm_refused "killed by the OOM killer" smmctl space access "$s2" addr $A
ktap_check "mmap on the killed space refused" \
	smm_refused "killed by the OOM killer" smmctl space mmap "$s2" addr 0x80000000 len 4096
ktap_check "the killed space is destroyed" smmctl space destroy "$s2"

# -1000 protects: spaces 3 (25%) and 4 (30%) are bigger than space 1
# (15%), and a fifth, itself protected, writes 35%: space 1 goes
protect() {
	smmctl space set "$s3" oom_score_adj -1000 && smmctl space set "$s4" oom_score_adj -1000 &&
		[ "$(smmctl -j space show "$s3" | jq .oom_score_adj)" -eq -1000 ]
}
ktap_check "space set oom_score_adj -1000" protect
p5=$(( free * 35 / 100 ))
protected() {
	id=$(smmctl -j space create | jq -r .id) &&
		smmctl space set "$id" oom_score_adj -1000 &&
		smmctl space mmap "$id" addr $A len $(( p5 * 4096 )) &&
		smm_expect_kerr smmctl space access "$id" addr $A len $(( p5 * 4096 )) write \
			> /dev/null || return 1
	if [ "$(killed "$s1")$(killed "$s3")$(killed "$s4")$(killed "$id")" = truefalsefalsefalse ] &&
		[ "$(val oom_kill)" -eq 2 ] && [ "$(csum "$s3" $p3)" = "$c3" ]; then
		return 0
	fi
	smmctl space show
	return 1
}
ktap_check "-1000 protects: the smallest unprotected space goes, the others keep their pages" \
	protected
ktap_check "oom_score_adj 1001 refused" \
	smm_refused "oom_score_adj must be -1000 to 1000" smmctl space set "$s3" oom_score_adj 1001
ktap_check "oom_score_adj -1001 refused" \
	smm_refused "oom_score_adj must be -1000 to 1000" smmctl space set "$s3" oom_score_adj -1001
ktap_check "no such space refused" smm_refused "no such space" smmctl space set 60 oom_score_adj 0
# PAGE_ALLOC as GFP_KERNEL: every other space gone, a new one holds
# half of the free memory; batches of 1024 pages with noretry
# (__GFP_NORETRY) take the rest and then fail without a kill; the same
# batch without it reclaims (nothing: swap is off), calls the OOM killer,
# which kills the space, and succeeds
for id in $(smmctl -j space show | jq -r '.spaces[].id'); do smmctl space destroy "$id"; done
p6=$(( free * 50 / 100 ))
s6=$(new_space $p6 0x6666)
noretry() {
	n=0
	while smmctl page alloc order 0 count 1024 noretry > /dev/null 2>&1; do
		n=$((n + 1))
		[ $n -gt 64 ] && return 1
	done
	smm_refused "nothing was allocated" smmctl page alloc order 0 count 1024 noretry &&
		[ "$(killed "$s6")" = false ] && [ "$(val oom_kill)" -eq 2 ]
}
ktap_check "page alloc noretry: fails when memory runs out, kills nothing" noretry
smm_expect_kerr_begin
smmctl page alloc order 0 count 1024 > /dev/null
alloc_rc=$?
smm_expect_kerr_end
gfp_kernel() {
	[ "$alloc_rc" -eq 0 ] && [ "$(killed "$s6")" = true ] && [ "$(val oom_kill)" -eq 3 ] &&
		dmesg | grep -q "shadowmm: smmctl invoked oom-killer: order=0, totalpages=[0-9]* (a PAGE_ALLOC)" &&
		dmesg | grep -q "shadowmm: Out of memory: Killed space $s6 "
}
ktap_check "page alloc without it: the OOM killer kills the space, the allocation succeeds" \
	gfp_kernel
ktap_check "every netlink page freed" smmctl page free all
ktap_check "CHECK passes" smmctl check
ktap_check "rmmod" smm_unload
ktap_finished
