#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What an unprivileged user (uid 65534, no capabilities) may do: read
# info, zones, caches, the frame map and shadow spaces, translate and walk
# page tables, without physical addresses, frame numbers or raw entries; every
# command that changes state (or stops the allocator, like CHECK) fails
# with EPERM and changes nothing.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 27

smm_unload
smm_load_or_fail base=0x10000000 size=64M

user() { smm_unprivileged smmctl "$@"; }
denied() { smm_refused "Operation not permitted" user "$@"; }

info=$(user -j info)
ktap_check "info is readable" json_expect "$info" .mode reserved
ktap_check "info hides the physical base" json_expect "$info" \
	'[has("base"), (.sections[0] | has("base"))] | any' false
zones_readable() { user -j zone show | jq -e '.zones | length == 3' > /dev/null; }
map_readable() { user frame show > /dev/null; }
ktap_check "zones are readable" zones_readable
ktap_check "the frame map is readable" map_readable

h=$(smmctl -j page alloc order 0 | jq -r '.handles[0]')
ktap_check "page alloc: EPERM" denied page alloc order 0
ktap_check "page free: EPERM" denied page free "$h"
ktap_check "page free all: EPERM" denied page free all
ktap_check "reset: EPERM" denied reset
ktap_check "check: EPERM" denied check

sid=$(smmctl -j space create | jq -r .id)
smmctl space map "$sid" addr 0x200000 pages 2 write > /dev/null
ktap_check "space create: EPERM" denied space create
ktap_check "space map: EPERM" denied space map "$sid" addr 0x400000 pages 1
ktap_check "space unmap: EPERM" denied space unmap "$sid" addr 0x200000 pages 1
ktap_check "space destroy: EPERM" denied space destroy "$sid"
ktap_check "space show is readable" json_expect "$(user -j space show)" '.spaces[0].frames' 6
ktap_check "space translate: no frame or physical address" json_expect \
	"$(user -j space translate "$sid" addr 0x201000)" '[has("pfn"), has("phys")] | any' false
ktap_check "pt walk of a space: no frames or raw entries" json_expect \
	"$(user -j pt walk space "$sid" addr 0x200000 len 0x2000)" \
	'[(.steps | length) == 2, ([.steps[] | has("pfn") or (.levels[] | has("entry"))] | any | not)] | all' \
	true
caches_readable() { user -j cache show | jq -e '.caches | length == 13' > /dev/null; }
ktap_check "caches are readable" caches_readable
smmctl cache create perm size 64 > /dev/null
o=$(smmctl -j obj alloc perm | jq -r '.handles[0]')
ktap_check "cache create: EPERM" denied cache create other size 64
ktap_check "cache destroy: EPERM" denied cache destroy perm force
ktap_check "cache shrink: EPERM" denied cache shrink perm
ktap_check "cache validate: EPERM" denied cache validate
ktap_check "obj alloc: EPERM" denied obj alloc perm
ktap_check "obj free: EPERM" denied obj free perm "$o"
ktap_check "obj corrupt: EPERM" denied obj corrupt perm "$o" redzone
objs_kept() { [ "$(smmctl -j cache show perm | jq '.caches[0].active_objs')" = 1 ]; }
ktap_check "the refused requests changed no cache" objs_kept
# The events group is open to anyone: its messages carry counts, no
# frame numbers or addresses. smmtop -b subscribes; five batch
# refreshes a second apart see the allocations made meanwhile, which
# keep coming until smmtop is done (it may take a while to start on a
# slow kernel, and an interval without a change sends no event).
rm -f /tmp/perm.stop
(
	while [ ! -e /tmp/perm.stop ]; do
		h=$(smmctl -j page alloc order 0 count 64 | jq -r '.handles[]')
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

smmctl reset > /dev/null
smm_unload
ktap_finished
