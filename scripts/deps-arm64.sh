#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 side of `scripts/deps.sh arm64`: Debian bookworm's arm64
# kernel (image and headers) and the arm64 programs and libraries the
# guest's initramfs needs, downloaded as .debs and unpacked with
# `dpkg-deb -x` into one directory, never installed:
#
#   deps-arm64.sh [SERIES]   SERIES: 6.1 (the default) or 6.12, or
#                            SMM_ARM64_SERIES; each series has a cache
#                            of its own, so both kernels stay usable:
#
#   ~/.cache/shadowmm/arm64/            6.1 (SMM_ARM64_DIR overrides)
#   ~/.cache/shadowmm/arm64-6.12/       6.12 (linux-image-6.12-arm64's
#                                       release, e.g. 6.12.117+deb12-arm64)
#     apt/        apt's state for the arm64 index, apart from the host's
#     debs/       the downloaded .debs
#     root/       all of them unpacked: boot/vmlinuz-REL, usr/src/
#                 linux-headers-REL (kbuild's KDIR), usr/lib/aarch64-linux-gnu,
#                 bin/busybox, usr/bin/jq, ...
#     release     REL, e.g. 6.1.0-57-arm64
#
# The guest's programs are the same bookworm packages for both series: a
# 6.12 cache starts from hard links to the 6.1 cache's .debs, when there.
#
# `dpkg --add-architecture arm64` would do the same through dpkg, but
# then installing the arm64 headers wants to remove the native gcc,
# clang, sparse and the amd64 headers: this script never touches dpkg's
# database. The headers' Makefile includes the -common headers by an
# absolute path, and their scripts/ and tools/ links point into
# linux-kbuild-6.1 (6.12: linux-kbuild-6.12.N+deb12, of that very
# release): both are turned to the unpacked -common and the host's own
# (amd64) kbuild of the same version (scripts/deps.sh arm64 / arm64-6.12
# installs it), so kbuild runs natively and only the compiler crosses
# (aarch64-linux-gnu-gcc-12).
#
# Idempotent: a .deb already downloaded is not fetched again, and when
# every one is unpacked (root/.done lists them) nothing is done at all.
# Prints the release on stdout, what it did on stderr.
set -euo pipefail

series=${1:-${SMM_ARM64_SERIES:-6.1}}
case "$series" in
6.1)	default_cache=$HOME/.cache/shadowmm/arm64 meta=linux-image-arm64 ;;
6.12)	default_cache=$HOME/.cache/shadowmm/arm64-6.12 meta=linux-image-6.12-arm64 ;;
*)	echo "deps-arm64: series 6.1 or 6.12, not '$series'" >&2; exit 2 ;;
esac
cache=${SMM_ARM64_DIR:-$default_cache}
apt_dir=$cache/apt
debs=$cache/debs
root=$cache/root

# The arm64 packages, besides the kernel's: the guest's shell, the
# libraries our tools link with (headers too, to cross-build them) and
# the programs mkinitramfs.sh copies in, with their libraries.
GUEST_PKGS=(
	busybox-static libc6
	libmnl0 libmnl-dev				# smmctl, the selftests
	libncurses-dev libncursesw6 libtinfo6		# smmtop
	jq libjq1 libonig5				# the tests' JSON
	iproute2 libbsd0 libmd0 libcap2			# genl (test_genl)
	util-linux libcap-ng0				# setpriv, unshare
	tmux libevent-core-2.1-7 libutempter0		# test_smmtop
	kmod libkmod2 liblzma5 libzstd1 libssl3		# insmod
)

mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$debs" "$root"

# apt, told that arm64 is the only architecture and given a state of
# its own (lists, an empty dpkg status, a cache), on the host's Debian
# sources: the host's apt and dpkg never see any of it.
apt_arm64() {
	APT_CONFIG="$apt_dir/apt.conf" apt-get -q \
		-o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
		-o Dir::State="$apt_dir" -o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::Etc::SourceList="$apt_dir/sources.sources" \
		-o Debug::NoLocking=1 "$@"
}
apt_cache_arm64() {
	APT_CONFIG="$apt_dir/apt.conf" apt-cache \
		-o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
		-o Dir::State="$apt_dir" -o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::Etc::SourceList="$apt_dir/sources.sources" "$@"
}

# The host's Debian sources (deb822 or one-line), nothing else: other
# repositories (vendors' tools) have no arm64 kernel to offer.
write_sources() {
	local f out=$apt_dir/sources.sources
	: > "$out.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -q 'debian' "$f" || continue
		cat "$f" >> "$out.tmp"
		echo >> "$out.tmp"
	done
	[ -s "$out.tmp" ] || { echo "deps-arm64: no Debian sources in /etc/apt/sources.list.d" >&2; exit 1; }
	mv "$out.tmp" "$out"
}

# The index is fetched once a day at most.
update_index() {
	touch "$apt_dir/status" "$apt_dir/apt.conf"
	write_sources
	if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mtime -1 2>/dev/null)" ]; then
		echo "deps-arm64: fetching the arm64 package index" >&2
		apt_arm64 update -qq >&2 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
	fi
}

# The release of the series' meta-package's kernel, e.g. 6.1.0-57-arm64
# (linux-image-arm64) or 6.12.117+deb12-arm64 (linux-image-6.12-arm64).
kernel_release() {
	apt_cache_arm64 depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][0-9.]*[-+][^ ]*-arm64\)$/\1/p' | head -n 1
}

# The host's kbuild for REL: linux-kbuild-6.1 serves every 6.1 release,
# 6.12's are per release (linux-kbuild-6.12.117+deb12).
kbuild_dir() {
	case "$1" in
	6.1.*)	echo /usr/lib/linux-kbuild-6.1 ;;
	*)	echo "/usr/lib/linux-kbuild-${1%-arm64}" ;;
	esac
}

# A new series' cache starts from the 6.1 cache's guest .debs (the same
# bookworm packages), hard-linked when on the same file system.
seed_debs() {
	local d=$HOME/.cache/shadowmm/arm64/debs f
	[ "$series" != 6.1 ] && [ -d "$d" ] || return 0
	for f in "$d"/*.deb; do
		case "${f##*/}" in linux-*) continue ;; esac
		[ -e "$debs/${f##*/}" ] || ln "$f" "$debs/" 2>/dev/null || cp "$f" "$debs/"
	done
}

# Download the named packages' .debs into debs/ (those not there yet).
download() {
	local p want=()
	for p in "$@"; do
		compgen -G "$debs/${p}_*_arm64.deb" >/dev/null ||
			compgen -G "$debs/${p}_*_all.deb" >/dev/null ||
			want+=("$p")
	done
	[ ${#want[@]} -gt 0 ] || return 0
	echo "deps-arm64: downloading ${want[*]}" >&2
	(cd "$debs" && apt_arm64 download "${want[@]}" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' >&2) || true
	for p in "${want[@]}"; do
		compgen -G "$debs/${p}_*.deb" >/dev/null ||
			{ echo "deps-arm64: could not download $p" >&2; exit 1; }
	done
}

# Point the headers at the unpacked -common (their Makefile includes it
# by absolute path) and at the host's kbuild.
fix_headers() {
	local rel=$1 hdr=$root/usr/src/linux-headers-$1 common kb
	common=$root/usr/src/linux-headers-${rel%-arm64}-common
	kb=$(kbuild_dir "$rel")
	[ -d "$kb/scripts" ] ||
		{ echo "deps-arm64: no $kb (apt-get install ${kb##*/})" >&2; exit 1; }
	echo "include $common/Makefile" > "$hdr/Makefile"
	ln -sfn "$kb/scripts" "$hdr/scripts"
	[ ! -e "$kb/tools" ] || ln -sfn "$kb/tools" "$hdr/tools"
	# the -common headers link to the same kbuild
	[ ! -L "$common/scripts" ] || ln -sfn "$kb/scripts" "$common/scripts"
	[ ! -L "$common/tools" ] || ln -sfn "$kb/tools" "$common/tools"
	# /lib/modules/REL/build in the sysroot, as on a real arm64 machine
	mkdir -p "$root/lib/modules/$rel"
	ln -sfn "$hdr" "$root/lib/modules/$rel/build"
}

# Absolute symlinks of the packages (libtinfo.so -> /lib/aarch64-linux-
# gnu/libtinfo.so.6) would point into the host: point them into root/.
relink_absolute() {
	local link target
	while IFS= read -r link; do
		target=$(readlink "$link")
		case "$target" in
		/usr/lib/linux-kbuild-* | "$root"/*) ;;
		/*) ln -sfn "$root$target" "$link" ;;
		esac
	done < <(find "$root/lib" "$root/usr/lib" -type l)
}

update_index
rel=$(kernel_release)
[ -n "$rel" ] || { echo "deps-arm64: no linux-image-arm64 in the arm64 index" >&2; exit 1; }
pkgs=("linux-image-$rel" "linux-headers-$rel" "linux-headers-${rel%-arm64}-common" "${GUEST_PKGS[@]}")
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)

want_done=$(printf '%s\n' "${pkgs[@]}")
if [ -f "$root/.done" ] && [ "$(cat "$root/.done")" = "$want_done" ] &&
   [ -f "$root/boot/vmlinuz-$rel" ]; then
	echo "deps-arm64: $rel and ${#pkgs[@]} arm64 packages unpacked in $root, nothing to do" >&2
	echo "$rel" > "$cache/release"
	echo "$rel"
	exit 0
fi

seed_debs
download "${pkgs[@]}"
rm -f "$root/.done"
for p in "${pkgs[@]}"; do
	for deb in "$debs/${p}"_*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
done
relink_absolute
fix_headers "$rel"
echo "$want_done" > "$root/.done"
echo "$rel" > "$cache/release"
echo "deps-arm64: $rel and ${#pkgs[@]} arm64 packages unpacked in $root" >&2
echo "$rel"
