#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report `make bench`: the VM's benchmark rows as ratios, and the native rows.

    bench-report.py BENCH_LOG KERNEL_CONFIG OUT.json [NATIVE.json SCALE.json SCALE-UNPADDED.json
                    SCALE-PADDED.json]

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
    # the other two policies' pair against the same kernel cache: no goal,
    # a comparison (Documentation/slab.md, "Policies side by side")
    'slab256-slab': ('256-byte pair, a SLAB cache (array cache) vs kmem_cache_alloc/free', None),
    'slab256-slob': ('256-byte pair, a SLOB cache (first fit) vs kmem_cache_alloc/free', None),
    # the order-0 pair on the 1 GiB range (6.1's batch 63 there, 3 on the
    # 64 MiB range of the rows above): for its 2-vCPU row, no goal of its own
    'order0-1g': ('order-0 pair on the 1 GiB range vs alloc_page/__free_page', None),
    # no goal in the issue: a figure to watch, ns per 4 KiB page
    'pt-walk': ('PT_WALK of 1 GiB touched vs /proc/self/pagemap, ns per page', None),
    'pt-walk-pread1': ('the same walk vs an 8-byte pread of pagemap per page', None),
    # issue 22: the leaves mode at most half of pagemap's cost per page
    'pt-leaves': ('PT_WALK leaves mode, 1 GiB THP off vs pagemap 64 KiB preads', 0.5),
    'pt-leaves-thp': ('PT_WALK leaves mode, 1 GiB THP on vs pagemap 64 KiB preads', 0.5),
    # issue 17: ns per minor fault, ours against the kernel's; no goal given
    'fault': ('anon fault + 4 KiB written: SPACE_ACCESS vs a user loop, per page', None),
    # issue 18: ns per 4 KiB read, no goal given; the file is in tmpfs, which
    # has no real miss: the miss row's kernel side is the real (warm) hit
    'pagecache-hit': ('4 KiB read, shadow page cache hit vs kernel_read warm', None),
    'pagecache-miss': ('4 KiB read, shadow miss (kernel_read into a shadow page) vs '
                       'kernel_read warm (tmpfs: no real miss)', None),
}
# the groups of rows bench_vm.sh runs (SMM_BENCH_ROWS), and what each measures
GROUPS = {
    'alloc': ('order0', 'order0-buddy', 'order3', 'order9', 'bulk16', 'slab256',
              'slab256-slab', 'slab256-slob', 'order0-1g'),
    'pt-walk': ('pt-walk', 'pt-walk-pread1', 'pt-leaves', 'pt-leaves-thp'),
    'fault': ('fault',),
    'pagecache': ('pagecache-hit', 'pagecache-miss'),
}
# the 2-vCPU rows: (1-vCPU row, 2-vCPU row, bench.json key, printed name, what)
SCALING_ROWS = (
    ('order0', 'order0-2cpu', 'scaling-2cpu', 'scaling-2cpu',
     'per-op cost of the order-0 pair, 2 vCPUs / 1'),
    ('slab256', 'slab256-2cpu', 'scaling-slab-2cpu', 'scaling-slab',
     'per-op cost of the slab pair, 2 vCPUs / 1'),
    ('order0-1g', 'order0-2cpu-1g', 'scaling-2cpu-1g', 'scaling-2cpu-1g',
     'the order-0 pair on the 1 GiB range, 2 vCPUs / 1'),
)
# the receive buffer sizes bench_frame_dump must report, in both formats
DUMP_BUFS = (4096, 8192, 16384, 32768, 65536)
DUMP_FORMATS = (('frame-dump', 'nested RUN attributes (old clients)'),
                ('frame-dump-packed', 'packed records with marks (FRAME_PACKED)'))
# issue 22: packed runs/s at 32 KiB batches at least half of pagemap's
# entries/s in 64 KiB preads (same VM run), at most 12 bytes a run
DUMP_GOAL_BUF = 32768
DUMP_GOAL_RATIO = 0.5
DUMP_GOAL_BYTES = 12
# native instruction counts from callgrind, keys of bench_native's JSON,
# and issue 22's goals (at most that many instructions per pair)
CALLGRIND = {
    'pcp': ('instructions_per_pcp_pair', 'order-0 pair through the per-CPU lists', 150),
    'buddy': ('instructions_per_buddy_pair', 'order-0 pair, buddy alone', 700),
    'slab': ('instructions_per_slab256_pair', '256-byte object pair (kmalloc-256)', 80),
    # SLAB's and SLOB's pair beside SLUB's: a comparison, no goal
    'slab-slab': ('instructions_per_slab256_pair_slab', '256-byte pair, a SLAB cache', None),
    'slab-slob': ('instructions_per_slab256_pair_slob', '256-byte pair, a SLOB cache', None),
    # a page, not a pair: the leaves walk over fake THP-off tables (no goal of its own;
    # the goal is the VM's pt-leaves ratio)
    'leaves': ('instructions_per_leaves_page', 'page of the PT_WALK leaves walk', None),
}
# the slab policies on two workloads (bench_slab_mix.c, in bench_native's
# JSON as slab_mix): a comparison, no goal (Documentation/slab.md, "Side
# by side on two workloads")
SLAB_MIX_WORKLOADS = ('mix', 'longshort')
SLAB_MIX_POLICIES = ('slub', 'slab', 'slob')
CONFIG_KEYS = ('CONFIG_PREEMPT', 'CONFIG_PREEMPT_VOLUNTARY', 'CONFIG_PREEMPT_NONE',
               'CONFIG_PREEMPT_RT', 'CONFIG_SLAB_FREELIST_HARDENED',
               'CONFIG_INIT_ON_ALLOC_DEFAULT_ON', 'CONFIG_KASAN', 'CONFIG_PROVE_LOCKING',
               'CONFIG_DEBUG_VM', 'CONFIG_SHUFFLE_PAGE_ALLOCATOR')


def parse_log(path):
    rows, meta, errors, dumps = {}, {}, [], {}
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
                    'ours': [float(x) for x in words[i + 1:k]],
                    'kernel': [float(x) for x in words[k + 1:o]],
                    'ops': int(words[o + 1]) if o < len(words) else None,
                }
            elif words[0] == 'dump':
                # dump NAME buf B runs R batches N bytes_per_batch X rate R1 R2...
                r = words.index('rate')
                kv = dict(zip(words[2:r:2], words[3:r:2]))
                dumps[(words[1], int(kv['buf']))] = {
                    'runs': int(kv['runs']), 'batches': float(kv['batches']),
                    'bytes_per_batch': float(kv['bytes_per_batch']),
                    'records_per_s': [float(x) for x in words[r + 1:]],
                }
            elif words[0] == 'pagemap-64k':
                # pagemap-64k entries E rate R1 R2...
                r = words.index('rate')
                dumps['pagemap'] = {'entries': int(words[2]),
                                    'entries_per_s': [float(x) for x in words[r + 1:]]}
            elif words[0] == 'error':
                errors.append(' '.join(words[1:]))
            else:
                meta[words[0]] = ' '.join(words[1:])
    return rows, meta, errors, dumps


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


def fmt_ns(ns):
    return '%.1f' % ns if ns < 100 else '%.0f' % ns


def fmt_goal(goal):
    return '-' if goal is None else '%.1f' % goal


def report_dump_goal(dumps, report):
    """Issue 22's row: packed runs/s at 32 KiB against pagemap's entries/s, bytes a run."""
    pm, packed = dumps.get('pagemap'), dumps.get(('frame-dump-packed', DUMP_GOAL_BUF))
    nested = dumps.get(('frame-dump', DUMP_GOAL_BUF))
    if not pm or not pm['entries_per_s']:
        print('%-18s %12s  pagemap of 256 MiB touched, 64 KiB preads' % ('pagemap-64k', '-'))
        return ['pagemap-64k: not measured']
    pm_rate = statistics.median(pm['entries_per_s'])
    print('%-18s %12.0f  entries/s: pagemap of 256 MiB touched, 64 KiB preads, a pass '
          'after each packed 32 KiB dump' % ('pagemap-64k', pm_rate))
    report['pagemap_64k'] = dict(pm, entries_per_s_median=round(pm_rate))
    if not packed or not packed['records_per_s']:
        return ['frame-dump-vs-pagemap: not measured']
    goal = {}
    for name, d in (('nested', nested), ('packed', packed)):
        if not d or not d['records_per_s']:
            continue
        ratio = statistics.median(d['records_per_s']) / pm_rate
        if name == 'packed' and len(d['records_per_s']) == len(pm['entries_per_s']):
            # they alternate: each dump against the pagemap pass right after it
            ratio = statistics.median(r / p for r, p in zip(d['records_per_s'],
                                                            pm['entries_per_s']))
        per_run = d['bytes_per_batch'] * d['batches'] / d['runs']
        goal[name] = {'runs_per_s_over_pagemap': round(ratio, 3),
                      'bytes_per_run': round(per_run, 1)}
    met = (goal['packed']['runs_per_s_over_pagemap'] >= DUMP_GOAL_RATIO and
           goal['packed']['bytes_per_run'] <= DUMP_GOAL_BYTES)
    report['frame_dump_goal'] = dict(goal, buf=DUMP_GOAL_BUF, goal_ratio=DUMP_GOAL_RATIO,
                                     goal_bytes_per_run=DUMP_GOAL_BYTES, meets_goal=met)
    for name in ('nested', 'packed'):
        if name in goal:
            print('%-18s %12.3f  runs/s over pagemap entries/s at 32 KiB batches, %.1f bytes '
                  'a run%s' % ('dump-' + name + '/pm', goal[name]['runs_per_s_over_pagemap'],
                               goal[name]['bytes_per_run'],
                               '' if name == 'nested' else
                               ' (goal >= %.1f, <= %d bytes)%s' % (
                                   DUMP_GOAL_RATIO, DUMP_GOAL_BYTES,
                                   '' if met else '  (below goal)')))
    return []


def report_dumps(dumps, report):
    """The frame-dump rows: records/s and bytes per batch per format and buffer size."""
    failed = []
    print()
    print('frame-dump: FRAME_GET of the whole 1 GiB range, fragmented, parsed by the library')
    print('%-18s %10s %8s %10s %14s %12s' % ('format', 'recv buf', 'runs', 'batches',
                                              'bytes/batch', 'records/s'))
    report['frame_dump'] = {}
    for name, what in DUMP_FORMATS:
        report['frame_dump'][name] = {'what': what}
        for size in DUMP_BUFS:
            d = dumps.get((name, size))
            if not d or not d['records_per_s']:
                failed.append('%s buf %d: not measured' % (name, size))
                print('%-18s %10d %8s %10s %14s %12s' % (name, size, '-', '-', '-', '-'))
                continue
            rate = statistics.median(d['records_per_s'])
            report['frame_dump'][name][str(size)] = dict(d, records_per_s_median=round(rate))
            print('%-18s %10d %8d %10.0f %14.0f %12.0f' % (name, size, d['runs'], d['batches'],
                                                           d['bytes_per_batch'], rate))
    failed += report_dump_goal(dumps, report)
    return failed


def report_reclaim(line, report):
    """The reclaim rate: pages kshadowd and direct reclaim took per second."""
    if not line:
        return ['reclaim: not measured']
    words = line.split()
    kv = dict(zip(words[0::2], words[1::2]))
    secs = float(kv['seconds'])
    kswapd, direct = int(kv['kswapd']), int(kv['direct'])
    if not secs or not kswapd + direct:
        return ['reclaim: nothing reclaimed while %s pages were written' % kv['pages']]
    report['reclaim'] = {'pages_written': int(kv['pages']), 'seconds': secs,
                         'pgsteal_kswapd': kswapd, 'pgsteal_direct': direct,
                         'kswapd_pages_per_s': round(kswapd / secs),
                         'direct_pages_per_s': round(direct / secs)}
    print('%-14s %10.0f %10s %7s %6s  pages/s kshadowd reclaimed (direct: %.0f/s) '
          'writing %s pages, 1.5x free, with swap' % ('reclaim', kswapd / secs, '-', '', '',
                                                       direct / secs, kv['pages']))
    return []


def report_native(path, report):
    """Instructions per pair from callgrind, in bench_native's JSON."""
    failed = []
    native = {}
    if path and os.path.exists(path):
        with open(path) as f:
            native = json.load(f)
        report['native'] = native
    else:
        failed.append('native rows: no %s' % (path or 'native JSON given'))
    print()
    print('callgrind (native core, -O2): instructions per pair, 200k-pair run minus 100k')
    print('%-19s %8s %6s  %s' % ('row', 'instr', 'goal', 'what'))
    goals = report.setdefault('callgrind', {})
    for name, (key, what, goal) in CALLGRIND.items():
        ir = native.get(key)
        shown = '-' if goal is None else '%d' % goal
        if ir is None or ir <= 0:
            failed.append('callgrind-%s: not measured' % name)
            print('%-19s %8s %6s  %s' % ('callgrind-' + name, '-', shown, what))
        else:
            met = goal is None or ir <= goal
            goals[name] = dict(instructions=round(ir), goal=goal, meets_goal=met)
            print('%-19s %8.0f %6s  %s%s' % ('callgrind-' + name, ir, shown, what,
                                            '' if met else '  (above goal)'))
    if native:
        failed += report_slab_mix(native, report)
    return failed


def report_slab_mix(native, report):
    """The slab policies side by side: one row per workload and policy, no goal."""
    failed = []
    rows = {(r.get('workload'), r.get('policy')): r for r in native.get('slab_mix', [])}
    print()
    print('slab policies on two workloads (native, -O2; KiB at the end of the run; no goal)')
    print('%-15s %7s %8s %6s %8s %8s %8s %8s %8s %7s' % (
        'workload-policy', 'ns/op', 'instr/op', 'fast%', 'ovh-peak', 'ovh-end', 'live', 'internal', 'external',
        'empty'))
    out = report.setdefault('slab_mix', {})
    for w in SLAB_MIX_WORKLOADS:
        for p in SLAB_MIX_POLICIES:
            name = '%s-%s' % (w, p)
            r = rows.get((w, p))
            if not r or r.get('instructions_per_op', 0) <= 0:
                failed.append('slab mix %s: not measured' % name)
                print('%-15s %7s' % (name, '-'))
                continue
            out[name] = r
            print('%-15s %7.1f %8.0f %6.1f %8.2f %8.2f %8.0f %8.0f %8.0f %7.0f' % (
                name, r['ns_per_op'], r['instructions_per_op'], 100 * r['fast_share'],
                r['overhead_peak'],
                r['overhead_end'], r['live_bytes'] / 1024, r['internal_bytes'] / 1024,
                r['external_bytes'] / 1024, r['empty_bytes'] / 1024))
    return failed


# bench_scale's rows, in its JSON and bench_scale_unpadded's alike: make
# bench fails when one is missing. churn, churn-1g and churn-4g are the
# churn on zones of 256 MiB, 1 GiB and 4 GiB under 6.1's default pcp sizes
# (each row's JSON has its mib, batch and high); churn-hf8 is 256 MiB with
# vm.percpu_pagelist_high_fraction 8 (performance.md, "Natively: scaling");
# pcp-64m is the pcp pair on the VM rows' 64 MiB range (6.1's batch 3)
SCALE_KINDS = ('pcp', 'slab', 'churn', 'churn-hf8', 'churn-1g', 'churn-4g', 'pcp-64m')
# bench_scale_padded (a frame descriptor per cache line, "frame_bytes": 64)
# runs two rows (--rows churn,pcp-64m): the controls beside scale-churn and
# scale-pcp-64m (and the VM's scaling-2cpu, the same pair on 64 MiB)
PADDED_KINDS = ('churn', 'pcp-64m')
# rows printed without a goal: pcp-64m is the native twin of the VM's
# scaling-2cpu row (the 64 MiB range, whose goal that row keeps and
# misses), there to show, beside its padded control, why
NO_GOAL_KINDS = ('pcp-64m',)
# the three JSONs in make bench's order: (bench.json key, row suffix)
SCALE_BUILDS = (('scale', ''), ('scale-unpadded', '-unpadded'), ('scale-padded', '-padded'))


def scale_build(scale):
    """Which build wrote a bench_scale JSON: an index into SCALE_BUILDS."""
    if scale.get('frame_bytes', 8) > 8:
        return 2
    return 1 if scale.get('unpadded') else 0


def report_scale(paths, report):
    """bench_scale's rows (then unpadded, padded): shared/one and shared/private, goal 1.10."""
    failed = []
    print()
    print('native scaling (bench_scale): ns per op, N threads pinned to cores, best of 5')
    print('%-24s %5s %5s %7s %7s %7s %7s %7s %6s' % ('row', 'MiB', 'high', 'one', 'shared',
                                                    'private', '/one', '/private', 'goal'))
    if len(paths) < 3 or not all(os.path.exists(p) for p in paths):
        return ['scaling rows: no bench_scale JSON (plain, unpadded and padded) given']
    seen = set()
    for path in paths:
        with open(path) as f:
            scale = json.load(f)
        build = scale_build(scale)
        seen.add(build)
        key, suffix = SCALE_BUILDS[build]
        rows = report.setdefault(key, {})
        rows['threads'], rows['cores'] = scale.get('threads'), scale.get('cores')
        if build == 2:
            rows['frame_bytes'] = scale['frame_bytes']
        got = scale.get('rows', {})
        want = PADDED_KINDS if build == 2 else SCALE_KINDS
        kinds = list(want) + [k for k in got if k not in want]
        for kind in kinds:
            r = got.get(kind, {})
            name = 'scale-%s%s' % (kind, suffix)
            if not r.get('one') or not r.get('shared') or not r.get('private'):
                failed.append('%s: not measured (%s)' % (name, path))
                continue
            s1, sp = r['shared'] / r['one'], r['shared'] / r['private']
            goal = None if build or kind in NO_GOAL_KINDS else 1.10
            met = goal is None or (s1 <= goal and sp <= goal)
            rows[kind] = dict(r, shared_over_one=round(s1, 3), shared_over_private=round(sp, 3),
                              goal=goal, meets_goal=met)
            print('%-24s %5s %5s %7.1f %7.1f %7.1f %7.2f %7.2f %6s%s' % (
                name, r.get('mib', '-'), r.get('high', '-'), r['one'], r['shared'],
                r['private'], s1, sp, fmt_goal(goal), '' if met else '  (above goal)'))
        c = scale.get('control', {})
        if c.get('line_each'):
            rows['control_ratio'] = round(c['one_line'] / c['line_each'], 2)
            print('%-24s %7.2f ns with a word per thread in one line, %.2f a line each: %.1fx' % (
                'control' + suffix, c['one_line'], c['line_each'],
                c['one_line'] / c['line_each']))
    for build, (key, suffix) in enumerate(SCALE_BUILDS):
        if build not in seen:
            failed.append('%s: no JSON of bench_scale%s among %s' % (
                key, suffix.replace('-', '_'), ' '.join(paths)))
    report_padded_share(report)
    return failed


def report_padded_share(report):
    """The share of each padded row's shared/private excess that padded descriptors take away."""
    # a control under 3x: the threads took turns on a busy host
    busy = [k for k in ('scale', 'scale-padded')
            if report.get(k, {}).get('control_ratio', 0) < 3]
    for kind in PADDED_KINDS:
        plain = report.get('scale', {}).get(kind)
        padded = report.get('scale-padded', {}).get(kind)
        if not plain or not padded:
            continue
        over = plain['shared_over_private'] - 1
        share = (plain['shared_over_private'] - padded['shared_over_private']) / over \
            if over > 0 else 0
        report['scale-padded'][kind + '_penalty_share'] = round(share, 3)
        print('%-24s shared/private %.2f with 8-byte descriptors, %.2f with one a line: '
              '%.0f %% of the excess is their shared lines%s' % (
                  kind + ': descriptor lines', plain['shared_over_private'],
                  padded['shared_over_private'], 100 * share,
                  ' (control of %s under 3x: a busy host, the share is noise)' %
                  ' and '.join(busy) if busy else ''))


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows, meta, errors, dumps = parse_log(argv[1])
    report = {'kernel': meta.get('kernel'), 'cmdline': meta.get('cmdline'),
              'vcpus': meta.get('cpus'), 'memory': meta.get('meminfo'),
              'ptwalk_bytes_per_page': meta.get('ptwalk-bytes-per-page'),
              'config': kernel_config(argv[2]),
              'emulated': 'QEMU TCG: absolute ns are emulated, compare ratios only',
              'rows': {}}
    failed = list(errors)
    groups = meta.get('groups', 'alloc pagecache pt-walk fault frame-dump').split()
    report['groups'] = groups
    partial = set(groups) != {'alloc', 'pagecache', 'pt-walk', 'fault', 'frame-dump'}
    print('%-14s %10s %10s %7s %6s  %s' % ('row', 'ours ns', 'kernel ns', 'ratio', 'goal', 'what'))
    for name, (what, goal) in ROWS.items():
        if not any(name in GROUPS[g] for g in groups if g in GROUPS):
            continue
        r = rows.get(name)
        if not r or not r['ours'] or not r['kernel']:
            failed.append('%s: not measured' % name)
            print('%-14s %10s %10s %7s %6s  %s' % (name, '-', '-', '-', fmt_goal(goal), what))
            continue
        ours, kern = statistics.median(r['ours']), statistics.median(r['kernel'])
        ratio = ours / kern if kern else float('inf')
        met = goal is None or ratio <= goal
        report['rows'][name] = dict(r, what=what, goal=goal, ours_median=ours,
                                    kernel_median=kern, ratio=round(ratio, 3),
                                    meets_goal=met)
        print('%-14s %10s %10s %7.2f %6s  %s%s' % (name, fmt_ns(ours), fmt_ns(kern), ratio,
                                                 fmt_goal(goal), what,
                                                 '' if met else '  (above goal)'))
    for one_name, two_name, key, label, what in SCALING_ROWS:
        if 'alloc' not in groups:
            break
        one, two = rows.get(one_name), rows.get(two_name)
        if not (one and two and one['ours'] and two['ours']):
            failed.append('%s: not measured' % two_name)
            continue
        s_ours = statistics.median(two['ours']) / statistics.median(one['ours'])
        s_kern = statistics.median(two['kernel']) / statistics.median(one['kernel'])
        report['rows'][key] = {'ours': round(s_ours, 3), 'kernel': round(s_kern, 3),
                               'goal': 1.10, 'meets_goal': s_ours <= 1.10, 'what': what}
        print('%-14s %10.2f %10.2f %7s %6s  %s%s' % (label, s_ours, s_kern, '', '1.10', what,
                                                   '' if s_ours <= 1.10 else '  (above goal)'))
    if meta.get('ptwalk-bytes-per-page'):
        print('%-14s %10s %10s %7s %6s  reply bytes per page: walker (pagemap: 8)' % (
            'pt-walk-bytes', meta['ptwalk-bytes-per-page'], '8', '', ''))
    for key, name, what in (
            ('ptleaves-bytes-per-page', 'pt-leaves-bytes', 'leaves mode, THP off'),
            ('ptleaves-thp-bytes-per-page', 'pt-leaves-thp-b', 'leaves mode, THP on'),
            ('pt-leaves-thp-huge', 'pt-leaves-huge', 'THP on: fraction of the region in 2 MiB pages')):
        if 'pt-walk' not in groups:
            break
        if not meta.get(key):
            failed.append('%s: not measured' % key)
            continue
        report[key.replace('-', '_')] = float(meta[key])
        print('%-14s %10s %10s %7s %6s  %s%s' % (name, meta[key], '8' if 'bytes' in key else '',
                                                 '', '', what,
                                                 ' (pagemap: 8 bytes per page)'
                                                 if 'bytes' in key else ''))
    if 'fault' in groups:
        failed += report_reclaim(meta.get('reclaim'), report)
    if meta.get('thp'):
        report['thp'] = meta['thp']
    if 'frame-dump' in groups:
        failed += report_dumps(dumps, report)
    if not partial:
        failed += report_native(argv[4] if len(argv) > 4 else None, report)
        failed += report_scale(argv[5:8], report)
    os.makedirs(os.path.dirname(os.path.abspath(argv[3])), exist_ok=True)
    with open(argv[3], 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    for why in failed:
        print('bench: FAILED: %s' % why)
    if partial:
        print('bench: PARTIAL: only %s were run (SMM_BENCH_ROWS); native rows skipped' %
              ' '.join(groups))
    print(os.path.abspath(argv[3]))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
