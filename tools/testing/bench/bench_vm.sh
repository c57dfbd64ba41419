#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-VM half of `make bench` (not a selftest): runs each benchmark row
# of /sys/kernel/debug/shadowmm/bench (see module/bench.c) and prints one
# "bench:" line per row for bench-report.py.
. "$(dirname "$0")/lib.sh"

#
# SMM_BENCH_ROWS picks groups of rows (all by default): alloc (the
# debugfs rows), pagecache (the debugfs page-cache rows: a 4 KiB read of
# a 16 MiB file in the guest's tmpfs, a shadow hit and a shadow miss
# against the real page cache's warm read), pt-walk (bench_pt_walk's),
# fault (bench_fault's: the shadow's faults against the kernel's, and the
# reclaim rate), frame-dump; the log says which, and bench-report.py then
# asks only for those.

OPS=${SMM_BENCH_OPS:-1000000}
REPS=${SMM_BENCH_REPS:-5}
ROWS=$(echo "${SMM_BENCH_ROWS:-alloc pagecache pt-walk fault frame-dump}" | tr , " ")
B=/sys/kernel/debug/shadowmm/bench

# picked GROUP: is the group in $ROWS?
picked() {
	case " $ROWS " in *" $1 "*) return 0 ;; esac
	return 1
}

echo "bench: kernel $(uname -r)"
echo "bench: cmdline $(cat /proc/cmdline)"
echo "bench: cpus $(nproc)"
echo "bench: groups $ROWS"
if ! smm_load base=$SMM_BASE size=64M; then
	echo "bench: error cannot load the module"
	exit 1
fi
picked alloc &&
for row in order0 order0-buddy order3 order9 bulk16 order0-2cpu slab256 slab256-2cpu \
	   slab256-slab slab256-slob; do
	ops=$OPS
	# a bulk16 operation is 16 pages: the same number of pages per block
	[ "$row" = bulk16 ] && ops=$((OPS / 16))
	if echo "$row $ops $REPS" > $B; then
		echo "bench: row $(cat $B) ops $ops"
	else
		echo "bench: error $row: the benchmark failed"
	fi
done

# A 4 KiB read per operation: a hundredth of OPS (a read costs some
# hundred times an order-0 pair under TCG), from a 16 MiB file
if picked pagecache; then
	pcf=/tmp/smm-bench.data
	dd if=/dev/urandom of=$pcf bs=1M count=16 2> /dev/null
	for row in pagecache-hit pagecache-miss; do
		ops=$((OPS / 100))
		if echo "$row $ops $REPS $pcf" > $B; then
			echo "bench: row $(cat $B) ops $ops"
		else
			echo "bench: error $row: the benchmark failed"
		fi
	done
	rm -f $pcf
fi

# The real walker against pagemap over a touched region of
# SMM_BENCH_PT_MIB (1 GiB: make bench boots the VM with 3G so it fits).
echo "bench: meminfo $(awk '/^MemAvailable:/ { print $2 " kB available" }' /proc/meminfo)"
if picked pt-walk; then
	echo "bench: thp $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
	"$(dirname "$0")/bench_pt_walk" "${SMM_BENCH_PT_MIB:-1024}" "$REPS" ||
		echo "bench: error pt-walk: bench_pt_walk exited $?"
fi
# 32 MiB of faults, half the range; then the range 1.5 times over, with swap
if picked fault; then
	"$(dirname "$0")/bench_fault" 32 "$REPS" ||
		echo "bench: error fault: bench_fault exited $?"
fi
smm_unload

# The order-0 pair on 1 and 2 vCPUs again on the 1 GiB range, whose 6.1
# batch (63) keeps the two CPUs' hot frames on separate descriptor lines
# (the 64 MiB range's batch of 3 puts them in one: performance.md, "The
# order-0 pair on small zones"); the rows are printed as NAME-1g.
if ! picked alloc; then
	:
elif smm_load base=$SMM_BIG_BASE size=1G; then
	for row in order0 order0-2cpu; do
		if echo "$row $OPS $REPS" > $B; then
			set -- $(cat $B)
			shift
			echo "bench: row $row-1g $* ops $OPS"
		else
			echo "bench: error $row-1g: the benchmark failed"
		fi
	done
	smm_unload
else
	echo "bench: error order0-1g: cannot load the module on the 1 GiB range"
fi

# FRAME_GET of the whole 1 GiB second range (memmap=1G$0x40000000).
if ! picked frame-dump; then
	:
elif smm_load base=$SMM_BIG_BASE size=1G; then
	"$(dirname "$0")/bench_frame_dump" "$REPS" ||
		echo "bench: error frame-dump: bench_frame_dump exited $?"
	smm_unload
else
	echo "bench: error frame-dump: cannot load the module on the 1 GiB range"
fi
