#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The real page-table walker: pt_walk_test.c against /proc/self/pagemap
# (heap, stack, page-by-page anonymous, MADV_HUGEPAGE, PROT_NONE, a hole,
# then every page of the whole user half, and its gaps against maps);
# `smmctl pt walk pid $$ addr <stack>` showing every level with decoded
# flags; kernel addresses of module buffers walking to their physical
# frames (x86; arm64 refuses kernel walks, module/arch.h); refusals of
# bad input; what unprivileged callers see; the leaves mode (runs) against
# the per-level walk's pages, of this shell and of a shadow space. Run under 5-level paging
# (vm.sh's -cpu max) and 4-level (the la48 flavour) on x86, 4-level on
# arm64 with Debian's 6.1 (48-bit VA, CONFIG_PGTABLE_LEVELS=4), and on
# Debian's 6.12 arm64 with 5 (52-bit VA, LPA2: the arm64-612 flavour) and
# 4 levels (-cpu max,lpa2=off: arm64-612-la48).
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 23
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

# x86: 5 levels where the CPU has la57 (both kernels enable it). arm64:
# 4 on Debian's 6.1 (48-bit VA); on 6.12 (52-bit VA, LPA2) 5 where the CPU
# has FEAT_LPA2, else 4 (folded at boot). /proc/cpuinfo does not say, so
# ask the kernel: can a page past 48-bit VA be mapped (pt_walk_test
# --va-bits)? vm.sh tells what the CPU model should give (below).
case $(uname -m) in
aarch64)
	va_bits=$("$(dirname "$0")/pt_walk_test" --va-bits)	# TTBR0: 1 << VA_BITS
	levels=4
	[ "$va_bits" != 52 ] || levels=5
	ktap_print_msg "user VA: $va_bits bits"
	;;
*)
	levels=5
	grep -qw la57 /proc/cpuinfo || levels=4
	va_bits=$((9 * levels + 11))	# the lower half: 47 or 56 bits
	;;
esac
user_len=$(printf '%#x' $(((1 << va_bits) - 1)))
ktap_print_msg "$levels-level paging"
# vm.sh says which mode its CPU model gives (SMM_PAGING_LEVELS): a 5-level
# run that silently fell back to 4 levels would test the wrong walker.
paging_as_asked() {
	[ -n "${SMM_PAGING_LEVELS:-}" ] || { echo "SMM_PAGING_LEVELS not set by the VM"; return 1; }
	[ "$SMM_PAGING_LEVELS" = "$levels" ] && return 0
	echo "expected $SMM_PAGING_LEVELS-level paging, the CPU gives $levels"
	return 1
}
ktap_check "the paging mode the VM asked for" paging_as_asked
# THP for madvised ranges, so the huge-PMD check has one to find
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$thp" ] && echo madvise > "$thp"

# its own TAP as diagnostics: what it compared, and THP or not
if out=$("$(dirname "$0")/pt_walk_test" "$levels" 2>&1); then
	printf '%s\n' "$out" | sed 's/^/# /'
	ktap_pass "walker frames equal pagemap's (pt_walk_test)"
else
	ktap_fail "walker frames equal pagemap's (pt_walk_test)" "$out"
fi

# The done criterion: the shell's own stack, every level, flags decoded.
stack_top=$(awk '/\[stack\]/ { split($1, r, "-"); print r[2] }' /proc/$$/maps)
stack=$(printf '%#x' $((0x$stack_top - 0x1000)))
ktap_print_msg "smmctl pt walk pid $$ addr $stack:"
smmctl pt walk pid $$ addr "$stack" | sed 's/^/# /'
walk=$(smmctl -j pt walk pid $$ addr "$stack")
ktap_check "the stack page is a present 4K page" json_expect "$walk" \
	'.steps[0] | [.kind, .size, (.pfn > 0)] | join(" ")' "page 4096 true"
ktap_check "every level is shown, top first" json_expect "$walk" \
	'[.steps[0].levels[].level] | join(" ")' "PGD P4D PUD PMD PTE"
ktap_check "exactly $levels levels have tables of their own" json_expect "$walk" \
	'[.steps[0].levels[] | select(.folded | not)] | length' "$levels"
if [ "$levels" = 4 ]; then
	ktap_check "P4D is folded under 4-level paging" json_expect "$walk" \
		'.steps[0].levels[1].folded' true
else
	ktap_check "P4D is a real level under 5-level paging" json_expect "$walk" \
		'.steps[0].levels[1] | has("folded") | not' true
fi
# (not "write": the shell's $(...) forks, leaving its stack copy-on-write)
ktap_check "the PTE's flags are decoded" json_expect "$walk" \
	'.steps[0].levels[4].flags | map(select(. == "present" or . == "user" or . == "nx")) | sort | join(" ")' \
	"nx present user"
ktap_check "every real level has its raw entry" json_expect "$walk" \
	'[.steps[0].levels[] | select(.folded | not) | has("entry")] | all' true

# Kernel addresses: a kmalloc buffer (direct map) and the module's own data.
kwalk() {
	set -- $(grep "^$1 " /sys/kernel/debug/shadowmm/pt_kbuf)
	va=0x$2 phys=$3
	out=$(smmctl -j pt walk kernel addr "$va") || { echo "$out"; return 1; }
	want=$(printf '%d' $((phys >> 12)))
	json_expect "$out" '.steps[0] | "\(.kind) \(.pfn)"' "page $want"
}
if kwhy=$(smm_kernel_walks_unsupported); then
	ktap_skip "a kmalloc'ed buffer walks to its virt_to_phys frame" "kernel walks: $kwhy"
	ktap_skip "a module buffer walks to its vmalloc_to_pfn frame" "kernel walks: $kwhy"
else
	ktap_check "a kmalloc'ed buffer walks to its virt_to_phys frame" kwalk kmalloc
	ktap_check "a module buffer walks to its vmalloc_to_pfn frame" kwalk module
fi

big=$(smmctl -j pt walk pid $$ addr 0 len $user_len | jq '.steps | length')
ktap_print_msg "the whole user half of pid $$ in $big steps"
ktap_check "a walk of the whole user half completes (holes skipped whole)" test "$big" -gt 3
# between VMAs nothing is read: such a hole has no levels
gap_unread() {
	json_expect "$(smmctl -j pt walk pid $$ addr 0 len $user_len)" \
		'[.steps[] | select(.no_vma) | (.levels | length) == 0] | (length > 0 and all)' true
}
ktap_check "holes between VMAs are reported without reading a table" gap_unread

refused() { smm_refused "$@"; }
ktap_check "unknown pid" refused "no such process" smmctl pt walk pid 999999 addr 0x1000
ktap_check "kernel thread" refused "has no memory map" smmctl pt walk pid 2 addr 0x1000
ktap_check "non-canonical address" refused "not canonical" \
	smmctl pt walk pid $$ addr 0x8000000000000000
top=$(printf '%#x' $(((1 << va_bits) - 0x1000)))
ktap_check "length past the user half" refused "length runs past" \
	smmctl pt walk pid $$ addr "$top" len 0x2000
ktap_check "a user address as a kernel one" refused "not in the kernel half" \
	smmctl pt walk kernel addr 0x1000

# Unprivileged: their own process, flags and sizes only; not root's.
# shellcheck disable=SC2016 # $$ is the unprivileged shell's, then smmctl's own pid
user_sees_no_frames() {
	got=$(smm_unprivileged sh -c 'exec smmctl -j pt walk pid $$ addr 0 len '"$user_len" |
		jq -r '[(.steps | length > 0), ([.steps[] | has("pfn") or (.levels[] | has("entry"))] | any)] | join(" ")')
	[ "$got" = "true false" ] && return 0
	echo "expected 'true false' (steps seen, any frame or entry), saw '$got'"
	return 1
}
ktap_check "unprivileged: no frame numbers or raw entries" user_sees_no_frames
ktap_check "unprivileged: not another user's process" refused "not allowed" \
	smm_unprivileged smmctl pt walk pid 1 addr 0x1000

# The leaves mode: the runs of a process's whole user half, expanded page
# by page, are the pages of the per-level walk (start, frame, size, flags).
# shellcheck disable=SC2016 # jq's $vars
leaves_pages='[.runs[] | . as $r | range(0; $r.pages) |
	{a: ($r.addr + . * pow(2; $r.shift)), p: ($r.pfn + . * pow(2; $r.shift - 12)),
	 s: pow(2; $r.shift), f: ($r.flags | join(","))}]'
# shellcheck disable=SC2016
walk_pages='[.steps[] | select(.kind == "page") | (.addr % .size) as $o |
	{a: (.addr - $o), p: (.pfn - $o / 4096), s: .size, f: (.levels[-1].flags | join(","))}]'
leaves_equal_walk() {
	local a b n
	a=$(smmctl -j pt walk "$@" leaves | jq -c "$leaves_pages") || return 1
	b=$(smmctl -j pt walk "$@" | jq -c "$walk_pages") || return 1
	n=$(printf '%s' "$b" | jq length)
	ktap_print_msg "pt walk $*: $n pages, in $(smmctl -j pt walk "$@" leaves | jq '.runs | length') runs"
	[ "$n" -gt 0 ] || { echo "no page in the walk"; return 1; }
	[ "$a" = "$b" ] && return 0
	echo "runs expanded: $(printf '%s' "$a" | head -c 600)"
	echo "walk:          $(printf '%s' "$b" | head -c 600)"
	return 1
}
# a sleeping process: its tables stay as they are between the two walks
# (this shell's would not: each fork write-protects its pages)
sleep 60 &
sleeper=$!
sleep 1
ktap_check "leaves: a sleeping process's runs are its walk's pages" \
	leaves_equal_walk pid "$sleeper" addr 0 len "$user_len"
kill "$sleeper"

space_leaves() {
	local id ret=0
	id=$(smmctl -j space create | jq -r .id) || return 1
	smmctl space map "$id" addr 0x400000 pages 8 write user &&
	smmctl space map "$id" addr 0x40a000 pages 2 &&
	smmctl space map "$id" addr 0x600000 pages 1 size 2M write || ret=1
	[ $ret = 1 ] || leaves_equal_walk space "$id" addr 0 len 0x1000000 || ret=1
	# 8 writable pages, 2 read-only after a hole, one 2M page: 3 runs at least
	[ $ret = 1 ] || json_expect "$(smmctl -j pt walk space "$id" addr 0 len 0x1000000 leaves)" \
		'[.runs[].pages] | add' 11 || ret=1
	smmctl space destroy "$id"
	return $ret
}
ktap_check "leaves: a shadow space's runs are its walk's pages" space_leaves

# shellcheck disable=SC2016 # $$ is the unprivileged shell's
user_leaves_no_frames() {
	json_expect "$(smm_unprivileged sh -c 'exec smmctl -j pt walk pid $$ addr 0 len '"$user_len"' leaves')" \
		'[(.runs | length > 0), ([.runs[].pfn] | all(. == 0))] | join(" ")' "true true"
}
ktap_check "leaves, unprivileged: runs without frames" user_leaves_no_frames
ktap_check "leaves of the kernel's tables: CAP_SYS_ADMIN only" refused "CAP_SYS_ADMIN" \
	smm_unprivileged smmctl pt walk kernel addr 0xffffffff81000000 leaves

smm_unload
ktap_finished
