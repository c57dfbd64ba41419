#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# page_owner (issue 19, Documentation/debugging.md): off by default (no
# debugfs page_owner, OWNER_GET says how to turn it on); loaded with
# page_owner=on, blocks allocated through netlink (four order-0, two
# order-2, one order-3 PAGE_ALLOCs, and slabs grown by OBJ_ALLOCs of a
# 2048-byte cache) are listed in debugfs shadowmm/page_owner (root-only,
# 0400) in /sys/kernel/debug/page_owner's format with pfns inside the
# range and symbolized stacks; the kernel's page_owner_sort (built from
# linux-source by selftests/Makefile) loads every block of the file and,
# culled by command and allocator, counts exactly ours: 7 blocks of 20
# pages by OTHERS and the cache's slabs by SLAB; smmctl frame show owner
# names our comm, a pid and a port for a head and for a tail, and
# without a frame lists every block the file does; a freed
# block says freed, with its free stack, and leaves the file; a frame
# past the range is refused with the reason. Non-root: test_permissions.sh.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
POS=$(dirname "$0")/page_owner_sort

ktap_header
ktap_plan 11
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest

off_by_default() {
	[ ! -e $D/page_owner ] || { echo "$D/page_owner exists with page_owner off"; return 1; }
	smm_refused "page_owner is off: load with page_owner=on" smmctl frame show owner 0
}
ktap_check "off by default: no debugfs page_owner, OWNER_GET refused with the way to turn it on" \
	off_by_default

smm_unload
smm_load_or_fail base=$SMM_BASE size=16M zones=Normal:rest page_owner=on
ktap_check "page_owner=on: debugfs page_owner is root-only (0400)" \
	test "$(stat -c %a $D/page_owner)" = 400

h0=$(smmctl -j page alloc order 0 count 4 | jq -r '.handles[]')
h2=$(smmctl -j page alloc order 2 count 2 | jq -r '.handles[]')
h3=$(smmctl -j page alloc order 3 | jq -r '.handles[]')
smmctl cache create pown size 2048 > /dev/null
smmctl obj alloc pown count 40 > /dev/null
slabs=$(smmctl -j cache show | jq -r '.caches[] | select(.name == "pown") | .slabs_alloc')
sorder=$(smmctl -j cache show | jq -r '.caches[] | select(.name == "pown") | .order')
ktap_print_msg "handles: $(echo $h0 $h2 $h3 | wc -w); pown: $slabs slabs of order $sorder"
cat $D/page_owner > /tmp/po.txt
ktap_print_msg "page_owner: $(grep -c '^Page allocated via' /tmp/po.txt) blocks"
ktap_check "frame show owner without a frame: every block the file lists" json_expect \
	"$(smmctl -j frame show owner)" '.owners | length' "$(grep -c '^Page allocated via' /tmp/po.txt)"

base_pfn=$((SMM_BASE >> 12))
end_pfn=$((base_pfn + 4096))
format() {
	awk -v lo=$base_pfn -v hi=$end_pfn '
	/^Page allocated via order [0-9]+, mask 0x[0-9a-f]+\(.*\), pid [0-9]+, tgid [0-9]+ \(.*\), ts [0-9]+ ns, free_ts [0-9]+ ns$/ { head++; want_pfn = 1; next }
	want_pfn && /^PFN [0-9]+ type [A-Za-z]+ Block [0-9]+ type [A-Za-z]+ Flags 0x[0-9a-f]+\([a-z]+\)$/ {
		if ($2 < lo || $2 >= hi) { print "pfn " $2 " outside [" lo ", " hi ")"; bad = 1 }
		pfns++; want_pfn = 0; next }
	want_pfn { print "no PFN line after a head: " $0; bad = 1 }
	END { if (!head || head != pfns || bad) { print head " heads, " pfns " PFN lines"; exit 1 } }
	' /tmp/po.txt
}
ktap_check "the file: page_owner's two lines per block, pfns inside the range" format
stacks() {
	grep -Eq '^ smm_alloc_pages(_slow)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[shadowmm\]$' /tmp/po.txt ||
		{ echo "no symbolized smm_alloc_pages frame:"; head -12 /tmp/po.txt; return 1; }
}
ktap_check "the file: stacks from the stack depot, symbolized" stacks
# the first block as the file has it (Documentation/debugging.md shows one)
sed -n '1,/^$/p' /tmp/po.txt | sed 's/^/# /'

if [ -x "$POS" ]; then
	loads() {
		"$POS" /tmp/po.txt /tmp/po.sorted > /tmp/po.log 2>&1 || { cat /tmp/po.log; return 1; }
		# page_owner_sort's add_list() folds a block into the one before
		# when their text without the PFN line is the same (one batch
		# allocated within one tick of the clock): count as it does
		want=$(awk 'BEGIN { RS = "" } { t = ""; n = split($0, l, "\n")
			for (i = 1; i <= n; i++) if (l[i] !~ /^PFN /) t = t l[i] "\n"
			if (t != prev) c++; prev = t } END { print c + 0 }' /tmp/po.txt)
		grep -qx "loaded $want" /tmp/po.log || { echo "want loaded $want:"; cat /tmp/po.log; return 1; }
	}
	ktap_check "page_owner_sort loads every block of the file" loads
	counts() {
		"$POS" --cull name,allocator /tmp/po.txt /tmp/po.cull > /tmp/po.log 2>&1 ||
			{ cat /tmp/po.log; return 1; }
		grep -q '^7 times, 20 pages, task_comm_name: smmctl, allocated by OTHERS $' /tmp/po.cull &&
		grep -q "^$slabs times, $((slabs << sorder)) pages, task_comm_name: smmctl, allocated by SLAB \$" \
			/tmp/po.cull || { echo "want 7/20 OTHERS and $slabs slabs by SLAB:"; cat /tmp/po.cull; return 1; }
	}
	ktap_check "page_owner_sort --cull name,allocator counts our blocks and slabs" counts
	sed 's/^/# /' /tmp/po.cull
else
	ktap_skip "page_owner_sort loads every block of the file" "no page_owner_sort (no linux-source)"
	ktap_skip "page_owner_sort --cull name,allocator counts our blocks and slabs" \
		"no page_owner_sort (no linux-source)"
fi

set -- $h2
f2=$(($1 & 0xffffffff))
owner=$(smmctl -j frame show owner $f2)
ktap_check "frame show owner: our comm, pid and port, order 2, allocated" json_expect "$owner" \
	'.owners[0] | [.frame, .state, .order, .comm, .pid > 0, .portid > 0, (.stack[0] | startswith("smm_alloc_pages"))] | map(tostring) | join(" ")' \
	"$f2 allocated 2 smmctl true true true"
smmctl frame show owner $f2 | sed 's/^/# /'
ktap_check "frame show owner of a tail: its head's record" json_expect \
	"$(smmctl -j frame show owner $((f2 + 3)))" '.owners[0] | "\(.frame) \(.order)"' "$f2 2"

smmctl page free $1 > /dev/null
freed() {
	json_expect "$(smmctl -j frame show owner $f2)" \
		'.owners[0] | [.state, .comm, .free_ts_nsec >= .ts_nsec, (.free_stack | length > 0)] | map(tostring) | join(" ")' \
		"freed smmctl true true" || return 1
	cat $D/page_owner > /tmp/po2.txt
	got=$(grep -c '^Page allocated via' /tmp/po2.txt)
	want=$(($(grep -c '^Page allocated via' /tmp/po.txt) - 1))
	[ "$got" = "$want" ] || { echo "$got blocks listed after the free, want $want"; return 1; }
}
ktap_check "a freed block: freed, with its free stack, and no longer listed" freed
ktap_check "a frame past the range is refused with the reason" \
	smm_refused "frame is past the end of the range" smmctl frame show owner 4096

smmctl page free all > /dev/null
smm_unload
ktap_finished
