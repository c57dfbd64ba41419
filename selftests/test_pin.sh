#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Pins (Documentation/pin.md), on a 16 MiB range loaded with cma=4M:
# a space's 8 MiB written (part of it in the CMA area) and pinned
# (space pin: pinned 2048, nothing faulted, space show's pinned,
# vmstat's nr_foll_pin_acquired); compaction skips the pinned pages
# (its pinned count) and the data reads back; cma alloc of the whole
# area is refused with the pin as the reason, nothing taken; munmap of
# the range refused; unpin (nr_foll_pin_released), then the same cma
# alloc succeeds with the data intact: a long-term pin moves the pages
# out of the area first, so cma alloc succeeds while they are pinned,
# and again after unpin.
# Fork of a pinned page gives the child its own copy at once: no COW
# fault, the parent's bytes unchanged. Destroy drops the pins. CHECK
# after each step. Non-root: test_permissions.sh.
. "$(dirname "$0")/lib.sh"

A=0x40000000
LEN=0x800000		# 8 MiB: 2048 pages

ktap_header
ktap_plan 14
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest cma=4M

vmstat() { awk -v n="$1" '$1 == n { print $2 }' /sys/kernel/debug/shadowmm/vmstat; }
id=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$id" addr $A len $LEN
smmctl space access "$id" addr $A len $LEN write > /dev/null
csum() { smmctl -j space access "$id" addr $A len $LEN | jq -r .csum; }
sum0=$(csum)

ktap_check "space pin: 2048 pages pinned, none faulted, none moved" json_expect \
	"$(smmctl -j space pin "$id" addr $A len $LEN)" '"\(.pinned) \(.faulted) \(.migrated)"' \
	"2048 0 0"
pinned_is() {	# space $1 holds $2 pinned pages; vmstat $3 is $4
	json_expect "$(smmctl -j space show "$1")" .pinned "$2" || return 1
	[ "$(vmstat "$3")" = "$4" ] || { echo "$3: $(vmstat "$3"), expected $4"; return 1; }
}
ktap_check "space show: pinned 2048; nr_foll_pin_acquired 2048" \
	pinned_is "$id" 2048 nr_foll_pin_acquired 2048

compacted() {
	out=$(smmctl -j compact) || return 1
	n=$(echo "$out" | jq '[.zones[].pinned] | add')
	ktap_print_msg "compact: pinned pages skipped $n"
	[ "$n" -gt 0 ] && [ "$(csum)" = "$sum0" ] && smmctl check
}
ktap_check "compact skips the pinned pages, the data reads back, check" compacted
ktap_check "cma alloc over pinned pages refused with the pin as reason" \
	smm_refused "pinned (FOLL_PIN)" smmctl cma alloc 1024
ktap_check "nothing taken: used 0, alloc_fail 1" json_expect "$(smmctl -j cma show)" \
	'"\(.used) \(.alloc_fail)"' "0 1"
ktap_check "munmap of a pinned range refused" \
	smm_refused "pinned" smmctl space munmap "$id" addr $A len $LEN
unpinned() { smmctl space unpin "$id" addr $A len $LEN && pinned_is "$id" 0 "$@"; }
ktap_check "unpin: pinned 0, nr_foll_pin_released 2048" unpinned nr_foll_pin_released 2048

longterm() {
	out=$(smmctl -j space pin "$id" addr $A len $LEN longterm) || return 1
	ktap_print_msg "longterm pin: $out"
	[ "$(echo "$out" | jq .migrated)" -gt 0 ] && [ "$(csum)" = "$sum0" ]
}
ktap_check "longterm pin moves the pages out of the CMA area first" longterm
cma_ok() {
	h=$(smmctl -j cma alloc 1024 | jq -r .handle) || return 1
	[ "$(csum)" = "$sum0" ] && smmctl cma free "$h" && smmctl check
}
ktap_check "with them pinned long-term, cma alloc 1024 succeeds" cma_ok
unpin_cma() { smmctl space unpin "$id" addr $A len $LEN && cma_ok; }
ktap_check "unpin, then cma alloc 1024 succeeds, the data reads back" unpin_cma
dropped() {
	smmctl space pin "$id" addr $A len $LEN > /dev/null && smmctl space destroy "$id" &&
	[ "$(vmstat nr_foll_pin_released)" = "$(vmstat nr_foll_pin_acquired)" ] &&
	[ "$(vmstat nr_foll_pin_acquired)" = 6144 ] && smmctl check
}
ktap_check "destroy drops the pins: released = acquired (6144), check" dropped

p=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$p" addr $A len 0x4000
smmctl space access "$p" addr $A len 0x4000 write value 0x1111 > /dev/null
smmctl space pin "$p" addr $A len 0x1000 write > /dev/null
c=$(smmctl -j space fork "$p" | jq -r .id)
fork_copy() {
	smmctl space access "$c" addr $A len 0x1000 write value 0x2222 > /dev/null &&
	json_expect "$(smmctl -j space show "$c")" '"\(.cow_faults) \(.pinned)"' "0 0" &&
	json_expect "$(smmctl -j space show "$p")" '"\(.cow_faults) \(.pinned)"' "0 1" &&
	[ "$(smmctl -j space access "$p" addr $A len 0x1000 | jq -r .csum)" != \
	  "$(smmctl -j space access "$c" addr $A len 0x1000 | jq -r .csum)" ]
}
ktap_check "fork copies the pinned page: the child's write takes no COW fault" fork_copy
ktap_check "the unpinned pages stay shared: the child's write copies" sh -c \
	"smmctl space access $c addr $((A + 0x1000)) len 0x1000 write > /dev/null &&
	 [ \$(smmctl -j space show $c | jq .cow_faults) = 1 ]"
ktap_check "reset, check" sh -c "smmctl reset > /dev/null && smmctl check"

smm_unload
ktap_finished
