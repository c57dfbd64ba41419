#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# FRAME_GET's page marks (its packed reply, which smmctl asks for): a
# space with an anonymous region of 4 written pages and a shared
# writable mapping of a 4-page file, page 0 of it written (dirty) and
# page 1 read (clean); the space forked, the child writing anonymous
# page 1 (a copy of its own). Each page's frame (space translate's pfn,
# less the range's first) then has, in `smmctl frame show FRAME 1`:
# anonymous page 0 anon,shared; page 1 anon in both spaces (the copy and
# the original, no longer shared); file page 0 file,dirty, page 1 file;
# and the run of the whole map's dump holding each frame says the same.
# The child destroyed, page 0 is anon alone; the file synced, its page 0
# is file alone. CHECK (which holds the shared mark to the mapcount)
# passes throughout.
. "$(dirname "$0")/lib.sh"

A=0x400000		# anonymous, 4 pages
F=0x800000		# the file, shared, 4 pages
DATA=/tmp/frame_marks.data
BASE_PFN=$((SMM_BASE >> 12))

ktap_header
ktap_plan 12
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

# frame_of SPACE ADDR: the frame index of the page mapped at ADDR
frame_of() {
	echo $(($(smmctl -j space translate "$1" addr "$2" | jq -r .pfn) - BASE_PFN))
}
# marks_of FRAME: "state marks" of that frame alone (marks "-" when none)
marks_of() {
	smmctl -j frame show "$1" 1 |
		jq -r '.runs[0] | "\(.state) \(.marks // ["-"] | join(","))"'
}
# dump_marks_of FRAME: the same from the run of the whole map's dump holding FRAME
dump_marks_of() {
	echo "$map" | jq -r --argjson f "$1" \
		'.runs[] | select(.start <= $f and $f < .start + .count) |
		 "\(.state) \(.marks // ["-"] | join(","))"'
}
# expect_marks NAME SPACE ADDR WANT: both ways of reading the frame say WANT
expect_marks() {
	local fr one whole
	fr=$(frame_of "$2" "$3")
	one=$(marks_of "$fr")
	whole=$(dump_marks_of "$fr")
	if [ "$one" = "$4" ] && [ "$whole" = "$4" ]; then
		ktap_pass "$1"
	else
		ktap_fail "$1" "frame $fr: expected '$4', frame show FRAME 1 says '$one', the whole dump '$whole'"
	fi
}

dd if=/dev/urandom of=$DATA bs=4096 count=4 2> /dev/null
id=$(smmctl -j file open $DATA | jq -r .id)
p=$(smmctl -j space create | jq -r .id)
setup() {
	smmctl space mmap "$p" addr $A len 0x4000 > /dev/null &&
	smmctl space access "$p" addr $A len 0x4000 write value 0x1234 > /dev/null &&
	smmctl space mmap "$p" addr $F len 0x4000 prot rw- file "$id" shared > /dev/null &&
	smmctl space access "$p" addr $F len 4096 write value 0x5678 > /dev/null &&
	smmctl space access "$p" addr $((F + 4096)) len 4096 > /dev/null
}
ktap_check "a space: 4 anonymous pages written, a shared file mapping, page 0 written, 1 read" setup
c=$(smmctl -j space fork "$p" | jq -r .id)
ktap_check "forked; the child writes anonymous page 1 (copy-on-write)" \
	smmctl space access "$c" addr $((A + 4096)) len 4096 write value 0x9abc

map=$(smmctl -j frame show)
expect_marks "anonymous page 0 after fork: anon,shared" "$p" $A "space anon,shared"
expect_marks "anonymous page 1, the parent's: anon (the child has its copy)" "$p" $((A + 4096)) "space anon"
expect_marks "anonymous page 1, the child's copy: anon" "$c" $((A + 4096)) "space anon"
expect_marks "file page 0, written: file,dirty" "$p" $F "page file,dirty"
expect_marks "file page 1, read: file" "$p" $((F + 4096)) "page file"
ktap_check "CHECK passes (shared marks agree with the mapcounts)" smmctl check

smmctl space destroy "$c" > /dev/null
map=$(smmctl -j frame show)
expect_marks "the child destroyed: anonymous page 0 is anon alone" "$p" $A "space anon"
smmctl swap on size 4M > /dev/null	# the file's shadow store is a swap slot
smmctl file sync "$id" > /dev/null
map=$(smmctl -j frame show)
expect_marks "the file synced: page 0 is file alone" "$p" $F "page file"
ktap_check "the text names the marks after the migratetype" sh -c \
	"smmctl frame show $(frame_of "$p" $A) 1 | tail -n 1 | grep -q ' Movable anon\$'"
ktap_check "CHECK passes at the end" smmctl check

smmctl reset > /dev/null
rm -f $DATA
smm_unload
ktap_finished
