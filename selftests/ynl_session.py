#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An experiment scripted through the kernel's YNL library (test_ynl.sh).

    ynl_session.py YNL_DIR SPEC     YNL_DIR: the kernel's tools/net/ynl (lib/),
                                    SPEC: Documentation/netlink/specs/shadowmm.yaml

The buddy's free frames (free lists and per-CPU lists of every zone) fall
by 2^order for each block allocated and come back when the blocks are
freed; the zones' allocation counters count the blocks. Prints one JSON
line of what it saw and exits 1 when the arithmetic does not hold.
Documentation/netlink.md shows it as a Python session.
"""
import json
import sys

import yaml

sys.path.insert(0, sys.argv[1])
from lib import YnlFamily  # noqa: E402  (the kernel's tools/net/ynl/lib)

ORDER, COUNT = 4, 4


def free_frames(ynl):
    """Free frames of every zone, free lists and per-CPU lists."""
    return sum(z['free'] + z['pcp'] for z in ynl.dump('zone-get', {}))


def allocated(ynl, order):
    """Blocks of ORDER allocated since load, every zone."""
    return sum(z['stats']['alloc'][order] for z in ynl.dump('zone-get', {}) if 'stats' in z)


def main():
    if getattr(yaml, 'CSafeLoader', None):	# libyaml's parser: the spec read 5x faster
        yaml.safe_load = lambda s: yaml.load(s, Loader=yaml.CSafeLoader)
    ynl = YnlFamily(sys.argv[2], '')	# '': no schema validation (make test-ynl's)
    before, allocs = free_frames(ynl), allocated(ynl, ORDER)
    handles = ynl.do('page-alloc', {'order': ORDER, 'count': COUNT})['handles']['handle']
    during = free_frames(ynl)
    counted = allocated(ynl, ORDER) - allocs
    freed = ynl.do('page-free', {'handles': {'handle': handles}})['freed']
    after = free_frames(ynl)
    seen = {'before': before, 'during': during, 'after': after, 'freed': freed,
            'counted': counted, 'handles': len(handles)}
    print(json.dumps(seen))
    ok = (before - during == COUNT << ORDER and after == before and
          freed == COUNT << ORDER and counted == COUNT and len(handles) == COUNT)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
