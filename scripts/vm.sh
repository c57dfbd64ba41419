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
#   SMM_VM_DIR      where the initramfs and log go (build/vm)
#   SMM_KVER        kernel release (scripts/kver.sh; `scripts/kver.sh rt` for RT)
#   SMM_VM_KERNEL   another bzImage (a debug build) instead of /boot/vmlinuz-$SMM_KVER
#   SMM_HOST_TAP    check: host TAP files for check-log.py to count too
#   and SMM_MODULE, SMM_TOOLS, SMM_HOST_BINS of mkinitramfs.sh.
#
# QEMU runs under TCG: nested KVM does not work on the project's machines.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: vm.sh check [--tests a,b] [--timeout SEC] [--no-judge] | vm.sh bench | vm.sh shell" >&2
	exit 2
}

mode=${1:-}
[ $# -gt 0 ] && shift
tests='' timeout=900 judge=1
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) tests=${2:?--tests needs a list}; shift 2 ;;
	--tests=*) tests=${1#*=}; shift ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--no-judge) judge=0; shift ;;
	*) usage ;;
	esac
done
case "$mode" in check|shell|bench) ;; *) usage ;; esac

kver=${SMM_KVER:-$("$top/scripts/kver.sh")}
kernel=${SMM_VM_KERNEL:-/boot/vmlinuz-$kver}
outdir=${SMM_VM_DIR:-$top/build/vm}
initrd=$outdir/initramfs.cpio.gz
log=$outdir/serial.log
# Single quotes: the $ must reach the kernel as it is (memmap=SIZE$BASE).
# shellcheck disable=SC2016
memmap=${SMM_VM_MEMMAP:-'64M$0x10000000'}
# A second, 1 GiB range for the tests that need a large one.
memmap2=${SMM_VM_MEMMAP2-'1G$0x40000000'}
[ -r "$kernel" ] || { echo "vm: no kernel at $kernel (run scripts/deps.sh)" >&2; exit 1; }

mkdir -p "$outdir"
SMM_KVER=$kver "$top/scripts/mkinitramfs.sh" "$initrd"

# An array keeps every argument one word: nothing re-splits the -append
# string or expands its $.
qemu=(qemu-system-x86_64 -accel tcg -cpu "${SMM_VM_CPU:-max}"
      -m "${SMM_VM_MEM:-2G}" -smp "${SMM_VM_SMP:-2}"
      -nographic -no-reboot -kernel "$kernel" -initrd "$initrd")
# shellcheck disable=SC2206 # words on purpose: QEMU options
[ -z "${SMM_VM_QEMU:-}" ] || qemu+=($SMM_VM_QEMU)
append="console=ttyS0 panic=-1 memmap=$memmap${memmap2:+ memmap=$memmap2}"

run_check() {
	local start rc status
	# loglevel=4: only errors reach the console during boot; the tests'
	# kernel log is dumped whole at the end. log_buf_len: room for all of
	# it, so the expect-kerr markers are not rotated out.
	append+=" loglevel=4 log_buf_len=4M smm.mode=check"
	[ -z "$tests" ] || append+=" smm.tests=$tests"
	[ -z "${SMM_TEST_TIMEOUT:-}" ] || append+=" smm.timeout=$SMM_TEST_TIMEOUT"
	# The paging mode the CPU model gives (both kernels have X86_5LEVEL):
	# test_pt_walk fails if the guest runs another.
	case "${SMM_VM_CPU:-max}" in
	max*la57=off*) append+=" smm.env.SMM_PAGING_LEVELS=4" ;;
	max | max,*) append+=" smm.env.SMM_PAGING_LEVELS=5" ;;
	esac
	append+=" ${SMM_VM_APPEND:-}"

	echo "vm: $kver under TCG, ${SMM_VM_SMP:-2} vCPUs, ${SMM_VM_MEM:-2G}; log in $log"
	start=$(date +%s)
	# No terminal for QEMU (stdin /dev/null). --foreground keeps QEMU in
	# our process group so Ctrl-C stops it too; -k: SIGKILL if SIGTERM
	# was not enough.
	set +e
	timeout --foreground -k 10 "$timeout" "${qemu[@]}" -append "$append" < /dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	status="exited ($rc)"
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || status="stopped by the ${timeout} s timeout"
	echo "vm: QEMU $status after $(($(date +%s) - start)) s"
	[ "$judge" = 1 ] || exit 0
	# shellcheck disable=SC2086 # a list of files
	exec python3 "$top/scripts/check-log.py" "$log" ${SMM_HOST_TAP:-}
}

# make bench: init_on_alloc=0 so the kernel does not zero the pages the
# shadow does not zero either (zeroing would dominate under TCG).
run_bench() {
	append+=" loglevel=4 log_buf_len=4M init_on_alloc=0 smm.mode=bench ${SMM_VM_APPEND:-}"
	log=$outdir/bench.log
	echo "vm: benchmarks on $kver under TCG, ${SMM_VM_SMP:-2} vCPUs; log in $log"
	set +e
	timeout --foreground -k 10 "$timeout" "${qemu[@]}" -append "$append" < /dev/null > "$log" 2>&1
	set -e
	exec python3 "$top/tools/testing/bench/bench-report.py" "$log" "/boot/config-$kver" \
		"${SMM_BENCH_JSON:-$top/build/bench/bench.json}" ${SMM_BENCH_NATIVE:-}
}

run_shell() {
	local size
	# smmtop shows the 1 GiB range when there is one
	local insmod=base=0x10000000,size=64M
	# shellcheck disable=SC2016 # a literal $, as memmap= has it
	[ "$memmap2" != '1G$0x40000000' ] || insmod=base=0x40000000,size=1G
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
