#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What an unprivileged user (uid 65534, no capabilities) may do: read
# info, zones and the frame map, without physical addresses; every
# command that changes state (or stops the allocator, like CHECK) fails
# with EPERM and changes nothing.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 11

smm_unload
smm_load base=0x10000000 size=64M || ktap_exit_skip_all "cannot load the module"

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

# The events group is open to anyone: its messages carry counts, no
# frame numbers or addresses. smmtop -b subscribes; five batch
# refreshes a second apart see the allocations made meanwhile.
( sleep 1.5; smmctl page alloc order 0 count 64 > /dev/null ) &
ev=$(smm_unprivileged smmtop -b -n 5 -d 1 2>&1)
wait
has_event_line() { printf '%s\n' "$ev" | grep -q ' alloc, .* free in [0-9]* ms'; }
no_address() { ! printf '%s\n' "$ev" | grep -q ' at 0x'; }
ktap_check "events reach an unprivileged listener" has_event_line
ktap_check "smmtop shows no physical address to an unprivileged user" no_address

smmctl reset > /dev/null
smm_unload
ktap_finished
