#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# modprobe after an install (issue 21): the image carries the module
# where DKMS installs it, /lib/modules/$(uname -r)/updates/dkms/ (the
# module test-install's dkms build made for this release, compressed as
# the release's own modules are: 6.12's .ko.xz), or where make
# install puts it, updates/ (without such a build), with depmod's index
# (mkinitramfs.sh SMM_UPDATES, which vm.sh sets when this test runs).
# kmod's modprobe finds it through the index, loads it from updates/ with
# the parameters given on its command line, then with those of an
# /etc/modprobe.d file (Documentation/install.md's example), and
# modprobe -r unloads it; the file is removed again.
. "$(dirname "$0")/lib.sh"

ktap_header
ktap_plan 6
rel=$(uname -r)
ko=$(ls /lib/modules/"$rel"/updates/dkms/shadowmm.ko* /lib/modules/"$rel"/updates/shadowmm.ko \
	2> /dev/null | head -n 1)
if [ -z "$ko" ] || [ ! -x /usr/sbin/modprobe ]; then
	ktap_exit_skip_all "no shadowmm.ko in /lib/modules/$rel/updates (vm.sh sets SMM_UPDATES for this test) or no kmod modprobe"
fi
smm_need_range "$SMM_BASE" 32M
smm_unload
ktap_print_msg "installed: $ko ($(modinfo -F vermagic "$ko" | cut -d' ' -f1))"

ktap_check "modinfo -n shadowmm: the index points at $ko" \
	sh -c "[ \"\$(/usr/sbin/modinfo -n shadowmm)\" = '$ko' ]"
probe() {
	local out
	out=$(modprobe -v shadowmm base="$SMM_BASE" size=16M 2>&1) || { echo "$out"; return 1; }
	ktap_print_msg "modprobe -v: $out"
	printf '%s\n' "$out" | grep -q "^insmod $ko " || { echo "not loaded from $ko: $out"; return 1; }
	[ "$(cat /sys/module/shadowmm/parameters/size)" = 16M ] &&
		[ "$(cat /sys/module/shadowmm/parameters/base)" = "$SMM_BASE" ]
}
ktap_check "modprobe shadowmm base=$SMM_BASE size=16M: loaded from updates/ with those parameters" probe
ktap_check "the family answers: 16 MiB managed in its zones" \
	sh -c "[ \"\$(smmctl -j zone show | jq '[.zones[].present] | add')\" = 4096 ]"
ktap_check "modprobe -r shadowmm unloads it" sh -c "/usr/sbin/modprobe -r shadowmm && [ ! -d /sys/module/shadowmm ]"

mkdir -p /etc/modprobe.d
printf 'options shadowmm base=%s size=32M\n' "$SMM_BASE" > /etc/modprobe.d/shadowmm.conf
conf() {
	modprobe shadowmm || return 1
	[ "$(cat /sys/module/shadowmm/parameters/size)" = 32M ] ||
		{ echo "size $(cat /sys/module/shadowmm/parameters/size), want 32M"; return 1; }
}
ktap_check "modprobe shadowmm with /etc/modprobe.d/shadowmm.conf's options: size 32M" conf
ktap_check "modprobe -r again: unloaded" sh -c "/usr/sbin/modprobe -r shadowmm && [ ! -d /sys/module/shadowmm ]"
rm -f /etc/modprobe.d/shadowmm.conf
smm_unload
ktap_finished
