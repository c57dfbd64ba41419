#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the selftests on another kernel than Debian's generic one:
#
#   vm-flavour.sh FLAVOUR [vm.sh check options: --tests a,b --no-judge ...]
#
#   debug   a debug build of linux-source-6.1, or of 6.12 with
#           SMM_DEBUG_SERIES=6.12 (make check-debug KVER=6.12; the same for
#           debug-fuzz, debug-quick and kcsan) (scripts/debug-kernel.sh:
#           KASAN, lockdep, kmemleak, DEBUG_VM, UBSAN), booted with
#           kmemleak=on; the guest asks kmemleak for a scan after the
#           tests, so a leak fails the run like a WARNING. Every test but
#           the fuzzer at full size (make check-debug), unless --tests
#           names others (test_nl_fuzz there gets the million below)
#   debug-fuzz  the same kernel: test_nl_fuzz with 1,000,000 fuzzed
#           netlink messages, about an hour under KASAN; make
#           check-debug runs it in a VM of its own beside debug's, since
#           the fuzzer keeps one vCPU busy and the other tests the second
#   debug-quick  the same kernel in make check (and CI), sized to keep
#           CI near 45 minutes: the tests that drive the module's kernel
#           side hardest (loading and its refusals, both modes, buddy,
#           debugfs, fault injection's failed allocations (kmemleak
#           scans after them), frame dumps, the fuzzer, stress, lifecycle, slab
#           corruption, real page-table walks and their race with
#           munmap/THP, widened by debug_walk_delay_us) with smaller sizes: 20,000
#           fuzzed messages, 20 lifecycle and 5 load cycles, 10 s of
#           stress. test_slab, test_space, test_permissions and
#           test_smmtop (15 of its 30 minutes, mostly spent starting
#           smmctl and jq under KASAN) run in make check-debug; the fuzzer
#           and the stress still create caches and map spaces here
#   kcsan   the KCSAN kernel (debug-kernel.sh kcsan; make check-debug):
#           the stress test for 60 s, the fuzzer and the walker's race
#           test, where a data race is a "BUG: KCSAN" report in the log
#   rt      Debian's PREEMPT_RT kernel of the series SMM_KVER (make's
#           KVER) is in, 6.1 by default (linux-image-rt-amd64), where
#           spinlocks sleep and locking mistakes show
#   k612    Debian bookworm's 6.12 kernel (linux-image-6.12-amd64),
#           whatever KVER says: the module's build and behaviour on the
#           newer kernel (module/compat.h); every selftest but k612-rt's
#           9 in make check, every one with SMM_FLAVOUR_FULL=1
#   k612-rt the same on 6.12's PREEMPT_RT flavour (PREEMPT_RT is
#           mainline there): 9 tests in make check (below), every
#           selftest with SMM_FLAVOUR_FULL=1 (make check-full); with
#           k612's, every selftest runs on 6.12 once in make check
#   la48    the generic kernel on a CPU without la57: 4-level paging
#           (-cpu max has la57 under QEMU 7.2's TCG, so the generic run
#           is 5-level); the page-table walker's test unless --tests says
#           otherwise
#   holds   the generic kernel with a 4 GiB reserved range (7 GiB of guest
#           memory: 3 below the PCI hole, 4 above 4 GiB for the range),
#           test_lock_holds.sh on it with watchdog_thresh=1 and a 3 s RCU
#           stall timeout, under -icount shift=0: guest time counts
#           instructions (1 ns each), so the longest lock hold is measured
#           in emulated time, which a busy host cannot stretch; bound 1 ms.
#           One vCPU: QEMU 7.2's icount runs vCPUs round-robin on one
#           thread, and the guest hangs bringing up its second CPU there
#           (tried); the stress threads and the sweeps still preempt each
#           other on the one CPU. Guest time runs about ten times slower
#           than the host's under icount here, so the stress runs 8 s
#   smp4    the generic kernel on 4 vCPUs (oversubscribed on 2 cores: for
#           correctness, not timing): the stress test for 60 s, with
#           stress-ng's memory stressors pressing on the guest's kernel
#   arm64   Debian's arm64 kernel in qemu-system-aarch64 (vm.sh's
#           SMM_ARCH=arm64: the module, tools and selftests cross-built,
#           the ranges reserved in the device tree): the allocator's
#           and the slab layer's tests, both modes, shadow spaces, frame
#           dumps, and the walker's (process walks against pagemap, the
#           race; kernel walks are refused on arm64, module/arch.h):
#           in make check the walker's and the allocator's core (5
#           tests, below), all 15 with SMM_FLAVOUR_FULL=1 (make check-full)
#   arm64-612  the same on Debian bookworm's 6.12 arm64 kernel (scripts/
#           deps.sh arm64-6.12; built for 52-bit VA with LPA2) under -cpu
#           max, which has FEAT_LPA2: 52-bit VA, 5 levels, LPA2
#           descriptors. The same 5 tests, all 15 with SMM_FLAVOUR_FULL=1;
#           make check-full only
#   arm64-612-la48  that kernel under -cpu max,lpa2=off: it folds the top
#           level at boot, 48-bit VA on 4 levels (make check-full only)
#
# The module is built for that kernel from a copy of the sources in
# build/vm-FLAVOUR/src (so the generic build in module/ stays as it is);
# the serial log goes to build/vm-FLAVOUR/serial.log.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:?usage: vm-flavour.sh debug|debug-fuzz|debug-quick|kcsan|rt|k612|k612-rt|la48|holds|smp4|arm64|arm64-612|arm64-612-la48 [vm.sh check options]}
shift
out=$top/build/vm-$flavour

# The module's sources as the working tree has them, built products left
# out (git ignores them); then kbuild against KDIR.
build_module() {
	local kdir=$1 src=$out/src
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$top" && git ls-files -co --exclude-standard Kbuild module include |
		cpio -pdm --quiet "$src")
	make -s -C "$kdir" M="$src" W=1 KCFLAGS=-Werror modules >&2
	echo "$src/module/shadowmm.ko"
}

# The debug kernels' series: 6.1 unless SMM_DEBUG_SERIES says 6.12.
debug_series=${SMM_DEBUG_SERIES:-6.1}
debug_deps=debug$([ "$debug_series" = 6.1 ] || echo "-$debug_series")

# all_tests_but NAME...: what run_tests.sh would run (test_*.sh and
# executable test_*) less those, comma-separated
all_tests_but() {
	local skip
	skip=$(printf '%s\n' "$@")
	(cd "$top/selftests" &&
		find . -maxdepth 1 -type f -name 'test_*' \( -name '*.sh' -o -perm -u+x \) |
		sed 's|^\./||' | grep -vxF "$skip" | sort | paste -sd,)
}

case "$flavour" in
debug | debug-fuzz | debug-quick)
	"$top/scripts/deps.sh" "$debug_deps" >&2
	kdir=$("$top/scripts/debug-kernel.sh" kasan "$debug_series")
	export SMM_KVER SMM_VM_KERNEL SMM_MODULE
	SMM_KVER=$(make -s --no-print-directory -C "$kdir" kernelrelease)
	SMM_VM_KERNEL=$kdir/arch/x86/boot/bzImage
	SMM_MODULE=$(build_module "$kdir")
	if [ "$flavour" != debug-quick ]; then
		# 20,000 fuzzed messages took 74 s there: give the million
		# (3.5 ms each) and the rest their time
		sizes="smm.env.SMM_FUZZ_MESSAGES=1000000"
		export SMM_TEST_TIMEOUT=${SMM_TEST_TIMEOUT:-7200}
		set -- --timeout 14400 "$@"
		if [ "$flavour" = debug-fuzz ]; then
			default_tests=test_nl_fuzz.sh
		else
			# what run_tests.sh would run: test_*.sh and
			# executable test_*
			default_tests=$(all_tests_but test_nl_fuzz.sh)
		fi
	else
		sizes="smm.env.SMM_FUZZ_MESSAGES=20000 smm.env.SMM_LIFECYCLE_CYCLES=20"
		sizes+=" smm.env.SMM_CYCLES=5 smm.env.SMM_STRESS_SECONDS=10"
		default_tests=test_bad_params.sh,test_borrowed.sh,test_buddy.sh
		default_tests+=,test_cycles.sh,test_debugfs.sh,test_fault_inject.sh
		default_tests+=,test_frames.sh,test_genl.sh,test_lifecycle.sh
		default_tests+=,test_nl_fuzz.sh,test_pt_race.sh,test_pt_walk.sh
		default_tests+=,test_reserved.sh,test_slab_debug.sh,test_stress.sh
		default_tests+=,test_vmstat.sh
	fi
	export SMM_VM_APPEND="kmemleak=on $sizes ${SMM_VM_APPEND:-}"
	# 6.12's KASAN kernel boots with 4-level paging: its identify_cpu()
	# zeroes the boot CPU's feature words, LA57 among them, with
	# interrupts on, and until the alternatives are patched
	# pgtable_l5_enabled() reads them, so an interrupt in that window
	# sees every 5-level address as "wild-memory-access" (seen in
	# rcu_is_watching() at boot, before the module loads; the 6.1
	# debug kernel keeps 5-level paging)
	[ "$debug_series" = 6.1 ] || export SMM_VM_CPU=${SMM_VM_CPU:-max,la57=off}
	# KASAN and lockdep make every test several times slower under TCG.
	# vm.sh takes the last --timeout, so the full run's longer one set
	# above (now after this default) wins.
	export SMM_TEST_TIMEOUT=${SMM_TEST_TIMEOUT:-1200}
	set -- --timeout 3600 "$@"
	;;
kcsan)
	"$top/scripts/deps.sh" "$debug_deps" >&2
	kdir=$("$top/scripts/debug-kernel.sh" kcsan "$debug_series")
	export SMM_KVER SMM_VM_KERNEL SMM_MODULE
	SMM_KVER=$(make -s --no-print-directory -C "$kdir" kernelrelease)
	SMM_VM_KERNEL=$kdir/arch/x86/boot/bzImage
	SMM_MODULE=$(build_module "$kdir")
	# the tests with the most concurrency: kthreads on every CPU beside
	# netlink traffic, and the fuzzer beside its event reader
	export SMM_VM_APPEND="smm.env.SMM_STRESS_SECONDS=60 ${SMM_VM_APPEND:-}"
	export SMM_TEST_TIMEOUT=${SMM_TEST_TIMEOUT:-1800}
	set -- --timeout 3600 "$@"
	default_tests=test_stress.sh,test_nl_fuzz.sh,test_pt_race.sh
	;;
rt | k612 | k612-rt)
	case "$flavour" in
	rt)	series=${SMM_KVER:-${SMM_KSERIES:-6.1}} kind=rt ;;
	k612)	series=6.12 kind=generic ;;
	k612-rt) series=6.12 kind=rt ;;
	esac
	series=$(grep -oE '^[0-9]+\.[0-9]+' <<<"$series")
	"$top/scripts/deps.sh" "$("$top/scripts/kver.sh" --group "$kind" "$series")" >&2
	export SMM_KVER SMM_MODULE
	SMM_KVER=$("$top/scripts/kver.sh" "$kind" "$series")
	SMM_MODULE=$(build_module "/lib/modules/$SMM_KVER/build")
	set -- --timeout 1800 "$@"
	# make check's RT run: the tests where sleeping spinlocks and
	# preemption inside the allocator's locks matter most (every lock
	# path, the walker's races, the fuzzer, concurrent dumps), about
	# half of the suite's time; make check-full (SMM_FLAVOUR_FULL=1) and
	# a run by hand give every selftest. k612 then runs the others, so
	# that make check runs every selftest on 6.12 once, in 6.12's two
	# VMs, not the 9 twice (9 minutes of make check's hour)
	rt612=test_buddy.sh,test_slab.sh,test_stress.sh,test_lifecycle.sh
	rt612+=,test_pt_walk.sh,test_pt_race.sh,test_nl_fuzz.sh
	rt612+=,test_dump_intr.sh,test_lock_holds.sh
	if [ "${SMM_FLAVOUR_FULL:-0}" != 1 ]; then
		case "$flavour" in
		k612-rt) default_tests=$rt612 ;;
		k612) default_tests=$(all_tests_but ${rt612//,/ }) ;;
		esac
	fi
	;;
la48)
	export SMM_VM_CPU=max,la57=off
	default_tests=test_pt_walk.sh
	;;
holds)
	export SMM_VM_MEM=7G SMM_VM_SMP=1 SMM_VM_MEMMAP2='4G$0x100000000' SMM_VM_QEMU="-icount shift=0"
	export SMM_VM_APPEND="watchdog_thresh=1 rcupdate.rcu_cpu_stall_timeout=3 smm.env.SMM_STRESS_SECONDS=8 smm.env.SMM_HOLD_BASE=0x100000000 smm.env.SMM_HOLD_SIZE=4G smm.env.SMM_HOLD_MAX_NS=1000000 ${SMM_VM_APPEND:-}"
	set -- --timeout 1800 "$@"
	default_tests=test_lock_holds.sh
	;;
smp4)
	"$top/scripts/deps.sh" stress >&2
	export SMM_VM_SMP=4 SMM_HOST_BINS="stress-ng ${SMM_HOST_BINS:-}"
	export SMM_VM_APPEND="smm.env.SMM_STRESS_SECONDS=60 smm.env.SMM_STRESS_NG=1 ${SMM_VM_APPEND:-}"
	default_tests=test_stress.sh
	;;
arm64 | arm64-612 | arm64-612-la48)
	case "$flavour" in
	arm64)	export SMM_ARM64_SERIES=6.1 ;;
	arm64-612) export SMM_ARM64_SERIES=6.12 ;;
	arm64-612-la48)
		export SMM_ARM64_SERIES=6.12
		export SMM_VM_CPU=${SMM_VM_CPU:-max,pauth-impdef=on,lpa2=off} ;;
	esac
	"$top/scripts/deps.sh" "arm64$([ "$SMM_ARM64_SERIES" = 6.1 ] || echo -6.12)" >&2
	export SMM_ARCH=arm64
	# the arm64 kernel's release is deps-arm64.sh's (vm.sh reads it):
	# make's SMM_KVER names the x86 kernel
	unset SMM_KVER
	# make check's arm64 run: the page allocator and the slab layer in
	# a reserved range, shadow spaces, and the walker against pagemap
	# and under races; make check-full runs the other ten too
	default_tests=test_buddy.sh,test_slab.sh,test_space.sh,test_swap.sh,test_pt_walk.sh,test_pt_race.sh
	if [ "${SMM_FLAVOUR_FULL:-0}" = 1 ]; then
		default_tests+=,test_stress.sh,test_genl.sh,test_debugfs.sh,test_lifecycle.sh
		default_tests+=,test_borrowed.sh,test_reserved.sh,test_cycles.sh,test_frames.sh
		default_tests+=,test_slab_debug.sh,test_dump_intr.sh
	fi
	set -- --timeout 1800 "$@"
	;;
*)
	echo "vm-flavour: unknown flavour '$flavour' (debug, debug-fuzz, debug-quick, kcsan, rt, k612, k612-rt, la48, holds, smp4, arm64, arm64-612, arm64-612-la48)" >&2
	exit 2
	;;
esac

case " $* " in
*" --tests"*) ;;
*) [ -z "${default_tests:-}" ] || set -- --tests "$default_tests" "$@" ;;
esac
export SMM_VM_DIR=$out
export SMM_VM_LABEL=$flavour
exec "$top/scripts/vm.sh" check "$@"
