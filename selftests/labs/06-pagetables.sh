#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 6 (Documentation/labs/06-pagetables.md): a shadow process's page
# tables level by level. A 4-level space faults one page in: the walk
# reads PGD, PUD, PMD, PTE (P4D folded into the PGD) and each level is
# one table page; a 5-level space has a real P4D; a 2 MiB page is a leaf
# in the PMD, one level up; a page written to swap leaves a swap entry
# in its PTE.
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

A=0x40000000
H=0x40200000	# a 2 MiB page
# the levels a walk of ADDR in space ID read, folded ones left out
lab_06_levels() {
	smmctl -j pt walk space "$1" addr "$2" |
		jq -r '.steps[0] | "\(.kind) \(.size): " + ([.levels[] | select(.folded != true) | .level] | join(" "))'
}

lab_06() {
	local s4 s5

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=16M
	s4=$(smmctl -j space create levels 4 | jq -r .id)
	smmctl space mmap "$s4" addr $A len 4096
	smmctl space access "$s4" addr $A write > /dev/null
	lab_figure 06-pagetables-4level "smmctl pt walk space $s4 addr $A"
	lab_check "06 page tables: 4 levels, one table page each, the 4 KiB page in the PTE" \
		lab_eq "walk; tables" "$(lab_06_levels "$s4" $A); $(smmctl -j space show | jq -r --argjson s "$s4" \
			'.spaces[] | select(.id == $s) | .tables | "\(.PGD) \(.PUD) \(.PMD) \(.PTE)"')" \
		"page 4096: PGD PUD PMD PTE; 1 1 1 1"

	s5=$(smmctl -j space create levels 5 | jq -r .id)
	smmctl space mmap "$s5" addr $A len 4096
	smmctl space access "$s5" addr $A write > /dev/null
	lab_figure 06-pagetables-5level "smmctl pt walk space $s5 addr $A"
	lab_check "06 page tables: a 5-level space adds the P4D" \
		lab_eq "walk" "$(lab_06_levels "$s5" $A)" "page 4096: PGD P4D PUD PMD PTE"

	smmctl space map "$s4" addr $H pages 1 size 2M write > /dev/null
	lab_figure 06-pagetables-huge "smmctl pt walk space $s4 addr $H"
	lab_check "06 page tables: a 2 MiB page ends the walk at the PMD" \
		lab_eq "walk" "$(lab_06_levels "$s4" $H)" "page 2097152: PGD PUD PMD"

	smmctl swap on size 1M
	smmctl space pageout "$s4" addr $A len 4096 > /dev/null
	lab_figure 06-pagetables-swap "smmctl pt walk space $s4 addr $A"
	lab_check "06 page tables: paged out, the PTE holds a swap entry (type 0)" \
		lab_eq "walk" "$(smmctl -j pt walk space "$s4" addr $A | jq -r '.steps[0] | "\(.kind) \(.swap_type)"')" \
		"swap 0"
	smmctl space destroy "$s4"
	smmctl space destroy "$s5"
	smmctl swap off
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_06
