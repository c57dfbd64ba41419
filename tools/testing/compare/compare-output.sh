#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte for byte the same output: smmctl and smmtop built from another git
# ref (by default the merge base with main, what a branch started from)
# against the ones of this tree. Not part of make check (it boots a VM of
# its own, about 2 minutes under TCG):
#
#   tools/testing/compare/compare-output.sh [REF]
#
# On the host (TAP): smmctl's help at every level and its errors without
# a module; smmtop's batch output, text and JSON, replaying one synthetic
# capture (test_mkcap). In the VM (scripts/vm.sh check, with smmctl-ref,
# REF's module and test_same_output.sh added to the image): every debugfs
# file of REF's module and of this tree's in one state, then every
# read-only smmctl command and the monitor; see that script. The module
# of this tree is module/shadowmm.ko as make built it.
# Exit 0 when everything printed the same.
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
ref=${1:-$(git -C "$top" merge-base HEAD main)} || exit 1
out=$top/build/compare
. "$top/selftests/ktap.sh"

echo "# compare-output: $(git -C "$top" rev-parse --short "$ref") against the tree"
rm -rf "$out"
mkdir -p "$out/src"
git -C "$top" archive "$ref" Kbuild module tools include | tar -x -C "$out/src" || exit 1
kdir=/lib/modules/${SMM_KVER:-$("$top/scripts/kver.sh")}/build
{ make -s -C "$out/src/tools" smmctl/smmctl smmtop/smmtop &&
  make -s -C "$kdir" M="$out/src" modules; } > "$out/build-ref.log" 2>&1 ||
	{ cat "$out/build-ref.log"; exit 1; }
cp "$out/src/module/shadowmm.ko" "$out/shadowmm-ref.ko"
make -s -C "$top/tools" smmctl/smmctl smmtop/smmtop smmtop/test_mkcap > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }
cp "$out/src/tools/smmctl/smmctl" "$out/smmctl-ref"
NEW_CTL=$top/tools/smmctl/smmctl REF_CTL=$out/smmctl-ref
NEW_TOP=$top/tools/smmtop/smmtop REF_TOP=$out/src/tools/smmtop/smmtop

# same NAME NEW-CMD... -- REF-CMD...: stdout, stderr and exit code equal
same() {
	local name=$1 new=() ref=()
	shift
	while [ "$1" != -- ]; do new+=("$1"); shift; done
	shift
	ref=("$@")
	"${new[@]}" > "$out/new.out" 2> "$out/new.err"; echo "exit $?" >> "$out/new.out"
	"${ref[@]}" > "$out/ref.out" 2> "$out/ref.err"; echo "exit $?" >> "$out/ref.out"
	if cmp -s "$out/new.out" "$out/ref.out" && cmp -s "$out/new.err" "$out/ref.err"; then
		ktap_pass "$name"
	else
		ktap_fail "$name" "$(diff "$out/ref.out" "$out/new.out"; diff "$out/ref.err" "$out/new.err")"
	fi
}

ctl_args=("help" "-h" "-V" "nosuch" "zone nosuch" "info" "zone show" "-j zone show" "-p cache show")
for o in info section zone page frame cache obj check reset pt space monitor; do
	ctl_args+=("$o help")
done
"$top/tools/smmtop/test_mkcap" 64 16 3 "$out/cap" > /dev/null || exit 1
top_args=("-b -n 2 -d 0.25" "-b -j -n 2 -d 0.25" "-b -n 1 -s n" "-b -j -n 1 --sort z"
	  "-b -n 1 -w 1+0x1000" "-b -j -n 1 --walk kernel+0x1000")

ktap_header
ktap_plan $((${#ctl_args[@]} + ${#top_args[@]}))
for a in "${ctl_args[@]}"; do
	# shellcheck disable=SC2086 # the words of a command line
	same "smmctl $a (host, no module)" "$NEW_CTL" $a -- "$REF_CTL" $a
done
for a in "${top_args[@]}"; do
	w=()
	# "+" joins the words of one argument (a walk's "space ADDR")
	for x in $a; do w+=("${x//+/ }"); done
	same "smmtop ${a//+/ } --replay" "$NEW_TOP" "${w[@]}" --replay "$out/cap" -- \
		"$REF_TOP" "${w[@]}" --replay "$out/cap"
done
host=0
( ktap_finished ) || host=1

echo "# compare-output: the VM part (build/vm-compare/serial.log)"
SMM_TOOLS="tools/smmctl/smmctl tools/smmtop/smmtop build/compare/smmctl-ref" \
SMM_EXTRA_TESTS="tools/testing/compare/test_same_output.sh build/compare/shadowmm-ref.ko" \
SMM_VM_DIR=$top/build/vm-compare \
	"$top/scripts/vm.sh" check --tests test_same_output.sh --timeout 900
vm=$?
echo "# compare-output: host $([ $host = 0 ] && echo same || echo DIFFERENT)," \
     "VM $([ $vm = 0 ] && echo same || echo DIFFERENT)"
[ $host = 0 ] && [ $vm = 0 ]
