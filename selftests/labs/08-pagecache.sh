#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 8 (Documentation/labs/08-pagecache.md): the page cache and
# readahead. An 8 MiB file read from start to end through the shadow
# page cache: readahead sees a sequential reader and reads ahead of it,
# so only a few reads miss; a second read finds every page cached; the
# same file opened with readahead off (ra 0) misses every page.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

LAB_08_DATA=/tmp/lab08.data
# jq FILTER on file ID's object of file show -j
lab_08_file() { smmctl -j file show "$1" | jq -r ".files[0] | $2"; }

lab_08() {
	local id id0

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M
	dd if=/dev/urandom of=$LAB_08_DATA bs=1M count=8 2> /dev/null
	id=$(smmctl -j file open $LAB_08_DATA | jq -r .id)
	lab_figure 08-pagecache-first-read "smmctl file read $id offset 0 len 8388608 -o /dev/null; smmctl file show $id"
	lab_check "08 page cache: the first read of 2048 pages misses 8 times, readahead brought the other 2040" \
		lab_eq "misses hits ra_hits" "$(lab_08_file "$id" '"\(.misses) \(.hits) \(.ra_hits)"')" "8 2040 2040"
	lab_check "08 page cache: 2048 pages cached, pgpgin 8192 KiB" \
		lab_eq "nr_file_pages pgpgin" "$(lab_vmstat nr_file_pages) $(lab_vmstat pgpgin)" "2048 8192"

	smmctl file read "$id" offset 0 len 8388608 -o /dev/null > /dev/null
	lab_check "08 page cache: the second read finds all 2048 pages (hits 2040 + 2048)" \
		lab_eq "misses hits" "$(lab_08_file "$id" '"\(.misses) \(.hits)"')" "8 4088"
	smmctl file close "$id"

	id0=$(smmctl -j file open $LAB_08_DATA ra 0 | jq -r .id)
	lab_figure 08-pagecache-no-readahead "smmctl file read $id0 offset 0 len 8388608 -o /dev/null; smmctl file show $id0"
	lab_check "08 page cache: with readahead off (ra 0) every page is a miss" \
		lab_eq "misses hits" "$(lab_08_file "$id0" '"\(.misses) \(.hits)"')" "2048 0"
	smmctl file close "$id0"
	rm -f $LAB_08_DATA
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_08
