#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smmctl.bash-completion in bash, without a module: COMP_WORDS and
# COMP_CWORD set by hand, _smmctl run, COMPREPLY compared. TAP output;
# exit 1 on any failure.
#
#   test_completion.sh [SMMCTL]     (default: the smmctl next to this script)
#
# The module's names come from a stand-in smmctl (FAKE below) that prints
# `smmctl -j zone|cache|space show' JSON as smmctl prints it; the real
# smmctl, with no module on the host, must give nothing and print
# nothing. Every object of `smmctl help' and command of `smmctl OBJECT
# help' must be offered, so the completion cannot fall behind the tool.

DIR=$(cd "$(dirname "$0")" && pwd)
SMMCTL=${1:-$DIR/smmctl}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$DIR/../../selftests/ktap.sh"
. "$DIR/smmctl.bash-completion"

# A module with zones DMA, DMA32, Normal, caches kmalloc-8, kmalloc-16 and
# "demo" (a flag array after each name, as cache.c prints), spaces 1 and
# 3, and three vmstat counters.
FAKE=$TMP/smmctl
cat > "$FAKE" <<'EOS'
#!/bin/sh
[ "$1" = -j ] || exit 1
case "$2 $3" in
"zone show") echo '{"zones":[{"id":0,"name":"DMA","managed":4096},{"id":1,"name":"DMA32","managed":8192},{"id":2,"name":"Normal","managed":4096}]}' ;;
"cache show") echo '{"caches":[{"name":"kmalloc-8","id":0,"flags":["hardened"]},{"name":"kmalloc-16","id":1,"flags":[]},{"name":"demo","id":7,"flags":["red_zone"]}]}' ;;
"vmstat ") echo '{"nr_free_pages":100,"pgalloc_dma32":7,"pgfree":3}' ;;
"space show") echo '{"spaces":[{"id":1,"levels":4,"frames":3,"tables":{"PGD":1},"mapped":{"4K":2}},{"id":3,"levels":5,"frames":1,"tables":{"PGD":1},"mapped":{"4K":0}}]}' ;;
*) exit 1 ;;
esac
EOS
chmod +x "$FAKE"

# complete LINE: COMPREPLY for LINE (the last word the one completed; a
# line ending in a space completes an empty word), sorted, one line
complete_line() {
	local line=$1
	read -ra COMP_WORDS <<< "$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=(unset)
	_smmctl
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect NAME LINE WANT: LINE completes to WANT (words sorted as `sort')
expect() {
	local got
	got=$(complete_line "$2")
	if [[ $got == "$3" ]]; then
		ktap_pass "$1"
	else
		ktap_fail "$1" "line: '$2'" "want: '$3'" "got:  '$got'"
	fi
}

# sorted WORDS...: the words as complete_line prints them
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }

ktap_header
ktap_plan 83

registered() { [[ $(complete -p smmctl) == "complete -F _smmctl smmctl" ]]; }
ktap_check "complete -F _smmctl smmctl" registered
expect "objects" "smmctl " \
	"$(sorted info section zone page frame cache obj check reset pt space swap reclaim vm fault file trace replay range cma compact vmstat monitor stats help)"
expect "options" "smmctl -" \
	"$(sorted -j -p -P -V -h --json --pretty --prometheus --replay --version --help)"
expect "an object after options" "smmctl -j -p ca" "cache"
expect "range's commands" "smmctl range " "$(sorted show offline online help)"
expect "cma's commands" "smmctl cma " "$(sorted show alloc free help)"
expect "cma alloc's align after COUNT" "smmctl cma alloc 512 " "align"
expect "cache's commands" "smmctl cache " "$(sorted show create destroy shrink validate drop tune help)"
expect "frame show's owner and svg" "smmctl frame show " "$(sorted owner svg help)"
expect "frame show START COUNT: svg" "smmctl frame show 0 4096 " "svg"
expect "frame show svg FILE: scale" "smmctl frame show svg $TMP/map.svg " "scale"
expect "frame show svg's scales" "smmctl frame show 0 svg x.svg scale " "$(sorted frame pageblock)"
expect "zone's commands" "smmctl zone " "$(sorted show history help)"
expect "zone history's keywords, a used one not again" "smmctl zone history count 5 " \
	"$(sorted interval svg)"
expect "frame show owner by prefix" "smmctl frame show o" "owner"
expect "prefixes resolve (pa al)" "$FAKE pa al order 2 " \
	"$(sorted zone type count dma dma32 movable reclaimable zero high reserve atomic noretry highmem)"
expect "page alloc's first keyword" "$FAKE page alloc " "order"
expect "used keywords not offered again" "$FAKE page alloc order 2 zone Normal movable " \
	"$(sorted type count dma dma32 reclaimable zero high reserve atomic noretry highmem)"
expect "migratetypes after type" "$FAKE page alloc order 0 type M" "Movable"
expect "zone names from the module" "$FAKE page alloc order 0 zone " "$(sorted DMA DMA32 Normal)"
expect "zone names by prefix" "$FAKE zone show DMA" "$(sorted DMA DMA32)"
expect "cache names from the module" "$FAKE cache destroy k" "$(sorted kmalloc-16 kmalloc-8)"
expect "force after the name" "$FAKE cache destroy demo " "force"
expect "cache tune: the words not given yet" "$FAKE cache tune demo limit 8 " "$(sorted batch shared)"
expect "cache create's keywords" "$FAKE cache create c size 64 " \
	"$(sorted align policy hwcache_align red_zone poison store_user reclaim_account hardened failslab)"
expect "slab policies" "$FAKE cache create c size 64 policy " "$(sorted slub slab slob)"
expect "obj alloc's keywords" "$FAKE obj alloc demo " "$(sorted count cached)"
expect "corrupt's KIND" "$FAKE obj corrupt demo 0x100000001 " "$(sorted after_free freelist redzone)"
expect "space ids from the module" "$FAKE space map " "$(sorted 1 3 help)"
expect "fork's space id" "$FAKE space fork " "$(sorted 1 3 help)"
expect "fork takes one id" "$FAKE space fork 1 " ""
expect "map's keywords" "$FAKE space map 1 addr 0x400000 pages 2 " \
	"$(sorted size write user exec global none)"
expect "sizes" "$FAKE space map 1 addr 0x400000 pages 2 size " "$(sorted 1G 2M 4K)"
expect "mmap's prot" "$FAKE space mmap 3 addr 0 len 4096 prot " "$(sorted rw- r-- r-x rwx ---)"
expect "mmap's keywords" "$FAKE space mmap 3 addr 0 len 4096 " \
	"$(sorted prot file offset private shared)"
expect "private or shared once" "$FAKE space mmap 3 addr 0 len 4096 file 1 shared " \
	"$(sorted prot offset)"
expect "space ids in pt walk" "$FAKE pt walk space " "$(sorted 1 3)"
expect "stats show's words" "smmctl stats show " "$(sorted prometheus output help)"
touch "$TMP/shadowmm.prom"
expect "a file after output" "smmctl stats show prometheus output $TMP/shadowm" "$TMP/shadowmm.prom"
expect "zone history svg: a file" "smmctl zone history svg $TMP/shadowm" "$TMP/shadowmm.prom"
expect "-P: stats show's words" "smmctl -P " "$(sorted prometheus output help)"
expect "a file after --replay, then the objects" "smmctl --replay $TMP/shadowmm.prom i" "info"
expect "vmstat counters from the module" "$FAKE vmstat " \
	"$(sorted nr_free_pages pgalloc_dma32 pgfree show help)"
expect "vmstat counters not given again" "$FAKE vmstat show pgfree pg" "pgalloc_dma32"
expect "swap's commands" "smmctl swap " "$(sorted show on off help)"
expect "vm's commands" "smmctl vm " "$(sorted show set help)"
expect "vm show's names, not given again" "smmctl vm show swappiness " \
	"$(sorted min_free_kbytes watermark_scale_factor extfrag_threshold compaction_proactiveness \
		percpu_pagelist_high_fraction)"
expect "vm set: no word for a value" "smmctl vm set swappiness " ""
expect "vm set: the next name" "smmctl vm set swappiness 0 w" "watermark_scale_factor"
expect "fault's commands" "smmctl fault " "$(sorted show set help)"
expect "fault set: the targets" "smmctl fault set " "$(sorted page slab help)"
expect "fault set page: its settings, not given again" "smmctl fault set page probability 10 " \
	"$(sorted interval times space verbose seed ignore-gfp-wait min-order ignore-gfp-atomic zone)"
expect "fault set slab: cache-filter, no min-order" "smmctl fault set slab c" "cache-filter"
expect "fault set: on or off for a switch" "smmctl fault set page ignore-gfp-wait " \
	"$(sorted on off)"
expect "fault set page zone: the module's zones, or any" "$FAKE fault set page zone " \
	"$(sorted DMA DMA32 Normal any)"
expect "swap on's keyword" "smmctl swap on " "$(sorted size help)"
expect "file's commands" "smmctl file " "$(sorted show open read close sync help)"
expect "file sync: help before its id" "smmctl file sync " "help"
expect "a path after file open" "smmctl file open $TMP/shadowm" "$TMP/shadowmm.prom"
expect "file open's ra after the path" "smmctl file open /tmp/x " "ra"
expect "file read's keywords, offset given" "smmctl file read 1 offset 0 " "$(sorted len -o)"
expect "a file after file read's -o" "smmctl file read 1 offset 0 len 4096 -o $TMP/shadowm" "$TMP/shadowmm.prom"
expect "trace's commands" "smmctl trace " "$(sorted replay help)"
expect "a file after trace replay" "smmctl trace replay $TMP/shadowm" "$TMP/shadowmm.prom"
expect "trace replay's words after the file" "smmctl trace replay /tmp/t " \
	"$(sorted pages objects all cache-policy limit speed)"
expect "a file after replay" "smmctl replay $TMP/shadowm" "$TMP/shadowmm.prom"
expect "replay's speeds" "smmctl replay /tmp/t all speed " "$(sorted fast recorded x2)"
expect "replay: speed given once, a mode once" "smmctl replay /tmp/t speed x2 objects " \
	"$(sorted cache-policy limit)"
expect "trace replay: a mode once, the policies" "smmctl trace replay /tmp/t pages cache-policy " \
	"$(sorted slub slab slob)"
expect "pageout's keywords" "$FAKE space pageout 1 addr 0x400000 " "len"
expect "pin's keywords, addr and len given" "$FAKE space pin 1 addr 0x400000 len 4096 " "$(sorted write longterm)"
expect "unpin's keywords" "$FAKE space unpin 1 addr 0x400000 " "len"
expect "set's keyword" "$FAKE space set 3 " "oom_score_adj"
expect "nothing after set's value" "$FAKE space set 3 oom_score_adj -1000 " ""
expect "run's keywords, pattern given" "$FAKE space run 1 pattern seq " "$(sorted rate write for)"
expect "run's patterns" "$FAKE space run 1 pattern " "$(sorted seq random hot-cold zipf)"
expect "run's keywords after zipf's exponent" "$FAKE space run 1 pattern zipf 1.2 " "$(sorted rate write for)"
expect "pt walk's keywords, leaves once" "$FAKE pt walk space 1 addr 0 leaves " "$(sorted len)"
expect "compact's keywords" "smmctl compact " "$(sorted zone order help)"
expect "compact: zone names from the module" "$FAKE compact order 9 zone " "$(sorted DMA DMA32 Normal)"
expect "compact: a keyword not given again" "$FAKE compact zone Normal " "order"

# no module: nothing offered, nothing printed (stderr included)
nomod() {
	local out
	out=$(complete_line "$SMMCTL cache show " 2>&1)
	[[ $out == "help" ]] || { echo "cache show: '$out'"; return 1; }
	out=$(complete_line "$SMMCTL page alloc order 0 zone " 2>&1)
	[[ -z $out ]] || { echo "zone: '$out'"; return 1; }
}
ktap_check "no module: no names, no messages" nomod

# every object and command of smmctl's help is offered
all_offered() {
	local obj cmd cmds want got have bad=0
	want=$("$SMMCTL" help | sed -n 's/^where  OBJECT := { \(.*\) }$/\1/p' | tr -d '|')
	[[ -n $want ]] || { echo "no objects in smmctl help"; return 1; }
	got=" $(complete_line "$SMMCTL ") "
	for obj in $want; do
		[[ $got == *" $obj "* ]] || { echo "object $obj not offered"; bad=1; }
		cmds=$("$SMMCTL" "$obj" help | sed -n 's/^where  COMMAND := { \(.*\) }$/\1/p' | tr -d '|')
		[[ -n $cmds ]] || continue
		have=" $(complete_line "$SMMCTL $obj ") "
		for cmd in $cmds; do
			[[ $have == *" $cmd "* ]] || { echo "command $obj $cmd not offered"; bad=1; }
		done
	done
	return $bad
}
ktap_check "every object and command of smmctl's help offered" all_offered
ktap_finished
