#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) a debug kernel of `make check` / `make check-debug` and
# print the path of its build tree, for KDIR= and for booting its
# arch/x86/boot/bzImage.
#
#   debug-kernel.sh [kasan|kcsan] [6.1|6.12]
#
# Debian's linux-source of the series (6.1 unless named, or
# SMM_DEBUG_SERIES), `make tinyconfig`, then a fragment merged over it,
# then bzImage and modules:
#   kasan (default)  scripts/debug-kernel.config: what the VM needs, and
#                    KASAN, lockdep, kmemleak, DEBUG_VM, UBSAN, ...
#   kcsan            the same file up to its "# the checkers" section,
#                    then scripts/debug-kernel-kcsan.config: the data-race
#                    detector (KCSAN and KASAN exclude each other)
# 6.12 adds scripts/debug-kernel-6.12.config to either. The tree is
# cached outside the checkout, in $SMM_CACHE_DIR (default
# ~/.cache/shadowmm; 6.12's trees are named debug-kernel-6.12-* and
# debug-kernel-kcsan-6.12-*), keyed by the fragment, the source package's
# version and the compiler, so only the first run pays (about 10 minutes
# on 2 idle cores; a changed fragment starts from a copy of the last tree
# of the same kind and series and rebuilds what changed). Progress goes to
# stderr, the build's output to build.log inside the tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-kasan}
series=${2:-${SMM_DEBUG_SERIES:-6.1}}
case "$series" in
6.1 | 6.12) ;;
*)
	echo "debug-kernel: series 6.1 or 6.12, not '$series'" >&2
	exit 2
	;;
esac
# The fragment: the kind's, then what the series needs on top
# (scripts/debug-kernel-6.12.config: 6.12's tinyconfig picks SLUB_TINY,
# which rules KASAN out).
fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
case "$kind" in
kasan)
	cat "$top/scripts/debug-kernel.config" > "$fragment"
	prefix=debug-kernel
	;;
kcsan)
	{
		sed '/^# the checkers/,$d' "$top/scripts/debug-kernel.config"
		cat "$top/scripts/debug-kernel-kcsan.config"
	} > "$fragment"
	prefix=debug-kernel-kcsan
	;;
*)
	echo "usage: debug-kernel.sh [kasan|kcsan] [6.1|6.12]" >&2
	exit 2
	;;
esac
[ "$series" = 6.1 ] || cat "$top/scripts/debug-kernel-$series.config" >> "$fragment"
# 6.1's trees keep the names they had before 6.12 came, so their cache stays
[ "$series" = 6.1 ] || prefix=$prefix-$series
tarball=/usr/src/linux-source-$series.tar.xz
cache=${SMM_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/var/cache}/.cache}/shadowmm}

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

deps=debug$([ "$series" = 6.1 ] || echo "-$series")
[ -r "$tarball" ] || die "no $tarball (run scripts/deps.sh $deps)"
srcver=$(dpkg-query -W -f='${Version}' "linux-source-$series")
key=$({ cat "$fragment"; echo "$srcver"; gcc --version | head -n 1; } | sha256sum | cut -c1-16)
tree=$cache/$prefix-$key

if [ -f "$tree/.smm-built" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
# One builder at a time; a second caller waits and then finds the tree.
exec 9>"$cache/.debug-kernel.lock"
flock 9
if [ -f "$tree/.smm-built" ]; then
	echo "$tree"
	exit 0
fi

# Every CONFIG_X=value line of the fragment must be in the final .config:
# olddefconfig silently drops what a dependency rules out.
check_config() {
	local line missing=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qx "$line" "$1/.config" || { say "not in .config: $line"; missing=1; }
	done < "$fragment"
	return $missing
}

# Built in place (kbuild trees do not like being moved); .smm-built marks
# a finished one, and an unfinished one is started over.
work=$tree
rm -rf "$work"
# A finished tree of the same source (an older fragment) is a head start:
# kbuild rebuilds only what the changed options touch.
seed=$(grep -lx "$srcver" "$cache"/"$prefix"-*/.smm-srcver 2>/dev/null |
	{ if [ "$kind" = kasan ]; then grep -v /debug-kernel-kcsan-; else cat; fi; } |
	head -n 1 || true)
if [ -n "$seed" ] && [ -f "$(dirname "$seed")/.smm-built" ]; then
	say "reconfiguring a copy of $(dirname "$seed") into $tree"
	cp -a "$(dirname "$seed")" "$work"
	rm -f "$work/.smm-built"
else
	mkdir -p "$work"
	say "building the $kind debug kernel from linux-source $srcver in $tree (once; ~10 min)"
	tar -xf "$tarball" -C "$work" --strip-components=1
	echo "$srcver" > "$work/.smm-srcver"
fi
log=$work/build.log
(
	cd "$work"
	make tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	make olddefconfig
) > "$log" 2>&1 || die "configuring failed; see $log"
check_config "$work" || die "the fragment did not survive olddefconfig; see $work/.config"
start=$(date +%s)
nice -n 10 make -C "$work" -j"$(nproc)" bzImage modules >> "$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "build failed; see $log"; }
say "built in $(($(date +%s) - start)) s: $(make -s --no-print-directory -C "$work" kernelrelease)"
touch "$work/.smm-built"
echo "$tree"
