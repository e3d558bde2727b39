#!/usr/bin/env python3
"""Compare two evaluators' flattened profiles rule for rule.

Usage: tools/compare-flatten.py [--sbprofile PATH] [--macos VERSION] [--raw] OURS THEIRS

OURS and THEIRS are SBPL texts of evaluated profiles: typically `sbprofile flatten` output
and another evaluator's (for instance simbple --scheme, or any oracle a user has).  Both are
first read again by `sbprofile flatten --macos VERSION` (default 10.15) so that each
version's aliases fold to one spelling (process-exec -> process-exec*, literal -> path,
iokit-user-client-class -> iokit-registry-entry-class, no-log -> no-report, ...); --raw
skips that step.

Each rule is cut into atoms: one per operation and per filter alternative (the rule's
top-level filters, and the branches of a top-level require-any, are alternatives), each
with the rule's action and its modifiers.  Filters are compared as written after folding,
with the children of require-all and require-any in a fixed order, and the alternatives
of one rule in a fixed order (rule order is kept).  For every operation,
the ordered lists of its atoms (what decides requests on it) are compared: atoms only in
one profile, and atoms in both but in another order.  One line per difference, then a
summary; exit status 0 when the profiles agree, 1 when they differ, 2 on errors.
"""
import argparse
import collections
import re
import subprocess
import sys

TOKEN = re.compile(r'''\s+|;[^\n]*|#\|.*?\|#|(\()|(\))|(#"(?:[^"])*")|("(?:[^"\\]|\\.)*")|([^\s()";]+)''',
                   re.S)


def read_sexprs(text):
    """The top-level forms of an SBPL text as nested Python lists of token strings."""
    stack, top = [], []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"unreadable text at offset {pos}")
        pos = m.end()
        if m.group(1):
            stack.append([])
        elif m.group(2):
            if not stack:
                raise ValueError(f"unbalanced ')' at offset {m.start()}")
            done = stack.pop()
            (stack[-1] if stack else top).append(done)
        else:
            atom = m.group(3) or m.group(4) or m.group(5)
            if atom is not None:
                (stack[-1] if stack else top).append(atom)
    if stack:
        raise ValueError("unbalanced '('")
    return top


def canon(x):
    """A filter or modifier as one string; require-all/any children in a fixed order."""
    if isinstance(x, str):
        return x
    parts = [canon(c) for c in x]
    if parts and parts[0] in ("require-all", "require-any"):
        parts = [parts[0]] + sorted(parts[1:])
    return "(" + " ".join(parts) + ")"


def atoms_by_operation(forms):
    """operation -> ordered list of (action, filter alternative, modifiers) atoms."""
    by_op = collections.OrderedDict()
    for f in forms:
        if not isinstance(f, list) or not f or f[0] not in ("allow", "deny"):
            continue
        action = f[0]
        ops, filters, mods = [], [], []
        for item in f[1:]:
            if isinstance(item, str):
                ops.append(item)
            elif item and item[0] == "with":
                mods.append(canon(item))
            else:
                filters.append(item)
        alternatives = []
        for flt in filters:
            if isinstance(flt, list) and flt and flt[0] == "require-any":
                alternatives.extend(canon(c) for c in flt[1:])
            else:
                alternatives.append(canon(flt))
        if not alternatives:
            alternatives = ["*"]
        alternatives.sort()  # the alternatives of one rule have no order among them
        modtext = " ".join(sorted(mods))
        for op in ops:
            for alt in alternatives:
                by_op.setdefault(op, []).append((action, alt, modtext))
    return by_op


def normalize(path, args):
    if args.raw:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    cmd = [args.sbprofile, "flatten", "--macos", args.macos, "--symbolic-params",
           "--keep-imports", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(f"{path}: cannot be read again: {p.stderr.strip()}\n")
        sys.exit(2)
    return p.stdout


def show(atom):
    action, alt, mods = atom
    return f"({action} {alt}{' ' + mods if mods else ''})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbprofile", default="sbprofile")
    ap.add_argument("--macos", default="10.15")
    ap.add_argument("--raw", action="store_true", help="compare without folding aliases")
    ap.add_argument("ours")
    ap.add_argument("theirs")
    args = ap.parse_args()
    try:
        a = atoms_by_operation(read_sexprs(normalize(args.ours, args)))
        b = atoms_by_operation(read_sexprs(normalize(args.theirs, args)))
    except ValueError as e:
        sys.stderr.write(f"compare-flatten: {e}\n")
        return 2
    differences = 0
    natoms = sum(len(v) for v in a.values())
    for op in sorted(set(a) | set(b)):
        la, lb = a.get(op, []), b.get(op, [])
        ca, cb = collections.Counter(la), collections.Counter(lb)
        for atom in sorted((ca - cb).elements()):
            differences += 1
            print(f"{op}: only in {args.ours}: {show(atom)}")
        for atom in sorted((cb - ca).elements()):
            differences += 1
            print(f"{op}: only in {args.theirs}: {show(atom)}")
        if ca == cb and la != lb:
            differences += 1
            first = next(i for i, (x, y) in enumerate(zip(la, lb)) if x != y)
            print(f"{op}: same atoms in another order, from atom {first + 1}: "
                  f"{show(la[first])} against {show(lb[first])}")
    print(f"summary: {len(set(a) | set(b))} operations, {natoms} atoms in {args.ours}, "
          f"{sum(len(v) for v in b.values())} in {args.theirs}, {differences} differences")
    return 0 if differences == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
