#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guided labs (Documentation/labs/): every selftests/labs/NN-*.sh in
# number order, in one boot, each loading the module as it needs, its
# predictions checked (lab_check, labs/lib-lab.sh). SMM_LABS=1,3 runs
# only those labs (scripts/lab.sh N passes it); SMM_LAB_WRONG=1 inverts
# every prediction, so that every check is seen to fail.
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by the labs: sourced, not standalone
LAB_SOURCED=1
. "$(dirname "$0")/labs/lib-lab.sh"

# the lab files asked for, in number order
lab_files() {
	local f n
	for f in "$(dirname "$0")"/labs/[0-9][0-9]-*.sh; do
		n=$(basename "$f" | cut -c1-2)
		case ",${SMM_LABS:-$n}," in
		*",$n,"* | *",${n#0},"*) echo "$f" ;;
		esac
	done
}

files=$(lab_files)
[ -n "$files" ] || { ktap_header; ktap_plan 1; ktap_fail "SMM_LABS=${SMM_LABS:-} names no lab"; ktap_finished; }
plan=0
for f in $files; do
	n=$(sed -n 's/^LAB_CHECKS=//p' "$f")
	plan=$((plan + n))
done

ktap_header
ktap_plan "$plan"
smm_need_range "$SMM_BASE" 64M
for f in $files; do
	lab=$(basename "$f" .sh)
	ktap_print_msg "==== lab $lab ===="
	# shellcheck source=/dev/null # a lab: selftests/labs/NN-*.sh
	. "$f"
	"lab_$(echo "$lab" | cut -c1-2)"
	smm_unload
done
ktap_finished
