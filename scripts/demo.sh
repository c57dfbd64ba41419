#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A scripted demo in the VM (make demo runs `demo.sh NAME` for each of
# pressure, compaction and pagecache after building the module and the
# tools):
#
#   demo.sh pressure | compaction | pagecache
#       a zone going below low, kshadowd reclaiming, swap filling and an
#       OOM kill on a 64 MiB range, each stage as smmtop's batch mode
#       shows it (scripts/demo-pressure.sh, run in the guest; the outline
#       and a capture are in Documentation/reclaim.md, "The demo")
#   demo.sh compaction
#       a 16 MiB zone fragmented, compacted on demand, then by kcompactd's
#       proactive compaction, each stage as smmtop's compaction view
#       shows it (scripts/demo-compaction.sh; Documentation/compaction.md,
#       "Seen live")
#   demo.sh pagecache
#       a real file read twice through the shadow page cache (the second
#       read all hits), readahead's window at its maximum, then memory
#       pressure with swappiness 0 (file pages dropped) and 200 (anonymous
#       pages pushed to swap), each stage as smmtop's page-cache panel
#       shows it (scripts/demo-pagecache.sh; Documentation/pagecache.md,
#       "The demo")
#
# The serial console goes to the terminal and build/demo/serial.log, the
# demo's own output to build/demo/NAME.txt. Exits non-zero when a stage
# did not happen or the VM ran out of time (SMM_DEMO_TIMEOUT, 290 s: the
# demo must stay under 5 minutes under TCG). Boots as scripts/vm.sh
# check does (its environment applies), with the 64M range only.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=${1:-}
case "$name" in
pressure | compaction | pagecache) ;;
*) echo "usage: demo.sh pressure | compaction | pagecache" >&2; exit 2 ;;
esac
if [ ! -e "$top/module/shadowmm.ko" ] || [ ! -x "$top/tools/smmtop/smmtop" ]; then
	echo "demo: build first (make demo does)" >&2
	exit 1
fi
export SMM_VM_DIR=${SMM_VM_DIR:-$top/build/demo}
export SMM_VM_MEMMAP2=${SMM_VM_MEMMAP2-}
exec "$top/scripts/vm.sh" demo "$name" --timeout "${SMM_DEMO_TIMEOUT:-290}"
