#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# smmctl stats on the host, without a module: the Prometheus output of a
# replayed synthetic capture (test_mkcap: 64 MiB, zones DMA and Normal,
# four caches, the last one named with a quote, a backslash and a
# newline, two spaces) through Debian's promtool check metrics and
# selftests/prom_check.awk, each shown to reject broken input; its
# numbers against the capture and against smmctl -j zone show; the
# atomic output FILE, also when a request fails; -P; the errors; the
# systemd and cron examples of Documentation/examples/. TAP
# output; exit 1 on any failure. Without promtool (scripts/deps.sh
# promtool) its checks skip and say so.
#
#   test_stats.sh [SMMCTL [MKCAP [PROMTOOL]]]   (default: the smmctl next to
#                 this script, ../smmtop/test_mkcap, ~/.cache/shadowmm/
#                 promtool/usr/bin/promtool)

here=$(dirname "$0")
SMMCTL=$(realpath "${1:-$here/smmctl}")
MKCAP=$(realpath "${2:-$here/../smmtop/test_mkcap}")
PROMTOOL=${3:-${SMM_PROMTOOL_DIR:-$HOME/.cache/shadowmm/promtool}/usr/bin/promtool}
CHECK=$(realpath "$here/../../selftests/prom_check.awk")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

. "$here/../../selftests/ktap.sh"
ok() { ktap_pass "$1"; }
# not_ok NAME EXPECTED SEEN...
not_ok() {
	local name="$1" want="$2"
	shift 2
	ktap_fail "$name" "expected: $want" "$(printf '%s\n' "$@" | sed 's/^/seen: /')"
}
# check NAME EXPECTED SEEN: pass when they are equal
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "$2" "$3"; fi
}
# sample NAME LABELS: the value of one series in $out
sample() {
	awk -v s="shadowmm_$1$2" '$1 == s { print $2 }' "$dir/out"
}

ktap_header
ktap_plan 38

cap=$dir/cap
weird=$'mk_"q\\x\ny'
"$MKCAP" 64 16 1 "$cap" "$weird" > "$dir/mkcap.out" || { echo "Bail out! test_mkcap failed"; exit 1; }
smm() { "$SMMCTL" --replay "$cap" "$@"; }

smm stats > "$dir/out" 2> "$dir/err"
check "stats: exit 0, nothing on stderr" "0 0" "$? $(wc -c < "$dir/err")"
smm stats show prometheus > "$dir/out2" 2>&1
check "stats show prometheus prints the same" "" "$(cmp "$dir/out" "$dir/out2" 2>&1)"
smm -P > "$dir/out3" 2>&1
check "-P prints the same" "" "$(cmp "$dir/out" "$dir/out3" 2>&1)"

# ---- the format: promtool, then our own checker ----

# a counter without _total, and a gauge with it: what promtool must refuse
sed -e 's/shadowmm_slab_errors_total/shadowmm_slab_errors/g' "$dir/out" > "$dir/bad_counter"
if ! "$PROMTOOL" --version > /dev/null 2>&1; then
	ktap_skip "promtool check metrics accepts the output" "no promtool at $PROMTOOL (scripts/deps.sh promtool)"
	ktap_skip "promtool refuses a counter without _total" "no promtool at $PROMTOOL (scripts/deps.sh promtool)"
else
	res=$("$PROMTOOL" check metrics < "$dir/out" 2>&1)
	check "promtool check metrics accepts the output" "0 " "$? $res"
	res=$("$PROMTOOL" check metrics < "$dir/bad_counter" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q 'shadowmm_slab_errors counter metrics should have "_total" suffix' <<< "$res"; then
		ok "promtool refuses a counter without _total"
	else
		not_ok "promtool refuses a counter without _total" "exit != 0 and the _total complaint" "exit $rc" "$res"
	fi
fi

families=$(grep -c '^# TYPE ' "$dir/out")
samples=$(grep -vc '^#' "$dir/out")
check "prom_check.awk accepts the output" "prom_check: $families families, $samples samples" \
	"$(awk -f "$CHECK" "$dir/out" 2>&1)"

# refuses NAME WANT-LINE FILE: prom_check exits 1 printing WANT-LINE
refuses() {
	local res rc
	res=$(awk -f "$CHECK" "$3" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qxF -- "$2" <<< "$res"; then ok "$1"; else not_ok "$1" "exit 1, $2" "exit $rc" "$res"; fi
}
line_of() { grep -n -m1 -F -- "$1" "$dir/out" | cut -d: -f1; }

n=$(line_of '# TYPE shadowmm_zone_free_bytes ')
sed "${n}d" "$dir/out" > "$dir/b1"
refuses "prom_check: a sample needs its family's TYPE before it" \
	"prom_check: line $n: sample of shadowmm_zone_free_bytes without HELP and TYPE before it" "$dir/b1"
n=$(line_of '# HELP shadowmm_zone_free_bytes ')
sed "${n}d" "$dir/out" > "$dir/b2"
refuses "prom_check: TYPE needs HELP before it" \
	"prom_check: line $n: TYPE of shadowmm_zone_free_bytes before its HELP" "$dir/b2"
n=$(line_of 'shadowmm_zone_pcp_bytes{zone="DMA"}')
sed "${n}s/^shadowmm_zone_pcp_bytes/shadowmm_zone_pcp_byte/" "$dir/out" > "$dir/b3"
refuses "prom_check: every sample name declared" \
	"prom_check: line $n: sample of shadowmm_zone_pcp_byte without HELP and TYPE before it" "$dir/b3"
n=$(line_of '# TYPE shadowmm_slab_errors_total ')
refuses "prom_check: a counter ends in _total" \
	"prom_check: line $n: counter shadowmm_slab_errors does not end in _total" "$dir/bad_counter"
sed 's/shadowmm_slab_slabs\b/shadowmm_slab_slabs_total/' "$dir/out" > "$dir/b4"
n=$(line_of '# TYPE shadowmm_slab_slabs gauge')
refuses "prom_check: _total only on counters" \
	"prom_check: line $n: gauge shadowmm_slab_slabs_total ends in _total" "$dir/b4"
n=$(line_of 'shadowmm_slab_slabs{cache="mk_\"q\\x\ny"}')
sed "${n}s/mk_\\\\\"q/mk_\"q/" "$dir/out" > "$dir/b5"
refuses "prom_check: a quote in a label value is escaped" \
	"prom_check: line $n: label cache: expected , or } after the value" "$dir/b5"
sed "${n}s/q\\\\\\\\x/q\\\\x/" "$dir/out" > "$dir/b6"
refuses "prom_check: a backslash in a label value is escaped" \
	"prom_check: line $n: label cache: bad escape \\x" "$dir/b6"
n=$(line_of 'shadowmm_zone_free_bytes{zone="DMA"}')
{ cat "$dir/out"; sed -n "${n}p" "$dir/out"; } > "$dir/b7"
refuses "prom_check: a family's samples stay together" \
	"prom_check: line $((samples + 2 * families + 1)): sample of shadowmm_zone_free_bytes apart from the rest of its family" \
	"$dir/b7"
sed "${n}p" "$dir/out" > "$dir/b8"
refuses "prom_check: no series twice" \
	"prom_check: line $((n + 1)): series shadowmm_zone_free_bytes{zone=\"DMA\"} twice" "$dir/b8"
sed 's/shadowmm_zone_free_bytes/shadowmm_zone_free_pages/' "$dir/out" > "$dir/b9"
n=$(line_of '# TYPE shadowmm_zone_free_bytes ')
refuses "prom_check: base units only" \
	"prom_check: line $n: family name shadowmm_zone_free_pages is not in base units" "$dir/b9"

# ---- the numbers ----

check "info: version, kernel and mode as labels" \
	'shadowmm_info{version="0.1.0",kernel="6.1.0-capture",mode="reserved"} 1' \
	"$(grep '^shadowmm_info' "$dir/out")"
want=$(awk '$1 == "zone" { printf "%s %d %d\n", $2, $4 * 4096, $6 * 4096 }' "$dir/mkcap.out")
seen=$(for z in DMA Normal; do
	echo "$z $(sample zone_free_bytes "{zone=\"$z\"}") $(sample zone_managed_bytes "{zone=\"$z\"}")"
done)
check "zones: free and managed bytes are the capture's pages times 4096" "$want" "$seen"
check "zones: DMA32, without managed pages, is left out" "" "$(grep 'zone="DMA32"' "$dir/out")"
check "zones: the watermarks are three metrics in bytes" "262144 327680 393216" \
	"$(sample zone_watermark_min_bytes '{zone="DMA"}') $(sample zone_watermark_low_bytes '{zone="DMA"}') $(sample zone_watermark_high_bytes '{zone="DMA"}')"
# the indexes and free blocks, order by order, as smmctl -j zone show has them
json=$(smm -j zone show)
for idx in unusable extfrag; do
	want=$(for z in DMA Normal; do
		printf '%s\n' "$json" | jq -c --arg z "$z" '.zones[] | select(.name == $z) | .'"${idx}_index"
	done)
	seen=$(for z in DMA Normal; do
		printf '[%s]\n' "$(seq 0 10 | while read -r o; do sample "zone_${idx}_index" "{zone=\"$z\",order=\"$o\"}"; done | jq -s -c . | tr -d '[]')"
	done)
	check "zones: ${idx}_index per order equals smmctl -j zone show's" "$want" "$(printf '%s\n' "$seen" | jq -c .)"
done
want=$(printf '%s\n' "$json" | jq -c '[.zones[] | select(.name == "Normal") | .nr_free_mt.Movable[]]')
seen=$(seq 0 10 | while read -r o; do sample zone_free_blocks "{zone=\"Normal\",order=\"$o\",migratetype=\"Movable\"}"; done | jq -s -c .)
check "zones: free blocks per order and migratetype equal smmctl -j zone show's" "$want" "$seen"
check "zones: allocations per order are counters" "1000 0" \
	"$(sample zone_allocations_total '{zone="DMA",order="0"}') $(sample zone_allocations_total '{zone="DMA",order="1"}')"
want=$(awk '$1 == "cache" && $2 != "mk_\"q\\x" { print $2, $4, $6, $8 }' "$dir/mkcap.out")
seen=$(awk '$1 == "cache" && $2 != "mk_\"q\\x" { print $2 }' "$dir/mkcap.out" | while read -r c; do
	l="{cache=\"$c\"}"
	echo "$c $(sample slab_objects "$l") $(sample slab_objects_active "$l") $(sample slab_slabs "$l")"
done)
check "caches: objects, active objects and slabs are the capture's" "$want" "$seen"
check "caches: a quote, a backslash and a newline in a name are escaped" \
	'shadowmm_slab_objects_active{cache="mk_\"q\\x\ny"} 10' \
	"$(grep -F 'shadowmm_slab_objects_active{cache="mk_\"' "$dir/out")"
want=$(awk '$1 == "space" { print $2, $4 * 4096, $6 * 4096 }' "$dir/mkcap.out")
seen=$(for s in 1 7; do
	echo "$s $(sample space_memory_bytes "{space=\"$s\"}") $(sample space_rss_anon_bytes "{space=\"$s\"}")"
done)
check "spaces: memory and RSS bytes are the capture's" "$want" "$seen"

# ---- output FILE ----

out=$dir/node/shadowmm.prom
mkdir -p "$dir/node"
# what the textfile collector's directory holds
node_files() { (cd "$dir/node" && printf '%s\n' *) | tr '\n' ' ' | sed 's/ $//'; }
smm stats show output "$out" > "$dir/stdout" 2>&1
check "output FILE: exit 0, nothing printed, the same text, no temporary left" \
	"0 0 same shadowmm.prom" \
	"$? $(wc -c < "$dir/stdout") $(cmp -s "$out" "$dir/out" && echo same) $(node_files)"
# the capture without its last reply (SPACE_GET): a request fails after
# the others were answered
python3 - "$cap" "$dir/cut" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
pos, last = 8, None
while pos < len(data):
	cmd, first, zero, n = struct.unpack_from('=BBHI', data, pos)
	if first:
		last = pos
	pos += 8 + ((n + 3) & ~3)
open(sys.argv[2], 'wb').write(data[:last])
EOF
echo old > "$out"
"$SMMCTL" --replay "$dir/cut" stats show output "$out" > "$dir/stdout" 2> "$dir/err"
check "output FILE: a failed request leaves FILE as it was, and no temporary" \
	"1 0 old shadowmm.prom" \
	"$? $(wc -c < "$dir/stdout") $(cat "$out") $(node_files)"
"$SMMCTL" --replay "$dir/cut" stats > "$dir/stdout" 2> "$dir/err"
check "stdout: a failed request prints nothing, and says why" "1 0 1" \
	"$? $(wc -c < "$dir/stdout") $(grep -c '^Error: ' "$dir/err")"
smm stats show output "$dir/none/x.prom" > "$dir/stdout" 2> "$dir/err"
check "output FILE: a directory that is not there is an error" \
	"1 Error: $dir/none/x.prom.tmp.X: No such file or directory" \
	"$? $(sed 's/prom\.tmp\.[0-9]*:/prom.tmp.X:/' "$dir/err")"

# ---- Documentation/examples: what they run writes the file ----

ex=$here/../../Documentation/examples
mkdir -p "$dir/ex"
# run_example LINE: LINE's smmctl command, on the capture, into $dir/ex
run_example() {
	local cmd=${1#*/usr/local/bin/smmctl }
	cmd=${cmd//\/var\/lib\/prometheus\/node-exporter/$dir/ex}
	rm -f "$dir/ex/shadowmm.prom"
	# shellcheck disable=SC2086 # the example's words
	smm $cmd && cmp "$dir/out" "$dir/ex/shadowmm.prom"
}
ktap_check "the service's ExecStart writes the file" \
	run_example "$(grep '^ExecStart=' "$ex/shadowmm-metrics.service")"
ktap_check "the cron line's command writes the file" \
	run_example "$(grep '^\* \* \* \* \* root ' "$ex/shadowmm-metrics.cron")"
if command -v systemd-analyze > /dev/null; then
	mkdir -p "$dir/units"
	sed "s|/usr/local/bin/smmctl|$SMMCTL|" "$ex/shadowmm-metrics.service" > "$dir/units/shadowmm-metrics.service"
	cp "$ex/shadowmm-metrics.timer" "$dir/units/"
	ktap_check "systemd-analyze verify accepts the timer and the service" \
		systemd-analyze verify "$dir/units/shadowmm-metrics.timer" "$dir/units/shadowmm-metrics.service"
else
	ktap_skip "systemd-analyze verify accepts the timer and the service" "no systemd-analyze"
fi

# ---- errors ----

smm -j stats > "$dir/stdout" 2> "$dir/err"
check "-j: refused, stats is text" "1 Error: stats prints the Prometheus text format, not JSON" \
	"$? $(cat "$dir/err")"
smm stats show json > /dev/null 2> "$dir/err"
check "an unknown format" '1 Error: unexpected argument "json", try "smmctl stats show help".' \
	"$? $(cat "$dir/err")"
smm stats show output > /dev/null 2> "$dir/err"
check "output without a file" "1 Error: output needs a file name" "$? $(cat "$dir/err")"
"$SMMCTL" -P help > "$dir/stdout" 2>&1
check "-P help is stats show's help" "0 Usage: smmctl stats show [ FORMAT ] [ output FILE ]" \
	"$? $(head -1 "$dir/stdout")"

ktap_finished
