#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smmctl stats against the module: after allocations, a cache with
# objects and a space with faulted pages, the Prometheus text passes
# prom_check.awk (the exposition format's rules and the naming rules;
# promtool is not in the guest, make test-prom runs it on the host), and
# its numbers are the module's: free and managed bytes against smmctl -j
# zone show, the fragmentation indexes against debugfs, word for word,
# the cache's objects and the space's RSS and memory; -P prints the same;
# output FILE is written whole and renamed; anyone may read; without the
# module stats fails and leaves FILE alone.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
CHECK=$(dirname "$0")/prom_check.awk

ktap_header
ktap_plan 15
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base="$SMM_BASE" size=64M zones=DMA:8M,DMA32:24M,Normal:rest
tmp=$(mktemp -d)

same() { [ -n "$1" ] && [ "$1" = "$2" ] || { printf 'expected:\n%s\nseen:\n%s\n' "$1" "$2"; return 1; }; }
# sample NAME LABELS: one series' value in $tmp/out
sample() { awk -v s="shadowmm_$1$2" '$1 == s { print $2 }' "$tmp/out"; }

smmctl page alloc order 3 count 10 > /dev/null
smmctl page alloc order 0 count 100 type Unmovable > /dev/null
smmctl cache create prom_c size 100 > /dev/null
smmctl obj alloc prom_c count 5 > /dev/null
sid=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$sid" addr 0x400000 len 0x10000 > /dev/null
smmctl space access "$sid" addr 0x400000 len 0x6000 write > /dev/null

smmctl stats > "$tmp/out" 2> "$tmp/err"
ktap_check "stats: exit 0, nothing on stderr" same "0 0" "$? $(wc -c < "$tmp/err")"
families=$(grep -c '^# TYPE ' "$tmp/out")
samples=$(grep -vc '^#' "$tmp/out")
ktap_print_msg "$families families, $samples samples; the zones' free bytes:"
grep '^shadowmm_zone_free_bytes' "$tmp/out" | sed 's/^/# /'
ktap_check "prom_check.awk accepts the output" same \
	"prom_check: $families families, $samples samples" "$(awk -f "$CHECK" "$tmp/out" 2>&1)"

page=$(json_get "$(smmctl -j info)" .page_size)
z=$(smmctl -j zone show)
want=$(echo "$z" | jq -r --argjson p "$page" \
	'.zones[] | select(.managed > 0) | "\(.name) \(.free * $p) \(.managed * $p)"')
seen=$(for n in $(echo "$z" | jq -r '.zones[] | select(.managed > 0) | .name'); do
	echo "$n $(sample zone_free_bytes "{zone=\"$n\"}") $(sample zone_managed_bytes "{zone=\"$n\"}")"
done)
ktap_check "free and managed bytes are smmctl zone show's pages times the page size" \
	same "$want" "$seen"
want=$(echo "$z" | jq -r --argjson p "$page" \
	'.zones[] | select(.managed > 0) | "\(.min * $p) \(.low * $p) \(.high * $p)"')
seen=$(for n in $(echo "$z" | jq -r '.zones[] | select(.managed > 0) | .name'); do
	l="{zone=\"$n\"}"
	echo "$(sample zone_watermark_min_bytes "$l") $(sample zone_watermark_low_bytes "$l") $(sample zone_watermark_high_bytes "$l")"
done)
ktap_check "the watermarks are smmctl zone show's in bytes" same "$want" "$seen"

# the indexes as debugfs prints them: "Node 0, zone NAME v0 .. v10"
for idx in unusable extfrag; do
	want=$(awk '{ s = $4; for (i = 5; i <= NF; i++) s = s " " $i; print s }' "$D/${idx}_index")
	seen=$(for n in $(awk '{ print $4 }' "$D/${idx}_index"); do
		s=$n
		for o in 0 1 2 3 4 5 6 7 8 9 10; do
			s="$s $(sample "zone_${idx}_index" "{zone=\"$n\",order=\"$o\"}")"
		done
		echo "$s"
	done)
	ktap_check "${idx}_index per order is debugfs' ${idx}_index" same "$want" "$seen"
done

allocs=$(awk '$1 ~ /^shadowmm_zone_allocations_total\{.*order="3"\}$/ { s += $2 } END { print s + 0 }' "$tmp/out")
ktap_check "order-3 allocations counted: at least the 10 made" test "$allocs" -ge 10

c=$(smmctl -j cache show prom_c)
want="5 $(json_get "$c" '.caches[0].num_objs') $(json_get "$c" '.caches[0].num_slabs')"
seen="$(sample slab_objects_active '{cache="prom_c"}') $(sample slab_objects '{cache="prom_c"}') $(sample slab_slabs '{cache="prom_c"}')"
ktap_check "the cache's objects active and total, and slabs" same "$want" "$seen"

s=$(smmctl -j space show)
frames=$(json_get "$s" ".spaces[] | select(.id == $sid) | .frames") || frames=-1
want="$((6 * page)) $((frames * page))"
seen="$(sample space_rss_anon_bytes "{space=\"$sid\"}") $(sample space_memory_bytes "{space=\"$sid\"}")"
ktap_check "the space's RSS (6 pages written) and memory" same "$want" "$seen"

smmctl -P > "$tmp/p" 2>&1
ktap_check "-P prints the same" cmp "$tmp/out" "$tmp/p"

mkdir "$tmp/node"
smmctl stats show prometheus output "$tmp/node/shadowmm.prom" > "$tmp/stdout" 2>&1
ktap_check "output FILE: exit 0, nothing printed, no temporary left" same \
	"0 0 shadowmm.prom" "$? $(wc -c < "$tmp/stdout") $(cd "$tmp/node" && echo *)"
ktap_check "output FILE holds the same text" cmp "$tmp/out" "$tmp/node/shadowmm.prom"

smm_unprivileged smmctl stats > "$tmp/nobody" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && awk -f "$CHECK" "$tmp/nobody" > /dev/null; then
	ktap_pass "anyone may read the statistics"
else
	ktap_fail "anyone may read the statistics" "exit $rc" "$(head -3 "$tmp/nobody")"
fi

smmctl reset > /dev/null
smmctl space destroy "$sid" > /dev/null 2>&1
smmctl cache destroy prom_c force > /dev/null 2>&1
smmctl stats > "$tmp/none" 2>&1
ktap_check "no space: no space family, not even its HELP" same "0 0" \
	"$? $(grep -c 'shadowmm_space_' "$tmp/none")"
smm_unload
smmctl stats show output "$tmp/node/shadowmm.prom" > "$tmp/stdout" 2> "$tmp/err"
ktap_check "without the module: exit 1, nothing printed, FILE as it was" same \
	"1 0 same" "$? $(wc -c < "$tmp/stdout") $(cmp -s "$tmp/out" "$tmp/node/shadowmm.prom" && echo same)"
rm -rf "$tmp"
ktap_finished
