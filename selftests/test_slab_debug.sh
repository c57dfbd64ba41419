#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Slab debugging: each kind of corruption OBJ_CORRUPT makes (an overrun
# into the red zone, a write after free, an overwritten free pointer) is
# found by CACHE_VALIDATE and again on free or allocation, reported in
# the kernel log naming the cache, the slab's frame and the object's
# offset, and counted in the cache's errors. Without debug_corrupt=1 the
# command is refused. CHECK passes after each part.
. "$(dirname "$0")/lib.sh"

POS_MASK=$(( (1 << 40) - 1 ))

ktap_header
ktap_plan 22
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M
smmctl cache create plain size 64 red_zone > /dev/null
h=$(smmctl obj alloc plain | head -n 1)
ktap_check "corruption is refused without debug_corrupt=1" \
	smm_refused "debug_corrupt=1" smmctl obj corrupt plain "$h" redzone
smm_unload
smm_load_or_fail base=$SMM_BASE size=64M debug_corrupt=1

check_ok() { smmctl check > /dev/null; }
# Object commands run on CPU 0, so freed objects go on that CPU's freelist
# and the next allocation there pops them first (LIFO).
on0() { taskset -c 0 "$@"; }
errors() { smmctl -j cache show "$1" | jq -r '.caches[0].errors'; }
order() { smmctl -j cache show "$1" | jq -r '.caches[0].order'; }
# where CACHE HANDLE: "slab S offset O", as the reports name an object
where() {
	pos=$(( $2 & POS_MASK ))
	slab=$(( (pos >> 12) & ~((1 << $(order "$1")) - 1) ))
	echo "slab $slab offset $(( pos - (slab << 12) ))"
}
# reported CACHE HANDLE WHAT: the kernel log has that report
reported() {
	line="slab error: cache $1 $(where "$1" "$2"): $3"
	dmesg | grep -qF "$line" && return 0
	echo "no \"$line\" in the kernel log; it has:"
	dmesg | grep "slab error" | tail -n 5
	return 1
}
# validate_finds CACHE N: VALIDATE reports exactly N problems
validate_finds() {
	smm_expect_kerr_begin
	out=$(smmctl -j cache validate "$1")
	smm_expect_kerr_end
	json_expect "$out" .problems "$2"
}

# --- an overrun into the red zone ---
smmctl cache create rz size 40 red_zone store_user > /dev/null
h=$(smmctl obj alloc rz count 4)
victim=$(echo "$h" | sed -n 2p)
ktap_check "validate finds nothing before" validate_finds rz 0
ktap_check "corrupt the red zone" smmctl obj corrupt rz "$victim" redzone
ktap_check "validate finds exactly one problem" validate_finds rz 1
ktap_check "reported with cache, slab and offset" reported rz "$victim" \
	"red zone overwritten (write past the object)"
names_owner() { dmesg | grep -q "cache rz .*write past the object) (owner [1-9][0-9]*)$"; }
ktap_check "the report names the owner (store_user)" names_owner
smm_expect_kerr_begin
smmctl obj free rz "$victim" > /dev/null
smm_expect_kerr_end
ktap_check "found again when the object is freed" test "$(errors rz)" -eq 2
ktap_check "the red zone was repaired" validate_finds rz 0
ktap_check "check passes after the overrun" check_ok

# --- a write after free ---
smmctl cache create poisoned size 64 poison > /dev/null
h=$(on0 smmctl obj alloc poisoned count 2)
victim=$(echo "$h" | tail -n 1)
ktap_check "corrupt after free" on0 smmctl obj corrupt poisoned "$victim" after_free
ktap_check "validate finds the write after free" validate_finds poisoned 1
ktap_check "reported as poison overwritten" reported poisoned "$victim" \
	"poison overwritten (write after free)"
ktap_check "the freed object's handle is gone" \
	smm_refused "not allocated" smmctl obj free poisoned "$victim"
smm_expect_kerr_begin
again=$(on0 smmctl obj alloc poisoned | head -n 1)
smm_expect_kerr_end
ktap_check "the same object comes back first" \
	test $(( again & POS_MASK )) -eq $(( victim & POS_MASK ))
ktap_check "found again on allocation" test "$(errors poisoned)" -eq 2
ktap_check "check passes after the write after free" check_ok

# --- an overwritten free pointer ---
smmctl cache create fl size 128 hardened > /dev/null
h=$(on0 smmctl obj alloc fl count 3)
victim=$(echo "$h" | tail -n 1)
ktap_check "corrupt the free pointer" on0 smmctl obj corrupt fl "$victim" freelist
ktap_check "validate finds the broken freelist" validate_finds fl 1
smm_expect_kerr_begin
on0 smmctl obj alloc fl count 2 > /dev/null
smm_expect_kerr_end
ktap_check "reported when the freelist is followed" reported fl "$victim" \
	"freelist pointer corrupted (objects after it are lost)"
ktap_check "found on allocation" test "$(errors fl)" -eq 2
ktap_check "corrupting a red zone needs red zones" \
	smm_refused "needs a cache with red zones" smmctl obj corrupt fl "$(echo "$h" | head -n 1)" redzone
ktap_check "check passes after the broken freelist" check_ok

smmctl reset > /dev/null
smm_unload
ktap_finished
