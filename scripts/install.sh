#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install or remove shadowmm as any out-of-tree module and tool set:
#
#   install.sh install     the module built for KREL into
#                          $DESTDIR/lib/modules/KREL/updates/shadowmm.ko,
#                          then depmod; smmctl and smmtop into
#                          $DESTDIR$PREFIX/sbin, the man pages into
#                          $DESTDIR$PREFIX/share/man/man{4,8}, smmctl's
#                          completion into
#                          $DESTDIR$PREFIX/share/bash-completion/completions
#   install.sh uninstall   every file install puts there, then depmod
#   install.sh files       the list of those files, one per line
#   install.sh dkms-src    the module's sources and dkms.conf into
#                          $DESTDIR/usr/src/shadowmm-VERSION, where
#                          `dkms add shadowmm/VERSION` finds them
#   install.sh version     VERSION: the module's (module/smm.h)
#
# KREL (the kernel release, `uname -r` by default), PREFIX (/usr/local)
# and DESTDIR (empty: the running system) come from the environment, as
# make install passes them. Without DESTDIR, depmod updates the kernel's
# module index, so that `modprobe shadowmm` finds the module; with one (a
# package being built), depmod is left to the package's installation, as
# Debian's postinst scripts run it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
KREL=${KREL:-$(uname -r)}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}

# The version the module reports (module/smm.h), which dkms.conf repeats.
version() { sed -n 's/^#define SMM_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$top/module/smm.h"; }

# SOURCE DESTINATION MODE, relative to the checkout and to DESTDIR
manifest() {
	echo "module/shadowmm.ko /lib/modules/$KREL/updates/shadowmm.ko 644"
	echo "tools/smmctl/smmctl $PREFIX/sbin/smmctl 755"
	echo "tools/smmtop/smmtop $PREFIX/sbin/smmtop 755"
	echo "Documentation/man/smmctl.8 $PREFIX/share/man/man8/smmctl.8 644"
	echo "Documentation/man/smmtop.8 $PREFIX/share/man/man8/smmtop.8 644"
	echo "Documentation/man/shadowmm.4 $PREFIX/share/man/man4/shadowmm.4 644"
	echo "tools/smmctl/smmctl.bash-completion $PREFIX/share/bash-completion/completions/smmctl 644"
}

die() { echo "install.sh: $*" >&2; exit 1; }

# depmod for KREL, on the running system only
run_depmod() {
	[ -n "$DESTDIR" ] || depmod -a "$KREL"
}

# The module must be built for KREL: its vermagic starts with the release.
check_module() {
	local magic
	[ -f "$top/module/shadowmm.ko" ] || die "no module/shadowmm.ko: run make first"
	magic=$(modinfo -F vermagic "$top/module/shadowmm.ko")
	[ "${magic%% *}" = "$KREL" ] ||
		die "module/shadowmm.ko is built for ${magic%% *}, not $KREL: make KVER=$KREL"
}

do_install() {
	local src dst mode
	check_module
	while read -r src dst mode; do
		[ -f "$top/$src" ] || die "no $src: run make first"
		install -D -m "$mode" "$top/$src" "$DESTDIR$dst"
	done < <(manifest)
	run_depmod
}

do_uninstall() {
	local src dst mode
	while read -r src dst mode; do
		rm -f "$DESTDIR$dst"
	done < <(manifest)
	rmdir "$DESTDIR/lib/modules/$KREL/updates" 2> /dev/null || true
	run_depmod
}

# What dkms builds from: the top Kbuild, module/, the uapi header, the
# license and dkms.conf, nothing of the tools or tests.
do_dkms_src() {
	local v dir
	v=$(version)
	[ -n "$v" ] || die "no SMM_VERSION in module/smm.h"
	grep -qx "PACKAGE_VERSION=\"$v\"" "$top/dkms.conf" ||
		die "dkms.conf's PACKAGE_VERSION is not $v (module/smm.h's SMM_VERSION)"
	dir="$DESTDIR/usr/src/shadowmm-$v"
	rm -rf "$dir"
	mkdir -p "$dir/include/uapi/linux"
	cp "$top/Kbuild" "$top/dkms.conf" "$top/COPYING" "$dir/"
	cp "$top/include/uapi/linux/shadowmm.h" "$dir/include/uapi/linux/"
	(cd "$top" && git ls-files module 2> /dev/null || find module -name '*.[ch]' -o -name Kbuild) |
		while read -r f; do install -D -m 644 "$top/$f" "$dir/$f"; done
	echo "$dir"
}

case "${1:-}" in
install)	do_install ;;
uninstall)	do_uninstall ;;
files)		manifest | while read -r src dst mode; do echo "$dst"; done ;;
dkms-src)	do_dkms_src ;;
version)	version ;;
*)		echo "usage: install.sh {install|uninstall|files|dkms-src|version}" >&2; exit 2 ;;
esac
