#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages shadowmm needs to build, run and test, but
# only those missing: when everything is there this costs one dpkg-query
# and never an `apt-get update`. Prints one line saying what it did.
set -euo pipefail

#   deps.sh             what make, make check and make vm need
#   deps.sh debug       also what building the debug kernel needs
#   deps.sh debug-6.12  the same for a debug kernel from linux-source-6.12
#                       (make check-debug KVER=6.12), and pahole (BTF)
#   deps.sh rt          also Debian's PREEMPT_RT kernel and its headers
#   deps.sh 6.12        also Debian bookworm's 6.12 kernel and its headers
#                       (linux-headers-6.12.*+deb12-amd64 through the
#                       series' meta-packages, which follow its point
#                       releases), and pahole: 6.12's headers carry
#                       vmlinux, so kbuild adds BTF to the module
#   deps.sh 6.12-rt     the same for 6.12's PREEMPT_RT flavour
#   deps.sh stress      also stress-ng, to press on the guest's own kernel
#   deps.sh bench       also valgrind, for make bench's instruction counts
#   deps.sh arm64       also the cross compiler, qemu-system-aarch64 and dtc,
#                       then Debian's arm64 kernel and the guest's arm64
#                       programs, unpacked in a cache (scripts/deps-arm64.sh)
#   deps.sh arm64-6.12  the same with Debian bookworm's 6.12 arm64 kernel
#                       (linux-image-6.12-arm64: 52-bit VA, LPA2, 5 levels)
#                       in a cache of its own (~/.cache/shadowmm/arm64-6.12);
#                       the host's kbuild of that release comes with
#                       linux-headers-6.12-amd64, and pahole for the BTF
#   deps.sh dkms        also Debian's dkms (make dkms, make test-install)
#   deps.sh promtool    also promtool (make test-host's check of smmctl
#                       stats' Prometheus output): bookworm's prometheus
#                       .deb downloaded, never installed (it is a daemon),
#                       and only usr/bin/promtool unpacked into
#                       ~/.cache/shadowmm/promtool/ (SMM_PROMTOOL_DIR)
PKGS=(
	gcc make libc6-dev			# the tools and the module
	clang					# libFuzzer on the core
	linux-image-amd64 linux-headers-amd64	# the kernel we build for and boot
	qemu-system-x86 busybox-static kmod cpio	# the test VM
	libmnl-dev libncurses-dev		# smmctl, smmtop
	sparse iproute2 jq			# make sparse; genl and jq in the tests
	universal-ctags				# scripts/check-names.sh
	tmux					# smmtop's screen tests (host and VM)
	mandoc					# make test-man: mandoc -T lint of the man pages
	librsvg2-bin libxml2-utils		# test_svg.sh: rsvg-convert and xmllint on smmctl's SVGs
	trace-cmd linux-perf			# test_trace.sh's recorders (vm.sh copies them in)
	linux-source-6.1			# test_page_owner.sh's page_owner_sort (selftests/Makefile)
	linux-source-6.12 python3-yaml python3-jsonschema	# make test-ynl: the kernel's YNL
						# library and genetlink schema, checked with Debian's python3
)
arm64_series=()
want_promtool=0
for group in "$@"; do
	case "$group" in
	debug)	PKGS+=(linux-source-6.1 bc flex bison libelf-dev libssl-dev xz-utils) ;;
	debug-6.12) PKGS+=(linux-source-6.12 bc flex bison libelf-dev libssl-dev xz-utils dwarves) ;;
	rt)	PKGS+=(linux-image-rt-amd64 linux-headers-rt-amd64) ;;
	6.12)	PKGS+=(linux-image-6.12-amd64 linux-headers-6.12-amd64 dwarves) ;;
	6.12-rt) PKGS+=(linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64 dwarves) ;;
	stress)	PKGS+=(stress-ng) ;;
	bench)	PKGS+=(valgrind) ;;
	dkms)	PKGS+=(dkms) ;;
	arm64)	PKGS+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
		       device-tree-compiler linux-kbuild-6.1)
		arm64_series+=(6.1) ;;
	arm64-6.12) PKGS+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
		       device-tree-compiler linux-headers-6.12-amd64 dwarves)
		arm64_series+=(6.12) ;;
	promtool) want_promtool=1 ;;
	*)	echo "usage: deps.sh [debug] [debug-6.12] [rt] [6.12] [6.12-rt] [stress] [bench] [arm64] [arm64-6.12] [dkms] [promtool]" >&2; exit 2 ;;
	esac
done

# a package two groups share (dwarves) once
mapfile -t PKGS < <(printf '%s\n' "${PKGS[@]}" | awk '!seen[$0]++')

# dpkg-query prints nothing for packages it has never heard of, so ask for
# each name and keep those whose status is not "installed".
missing_pkgs() {
	local status
	status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true)
	local p
	for p in "${PKGS[@]}"; do
		grep -qx "$p installed" <<<"$status" || echo "$p"
	done
	# python3 may come from elsewhere (pyenv, /usr/local): any will do.
	command -v python3 >/dev/null || echo python3
}

# The arm64 kernel and guest programs, once the host packages are there.
arm64_cache() {
	local s
	for s in "${arm64_series[@]}"; do
		"$(dirname "$0")/deps-arm64.sh" "$s" > /dev/null
	done
}

# promtool alone, from the prometheus .deb (apt-get download needs no
# root; dpkg-deb's tar stream gives the one file). Idempotent: nothing is
# fetched when the binary is there and runs.
promtool_cache() {
	local dir=${SMM_PROMTOOL_DIR:-$HOME/.cache/shadowmm/promtool} deb
	[ "$want_promtool" = 1 ] || return 0
	"$dir/usr/bin/promtool" --version > /dev/null 2>&1 && return 0
	mkdir -p "$dir/debs"
	deb=$(find "$dir/debs" -name 'prometheus_*.deb' | head -1)
	if [ -z "$deb" ]; then
		(cd "$dir/debs" && apt-get -q -o DPkg::Lock::Timeout=900 download prometheus) > /dev/null 2>&1 ||
			{ echo "deps: apt-get download prometheus failed" >&2; return 1; }
		deb=$(find "$dir/debs" -name 'prometheus_*.deb' | head -1)
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./usr/bin/promtool
	"$dir/usr/bin/promtool" --version > /dev/null 2>&1 ||
		{ echo "deps: $dir/usr/bin/promtool does not run" >&2; return 1; }
	echo "deps: promtool unpacked into $dir/usr/bin" >&2
}

mapfile -t missing < <(missing_pkgs)
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages and python3 present, nothing to do"
	arm64_cache
	promtool_cache
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: missing ${missing[*]}; need root to install" >&2; exit 1; }
	sudo=(sudo)
fi
# Wait for another apt or dpkg (a second checkout's make) to finish
# rather than fail on its lock.
lock=(-o DPkg::Lock::Timeout=900)
"${sudo[@]}" apt-get "${lock[@]}" update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
arm64_cache
promtool_cache
