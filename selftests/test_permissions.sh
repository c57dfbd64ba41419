#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What an unprivileged user (uid 65534, no capabilities) may do: read
# info, zones, caches, the frame map and shadow spaces, translate and walk
# page tables of its own processes and shadow spaces, without physical
# addresses, frame numbers or raw entries; every command that changes
# state (or stops the allocator, like CHECK) and every walk of the
# kernel's tables fails with EPERM and changes nothing (fault injection's
# settings readable, not settable; page_owner's records, which show kernel
# stacks, not even readable); so does every
# file command (the module opens paths with its own rights). The same user in
# a user namespace of its own (unshare -Ur: uid 0 and every capability
# there) is refused all the same.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 107
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

user() { smm_unprivileged smmctl "$@"; }
# nobody in a user namespace of its own, where it is uid 0 with every
# capability of that namespace (CAP_SYS_ADMIN and CAP_NET_ADMIN included)
# and none of the initial one: netlink_capable() asks the initial one.
# shellcheck disable=SC2016 # expanded by the namespace's shell
ns_caps=$(smm_unprivileged unshare -Ur sh -c 'echo "$(id -u) $(grep CapEff /proc/self/status)"' 2>&1)
ns_is_root() {
	case "$ns_caps" in
	"0 CapEff:"*[1-9a-f]*) return 0 ;;
	esac
	echo "expected uid 0 with capabilities in the namespace, saw '$ns_caps'"
	return 1
}
ns_ok=false
ktap_check "userns: uid 0 with capabilities of its own namespace" ns_is_root && ns_ok=true
# Without the namespace every userns check fails (unshare's own EPERM
# must not pass for the module's).
userns() {
	$ns_ok || { echo "no user namespace: $ns_caps"; return 1; }
	smm_unprivileged unshare -Ur smmctl "$@"
}

h=$(smmctl page alloc order 0 | head -n 1)
sid=$(smmctl -j space create | jq -r .id)
smmctl space map "$sid" addr 0x200000 pages 2 write > /dev/null
smmctl cache create perm size 64 > /dev/null
o=$(smmctl obj alloc perm | head -n 1)
kva=$(awk '$1 == "kmalloc" { print "0x" $2 }' /sys/kernel/debug/shadowmm/pt_kbuf)
echo "shadowmm permissions" > /tmp/perm.file
fid=$(smmctl -j file open /tmp/perm.file | jq -r .id)

# What WHO (user or userns) may read, and every refusal, with the
# state each refusal must leave as it was (smm_refused counts frames).
permissions() {
	who=$1
	denied() { smm_refused "Operation not permitted" "$who" "$@"; }

	info=$($who -j info)
	ktap_check "$who: info is readable" json_expect "$info" .mode reserved
	ktap_check "$who: info hides the physical base" json_expect "$info" \
		'[has("base"), (.sections[0] | has("base"))] | any' false
	zones_readable() { $who -j zone show | jq -e '.zones | length == 3' > /dev/null; }
	map_readable() { $who frame show > /dev/null; }
	ktap_check "$who: zones are readable" zones_readable
	ktap_check "$who: the frame map is readable" map_readable

	ktap_check "$who: page alloc: EPERM" denied page alloc order 0
	ktap_check "$who: page free: EPERM" denied page free "$h"
	ktap_check "$who: page free all: EPERM" denied page free all
	ktap_check "$who: reset: EPERM" denied reset
	ktap_check "$who: check: EPERM" denied check

	ktap_check "$who: space create: EPERM" denied space create
	ktap_check "$who: space map: EPERM" denied space map "$sid" addr 0x400000 pages 1
	ktap_check "$who: space unmap: EPERM" denied space unmap "$sid" addr 0x200000 pages 1
	ktap_check "$who: space destroy: EPERM" denied space destroy "$sid"
	ktap_check "$who: space fork: EPERM" denied space fork "$sid"
	ktap_check "$who: space set: EPERM" denied space set "$sid" oom_score_adj -1000
	ktap_check "$who: space pin: EPERM" denied space pin "$sid" addr 0x400000 len 4096
	ktap_check "$who: space unpin: EPERM" denied space unpin "$sid" addr 0x400000 len 4096
	ktap_check "$who: space show is readable" json_expect "$($who -j space show)" \
		'.spaces[0].frames' 6
	ktap_check "$who: space translate: no frame or physical address" json_expect \
		"$($who -j space translate "$sid" addr 0x201000)" '[has("pfn"), has("phys")] | any' false
	ktap_check "$who: pt walk of a space: no frames or raw entries" json_expect \
		"$($who -j pt walk space "$sid" addr 0x200000 len 0x2000)" \
		'[(.steps | length) == 2, ([.steps[] | has("pfn") or (.levels[] | has("entry"))] | any | not)] | all' \
		true
	ktap_check "$who: pt walk of the kernel: EPERM" denied pt walk kernel addr "$kva"
	ktap_check "$who: pt walk of the kernel says why" smm_refused "needs CAP_SYS_ADMIN" \
		"$who" pt walk kernel addr "$kva"
	caches_readable() { $who -j cache show | jq -e ".caches | length == 14" > /dev/null; }
	ktap_check "$who: caches are readable" caches_readable
	ktap_check "$who: cache create: EPERM" denied cache create other size 64
	ktap_check "$who: cache destroy: EPERM" denied cache destroy perm force
	ktap_check "$who: cache shrink: EPERM" denied cache shrink perm
	ktap_check "$who: cache validate: EPERM" denied cache validate
	ktap_check "$who: cache drop: EPERM" denied cache drop
	ktap_check "$who: cache tune: EPERM" denied cache tune perm limit 8 batch 4
	ktap_check "$who: obj alloc: EPERM" denied obj alloc perm
	ktap_check "$who: obj free: EPERM" denied obj free perm "$o"
	ktap_check "$who: obj corrupt: EPERM" denied obj corrupt perm "$o" redzone
	ktap_check "$who: vm show is readable" json_expect "$($who -j vm show)" .swappiness 60
	ktap_check "$who: vm set: EPERM" denied vm set swappiness 10 min_free_kbytes 2048
	ktap_check "$who: file open: EPERM" denied file open /tmp/perm.file
	ktap_check "$who: file read: EPERM" denied file read "$fid" offset 0 len 10
	ktap_check "$who: file show: EPERM" denied file show
	ktap_check "$who: file close: EPERM" denied file close "$fid"
	ktap_check "$who: file sync: EPERM" denied file sync "$fid"
	ktap_check "$who: compact: EPERM" denied compact order 9
	ktap_check "$who: range offline: EPERM" denied range offline 0 512
	ktap_check "$who: range online: EPERM" denied range online 0 512
	ktap_check "$who: range show: EPERM" denied range show
	ktap_check "$who: cma alloc: EPERM" denied cma alloc 1
	ktap_check "$who: cma free: EPERM" denied cma free 0
	ktap_check "$who: cma show: EPERM" denied cma show
	ktap_check "$who: fault show is readable" json_expect "$($who -j fault show)" \
		.fail_page_alloc.probability 0
	ktap_check "$who: fault set: EPERM" denied fault set page probability 100 times -1
	ktap_check "$who: frame show owner FRAME: EPERM" denied frame show owner 0
	ktap_check "$who: frame show owner (all): EPERM" denied frame show owner
}
vm0=$(smmctl -j vm show | jq -c .)
fault0=$(smmctl -j fault show | jq -c .)
permissions user
permissions userns

objs_kept() { [ "$(smmctl -j cache show perm | jq '.caches[0].active_objs')" = 1 ]; }
ktap_check "the refused requests changed no cache" objs_kept
ktap_check "the refused vm sets changed no tunable" test "$(smmctl -j vm show | jq -c .)" = "$vm0"
ktap_check "the refused fault sets changed no setting" \
	test "$(smmctl -j fault show | jq -c .)" = "$fault0"
kernel_walk_admin() { json_expect "$(smmctl -j pt walk kernel addr "$kva")" '.steps[0].kind' page; }
ktap_check "root walks the kernel's tables" kernel_walk_admin
# The events group is open to anyone: its messages carry counts, no
# frame numbers or addresses. smmtop -b subscribes; five batch
# refreshes a second apart see the allocations made meanwhile, which
# keep coming until smmtop is done (it may take a while to start on a
# slow kernel, and an interval without a change sends no event).
rm -f /tmp/perm.stop
(
	while [ ! -e /tmp/perm.stop ]; do
		h=$(smmctl page alloc order 0 count 64)
		# shellcheck disable=SC2086 # a list of handles
		smmctl page free $h > /dev/null
		sleep 0.5
	done
) &
ev=$(smm_unprivileged smmtop -b -n 5 -d 1 2>&1)
touch /tmp/perm.stop
wait
has_event_line() { printf '%s\n' "$ev" | grep -q ' alloc, .* free in [0-9]* ms'; }
no_address() { ! printf '%s\n' "$ev" | grep -q ' at 0x'; }
ktap_check "events reach an unprivileged listener" has_event_line
ktap_check "smmtop shows no physical address to an unprivileged user" no_address

smmctl file close "$fid"
rm -f /tmp/perm.file
smmctl reset > /dev/null
smm_unload
ktap_finished
