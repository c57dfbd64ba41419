#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report `make bench`: the VM's benchmark rows as ratios, and the native rows.

    bench-report.py BENCH_LOG KERNEL_CONFIG OUT.json [NATIVE.json]

Each VM row alternates blocks of ours and the kernel's in one run; the
table shows medians (ns per operation, emulated under TCG: only the ratio
means something) and ours/kernel against the goal. The JSON gets every
repetition, the kernel version and the configuration that changes the
kernel's side. Exits 1 when a row that should be measured was not; the
last line is the JSON's path.
"""
import json
import os
import re
import statistics
import sys

# row: (what, goal for ours/kernel, note)
ROWS = {
    'order0': ('order-0 pair, per-CPU lists warm vs alloc_page/__free_page', 0.6),
    'order0-buddy': ('order-0 pair, buddy alone vs the kernel\'s order-0 pair', 1.5),
    'order3': ('order-3 pair vs alloc_pages/__free_pages', 1.0),
    'order9': ('order-9 pair vs alloc_pages/__free_pages', 1.0),
    'bulk16': ('16 order-0 pages vs alloc_pages_bulk_array', 1.0),
    'slab256': ('256-byte slab pair vs kmem_cache_alloc/kmem_cache_free', 1.0),
}
NOT_YET = {
    'pt-walk': 'page-table walk of 1 GiB vs /proc/PID/pagemap (needs the walker, issue 5)',
    'frame-dump': 'FRAME_GET of 1 GiB parsed by the client library (rate and batch size)',
}
CONFIG_KEYS = ('CONFIG_PREEMPT', 'CONFIG_PREEMPT_VOLUNTARY', 'CONFIG_PREEMPT_NONE',
               'CONFIG_PREEMPT_RT', 'CONFIG_SLAB_FREELIST_HARDENED',
               'CONFIG_INIT_ON_ALLOC_DEFAULT_ON', 'CONFIG_KASAN', 'CONFIG_PROVE_LOCKING',
               'CONFIG_DEBUG_VM', 'CONFIG_SHUFFLE_PAGE_ALLOCATOR')


def parse_log(path):
    rows, meta, errors = {}, {}, []
    with open(path, errors='replace') as f:
        for line in f:
            m = re.search(r'bench: (.*)$', line.rstrip('\r\n'))
            if not m:
                continue
            words = m.group(1).split()
            if words[0] == 'row':
                name, cpus = words[1], int(words[3])
                i, k = words.index('ours'), words.index('kernel')
                o = words.index('ops') if 'ops' in words else len(words)
                rows[name] = {
                    'cpus': cpus,
                    'ours': [int(x) for x in words[i + 1:k]],
                    'kernel': [int(x) for x in words[k + 1:o]],
                    'ops': int(words[o + 1]) if o < len(words) else None,
                }
            elif words[0] == 'error':
                errors.append(' '.join(words[1:]))
            else:
                meta[words[0]] = ' '.join(words[1:])
    return rows, meta, errors


def kernel_config(path):
    cfg = {}
    try:
        with open(path) as f:
            for line in f:
                key = line.split('=')[0].strip()
                if key in CONFIG_KEYS:
                    cfg[key] = line.split('=', 1)[1].strip()
    except OSError:
        pass
    return cfg


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows, meta, errors = parse_log(argv[1])
    report = {'kernel': meta.get('kernel'), 'cmdline': meta.get('cmdline'),
              'vcpus': meta.get('cpus'), 'config': kernel_config(argv[2]),
              'emulated': 'QEMU TCG: absolute ns are emulated, compare ratios only',
              'rows': {}, 'not_measured': NOT_YET}
    failed = list(errors)
    print('%-14s %10s %10s %7s %6s  %s' % ('row', 'ours ns', 'kernel ns', 'ratio', 'goal', 'what'))
    for name, (what, goal) in ROWS.items():
        r = rows.get(name)
        if not r or not r['ours'] or not r['kernel']:
            failed.append('%s: not measured' % name)
            print('%-14s %10s %10s %7s %6s  %s' % (name, '-', '-', '-', '%.1f' % goal, what))
            continue
        ours, kern = statistics.median(r['ours']), statistics.median(r['kernel'])
        ratio = ours / kern if kern else float('inf')
        report['rows'][name] = dict(r, what=what, goal=goal, ours_median=ours,
                                    kernel_median=kern, ratio=round(ratio, 3),
                                    meets_goal=ratio <= goal)
        print('%-14s %10.0f %10.0f %7.2f %6.1f  %s%s' % (name, ours, kern, ratio, goal, what,
                                                       '' if ratio <= goal else '  (above goal)'))
    one, two = rows.get('order0'), rows.get('order0-2cpu')
    if one and two and one['ours'] and two['ours']:
        s_ours = statistics.median(two['ours']) / statistics.median(one['ours'])
        s_kern = statistics.median(two['kernel']) / statistics.median(one['kernel'])
        report['rows']['scaling-2cpu'] = {'ours': round(s_ours, 3), 'kernel': round(s_kern, 3),
                                          'goal': 1.10, 'meets_goal': s_ours <= 1.10,
                                          'what': 'cost per order-0 pair on 2 vCPUs at once / on 1'}
        print('%-14s %10.2f %10.2f %7s %6s  %s' % ('scaling-2cpu', s_ours, s_kern, '', '1.10',
                                                 'per-op cost, 2 vCPUs at once / 1 vCPU'))
    else:
        failed.append('order0-2cpu: not measured')
    one, two = rows.get('slab256'), rows.get('slab256-2cpu')
    if one and two and one['ours'] and two['ours']:
        s_ours = statistics.median(two['ours']) / statistics.median(one['ours'])
        s_kern = statistics.median(two['kernel']) / statistics.median(one['kernel'])
        report['rows']['scaling-slab-2cpu'] = {
            'ours': round(s_ours, 3), 'kernel': round(s_kern, 3), 'goal': 1.10,
            'meets_goal': s_ours <= 1.10,
            'what': 'cost per 256-byte slab pair on 2 vCPUs at once / on 1'}
        print('%-14s %10.2f %10.2f %7s %6s  %s' % ('scaling-slab', s_ours, s_kern, '', '1.10',
                                                 'per-op cost of the slab pair, 2 vCPUs / 1'))
    else:
        failed.append('slab256-2cpu: not measured')
    for name, why in NOT_YET.items():
        print('%-14s %10s %10s %7s %6s  not measured yet: %s' % (name, '-', '-', '-', '', why))
    if len(argv) > 4 and os.path.exists(argv[4]):
        with open(argv[4]) as f:
            report['native'] = json.load(f)
    os.makedirs(os.path.dirname(os.path.abspath(argv[3])), exist_ok=True)
    with open(argv[3], 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    for why in failed:
        print('bench: FAILED: %s' % why)
    print(os.path.abspath(argv[3]))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
