#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that Documentation/design.md's tree is the tree git has.

    check-tree.py [DESIGN_MD]      TAP on stdout; exit 1 on a failure

The tree is the first fenced block under "## Where things live". Each
entry is a name at the start of a line (top level) or after a branch
("├── ", "└── "), four columns deeper per level; the rest of the line
and lines without a name are its description. A name is a file
("frame.h"), a pair ("range.[ch]": range.c and range.h), a glob
("nl_*.c") or a folder ("core/"). Checked:

  - every entry names something tracked (a glob at least one file);
  - every folder whose children are listed has each of its tracked files
    under one of them (a folder listed without children stands for all
    it holds);
  - every tracked path is under a top-level entry.

So a file added, moved or removed without the map changing fails here.
"""
import fnmatch
import os
import re
import subprocess
import sys

BRANCH = re.compile(r'^((?:[│ ] {3})*)[├└]── (\S+)')
TOP = re.compile(r'^([A-Za-z.][^\s]*)')


def tree_lines(text):
    """The lines of the first code block after the "Where things live" heading."""
    m = re.search(r'^## Where things live\n.*?^```\n(.*?)^```', text, re.S | re.M)
    if not m:
        return None
    return m.group(1).splitlines()


def parse(lines):
    """(path, is_dir, depth) of every entry, paths as git spells them ('*' kept)."""
    entries, stack = [], []
    for line in lines:
        m = BRANCH.match(line)
        if m:
            depth = len(m.group(1)) // 4 + 1
            name = m.group(2)
        else:
            m = TOP.match(line)
            if not m:
                continue
            depth, name = 0, m.group(1)
        del stack[depth:]
        parent = stack[-1] if stack else ''
        path = parent + name
        is_dir = name.endswith('/')
        if is_dir:
            stack.append(path)
        else:
            stack.append(parent)  # keeps the depth; never a parent
        entries.append((path, is_dir, depth))
    return entries


def expand(path):
    """range.[ch] -> range.c, range.h; other names stand for themselves."""
    m = re.match(r'^(.*)\.\[([a-z]+)\]$', path)
    if m:
        return [f'{m.group(1)}.{c}' for c in m.group(2)]
    return [path]


def covers(pattern, f, is_dir):
    if is_dir:
        return f.startswith(pattern)
    return fnmatch.fnmatchcase(f, pattern) and '/' not in f[len(os.path.dirname(pattern)) + 1:]


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    design = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, 'Documentation/design.md')
    files = subprocess.run(['git', '-C', top, 'ls-files'], check=True,
                           capture_output=True, text=True).stdout.split()
    files = [f for f in files if f != '.gitignore']
    with open(design, encoding='utf-8') as fh:
        lines = tree_lines(fh.read())
    results = []
    if lines is None:
        results.append((False, 'design.md has a tree under "Where things live"',
                        ['no fenced block under the heading']))
        return report(results)
    parsed = [(p, d, depth) for path, d, depth in parse(lines) for p in expand(path)]
    entries = [(p, d) for p, d, _ in parsed]

    missing = [p for p, d in entries if not any(covers(p, f, d) for f in files)]
    results.append((not missing, f'each of the tree\'s {len(entries)} entries is tracked',
                    [f'not in git ls-files: {p}' for p in missing]))

    dirs = [p for p, d in entries if d]
    for folder in dirs:
        kids = [(p, d) for p, d in entries if p != folder and p.startswith(folder)]
        if not kids:
            continue
        inside = [f for f in files if f.startswith(folder)]
        bare = [f for f in inside if not any(covers(p, f, d) for p, d in kids)]
        results.append((not bare, f'every tracked file in {folder} is in the tree',
                        [f'not in the tree: {f}' for f in bare]))

    tops = [(p, d) for p, d, depth in parsed if depth == 0]
    bare = [f for f in files if not any(covers(p, f, d) for p, d in tops)]
    results.append((not bare, 'every tracked path is under a top-level entry',
                    [f'not in the tree: {f}' for f in bare]))
    return report(results)


def report(results):
    print('TAP version 13')
    print(f'1..{len(results)}')
    failed = 0
    for i, (ok, name, why) in enumerate(results, 1):
        if not ok:
            failed += 1
            for w in why:
                print(f'# {w}')
        print(f'{"ok" if ok else "not ok"} {i} {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
