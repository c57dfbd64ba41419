#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pictures of Documentation/pictures.md, from a real run:
#
#   figures.sh            boot the 6.1 VM (scripts/vm.sh demo figures: the
#                         guest half is scripts/demo-figures.sh), keep the
#                         captures it printed as Documentation/figures/
#                         *.cap.gz, then draw them; the SVGs smmctl drew
#                         live in the guest go to build/figures/, checked
#                         by xmllint, the live map against the capture's
#   figures.sh --draw     only draw the committed captures again (no VM)
#
# Drawn with the tree's smmctl (make tools first):
#   smmctl --replay fragmented.cap frame show svg frame-map-fragmented.svg
#   smmctl --replay compacted.cap frame show svg frame-map-compacted.svg
#   smmctl --replay history.cap zone history svg zone-history.svg
# The same captures give the same bytes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
fig=$top/Documentation/figures
smmctl=$top/tools/smmctl/smmctl
[ -x "$smmctl" ] || { echo "figures: build the tools first (make tools)" >&2; exit 1; }
mkdir -p "$fig"

case "${1:-}" in
--draw) ;;
"")
	export SMM_VM_DIR=${SMM_VM_DIR:-$top/build/figures}
	SMM_VM_MEMMAP2='' "$top/scripts/vm.sh" demo figures --timeout "${SMM_DEMO_TIMEOUT:-480}"
	for n in history fragmented compacted; do
		sed -n "/^==== SMM FIGURE CAPTURE $n ====/,/^==== SMM FIGURE END ====/p" \
			"$SMM_VM_DIR/figures.txt" | sed '1d;$d' | base64 -d > "$fig/$n.cap.gz"
	done
	# what smmctl drew live in the guest: XML, and the live map the
	# compacted capture's drawing but for the title's time
	for n in live-map live-pageblock live-history; do
		sed -n "/^==== SMM FIGURE CAPTURE $n ====/,/^==== SMM FIGURE END ====/p" \
			"$SMM_VM_DIR/figures.txt" | sed '1d;$d' | base64 -d | gunzip > "$SMM_VM_DIR/$n.svg"
		xmllint --noout "$SMM_VM_DIR/$n.svg"
	done
	live=1 ;;
*)	echo "usage: figures.sh [--draw]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in history fragmented compacted; do
	gunzip -c "$fig/$n.cap.gz" > "$tmp/$n.cap"
done
"$smmctl" --replay "$tmp/fragmented.cap" frame show svg "$fig/frame-map-fragmented.svg"
"$smmctl" --replay "$tmp/compacted.cap" frame show svg "$fig/frame-map-compacted.svg"
"$smmctl" --replay "$tmp/history.cap" zone history svg "$fig/zone-history.svg"
if [ "${live:-0}" = 1 ]; then
	if diff <(grep -v -e '<title>' -e 'a row;' "$SMM_VM_DIR/live-map.svg") \
		<(grep -v -e '<title>' -e 'a row;' "$fig/frame-map-compacted.svg") > /dev/null; then
		echo "figures: smmctl's live map in the guest is the compacted capture's, but for the time"
	else
		echo "figures: the live map differs from the compacted capture's (the zone moved?)" >&2
	fi
fi
echo "figures: $fig"
