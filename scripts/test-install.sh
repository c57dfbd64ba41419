#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test-install: shadowmm installed as a user or a packager would,
# TAP on stdout (make puts it in build/host/install.tap).
#
#   1. make install DESTDIR=<tmp> PREFIX=/usr: every file of
#      `install.sh files` there with its mode, the module built for the
#      release asked, the installed smmctl runs, its man page is the
#      checkout's; make uninstall removes every one of them
#   2. DKMS (Debian's dkms, scripts/deps.sh dkms): the sources copied to
#      /usr/src/shadowmm-VERSION, dkms add, then dkms build and install for
#      Debian's 6.1 and 6.12 generic kernels (scripts/deps.sh 6.12 installs
#      the second's headers): the module dkms installed has that kernel's
#      vermagic and `modinfo -k RELEASE shadowmm` finds it through the
#      module index (what modprobe uses); a copy of it goes to
#      build/dkms/RELEASE/ for the VM's modprobe test (test_modprobe.sh,
#      mkinitramfs.sh SMM_UPDATES); dkms remove takes it out of both
#
# Part 2 changes the host (/usr/src, /var/lib/dkms, /lib/modules/*/updates),
# and undoes it on exit; it needs root, and skips (with the reason) without.
# It always builds for both series, whatever KREL part 1 installs for, and
# two runs on one host (two checkouts' make check) take turns: the DKMS
# tree is the machine's, one per module version.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/ktap.sh"
cd "$top"

KREL=${KREL:-$(scripts/kver.sh generic 6.1)}
dest=$(mktemp -d /tmp/smm-install.XXXXXX)
version=$(scripts/install.sh version)
dkms_added=0

cleanup() {
	if [ "$dkms_added" = 1 ]; then
		dkms remove "shadowmm/$version" --all > /dev/null 2>&1
		rm -rf "/usr/src/shadowmm-$version"
	fi
	rm -rf "$dest"
}
trap cleanup EXIT

ktap_header
ktap_plan 9

files() { KREL=$KREL PREFIX=/usr scripts/install.sh files; }

# every file, with its mode; the module's vermagic is KREL's
installed() {
	local f mode want magic
	while read -r f; do
		[ -f "$dest$f" ] || { echo "missing $f"; return 1; }
		mode=$(stat -c %a "$dest$f")
		case "$f" in */sbin/*) want=755 ;; *) want=644 ;; esac
		[ "$mode" = "$want" ] || { echo "$f: mode $mode, want $want"; return 1; }
	done < <(files)
	magic=$(modinfo -F vermagic "$dest/lib/modules/$KREL/updates/shadowmm.ko")
	[ "${magic%% *}" = "$KREL" ] || { echo "vermagic $magic, want $KREL"; return 1; }
}
ktap_check "make install DESTDIR=... PREFIX=/usr" \
	make -s install KVER="$KREL" DESTDIR="$dest" PREFIX=/usr
ktap_check "every file installed with its mode, the module for $KREL" installed
ktap_check "the installed smmctl runs (help)" sh -c "'$dest/usr/sbin/smmctl' help > /dev/null"
ktap_check "the installed man page is the checkout's" \
	cmp "$dest/usr/share/man/man8/smmctl.8" Documentation/man/smmctl.8
removed() {
	make -s uninstall KVER="$KREL" DESTDIR="$dest" PREFIX=/usr > /dev/null || return 1
	left=$(find "$dest" -type f)
	[ -z "$left" ] || { echo "left: $left"; return 1; }
}
ktap_check "make uninstall removes every file" removed

# DKMS for both series
dkms_ok=1
if [ "$(id -u)" -ne 0 ]; then
	why="not root: dkms installs into /usr/src and /lib/modules"
	dkms_ok=0
elif ! scripts/deps.sh dkms 6.12 > /dev/null; then
	why="scripts/deps.sh dkms 6.12 failed"
	dkms_ok=0
fi
if [ "$dkms_ok" = 0 ]; then
	ktap_skip_rest "$why"
	ktap_finished
	exit
fi
exec 9> /run/lock/shadowmm-test-install.lock
flock 9
dkms remove "shadowmm/$version" --all > /dev/null 2>&1
added() {
	scripts/install.sh dkms-src > /dev/null || return 1
	dkms_added=1
	dkms add "shadowmm/$version"
}
ktap_check "dkms add shadowmm/$version (sources in /usr/src/shadowmm-$version)" added
# dkms build and install for RELEASE; the module through the index
dkms_for() {
	local rel=$1 magic
	dkms build "shadowmm/$version" -k "$rel" > /dev/null &&
		dkms install "shadowmm/$version" -k "$rel" > /dev/null || return 1
	magic=$(modinfo -k "$rel" -F vermagic shadowmm) || { echo "modinfo -k $rel finds no shadowmm"; return 1; }
	[ "${magic%% *}" = "$rel" ] || { echo "vermagic $magic, want $rel"; return 1; }
	modinfo -k "$rel" -n shadowmm | grep -q "/lib/modules/$rel/updates/dkms/shadowmm.ko" ||
		{ echo "found at $(modinfo -k "$rel" -n shadowmm)"; return 1; }
	# kept for the VM's modprobe test (mkinitramfs.sh SMM_UPDATES): the
	# guest gets the module DKMS built, not one of the checkout's build
	# (6.12's is shadowmm.ko.xz: Debian's 6.12 compresses its modules)
	rm -rf "build/dkms/$rel"
	mkdir -p "build/dkms/$rel"
	cp "$(modinfo -k "$rel" -n shadowmm)" "build/dkms/$rel/"
}
k61=$(scripts/kver.sh generic 6.1)
k612=$(scripts/kver.sh generic 6.12)
ktap_check "dkms build and install for $k61, modinfo -k finds it" dkms_for "$k61"
ktap_check "dkms build and install for $k612, modinfo -k finds it" dkms_for "$k612"
gone() {
	dkms remove "shadowmm/$version" --all > /dev/null || return 1
	dkms_added=0
	rm -rf "/usr/src/shadowmm-$version"
	! modinfo -k "$k61" shadowmm > /dev/null 2>&1 && ! modinfo -k "$k612" shadowmm > /dev/null 2>&1
}
ktap_check "dkms remove --all: neither kernel has it" gone
ktap_finished
