#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Differential test of issue 24's fidelity: the shadow given the guest
# kernel's own inputs prints what the guest kernel prints.
#
# Watermarks, reserves and per-CPU limits: the shadow, loaded on the
# 1 GiB range with the guest's managed pages per zone (zones=, in pages)
# and its min_free_kbytes, must report in its zoneinfo the min/low/high
# (less the guest's boost), protection tuple and pcp high/batch of the
# guest's /proc/zoneinfo, zone by zone. The guest computed its own at
# boot, before the initramfs and init memory were freed (managed grew
# since); writing its sysctls back unchanged makes it compute them again
# from today's managed counts (setup_per_zone_wmarks(), zone_pcp_update(),
# setup_per_zone_lowmem_reserve()), which is what the shadow is given.
#
# Fragmentation indexes: the guest's /proc/buddyinfo (read before and
# after its extfrag files, until both reads agree) is forced on the
# shadow's zones of the same sizes, and the shadow's unusable_index and
# extfrag_index rows must equal the guest's. Forcing, with per-CPU lists
# off and the reserve flag (no watermark): every free block of the zone
# is allocated, Movable (no fallback, so the smallest fitting block is
# always the one split); then, order by order from 0 up, enough order-10
# blocks are freed and allocated again as blocks of the order, and every
# other one of those freed (their buddies stay allocated: nothing merges);
# last, the order-10 blocks wanted free are freed.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
T=/tmp/fidelity.$$

ktap_header
ktap_plan 9
smm_need_range "$SMM_BIG_BASE" 1G

smm_unload
mkdir -p $T

# The guest's inputs, recomputed from today's managed counts.
cat /proc/sys/vm/lowmem_reserve_ratio > $T/ratio
cat $T/ratio > /proc/sys/vm/lowmem_reserve_ratio
mfk=$(cat /proc/sys/vm/min_free_kbytes)
echo "$mfk" > /proc/sys/vm/min_free_kbytes

# zoneinfo_digest FILE LAYOUT: zoneinfo of DMA, DMA32, Normal, one line
# per field:
#   ZONE wmark MIN LOW HIGH        (each less the zone's boost)
#   ZONE managed N
#   ZONE protection UPPER R        (per zone UPPER of the guest's)
#   ZONE pcphigh N H               (per CPU N)
#   ZONE pcpbatch N B
# The protection tuple has an entry per zone the kernel was built with
# (MAX_NR_ZONES), in LAYOUT's order: Debian's 6.1 has five (DMA, DMA32,
# Normal, Movable, Device), the debug kernels' tinyconfig no ZONE_DMA
# and no ZONE_DEVICE, three. Each entry is named by its zone and those
# the guest has are compared ("-" where FILE has none), so a tuple of
# another length is compared where it is comparable and a missing entry
# still differs. Only the zones the guest was built with are kept: the
# shadow's DMA zone, empty, has no line in a kernel without ZONE_DMA.
# A 6.7+ kernel moves a pcp's high between high_min and high_max as the
# CPU frees and allocates; newer ones print both, and their high_min is
# the high 6.1 sets (zone_highsize() of the low watermark), the shadow's.
# 6.12 prints only the moving high: nothing to compare it with.
zoneinfo_digest() {
	awk -v dynamic="$dynamic_high" -v layout="$2" -v against="$guest_zones" '
	     BEGIN {
		nl = split(layout, name, " ")
		for (i = 1; i <= nl; i++)
			at[name[i]] = i
		na = split(against, upper, " ")
		for (i = 1; i <= na; i++)
			guest[upper[i]] = 1
	     }
	     function flush() {
		if (cpu != "") {
			if (hmin != "")
				print zone, "pcphigh", cpu, hmin
			else if (!dynamic)
				print zone, "pcphigh", cpu, high
			print zone, "pcpbatch", cpu, batch
		}
		cpu = hmin = ""
	     }
	     $1 == "Node" {
		flush()
		zone = $4
		keep = (zone in guest) && (zone == "DMA" || zone == "DMA32" || zone == "Normal")
	     }
	     !keep { next }
	     $1 == "boost" { boost = $2 }
	     $1 == "min" && NF == 2 { min = $2 }
	     $1 == "low" && NF == 2 { low = $2 }
	     $1 == "high" && NF == 2 { print zone, "wmark", min - boost, low - boost, $2 - boost }
	     $1 == "managed" { print zone, "managed", $2 }
	     $1 == "protection:" {
		p = $0
		sub(/^ *protection: \(/, "", p)
		sub(/\) *$/, "", p)
		np = split(p, r, ", *")
		for (i = 1; i <= na; i++)
			print zone, "protection", upper[i], \
				((upper[i] in at) && at[upper[i]] <= np ? r[at[upper[i]]] : "-")
	     }
	     $1 == "cpu:" { flush(); cpu = $2 }
	     $1 == "high:" { high = $2 }
	     $1 == "batch:" { batch = $2 }
	     $1 == "high_min:" { hmin = $2 }
	     $1 == "node_unreclaimable:" { flush() }
	     END { flush() }' "$1"
}

# Does this kernel move pcp->high (6.7+: "mm: tune PCP high automatically")?
dynamic_high=$(uname -r | awk -F. '{ print ($1 > 6 || ($1 == 6 && $2 >= 7)) ? 1 : 0 }')
# the guest's zones in index order: zoneinfo lists every zone, populated or not
guest_zones=$(awk '$1 == "Node" { printf "%s%s", sep, $4; sep = " " }' /proc/zoneinfo)
ktap_print_msg "guest zones (protection tuple order): $guest_zones"
zoneinfo_digest /proc/zoneinfo "$guest_zones" > $T/guest.zi
managed() { awk -v z="$1" '$1 == z && $2 == "managed" { print $3 }' $T/guest.zi; }
dma=$(managed DMA) dma32=$(managed DMA32) normal=$(managed Normal)
total=$((${dma:-0} + ${dma32:-0} + ${normal:-0}))
ktap_print_msg "guest: managed DMA ${dma:-0} DMA32 ${dma32:-0} Normal ${normal:-0} pages," \
	"min_free_kbytes $mfk, $(grep -c '^processor' /proc/cpuinfo) CPUs"

# zones= of the guest's managed pages: each non-empty zone in order, the
# last one taking the rest of a range exactly their sum.
zones=
last=
for z in DMA:${dma:-0} DMA32:${dma32:-0} Normal:${normal:-0}; do
	[ "${z#*:}" -gt 0 ] || continue
	[ -z "$last" ] || zones="$zones${zones:+,}${last%:*}:$((${last#*:} * 4))K"
	last=$z
done
zones="$zones${zones:+,}${last%:*}:rest"
params="base=$SMM_BIG_BASE size=$((total * 4))K zones=$zones min_free_kbytes=$mfk"
ktap_print_msg "shadow: $params"
if [ $((total * 4096)) -gt $((1 << 30)) ]; then
	ktap_fail_rest "the guest manages $total pages, more than the 1 GiB range holds"
	ktap_finished
fi

smm_load_or_fail base="$SMM_BIG_BASE" size="$((total * 4))K" zones="$zones" min_free_kbytes="$mfk"
# the shadow's tuple: every zone, Device after Movable (module/debugfs.c,
# SMM_KERNEL_NR_ZONES); the guest's entries are compared by name, so its
# missing HighMem is not, and the shadow's empty HighMem adds nothing
zoneinfo_digest $D/zoneinfo "DMA DMA32 Normal HighMem Movable Device" > $T/shadow.zi

# same_lines WHAT: the guest's and the shadow's lines of WHAT agree
same_lines() {
	grep " $1 " $T/guest.zi > "$T/g.$1"
	grep " $1 " $T/shadow.zi > "$T/s.$1"
	[ -s "$T/g.$1" ] || { echo "no $1 lines in the guest's zoneinfo"; return 1; }
	cmp -s "$T/g.$1" "$T/s.$1" && return 0
	echo "guest:"; cat "$T/g.$1"
	echo "shadow:"; cat "$T/s.$1"
	return 1
}
ktap_check "managed pages per zone as the guest's" same_lines managed
ktap_check "min/low/high watermarks as the guest's" same_lines wmark
ktap_check "protection (lowmem reserves) as the guest's" same_lines protection
ktap_check "pcp batch per CPU as the guest's" same_lines pcpbatch
if grep -q " pcphigh " $T/guest.zi; then
	ktap_check "pcp high per CPU as the guest's" same_lines pcphigh
else
	ktap_skip "pcp high per CPU as the guest's" \
		"$(uname -r) moves pcp high and prints no high_min"
fi
smm_unload

# --- fragmentation indexes ---

# The guest's free areas and indexes, read until buddyinfo is the same
# before and after the indexes (the guest is idle but not still).
stable=0
try=0
while [ $try -lt 50 ]; do
	try=$((try + 1))
	cat /proc/buddyinfo > $T/b1
	cat /sys/kernel/debug/extfrag/unusable_index > $T/gu
	cat /sys/kernel/debug/extfrag/extfrag_index > $T/ge
	cat /proc/buddyinfo > $T/b2
	if cmp -s $T/b1 $T/b2; then
		stable=1
		break
	fi
	sleep 0.2
done
ktap_print_msg "guest buddyinfo after $try reads:"
sed 's/^/#   /' $T/b1

# The indexes depend on the free areas only, not on the zone's size: each
# shadow zone is as many order-10 blocks as forcing its vector takes
# (those left free, and per lower order enough to carve it from), the
# last one the rest of the 1 GiB range.
# (busybox awk has no ^: POW2 is 2^n by doubling)
POW2='function pow2(n,  r) { r = 1; while (n-- > 0) r *= 2; return r }'
awk "$POW2"'
     $4 ~ /^(DMA|DMA32|Normal)$/ {
	need = $15
	for (o = 0; o < 10; o++)
		need += int(($(5 + o) + pow2(9 - o) - 1) / pow2(9 - o))
	print $4, need }' $T/b1 > $T/need
fzones=$(awk '{ z[NR] = $1; n[NR] = $2 }
	END { for (i = 1; i < NR; i++) printf "%s:%dM,", z[i], (n[i] > 0 ? n[i] : 1) * 4; print z[NR] ":rest" }' $T/need)
fneed=$(awk '{ n += $2 } END { print n }' $T/need)
ktap_print_msg "shadow: zones=$fzones, $fneed order-10 blocks needed of 256"

# The handles of an allocation, with the low 32 bits (the frame index).
alloc_idx() {
	smmctl page alloc "$@" type Movable reserve |
		awk 'function hex(s,  i, n) { n = 0; s = tolower(s)
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n }
		     { h = $1; sub(/^0x/, "", h); l = length(h)
		       print $1, hex(l > 8 ? substr(h, l - 7) : h) }'
}

# alloc_n ORDER ZONE COUNT FILE: COUNT blocks, in batches, added to FILE
alloc_n() {
	local left=$3 n
	while [ "$left" -gt 0 ]; do
		n=$left
		[ "$n" -le 4096 ] || n=4096
		alloc_idx order "$1" zone "$2" count "$n" > $T/batch || return 1
		[ "$(wc -l < $T/batch)" -eq "$n" ] || { echo "got $(wc -l < $T/batch) of $n"; return 1; }
		cat $T/batch >> "$4"
		left=$((left - n))
	done
}

# free_file FILE: free every handle in FILE (first column), 4096 a call
free_file() {
	local line
	awk '{ printf "%s%s", (NR % 4096 == 1 ? "" : " "), $1 } NR % 4096 == 0 { print "" }
	     END { if (NR % 4096) print "" }' "$1" > $T/lines
	while read -r line; do
		[ -n "$line" ] || continue
		# shellcheck disable=SC2086
		smmctl page free $line > /dev/null || return 1
	done < $T/lines
}

# take_all ZONE H10 REST: every free block of ZONE, largest first (no
# block is split), the order-10 ones listed in H10, the others in REST
take_all() {
	local o have
	for o in 10 9 8 7 6 5 4 3 2 1 0; do
		have=$(smmctl -j zone show "$1" | jq -r ".zones[0].nr_free[$o]")
		[ "$have" -gt 0 ] || continue
		if [ "$o" = 10 ]; then
			alloc_n 10 "$1" "$have" "$2" || return 1
		else
			alloc_n "$o" "$1" "$have" "$3" || return 1
		fi
	done
}

# force_vector ZONE N0 .. N10: make the shadow's ZONE (per-CPU lists off)
# hold exactly that free-area vector. The zones below ZONE must have
# nothing free: a request for ZONE that finds it under its watermark
# goes on to the zones below, as the kernel's zonelist walk does.
force_vector() {
	local zone=$1 o want k
	shift
	: > $T/h10
	: > $T/rest
	take_all "$zone" $T/h10 $T/rest || return 1
	o=0
	for want in "$@"; do
		[ "$o" -lt 10 ] || break
		if [ "$want" -gt 0 ]; then
			# an order-10 block gives 2^(9-o) free blocks of order o
			k=$(( (want + (1 << (9 - o)) - 1) >> (9 - o) ))
			[ "$(wc -l < $T/h10)" -ge "$k" ] ||
				{ echo "$zone: not enough order-10 blocks for order $o"; return 1; }
			head -n "$k" $T/h10 > $T/take
			sed -i "1,${k}d" $T/h10
			free_file $T/take || return 1
			: > $T/pieces
			alloc_n "$o" "$zone" $((k << (10 - o))) $T/pieces || return 1
			awk -v o="$o" -v want="$want" "$POW2"'
			     int($2 / pow2(o)) % 2 == 0 && n < want { print; n++ }' \
				$T/pieces > $T/free
			free_file $T/free || return 1
		fi
		o=$((o + 1))
	done
	head -n "$want" $T/h10 > $T/free
	[ "$(wc -l < $T/free)" -eq "$want" ] ||
		{ echo "$zone: not enough order-10 blocks to leave $want free"; return 1; }
	free_file $T/free
}

# The guest's vectors, zone by zone, onto the shadow.
forced=0
: > $T/force.log
if [ "$stable" = 1 ] && [ "$fneed" -le 256 ] &&
   smm_load base="$SMM_BIG_BASE" size=1G zones="$fzones" pcp=0 >> $T/force.log 2>&1; then
	forced=1
	# highest zone first, every lower zone taken whole until its turn
	awk '$4 ~ /^(DMA|DMA32|Normal)$/' $T/b1 > $T/zones
	while read -r _ _ _ zone _; do
		: > $T/fill.$zone
		take_all "$zone" $T/fill.$zone $T/fill.$zone < /dev/null >> $T/force.log 2>&1 || forced=0
	done < $T/zones
	tac $T/zones > $T/zones.r
	while read -r _ _ _ zone v; do
		free_file $T/fill.$zone < /dev/null >> $T/force.log 2>&1 || forced=0
		# shellcheck disable=SC2086
		force_vector "$zone" $v < /dev/null >> $T/force.log 2>&1 || forced=0
	done < $T/zones.r
fi

# The rows of ZONE names in FILE, "zone NAME v0 .. v10" with single spaces.
rows() { awk '$4 ~ /^(DMA|DMA32|Normal)$/ { s = $4; for (i = 5; i <= NF; i++) s = s " " $i; print s }' "$1"; }
same_rows() {
	rows "$1" > $T/rg
	rows "$2" > $T/rs
	cmp -s $T/rg $T/rs && return 0
	echo "guest:"; cat $T/rg
	echo "shadow:"; cat $T/rs
	return 1
}
if [ "$forced" = 1 ]; then
	ktap_check "the shadow holds the guest's free areas" same_rows $T/b1 $D/buddyinfo
	ktap_check "unusable_index as the guest's" same_rows $T/gu $D/unusable_index
	ktap_check "extfrag_index as the guest's" same_rows $T/ge $D/extfrag_index
	ktap_check "check passes after forcing" sh -c "smmctl check > /dev/null"
else
	ktap_fail_rest "could not force the guest's free areas on the shadow (stable $stable," \
		"$fneed order-10 blocks needed)" "$(cat $T/force.log)"
fi

smm_loaded && smmctl page free all > /dev/null
smm_unload
rm -rf $T
ktap_finished
