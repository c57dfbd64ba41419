#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test VM's initramfs (gzip'd newc cpio), self-contained:
#
#   /init                      scripts/guest-init
#   /bin/*                     busybox-static and its applet links
#   /shadowmm/shadowmm.ko      the module
#   /shadowmm/shadowmm.h       its uapi header (test_genl reads the commands)
#   /usr/bin/smmctl ...        our tools, with the shared libraries they use
#   /usr/bin/replay_native     tools/testing/replay's, when built (x86)
#   /usr/bin/jq, genl, setpriv, unshare, tmux  host programs the tests use, likewise
#   /usr/sbin/insmod ...       kmod's module tools (busybox's are shadowed)
#   /selftests/                the whole selftests/ directory
#   /usr/lib/locale/C.utf8     for tmux, which wants a UTF-8 locale
#   /usr/bin/python3, /usr/lib/python3.11, /shadowmm/ynl/   with SMM_PYTHON=1
#   /lib/modules/<kver>/       empty (busybox modprobe/lsmod look there); with
#                              SMM_UPDATES=1 the module in updates/ and
#                              depmod's index, for modprobe (test_modprobe.sh)
#   /etc/passwd, /etc/group    root and nobody (65534) for unprivileged runs
#
#   mkinitramfs.sh OUT.cpio.gz
#
# SMM_MODULE     the module (default module/shadowmm.ko; relative paths are
#                taken from the top of the checkout)
# SMM_TOOLS      our executables for /usr/bin (default tools/smmctl/smmctl
#                tools/smmtop/smmtop): smmctl must exist, the others are
#                skipped with a note when they are not built
# SMM_HOST_BINS  host programs to add to jq, genl, setpriv and tmux
# SMM_PYTHON     1: Debian's python3 and its standard library (less its
#                tests, IDLE, tkinter and other tools: some 26 MB), PyYAML,
#                the kernel's YNL CLI and library (tools/net/ynl of
#                linux-source-6.12, which make test-ynl unpacks into
#                build/ynl/kernel) and the family's spec in /shadowmm/ynl/,
#                for test_ynl.sh; vm.sh sets it only when that test runs
# SMM_UPDATES    1: the module installed for modprobe as on a real machine,
#                in /lib/modules/<kver>/updates/dkms/shadowmm.ko[.xz] when
#                test-install left DKMS's build for that release in
#                build/dkms/<kver>/ (and its srcversion is the module's:
#                built from the same sources), else where make install
#                puts it, updates/shadowmm.ko; then depmod -b for the
#                image's tree, as a package's postinst runs depmod
# SMM_EXTRA_TESTS  more files for /selftests/ (compare-output.sh's script
#                and its reference module)
# SMM_KVER       the guest kernel release (default scripts/kver.sh)
# SMM_ARCH       arm64: an arm64 image, every program and library taken
#                from the arm64 .debs scripts/deps-arm64.sh unpacked
#                (SMM_ARM64_DIR/root) instead of the host, the selftests
#                from SMM_SELFTESTS (build-arm64.sh's cross-built copy)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:?usage: mkinitramfs.sh OUT.cpio.gz}")
arch=${SMM_ARCH:-x86_64}
case "$arch" in
x86_64) sysroot='' ;;
arm64) sysroot=${SMM_ARM64_DIR:-$HOME/.cache/shadowmm/arm64}/root ;;
*) echo "mkinitramfs: SMM_ARCH is x86_64 or arm64, not '$arch'" >&2; exit 2 ;;
esac
selftests=${SMM_SELFTESTS:-selftests}
kver=${SMM_KVER:-$("$top/scripts/kver.sh")}
module=${SMM_MODULE:-module/shadowmm.ko}
tools=${SMM_TOOLS:-tools/smmctl/smmctl tools/smmtop/smmtop}
# util-linux's setpriv, because busybox's cannot change uid (--reuid), and
# its unshare, for a user namespace of an unprivileged user (-Ur)
host_bins="jq genl setpriv unshare tmux ${SMM_HOST_BINS:-}"
# terminfo entries smmtop may meet on a serial console, in tmux or xterm
terminfo="linux vt100 vt220 xterm xterm-256color screen screen-256color tmux tmux-256color"

root=$(mktemp -d "${TMPDIR:-/tmp}/smm-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

die() { echo "mkinitramfs: $*" >&2; exit 1; }
note() { echo "mkinitramfs: $*" >&2; }

# A path given relative to the top of the checkout, or absolute.
from_top() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$top/$1" ;;
	esac
}

# Copy a host file to the same path in the image, following symlinks
# (/lib64/ld-linux-x86-64.so.2 is one, and /lib is one on usrmerge).
copy_same_path() {
	[ -e "$root$1" ] && return 0
	mkdir -p "$root$(dirname "$1")"
	cp -L "$sysroot$1" "$root$1"
}

# The shared libraries of an ELF program, by the paths ldd resolves;
# nothing for static programs and scripts ("not a dynamic executable").
# arm64: ldd cannot run the program, so its DT_NEEDED entries are looked
# up in the sysroot's library directories, and theirs in turn; the paths
# printed are the guest's (copy_same_path takes them from the sysroot).
shared_libs() {
	[ -n "$sysroot" ] || { ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true; return 0; }
	local todo=("$1") seen=" " f lib dir
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(aarch64-linux-gnu-readelf -d "$f" 2>/dev/null |
			     sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
			case "$seen" in *" $lib "*) continue ;; esac
			seen+="$lib "
			for dir in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu; do
				if [ -e "$sysroot$dir/$lib" ]; then
					echo "$dir/$lib"
					todo+=("$sysroot$dir/$lib")
					continue 2
				fi
			done
			die "no $lib for ${f##*/} in $sysroot (add its package to scripts/deps-arm64.sh)"
		done
	done
}

# A program of the target: the host's on x86_64, else the sysroot's.
target_program() {
	local d
	if [ -z "$sysroot" ]; then
		command -v "$1"
		return
	fi
	for d in /usr/bin /usr/sbin /bin /sbin; do
		[ -x "$sysroot$d/$1" ] && { echo "$sysroot$d/$1"; return 0; }
	done
	return 1
}

# Put a program at DEST in the image, with its shared libraries.
copy_program() {
	local src=$1 dest=$2 lib
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
	chmod 0755 "$root$dest"
	for lib in $(shared_libs "$src"); do
		copy_same_path "$lib"
	done
}

add_layout() {
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,shadowmm}
	mkdir -p "$root/lib/modules/$kver"
	chmod 1777 "$root/tmp"
	cat > "$root/etc/passwd" <<-EOF
	root:x:0:0:root:/root:/bin/sh
	nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
	EOF
	cat > "$root/etc/group" <<-EOF
	root:x:0:
	nogroup:x:65534:
	EOF
	install -m 0755 "$top/scripts/guest-init" "$root/init"
}

add_busybox() {
	local applet
	[ -x "$sysroot/bin/busybox" ] || die "no $sysroot/bin/busybox (busybox-static: scripts/deps.sh)"
	[ -z "$(shared_libs "$sysroot/bin/busybox")" ] || die "$sysroot/bin/busybox is dynamic: install busybox-static"
	cp "$sysroot/bin/busybox" "$root/bin/busybox"
	# Every applet in /bin; the PATH puts /usr/bin first so the host
	# programs copied there (setpriv) win over the applets of that name.
	# The host's busybox names them: the arm64 one cannot run here, and
	# both are Debian's busybox-static of the same release.
	for applet in $(/bin/busybox --list); do
		[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
	done
}

add_module() {
	local ko
	ko=$(from_top "$module")
	[ -f "$ko" ] || die "no module at $ko (run make, or set SMM_MODULE)"
	cp "$ko" "$root/shadowmm/shadowmm.ko"
	cp "$top/include/uapi/linux/shadowmm.h" "$root/shadowmm/shadowmm.h"
}

# SMM_UPDATES=1: the module where DKMS or make install puts it, indexed.
add_updates() {
	local ko dkms_ko dest
	[ "${SMM_UPDATES:-0}" = 1 ] || return 0
	ko=$(from_top "$module")
	# shadowmm.ko, or .ko.xz where the kernel compresses its modules (6.12)
	# none yet (no make test-install for this kernel): ls fails, which
	# pipefail would make this script's exit
	dkms_ko=$(ls "$top/build/dkms/$kver"/shadowmm.ko* 2> /dev/null | head -n 1) || dkms_ko=
	dest=$root/lib/modules/$kver/updates/shadowmm.ko
	if [ -n "$dkms_ko" ] &&
	   [ "$(modinfo -F srcversion "$dkms_ko")" = "$(modinfo -F srcversion "$ko")" ]; then
		dest=$root/lib/modules/$kver/updates/dkms/${dkms_ko##*/}
		ko=$dkms_ko
	else
		note "SMM_UPDATES: no DKMS build of these sources for $kver (make test-install):" \
		     "updates/shadowmm.ko as make install puts it"
	fi
	install -D -m 0644 "$ko" "$dest"
	# the kernel's own lists, empty: nothing else is in the image
	touch "$root/lib/modules/$kver/modules.builtin" "$root/lib/modules/$kver/modules.builtin.modinfo" \
	      "$root/lib/modules/$kver/modules.order"
	depmod -b "$root" "$kver" || die "depmod -b for $kver failed"
}

add_tools() {
	local t path
	for t in $tools; do
		path=$(from_top "$t")
		if [ -x "$path" ] && [ -f "$path" ]; then
			copy_program "$path" "/usr/bin/${path##*/}"
		elif [ "${path##*/}" = smmctl ]; then
			die "no smmctl at $path (run make, or set SMM_TOOLS)"
		else
			note "skipping ${path##*/}: not built ($path)"
		fi
	done
}

add_host_programs() {
	local b path
	for b in $host_bins; do
		path=$(target_program "$b") || die "program $b not found (run scripts/deps.sh${sysroot:+ arm64})"
		copy_program "$path" "/usr/bin/$b"
	done
	# ld.so: ldd prints it without "=>"; copy it by name to be sure
	if [ -n "$sysroot" ]; then
		copy_same_path /lib/ld-linux-aarch64.so.1
	else
		copy_same_path /lib64/ld-linux-x86-64.so.2
	fi
}

# kmod's insmod, rmmod, lsmod, modinfo in /usr/sbin: when the module's
# init fails, busybox insmod (1.35) retries the load with init_module, so
# the init runs and logs its error twice; kmod retries only where
# finit_module is missing. Busybox's shell prefers its own applets to the
# PATH, so the tests reach these through functions in selftests/lib.sh.
add_kmod() {
	local tool kmod
	kmod=$(target_program kmod) || die "no kmod (run scripts/deps.sh)"
	copy_program "$kmod" /usr/sbin/kmod
	for tool in insmod rmmod lsmod modinfo modprobe; do
		ln -s kmod "$root/usr/sbin/$tool"
	done
}

# The selftests, with the libraries of their compiled programs.
add_selftests() {
	local f lib
	cp -r "$(from_top "$selftests")" "$root/selftests"
	# make bench's VM half (tools/testing/bench), beside lib.sh; built
	# for x86 only (make bench is not cross-built)
	if [ "$arch" = x86_64 ]; then
		for f in bench_vm.sh bench_pt_walk bench_frame_dump bench_fault; do
			if [ -e "$top/tools/testing/bench/$f" ]; then cp "$top/tools/testing/bench/$f" "$root/selftests/"; fi
		done
		# the native replayer, for test_replay.sh's comparison
		f=$top/tools/testing/replay/replay_native
		if [ -x "$f" ]; then copy_program "$f" /usr/bin/replay_native; fi
	fi
	for f in ${SMM_EXTRA_TESTS:-}; do
		cp "$(from_top "$f")" "$root/selftests/"
	done
	while IFS= read -r f; do
		for lib in $(shared_libs "$f"); do
			copy_same_path "$lib"
		done
	done < <(find "$root/selftests" -type f -perm -u+x)
}

# SMM_PYTHON=1 (above): python3 for the kernel's YNL tools. The
# extension modules' libraries (libbz2, liblzma, libuuid, ...) come as a
# program's do; without build/ynl/kernel the tools are left out (and
# test_ynl.sh skips, saying so).
add_python() {
	local python ver f lib ynl=$top/build/ynl/kernel/tools/net/ynl
	[ "${SMM_PYTHON:-0}" = 1 ] || return 0
	[ -z "$sysroot" ] || { note "SMM_PYTHON: x86_64 guests only"; return 0; }
	python=$(readlink -f /usr/bin/python3) || die "SMM_PYTHON: no /usr/bin/python3"
	ver=${python##*/}
	copy_program "$python" "/usr/bin/$ver"
	ln -s "$ver" "$root/usr/bin/python3"
	tar -C /usr/lib -cf - --exclude="$ver/test" --exclude="$ver/idlelib" \
		--exclude="$ver/tkinter" --exclude="$ver/ensurepip" --exclude="$ver/lib2to3" \
		--exclude="$ver/turtledemo" --exclude="$ver/pydoc_data" --exclude="$ver/config-*" \
		"$ver" | tar -C "$root/usr/lib" -xf -
	while IFS= read -r f; do
		for lib in $(shared_libs "$f"); do
			copy_same_path "$lib"
		done
	done < <(find "$root/usr/lib/$ver/lib-dynload" -name '*.so')
	# PyYAML, with its C parser (libyaml): test_ynl.sh parses the spec
	# with it, five times faster than the pure Python one
	mkdir -p "$root/usr/lib/python3/dist-packages"
	cp -r /usr/lib/python3/dist-packages/yaml "$root/usr/lib/python3/dist-packages/"
	for f in "$root"/usr/lib/python3/dist-packages/yaml/_yaml.*.so; do
		for lib in $(shared_libs "$f"); do
			copy_same_path "$lib"
		done
	done
	mkdir -p "$root/shadowmm/ynl"
	cp "$top/Documentation/netlink/specs/shadowmm.yaml" "$root/shadowmm/ynl/"
	if [ -f "$ynl/cli.py" ]; then
		cp -r "$ynl/cli.py" "$ynl/lib" "$root/shadowmm/ynl/"
	else
		note "SMM_PYTHON: no $ynl (make test-ynl unpacks it): no YNL tools"
	fi
}

# tmux refuses to start without a UTF-8 locale; glibc's C.UTF-8 is a
# directory of its own (400 KiB).
add_locale() {
	[ -d /usr/lib/locale/C.utf8 ] || { note "no /usr/lib/locale/C.utf8: tmux will not start"; return 0; }
	mkdir -p "$root/usr/lib/locale"
	cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
}

add_terminfo() {
	local t dir
	for t in $terminfo; do
		for dir in /lib/terminfo /usr/share/terminfo; do
			# the host's: terminfo is the same on every architecture
			[ -e "$dir/${t:0:1}/$t" ] && sysroot='' copy_same_path "$dir/${t:0:1}/$t"
		done
	done
	return 0
}

# Sorted names and one fixed timestamp: the same inputs give the same
# archive, whatever the order of the directory entries or the time.
write_cpio() {
	local tmp
	mkdir -p "$(dirname "$out")"
	find "$root" -exec touch -h -d @0 {} +
	# written aside and renamed, so a VM starting meanwhile never reads half
	tmp=$(mktemp "$out.XXXXXX")
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --quiet --owner=0:0 --reproducible) |
		gzip -n -1 > "$tmp"
	chmod 0644 "$tmp"
	mv "$tmp" "$out"
}

add_layout
add_busybox
add_module
add_updates
add_tools
add_host_programs
add_kmod
add_selftests
add_terminfo
add_locale
add_python
write_cpio
