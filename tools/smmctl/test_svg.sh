#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# smmctl's pictures on the host, without a module: `frame show svg` and
# `zone history svg` on the capture of test_svgcap (a known frame map,
# five zone snapshots with known numbers), each SVG checked as XML by
# xmllint, drawn to PNG by rsvg-convert (Debian's librsvg2-bin) and its
# pixels read by test_svg.py: known cells of the map at both scales, the
# legend's swatches, the points of the line charts at the pixels the
# geometry of lib/svg.c puts them. Each kind of check is also run on a
# broken picture (two colours swapped, a tag cut) and must fail there.
# Same input, same bytes; the output FILE replaced whole or not at all;
# the errors. TAP output; exit 1 on any failure.
#
#   test_svg.sh [SMMCTL [SVGCAP]]   (default: the smmctl and test_svgcap
#                                    next to this script)

here=$(dirname "$0")
SMMCTL=$(realpath "${1:-$here/smmctl}")
SVGCAP=$(realpath "${2:-$here/test_svgcap}")
PIXELS=$(realpath "$here/test_svg.py")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

. "$here/../../selftests/ktap.sh"
ok() { ktap_pass "$1"; }
# check NAME EXPECTED SEEN: pass when they are equal
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else ktap_fail "$1" "expected: $2" "seen: $3"; fi
}
# pixels NAME SVG X,Y,#COLOUR...: the SVG is XML, draws, and has those pixels
pixels() {
	local name=$1 svg=$2 out
	shift 2
	if ! out=$(xmllint --noout "$svg" 2>&1); then
		ktap_fail "$name" "xmllint: $out"
	elif ! out=$(rsvg-convert -o "$svg.png" "$svg" 2>&1); then
		ktap_fail "$name" "rsvg-convert: $out"
	elif ! out=$(python3 "$PIXELS" "$svg.png" "$@"); then
		ktap_fail "$name" "$out"
	else
		ok "$name"
	fi
}
# broken NAME SVG X,Y,#COLOUR...: the same checks must fail on SVG
broken() {
	local name=$1 svg=$2
	shift 2
	if xmllint --noout "$svg" 2> /dev/null && rsvg-convert -o "$svg.png" "$svg" 2> /dev/null &&
	   python3 "$PIXELS" "$svg.png" "$@" > /dev/null; then
		ktap_fail "$name" "the checks passed on a broken picture"
	else
		ok "$name"
	fi
}

# Colours (lib/svg.c) and the geometry (libsmm.h's SMMC_SVG_*)
FREE='#a6dba0' PCP='#1b7837' PAGE='#4575b4' SLAB='#d73027' PGTABLE='#984ea3'
SPACE='#fdae61' LRU='#fee08b' UNKNOWN='#000000'
ANON='#00bcd4' SHARED='#e7298a' FILE='#66a61e' DIRTY='#5e3c99'
UNMOVABLE='#8c510a' MOVABLE='#01665e' RECLAIMABLE='#c51b7d'
ZONE0='#1f77b4' ZONE1='#ff7f0e' ORDER9='#17becf'
# frame K's cell centre at frame scale: 128 cells of 4 px a row from (10, 44)
frame() { echo "$((10 + $1 % 128 * 4 + 2)),$((44 + ($1 / 128) * 4 + 2)),$2"; }
# pageblock B's upper (state) and lower (migratetype) part: 32 cells of 16 px a row
block() { echo "$((10 + $1 % 32 * 16 + 8)),$((44 + ($1 / 32) * 16 + 4)),$2"; }
block_mt() { echo "$((10 + $1 % 32 * 16 + 8)),$((44 + ($1 / 32) * 16 + 14)),$2"; }
# legend entry I's swatch centre below a map whose legend starts at TOP: 4 a row, 128 x 18 px
legend() { echo "$((10 + $1 % 4 * 128 + 6)),$(($2 + ($1 / 4) * 18 + 6)),$3"; }
# the point of sample I of 5 at value V (thousandths) of LO..HI on chart C:
# plot x 70 + I * 540 / 4, y (60 + 250 C) + 180 - (V - LO) * 180 / (HI - LO)
point() { echo "$((70 + $1 * 135)),$((60 + 250 * $2 + 180 - ($3 - $4) * 180 / ($5 - $4))),$6"; }

ktap_header
ktap_plan 25

cap=$dir/cap
"$SVGCAP" "$cap" || { echo "Bail out! test_svgcap failed"; exit 1; }
smm() { "$SMMCTL" --replay "$cap" "$@"; }

# ---- the frame map, frame scale: 2048 frames, 16 rows, the legend at 44 + 64 + 12 ----
smm frame show svg "$dir/map.svg" > "$dir/out" 2>&1
check "frame show svg: exit 0, prints nothing" "0 0" "$? $(wc -c < "$dir/out")"
pixels "frame scale: a cell of each state where its run is" "$dir/map.svg" \
	"$(frame 50 $FREE)" "$(frame 120 $SLAB)" "$(frame 180 $PAGE)" "$(frame 250 $PGTABLE)" \
	"$(frame 320 $LRU)" "$(frame 360 $SPACE)" "$(frame 390 $PCP)" "$(frame 1100 $SLAB)" \
	"$(frame 2047 $FREE)" "$(frame 163 $SLAB)" "$(frame 164 $PAGE)"
pixels "frame scale: the legend's free, slab and lru swatches" "$dir/map.svg" \
	"$(legend 2 120 $FREE)" "$(legend 5 120 $SLAB)" "$(legend 8 120 $LRU)"
sed -e "s/$FREE/#swap00/g" -e "s/$SLAB/$FREE/g" -e "s/#swap00/$SLAB/g" "$dir/map.svg" > "$dir/swapped.svg"
broken "frame scale: the cell check fails with free and slab swapped" "$dir/swapped.svg" \
	"$(frame 50 $FREE)" "$(frame 120 $SLAB)"
broken "frame scale: the legend check fails with free and slab swapped" "$dir/swapped.svg" \
	"$(legend 2 120 $FREE)"
grep -v '</svg>' "$dir/map.svg" > "$dir/cut.svg"
broken "an SVG without its closing tag is refused by xmllint" "$dir/cut.svg" "$(frame 50 $FREE)"
smm frame show svg "$dir/map2.svg"
check "the same capture draws the same bytes" "" "$(cmp "$dir/map.svg" "$dir/map2.svg" 2>&1)"
check "the title says the range, the scale and where from" 1 \
	"$(grep -c '<title>shadowmm frame map: frames 0-2047 (8192 KiB), one cell per frame, replayed from a capture</title>' "$dir/map.svg")"

# ---- marked pages (test_svgcap's packed capture): their own colours, four more legend entries ----
"$SVGCAP" "$dir/capp" packed || { echo "Bail out! test_svgcap packed failed"; exit 1; }
"$SMMCTL" --replay "$dir/capp" frame show svg "$dir/marked.svg"
pixels "frame scale, marks: file, dirty, anon and shared cells; unmarked ones by state" "$dir/marked.svg" \
	"$(frame 170 $FILE)" "$(frame 190 $DIRTY)" "$(frame 350 $ANON)" "$(frame 370 $SHARED)" \
	"$(frame 120 $SLAB)" "$(frame 250 $PGTABLE)" "$(frame 600 $PAGE)"
pixels "frame scale, marks: the legend's anon, shared, file and dirty swatches" "$dir/marked.svg" \
	"$(legend 9 120 $ANON)" "$(legend 10 120 $SHARED)" "$(legend 11 120 $FILE)" "$(legend 12 120 $DIRTY)"
check "frame show -j, marks: the marked runs' marks, in order" \
	"file file,dirty anon anon,shared" \
	"$("$SMMCTL" --replay "$dir/capp" -j frame show | jq -r '[.runs[] | select(.marks) | .marks | join(",")] | join(" ")')"

# ---- pageblock scale: four blocks, one row, the legend at 44 + 16 + 12 ----
smm frame show svg "$dir/pb.svg" scale pageblock
pixels "pageblock scale: each block's most frames' state and its migratetype" "$dir/pb.svg" \
	"$(block 0 $FREE)" "$(block_mt 0 $MOVABLE)" "$(block 1 $PAGE)" "$(block_mt 1 $MOVABLE)" \
	"$(block 2 $SLAB)" "$(block_mt 2 $UNMOVABLE)" "$(block 3 $FREE)" "$(block_mt 3 $RECLAIMABLE)"
pixels "pageblock scale: the legend has the migratetypes" "$dir/pb.svg" \
	"$(legend 9 72 $UNMOVABLE)" "$(legend 10 72 $MOVABLE)" "$(legend 11 72 $RECLAIMABLE)"
sed -e "s/$UNMOVABLE/#swap00/g" -e "s/$MOVABLE/$UNMOVABLE/g" -e "s/#swap00/$MOVABLE/g" "$dir/pb.svg" > "$dir/swapped.svg"
broken "pageblock scale: the check fails with Unmovable and Movable swapped" "$dir/swapped.svg" \
	"$(block_mt 0 $MOVABLE)" "$(block_mt 2 $UNMOVABLE)"
# more than 65536 frames asked for: pageblock scale by default; frames no run covers are unknown
smm frame show 0 70000 svg "$dir/big.svg"
pixels "over 64 Ki frames: pageblock scale by default, uncovered blocks unknown" "$dir/big.svg" \
	"$(block 2 $SLAB)" "$(block 4 $UNKNOWN)" "$(block 136 $UNKNOWN)"

# ---- zone history: DMA (chart 1) and Normal (chart 2) drawn, DMA32 (managed 0) not ----
smm zone history interval 2 svg "$dir/hist.svg"
pixels "free pages: Normal 3000 at sample 2, 2000 at 4; DMA 1000 at 1; the legend" "$dir/hist.svg" \
	"$(point 2 0 3000 0 4000 $ZONE1)" "$(point 4 0 2000 0 4000 $ZONE1)" \
	"$(point 1 0 1000 0 4000 $ZONE0)" "636,84,$ZONE1" "636,66,$ZONE0"
pixels "Normal's order-9 extfrag index: 0.5 at sample 3, -0.5 at 1; DMA's at -1 under order 10's; the legend" "$dir/hist.svg" \
	"$(point 3 2 500 -1000 1000 $ORDER9)" "$(point 1 2 -500 -1000 1000 $ORDER9)" \
	"$(point 3 1 -1000 -1000 1000 $UNKNOWN)" "636,728,$ORDER9"
sed -e "s/$ZONE0/#swap00/g" -e "s/$ZONE1/$ZONE0/g" -e "s/#swap00/$ZONE1/g" "$dir/hist.svg" > "$dir/swapped.svg"
broken "free pages: the check fails with the zones' colours swapped" "$dir/swapped.svg" \
	"$(point 2 0 3000 0 4000 $ZONE1)" "636,84,$ZONE1"
check "the x axis in seconds, DMA32 left out, three charts" "1 0 3" \
	"$(grep -c '>seconds<' "$dir/hist.svg" | sed 's/^[0-9]*$/1/') $(grep -c '>DMA32' "$dir/hist.svg") $(grep -c 'the axis ends\|fragmentation (extfrag)' "$dir/hist.svg")"
check "-j zone history: Normal's free and order-9 index of sample 3, time 6" "2500 0.5 6" \
	"$(smm -j zone history interval 2 | jq -r '.samples[3] | "\(.zones[1].free) \(.zones[1].extfrag_index[9]) \(.time)"')"
smm -j zone history count 2 > "$dir/out"
check "count 2 from a capture: its first two samples, no time without interval" "2 3500 null" \
	"$(jq -r '"\(.samples | length) \(.samples[1].zones[1].free) \(.samples[1].time)"' "$dir/out")"

# ---- errors, and FILE replaced whole or not at all ----
echo keep > "$dir/keep.svg"
smm frame show scale pageblock > "$dir/out" 2>&1
check "scale without svg is refused" "1 Error: scale is for svg FILE" "$? $(cat "$dir/out")"
smm frame show svg "$dir/x.svg" scale huge > "$dir/out" 2>&1
check "a scale other than frame or pageblock is refused" "1 Error: scale is frame or pageblock, not \"huge\"" "$? $(cat "$dir/out")"
smm zone history count 0 svg "$dir/keep.svg" > "$dir/out" 2>&1
check "count 0 is refused, FILE kept" "1 Error: count is 1 to 3600 keep" "$? $(cat "$dir/out") $(cat "$dir/keep.svg")"
"$SMMCTL" zone history count 2 interval 0.01 svg "$dir/keep.svg" > /dev/null 2>&1
check "no module: exit 1, FILE kept, no temporary left" "1 keep 1" \
	"$? $(cat "$dir/keep.svg") $(find "$dir" -name 'keep.svg*' | wc -l)"

ktap_finished
