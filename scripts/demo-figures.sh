#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of the documentation's pictures (Documentation/
# pictures.md), run by `scripts/vm.sh demo figures`: on a 16 MiB range
# with one Normal zone, pages and slab objects allocated, the zone
# fragmented (selftests/lib.sh smm_fragment, as lab 10: a space's pages
# and page tables, half of it unmapped in stripes), then compacted for
# order 9. A snapshot (smmtop -b -n 1 --record) is taken every 0.5 s
# from the start to a few seconds after the compaction, and one more of
# the fragmented map and of the compacted one. The captures are printed
# gzipped in base64 between "==== SMM FIGURE CAPTURE NAME ====" and
# "==== SMM FIGURE END ====": history (the snapshots joined: a capture
# is its magic and then records, so one refresh's files concatenate),
# fragmented and compacted; then, the same way, three SVGs smmctl drew
# live (live-map, live-pageblock, live-history). The host draws the
# captures with smmctl --replay.
. /selftests/lib.sh

missed=""
D=/tmp/figures
mkdir -p "$D"

# snapshot FILE: one smmtop refresh recorded
snapshot() { smmtop -b -n 1 --record "$1" > /dev/null 2>&1 || missed="$missed, snapshot $1"; }

# print_capture NAME FILE
print_capture() {
	echo "==== SMM FIGURE CAPTURE $1 ===="
	gzip -9 -c "$2" | base64
	echo "==== SMM FIGURE END ===="
}

smm_unload
smm_load base="$SMM_BASE" size=16M zones=Normal:rest || { echo "insmod failed"; exit 1; }
smmctl vm set compaction_proactiveness 0
echo "# shadowmm on 16 MiB at $SMM_BASE, one Normal zone; proactive compaction off"
(
	i=100
	while [ ! -e "$D/stop" ]; do
		snapshot "$D/s.$i"
		i=$((i + 1))
		sleep 0.5
	done
) &
sampler=$!
sleep 2
echo "# smmctl page alloc order 3 count 16 type Unmovable"
smmctl page alloc order 3 count 16 type Unmovable > /dev/null || missed="$missed, page alloc"
echo "# smmctl cache create figures size 512; smmctl obj alloc figures count 600"
smmctl cache create figures size 512 && smmctl obj alloc figures count 600 > /dev/null ||
	missed="$missed, slab objects"
sleep 2
echo "# smm_fragment Normal 0x40000000"
smm_fragment Normal 0x40000000 > /dev/null
snapshot "$D/fragmented"
sleep 2
echo "# smmctl compact zone Normal order 9"
smmctl compact zone Normal order 9
sleep 3
touch "$D/stop"
wait "$sampler"
snapshot "$D/compacted"
# smmctl's live path on the module: the map just after that snapshot (the
# zone idle: the same map; figures.sh compares it with the capture's),
# and a short history sampled live
SOURCE_DATE_EPOCH=0 smmctl frame show svg "$D/live-map.svg" || missed="$missed, live frame map"
smmctl frame show svg "$D/live-pageblock.svg" scale pageblock || missed="$missed, live pageblocks"
smmctl zone history count 3 interval 0.5 svg "$D/live-history.svg" || missed="$missed, live history"
smmctl zone history count 2 interval 0.5
set -- "$D"/s.*
n=$#
echo "# $n snapshots"
{
	head -c 8 "$D/s.100"
	for f in "$D"/s.*; do tail -c +9 "$f"; done
} > "$D/history"
print_capture history "$D/history"
print_capture fragmented "$D/fragmented"
print_capture compacted "$D/compacted"
for f in live-map live-pageblock live-history; do
	print_capture "$f" "$D/$f.svg"
done
smmctl space destroy "$SMM_FRAG_ID" 2> /dev/null
smmctl cache destroy figures force > /dev/null 2>&1
smmctl page free all > /dev/null 2>&1
smmctl check > /dev/null 2>&1 || missed="$missed, CHECK after the demo"
smm_unload
smm_demo_finish
