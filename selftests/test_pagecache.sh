#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shadow page cache over a real file: an 8 MiB file of random bytes
# opened and read whole through the shadow in 32 KiB requests (its
# SHA-256 equal to the real file's, nr_file_pages 2048, pgpgin 8192 KiB):
# readahead grows its window to 32 pages, so only the first request
# misses (8 pages) and the other 2040 pages are readahead hits; read
# again, all hits and the same bytes; file show as fincore; random reads
# of a second open read nothing ahead; directories,
# devices, missing paths and bad ids refused with their reasons; with
# swap off, a shadow process pressing memory makes reclaim drop file
# pages (nr_file_pages falls, pgsteal_file counted) and its writes all
# succeed; a re-read reads the dropped pages again, same SHA-256; CHECK
# throughout; close drops every page; rmmod with a file open.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
DATA=/tmp/pc.data
OUT=/tmp/pc.out
MIB8=8388608
A=0x400000

ktap_header
ktap_plan 21
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

vmstat() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

dd if=/dev/urandom of=$DATA bs=1M count=8 2> /dev/null
want=$(sha $DATA)

open=$(smmctl -j file open $DATA)
id=$(printf '%s' "$open" | jq -r .id)
ktap_check "file open: id 1, size 8 MiB" json_expect "$open" '"\(.id) \(.size)"' "1 $MIB8"

rm -f $OUT
rd=$(smmctl -j file read "$id" offset 0 len $MIB8 -o $OUT)
ktap_check "the first read: 8 misses, 2040 hits, all read ahead" json_expect "$rd" \
	'"\(.bytes) \(.misses) \(.hits) \(.ra_hits)"' "$MIB8 8 2040 2040"
ktap_check "its bytes have the real file's SHA-256" test "$(sha $OUT)" = "$want"
ktap_check "nr_file_pages 2048, pgpgin 8192 KiB" test \
	"$(vmstat nr_file_pages) $(vmstat pgpgin)" = "2048 8192"
ktap_check "nr_inactive_file 2048 (read once: inactive, referenced)" test \
	"$(vmstat nr_inactive_file) $(vmstat nr_active_file)" = "2048 0"
ktap_check "CHECK passes with the file cached" smmctl check

rm -f $OUT
rd=$(smmctl -j file read "$id" offset 0 len $MIB8 -o $OUT)
ktap_check "the second read: 2048 hits, no miss" json_expect "$rd" \
	'"\(.hits) \(.misses)"' "2048 0"
ktap_check "the same bytes again" test "$(sha $OUT)" = "$want"
ktap_check "read twice: every page active" test \
	"$(vmstat nr_active_file) $(vmstat nr_inactive_file)" = "2048 0"
ktap_check "file show as fincore: path, size, pages, hits, misses" json_expect \
	"$(smmctl -j file show "$id")" \
	'.files[0] | "\(.path) \(.size) \(.pages) \(.hits) \(.misses)"' "$DATA $MIB8 2048 4088 8"
ktap_check "readahead: window 32 (its max), 2040 read ahead, all hit, none wasted" json_expect \
	"$(smmctl -j file show "$id")" \
	'.files[0] | "\(.ra_size) \(.ra_pages) \(.ra_read) \(.ra_hits) \(.ra_wasted)"' "32 32 2040 2040 0"
random_reads() {
	local id2 p
	id2=$(smmctl -j file open $DATA | jq -r .id) || return 1
	for p in 1000 500 1500 250 1750 100; do
		smmctl file read "$id2" offset $((p * 4096 + 7)) len 100 > /dev/null || return 1
	done
	json_expect "$(smmctl -j file show "$id2")" \
		'.files[0] | "\(.pages) \(.misses) \(.ra_read)"' "6 6 0" || return 1
	smmctl file close "$id2"
}
ktap_check "random reads of a second open read nothing ahead" random_reads
ktap_check "a read across the end is cut at it" json_expect \
	"$(smmctl -j file read "$id" offset $((MIB8 - 100)) len 4096)" '"\(.bytes) \(.hits)"' "100 1"

refusals() {
	smm_refused "a directory" smmctl file open /tmp &&
	smm_refused "not a regular file" smmctl file open /dev/null &&
	smm_refused "cannot open" smmctl file open /tmp/no-such-file &&
	smm_refused "no such file" smmctl file read 5 offset 0 len 10 &&
	smm_refused "no such file" smmctl file close 5 &&
	smm_refused "not 1-16" smmctl file show 17
}
ktap_check "directories, devices, missing paths and bad ids refused" refusals

# Swap off: memory pressed by a shadow process; only file pages can go.
swap_off() { json_expect "$(smmctl -j swap show)" .on false; }
ktap_check "swap is off" swap_off
steal0=$(vmstat pgsteal_file)
free_kb=$(smmctl -j zone show | jq '[.zones[] | .free + .pcp] | add * 4')
len=$(( (free_kb + 4096) * 1024 ))
sid=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$sid" addr $A len $len
pressed() {
	smmctl space access "$sid" addr $A len $len write > /dev/null || return 1
	file=$(vmstat nr_file_pages)
	stolen=$(( $(vmstat pgsteal_file) - steal0 ))
	ktap_print_msg "wrote $((len >> 20)) MiB: nr_file_pages $file, pgsteal_file +$stolen"
	[ "$file" -lt 2048 ] && [ "$stolen" -gt 0 ]
}
ktap_check "writes over free memory succeed: file pages reclaimed" pressed
ktap_check "CHECK passes after reclaim" smmctl check
ktap_check "file show counts the pages left" json_expect "$(smmctl -j file show)" \
	'.files[0].pages' "$(vmstat nr_file_pages)"
smmctl space destroy "$sid"

rm -f $OUT
rd=$(smmctl -j file read "$id" offset 0 len $MIB8 -o $OUT)
reread() {
	json_expect "$rd" '.misses > 0' true && test "$(sha $OUT)" = "$want"
}
ktap_check "a re-read reads the dropped pages again, same bytes" reread

closed() {
	smmctl file close "$id" || return 1
	json_expect "$(smmctl -j file show)" '.files | length' 0 &&
		test "$(vmstat nr_file_pages)" = 0 && smmctl check > /dev/null
}
ktap_check "close drops every page; CHECK passes" closed

rmmod_open() {
	id=$(smmctl -j file open $DATA | jq -r .id) || return 1
	smmctl file read "$id" offset 0 len 65536 > /dev/null || return 1
	smm_unload
}
ktap_check "rmmod with a file open" rmmod_open
rm -f $DATA $OUT

ktap_finished
