#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test VM run from its serial log (and, optionally, host TAP files).

    check-log.py [--expected-skips FILE] [LABEL=]SERIAL_LOG [HOST.tap ...] [LABEL=SERIAL_LOG ...]

Arguments ending in .tap are host TAP files; the others are serial logs
of VM runs, the first one plain and the others (other kernels: the debug
build, PREEMPT_RT, 5-level paging) named LABEL=PATH, so that one report
and one closing line cover every run of `make check`. Each test of a
labelled run is reported as LABEL/NAME.

The serial log (scripts/vm.sh check) holds, between markers printed by
scripts/guest-init:

  ==== SMM TESTS BEGIN ====   selftests/run_tests.sh's kselftest TAP: each
  ...                         test's own TAP nested behind "# ", then one
  ==== SMM TESTS END ====     "ok/not ok K selftests: shadowmm: NAME" line
  ==== SMM DMESG BEGIN ====   the guest's kernel log, "dmesg -r" (with <N>
  ...                         level prefixes)
  ==== SMM DMESG END ====
  ==== SMM DONE ====          the guest finished

Counting: every subtest result ("ok", "not ok", "ok ... # SKIP") counts
once. A subtest may carry TAP of its own, nested in the lines before its
result (behind "# " or indented four spaces, with its own "TAP version"
or plan), as test_pt_walk.sh prints pt_walk_test's: then its nested
results count in its place, each nested skip a skip, never a pass; a
failed subtest whose nested results all passed counts one failure. A
test (or nested TAP) whose results do not match its plan ("1..N") counts
one failure; so does a test that failed (exit status, timeout, crash)
without a failed subtest. A test skipped as a whole with no subtests
counts one skip, one that passed with no TAP at all one pass.

Skips: each skip must be listed in selftests/expected-skips (or the file
given with --expected-skips FILE), one per line:

  TEST-GLOB <TAB> SKIP-REGEX <TAB> REASON

TEST-GLOB (fnmatch) is matched against the test's name as reported
(test_x.sh, LABEL/test_x.sh, host/NAME for build/host/NAME.tap),
SKIP-REGEX (re.search) against the skipped result's text ("NAME # SKIP
WHY"). A listed skip counts as a skip and the report names the entries
that matched; a skip not listed counts as a failure, so that a run that
quietly stopped testing something does not pass. The kernel log fails
the run on each line with a kernel bug report (WARNING:, BUG:, Oops, ...)
and on each shadowmm line of level 0-3 outside the windows the tests
opened with "smm-test: expect-kerr begin" / "... end". A guest that did
not finish is one failure.

Prints each failure with an excerpt of the output it came from, then as
the last line exactly "N passed, N failed, N skipped". Exit status 0 only
if nothing failed and something passed.
"""
import fnmatch
import os
import re
import sys

MARK = '==== SMM %s ===='
RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)\s*$')
# "1..0 # SKIP WHY": a TAP that skipped everything
PLAN_SKIP = re.compile(r'^1\.\.0\s*#\s*SKIP\b\s*(.*)$', re.I)
# what makes "# ..." lines before a result a nested TAP of its own
NESTED_HEADER = re.compile(r'^(K?TAP version \d+|1\.\.\d+)')
SKIP = re.compile(r'#\s*SKIP\b', re.I)
TOP_NAME = re.compile(r'selftests: shadowmm: (\S+)')
BLOCK_START = '# selftests: shadowmm: '
RUNNER_TIME = re.compile(r'^runner: \S+ exit=\S+ in (\d+)s$')

# Kernel log lines that mean a kernel bug, whatever their level.
KERNEL_BAD = re.compile(
    r'WARNING:|BUG:|Oops|general protection|Kernel panic|KASAN|UBSAN|'
    r'kmemleak|INFO: possible|INFO: task .* blocked|lockdep|'
    r'RCU detected stall|soft lockup|hard LOCKUP')
# ... except the lines a debug kernel prints at every boot, and the
# command line (kmemleak=on, say).
KERNEL_BENIGN = re.compile(
    r'kmemleak: (Kernel memory leak detector (initialized|disabled)|'
    r'Automatic memory scanning thread (started|ended))|'
    r'(Kernel c|^<\d+>C)ommand line:|'
    r'rcu: \s*RCU lockdep checking is enabled')
LEVEL = re.compile(r'^<(\d+)>')
EXPECT_BEGIN = 'smm-test: expect-kerr begin'
EXPECT_END = 'smm-test: expect-kerr end'

EXCERPT_LINES = 40
EXPECTED_SKIPS = os.path.relpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              '..', 'selftests', 'expected-skips'))


class Expected:
    """One line of the expected-skips file, and how many skips it matched."""

    def __init__(self, glob, regex, reason):
        self.glob, self.text, self.reason = glob, regex, reason
        self.regex = re.compile(regex)
        self.matched = 0


def read_expected(path):
    """The entries of an expected-skips file; a bad line is an error."""
    entries = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            fields = [x for x in line.split('\t') if x]
            if len(fields) != 3:
                raise ValueError('%s:%d: want TEST-GLOB<TAB>SKIP-REGEX<TAB>REASON' % (path, n))
            try:
                entries.append(Expected(*fields))
            except re.error as e:
                raise ValueError('%s:%d: %s' % (path, n, e))
    return entries


class Tally:
    """Counts, and the failures with the lines that explain them."""

    def __init__(self, expected, expected_path):
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.summaries = []
        self.expected, self.expected_path = expected, expected_path
        self.label = None

    def fail(self, name, excerpt):
        self.failed += 1
        self.failures.append((name, excerpt))

    def skip(self, test, text, excerpt):
        """A skip of TEST saying TEXT: a skip if it is listed, else a failure."""
        full = '%s/%s' % (self.label, test) if self.label else test
        for e in self.expected:
            if fnmatch.fnmatchcase(full, e.glob) and e.regex.search(text):
                e.matched += 1
                self.skipped += 1
                return
        self.fail('%s: skipped, and no line of %s expects it: %s'
                  % (test, self.expected_path, text), excerpt)


def strip_prefix(line):
    """A test's own line: the runner's "# " prefix taken off."""
    if line.startswith('# '):
        return line[2:]
    return line[1:] if line.startswith('#') else line


def nested_tap(lines):
    """The lines before a result as a nested TAP, one level of "# " or
    four spaces taken off; None when they hold no TAP header or plan."""
    nested = []
    for line in lines:
        if line.startswith('    '):
            nested.append(line[4:])
        elif line.startswith('#'):
            nested.append(strip_prefix(line))
    return nested if any(NESTED_HEADER.match(l) for l in nested) else None


def count_tap(test, where, lines, tally):
    """Count the results of one TAP stream, nested ones included.

    test names the test for expected-skips; where prefixes what is
    reported. Returns (seen, failed, skip_all): the results at this
    level, how many of them failed (nested failures included), and the
    reason of a "1..0 # SKIP" plan (else None).
    """
    plan, seen, failed, since, skip_all = None, 0, 0, 0, None
    for i, line in enumerate(lines):
        m = PLAN_SKIP.match(line)
        if m:
            plan, skip_all = 0, m.group(1) or 'skipped'
            continue
        m = PLAN.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        seen += 1
        verdict, desc = m.group(1), m.group(3).strip()
        what = '%s: %s %s %s' % (where, verdict, m.group(2) or '?', desc)
        # the diagnostics a test prints for a subtest come before it
        excerpt = lines[since:i + 1]
        nested = nested_tap(lines[since:i])
        since = i + 1
        if nested is not None:
            n_seen, n_failed, n_skip = count_tap(test, '%s: %s' % (where, desc), nested, tally)
            if n_seen or n_failed:
                # its nested results counted in its place
                if verdict != 'ok':
                    failed += 1
                    if not n_failed:
                        tally.fail(what, excerpt)
                continue
            if n_skip is not None and verdict == 'ok':
                # a pass that tested nothing is that skip
                tally.skip(test, '%s # SKIP %s' % (desc, n_skip), excerpt)
                continue
        if verdict == 'ok' and SKIP.search(desc):
            tally.skip(test, desc, excerpt)
        elif verdict == 'ok':
            tally.passed += 1
        else:
            failed += 1
            tally.fail(what, excerpt)

    if plan is not None and seen != plan:
        failed += 1
        tally.fail('%s: planned %d results, saw %d' % (where, plan, seen), lines)
    return seen, failed, skip_all


def judge_tap(name, lines, tally, top=None, why='', skip_text=''):
    """Count one test's TAP (lines without the runner's prefix).

    top is the runner's verdict: 'ok', 'skip', 'fail', or None for a
    plain TAP file; why its directive ("exit=1", "TIMEOUT 300 seconds").
    Returns (passed, failed, skipped) for the summary.
    """
    why = ' (%s)' % why if why else ''
    before = (tally.passed, tally.failed, tally.skipped)
    seen, failed_subtests, skip_all = count_tap(name, name + why, lines, tally)

    if failed_subtests:
        pass    # a failed subtest or a plan not kept: already counted
    elif top == 'fail' and failed_subtests == 0:
        tally.fail('%s: failed%s' % (name, why or ' (no reason given)'), lines)
    elif seen == 0 and (top == 'skip' or skip_all is not None):
        tally.skip(name, skip_all or skip_text or 'skipped', lines)
    elif seen == 0 and top == 'ok':
        tally.passed += 1
    elif seen == 0 and top is None:
        tally.fail('%s: no TAP results' % name, lines)
    after = (tally.passed, tally.failed, tally.skipped)
    return tuple(a - b for a, b in zip(after, before))


def top_verdict(result):
    """The runner's "ok/not ok" line as 'ok', 'skip' or 'fail'."""
    if result.group(1) == 'not ok':
        return 'fail'
    return 'skip' if SKIP.search(result.group(3)) else 'ok'


def judge_runner(lines, tally):
    """The runner's blocks: '# selftests: shadowmm: NAME' ... result line."""
    plan, results, name, body = None, 0, None, []
    for line in lines:
        if line.startswith(BLOCK_START):
            name, body = line[len(BLOCK_START):].strip(), []
            continue
        m = PLAN.match(line)
        if m and name is None:
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m and TOP_NAME.search(m.group(3)):
            results += 1
            test = TOP_NAME.search(m.group(3)).group(1)
            verdict = top_verdict(m)
            why = m.group(3).split('#', 1)[1].strip() if '#' in m.group(3) else ''
            counts = judge_tap(test, body if test == name else [], tally, verdict, why,
                               m.group(3))
            tally.summaries.append((test, verdict, counts, body))
            name, body = None, []
            continue
        if name is not None:
            body.append(strip_prefix(line))

    if name is not None:   # the guest died or hung inside this test
        counts = judge_tap(name, body, tally, 'fail', 'did not finish')
        tally.summaries.append((name, 'fail', counts, body))
        results += 1
    if plan is None:
        tally.fail('runner: no TAP plan (did run_tests.sh start?)', lines)
    elif results != plan:
        tally.fail('runner: planned %d tests, saw %d' % (plan, results), lines[-10:])


def judge_dmesg(lines, tally):
    expected = False
    for line in lines:
        if EXPECT_BEGIN in line:
            expected = True
        elif EXPECT_END in line:
            expected = False
        m = LEVEL.match(line)
        level = int(m.group(1)) & 7 if m else None   # <12> is user.warning
        if KERNEL_BAD.search(line) and not KERNEL_BENIGN.search(line):
            tally.fail('dmesg: ' + line, [])
        elif ('shadowmm' in line and level is not None and level <= 3
              and not expected):
            tally.fail('dmesg: ' + line, [])


def find_mark(lines, name, start=0):
    """Index of the line ending with MARK(name): the firmware's and the
    kernel's escape sequences may precede it on its line."""
    mark = MARK % name
    for i in range(start, len(lines)):
        if lines[i].endswith(mark):
            return i
    return None


def section(lines, name, end_names):
    """The lines after MARK(name) up to the first of end_names (or EOF)."""
    begin = find_mark(lines, name)
    if begin is None:
        return None
    ends = [i for i in (find_mark(lines, e, begin + 1) for e in end_names)
            if i is not None]
    return lines[begin + 1:min(ends, default=len(lines))]


def read_lines(path):
    # NUL bytes: QEMU's serial line under load sometimes sends a few before
    # a line (seen on smp4: "\0\0\0# ok 1 ..."), which would hide a result
    with open(path, errors='replace') as f:
        return [l.rstrip('\r\n').replace('\r', '').replace('\0', '') for l in f]


def print_report(tally):
    for test, verdict, (p, f, s), body in tally.summaries:
        secs = next((m.group(1) for m in map(RUNNER_TIME.match, body) if m), '?')
        # a test the runner passed may still hold a failure (a skip
        # nobody expected): the counts decide
        shown = 'FAIL' if f else {'ok': 'ok', 'skip': 'skip'}.get(verdict, 'FAIL')
        print('%-4s %-28s %3d passed, %d failed, %d skipped  (%s s)'
              % (shown, test, p, f, s, secs))
    for name, excerpt in tally.failures:
        print('\nFAIL %s' % name)
        if len(excerpt) > EXCERPT_LINES:
            print('    | ... (%d lines before)' % (len(excerpt) - EXCERPT_LINES))
        for line in excerpt[-EXCERPT_LINES:]:
            print('    | %s' % line)
    if tally.failures:
        print()
    used = [e for e in tally.expected if e.matched]
    if used:
        print('expected skips (%s):' % tally.expected_path)
        for e in used:
            print('  %3d  %-24s %s\n       because: %s' % (e.matched, e.glob, e.text, e.reason))
    if tally.passed == 0 and tally.failed == 0:
        print('nothing passed: no test ran?')
    print('%d passed, %d failed, %d skipped' % (tally.passed, tally.failed, tally.skipped))


def judge_log(path, tally, label=None):
    """One VM run's serial log; a label prefixes what it reports."""
    first_summary, first_failure = len(tally.summaries), len(tally.failures)
    tally.label = label
    log = read_lines(path)
    tests = section(log, 'TESTS BEGIN', ['TESTS END', 'DMESG BEGIN', 'DONE'])
    if tests is not None:
        judge_runner(tests, tally)
    dmesg = section(log, 'DMESG BEGIN', ['DMESG END', 'DONE'])
    if dmesg is not None:
        judge_dmesg(dmesg, tally)
    if find_mark(log, 'DONE') is None:
        tally.fail('vm: did not finish (timeout or crash); the log ends:', log[-60:])
    elif tests is None:
        tally.fail('vm: no test output in the log', log[-60:])
    if label:
        tally.summaries[first_summary:] = [(label + '/' + t, v, c, b)
                                           for t, v, c, b in tally.summaries[first_summary:]]
        tally.failures[first_failure:] = [(label + '/' + n, e)
                                          for n, e in tally.failures[first_failure:]]
    tally.label = None


def judge_host_tap(path, tally):
    """A host test's TAP file, reported as host/NAME."""
    name = 'host/' + os.path.basename(path)[:-len('.tap')]
    try:
        lines = read_lines(path)
    except OSError as e:
        tally.fail('%s: %s' % (name, e), [])
        return
    counts = judge_tap(name, lines, tally)
    tally.summaries.append((name, 'fail' if counts[1] else 'ok', counts, []))


def main(argv):
    args = argv[1:]
    if args and args[0] in ('-h', '--help'):
        print(__doc__.strip())
        return 0
    expected_path = EXPECTED_SKIPS
    if args and args[0].startswith('--expected-skips'):
        opt = args.pop(0)
        expected_path = opt.partition('=')[2] or (args.pop(0) if args else '')
    unknown = [a for a in args if a.startswith('-')]
    if not args or not expected_path or unknown:
        if unknown:
            print('check-log: unknown option %s' % unknown[0], file=sys.stderr)
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        expected = read_expected(expected_path)
    except (OSError, ValueError) as e:
        print('check-log: %s' % e, file=sys.stderr)
        return 2
    tally = Tally(expected, expected_path)
    runs = []
    for arg in args[1:]:
        if arg.endswith('.tap'):
            judge_host_tap(arg, tally)
        else:
            label, _, path = arg.partition('=')
            runs.append((label, path) if path else (None, arg))

    label, _, path = args[0].partition('=')
    if path:
        judge_log(path, tally, label)
    else:
        judge_log(args[0], tally)
    for label, path in runs:
        judge_log(path, tally, label)

    print_report(tally)
    return 0 if tally.failed == 0 and tally.passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
