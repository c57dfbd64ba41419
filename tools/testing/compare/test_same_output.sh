#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# smmctl and smmctl-ref (the same tool built from another git ref, see
# compare-output.sh) against one module in one state: every read-only
# command, in text, -j and -p, as root and for a few as nobody, and the
# monitor's events, must print the same bytes to stdout and stderr and
# exit the same. Runs in the VM only when compare-output.sh puts it
# there (it is not one of the selftests).
# shellcheck source=../../../selftests/lib.sh # beside it in the VM's /selftests
. "$(dirname "$0")/lib.sh"

REF=${SMM_REF_SMMCTL:-smmctl-ref}
A=/tmp/same.new B=/tmp/same.ref

ktap_header
command -v "$REF" > /dev/null || { ktap_plan 1; ktap_fail "$REF in the image" "not found"; ktap_finished; }
smm_unload
smm_load_or_fail base=0x10000000 size=64M

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
setup 2> $A.err || { ktap_plan 1; ktap_fail "setting up the state" "$(cat $A.err)"; ktap_finished; }

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
ktap_plan $((($# + 5 + 4) * 3 + 2))
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
