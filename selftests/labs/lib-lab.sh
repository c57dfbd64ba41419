# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# Helpers of the guided labs (Documentation/labs/), sourced by each lab
# script selftests/labs/NN-name.sh. A lab reads:
#
#   [ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
#   LAB_CHECKS=3                      how many lab_check calls it makes
#   lab_01() { ...commands, lab_figure, lab_check... }
#   [ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_01
#
# Run alone in the VM (vm.sh shell: sh /selftests/labs/01-buddy.sh) it is
# a KTAP test of its own; selftests/test_labs.sh sources every lab and
# runs them in sequence as one test (make check; scripts/lab.sh N).
#
#   lab_check NAME CMD...   ktap_check NAME CMD: the lab's prediction.
#                           With SMM_LAB_WRONG=1 every prediction is
#                           taken as wrong (the check passes only if
#                           CMD fails): a run that shows each check can
#                           fail, so none is a check that always passes
#   lab_figure NAME CMD     run the command line CMD (sh -c); its output,
#                           under a line "$ CMD",
#                           goes to $LAB_FIGURES/NAME.txt and to standard
#                           output between "==== LAB FIGURE NAME ====" and
#                           "==== LAB FIGURE END ====" (scripts/lab.sh
#                           --figures copies them to Documentation/labs/figures/)
#   lab_note TEXT...        a diagnostic line (ktap_print_msg)
#   lab_buddy ZONE          the zone's free blocks per order, 0 to 10, as
#                           one line of counts (debugfs buddyinfo)
#   lab_vmstat NAME         a counter of debugfs vmstat
#   lab_zone ZONE FILTER    jq FILTER on the zone's object of zone show -j
#   lab_alloc ARGS...       smmctl page alloc ARGS: the handles, one a line

command -v ktap_check > /dev/null 2>&1 || . "$(dirname "$0")/../lib.sh"

LAB_D=/sys/kernel/debug/shadowmm
LAB_FIGURES=${LAB_FIGURES:-/tmp/lab-figures}

lab_note() { ktap_print_msg "$@"; }

# not CMD...: succeed when CMD fails; when it holds, say so
lab_not() {
	local out
	if out=$("$@" 2>&1); then
		echo "the lab's prediction held ($*) but SMM_LAB_WRONG=1 wanted it wrong${out:+: $out}"
		return 1
	fi
	return 0
}

lab_check() {
	local name="$1"
	shift
	if [ "${SMM_LAB_WRONG:-0}" = 1 ]; then
		ktap_check "$name [SMM_LAB_WRONG: prediction inverted]" lab_not "$@"
	else
		ktap_check "$name" "$@"
	fi
}

lab_figure() {
	mkdir -p "$LAB_FIGURES"
	{
		echo "\$ $2"
		sh -c "$2" 2>&1
	} > "$LAB_FIGURES/$1.txt"
	echo "==== LAB FIGURE $1 ===="
	cat "$LAB_FIGURES/$1.txt"
	echo "==== LAB FIGURE END ===="
}

lab_buddy() {
	awk -v z="$1" '$4 == z { for (i = 5; i <= 15; i++) printf "%s%s", $i, (i < 15 ? " " : "\n") }' \
		"$LAB_D/buddyinfo"
}

lab_vmstat() { awk -v n="$1" '$1 == n { print $2 }' "$LAB_D/vmstat"; }

lab_zone() { smmctl -j zone show "$1" | jq -r ".zones[0] | $2"; }

lab_alloc() { smmctl -j page alloc "$@" | jq -r '.handles[]'; }

# lab_eq WHAT GOT WANT: equal, or say what was seen
lab_eq() {
	[ "$2" = "$3" ] && return 0
	echo "$1: expected '$3', saw '$2'"
	return 1
}

# lab_standalone FN: one lab as a KTAP test of its own
lab_standalone() {
	ktap_header
	ktap_plan "$LAB_CHECKS"
	"$1"
	smm_unload
	ktap_finished
}
