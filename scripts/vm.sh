#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the installed Debian kernel in QEMU with the initramfs of
# mkinitramfs.sh: the module, the tools and the selftests inside.
#
#   vm.sh check [--tests a,b] [--timeout SEC] [--no-judge]
#       run the selftests (all, or those named), log the serial console to
#       build/vm/serial.log (and the terminal), judge it with check-log.py
#       and exit with its status; SEC (default 900) bounds the whole VM;
#       --no-judge: only run and log (make check judges every run at once)
#   vm.sh demo NAME [--timeout SEC]
#       a scripted demo (make demo: scripts/demo.sh): scripts/demo-NAME.sh
#       run in the guest; the serial console to the terminal and
#       $SMM_VM_DIR/serial.log, the demo's own output (between its markers)
#       to $SMM_VM_DIR/NAME.txt; exits 0 when it printed
#       "==== SMM DEMO OK ====", else 1
#   vm.sh shell
#       interactive: the module loaded on the reserved range, a shell on
#       the console; exit the shell (or Ctrl-A X) to quit
#
# Environment (all optional):
#   SMM_VM_MEM      guest memory (2G)          SMM_VM_SMP   vCPUs (2)
#   SMM_VM_CPU      -cpu model (max, which has la57 under QEMU 7.2: 5-level
#                   paging; max,la57=off for 4-level)
#   SMM_VM_MEMMAP   the reserved range (64M$0x10000000; from make: 64M$$0x...)
#   SMM_VM_MEMMAP2  a second, large one (1G$0x40000000; empty: none)
#   SMM_VM_APPEND   more kernel arguments (init_on_alloc=0, kmemleak=on, ...)
#   SMM_VM_QEMU     more QEMU arguments, split at spaces (-icount shift=0)
#   SMM_VM_INSMOD   shell: module parameters, commas between them
#                   (base=0x40000000,size=1G on the second range, else
#                   base=0x10000000,size=64M; set empty to not load it)
#   SMM_VM_TOP      shell: 0 to not start smmtop on the console
#   SMM_TEST_TIMEOUT  check: seconds per test (run_tests.sh's 300 otherwise)
#   SMM_VM_BOOT_TIMEOUT  check, bench, demo: seconds for the guest to reach /init (600);
#                   a boot that does not, or panics first, is made once more
#   SMM_VM_DIR      where the initramfs and log go (build/vm)
#   SMM_KVER        kernel release (scripts/kver.sh; `scripts/kver.sh rt` for RT)
#   SMM_VM_KERNEL   another bzImage (a debug build) instead of /boot/vmlinuz-$SMM_KVER
#   SMM_HOST_TAP    check: host TAP files for check-log.py to count too
#   SMM_ARCH        arm64: the arm64 guest (below)
#   and SMM_MODULE, SMM_TOOLS, SMM_HOST_BINS, SMM_PYTHON, SMM_UPDATES of
#   mkinitramfs.sh.
#
# QEMU runs under TCG: nested KVM does not work on the project's machines.
#
# SMM_ARCH=arm64 (make vm ARCH=arm64, vm-flavour.sh arm64): Debian's arm64
# kernel from scripts/deps.sh arm64's cache, in qemu-system-aarch64 -M
# virt -cpu max,pauth-impdef=on (QEMU's own pointer authentication
# algorithm: the architected one costs TCG a few seconds of boot), 3G.
# The module, tools and selftests are cross-built first (build-arm64.sh,
# into build/arm64). memmap= is x86-only: the reserved ranges are
# reserved-memory nodes with no-map in QEMU's own device tree (dumped with
# -M virt,dumpdtb=, edited with dtc, booted with -dtb), inside the RAM
# that starts at 0x40000000: 64M at 0x50000000 and 1G at 0xc0000000 (the
# tests' SMM_BASE and SMM_BIG_BASE, passed as smm.env.*). SMM_VM_MEMMAP
# and SMM_VM_MEMMAP2 do not apply; SMM_VM_CPU does (max,lpa2=off, ...).
# SMM_ARM64_SERIES=6.12 (make vm ARCH=arm64 KVER=6.12...): Debian's 6.12
# arm64 kernel (scripts/deps.sh arm64-6.12's cache, built into
# build/arm64-6.12): 52-bit VA with LPA2 and 5 levels under -cpu max, 48-bit
# and 4 levels under max,lpa2=off.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: vm.sh check [--tests a,b] [--timeout SEC] [--no-judge] | vm.sh bench | vm.sh demo NAME [--timeout SEC] | vm.sh shell" >&2
	exit 2
}

mode=${1:-}
[ $# -gt 0 ] && shift
tests='' timeout=1800 judge=1 demo=''
boot_timeout=${SMM_VM_BOOT_TIMEOUT:-600}
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) tests=${2:?--tests needs a list}; shift 2 ;;
	--tests=*) tests=${1#*=}; shift ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--no-judge) judge=0; shift ;;
	-*) usage ;;
	*)
		if [ "$mode" != demo ] || [ -n "$demo" ]; then usage; fi
		demo=$1
		shift
		;;
	esac
done
case "$mode" in check|shell|bench) ;; demo) [ -n "$demo" ] || usage ;; *) usage ;; esac
if [ "$mode" = demo ]; then
	[ -r "$top/scripts/demo-$demo.sh" ] || { echo "vm: no scripts/demo-$demo.sh" >&2; exit 2; }
	export SMM_EXTRA_TESTS="${SMM_EXTRA_TESTS:-} scripts/demo-$demo.sh"
fi

arch=${SMM_ARCH:-x86_64}
outdir=${SMM_VM_DIR:-$top/build/vm}
case "$arch" in
x86_64)
	kver=${SMM_KVER:-$("$top/scripts/kver.sh")}
	kernel=${SMM_VM_KERNEL:-/boot/vmlinuz-$kver}
	;;
arm64)
	# the series' cache (deps-arm64.sh) and build directory: 6.1's
	# build/arm64, 6.12's build/arm64-6.12
	series=${SMM_ARM64_SERIES:-6.1}
	suffix=$([ "$series" = 6.1 ] || echo "-$series")
	arm64_cache=${SMM_ARM64_DIR:-$HOME/.cache/shadowmm/arm64$suffix}
	kver=${SMM_KVER:-$(cat "$arm64_cache/release" 2>/dev/null || true)}
	[ -n "$kver" ] || { echo "vm: no arm64 kernel (run scripts/deps.sh arm64$suffix)" >&2; exit 1; }
	kernel=${SMM_VM_KERNEL:-$arm64_cache/root/boot/vmlinuz-$kver}
	export SMM_ARCH SMM_ARM64_SERIES=$series SMM_ARM64_DIR=$arm64_cache
	if [ -z "${SMM_MODULE:-}" ]; then
		b=$top/build/arm64$suffix
		"$top/scripts/build-arm64.sh" "$b" > /dev/null
		export SMM_MODULE=$b/src/module/shadowmm.ko
		export SMM_TOOLS="$b/src/tools/smmctl/smmctl $b/src/tools/smmtop/smmtop"
		export SMM_SELFTESTS=$b/src/selftests
	fi
	;;
*) echo "vm: SMM_ARCH is x86_64 or arm64, not '$arch'" >&2; exit 2 ;;
esac
initrd=$outdir/initramfs.cpio.gz
log=$outdir/serial.log
# Single quotes: the $ must reach the kernel as it is (memmap=SIZE$BASE).
# shellcheck disable=SC2016
memmap=${SMM_VM_MEMMAP:-'64M$0x10000000'}
# A second, 1 GiB range for the tests that need a large one.
memmap2=${SMM_VM_MEMMAP2-'1G$0x40000000'}
[ -r "$kernel" ] || { echo "vm: no kernel at $kernel (run scripts/deps.sh)" >&2; exit 1; }

# test_trace.sh's recorders, trace-cmd and perf (scripts/deps.sh), when
# the host has them and the test runs: perf's libraries (python, perl)
# add some 30 MB to the image, so only then; test_replay.sh's, trace-cmd
# alone (the host test replays a perf trace: make test-replay).
if [ "$arch" = x86_64 ] && [ "$mode" = check ]; then
	recorders=
	if [ -z "$tests" ] || [[ ",$tests," == *,test_trace.sh,* ]]; then
		recorders="trace-cmd perf"
	elif [[ ",$tests," == *,test_replay.sh,* ]]; then
		recorders=trace-cmd
	fi
	for b in $recorders; do
		if command -v "$b" > /dev/null; then
			SMM_HOST_BINS="${SMM_HOST_BINS:-} $b"
		fi
	done
	export SMM_HOST_BINS
fi

# test_replay.sh's native replayer (tools/testing/replay, about 15 s to
# build), only when that test runs; mkinitramfs.sh takes it when built.
if [ "$arch" = x86_64 ] && [ "$mode" = check ] &&
   { [ -z "$tests" ] || [[ ",$tests," == *,test_replay.sh,* ]]; }; then
	make -s -C "$top/tools" lib/libsmm.a > /dev/null &&
		make -s -C "$top/tools/testing/replay" replay_native > /dev/null ||
		echo "vm: replay_native did not build: test_replay.sh skips its check" >&2
fi

# test_modprobe.sh's module in /lib/modules/<kver>/updates with depmod's
# index (mkinitramfs.sh's SMM_UPDATES), only when that test runs.
if [ "$mode" = check ] &&
   { [ -z "$tests" ] || [[ ",$tests," == *,test_modprobe.sh,* ]]; }; then
	export SMM_UPDATES=${SMM_UPDATES:-1}
fi

# test_ynl.sh's python3 and the kernel's YNL tools (mkinitramfs.sh's
# SMM_PYTHON: some 26 MB more in the image), only when that test runs.
if [ "$arch" = x86_64 ] && [ "$mode" = check ] &&
   { [ -z "$tests" ] || [[ ",$tests," == *,test_ynl.sh,* ]]; }; then
	export SMM_PYTHON=${SMM_PYTHON:-1}
fi

mkdir -p "$outdir"
SMM_KVER=$kver "$top/scripts/mkinitramfs.sh" "$initrd"

# QEMU's device tree for the virt machine as this run configures it
# (CPUs, memory), with the two reserved ranges added: $outdir/virt.dtb.
arm64_dtb() {
	local dtb=$outdir/virt.dtb
	# the same machine, CPUs and memory, without a kernel
	qemu-system-aarch64 -machine virt,dumpdtb="$dtb.orig" -accel tcg \
		-cpu "${SMM_VM_CPU:-max,pauth-impdef=on}" -m "${SMM_VM_MEM:-3G}" \
		-smp "${SMM_VM_SMP:-2}" -nographic > /dev/null 2>&1 ||
		{ echo "vm: qemu-system-aarch64 could not dump its device tree" >&2; exit 1; }
	dtc -q -I dtb -O dts "$dtb.orig" |
		sed '$d' > "$dtb.dts"		# all but the root node's closing "};"
	cat >> "$dtb.dts" <<-EOF

		reserved-memory {
			#address-cells = <0x02>;
			#size-cells = <0x02>;
			ranges;

			shadowmm@50000000 {
				reg = <0x00 0x50000000 0x00 0x04000000>;
				no-map;
			};

			shadowmm@c0000000 {
				reg = <0x00 0xc0000000 0x00 0x40000000>;
				no-map;
			};
		};
	};
	EOF
	dtc -q -I dts -O dtb -o "$dtb" "$dtb.dts"
	rm -f "$dtb.orig"
	echo "$dtb"
}

# An array keeps every argument one word: nothing re-splits the -append
# string or expands its $.
if [ "$arch" = arm64 ]; then
	# at least 3G: the 1G range and 64M come out of the guest's RAM
	qemu=(qemu-system-aarch64 -machine virt -accel tcg
	      -cpu "${SMM_VM_CPU:-max,pauth-impdef=on}"
	      -m "${SMM_VM_MEM:-3G}" -smp "${SMM_VM_SMP:-2}"
	      -nographic -no-reboot -kernel "$kernel" -initrd "$initrd")
	qemu+=(-dtb "$(arm64_dtb)")
	append="console=ttyAMA0 panic=-1 smm.env.SMM_BASE=0x50000000 smm.env.SMM_BIG_BASE=0xc0000000"
else
	qemu=(qemu-system-x86_64 -accel tcg -cpu "${SMM_VM_CPU:-max}"
	      -m "${SMM_VM_MEM:-2G}" -smp "${SMM_VM_SMP:-2}"
	      -nographic -no-reboot -kernel "$kernel" -initrd "$initrd")
	append="console=ttyS0 panic=-1 memmap=$memmap${memmap2:+ memmap=$memmap2}"
fi
# shellcheck disable=SC2206 # words on purpose: QEMU options
[ -z "${SMM_VM_QEMU:-}" ] || qemu+=($SMM_VM_QEMU)

# The host's TSC rate in kHz, from its kernel's calibration (or, with a
# constant TSC, /proc/cpuinfo); nothing if neither says.
host_tsc_khz() {
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n -e 's/.*Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' \
		-e 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n 1)
	if [ -z "$mhz" ] && grep -qw constant_tsc /proc/cpuinfo; then
		mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	fi
	[ -z "$mhz" ] || awk -v m="$mhz" 'BEGIN { printf "%d\n", m * 1000 }'
}

# Under TCG the guest's TSC is the host's, so the guest is told its rate
# (tsc_early_khz=): calibrating it against the PIT goes wrong on a busy
# host (a debug guest once found 266 MHz for 2,300, its clock ran seven
# times fast and a 7,200 s test timeout struck after 1,466 s). The guest
# still refines the rate against the HPET, within 1 %. Under -icount the
# TSC counts instructions, and the guest calibrates it exactly; arm64's
# generic timer has its rate in a register.
case "$arch:${SMM_VM_QEMU:-}" in
arm64:* | *icount*) ;;
*)
	tsc_khz=$(host_tsc_khz)
	[ -z "$tsc_khz" ] || append+=" tsc_early_khz=$tsc_khz"
	;;
esac

# One boot of the VM: its console in $log (and on stdout unless $2 is
# "quiet"), QEMU's exit status in rc. No terminal for QEMU (stdin
# /dev/null); -k: SIGKILL if SIGTERM was not enough. QEMU runs in the
# background so that a boot that never reaches /init can be stopped:
# boot_hung=1 when the mode's marker ($1: "==== SMM TESTS BEGIN ====",
# or BENCH, DEMO) did not come within $boot_timeout s
# (SMM_VM_BOOT_TIMEOUT, 600: a debug kernel under a loaded TCG host
# reaches /init in a few minutes at worst). A background job ignores
# Ctrl-C, so the trap passes it on.
boot_once() {
	local marker=$1 quiet=${2:-} pid tailpid='' waited=0
	boot_hung=0
	: > "$log"
	set +e
	timeout -k 10 "$timeout" "${qemu[@]}" -append "$append" < /dev/null > "$log" 2>&1 &
	pid=$!
	trap 'kill "$pid" 2> /dev/null' INT TERM
	if [ -z "$quiet" ]; then
		tail -n +1 -f --pid="$pid" "$log" &
		tailpid=$!
	fi
	while kill -0 "$pid" 2> /dev/null && ! grep -q "^$marker" "$log"; do
		if [ "$waited" -ge "$boot_timeout" ]; then
			boot_hung=1
			kill "$pid"
			break
		fi
		sleep 2
		waited=$((waited + 2))
	done
	wait "$pid"
	rc=$?
	[ -z "$tailpid" ] || wait "$tailpid"
	trap - INT TERM
	set -e
}

# boot_once, and once more when the guest's own kernel failed before
# /init printed the marker: a panic in its boot ran none of this
# project's code (the module is loaded after the marker), and under
# TCG that happened once in 6.12's initcalls (devtmpfs waking a CPU);
# a boot silent for $boot_timeout s likewise (6.1 once sat silent for
# 22 minutes after the firmware, at 180 % CPU, in a make check here).
# Said on the output; the first log is kept as $log.boot1. A panic or
# hang after the marker is judged as it is.
boot() {
	rm -f "$log.boot1"
	boot_once "$@"
	if ! grep -q "^$1" "$log" &&
	   { [ "$boot_hung" = 1 ] || grep -q 'Kernel panic' "$log"; }; then
		mv "$log" "$log.boot1"
		if [ "$boot_hung" = 1 ]; then
			echo "vm: the guest did not reach /init in $boot_timeout s (no shadowmm code loaded; log in $log.boot1): booting it once more"
		else
			echo "vm: the guest kernel panicked in its own boot, before /init ran (no shadowmm code loaded; log in $log.boot1): booting it once more"
		fi
		boot_once "$@"
		[ "$boot_hung" = 0 ] || echo "vm: the guest did not reach /init in $boot_timeout s again"
	fi
}

run_check() {
	local start rc status levels
	# loglevel=4: only errors reach the console during boot; the tests'
	# kernel log is dumped whole at the end. log_buf_len: room for all of
	# it, so the expect-kerr markers are not rotated out.
	append+=" loglevel=4 log_buf_len=4M smm.mode=check"
	[ -z "$tests" ] || append+=" smm.tests=$tests"
	[ -z "${SMM_TEST_TIMEOUT:-}" ] || append+=" smm.timeout=$SMM_TEST_TIMEOUT"
	# The paging mode the CPU model gives (both kernels have X86_5LEVEL):
	# test_pt_walk fails if the guest runs another.
	case "$arch:${SMM_VM_CPU:-max}" in
	arm64:*)	# the kernel's build says how many (module/arch.h); a
		# 5-level (52-bit VA, LPA2) kernel folds one at boot on a CPU
		# without FEAT_LPA2 (lpa2=off): 48-bit VA, 4 levels
		levels=$(sed -n 's/^CONFIG_PGTABLE_LEVELS=//p' "$arm64_cache/root/boot/config-$kver" 2>/dev/null)
		case "$levels:${SMM_VM_CPU:-max}" in
		5:*lpa2=off*) levels=4 ;;
		esac
		[ -z "$levels" ] || append+=" smm.env.SMM_PAGING_LEVELS=$levels" ;;
	*:max*la57=off*) append+=" smm.env.SMM_PAGING_LEVELS=4" ;;
	*:max | *:max,*) append+=" smm.env.SMM_PAGING_LEVELS=5" ;;
	esac
	append+=" ${SMM_VM_APPEND:-}"

	echo "vm: $kver under TCG, ${SMM_VM_SMP:-2} vCPUs, ${SMM_VM_MEM:-$([ "$arch" = arm64 ] && echo 3G || echo 2G)}; log in $log"
	start=$(date +%s)
	boot '==== SMM TESTS BEGIN ===='
	status="exited ($rc)"
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || status="stopped by the ${timeout} s timeout"
	[ "$boot_hung" = 0 ] || status="stopped: no /init in $boot_timeout s"
	echo "vm: QEMU $status after $(($(date +%s) - start)) s"
	[ "$judge" = 1 ] || exit 0
	# SMM_VM_LABEL (vm-flavour.sh): judged as make check judges that
	# flavour's log, its tests named FLAVOUR/test_x.sh for expected-skips
	# shellcheck disable=SC2086 # a list of files
	exec python3 "$top/scripts/check-log.py" "${SMM_VM_LABEL:+$SMM_VM_LABEL=}$log" ${SMM_HOST_TAP:-}
}

# make bench: init_on_alloc=0 so the kernel does not zero the pages the
# shadow does not zero either (zeroing would dominate under TCG).
run_bench() {
	append+=" loglevel=4 log_buf_len=4M init_on_alloc=0 smm.mode=bench ${SMM_VM_APPEND:-}"
	# SMM_BENCH_ROWS="pt-walk ...": only those groups (bench_vm.sh)
	[ -z "${SMM_BENCH_ROWS:-}" ] || append+=" smm.env.SMM_BENCH_ROWS=${SMM_BENCH_ROWS// /,}"
	log=$outdir/bench.log
	echo "vm: benchmarks on $kver under TCG, ${SMM_VM_SMP:-2} vCPUs; log in $log"
	boot '==== SMM BENCH BEGIN ====' quiet
	[ "$boot_hung" = 0 ] || { echo "vm: no benchmarks: the guest did not reach /init" >&2; exit 1; }
	exec python3 "$top/tools/testing/bench/bench-report.py" "$log" "/boot/config-$kver" \
		"${SMM_BENCH_JSON:-$top/build/bench/bench.json}" ${SMM_BENCH_NATIVE:-}
}

# vm.sh demo NAME: as check boots, the demo's script instead of the tests.
run_demo() {
	local rc out=$outdir/$demo.txt
	append+=" loglevel=4 log_buf_len=4M smm.mode=demo smm.demo=$demo ${SMM_VM_APPEND:-}"
	echo "vm: the $demo demo on $kver under TCG; log in $log, the demo in $out"
	boot '==== SMM DEMO BEGIN ===='
	[ "$boot_hung" = 0 ] || { echo "vm: no demo: the guest did not reach /init" >&2; exit 1; }
	tr -d '\r' < "$log" | sed -n '/^==== SMM DEMO BEGIN ====/,/^==== SMM DEMO END/p' > "$out"
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] ||
		{ echo "vm: the demo stopped by the ${timeout} s timeout" >&2; exit 1; }
	grep -q '^==== SMM DEMO OK ====' "$out" || { echo "vm: the $demo demo did not finish OK" >&2; exit 1; }
	echo "vm: the $demo demo: $out"
}

run_shell() {
	local size
	# smmtop shows the 1 GiB range when there is one
	local insmod=base=0x10000000,size=64M
	# shellcheck disable=SC2016 # a literal $, as memmap= has it
	[ "$memmap2" != '1G$0x40000000' ] || insmod=base=0x40000000,size=1G
	[ "$arch" != arm64 ] || insmod=base=0xc0000000,size=1G
	append+=" quiet smm.mode=shell smm.insmod=${SMM_VM_INSMOD-$insmod} smm.top=${SMM_VM_TOP:-1}"
	# The guest cannot ask a serial line for the window size or type.
	if size=$(stty size 2>/dev/null); then
		append+=" smm.rows=${size% *} smm.cols=${size#* }"
	fi
	append+=" smm.term=${TERM:-linux} ${SMM_VM_APPEND:-}"
	echo "vm: $kver under TCG; Ctrl-A X quits QEMU, Ctrl-A C its monitor"
	exec "${qemu[@]}" -append "$append"
}

"run_$mode"
