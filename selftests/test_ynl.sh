#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own YNL CLI (tools/net/ynl/cli.py of linux-source-6.12)
# talks to the module through Documentation/netlink/specs/shadowmm.yaml
# alone, and agrees with smmctl: info-get's values are smmctl info's; a
# dump of frame-get has smmctl frame show's runs; a page-alloc of two
# order-2 blocks gives handles whose frames smmctl shows allocated, and
# page-free of them frees 8 frames, which smmctl then shows free, CHECK
# holding; a subscription to the events group hears allocations in
# events of smmctl monitor's 1000 ms interval; page-alloc as nobody is
# refused (admin-perm); ynl_session.py, an experiment scripted through
# the library (Documentation/netlink.md), sees the free frames fall by
# 2^order a block and come back. Skips when the guest has no python3,
# PyYAML or YNL tools (mkinitramfs.sh's SMM_PYTHON=1, which vm.sh sets
# when this test runs, puts them and the spec in /shadowmm/ynl; on a
# machine of one's own SMM_YNL names the kernel's tools/net/ynl, and the
# spec is the one installed beside the tests, or SMM_YNL_SPEC).
. "$(dirname "$0")/lib.sh"

YNL_DIR=${SMM_YNL:-/shadowmm/ynl}
SPEC=${SMM_YNL_SPEC:-$YNL_DIR/shadowmm.yaml}
[ -f "$SPEC" ] || SPEC="$(dirname "$0")/../Documentation/netlink/specs/shadowmm.yaml"

ktap_header
ktap_plan 7
command -v python3 > /dev/null ||
	ktap_exit_skip_all "no python3 in the guest (vm.sh adds it when test_ynl.sh runs)"
python3 -c 'import yaml' 2> /dev/null || ktap_exit_skip_all "python3 has no PyYAML"
[ -f "$YNL_DIR/cli.py" ] && [ -d "$YNL_DIR/lib" ] ||
	ktap_exit_skip_all "no YNL tools in $YNL_DIR (make test-ynl unpacks them from linux-source-6.12)"
[ -f "$SPEC" ] || ktap_exit_skip_all "no spec at $SPEC"
smm_need_range "$SMM_BASE" 64M

smm_unload
smm_load_or_fail base=$SMM_BASE size=64M

# cli.py as it is, run with PyYAML's C parser (libyaml) in place of the
# pure Python one when the guest has it: the same spec read, in a fifth
# of the time, which under TCG is seconds a call
YNL_PY='import os, runpy, sys, yaml
if getattr(yaml, "CSafeLoader", None):
    yaml.safe_load = lambda s: yaml.load(s, Loader=yaml.CSafeLoader)
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(sys.argv[0]))
runpy.run_path(sys.argv[0], run_name="__main__")'
ynl() {
	python3 -c "$YNL_PY" "$YNL_DIR/cli.py" --spec "$SPEC" --no-schema --output-json "$@"
}

# info-get: the same range, sizes, mode and versions as smmctl info
info_same() {
	y=$(ynl --do info-get) && s=$(smmctl -j info) || return 1
	echo "ynl: $y"
	echo "smmctl: $s"
	jq -ne --argjson y "$y" --argjson s "$s" '
		$y["nr-frames"] == $s.frames and $y["span-frames"] == $s.span_frames and
		$y["page-size"] == $s.page_size and $y["max-order"] == $s.max_order and
		$y.size == $s.size and $y.base == $s.base and $y.mode == $s.mode and
		$y.version == $s.version and $y.kernel == $s.kernel' > /dev/null
}
ktap_check "--do info-get: smmctl info's values" info_same

# frame-get dumped: [start, count, state] of every run, as smmctl frame
# show lists them (three tries: a pcp list may move between the two)
runs_ynl() { ynl --dump frame-get | jq -c '[.[] | .runs.run[] | [.start, .count, .state]]'; }
runs_smmctl() { smmctl -j frame show | jq -c '[.runs[] | [.start, .count, .state]]'; }
frames_same() {
	for i in 1 2 3; do
		y=$(runs_ynl) && s=$(runs_smmctl) || return 1
		[ "$y" = "$s" ] && [ "$y" != "[]" ] && { echo "$y" | jq -r '"\(length) runs"'; return 0; }
	done
	echo "ynl: $y"
	echo "smmctl: $s"
	return 1
}
ktap_check "--dump frame-get: smmctl frame show's runs" frames_same

# state FRAME: the state smmctl shows for the run holding FRAME
state() { smmctl -j frame show "$1" 1 | jq -r '.runs[0].state'; }

# page-alloc of two order-2 blocks: two handles, each a frame (its low 32
# bits) that smmctl shows allocated. Handles are read by python3: jq 1.6
# keeps numbers as doubles, and a handle's tag is in its high 32 bits.
handles_of() {
	python3 -c 'import json, sys; print(*json.load(sys.stdin)["handles"]["handle"], sep=",")'
}
frames_of() {
	python3 -c 'import sys; print(*(int(h) & 0xffffffff for h in sys.argv[1].split(",")))' "$1"
}
alloc() {
	a=$(ynl --do page-alloc --json '{"order": 2, "count": 2}') || return 1
	echo "$a"
	# kept in a file: ktap_check runs this in a subshell
	echo "$a" | handles_of > /tmp/ynl-handles || return 1
	# shellcheck disable=SC2046 # a word per frame
	set -- $(frames_of "$(cat /tmp/ynl-handles)")
	[ $# = 2 ] || return 1
	for f in "$@"; do
		[ "$(state "$f")" = page ] || { echo "frame $f: $(state "$f")"; return 1; }
	done
}
ktap_check "--do page-alloc: handles of blocks smmctl shows allocated" alloc

# page-free of them: 8 frames freed, shown free (or on a pcp list), CHECK
free_them() {
	handles=$(cat /tmp/ynl-handles) && [ -n "$handles" ] || return 1
	r=$(ynl --do page-free --json "{\"handles\": {\"handle\": [$handles]}}")
	echo "$r"
	[ "$(echo "$r" | jq .freed)" = 8 ] || return 1
	for f in $(frames_of "$handles"); do
		case "$(state "$f")" in free | pcp) ;; *) echo "frame $f: $(state "$f")"; return 1 ;; esac
	done
	smmctl check
}
ktap_check "--do page-free: 8 frames freed, free again, check ok" free_them

# --subscribe events for 4 s while pages are allocated once a second: the
# events heard count allocations, each with smmctl monitor's interval
subscribe() {
	ynl --subscribe events --sleep 4 > /tmp/ynl-events.json 2>&1 &
	pid=$!
	i=0
	while kill -0 "$pid" 2> /dev/null && [ "$i" -lt 60 ]; do
		smmctl page alloc order 0 count 3 > /dev/null
		sleep 1
		i=$((i + 1))
	done
	wait "$pid"
	cat /tmp/ynl-events.json
	jq -e '[.[] | select(.name == "event") | .msg] | length > 0 and
		all(.[]; .seq > 0 and .["interval-ms"] == 1000) and
		([.[] | .zones // [] | .[] | .[] | .alloc // 0] | add) > 0' \
		/tmp/ynl-events.json > /dev/null
}
ktap_check "--subscribe events: allocations heard, 1000 ms intervals" subscribe
smmctl page free all > /dev/null

# admin-perm: nobody's page-alloc is refused with EPERM
refused() {
	out=$(smm_unprivileged python3 -c "$YNL_PY" "$YNL_DIR/cli.py" --spec "$SPEC" \
		--no-schema --do page-alloc --json '{"order": 0}' 2>&1)
	echo "$out"
	echo "$out" | grep -q "Operation not permitted"
}
ktap_check "page-alloc as nobody: refused (admin-perm)" refused

ktap_check "ynl_session.py: 4 order-4 blocks take 64 free frames, give them back" \
	python3 "$(dirname "$0")/ynl_session.py" "$YNL_DIR" "$SPEC"

smm_unload
ktap_finished
