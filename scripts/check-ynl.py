#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the YNL spec of the family against the uapi header and the kernel's schema.

    check-ynl.py [--spec SPEC] [--header H] [--kernel-dir DIR]
                                   TAP on stdout; exit 1 on a failure

SPEC is Documentation/netlink/specs/shadowmm.yaml, H
include/uapi/linux/shadowmm.h; DIR is a directory holding the kernel's
Documentation/netlink/genetlink-legacy.yaml and tools/net/ynl/ (make
test-ynl unpacks them from Debian's linux-source-6.12 into build/ynl/).
Checked, each a TAP test:

  1. the spec is YAML;
  2. it validates against the kernel's genetlink-legacy schema
     (python3-jsonschema; skipped without it or without DIR);
  3. the kernel's YNL library loads it (lib/nlspec.py builds its model
     of the family; skipped without DIR);
  4. the family: name, version, the events group, as the header defines;
  5. commands: enum shadowmm_cmd's names and values are the spec's
     operations', in order, both ways; do, dump and admin as the
     header's comment on each says ("do", "dump", "do/dump", "(admin");
  6. attribute sets: every enum shadowmm_a_* is a spec set (by its
     enum-name) with the same attributes, names and values, in order,
     and each attribute has the type the header's comment starts with
     ("u64: ..."); every spec set is a header enum (or, for a set
     without enum-name, #defines of its attributes' C names);
  7. enums: every other enum of the header is a spec enum, names and
     values, both ways;
  8. flags: every group of single-bit #defines (1U << n) is a spec
     flags set, both ways (a group's *_ALL mask is not listed);
  9. constants: every other numeric #define is a spec const, both ways;
 10. structs: struct shadowmm_pt_run's members and types are the spec's;
 11. references: every nested-attributes, enum, attribute-set, request,
     reply and event attribute and mcgrp the spec names exists (YNL's
     loader checks few of them: a misspelled nest fails only when a
     reply carrying it is decoded);
then (unless --no-mutations) that the checks catch breakage: each of
MUTATIONS, a changed copy of the spec or the header, must fail the test
it names.

The header is parsed, not compiled: enums (UNSPEC first; __*_CNT and
*_MAX ignored), #defines and the one struct. An attribute whose comment
names no type takes the type of the one before it when it has no comment
or that one's comment ends in a comma (a comment spread over several
attributes), or "nest" when a block comment just above it says "a nest";
one that still has no type is reported, and fails.
"""
import argparse
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = ('u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'string', 'flag', 'nest',
         'binary')
# spec types the header's comment words stand for
SAME_TYPE = {'indexed-array': 'nest'}


def c_name(s):
    """YNL's C spelling of a spec name: shadowmm-a-info- -> SHADOWMM_A_INFO_."""
    return s.upper().replace('-', '_')


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', '', text, flags=re.S)


def c_int(expr):
    """The value of a #define's simple integer expression, or None."""
    e = re.sub(r'(?<=\d)(ULL|UL|U|LL|L)\b', '', expr.strip())
    if not re.fullmatch(r'[\d\s()<>+\-*x]+', e):
        return None
    try:
        return int(eval(e, {'__builtins__': {}}))  # digits and operators only
    except (SyntaxError, ValueError):
        return None


class Header:
    """The uapi header's enums (with member comments), #defines and the run struct."""

    def __init__(self, text):
        self.text = text
        self.enums = {}		# name -> [(member, value, comment, block_comment)]
        self.defines = {}	# name -> expression text (comment removed)
        self.struct = []	# [(member, type)] of struct shadowmm_pt_run
        self._enums()
        self._defines()
        self._struct()

    def _enums(self):
        for m in re.finditer(r'^enum (\w+) \{(.*?)^\};', self.text, re.S | re.M):
            members, value, block = [], -1, ''
            body = m.group(2)
            # block comments on lines of their own, remembered for the next member
            for line in re.split(r'\n(?=\s*(?:\w|/\*))', body):
                line = line.strip()
                if line.startswith('/*'):
                    block = line
                    continue
                mm = re.match(r'(\w+)\s*(?:=\s*([^,/]+?))?\s*,?\s*(?:/\*(.*?)(?:\*/|$).*)?$',
                              line, re.S)
                if not mm or not mm.group(1):
                    continue
                name = mm.group(1)
                if mm.group(2) is not None:
                    v = c_int(mm.group(2))
                    if v is None:	# SHADOWMM_X_MAX = __SHADOWMM_X_CNT - 1
                        continue
                    value = v
                else:
                    value += 1
                comment = ' '.join((mm.group(3) or '').split())
                members.append((name, value, comment, block))
                block = ''
            self.enums[m.group(1)] = members

    def _defines(self):
        for m in re.finditer(r'^#define\s+(SHADOWMM_\w+)\s+(.*)$', self.text, re.M):
            self.defines[m.group(1)] = strip_comments(m.group(2)).strip()

    def _struct(self):
        m = re.search(r'struct shadowmm_pt_run \{(.*?)\};', self.text, re.S)
        if m:
            for t, n in re.findall(r'__(\w+)\s+(\w+);', strip_comments(m.group(1))):
                self.struct.append((n, t))


def real_members(members):
    """An enum's members less UNSPEC and the __*_CNT / *_MAX markers."""
    return [mb for mb in members if not mb[0].startswith('__')
            and not mb[0].endswith('_UNSPEC') and not mb[0].endswith('_MAX')]


def header_types(members):
    """{attribute: type or None} from the members' comments (see the module doc)."""
    out, prev_type, prev_comment = {}, None, ''
    for name, _, comment, block in members:
        m = re.match(r'(\w+)', comment)
        t = m.group(1) if m and m.group(1) in TYPES else None
        if name.endswith('_PAD'):
            t = 'pad'
        elif t is None and block and re.search(r'\ba nest\b', block):
            t = 'nest'
        elif t is None and not block and (not comment or prev_comment.endswith(',')):
            t = prev_type
        out[name] = t
        prev_type, prev_comment = t, comment or prev_comment
    return out


class Checker:
    def __init__(self, spec, hdr):
        self.spec, self.hdr = spec, hdr
        self.n = 0
        self.failed = 0
        self.prefix = c_name(spec.get('name', '')) + '_'
        self.counts = {}
        self.skipped = set()

    def result(self, desc, errors, skip=None):
        self.n += 1
        if skip:
            self.skipped.add(self.n)
            print(f'ok {self.n} {desc} # SKIP {skip}')
            return
        for e in errors:
            print(f'# {e}')
        if errors:
            self.failed += 1
        print(f'{"not ok" if errors else "ok"} {self.n} {desc}')

    # ---- 4: family ----
    def family(self):
        d, errs = self.hdr.defines, []
        want = {'SHADOWMM_GENL_NAME': f'"{self.spec.get("name")}"',
                'SHADOWMM_GENL_VERSION': str(self.spec.get('version', 1))}
        for k, v in want.items():
            if d.get(k) != v:
                errs.append(f'{k}: header {d.get(k)}, spec {v}')
        groups = self.spec.get('mcast-groups', {}).get('list', [])
        hgroups = {k: v for k, v in d.items() if k.startswith('SHADOWMM_MCGRP_')}
        sgroups = {c_name(g.get('c-define-name', f'{self.spec["name"]}-mcgrp-{g["name"]}')):
                   f'"{g["name"]}"' for g in groups}
        if hgroups != sgroups:
            errs.append(f'multicast groups: header {hgroups}, spec {sgroups}')
        return errs

    # ---- 5: commands ----
    def commands(self):
        ops = self.spec['operations']
        pfx = c_name(ops.get('name-prefix', f'{self.spec["name"]}-'))
        spec_cmds, value = [], ops.get('value-start', 1) if 'value-start' in ops else 1
        for op in ops['list']:
            value = op.get('value', value)
            spec_cmds.append((pfx + c_name(op['name']), value, op))
            value += 1
        self.counts['commands'] = len(spec_cmds)
        hdr = [mb for mb in self.hdr.enums.get('shadowmm_cmd', [])
               if not mb[0].startswith('__') and mb[0] not in ('SHADOWMM_CMD_UNSPEC',
                                                                 'SHADOWMM_CMD_MAX')]
        errs = compare_lists('command', [(n, v) for n, v, _, _ in hdr],
                             [(n, v) for n, v, _ in spec_cmds])
        comments = {n: c for n, _, c, _ in hdr}
        for name, _, op in spec_cmds:
            c = comments.get(name)
            if c is None:
                continue
            m = re.match(r'(do/dump|do|dump|multicast)\b', c)
            kinds = m.group(1).split('/') if m else []
            if m and m.group(1) == 'multicast':
                kinds = []
                if 'event' not in op or op.get('mcgrp') is None:
                    errs.append(f'{name}: the header says multicast, the spec no event/mcgrp')
            has = [k for k in ('do', 'dump') if k in op]
            if has != kinds:
                errs.append(f'{name}: header "{c}" says {kinds or "none"}, spec has {has}')
            admin = '(admin' in c
            if admin != ('admin-perm' in op.get('flags', [])):
                errs.append(f'{name}: admin in the header {admin}, in the spec {not admin}')
        return errs

    # ---- 6: attribute sets ----
    def attribute_sets(self):
        errs = []
        hsets = {k: v for k, v in self.hdr.enums.items() if k.startswith('shadowmm_a_')}
        seen = set()
        for s in self.spec['attribute-sets']:
            if 'subset-of' in s:
                continue
            pfx = c_name(s.get('name-prefix', f'{self.spec["name"]}-{s["name"]}-a-'))
            enum = s.get('enum-name', f'{self.spec["name"]}-{s["name"]}-attrs')
            attrs, value = [], 1
            for a in s['attributes']:
                value = a.get('value', value)
                attrs.append((pfx + c_name(a['name']), value, a['type']))
                value += 1
            if not enum:	# no enum in the header: one #define per attribute
                for n, v, _ in attrs:
                    if c_int(self.hdr.defines.get(n, 'x')) != v:
                        errs.append(f'set {s["name"]}: {n} = {v}, header '
                                    f'{self.hdr.defines.get(n, "nothing")}')
                continue
            enum = enum.replace('-', '_')
            seen.add(enum)
            if enum not in hsets:
                errs.append(f'set {s["name"]}: no enum {enum} in the header')
                continue
            members = real_members(hsets[enum])
            self.counts['attributes'] = self.counts.get('attributes', 0) + len(attrs)
            self.counts['attribute sets'] = self.counts.get('attribute sets', 0) + 1
            errs += [f'set {s["name"]}: {e}' for e in compare_lists(
                'attribute', [(n, v) for n, v, _, _ in members], [(n, v) for n, v, _ in attrs])]
            htypes = header_types(hsets[enum])
            for n, _, t in attrs:
                if n not in htypes:
                    continue
                ht = htypes[n]
                if ht is None:
                    errs.append(f'{n}: the header\'s comment names no type (spec {t})')
                elif SAME_TYPE.get(t, t) != ht:
                    errs.append(f'{n}: type {t} in the spec, {ht} in the header')
        for e in sorted(set(hsets) - seen):
            errs.append(f'enum {e}: no attribute set in the spec')
        return errs

    def definitions(self, kind):
        return [d for d in self.spec.get('definitions', []) if d['type'] == kind]

    # ---- 7: enums ----
    def enums(self):
        errs, seen = [], set()
        for d in self.definitions('enum'):
            enum = d.get('enum-name', f'{self.spec["name"]}-{d["name"]}').replace('-', '_')
            pfx = c_name(d.get('name-prefix', f'{self.spec["name"]}-{d["name"]}-'))
            seen.add(enum)
            entries, value = [], d.get('value-start', 0)
            for e in d['entries']:
                e = e if isinstance(e, dict) else {'name': e}
                value = e.get('value', value)
                entries.append((pfx + c_name(e['name']), value))
                value += 1
            self.counts['enums'] = self.counts.get('enums', 0) + 1
            if enum not in self.hdr.enums:
                errs.append(f'enum {enum}: not in the header')
                continue
            hdr = [(n, v) for n, v, _, _ in self.hdr.enums[enum] if not n.startswith('__')]
            errs += [f'enum {enum}: {e}' for e in compare_lists('entry', hdr, entries)]
        for e in sorted(self.hdr.enums):
            if e not in seen and e != 'shadowmm_cmd' and not e.startswith('shadowmm_a_'):
                errs.append(f'enum {e}: not in the spec')
        return errs

    def flag_defines(self):
        """The header's single-bit #defines, and the *_ALL masks beside them."""
        bits = {k: c_int(v) for k, v in self.hdr.defines.items()
                if re.fullmatch(r'\(1U << \d+\)', v)}
        return bits

    # ---- 8: flags ----
    def flags(self):
        errs, spec = [], {}
        for d in self.definitions('flags'):
            pfx = c_name(d.get('name-prefix', f'{self.spec["name"]}-{d["name"]}-'))
            value = d.get('value-start', 0)
            for e in d['entries']:
                e = e if isinstance(e, dict) else {'name': e}
                value = e.get('value', value)
                spec[pfx + c_name(e['name'])] = 1 << value
                value += 1
        hdr = {k: v for k, v in self.flag_defines().items() if not k.endswith('_ALL')}
        self.counts['flags'] = len(spec)
        for k in sorted(set(hdr) | set(spec)):
            if hdr.get(k) != spec.get(k):
                errs.append(f'flag {k}: header {hdr.get(k)}, spec {spec.get(k)}')
        return errs

    # ---- 9: constants ----
    def consts(self):
        errs = []
        spec = {self.prefix + c_name(d['name']): d['value'] for d in self.definitions('const')}
        flags = self.flag_defines()
        masks = {k for k, v in self.hdr.defines.items() if k.endswith('_ALL')
                 and re.fullmatch(r'\(\(1U << \d+\) - 1\)', v)}
        attr_defines = set()
        for s in self.spec['attribute-sets']:
            if 'enum-name' in s and not s['enum-name']:
                pfx = c_name(s.get('name-prefix', ''))
                attr_defines |= {pfx + c_name(a['name']) for a in s['attributes']}
        hdr = {}
        for k, v in self.hdr.defines.items():
            if k in flags or k in masks or k in attr_defines or k.startswith('_UAPI'):
                continue
            if k in ('SHADOWMM_GENL_NAME', 'SHADOWMM_GENL_VERSION') or \
               k.startswith('SHADOWMM_MCGRP_'):
                continue
            hdr[k] = c_int(v)
        self.counts['constants'] = len(spec)
        for k in sorted(set(hdr) | set(spec)):
            if hdr.get(k) != spec.get(k):
                errs.append(f'const {k}: header {self.hdr.defines.get(k)}, spec {spec.get(k)}')
        return errs

    # ---- 10: structs ----
    def structs(self):
        st = [d for d in self.definitions('struct') if d['name'] == 'pt-run']
        if not st:
            return ['struct pt-run: not in the spec']
        spec = [(m['name'].replace('-', '_'), m['type']) for m in st[0]['members']]
        return compare_lists('member', [(n, t) for n, t in self.hdr.struct], spec)

    # ---- 11: references ----
    def references(self):
        """Every name the spec refers to exists (YNL's loader resolves few of them)."""
        errs = []
        sets = {st['name']: {a['name'] for a in st['attributes']}
                for st in self.spec['attribute-sets']}
        defs = {d['name']: d['type'] for d in self.spec.get('definitions', [])}
        groups = {g['name'] for g in self.spec.get('mcast-groups', {}).get('list', [])}
        for st in self.spec['attribute-sets']:
            for a in st['attributes']:
                where = f'{st["name"]}.{a["name"]}'
                if 'nested-attributes' in a and a['nested-attributes'] not in sets:
                    errs.append(f'{where}: no attribute set {a["nested-attributes"]}')
                if a['type'] == 'nest' and 'nested-attributes' not in a:
                    errs.append(f'{where}: a nest without nested-attributes')
                if a.get('sub-type') == 'nest' and 'nested-attributes' not in a:
                    errs.append(f'{where}: an array of nests without nested-attributes')
                if 'enum' in a and defs.get(a['enum']) not in ('enum', 'flags'):
                    errs.append(f'{where}: no enum or flags {a["enum"]}')
        for d in self.spec.get('definitions', []):
            for m in d.get('members', []):
                if 'enum' in m and defs.get(m['enum']) not in ('enum', 'flags'):
                    errs.append(f'{d["name"]}.{m["name"]}: no enum or flags {m["enum"]}')
        for op in self.spec['operations']['list']:
            st = op.get('attribute-set')
            if st not in sets:
                errs.append(f'{op["name"]}: no attribute set {st}')
                continue
            lists = [op.get('event', {}).get('attributes', [])]
            for kind in ('do', 'dump'):
                for part in ('request', 'reply'):
                    lists.append(op.get(kind, {}).get(part, {}).get('attributes', []))
            for a in [a for lst in lists for a in lst if a not in sets[st]]:
                errs.append(f'{op["name"]}: no attribute {a} in set {st}')
            if 'mcgrp' in op and op['mcgrp'] not in groups:
                errs.append(f'{op["name"]}: no multicast group {op["mcgrp"]}')
        return errs


def compare_lists(what, hdr, spec):
    """Both lists of (name, value) equal, in order; each difference named once."""
    errs = []
    hnames = {n for n, _ in hdr}
    snames = {n for n, _ in spec}
    for n, v in hdr:
        if n not in snames:
            errs.append(f'{what} {n} ({v}) is in the header, not in the spec')
    for n, v in spec:
        if n not in hnames:
            errs.append(f'{what} {n} ({v}) is in the spec, not in the header')
    hv, sv = dict(hdr), dict(spec)
    for n in [n for n, _ in hdr if n in sv]:
        if hv[n] != sv[n]:
            errs.append(f'{what} {n}: {hv[n]} in the header, {sv[n]} in the spec')
    if not errs and [n for n, _ in hdr] != [n for n, _ in spec]:
        errs.append(f'{what}s in another order than the header\'s')
    return errs


class Quiet:
    """A Checker's output swallowed: for the mutations, which want the verdicts only."""

    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass


def run_checks(ck, spec_path, kernel_dir, yaml):
    """Tests 2 to 10 on ck's spec (test 1, the YAML, is the caller's)."""
    schema = os.path.join(kernel_dir, 'Documentation/netlink/genetlink-legacy.yaml')
    ynl = os.path.join(kernel_dir, 'tools/net/ynl')
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if not os.path.exists(schema):
        ck.result('valid against genetlink-legacy.yaml', [], skip=f'no {schema}')
    elif jsonschema is None:
        ck.result('valid against genetlink-legacy.yaml', [],
                  skip='python3-jsonschema is not installed')
    else:
        with open(schema) as f:
            sch = yaml.safe_load(f)
        errs = [f'{"/".join(map(str, e.absolute_path))}: {e.message}'
                for e in jsonschema.Draft7Validator(sch).iter_errors(ck.spec)]
        ck.result('valid against genetlink-legacy.yaml', errs)

    if not os.path.isdir(os.path.join(ynl, 'lib')):
        ck.result('the kernel\'s YNL library loads it', [], skip=f'no {ynl}/lib')
    else:
        if ynl not in sys.path:
            sys.path.insert(0, ynl)
        errs = []
        try:
            from lib import SpecFamily
            SpecFamily(spec_path, schema if jsonschema else '')
        except Exception as e:	# any failure of the library's loader is the finding
            errs = [f'{type(e).__name__}: {e}']
        ck.result('the kernel\'s YNL library loads it', errs)

    ck.result('family name, version and multicast group', ck.family())
    ck.result('commands: names, values, do/dump, admin', ck.commands())
    ck.result('attribute sets: names, values, types', ck.attribute_sets())
    ck.result('enums', ck.enums())
    ck.result('flags', ck.flags())
    ck.result('constants', ck.consts())
    ck.result('struct shadowmm_pt_run', ck.structs())
    ck.result('references: sets, nests, enums, operations\' attributes, groups',
              ck.references())


def op(spec, name):
    return next(o for o in spec['operations']['list'] if o['name'] == name)


def aset(spec, name):
    return next(s for s in spec['attribute-sets'] if s['name'] == name)


def attr(spec, sname, name):
    return next(a for a in aset(spec, sname)['attributes'] if a['name'] == name)


# What the checker must catch: (what, spec change, header text change, the test that fails).
# The header changes are what another helper's work does to it.
MUTATIONS = [
    ('an attribute renamed in the spec',
     lambda s: attr(s, 'info', 'nr-frames').update(name='nr-frame'), None, 6),
    ('an attribute\'s type changed in the spec (u32 to u64)',
     lambda s: attr(s, 'info', 'max-order').update(type='u64'), None, 6),
    ('a command removed from the spec',
     lambda s: s['operations']['list'].remove(op(s, 'cache-tune')), None, 5),
    ('admin-perm dropped from a command of the spec',
     lambda s: op(s, 'page-alloc').pop('flags'), None, 5),
    ('a nest\'s set misspelled in the spec',
     lambda s: attr(s, 'zone', 'stats').update({'nested-attributes': 'stat'}), None, 11),
    ('a reply attribute the operation\'s set lacks',
     lambda s: op(s, 'info-get')['do']['reply']['attributes'].append('frames'), None, 11),
    ('a key the schema does not know',
     lambda s: attr(s, 'page', 'handle').update({'multi-attrs': True}), None, 2),
    ('a command appended to the header',
     None, ('\tSHADOWMM_CMD_CACHE_TUNE,', '\tSHADOWMM_CMD_CACHE_TUNE,\n\tSHADOWMM_CMD_NEW,'), 5),
    ('an attribute appended to the header',
     None, ('\tSHADOWMM_A_CACHE_SHARED,', '\tSHADOWMM_A_CACHE_SHARED,\n\tSHADOWMM_A_CACHE_NEW,'
                                        '\t/* u64 */'), 6),
    ('an enum entry appended to the header',
     None, ('\tSHADOWMM_ZONE_NORMAL,', '\tSHADOWMM_ZONE_NORMAL,\n\tSHADOWMM_ZONE_MOVABLE,'), 7),
    ('a flag added to the header',
     None, ('#define SHADOWMM_GFP_ALL', '#define SHADOWMM_GFP_NEW (1U << 9)\n#define SHADOWMM_GFP_ALL'),
     8),
    ('a constant changed in the header',
     None, ('#define SHADOWMM_SPACE_MAX\t\t64', '#define SHADOWMM_SPACE_MAX\t\t128'), 9),
]


def mutation(yaml, spec, header_text, kernel_dir, tmp, change, hchange):
    """The numbers of the tests that fail on a changed copy of the spec or header."""
    import copy
    spec = copy.deepcopy(spec)
    if change:
        change(spec)
    if hchange:
        if hchange[0] not in header_text:
            raise ValueError(f'the header has no "{hchange[0]}" to change')
        header_text = header_text.replace(hchange[0], hchange[1], 1)
    path = os.path.join(tmp, 'shadowmm.yaml')
    with open(path, 'w') as f:
        f.write('# SPDX-License-Identifier: GPL-2.0\n')	# YNL refuses a spec without
        yaml.safe_dump(spec, f, sort_keys=False)
    ck = Checker(spec, Header(header_text))
    ck.n = 1
    saved, sys.stdout = sys.stdout, Quiet()
    try:
        run_checks(ck, path, kernel_dir, yaml)
        out = ''.join(sys.stdout.lines)
    finally:
        sys.stdout = saved
    return [int(m) for m in re.findall(r'^not ok (\d+)', out, re.M)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--spec', default=os.path.join(TOP, 'Documentation/netlink/specs/shadowmm.yaml'))
    ap.add_argument('--header', default=os.path.join(TOP, 'include/uapi/linux/shadowmm.h'))
    ap.add_argument('--kernel-dir', default=os.path.join(TOP, 'build/ynl/kernel'))
    ap.add_argument('--no-mutations', action='store_true',
                    help='only check the spec, not that the checker catches breakage')
    args = ap.parse_args()
    print('TAP version 13')
    print(f'1..{11 + (0 if args.no_mutations else len(MUTATIONS))}')
    try:
        import yaml
    except ImportError:
        print('Bail out! python3-yaml is not installed (scripts/deps.sh installs it)')
        return 1
    with open(args.header) as f:
        header_text = f.read()
    spec, errs = None, []
    try:
        with open(args.spec) as f:
            spec = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        errs = [str(e)]
    ck = Checker(spec or {'name': ''}, Header(header_text))
    ck.result('the spec is YAML', errs)
    if errs:
        print('Bail out! no spec to check')
        return 1
    run_checks(ck, args.spec, args.kernel_dir, yaml)
    print('# checked: ' + ', '.join(f'{v} {k}' for k, v in ck.counts.items()))
    if not args.no_mutations:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            for what, change, hchange, want in MUTATIONS:
                if want in ck.skipped:
                    ck.result(f'caught: {what} (test {want} fails)', [],
                              skip=f'test {want} skipped above')
                    continue
                try:
                    got = mutation(yaml, spec, header_text, args.kernel_dir, tmp, change, hchange)
                    errs = [] if want in got else [f'test {want} should fail, failed: {got}']
                except Exception as e:	# a mutation that cannot be made is a failure
                    errs = [f'{type(e).__name__}: {e}']
                ck.result(f'caught: {what} (test {want} fails)', errs)
    print(f'# {ck.n - ck.failed - len(ck.skipped)} passed, {ck.failed} failed, '
          f'{len(ck.skipped)} skipped')
    return 1 if ck.failed else 0


if __name__ == '__main__':
    sys.exit(main())
