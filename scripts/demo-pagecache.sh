#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of `make demo`'s page-cache scenario (scripts/demo.sh
# pagecache): a real file read through the shadow page cache, then
# memory pressure with swappiness 0 and 200, each stage as smmtop's batch
# mode shows it (PRESSURE: and SPACES:, then PAGECACHE: and FILES:, the
# second of two snapshots 0.25 s apart, so the counters have rates; a
# RECLAIM: line from smmctl vmstat adds pgsteal_anon, pgsteal_file and
# pswpout). vm.sh demo pagecache copies this file to /selftests/ and
# guest-init runs it (smm.mode=demo). Interactively, smmtop's 'F' shows
# the same panel.
#
#   0  the module on 64 MiB, swap on 16 MiB; a file of 5/8 of the free
#      memory (whole MiB of random bytes) made in the guest's tmpfs
#   1  the file opened and read whole, sequentially (32 KiB requests):
#      every page cached, its bytes the file's (SHA-256), the readahead
#      window grown to its maximum (32 pages), only the first request's
#      pages missed (at most 8: the rest came read ahead)
#   2  read again: every page a hit, no miss, every page active
#      (Active(file) = Cached); the file closed (its pages dropped)
#   3  swappiness 0: a space writes anonymous pages, half the free
#      memory, then the file is opened and read whole again: the read
#      needs more than is free, and reclaim drops file pages (the file's
#      own, read once) and swaps nothing (pswpout unchanged, the space's
#      SWAP_KB 0); cleaned up
#   4  swappiness 200, the same: reclaim pushes the space's anonymous
#      pages to swap (pswpout grows, its SWAP_KB > 0) and the file keeps
#      more pages cached than with swappiness 0
#
# Every claim is checked: a stage waits at most SMM_DEMO_STAGE_SECONDS
# (20) for its sign in the snapshot, the claims made from smmctl's
# replies (the read's hits and misses, the bytes) are checked where they
# are made; one that does not hold is named after
# "==== SMM DEMO FAILED ====" and vm.sh demo exits 1. About 50 s under
# TCG on the 6.1 generic kernel, from the module's load to the end
# (Documentation/pagecache.md, "The demo").
# shellcheck disable=SC2016 # the SIGN_ programs: awk's $, not the shell's
. /selftests/lib.sh

# shellcheck disable=SC2034 # read by smm_demo_stage (lib.sh)
STAGE_SECONDS=${SMM_DEMO_STAGE_SECONDS:-20}
A=0x40000000
DATA=/tmp/demo-pagecache.data
OUT=/tmp/demo-pagecache.out
missed=""

# snapshot: smmtop's view now, the second of two batch snapshots 0.25 s
# apart: PRESSURE: and SPACES:, PAGECACHE: and FILES:; then RECLAIM:,
# the reclaim counters smmtop does not show
snapshot() {
	smmtop -b -n 2 -d 0.25 | awk '
		/^smmtop - / { n++ }
		n < 2 { next }
		/^(PRESSURE|SPACES|PAGECACHE|FILES):/ { show = 1 }
		/^(ZONE|FREE AREA|FRAME MAP|SLABS|EVENTS|COMPACTION)/ { show = 0 }
		show'
	smmctl -j vmstat | jq -r '"RECLAIM: pgsteal_anon \(.pgsteal_anon) pgsteal_file \(.pgsteal_file) pswpout \(.pswpout)"'
}

# claim TEXT CMD...: CMD must succeed; said either way, a failure added to $missed
claim() {
	_what=$1
	shift
	if _why=$("$@" 2>&1); then
		echo "# holds: $_what"
	else
		echo "# DOES NOT HOLD: $_what: $_why"
		missed="$missed, $_what"
	fi
}

# The stages' signs, read in a snapshot on stdin (awk exits 0 when seen).
# FILES: rows are ID SIZE_KB CACHED HIT_PCT RA_NOW RA_MAX DIRTY WRITTEN MAPPED PATH.
# the file (-v path) whole in the cache (-v pages), its window at its maximum, 32:
SIGN_RA_MAX='$NF == path && $3 == pages && $5 == 32 && $6 == 32 { f = 1 } END { exit !f }'
# every cached page active (read twice):
SIGN_ALL_ACTIVE='$1 == "Cached:" { c = $2 } $1 == "Active(file):" { a = $2 }
	END { exit !(c > 0 && a == c) }'
# pswpout as it was (-v p0), the file not wholly cached: file pages dropped, nothing swapped
SIGN_FILE_DROPPED='$1 == "RECLAIM:" && $7 == p0 && $5 > f0 { a = 1 } $NF == path && $3 < pages { b = 1 }
	END { exit !(a && b) }'
# pswpout grown (-v p0), the space (-v sid) with pages in swap (SPACES: ID RSS_KB SWAP_KB ...)
SIGN_ANON_SWAPPED='$1 == "RECLAIM:" && $7 > p0 { a = 1 } $1 == sid && NF == 5 && $3 > 0 { b = 1 }
	END { exit !(a && b) }'

sha() { sha256sum "$1" | cut -d' ' -f1; }
vmstat_of() { smmctl -j vmstat | jq -r ".$1"; }
cached_of() { smmctl -j file show "$1" | jq -r '.files[0].pages'; }

# press SWAPPINESS: a space writing $anon pages at A, then the file read
# whole through the cache; prints the space's id and the file's
press() {
	smmctl vm set swappiness "$1" > /dev/null &&
		_s=$(smmctl -j space create | jq -r .id) &&
		smmctl space mmap "$_s" addr $A len $((anon * 4096)) > /dev/null &&
		smmctl space access "$_s" addr $A len $((anon * 4096)) write > /dev/null &&
		_f=$(smmctl -j file open $DATA | jq -r .id) &&
		smmctl file read "$_f" offset 0 len $((pages * 4096)) > /dev/null &&
		echo "$_s $_f"
}

smm_unload
smm_load base="$SMM_BASE" size=64M || { echo "insmod failed"; exit 1; }
smmctl swap on size 16M
free=$(smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add')
mib=$((free * 5 / 8 / 256))
pages=$((mib * 256))
anon=$((free / 2))
dd if=/dev/urandom of=$DATA bs=1M count=$mib 2> /dev/null
echo "# shadowmm on 64 MiB at $SMM_BASE: $free pages free; swap on 16 MiB"
echo "# $DATA: $mib MiB of random bytes ($pages pages) in the guest's tmpfs"
smm_demo_stage "0. idle: nothing cached, swap on" 'BEGIN { exit 0 }'

id=$(smmctl -j file open $DATA | jq -r .id)
echo
echo "# smmctl file open $DATA: file $id"
echo "# smmctl file read $id offset 0 len $((pages * 4096)) -o $OUT"
rd=$(smmctl -j file read "$id" offset 0 len $((pages * 4096)) -o $OUT)
echo "# the read: $(printf '%s' "$rd" | jq -r '"\(.misses) misses, \(.hits) hits (\(.ra_hits) read ahead)"')"
claim "the bytes read are the file's (SHA-256)" test "$(sha $OUT)" = "$(sha $DATA)"
claim "only the first request missed (at most 8 pages), the rest read ahead" json_expect "$rd" \
	'.misses <= 8 and .hits + .misses == '$pages' and .ra_hits == .hits' true
rm -f $OUT
smm_demo_stage "1. a large sequential read: every page cached, readahead's window at its maximum" \
	"$SIGN_RA_MAX" -v path=$DATA -v pages=$pages

echo
echo "# smmctl file read $id offset 0 len $((pages * 4096)) (again)"
rd=$(smmctl -j file read "$id" offset 0 len $((pages * 4096)))
echo "# the read: $(printf '%s' "$rd" | jq -r '"\(.misses) misses, \(.hits) hits"')"
claim "the second read: every page a hit, no miss" json_expect "$rd" '"\(.hits) \(.misses)"' "$pages 0"
smm_demo_stage "2. the file read again: all hits, every page active" "$SIGN_ALL_ACTIVE"
smmctl file close "$id"

# pressure_stage SWAPPINESS TITLE SIGN AWK-ARGS...: press, then the
# stage's sign awaited (with -v sid= the space's id), the file's cached
# pages in $cached, the space and the file gone after
pressure_stage() {
	_sw=$1 _title=$2 _sign=$3
	shift 3
	ids=$(press "$_sw")
	claim "space and file made, the pages written, the file read" test -n "$ids"
	sid=${ids% *}
	fid=${ids#* }
	smm_demo_stage "$_title" "$_sign" "$@" -v sid="$sid"
	cached=$(cached_of "$fid")
	echo "# the file keeps $cached of its $pages pages cached"
	smmctl space destroy "$sid" 2> /dev/null
	smmctl file close "$fid" 2> /dev/null
}

p0=$(vmstat_of pswpout)
f0=$(vmstat_of pgsteal_file)
echo
echo "# swappiness 0: a space writes $anon pages (half the free memory), then the file is read whole"
pressure_stage 0 "3. swappiness 0: reclaim drops file pages, swaps no anonymous page" \
	"$SIGN_FILE_DROPPED" -v p0="$p0" -v f0="$f0" -v path=$DATA -v pages=$pages
cached0=$cached

p0=$(vmstat_of pswpout)
echo
echo "# swappiness 200: the same"
pressure_stage 200 "4. swappiness 200: reclaim pushes the space's anonymous pages to swap" \
	"$SIGN_ANON_SWAPPED" -v p0="$p0"
claim "the file keeps more pages cached than with swappiness 0 ($cached0)" \
	test "$cached" -gt "$cached0"
smmctl vm set swappiness 60 > /dev/null
smmctl swap off
rm -f $DATA
smm_unload

smm_demo_finish
