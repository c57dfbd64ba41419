#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Capture a real kmem trace in the running kernel (the test VM's, or any
# machine's, as root) for smmctl trace replay (Documentation/replay.md):
#
#   trace_capture.sh OUT [ 'WORKLOAD' ]
#
# Enables the seven events the replay reads (kmem: mm_page_alloc,
# mm_page_free, mm_page_free_batched, kmalloc, kfree, kmem_cache_alloc,
# kmem_cache_free) in tracefs, runs WORKLOAD (a shell command line; by
# default a page-cache workload: dd of 4 MiB into a tmpfs file, find over
# /selftests, tar of /selftests, the file removed) with tracing on, then
# copies the trace text to OUT and turns everything off again. Prints the
# number of event lines kept and the LOST marks (a ring buffer too small).
# SMM_TRACE_BUF: the ring buffer per CPU, in KiB (default 4096).
set -e
out=${1:?usage: trace_capture.sh OUT [ WORKLOAD ]}
work=${2:-"dd if=/dev/zero of=/tmp/trace-capture.dd bs=64k count=64 2>/dev/null; find /selftests > /dev/null; tar -cf - /selftests 2>/dev/null | wc -c > /dev/null; rm -f /tmp/trace-capture.dd"}
EVENTS="mm_page_alloc mm_page_free mm_page_free_batched kmalloc kfree kmem_cache_alloc kmem_cache_free"

T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T 2>/dev/null || T=/sys/kernel/debug/tracing
[ -e $T/trace ] || { echo "trace_capture: no tracefs" >&2; exit 1; }

# the ring buffer's on/off as it was, put back at the end (test_trace
# and the kernel's own users find tracing as they left it)
was_on=$(cat $T/tracing_on)
echo 0 > $T/tracing_on
echo "${SMM_TRACE_BUF:-4096}" > $T/buffer_size_kb
echo > $T/trace
for e in $EVENTS; do echo 1 > "$T/events/kmem/$e/enable"; done
echo 1 > $T/tracing_on
set +e
sh -c "$work"
set -e
echo 0 > $T/tracing_on
for e in $EVENTS; do echo 0 > "$T/events/kmem/$e/enable"; done
cat $T/trace > "$out"
echo > $T/trace
echo "$was_on" > $T/tracing_on
echo "trace_capture: $(grep -c ': [a-z_]*: ' "$out") event lines, $(grep -c 'LOST' "$out") LOST marks in $out"
