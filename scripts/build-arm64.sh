#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cross-build everything the arm64 guest runs, from a copy of the
# sources, so that the host's own build in the checkout stays as it is:
#
#   build/arm64/src/module/shadowmm.ko          the module, W=1 -Werror,
#                                               for Debian's arm64 kernel
#   build/arm64/src/tools/{smmctl,smmtop}/...   the tools
#   build/arm64/src/selftests/...               the compiled selftests
#
#   build-arm64.sh [OUT]   OUT: another directory than build/arm64
#                          (SMM_ARM64_SERIES=6.12: build/arm64-6.12)
#
# The compiler is Debian's gcc-aarch64-linux-gnu (glibc from
# libc6-dev-arm64-cross); the kernel headers and the libraries the tools
# link with (libmnl, ncursesw) come from the arm64 .debs that
# scripts/deps-arm64.sh unpacked (its cache: SMM_ARM64_DIR, by default
# the one of SMM_ARM64_SERIES: 6.1, or 6.12 in ~/.cache/shadowmm/
# arm64-6.12). Prints the kernel release on stdout.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${SMM_ARM64_SERIES:-6.1}
suffix=$([ "$series" = 6.1 ] || echo "-$series")
out=$(realpath -m "${1:-$top/build/arm64$suffix}")
cache=${SMM_ARM64_DIR:-$HOME/.cache/shadowmm/arm64$suffix}
sysroot=$cache/root
cross=aarch64-linux-gnu-

[ -f "$cache/release" ] || { echo "build-arm64: no arm64 kernel in $cache (run scripts/deps.sh arm64$suffix)" >&2; exit 1; }
rel=$(cat "$cache/release")
kdir=$sysroot/usr/src/linux-headers-$rel
[ -d "$kdir" ] || { echo "build-arm64: no headers at $kdir (run scripts/deps.sh arm64$suffix)" >&2; exit 1; }
command -v "${cross}gcc" >/dev/null || { echo "build-arm64: no ${cross}gcc (run scripts/deps.sh arm64$suffix)" >&2; exit 1; }

# The sources as the working tree has them, built products left out (git
# ignores them); objects of an earlier run stay, so make rebuilds only
# what changed.
src=$out/src
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard | cpio -pdmu --quiet "$src")

make -s -C "$kdir" M="$src" ARCH=arm64 CROSS_COMPILE="$cross" W=1 KCFLAGS=-Werror modules >&2

# The tools and the selftests: arm64 libc from the cross toolchain, the
# headers of libmnl and ncurses after it (-idirafter), their libraries
# from the unpacked .debs. Through the environment, so that the
# Makefiles' own additions (+=) still apply.
libdirs="$sysroot/usr/lib/aarch64-linux-gnu $sysroot/lib/aarch64-linux-gnu"
ldflags=
for d in $libdirs; do
	ldflags+=" -L$d -Wl,-rpath-link=$d"
done
export CC=${cross}gcc AR=${cross}ar
export CFLAGS="-O2 -g -idirafter $sysroot/usr/include$ldflags"
export LDFLAGS="$ldflags"
make -s -C "$src/tools" >&2
make -s -C "$src/selftests" >&2
echo "$rel"
