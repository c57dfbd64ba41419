#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Memory-mapped files: a real 256 KiB file (page i filled with one
# letter, A to Z over and over) opened without readahead and mapped by
# two spaces, private writable in one, shared read-only in the other.
# A reference space holds the same bytes in anonymous pages (each page
# written with the letter's word), so a read's FNV-1a csum tells the
# bytes apart. One page read faults once (a major fault), is cached
# once and counted in both spaces' RssFile; the whole mapping reads the
# file's bytes through both spaces; a private write copies the page
# (RssAnon), the other space and the file still read the old bytes;
# with swap off proactive reclaim unmaps mapped file pages through the
# i_mmap rmap and drops them, and a second read faults them back with
# the same bytes. Shared writes: two more spaces map the file shared
# writable; a write through one dirties the page-cache page (nr_dirty,
# file show's dirty) and the other and FILE_READ see the bytes, the
# real file's SHA-256 unchanged; file sync writes the page back to the
# shadow store in swap (nr_written, stored 1), swap off is refused while
# the store holds it; a second write, reclaim with swap on writes it
# back and drops it, and a later read brings the written bytes back
# from the store. The refusals with their messages (unknown file,
# unaligned offset, close of a mapped file, SIGBUS past the end);
# munmap and destroy leave the pages cached; CHECK throughout; rmmod
# with a file mapped and swap on.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/shadowmm
DATA=/tmp/mmap.data
OUT=/tmp/mmap.out
PAGES=64
LEN=$((PAGES * 4096))
A=0x40000000
B=0x80000000
R=0xc0000000

ktap_header
ktap_plan 17

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

vmstat() { awk -v n="$1" '$1 == n { print $2 }' $D/vmstat; }
letters=ABCDEFGHIJKLMNOPQRSTUVWXYZ
letter() { printf '%s' "$letters" | cut -c $(( $1 % 26 + 1 )); }
hexword() { printf '0x%s' "$(printf '%02x' "'$1" | sed 's/.*/&&&&&&&&/')"; }

rm -f $DATA
i=0
while [ $i -lt $PAGES ]; do
	head -c 4096 /dev/zero | tr '\0' "$(letter $i)" >> $DATA
	i=$((i + 1))
done

# the reference: the same bytes in anonymous pages of space $ref
ref=$(smmctl -j space create | jq -r .id)
smmctl space mmap "$ref" addr $R len $LEN
i=0
while [ $i -lt $PAGES ]; do
	smmctl space access "$ref" addr $((R + i * 4096)) len 4096 write \
		value "$(hexword "$(letter $i)")" > /dev/null
	i=$((i + 1))
done
csum() { smmctl -j space access "$1" addr "$2" len "${3:-4096}" | jq -r .csum; }
refsum() { csum "$ref" $((R + $1 * 4096)) "${2:-4096}"; }
show() { smmctl -j space show "$1"; }

id=$(smmctl -j file open $DATA ra 0 | jq -r .id)
s1=$(smmctl -j space create | jq -r .id)
s2=$(smmctl -j space create | jq -r .id)
mapped() {
	smmctl space mmap "$s1" addr $A len $((LEN + 4 * 4096)) prot rw- file "$id" private &&
	smmctl space mmap "$s2" addr $B len $LEN file "$id" shared &&
	json_expect "$(show "$s2")" '.maps[0] | "\(.file) \(.offset) \(.shared) \(.perms)"' \
		"$id 0 true r--" &&
	json_expect "$(smmctl -j file show "$id")" '.files[0].mappings' 2
}
ktap_check "a private writable and a shared read-only mapping of the file: 2 mappings" mapped

one_page() {
	json_expect "$(smmctl -j space access "$s1" addr $((A + 5 * 4096)) len 4096)" \
		'"\(.faults) \(.csum)"' "1 $(refsum 5)" || return 1
	json_expect "$(smmctl -j space access "$s2" addr $((B + 5 * 4096)) len 4096)" \
		'"\(.faults) \(.csum)"' "1 $(refsum 5)" || return 1
	json_expect "$(show "$s1")" '"\(.maj_flt) \(.RssFile) \(.RssAnon)"' "1 4 0" || return 1
	json_expect "$(show "$s2")" '"\(.maj_flt) \(.min_flt) \(.RssFile)"' "0 1 4" || return 1
	test "$(vmstat nr_file_pages)" = 1
}
ktap_check "one page: one major fault, cached once, in both spaces' RssFile" one_page
ktap_check "CHECK passes with a page mapped twice" smmctl check

whole() {
	want=$(refsum 0 $LEN)
	test "$(csum "$s1" $A $LEN)" = "$want" && test "$(csum "$s2" $B $LEN)" = "$want" &&
		test "$(vmstat nr_file_pages)" = $PAGES &&
		json_expect "$(show "$s2")" .RssFile $((PAGES * 4))
}
ktap_check "the whole file read through both spaces: the file's bytes, cached once" whole

cow() {
	smmctl space access "$s1" addr $((A + 7 * 4096)) len 4096 write value 0x5a5a5a5a5a5a5a5a \
		> /dev/null || return 1
	test "$(csum "$s1" $((A + 7 * 4096)))" != "$(refsum 7)" || return 1
	test "$(csum "$s2" $((B + 7 * 4096)))" = "$(refsum 7)" || return 1
	json_expect "$(show "$s1")" '"\(.RssAnon) \(.RssFile)"' "4 $(((PAGES - 1) * 4))" || return 1
	rm -f $OUT
	smmctl file read "$id" offset $((7 * 4096)) len 4096 -o $OUT > /dev/null &&
		dd if=$DATA bs=4096 skip=7 count=1 2> /dev/null | cmp -s - $OUT
}
ktap_check "a private write copies: the other space and the file read the old bytes" cow
ktap_check "CHECK passes after the copy" smmctl check

swap_off() { json_expect "$(smmctl -j swap show)" .on false; }
reclaimed() {
	swap_off || return 1
	steal0=$(vmstat pgsteal_file)
	smmctl reclaim pages $((PAGES * 2)) > /dev/null
	file=$(vmstat nr_file_pages)
	rss=$(show "$s2" | jq .RssFile)
	ktap_print_msg "after reclaim: nr_file_pages $file, RssFile of the shared space $rss kB, pgsteal_file +$(( $(vmstat pgsteal_file) - steal0 ))"
	[ "$file" -lt $PAGES ] && [ "$rss" -lt $((PAGES * 4)) ] && [ "$rss" = $((file * 4)) ]
}
ktap_check "swap off: reclaim unmaps mapped file pages from both spaces and drops them" reclaimed
ktap_check "CHECK passes after reclaim" smmctl check

refault() {
	maj0=$(show "$s2" | jq .maj_flt)
	test "$(csum "$s2" $B $LEN)" = "$(refsum 0 $LEN)" &&
		[ "$(show "$s2" | jq .maj_flt)" -gt "$maj0" ] &&
		json_expect "$(show "$s2")" .RssFile $((PAGES * 4)) &&
		test "$(csum "$s1" $((A + 7 * 4096)))" != "$(refsum 7)"
}
ktap_check "faulted back in: major faults, the same bytes; the copy stays" refault

# shared writable mappings: the written bytes are the page-cache page's
sum0=$(sha256sum < $DATA)
s3=$(smmctl -j space create | jq -r .id)
s4=$(smmctl -j space create | jq -r .id)
W=0x7777777777777777	# every byte 'w'
wpage() { head -c 4096 /dev/zero | tr '\0' w; }
read_page9() {
	rm -f $OUT
	smmctl file read "$id" offset $((9 * 4096)) len 4096 -o $OUT > /dev/null &&
		wpage | cmp -s - $OUT
}
shared_write() {
	smmctl space mmap "$s3" addr $A len $LEN prot rw- file "$id" shared &&
	smmctl space mmap "$s4" addr $A len $LEN prot rw- file "$id" shared || return 1
	before=$(vmstat nr_dirtied)
	smmctl space access "$s3" addr $((A + 9 * 4096)) len 4096 write value $W > /dev/null ||
		return 1
	sum=$(csum "$s3" $((A + 9 * 4096)))
	test "$sum" != "$(refsum 9)" && test "$(csum "$s4" $((A + 9 * 4096)))" = "$sum" &&
		test "$(vmstat nr_dirty)" = 1 && test "$(vmstat nr_dirtied)" = $((before + 1)) &&
		json_expect "$(smmctl -j file show "$id")" '.files[0].dirty' 1 &&
		read_page9 && test "$(sha256sum < $DATA)" = "$sum0" && smmctl check > /dev/null
}
ktap_check "a shared write: the other space and file read see it, dirty, the real file unchanged" \
	shared_write

synced() {
	smmctl swap on size 16M > /dev/null || return 1
	json_expect "$(smmctl -j file sync "$id")" .written 1 &&
		test "$(vmstat nr_dirty) $(vmstat nr_written) $(vmstat pgpgout)" = "0 1 4" &&
		json_expect "$(smmctl -j file show "$id")" \
			'.files[0] | "\(.dirty) \(.written) \(.stored)"' "0 1 1" &&
		smm_refused "written-back pages of shadow files are in swap" smmctl swap off &&
		smmctl check > /dev/null
}
ktap_check "file sync writes the page to the shadow store in swap; swap off refused" synced

written_back() {
	smmctl space access "$s4" addr $((A + 9 * 4096)) len 4096 write value $W > /dev/null &&
		test "$(vmstat nr_dirty)" = 1 || return 1
	# (ktap_check runs each check in a subshell: shared_write's $sum is not here)
	sum=$(csum "$s4" $((A + 9 * 4096)))
	n=0
	while [ "$(vmstat nr_dirty)" != 0 ] && [ $n -lt 8 ]; do
		# "no progress" (EAGAIN) is an answer here, not a failure
		smmctl reclaim pages 256 > /dev/null 2>&1
		n=$((n + 1))
	done
	ktap_print_msg "after $n reclaims: nr_written $(vmstat nr_written), nr_file_pages $(vmstat nr_file_pages)"
	# a dirty page is cleaned by reclaim only as it is written back and dropped
	got="$(vmstat nr_dirty) $(vmstat nr_written)"
	[ "$got" = "0 2" ] || { echo "nr_dirty nr_written: $got"; return 1; }
	json_expect "$(smmctl -j file show "$id")" '.files[0].stored' 1 || return 1
	got=$(csum "$s3" $((A + 9 * 4096)))
	[ "$got" = "$sum" ] || { echo "page 9 read back: csum $got, written $sum"; return 1; }
	read_page9 || { echo "file read of page 9:"; od -c $OUT | head -3; return 1; }
	test "$(sha256sum < $DATA)" = "$sum0" || { echo "the real file changed"; return 1; }
	smmctl check > /dev/null
}
ktap_check "reclaim with swap on writes the dirty page back; read back from the store" written_back

refill() {
	csum "$s4" $A $LEN > /dev/null && test "$(vmstat nr_file_pages)" = $PAGES &&
		smmctl space destroy "$s3" && smmctl space destroy "$s4" && smmctl check > /dev/null
}
ktap_check "the file faulted back in; the shared spaces destroyed; CHECK" refill

refusals() {
	smm_refused "no such file" smmctl space mmap "$s2" addr 0x10000000 len 4096 file 9 &&
	smm_refused "not page aligned" \
		smmctl space mmap "$s2" addr 0x10000000 len 4096 file "$id" offset 100 &&
	smm_refused "are for file mappings" smmctl space mmap "$s2" addr 0x10000000 len 4096 shared &&
	smm_refused "is mapped by a space" smmctl file close "$id"
}
ktap_check "refusals with their reasons" refusals

sigbus() {
	out=$(smmctl space access "$s1" addr $((A + PAGES * 4096)) len 8 2>&1) && return 1
	case "$out" in
	*SIGBUS*"beyond the end of the file"*) ;;
	*) echo "$out"; return 1 ;;
	esac
}
ktap_check "a touch past the file's end: SIGBUS" sigbus

unmapped() {
	smmctl space munmap "$s1" addr $A len $((LEN + 4 * 4096)) || return 1
	smmctl space destroy "$s2" || return 1
	json_expect "$(show "$s1")" '"\(.RssFile) \(.RssAnon)"' "0 0" &&
		test "$(vmstat nr_file_pages)" = $PAGES &&
		json_expect "$(smmctl -j file show "$id")" '.files[0].pages' $PAGES &&
		smmctl check > /dev/null
}
ktap_check "munmap and destroy leave the pages cached; CHECK passes" unmapped

rmmod_mapped() {
	smmctl space mmap "$s1" addr $A len $LEN file "$id" || return 1
	smmctl space access "$s1" addr $A len $LEN > /dev/null || return 1
	smm_unload
}
ktap_check "rmmod with a file mapped and its store in swap" rmmod_mapped
rm -f $DATA $OUT

ktap_finished
