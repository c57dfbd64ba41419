#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# The reference module (shadowmm-ref.ko, built from another git ref by
# compare-output.sh) and this tree's, loaded in turn and driven into one
# state: every debugfs file the same bytes. Then smmctl and smmctl-ref
# (the same tool from that ref) against one module in one state: every read-only
# command, in text, -j and -p, as root and for a few as nobody, and the
# monitor's events, must print the same bytes to stdout and stderr and
# exit the same. Runs in the VM only when compare-output.sh puts it
# there (it is not one of the selftests).
# shellcheck source=../../../selftests/lib.sh # beside it in the VM's /selftests
. "$(dirname "$0")/lib.sh"

REF=${SMM_REF_SMMCTL:-smmctl-ref}
REF_KO=$(dirname "$0")/shadowmm-ref.ko
DBG=/sys/kernel/debug/shadowmm
A=/tmp/same.new B=/tmp/same.ref

ktap_header
for f in "$(command -v "$REF")" "$REF_KO"; do
	[ -f "$f" ] || { ktap_plan 1; ktap_fail "$REF and $REF_KO in the image" "not found"; ktap_finished; }
done
smm_unload
# one CPU for everything that follows: the per-CPU lists and slabs that
# the debugfs files show are then the same from one load to the next
taskset -p 1 $$ > /dev/null

# One state with something in every table: pages of two orders and
# zones, a cache with red zones and poison and live objects, a space
# with four pages mapped.
setup() {
	smmctl page alloc order 3 count 4 &&
	smmctl page alloc order 0 zone DMA32 type Unmovable count 3 &&
	smmctl cache create same-a size 200 red_zone poison &&
	smmctl obj alloc same-a count 5 &&
	space=$(smmctl -j space create | jq -r .id) &&
	smmctl space map "$space" addr 0x400000 pages 4
} > /dev/null

# debugfs_state KO DIR: KO loaded, the state set up and checked, every
# debugfs file copied to DIR, those of a subdirectory as DIR/SUB.FILE
# (vm/, fail_page_alloc/, failslab/); the numbers that differ from one
# load to the next masked: lock_holds' times and pt_kbuf's addresses.
# The module stays loaded.
debugfs_state() {
	local f r
	mkdir -p "$2"
	insmod "$1" base=0x10000000 size=64M 2> $A.err && setup 2>> $A.err &&
		smmctl check > /dev/null 2>> $A.err || return 1
	for f in $(find "$DBG" -type f | sort); do
		r=${f#"$DBG"/}
		cat "$f" > "$2/$(echo "$r" | tr / .)" 2>> $A.err || return 1
	done
	if [ -f "$2/lock_holds" ]; then
		awk 'NR > 1 { $3 = "ns"; $4 = "ns" } { print }' "$2/lock_holds" > "$2/lock_holds.m" &&
			mv "$2/lock_holds.m" "$2/lock_holds" || return 1
	fi
	# every address, the physical ones too, which have 7 digits as often as 8
	[ ! -f "$2/pt_kbuf" ] || sed -i 's/ \(0x\)\{0,1\}[0-9a-f]\{1,\}/ ADDR/g' "$2/pt_kbuf"
}

if ! { debugfs_state "$REF_KO" $B.dbg && smm_unload && debugfs_state "$SMM_KO" $A.dbg; }; then
	ktap_plan 1; ktap_fail "setting up the state" "$(cat $A.err)"; ktap_finished
fi

# same [-u] ARGS...: both tools, their outputs and exit codes compared
# (-u: as nobody). The diff, if any, is the failure's reason. $want says
# how the command must end ("exit 0", or another for the refusals), so
# that two tools failing alike cannot pass for a command meant to work.
same() {
	local as=
	[ "$1" = -u ] && { as=smm_unprivileged; shift; }
	$as smmctl "$@" > $A 2>&1; echo "exit $?" >> $A
	$as "$REF" "$@" > $B 2>&1; echo "exit $?" >> $B
	if ! cmp -s $A $B; then
		ktap_fail "smmctl $*${as:+ (nobody)}" "$(diff $B $A | head -n 40)"
	else
		# shellcheck disable=SC2254 # $want is a pattern
		case "$(tail -n 1 $A)" in
		$want) ktap_pass "smmctl $*${as:+ (nobody)}" ;;
		*) ktap_fail "smmctl $*${as:+ (nobody)}" "the same, but not $want:" "$(tail -n 5 $A)" ;;
		esac
	fi
}

set -- "info" "info show" "section show" "zone show" "zone show DMA32" "zone show Normal" \
	"frame show" "frame show 4096 64" "cache show" "cache show same-a" "cache show kmalloc-64" \
	"check" "space show" "space translate $space addr 0x400000" \
	"pt walk space $space addr 0x400000" "pt walk space $space addr 0x3ff000 len 0x6000"
refused="zone show Foo|frame show x|cache show none-such|space translate 999 addr 0|pt walk space 999 addr 0"
unpriv="info|section show|zone show|pt walk space $space addr 0x400000"
ktap_plan $((($# + 5 + 4) * 3 + 2 + 1 + $(ls $B.dbg | wc -l)))

# The debugfs files of the reference module and of this tree's, one
# state each: every file of the reference still there, with the same
# bytes. Files the tree added since are named, not compared.
gone= added=
for f in "$B.dbg"/*; do [ -f "$A.dbg/${f##*/}" ] || gone="$gone ${f##*/}"; done
for f in "$A.dbg"/*; do [ -f "$B.dbg/${f##*/}" ] || added="$added ${f##*/}"; done
if [ -z "$gone" ]; then
	ktap_pass "every debugfs file of the reference is there${added:+ (new since:$added)}"
else
	ktap_fail "every debugfs file of the reference is there" "gone:$gone"
fi
for f in "$B.dbg"/*; do
	if cmp -s "$f" "$A.dbg/${f##*/}"; then
		ktap_pass "debugfs ${f##*/}"
	else
		ktap_fail "debugfs ${f##*/}" "$(diff "$f" "$A.dbg/${f##*/}" 2>&1 | head -n 40)"
	fi
done
want="exit 0"
for cmd in "$@"; do
	for opt in "" -j -p; do
		# shellcheck disable=SC2086 # the words of a command
		same $opt $cmd
	done
done
want="exit [1-9]*"
IFS='|'
for cmd in $refused; do
	IFS=' '
	for opt in "" -j -p; do
		# shellcheck disable=SC2086
		same $opt $cmd
	done
	IFS='|'
done
want="exit 0"
IFS='|'
for cmd in $unpriv; do
	IFS=' '
	for opt in "" -j -p; do
		# shellcheck disable=SC2086
		same -u $opt $cmd
	done
	IFS='|'
done
IFS=' '

# The monitor: both listen to the same events (two, caused by a page
# allocation and its free a second apart).
for opt in "" -j; do
	# shellcheck disable=SC2086 # no option is no word
	timeout 15 smmctl $opt monitor count 2 > $A.mon 2>&1 &
	new=$!
	# shellcheck disable=SC2086
	timeout 15 "$REF" $opt monitor count 2 > $B.mon 2>&1 &
	ref=$!
	sleep 1
	h=$(smmctl page alloc order 2)
	sleep 1.5
	smmctl page free "$h" > /dev/null
	wait $new; echo "exit $?" >> $A.mon
	wait $ref; echo "exit $?" >> $B.mon
	if cmp -s $A.mon $B.mon && grep -q "^seq\|\"seq\"" $A.mon; then
		ktap_pass "smmctl $opt monitor count 2"
	else
		ktap_fail "smmctl $opt monitor count 2" "$(diff $B.mon $A.mon | head -n 40)" \
			"$(head -n 5 $A.mon)"
	fi
done
smm_unload
ktap_finished
