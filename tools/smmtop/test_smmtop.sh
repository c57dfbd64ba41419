#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# smmtop on the host, without a module: replays of a synthetic capture
# (test_mkcap: a 64 MiB range, two zones, a known frame map) in batch
# mode, checked line by line, and on a screen in tmux at 80x24, checked
# after each key: panels, numbers, help, focus, zoom, migratetypes,
# the slab table and its sorting, the walk view, the compaction view, the
# page-cache panel, resize, quit. Also the options it refuses, and the error without a
# module. TAP output; exit 1 on any failure.
#
#   test_smmtop.sh [SMMTOP [MKCAP]]   (default: next to this script)

here=$(dirname "$0")
SMMTOP=$(realpath "${1:-$here/smmtop}")
MKCAP=$(realpath "${2:-$here/test_mkcap}")
dir=$(mktemp -d)
sock=smmtop-test-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$dir"' EXIT

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

# the words of a line, one space apart
squeeze() {
	local w
	read -ra w <<< "$1"
	echo "${w[*]}"
}

ktap_header
ktap_plan 109

cap=$dir/cap64
"$MKCAP" 64 16 3 "$cap" > "$dir/mkcap.out" || { echo "Bail out! test_mkcap failed"; exit 1; }
dma_free=$(awk '$2 == "DMA" { print $4 }' "$dir/mkcap.out")
normal_free=$(awk '$2 == "Normal" { print $4 }' "$dir/mkcap.out")
total_free=$((dma_free + normal_free))

# ---- batch mode ----

"$SMMTOP" -b -n 2 -d 0.25 --replay "$cap" > "$dir/batch" 2> "$dir/batch.err"
check "batch: exit 0, nothing on stderr" "0 0" "$? $(wc -c < "$dir/batch.err")"
mapfile -t L < "$dir/batch"
check "batch: line 1 is the module and the interval" \
	"smmtop - shadowmm 0.1.0 on 6.1.0-capture, refresh 0.250 s" "${L[0]}"
check "batch: line 2 is the range" \
	"Range: 67108864 bytes reserved at 0x40000000, 16384 frames of 4096 B, span 16384, 1 sections" \
	"${L[1]}"
check "batch: line 3 totals the zones' free frames" \
	"Frames: 16384 managed, $total_free free, 0 pcp, $((16384 - total_free)) used" "${L[2]}"
check "batch: the zone table's heading" \
	"ZONE MANAGED FREE PCP MIN LOW HIGH BOOST HIGHATOMIC ALLOC/s FREE/s LEVEL" "$(squeeze "${L[4]}")"
check "batch: DMA's row, no rates in the first snapshot" \
	"DMA 4096 $dma_free 0 64 80 96 0 0 - - above high" "$(squeeze "${L[5]}")"
check "batch: Normal's row, the marks with its boost of 512, a pageblock of highatomic reserve" \
	"Normal 12288 $normal_free 0 704 752 800 512 512 - - above high" "$(squeeze "${L[6]}")"
check "batch: the frame map's free frames equal the zones'" "$total_free" \
	"$(grep -m1 '^FRAME MAP' "$dir/batch" | sed 's/.*; [0-9]* hole \([0-9]*\) free.*/\1/')"
check "batch: 8 grid lines of 64 states" "8 8" \
	"$(grep -m8 -c '^  |[._,#stm?]\{64\}|$' "$dir/batch") $(grep -m1 -A8 '^FRAME MAP' "$dir/batch" | grep -c '|$')"
# the second snapshot comes 0.25 s (replayed) after the first: the
# capture's counters grow by 1000 allocations and 900 frees per refresh
check "batch: rates in the second snapshot" "DMA 4096 $dma_free 0 64 80 96 0 0 4000.000 3600.000 above high" \
	"$(grep -A1 '^ZONE' "$dir/batch" | sed -n 5p | tr -s ' ')"
check "batch: two snapshots" 2 "$(grep -c '^smmtop - ' "$dir/batch")"

"$SMMTOP" -b -j -n 1 --replay "$cap" > "$dir/json"
check "batch -j: the zones' free frames" "$dma_free $normal_free" \
	"$(jq -r '[.zones[].free] | join(" ")' "$dir/json" 2>&1)"
check "batch -j: the zones' boost and highatomic reserve" "0 0 512 512" \
	"$(jq -r '[.zones[] | .boost, .nr_reserved_highatomic] | join(" ")' "$dir/json" 2>&1)"
check "batch -j: the frame map" "$total_free $((16384 - total_free))" \
	"$(jq -r '"\(.frames.free) \(.frames.page + .frames.slab + .frames.pgtable)"' "$dir/json" 2>&1)"
slab_frames=$(jq -r .frames.slab "$dir/json")
check "batch -j: the frame map marks slab frames" "yes yes" \
	"$([ "$slab_frames" -gt 0 ] && echo yes) $(grep -m1 -A8 '^FRAME MAP' "$dir/batch" | grep -q '|.*s.*|$' && echo yes)"

# ---- marked pages: a capture of FRAME_GET's packed reply (MKCAP_PACKED=1) ----

pcap=$dir/cap64p
MKCAP_PACKED=1 "$MKCAP" 64 16 3 "$pcap" > "$dir/mkcap-p.out" || { echo "Bail out! test_mkcap (packed) failed"; exit 1; }
# "marks anon A file F dirty D shared S": frames with each mark, as test_mkcap made them
read -r _ _ m_anon _ m_file _ m_dirty _ m_shared < <(grep '^marks ' "$dir/mkcap-p.out")
"$SMMTOP" -b -n 1 --replay "$pcap" > "$dir/batch-p" 2>&1
check "batch, packed: the marked frames by mark" \
	"marked: $m_anon anon $m_file file $m_dirty dirty $m_shared shared" \
	"$(grep -m1 '^  marked:' "$dir/batch-p" | sed 's/^  //')"
check "batch, packed: the frame map's free frames as the nested capture's" \
	"$(grep -m1 '^FRAME MAP' "$dir/batch" | sed 's/.* \([0-9]*\) free.*/\1/')" \
	"$(grep -m1 '^FRAME MAP' "$dir/batch-p" | sed 's/.* \([0-9]*\) free.*/\1/')"
check "batch, packed: the grid has anon, shared, file and dirty cells" "S a d f" \
	"$(grep -m1 -A8 '^FRAME MAP' "$dir/batch-p" | grep '^  |' | grep -o '[aSfd]' | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "batch -j, packed: the marks object" "$m_anon $m_file $m_dirty $m_shared" \
	"$("$SMMTOP" -b -j -n 1 --replay "$pcap" | jq -r '.marks | "\(.anon) \(.file) \(.dirty) \(.shared)"' 2>&1)"
check "batch, nested: no marks line, no marked cells" "0 0" \
	"$(grep -c '^  marked:' "$dir/batch") $(grep -m1 -A8 '^FRAME MAP' "$dir/batch" | grep '^  |' | grep -c '[aSfd]')"

# ---- the slab table: batch lines against what test_mkcap dumped ----

# "cache NAME objs N active A slabs S" per cache, largest OBJS first (the
# default sort; no two have the same count)
mapfile -t C < <(awk '$1 == "cache" { print $4, $6, $8, $2 }' "$dir/mkcap.out" | sort -k1,1nr)
mapfile -t S < <(sed -n '/^SLABS:/,/^$/p' "$dir/batch" | head -$((${#C[@]} + 2)))
check "batch: the slab table's title" "SLABS: ${#C[@]} caches, sorted by OBJS" "${S[0]}"
check "batch: the slab table's heading" "OBJS ACTIVE USE OBJ SIZE SLABS OBJ/SLAB CACHE SIZE NAME" \
	"$(squeeze "${S[1]}")"
seen=""
for i in "${!C[@]}"; do
	read -r objs active slabs name <<< "$(squeeze "${S[$((i + 2))]}" | awk '{ print $1, $2, $5, $8 }')"
	seen+="$objs $active $slabs $name;"
done
check "batch: a slab row per cache with its counts, in OBJS order" \
	"$(printf '%s;' "${C[@]}")" "$seen"
check "batch: the mk_dentry row in full" \
	"210 200 95% 192 10 21 40.0K mk_dentry" "$(squeeze "${S[2]}")"
check "batch -j: the caches' names and counts" "$(printf '%s;' "${C[@]}")" \
	"$(jq -r '.slabs[] | "\(.num_objs) \(.active_objs) \(.num_slabs) \(.name)"' "$dir/json" | tr '\n' ';')"

# -s: slabtop's sort keys, name A first, sizes largest first
"$SMMTOP" -b -n 1 -s n --replay "$cap" > "$dir/by_name"
check "batch -s n: sorted by NAME, in name order" \
	"SLABS: ${#C[@]} caches, sorted by NAME;$(printf '%s\n' "${C[@]##* }" | LC_ALL=C sort | tr '\n' ';')" \
	"$(sed -n '/^SLABS:/,/^$/p' "$dir/by_name" | awk 'NR == 1 { printf "%s;", $0 }
		NR > 2 && NF { printf "%s;", $NF }')"
"$SMMTOP" -b -j -n 1 --sort z --replay "$cap" > "$dir/by_size"
check "batch -j --sort z: largest objects first" \
	"$(jq -r '[.slabs[].object_size] | sort | reverse | join(" ")' "$dir/json")" \
	"$(jq -r '[.slabs[].object_size] | join(" ")' "$dir/by_size" 2>&1)"

# -w: the walk as smmctl pt walk prints it (the capture answers any
# walk with test_mkcap's: a 4 KiB page under a folded P4D)
"$SMMTOP" -b -n 1 -w "1 0x1000" --replay "$cap" > "$dir/walk"
check "batch -w: the title, the step, a line per level" \
	"WALK: pid 1 0x0000000000001000;0x00007ffd3a2b1000 page 4 KiB pfn 0x1a2b3;PGD 255 0x0000001000000067 present write user accessed dirty;P4D folded into the PGD (4-level paging);PUD 488;PMD 209;PTE 177;" \
	"$(sed -n '/^WALK:/,/^$/p' "$dir/walk" | while read -r l; do
		[ -z "$l" ] || case $l in
		P[UMT]?' '*) printf '%s;' "$(squeeze "$l" | cut -d' ' -f1-2)" ;;
		*) printf '%s;' "$(squeeze "$l")" ;;
		esac
	done)"
"$SMMTOP" -b -j -n 1 --walk "kernel 0x1000" --replay "$cap" > "$dir/walk.json"
check "batch -j --walk: a walk array of one step, as smmctl's steps" \
	"page 4096 107187 PGD,P4D,PUD,PMD,PTE" \
	"$(jq -r '.walk[0] | "\(.kind) \(.size) \(.pfn) \([.levels[].level] | join(","))"' \
		"$dir/walk.json" 2>&1)"

# ---- the pressure panel: test_mkcap's counters grow by fixed steps ----

# section NAME FILE: the lines of batch section NAME (to the blank line), squeezed, ";"-joined
section() { sed -n "/^$1:/,/^\$/p" "$2" | sed '/^$/d' | while read -r l; do printf '%s;' "$(squeeze "$l")"; done; }
mapfile -t P < <(section PRESSURE "$dir/batch" | tr ';' '\n')
check "batch: the pressure panel's LRU lists per zone, first snapshot" \
	"PRESSURE:;LRU INACTIVE_ANON ACTIVE_ANON INACTIVE_FILE ACTIVE_FILE UNEVICTABLE;DMA 15 20 0 0 1;Normal 35 40 0 0 3;" \
	"$(printf '%s;' "${P[@]:0:4}")"
check "batch: first snapshot: counter totals, no rates, the efficiency since load" \
	"COUNTER TOTAL PER_SEC;pgscan_kswapd 1400 -;pgscan_direct 100 -;pgsteal_kswapd 300 -;pgsteal_direct 50 -;allocstall 3 -;pswpin 10 -;pswpout 200 -;oom_kill 1 -;efficiency_pct 23.300 -;swap used 100 total 16384 pages;" \
	"$(printf '%s;' "${P[@]:4:11}")"
mapfile -t P2 < <(sed -n '/^PRESSURE:/,$p' "$dir/batch" | sed '1,/^EVENTS/d' | sed -n '/^PRESSURE:/,/^$/p' | while read -r l; do squeeze "$l"; done)
check "batch: second snapshot: rates 0.25 s on (pages/s), the interval's efficiency 350/500" \
	"pgscan_kswapd 1800 1600.000;pgscan_direct 200 400.000;pgsteal_kswapd 600 1200.000;pgsteal_direct 100 200.000;allocstall 6 12.000;pswpin 20 40.000;pswpout 400 800.000;oom_kill 1 0.000;efficiency_pct 35.000 70.000;swap used 200 total 16384 pages;" \
	"$(printf '%s;' "${P2[@]:5:10}")"
check "batch: the spaces, most RSS first, in kB as smmctl space show's VmRSS" \
	"SPACES: 2, sorted by rss;ID RSS_KB SWAP_KB PTE_KB VMAS;7 160 100 20 3;1 0 0 20 0;" \
	"$(section SPACES "$dir/batch" | cut -d';' -f1-4);"
"$SMMTOP" -b -n 1 -o id --replay "$cap" > "$dir/by_id"
check "batch -o id: the spaces by ID, lowest first" \
	"SPACES: 2, sorted by id;ID RSS_KB SWAP_KB PTE_KB VMAS;1 0 0 20 0;7 160 100 20 3;" \
	"$(section SPACES "$dir/by_id")"
"$SMMTOP" -b -n 1 --sort-spaces swap --replay "$cap" > "$dir/by_swap"
check "batch --sort-spaces swap: most swap first" "SPACES: 2, sorted by swap;7;1;" \
	"$(section SPACES "$dir/by_swap" | tr ';' '\n' | awk 'NR == 1 { printf "%s;", $0 } NR > 2 && NF { printf "%s;", $1 }')"
"$SMMTOP" -b -j -n 2 -d 0.25 --replay "$cap" > "$dir/pjson"
check "batch -j: the second snapshot's pressure counters, efficiency, swap" \
	"1800 1600 400 70 35 200 16384 true" \
	"$(jq -rs '.[1].pressure | "\(.counters.pgscan_kswapd.total) \(.counters.pgscan_kswapd.rate) \(.counters.pgscan_direct.rate) \(.efficiency_interval) \(.efficiency) \(.swap_used) \(.swap_total) \(.swap_on)"' "$dir/pjson" 2>&1)"
check "batch -j: the LRU lists and the spaces" "DMA 15 20 0 0 1;Normal 35 40 0 0 3;7 160 100 20 3;1 0 0 20 0;" \
	"$(jq -rj '.[0] | (.pressure.lru[] | "\(.name) \(.inactive_anon) \(.active_anon) \(.inactive_file) \(.active_file) \(.unevictable);"), (.spaces[] | "\(.id) \(.rss_kb) \(.swap_kb) \(.pte_kb) \(.nr_vmas);")' <(jq -s . "$dir/pjson") 2>&1)"
# a capture made before the panel: no VMSTAT_GET, SWAP_GET; SPACE_GET once, last
MKCAP_OLD=1 "$MKCAP" 64 16 3 "$dir/old" > /dev/null
"$SMMTOP" -b -n 2 -d 0.25 --replay "$dir/old" > "$dir/oldb" 2> "$dir/err"
check "an old capture: exit 0, no pressure section, the zones' rates as before" \
	"0 0 0 DMA 4096 $dma_free 0 64 80 96 0 0 4000.000 3600.000 above high" \
	"$? $(wc -c < "$dir/err") $(grep -c '^PRESSURE:' "$dir/oldb") $(grep -A1 '^ZONE' "$dir/oldb" | sed -n 5p | tr -s ' ')"
"$SMMTOP" -b -n 1 -o x --replay "$cap" > /dev/null 2> "$dir/err"
check "-o x is refused" "2 smmtop: -o wants one of rss swap pte vmas id, not \"x\"" \
	"$? $(cat "$dir/err")"

# ---- the compaction view: test_mkcap's Normal has run N (refresh N) scanning for
# order 9, each scanner 1024 frames further a refresh; DMA has had none ----

mapfile -t K < <(section COMPACTION "$dir/batch" | tr ';' '\n')
check "batch: compaction per zone, DMA without a run, first snapshot" \
	"COMPACTION:;COMPACT RUNS STATE ORDER MIGRATE FREE EXTFRAG UNUSABLE;DMA 0 never - - -;|................................................................|" \
	"${K[0]};${K[1]};$(echo "${K[2]}" | cut -d' ' -f1-6);${K[3]}"
check "batch: Normal's run 1 at 4096 + 1024 and 16384 - 512 - 1024; M and F on its bar" \
	"Normal 1 scanning 9 5120 14848;|>>>>>M..................................................F<<<<<<<|" \
	"$(echo "${K[4]}" | cut -d' ' -f1-6);${K[5]}"
check "batch: second snapshot: run 2, scanners 1024 frames on, the counters' rates over 0.25 s" \
	"Normal 2 scanning 9 6144 13824;pgmigrate_success 800 1600.000;compact_isolated 1600 3200.000;compact_migrate_scanned 4000 8000.000;compact_free_scanned 6000 12000.000;compact_daemon_wake 4 4.000;compact_stall 2 4.000;" \
	"$(echo "${K[17]}" | cut -d' ' -f1-6);$(printf '%s;' "${K[@]:20:6}")"
check "batch -j: compaction's zones and a counter's rate" \
	"DMA 0 never null;Normal 2 scanning 6144 13824 9;1600" \
	"$(jq -rs '.[1].compaction | ([.zones[] | "\(.name) \(.runs) \(.state) \(.migrate_pfn)\(if .runs > 0 then " \(.free_pfn) \(.order)" else "" end)"] | join(";")) + ";\(.counters.pgmigrate_success.rate)"' "$dir/pjson" 2>&1)"
check "an old capture (no counters): no compaction section" 0 "$(grep -c '^COMPACTION:' "$dir/oldb")"
# refresh 6: the migrate scanner at 4096 + 6144 = 10240 is past the free
# scanner's pageblock at 16384 - 512 - 6144 = 9728: they crossed; on 64
# characters for Normal's 12288 frames, F at (9728 - 4096) * 64 / 12288 =
# 29 and M at 32
"$MKCAP" 64 16 6 "$dir/cap6" > /dev/null
check "batch: scanners that crossed read >>F>>M<< on the bar" \
	"Normal 6 scanning 9 10240 9728;|$(printf "%29s" | tr " " ">")F>>M$(printf "%31s" | tr " " "<")|" \
	"$("$SMMTOP" -b -n 6 -d 0.25 --replay "$dir/cap6" | sed -n '/^COMPACTION:/,/^$/p' | grep -A1 '^Normal' |
		tail -2 | while read -r l; do printf '%s;' "$(squeeze "$l" | cut -d' ' -f1-6)"; done | sed 's/;$//')"

# ---- the page-cache panel: test_mkcap's three files (an 8 MiB file read
# once, 8 misses and 2,040 hits; a mapped file with a long path, 100 hits
# and 60 misses, 3 dirty, 5 written, 64 mapped; a file never read) and
# its file counters (Cached 2112 pages, Active(file) 2048, Inactive(file)
# 64, Dirty 3; refaults and activations growing by fixed steps) ----

long=/srv/a/long/directory/name/that/goes/on/and/on/for/a/while/mapped.bin
check "batch: the page cache's meminfo lines in kB (Mapped: the files' mapped pages)" \
	"PAGECACHE:;Cached: 8448 kB;Active(file): 8192 kB;Inactive(file): 256 kB;Dirty: 12 kB;Writeback: 0 kB;Mapped: 256 kB;" \
	"$(section PAGECACHE "$dir/batch" | cut -d';' -f1-7);"
mapfile -t F < <(sed -n '/^PAGECACHE:/,$p' "$dir/batch" | sed '1,/^EVENTS/d' | sed -n '/^PAGECACHE:/,/^$/p' | while read -r l; do squeeze "$l"; done)
check "batch: second snapshot: the workingset's refaults and activations per second over 0.25 s" \
	"workingset_refault_file 32 64.000;workingset_refault_anon 8 16.000;workingset_activate_file 16 32.000;workingset_activate_anon 4 8.000;pgpgin 8320 256.000;" \
	"$(printf '%s;' "${F[@]:8:5}")"
check "batch: the files, most cached first; hit ratio = hits / (hits + misses), - before any read" \
	"FILES: 3, sorted by cached;ID SIZE_KB CACHED HIT_PCT RA_NOW RA_MAX DIRTY WRITTEN MAPPED PATH;1 8192 2048 99.600 32 32 0 0 0 /tmp/f8m;3 256 64 62.500 0 0 3 5 64 $long;4 12 0 - 0 32 0 0 0 /tmp/unread;" \
	"$(section FILES "$dir/batch" | cut -d';' -f1-5);"
"$SMMTOP" -b -n 1 --sort-files hit --replay "$cap" > "$dir/by_hit"
check "batch --sort-files hit: best hit ratio first, the unread file last" \
	"FILES: 3, sorted by hit;1;3;4;" \
	"$(section FILES "$dir/by_hit" | tr ';' '\n' | awk 'NR == 1 { printf "%s;", $0 } NR > 2 && NF { printf "%s;", $1 }')"
"$SMMTOP" -b -n 1 --sort-files mapped --replay "$cap" > "$dir/by_mapped"
check "batch --sort-files mapped: the mapped file first" "3" \
	"$(section FILES "$dir/by_mapped" | cut -d';' -f3 | cut -d' ' -f1)"
check "batch -j: the page cache's lines, a rate, and a file's columns" \
	"8448 256 64 3 62.5 100 60 0 0 3 5 64 $long" \
	"$(jq -rs '.[1].pagecache | "\(.Cached) \(.Mapped) \(.counters.workingset_refault_file.rate)"' "$dir/pjson" 2>&1) $(jq -rs '.[1].files[1] | "\(.id) \(.hit_pct) \(.hits) \(.misses) \(.ra_size) \(.ra_pages) \(.dirty) \(.written) \(.mapped) \(.path)"' "$dir/pjson" 2>&1)"
check "an old capture (no counters, no files): no page-cache section" 0 \
	"$(grep -c '^PAGECACHE:\|^FILES:' "$dir/oldb")"
"$SMMTOP" -b -n 1 --sort-files x --replay "$cap" > /dev/null 2> "$dir/err"
check "--sort-files x is refused" \
	"2 smmtop: --sort-files wants one of cached size hit ra dirty written mapped id, not \"x\"" \
	"$? $(cat "$dir/err")"

# ---- options and bad input ----

"$SMMTOP" -b -w "pid x 0x1000" --replay "$cap" > /dev/null 2> "$dir/err"
check "-w with a bad pid is refused" "2 smmtop: -w: invalid pid \"x\"" "$? $(cat "$dir/err")"

"$SMMTOP" -b -s x --replay "$cap" > /dev/null 2> "$dir/err"
check "-s x is refused" "2 smmtop: -s wants one of o a u z l b c n, not \"x\"" \
	"$? $(cat "$dir/err")"

"$SMMTOP" -n 0 > /dev/null 2> "$dir/err"
check "-n 0 is refused" "2 smmtop: -n wants a count of 1 or more, not \"0\"" "$? $(cat "$dir/err")"
"$SMMTOP" -d 0.1 -b > /dev/null 2> "$dir/err"
check "-d 0.1 is refused" "2 smmtop: -d wants seconds from 0.25 to 3600, not \"0.1\"" "$? $(cat "$dir/err")"
"$SMMTOP" --bench > /dev/null 2> "$dir/err"
check "--bench needs --replay" "2 smmtop: --bench needs --replay FILE" "$? $(cat "$dir/err")"
"$SMMTOP" -b --replay "$dir/none" > /dev/null 2> "$dir/err"
check "a missing capture" "1 smmtop: $dir/none: No such file or directory" "$? $(cat "$dir/err")"
head -c 5000 "$cap" > "$dir/cut"
"$SMMTOP" -b --replay "$dir/cut" > /dev/null 2> "$dir/err"
check "a cut capture" "1 smmtop: $dir/cut: not a shadowmm capture, or a damaged one" \
	"$? $(cat "$dir/err")"

# without the module (the host cannot load it): one clear line, exit 1
if [ -e /sys/module/shadowmm ]; then
	ktap_skip "no module: a clear error" "shadowmm is loaded"
else
	"$SMMTOP" -b -n 1 > /dev/null 2> "$dir/err"
	rc=$?
	if grep -q "netlink socket" "$dir/err"; then
		ktap_skip "no module: a clear error" "$(cat "$dir/err")"
	else
		check "no module: a clear error" \
			"1 smmtop: shadowmm: generic netlink family not found (is shadowmm.ko loaded?)" \
			"$rc $(cat "$dir/err")"
	fi
fi

# ---- the screen, in tmux ----

if ! command -v tmux > /dev/null; then
	ktap_exit_skip_all "no tmux"
fi

screen() { tmux -L "$sock" capture-pane -p -t t; }
# wait_for NAME GREP-PATTERN: pass when the screen shows it within 5 s
wait_for() {
	local _
	for _ in $(seq 50); do
		screen | grep -q -- "$2" && { ok "$1"; return 0; }
		sleep 0.1
	done
	not_ok "$1" "a line matching '$2'" "$(screen)"
}
# wait_gone NAME GREP-PATTERN
wait_gone() {
	local _
	for _ in $(seq 50); do
		screen | grep -q -- "$2" || { ok "$1"; return 0; }
		sleep 0.1
	done
	not_ok "$1" "no line matching '$2'" "$(screen)"
}
keys() { tmux -L "$sock" send-keys -t t "$@"; }

tmux -L "$sock" -f /dev/null new-session -d -s t -x 80 -y 24 \
	"TERM=vt100 $SMMTOP --replay $cap -d 0.25; echo smmtop exited \$?; sleep 30"
wait_for "screen: the header at 80x24 on a vt100" '^smmtop - shadowmm 0.1.0 on 6.1.0-capture (replay)'
wait_for "screen: DMA's free frames as the capture has them" \
	"^DMA  *\[.*\]  *$dma_free  *4096 "
wait_for "screen: Normal's free frames and boost, no highatomic column at 80" \
	"^Normal  *\[.*\]  *$normal_free  *12288  *512  *- *- *$"
wait_for "screen: the frame map's legend" '^_ hole \. free , pcp # page s slab t pgtable m space'
keys h
wait_for "screen: h opens the help" 'this help (any key closes it)'
keys x
wait_gone "screen: any key closes it" 'this help (any key closes it)'
keys Tab
wait_for "screen: Tab focuses the free area" '^> Free area'
keys m
wait_for "screen: m shows migratetypes" '^DMA    Unmov'
# Alone, the frame map has all rows but the header's 3, its title, legend
# and cursor line, and the status line: FRAMES over (ROWS - 7) x COLS cells.
per_cell() { echo $((($1 + ($2 - 7) * $3 - 1) / (($2 - 7) * $3))); }
keys Tab f
wait_for "screen: f shows the frame map alone" \
	"^> Frame map: frames 0-16383 of 16384, $(per_cell 16384 24 80) per cell"
keys +
wait_for "screen: + zooms in 4x" "^> Frame map: frames 0-4095 of 16384, $(per_cell 4096 24 80) per cell"
tmux -L "$sock" resize-window -t t -x 100 -y 30
wait_for "screen: a resize redraws at the new size" \
	"^> Frame map: frames 0-4095 of 16384, $(per_cell 4096 30 100) per cell"
keys f Tab
wait_for "screen: Tab focuses the slab table, sorted by OBJS" \
	'^> Slabs: 4 caches, 365/470 objects active, 100K in slabs; sorted by OBJS'
f=${C[0]##* }
wait_for "screen: the slab row of $f with its counts" \
	"^ *${C[0]%% *} .* $f\$"
keys n
wait_for "screen: n sorts by name" 'sorted by NAME$'
first_row() { screen | grep -A1 '^ *OBJS' | sed -n 2p | awk '{ print $NF }'; }
check "screen: by name, kmalloc-1k comes first" kmalloc-1k "$(first_row)"
keys I
wait_for "screen: I reverses the order" 'sorted by NAME, reversed$'
check "screen: reversed, mk_inode comes first" mk_inode "$(first_row)"
keys I '<'
wait_for "screen: < steps to the previous column while Slabs has focus" 'sorted by CACHE SIZE$'
check "screen: < left the interval alone" 1 "$(screen | grep -c 'refresh  *0.25 s$')"
keys s
wait_for "screen: s steps to the next column" 'sorted by NAME$'
# the walk: the capture's PT_WALK reply has four levels, P4D folded
keys w
tmux -L "$sock" send-keys -t t -l "abc 0x1000"
keys Enter
wait_for "screen: a walk with a bad pid is refused, saying why" '^ invalid pid "abc"'
keys w
tmux -L "$sock" send-keys -t t -l "812 0x7ffd3a2b1000"
wait_for "screen: w opens the walk's input line" '^ walk (PID ADDR .*): 812 0x7ffd3a2b1000_'
keys Enter
wait_for "screen: the walk's result, alone with the header" \
	'^> Walk: pid 812 0x00007ffd3a2b1000: page 4 KiB, frame 0x1a2b3'
walk_levels() { screen | sed -n '/^> Walk/,$p' | awk '/^  (PGD|P4D|PUD|PMD|PTE) / { printf "%s %s;", $1, $2 }'; }
check "screen: every level with its index, P4D folded" \
	"PGD 255;P4D folded;PUD 488;PMD 209;PTE 177;" "$(walk_levels)"
check "screen: raw entries and decoded flags" 1 \
	"$(screen | grep -c '^  PTE  177  0x0000001000004067  present write user accessed dirty$')"
keys Escape
wait_gone "screen: Esc closes the walk" '^> Walk'
keys v
wait_for "screen: v shows the pressure panel, focused, its title with swap and oom_kill" \
	'^> Pressure: swap [0-9]*/16384 pages ([0-9.]*%), oom_kill 1; spaces sorted by rss$'
wait_for "screen: the LRU lists of Normal" '^Normal  *3[0-9]  *40  *0  *0  *3$'
wait_for "screen: the rates of the replay's counters, the interval's efficiency" \
	'^scan/s kswapd 1600 direct 400  steal/s kswapd 1200 direct 200  efficiency 70.0%$'
first_space() { screen | grep -A1 '^ *ID\*\?  *RSS kB' | sed -n 2p | awk '{ print $1 }'; }
check "screen: the space with the most RSS first" 7 "$(first_space)"
keys '<'
wait_for "screen: < sorts the spaces by ID while Pressure has focus" 'spaces sorted by id$'
check "screen: by ID, space 1 first" 1 "$(first_space)"
keys v
wait_gone "screen: v hides it again" '^> Pressure'
tmux -L "$sock" resize-window -t t -x 120 -y 30
wait_for "screen: at 120 columns Normal's highatomic reserve too" \
	"^Normal  *\[.*\]  *$normal_free  *12288  *512  *512 "
keys C
wait_for "screen: C shows the compaction view, focused" '^> Compaction: the scanners are M and F on the frame map'
wait_for "screen: Normal's run scanning for order 9, its bar with M and F" '^  |>*M\.*F<*|$'
# the frame map's grid (between its title and its legend): one M and one F, Normal's
fm_marks() { screen | sed -n '/^[> ]*Frame map:/,/^_ hole/p' | sed '1d;$d' | tr -cd 'MF'; }
keys Tab Tab 0
wait_for "screen: Tab, Tab: the frame map (after the header), 0 shows the whole range" '^> Frame map: frames 0-16383'
check "screen: the scanners' cells on the frame map, migrate first" MF "$(fm_marks)"
keys C
wait_gone "screen: C again hides it, and the marks" '^> Compaction'
keys F
wait_for "screen: F shows the page-cache panel, focused" '^> Page cache: 3 files open; sorted by cached (F: off)$'
wait_for "screen: its meminfo lines" '^Dirty 12 kB  Writeback 0 kB  Mapped 256 kB$'
wait_for "screen: the refault and activation rates of the replay" \
	'^refault/s file 64 anon 16  activate/s file 32 anon 8  pgpgin/s 256 kB$'
# at 120 columns the path has 120 - 61 - 1 = 58: "..." and its last 55 characters
check "screen: a file's row: hit ratio, window now/max, the path cut from the left" \
	"3 256 64 62.5% 0/0 3 5 64 ...${long: -55}" \
	"$(squeeze "$(screen | grep '^   3 ')")"
first_file() { screen | grep -A1 '^ *ID  *SIZE kB' | sed -n 2p | awk '{ print $1 }'; }
keys '>'
wait_for "screen: > sorts the files by hit ratio while the panel has focus" 'sorted by hit (F: off)$'
keys I
wait_for "screen: I reverses it" 'sorted by hit, reversed (F: off)$'
check "screen: reversed, the unread file first" 4 "$(first_file)"
keys F
wait_gone "screen: F again hides it" '^> Page cache'
keys q
wait_for "screen: q quits, exit 0" '^smmtop exited 0'

ktap_finished
