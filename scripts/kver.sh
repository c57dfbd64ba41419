#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the installed Debian kernel release to build against and boot,
# e.g. 6.1.0-56-amd64: the newest /lib/modules/<release> ending in -amd64
# that has headers (build/) and a /boot/vmlinuz-<release>.
#
#   kver.sh       the generic flavour (-rt- and -cloud- are left out: a
#                 `*-amd64` glob matches them too once they are installed)
#   kver.sh rt    the PREEMPT_RT flavour instead
#
# Only releases of one series count, 6.1 unless SMM_KSERIES says another
# (6.12): installing a newer kernel never changes what is built and booted.
# The number moves with every Debian point release: never hard-code it.
set -euo pipefail

series=${SMM_KSERIES:-6.1}

want=${1:-generic}
case "$want" in
generic|rt) ;;
*) echo "usage: kver.sh [rt]" >&2; exit 2 ;;
esac

# Does this release belong to the flavour asked for?
flavour_ok() {
	case "$1" in
	*-rt-amd64) [ "$want" = rt ] ;;
	*-cloud-amd64) false ;;
	*-amd64) [ "$want" = generic ] ;;
	*) false ;;
	esac
}

releases=()
for dir in /lib/modules/*; do
	rel=${dir##*/}
	case "$rel" in "$series".*) ;; *) continue ;; esac
	flavour_ok "$rel" || continue
	# build/ is a symlink into /usr/src: dangling once the headers are gone
	[ -d "$dir/build" ] || continue
	[ -f "/boot/vmlinuz-$rel" ] || continue
	releases+=("$rel")
done

if [ ${#releases[@]} -eq 0 ]; then
	echo "kver: no $series $want -amd64 kernel with headers and /boot/vmlinuz (run scripts/deps.sh)" >&2
	exit 1
fi
printf '%s\n' "${releases[@]}" | sort -V | tail -n 1
