#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test VM run from its serial log (and, optionally, host TAP files).

    check-log.py SERIAL_LOG [HOST.tap ...] [LABEL=SERIAL_LOG ...]

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
once. A test whose results do not match its plan ("1..N") counts one
failure; so does a test that failed (exit status, timeout, crash) without
a failed subtest. A test skipped as a whole with no subtests counts one
skip, one that passed with no TAP at all one pass. The kernel log fails
the run on each line with a kernel bug report (WARNING:, BUG:, Oops, ...)
and on each shadowmm line of level 0-3 outside the windows the tests
opened with "smm-test: expect-kerr begin" / "... end". A guest that did
not finish is one failure.

Prints each failure with an excerpt of the output it came from, then as
the last line exactly "N passed, N failed, N skipped". Exit status 0 only
if nothing failed and something passed.
"""
import re
import sys

MARK = '==== SMM %s ===='
RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)\s*$')
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


class Tally:
    """Counts, and the failures with the lines that explain them."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.summaries = []

    def fail(self, name, excerpt):
        self.failed += 1
        self.failures.append((name, excerpt))


def strip_prefix(line):
    """A test's own line: the runner's "# " prefix taken off."""
    if line.startswith('# '):
        return line[2:]
    return line[1:] if line.startswith('#') else line


def judge_tap(name, lines, tally, top=None, why=''):
    """Count one test's TAP (lines without the runner's prefix).

    top is the runner's verdict: 'ok', 'skip', 'fail', or None for a
    plain TAP file; why its directive ("exit=1", "TIMEOUT 300 seconds").
    Returns (passed, failed, skipped) for the summary.
    """
    why = ' (%s)' % why if why else ''
    before = (tally.passed, tally.failed, tally.skipped)
    plan, seen, failed_subtests, since = None, 0, 0, 0
    for i, line in enumerate(lines):
        m = PLAN.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if not m:
            continue
        seen += 1
        verdict, desc = m.group(1), m.group(3).strip()
        if verdict == 'ok' and SKIP.search(desc):
            tally.skipped += 1
        elif verdict == 'ok':
            tally.passed += 1
        else:
            failed_subtests += 1
            # the diagnostics a test prints for a subtest come before it
            tally.fail('%s: not ok %s %s' % (name, m.group(2) or '?', desc),
                       lines[since:i + 1])
        since = i + 1

    if plan is not None and seen != plan:
        tally.fail('%s: planned %d results, saw %d%s' % (name, plan, seen, why), lines)
    elif top == 'fail' and failed_subtests == 0:
        tally.fail('%s: failed%s' % (name, why or ' (no reason given)'), lines)
    elif seen == 0 and top == 'skip':
        tally.skipped += 1
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
            counts = judge_tap(test, body if test == name else [], tally, verdict, why)
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
    with open(path, errors='replace') as f:
        return [l.rstrip('\r\n').replace('\r', '') for l in f]


def print_report(tally):
    for test, verdict, (p, f, s), body in tally.summaries:
        secs = next((m.group(1) for m in map(RUNNER_TIME.match, body) if m), '?')
        print('%-4s %-28s %3d passed, %d failed, %d skipped  (%s s)'
              % ({'ok': 'ok', 'skip': 'skip'}.get(verdict, 'FAIL'), test, p, f, s, secs))
    for name, excerpt in tally.failures:
        print('\nFAIL %s' % name)
        if len(excerpt) > EXCERPT_LINES:
            print('    | ... (%d lines before)' % (len(excerpt) - EXCERPT_LINES))
        for line in excerpt[-EXCERPT_LINES:]:
            print('    | %s' % line)
    if tally.failures:
        print()
    if tally.passed == 0 and tally.failed == 0:
        print('nothing passed: no test ran?')
    print('%d passed, %d failed, %d skipped' % (tally.passed, tally.failed, tally.skipped))


def judge_log(path, tally, label=None):
    """One VM run's serial log; a label prefixes what it reports."""
    first_summary, first_failure = len(tally.summaries), len(tally.failures)
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


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tally = Tally()
    runs = []
    for arg in argv[2:]:
        if arg.endswith('.tap'):
            judge_tap(arg, read_lines(arg), tally)
        else:
            label, _, path = arg.partition('=')
            runs.append((label, path) if path else (None, arg))

    judge_log(argv[1], tally)
    for label, path in runs:
        judge_log(path, tally, label)

    print_report(tally)
    return 0 if tally.failed == 0 and tally.passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
