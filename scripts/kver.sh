#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the installed Debian kernel release to build against and boot,
# e.g. 6.1.0-57-amd64: the newest /lib/modules/<release> of one series
# ending in -amd64 that has headers (build/) and a /boot/vmlinuz-<release>.
#
#   kver.sh [generic|rt] [KVER]
#   kver.sh --group [generic|rt] [KVER]
#
#   --group       print the scripts/deps.sh group that installs that
#                 kernel instead ('' for 6.1's generic kernel, which
#                 deps.sh installs with no group)
#   generic       the generic flavour (the default; -rt- and -cloud- are
#                 left out: a `*-amd64` glob matches them too once they
#                 are installed)
#   rt            the PREEMPT_RT flavour instead
#   KVER          a series, 6.1 (the default) or 6.12: its newest release
#                 of that flavour; or a release (6.12.117+deb12-amd64,
#                 `uname -r` on a test machine): generic prints it back
#                 if its headers are installed, rt prints the newest RT
#                 release of its series
#
# Without KVER the series is SMM_KSERIES's, else 6.1: installing a newer
# kernel never changes what is built and booted. make resolves KVER= here
# once per run and hands the release to everything it starts. The number
# moves with every Debian point release: never hard-code it.
set -euo pipefail

usage() { echo "usage: kver.sh [--group] [generic|rt] [SERIES|RELEASE]" >&2; exit 2; }

group_only=0
[ "${1:-}" = --group ] && { group_only=1; shift; }
want=generic
case "${1:-}" in
generic|rt) want=$1; shift ;;
esac
[ $# -le 1 ] || usage
kver=${1:-${SMM_KSERIES:-6.1}}

# A series is MAJOR.MINOR; anything else names a release.
if [[ "$kver" =~ ^[0-9]+\.[0-9]+$ ]]; then
	series=$kver
elif [[ "$kver" =~ ^([0-9]+\.[0-9]+)[.-] ]]; then
	series=${BASH_REMATCH[1]}
	if [ "$want" = generic ] && [ $group_only = 0 ]; then
		[ -d "/lib/modules/$kver/build" ] || {
			echo "kver: no headers for $kver (/lib/modules/$kver/build)" >&2
			exit 1
		}
		echo "$kver"
		exit 0
	fi
else
	echo "kver: '$kver' is neither a series (6.1, 6.12) nor a release" >&2
	exit 2
fi

# the scripts/deps.sh group that installs the kernel asked for
case "$series-$want" in
6.1-generic) group='' ;;
6.1-rt) group=rt ;;
*-generic) group=$series ;;
*) group=$series-rt ;;
esac
if [ $group_only = 1 ]; then
	echo "$group"
	exit 0
fi

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
	echo "kver: no $series $want -amd64 kernel with headers and /boot/vmlinuz (run scripts/deps.sh${group:+ $group})" >&2
	exit 1
fi
printf '%s\n' "${releases[@]}" | sort -V | tail -n 1
