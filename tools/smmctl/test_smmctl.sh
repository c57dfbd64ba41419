#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smmctl's command line, without a module: help at every level, prefix
# matching, unknown words, options, exit codes, and the message when the
# shadowmm family is not there. TAP output; exit 1 on any failure.
#
#   test_smmctl.sh [SMMCTL]     (default: the smmctl next to this script)

SMMCTL=${1:-$(dirname "$0")/smmctl}
OUT=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT

. "$(dirname "$0")/../../selftests/ktap.sh"

ok() { ktap_pass "$1"; }
not_ok() {
	_name=$1
	shift
	ktap_fail "$_name" "$@" "$(sed 's/^/stdout: /' "$OUT")" "$(sed 's/^/stderr: /' "$ERR")"
}

# run ARGS...: smmctl's exit code in $rc, its output in $OUT and $ERR
run() {
	"$SMMCTL" "$@" > "$OUT" 2> "$ERR"
	rc=$?
}

# expect NAME RC STDOUT-GREP STDERR-GREP -- ARGS...: '' skips a check,
# '-' wants the stream empty
expect() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	run "$@"
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$name" "smmctl $*: expected exit $want_rc, saw $rc"
	elif [ "$want_out" = - ] && [ -s "$OUT" ]; then
		not_ok "$name" "smmctl $*: expected nothing on stdout"
	elif [ -n "$want_out" ] && [ "$want_out" != - ] && ! grep -qF -- "$want_out" "$OUT"; then
		not_ok "$name" "smmctl $*: expected \"$want_out\" on stdout"
	elif [ "$want_err" = - ] && [ -s "$ERR" ]; then
		not_ok "$name" "smmctl $*: expected nothing on stderr"
	elif [ -n "$want_err" ] && [ "$want_err" != - ] && ! grep -qxF -- "$want_err" "$ERR"; then
		not_ok "$name" "smmctl $*: expected the line \"$want_err\" on stderr"
	else
		ok "$name"
	fi
}

# same_output NAME ARGS1 -- ARGS2: both print the same stdout and exit code
same_output() {
	name=$1
	shift
	a=""
	while [ "$1" != -- ]; do a="$a $1"; shift; done
	shift
	# shellcheck disable=SC2086 # word splitting is the point
	run $a
	rc_a=$rc
	out_a=$(cat "$OUT")
	run "$@"
	if [ "$rc" -eq "$rc_a" ] && [ "$(cat "$OUT")" = "$out_a" ]; then
		ok "$name"
	else
		not_ok "$name" "smmctl$a and smmctl $* differ (exit $rc_a and $rc)"
	fi
}

NOFAM="Error: shadowmm: generic netlink family not found (is shadowmm.ko loaded?)"

ktap_header
ktap_plan 62

expect "help lists the objects" 0 "where  OBJECT := { info | section | zone" - -- help
expect "-h is help" 0 "Usage: smmctl [ OPTIONS ] OBJECT" - -- -h
expect "--help is help" 0 "OPTIONS := { -j[son]" - -- --help
expect "no object: usage on stderr, exit 1" 1 - "       smmctl help" --
expect "-V prints the version" 0 "smmctl 0.1.0" - -- -V
expect "unknown option: exit 1" 1 - "" -- -x info
expect "unknown object" 1 - 'Command "bogus" not found, try "smmctl help".' -- bogus
expect "unknown command of an object" 1 - \
	'Command "bogus" not found, try "smmctl info help".' -- info bogus
expect "an empty word matches nothing" 1 - 'Command "" not found, try "smmctl help".' -- ""
expect "longer than any name" 1 - 'Command "infos" not found, try "smmctl help".' -- infos
expect "info help" 0 "Usage: smmctl info [ COMMAND [ ARGS ] ]" - -- info help
expect "help of one command" 0 "Usage: smmctl page alloc order N" - -- page alloc help
expect "its table's notes too" 0 "ZONE := { DMA | DMA32 | Normal | HighMem }" - -- page alloc help
same_output "prefix: inf = info" info help -- inf help
same_output "prefix: i s = info show" info show help -- i s help
same_output "prefix: sec sh = section show" section show help -- sec sh help
expect "show takes no arguments" 1 - \
	'Error: unexpected argument "extra", try "smmctl info show help".' -- info show extra
expect "bad number" 1 - 'Error: invalid start "12x"' -- frame show 12x
expect "pt walk help" 0 "Usage: smmctl pt walk { pid PID | kernel | space ID } addr ADDR" - -- \
	pt walk help
expect "space notes" 0 "SIZE := { 4K | 2M | 1G }" - -- space map help
same_output "vmstat show help: its usage, not a counter named help" vmstat help -- vmstat show help
expect "pt walk needs an address" 1 - \
	"Error: usage: smmctl pt walk { pid PID | kernel | space ID } addr ADDR [ len LEN ] [ leaves ]" -- \
	pt walk pid 1
expect "pid 0 is refused" 1 - 'Error: invalid pid "0"' -- pt walk pid 0 addr 0x1000
expect "space id out of range" 1 - "Error: space id is 1 to 64" -- space destroy 65
expect "levels 4 or 5" 1 - "Error: levels is 4 or 5" -- space create levels 3
expect "unknown page size" 1 - 'Error: unknown page size "3M" (4K, 2M or 1G)' -- \
	space map 1 addr 0 pages 1 size 3M
if "$SMMCTL" help > /dev/full 2> "$ERR"; then
	not_ok "a write error is an error" "smmctl help > /dev/full: exit 0"
elif ! grep -q "^Error: writing the output" "$ERR"; then
	not_ok "a write error is an error" "smmctl help > /dev/full: no error message"
else
	ok "a write error is an error"
fi

if [ -d /sys/module/shadowmm ]; then
	for t in 27 28 29 30 31; do echo "ok $t family not found # SKIP shadowmm is loaded"; done
	n=31
else
	expect "info: family not found, exit 1" 1 - "$NOFAM" -- info
	expect "-j info: stdout is still JSON" 1 "{}" "$NOFAM" -- -j info
	expect "-j -p info: the same" 1 "{}" "$NOFAM" -- -j -p info
	expect "no command means show" 1 - "$NOFAM" -- section
	expect "prefix reaches the command" 1 - "$NOFAM" -- inf sh
fi

expect "cache help lists its commands" 0 \
	"where  COMMAND := { show | create | destroy | shrink | validate | drop | tune }" - -- cache help
expect "obj corrupt help names the kinds" 0 "KIND := { redzone | after_free | freelist }" - \
	-- obj corrupt help
same_output "prefix: ca cr = cache create" cache create help -- ca cr help
expect "cache create needs a size" 1 - \
	"Error: size is required: smmctl cache create NAME size N" -- cache create x
expect "cache create: size out of range" 1 - "Error: size is 1 to 8192 bytes" -- \
	cache create x size 8193
expect "cache create: unknown flag" 1 - \
	'Error: unexpected argument "bogus", try "smmctl cache create help".' -- \
	cache create x size 8 bogus
expect "cache destroy: only force may follow" 1 - \
	"Error: usage: smmctl cache destroy NAME [ force ]" -- cache destroy x now
expect "obj alloc: count out of range" 1 - "Error: count is 1 to 4096" -- obj alloc x count 0
expect "obj corrupt: unknown kind" 1 - \
	'Error: unknown corruption "zap" (redzone, after_free or freelist)' -- obj corrupt x 0x1 zap
expect "zone show help names the boost and free_factor" 0 \
	"show [ ZONE ]      sizes, free areas, watermarks and boost, pcp free_factor, counters" - \
	-- zone help
expect "monitor help" 0 "Usage: smmctl monitor [ count N ]" - -- monitor help
expect "monitor: count 0 refused" 1 - "Error: count must be at least 1" -- monitor count 0
expect "monitor: a word after the count" 1 - \
	'Error: unexpected argument "x", try "smmctl monitor help".' -- monitor count 1 x
expect "space run: zipf's exponent above 4.00 refused" 1 - \
	'Error: zipf exponent "4.01" is not 0.01-4.00 (at most two decimals)' -- \
	space run 1 pattern zipf 4.01 rate 10
expect "space run: zipf's exponent has two decimals at most" 1 - \
	'Error: zipf exponent "0.995" is not 0.01-4.00 (at most two decimals)' -- \
	space run 1 pattern zipf 0.995 rate 10
expect "file show: an id out of range" 1 - 'Error: file id "17" is not 1-16' -- file show 17
expect "file open: ra out of range" 1 - 'Error: readahead pages "1025" is not 0-1024' -- \
	file open /tmp ra 1025
expect "file open: only ra may follow the path" 1 - \
	"Error: usage: smmctl file open PATH [ ra PAGES ]" -- file open /tmp now 1
expect "file read: offset and len are required" 1 - \
	"Error: usage: smmctl file read ID offset O len L [ -o OUT ]" -- file read 1 offset 0
expect "file read: an unknown word" 1 - \
	'Error: unexpected argument "size", try "smmctl file read help".' -- \
	file read 1 size 4 len 1
expect "fault set: probability out of range, named" 1 - \
	'Error: invalid probability "101": 0 to 100' -- fault set page probability 101
expect "fault set: times below -1, named" 1 - 'Error: invalid times "-2": -1 to 2147483647' -- \
	fault set slab times -2
expect "fault set: min-order is fail_page_alloc's" 1 - \
	"Error: min-order is not a setting of failslab" -- fault set slab min-order 1
expect "fault set: a switch is on or off" 1 - 'Error: invalid cache-filter "yes": on or off' -- \
	fault set slab cache-filter yes
expect "fault show: an unknown target" 1 - \
	'Error: unknown fault injection target "disk", try "page" or "slab".' -- fault show disk
printf '# tracer: nop\n  sh-1 [000] ..... 1.000001: kfree: call_site=f+0x1/0x2 ptr=00000000000000a0\n  sh-1 [000] ..... 1.000002: mm_page_free: page=0 pfn=0x10\n' > "$OUT.trace"
expect "trace help" 0 "replay FILE [ pages | objects | all ] [ cache-policy POLICY ] [ limit N ]" - \
	-- trace help
expect "trace replay: a malformed line refused with its number, before any request" 1 - \
	"Error: $OUT.trace:3: no order=NUMBER; nothing replayed" -- trace replay "$OUT.trace"
expect "trace replay: a file that is not there" 1 - \
	"Error: /nonexistent/trace: No such file or directory" -- trace replay /nonexistent/trace
expect "trace replay: an unknown policy" 1 - "Error: cache-policy is slub, slab or slob" -- \
	trace replay "$OUT.trace" cache-policy slib
expect "trace replay: limit 0 refused" 1 - "Error: limit is a number of events, at least 1" -- \
	trace replay "$OUT.trace" limit 0
rm -f "$OUT.trace"

ktap_finished
