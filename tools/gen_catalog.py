#!/usr/bin/env python3
"""Generate lib/catalog_data.c from the machine-readable SBPL facts in ../shared/spec.

Usage: gen_catalog.py [--spec DIR] [--out FILE]

Reads only the spec files named in SPEC_FILES, uses only the standard library, and writes the
same bytes for the same inputs (every table is sorted; nothing depends on dict order, the
clock or the host). The output's header names each input file with a digest of its content.

What it encodes, per macOS version (index = bit in the version masks):
  0 10.6   operation names only (which versions know a name)
  1 10.12  2 10.13  3 10.14  4 10.15   operations, filters, constants, modifiers (simbple)
  5 14.4.1 operation names (parents from 10.15, else inferred from the name), filter base names
  6 15     filters, constants and modifiers only (sandblaster 0x3c3e tables)
"""
import argparse
import hashlib
import os
import sys

VERSIONS = [
    # (label, macos number, flags)  flags: 1 ops, 2 filters, 4 target (usable for decisions)
    ("10.6", (10 << 16) | (6 << 8), 0),
    ("10.12", (10 << 16) | (12 << 8), 1 | 2 | 4),
    ("10.13", (10 << 16) | (13 << 8), 1 | 2 | 4),
    ("10.14", (10 << 16) | (14 << 8), 1 | 2 | 4),
    ("10.15", (10 << 16) | (15 << 8), 1 | 2 | 4),
    ("14.4.1", (14 << 16) | (4 << 8) | 1, 1 | 2 | 4),
    ("15", (15 << 16), 2),
]
V106, V1012, V1013, V1014, V1015, V144, V15 = range(7)
SIMBPLE = {V1012: "10.12_sierra", V1013: "10.13_high_sierra", V1014: "10.14_mojave",
           V1015: "10.15_catalina"}

SPEC_FILES = [
    "operations_macos10.6_snowleopard.txt",
    "operations_macos10.12_sierra_simbple.tsv",
    "operations_macos10.13_high_sierra_simbple.tsv",
    "operations_macos10.14_mojave_simbple.tsv",
    "operations_macos10.15_catalina_simbple.tsv",
    "operations_macos14.4.1_sonoma.txt",
    "operations_macos14.4.1_hierarchy_inferred.tsv",
    "filters_macos10.12_sierra_simbple.tsv",
    "filters_macos10.13_high_sierra_simbple.tsv",
    "filters_macos10.14_mojave_simbple.tsv",
    "filters_macos10.15_catalina_simbple.tsv",
    "filters_macos14.4.1_sonoma.txt",
    "filters_macos15_sandblaster_0x3c3e.tsv",
    "filters_derived_catalina_simbple.txt",
    "modifiers_by_source.tsv",
]

# sbp__arg values (lib/catalog.h)
ARG_NONE, ARG_PATH, ARG_NAME, ARG_INTEGER, ARG_BITFIELD, ARG_NETWORK, ARG_BOOLEAN, ARG_OTHER, \
    ARG_STRING = 0, 1, 2, 3, 4, 5, 6, 7, 8
ARG_C = {ARG_NONE: "SBP__ARG_NONE", ARG_PATH: "SBP__ARG_PATH", ARG_NAME: "SBP__ARG_NAME",
         ARG_INTEGER: "SBP__ARG_INTEGER", ARG_BITFIELD: "SBP__ARG_BITFIELD",
         ARG_NETWORK: "SBP__ARG_NETWORK", ARG_BOOLEAN: "SBP__ARG_BOOLEAN",
         ARG_OTHER: "SBP__ARG_OTHER", ARG_STRING: "SBP__ARG_STRING"}
MATCH_C = {1: "SBP__MATCH_EXACT", 2: "SBP__MATCH_PREFIX", 3: "SBP__MATCH_SUBPATH",
           4: "SBP__MATCH_REGEX"}

# 10.12's and 15.x's argument-type enum names are shifted by one against 10.13-10.15's
# (checked name by name: path is PATTERN_SUBPATH in 10.12 and 15.x, PATTERN_REGEX in 10.13-10.15).
# Map them onto the 10.13-10.15 names before deriving spellings and kinds.
SHIFTED = {"PATTERN_LITERAL": "PATTERN_PREFIX", "PATTERN_PREFIX": "PATTERN_SUBPATH",
           "PATTERN_SUBPATH": "PATTERN_REGEX", "PATTERN_REGEX": "REGEX",
           "STRING": "PATTERN_LITERAL"}

# Operation-side category names differ from the filter table's for IOKit classes.
CATEGORY_TO_OP_SIDE = {"iokit-registry-entry-class": "iokit-user-client"}
UNIVERSAL_CATEGORIES = ["extension", "process", "system"]

# Prelude aliases (prelude_definitions_simbple.txt, sbpl-reference.md section 2.3/3.2).
# (alias, target or None for 'no-op, first version index, weak, note)
OP_ALIASES = [
    ("process-exec", "process-exec*", V1012, 0, "prelude alias"),
    ("ipc-posix-shm", "ipc-posix-shm*", V1012, 0, "prelude alias"),
    ("ipc-posix-sem", "ipc-posix-sem*", V1012, 0, "prelude alias"),
    ("sysctl-write", "sysctl*", V1012, 0,
     "prelude rebinds sysctl-write to the sysctl* operation"),
    ("file-unlink", "file-write-unlink", V1012, 0, "prelude alias"),
    ("file-write-mount", "file-mount", V1012, 0, "prelude alias"),
    ("file-write-unmount", "file-unmount", V1012, 0, "prelude alias"),
    ("file-write-umount", "file-unmount", V1012, 0, "prelude alias"),
    ("file-fsctl", "system-fsctl", V1012, 0, "prelude alias"),
    ("time-set", "system-set-time", V1012, 0, "prelude alias"),
    ("system-misc", "system*", V1012, 0, "prelude alias"),
    ("managed-preference*", "managed-preference-read", V1012, 0, "prelude alias"),
    ("file-issue-extension*", "file-issue-extension", V1012, 0, "prelude alias"),
    ("file-issue-extension-read", "file-issue-extension", V1012, 0, "prelude alias"),
    ("file-issue-extension-write", "file-issue-extension", V1012, 0, "prelude alias"),
    ("ipc-posix-shm-read*", "ipc-posix-shm-read-data", V1015, 0, "prelude alias (10.15)"),
    ("ipc-posix-shm-read-metadata", None, V1015, 0, "bound to 'no-op: the rule is dropped"),
    ("mach-per-user-lookup", None, V1015, 0, "bound to 'no-op: the rule is dropped"),
    ("system-chud", None, V1015, 0, "bound to 'no-op: the rule is dropped"),
    ("qtn-download", None, V1015, 0, "bound to 'no-op: the rule is dropped"),
    # 14.x: the table has iokit-open*, iokit-open-user-client and iokit-open-service only. The
    # one public re-implementation that handles the old name maps it to iokit-open-user-client
    # (sbpl-reference.md 3.2) [L].
    ("iokit-open", "iokit-open-user-client", V144, 1,
     "14.x: iokit-open is no operation; mapped to iokit-open-user-client [L]"),
]

# Filter spelling aliases: (alias, target spelling, match)
FILTER_ALIASES = [
    ("literal", "path", 1), ("path-literal", "path", 1), ("prefix", "path-prefix", 2),
    ("regex", "path-regex", 4), ("mount-relative-literal", "mount-relative-path", 1),
    ("mount-relative-regex", "mount-relative-path-regex", 4),
    ("iokit-user-client-class", "iokit-registry-entry-class", 1),
    ("iokit-user-client-class-regex", "iokit-registry-entry-class-regex", 4),
    ("from", "local", 1), ("to", "remote", 1),
    ("granted-extensions", "extension", 1), ("mach-extension", "extension", 1),
]

# errno values named in the 15.x modifier table's notes (Darwin <sys/errno.h>).
ERRNO = [("EPERM", 1), ("ENOENT", 2), ("ESRCH", 3), ("EINTR", 4), ("EIO", 5), ("ENXIO", 6)]

FL_ALIAS, FL_INFERRED, FL_INTERNAL = 1, 2, 4


def die(msg):
    sys.stderr.write("gen_catalog.py: %s\n" % msg)
    sys.exit(1)


def rows(path):
    """Non-comment lines split on tabs (trailing empty columns kept)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            out.append(line.split("\t"))
    return out


def table(path):
    r = rows(path)
    head = r[0]
    return [dict(zip(head, x + [""] * (len(head) - len(x)))) for x in r[1:]]


def named_args(s):
    out = []
    if not s:
        return out
    for item in s.split(","):
        if "=" not in item:
            continue
        k, v = item.rsplit("=", 1)
        try:
            out.append((k, int(v, 10)))
        except ValueError:
            die("bad named-argument value %r" % item)
    return out


def cstr(s):
    if s is None:
        return "NULL"
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7f:
            out.append(ch)
        else:
            die("non-ASCII or control character in %r" % s)
    out.append('"')
    return "".join(out)


def mask_c(m):
    return "0x%02xu" % m


def derive(base, ntype):
    """Derived spellings (spelling, match) of a base filter from its normalised type."""
    out = []
    if ntype == "PATTERN_REGEX":
        sub = base.replace("path", "subpath") if "path" in base else base + "-subpath"
        out = [(base + "-prefix", 2), (sub, 3), (base + "-regex", 4)]
    elif ntype in ("PATTERN_PREFIX", "PATTERN_SUBPATH"):
        out = [(base + "-prefix", 2), (base + "-regex", 4)]
    return out


def arg_kind(ntype):
    return {
        "PATTERN_REGEX": ARG_PATH, "PATTERN_PREFIX": ARG_NAME, "PATTERN_SUBPATH": ARG_NAME,
        "PATTERN_LITERAL": ARG_NAME, "REGEX": ARG_NETWORK, "STRING": ARG_INTEGER,
        "INTEGER": ARG_INTEGER, "BITFIELD": ARG_BITFIELD, "BOOL": ARG_BOOLEAN,
    }.get(ntype, ARG_OTHER)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--spec", default=os.path.join(here, "..", "..", "shared", "spec"))
    ap.add_argument("--out", default=os.path.join(here, "..", "lib", "catalog_data.c"))
    args = ap.parse_args()
    if not os.path.isdir(args.spec):
        # /work/shared/spec is the usual place; the worktree layout puts it two levels up.
        alt = "/work/shared/spec"
        if os.path.isdir(alt) and args.spec == ap.get_default("spec"):
            args.spec = alt
        else:
            die("spec folder %s not found (use --spec DIR)" % args.spec)
    P = lambda name: os.path.join(args.spec, name)
    for f in SPEC_FILES:
        if not os.path.isfile(P(f)):
            die("missing spec file %s" % P(f))

    # ---- operations -------------------------------------------------------------------
    ops = {}  # version -> list of dict(name,id,parent,terminal,builtin,inferred,cats,mods,known)
    op_versions = {}  # name -> mask
    for r in rows(P("operations_macos10.6_snowleopard.txt")):
        op_versions[r[1]] = op_versions.get(r[1], 0) | (1 << V106)
    simbple_ops = {}
    for v, stem in SIMBPLE.items():
        t = table(P("operations_macos%s_simbple.tsv" % stem))
        lst = []
        for row in t:
            name = row["name"]
            terminal = row["node_type"] == "TERMINAL"
            if row["node_type"] not in ("TERMINAL", "NONTERMINAL"):
                die("bad node_type in %s: %r" % (stem, row["node_type"]))
            parent = None if terminal or row["fallback"] in ("-", "") else row["fallback"]
            builtin = 0
            if terminal and name != "default":
                builtin = 1 if row["builtin_action"] == "1" else 2
            cats = [c for c in row["filter_categories"].split(",") if c]
            mods = [m for m in row["modifiers"].split(",") if m and m != "deprecated"]
            lst.append(dict(name=name, id=int(row["id"]), parent=parent, terminal=int(terminal),
                            builtin=builtin, inferred=0, cats=cats, mods=mods, known=1))
            op_versions[name] = op_versions.get(name, 0) | (1 << v)
        names = {o["name"] for o in lst}
        for o in lst:
            if o["parent"] is not None and o["parent"] not in names:
                die("%s: parent %s of %s unknown" % (stem, o["parent"], o["name"]))
        ops[v] = lst
        simbple_ops[v] = {o["name"]: o for o in lst}

    cat15 = simbple_ops[V1015]
    ids144 = {r[1]: int(r[0]) for r in rows(P("operations_macos14.4.1_sonoma.txt"))}
    hier = {r[1]: r for r in rows(P("operations_macos14.4.1_hierarchy_inferred.tsv"))[1:]}
    lst = []
    for name, oid in ids144.items():
        op_versions[name] = op_versions.get(name, 0) | (1 << V144)
        if name not in hier:
            die("14.4.1 operation %s has no hierarchy row" % name)
        inferred_parent = hier[name][3]
        inferred_parent = None if inferred_parent in ("-", "") else inferred_parent
        o = dict(name=name, id=oid, parent=None, terminal=0, builtin=0, inferred=0,
                 cats=list(UNIVERSAL_CATEGORIES), mods=[], known=0)
        if name in cat15:
            c = cat15[name]
            o.update(terminal=c["terminal"], builtin=c["builtin"], cats=c["cats"], mods=c["mods"],
                     known=2)
            if c["terminal"]:
                o["parent"] = None
            elif c["parent"] in ids144:
                o["parent"] = c["parent"]
            else:
                o["parent"], o["inferred"] = inferred_parent, 1
        else:
            o["parent"], o["inferred"] = inferred_parent, 1
        if name == "default":
            o.update(terminal=1, builtin=0, parent=None, inferred=0)
        lst.append(o)
    for o in lst:
        if o["parent"] is not None and o["parent"] not in ids144:
            die("14.4.1: parent %s of %s unknown" % (o["parent"], o["name"]))
    ops[V144] = lst

    # Category and modifier name tables (bits in the per-operation masks).
    cat_names = sorted({c for v in ops for o in ops[v] for c in o["cats"]})
    if len(cat_names) > 64:
        die("too many filter categories for a 64-bit mask")
    mod_names = sorted({m for v in ops for o in ops[v] for m in o["mods"]})
    if len(mod_names) > 32:
        die("too many modifiers for a 32-bit mask")

    # ---- filters ----------------------------------------------------------------------
    ftab = {}  # version -> {base: (ntype, category, raw_type, named_args)}
    for v, stem in SIMBPLE.items():
        d = {}
        for row in table(P("filters_macos%s_simbple.tsv" % stem)):
            raw = row["arg_type"]
            ntype = SHIFTED.get(raw, raw) if v == V1012 else raw
            d[row["name"]] = (ntype, row["category"], raw, named_args(row["named_args"]))
        ftab[v] = d
    d = {}
    for row in table(P("filters_macos15_sandblaster_0x3c3e.tsv")):
        raw = row["arg_type"]
        d[row["name"]] = (SHIFTED.get(raw, raw), row["category"], raw, named_args(row["named_args"]))
    ftab[V15] = d
    bases144 = [r[1] for r in rows(P("filters_macos14.4.1_sonoma.txt"))]
    d = {}
    for b in bases144:
        if b in ftab[V15]:
            d[b] = ftab[V15][b]
        elif b in ftab[V1015]:
            d[b] = ftab[V1015][b]
        else:
            d[b] = (None, None, None, [])
    ftab[V144] = d

    derived15 = {}
    for r in rows(P("filters_derived_catalina_simbple.txt")):
        derived15[r[0]] = r[1].split() if len(r) > 1 and r[1] else []
    # The derivation rule must reproduce the 10.15 derived-spellings file exactly.
    for b, (ntype, _, _, _) in ftab[V1015].items():
        got = sorted(s for s, _ in derive(b, ntype))
        if b in derived15 and got != sorted(derived15[b]):
            die("derivation rule disagrees with the 10.15 file for %s: %s vs %s"
                % (b, got, derived15[b]))

    filters = {}  # version -> sorted list of rows
    for v in (V1012, V1013, V1014, V1015, V144, V15):
        spell = {}
        for b, (ntype, cat, raw, _) in ftab[v].items():
            cat_op = CATEGORY_TO_OP_SIDE.get(cat, cat)
            inferred = FL_INFERRED if v in (V144, V15) and b not in ftab[V1015] else 0
            internal = FL_INTERNAL if b.startswith("%") else 0
            kind = arg_kind(ntype) if ntype else ARG_OTHER
            spell[b] = (b, 1, kind, cat_op, raw, inferred | internal)
            for s, m in derive(b, ntype):
                if s not in spell:
                    spell[s] = (b, m, kind, cat_op, raw, inferred | internal)
        for a, target, m in FILTER_ALIASES:
            if a in spell or target not in spell:
                continue
            b, _, kind, cat_op, raw, fl = spell[target]
            spell[a] = (b, m, kind, cat_op, raw, fl | FL_ALIAS)
        filters[v] = sorted((s,) + t for s, t in spell.items())

    # ---- named constants --------------------------------------------------------------
    consts = {}  # (base, name) -> {version: value}

    def put(v, base, name, value):
        consts.setdefault((base, name), {}).setdefault(v, value)

    owner = {}  # symbol -> set of bases, from the 10.15 and 15.x tables (attribution for 10.12-14)
    for v in (V1015, V15):
        for b, (_, _, _, na) in ftab[v].items():
            for k, _ in na:
                owner.setdefault(k, set()).add(b)
    dropped = {}
    for v in (V1012, V1013, V1014):
        for b, (_, _, _, na) in ftab[v].items():
            for k, val in na:
                targets = sorted(x for x in owner.get(k, ()) if x in ftab[v])
                if not targets:
                    dropped.setdefault(v, set()).add(k)
                for t in targets:
                    put(v, t, k, val)
    for v in (V1015, V15):
        for b, (_, _, _, na) in ftab[v].items():
            for k, val in na:
                put(v, b, k, val)
    for b in bases144:
        for v in (V15, V1015):
            if b in ftab[v]:
                for k, val in ftab[v][b][3]:
                    put(V144, b, k, val)
    # Modifier arguments: send-signal takes the signal names, errno the errno names.
    sig = {}
    for v in (V15, V1015):
        if "signal-number" in ftab[v]:
            for k, val in ftab[v]["signal-number"][3]:
                sig.setdefault(k, val)
    for k, val in sorted(sig.items()):
        for v in (V1012, V1013, V1014, V1015, V144, V15):
            put(v, "send-signal", k, val)
    for k, val in ERRNO:
        for v in (V144, V15):
            put(v, "errno", k, val)
    const_rows = []
    for (b, n), per in consts.items():
        byval = {}
        for v, val in per.items():
            byval[val] = byval.get(val, 0) | (1 << v)
        for val, m in byval.items():
            const_rows.append((b, n, val, m))
    const_rows.sort()

    # ---- modifiers --------------------------------------------------------------------
    A, B = {}, {}
    for row in table(P("modifiers_by_source.tsv")):
        src = row["source"]
        if src == "A":
            A[row["name"]] = row
        elif src.startswith("B(10.12-10.14)"):
            B[row["name"]] = row

    def applies(s):
        return {"allow": 1, "deny": 2, "allow+deny": 3, "all": 3}.get(s, 0)

    def margs(s):
        return {"none": ARG_NONE, "int": ARG_INTEGER, "int/named": ARG_INTEGER,
                "string": ARG_STRING, "other": ARG_OTHER}.get(s, ARG_OTHER)

    FM_ALIAS, FM_NOOP, FM_APPLIES_UNKNOWN, FM_WEAK = 1, 2, 4, 8
    mods = {}  # (name, canonical, implied, applies, arg, flags, source) -> mask

    def addm(v, key):
        mods[key] = mods.get(key, 0) | (1 << v)

    for v in (V1012, V1013, V1014, V1015):
        names = sorted({m for o in ops[v] for m in o["mods"]} | set(B))
        for n in names:
            if n in B:
                key = (n, n, None, applies(B[n]["applies_to"]), margs(B[n]["arg"]), 0,
                       "simbple modifiers.c (10.12-10.14 table)")
            elif n in A:
                key = (n, n, None, applies(A[n]["applies_to"]), margs(A[n]["arg"]), FM_WEAK,
                       "accepted per simbple's operation table; applicability from the 15.x table")
            else:
                key = (n, n, None, 3, ARG_OTHER, FM_APPLIES_UNKNOWN | FM_WEAK,
                       "accepted per simbple's operation table; applicability unknown")
            addm(v, key)
    for v in (V144, V15):
        for n in sorted(A):
            addm(v, (n, n, None, applies(A[n]["applies_to"]), margs(A[n]["arg"]), 0,
                     "sandblaster modifiers.json (15.x table)"))
    prelude = "simbple sbpl_v1.scm prelude"
    for v in (V1012, V1013, V1014, V1015, V144, V15):
        weak = FM_WEAK if v >= V144 else 0
        addm(v, ("no-log", "no-report", None, 2, ARG_NONE, FM_ALIAS | weak, prelude))
        addm(v, ("partial-symbolication", "partial-symbolication", None, 3, ARG_NONE,
                 FM_NOOP | weak, prelude + " (deprecated, ignored)"))
        addm(v, ("no-callout", "no-callout", None, 3, ARG_NONE, FM_NOOP | weak,
                 prelude + " (deprecated, ignored)"))
        if v < V144:
            addm(v, ("rootless-modifier", "rootless", None, 2, ARG_NONE, FM_ALIAS, prelude))
        no_sandbox_here = (v < V144 and any("no-sandbox" in o["mods"] for o in ops[v])) \
            or v >= V144
        if no_sandbox_here:
            addm(v, ("no-profile", "no-sandbox", None, 1, ARG_NONE, FM_ALIAS | weak, prelude))
        if v >= V1015:
            addm(v, ("termination", "send-signal", "SIGKILL", 3, ARG_NONE, FM_ALIAS | weak,
                     prelude + " (10.15+: deprecated spelling of send-signal SIGKILL)"))
        if v >= V144:
            addm(v, ("rootless", "sip-override", None, 3, ARG_NONE, FM_ALIAS | FM_WEAK,
                     "10.12-10.14 name of sip-override; still accepted on 14.x is an assumption"))
    mod_rows = sorted((k + (m,)) for k, m in mods.items())

    # ---- operation aliases ------------------------------------------------------------
    alias_rows = []
    for a, target, first, weak, note in OP_ALIASES:
        m = 0
        for v in (V1012, V1013, V1014, V1015, V144):
            if v < first:
                continue
            known = {o["name"] for o in ops[v]}
            if target is not None and target not in known:
                continue
            if target is None and a in known:
                continue  # still a real operation in that version
            m |= 1 << v
        alias_rows.append((a, target, m, weak, note))
    alias_rows.sort()

    # ---- emit -------------------------------------------------------------------------
    o = []
    w = o.append
    w("/* GENERATED FILE: do not edit. Made by tools/gen_catalog.py from the spec folder:")
    for f in SPEC_FILES:
        with open(P(f), "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:16]
        w(" *   %s (sha256 %s)" % (f, digest))
    w(" * Regenerate: python3 tools/gen_catalog.py [--spec DIR] [--out lib/catalog_data.c]")
    for v in sorted(dropped):
        w(" * %s: left out %s: simbple's table lists every named argument under 'local', and"
          % (VERSIONS[v][0], ", ".join(sorted(dropped[v]))))
        w(" *   no filter of 10.15 or 15.x names this one, so it cannot be attributed.")
    w(" */")
    w('#include "catalog_data.h"')
    w("")
    w("const char *const sbp__cat_categories[] = {")
    for c in cat_names:
        w("  %s," % cstr(c))
    w("};")
    w("const char *const sbp__cat_op_modifiers[] = {")
    for m in mod_names:
        w("  %s," % cstr(m))
    w("};")
    w("")

    def catmask(cs):
        m = 0
        for c in cs:
            m |= 1 << cat_names.index(c)
        return "0x%016xull" % m

    def modmask(ms):
        m = 0
        for x in ms:
            m |= 1 << mod_names.index(x)
        return "0x%08xu" % m

    op_rows_out = {}
    for v in sorted(ops):
        lst = sorted(ops[v], key=lambda x: x["name"].encode())
        op_rows_out[v] = lst
    # The arrays are declared before their use in sbp__cat_versions through catalog_data.h.
    for v in sorted(ops):
        w("static const sbp__op_info ops_%d[%d] = {" % (v, len(op_rows_out[v])))
        for x in op_rows_out[v]:
            w("  {%s, %s, %d, %d, %d, %d, %d, %d, %s, %s}," % (
                cstr(x["name"]), cstr(x["parent"]), x["terminal"], x["builtin"], x["inferred"],
                x["id"], v, x["known"], catmask(x["cats"]), modmask(x["mods"])))
        w("};")
    w("")
    for v in sorted(filters):
        w("static const sbp__filter_info filters_%d[%d] = {" % (v, len(filters[v])))
        for s, b, m, kind, cat, raw, fl in filters[v]:
            w("  {%s, %s, %s, %s, %s, %d, %d, %s}," % (
                cstr(s), cstr(b), MATCH_C[m], ARG_C[kind], cstr(cat), fl, v, cstr(raw)))
        w("};")
    w("")
    names_sorted = sorted(op_versions.items(), key=lambda kv: kv[0].encode())
    w("const sbp__cat_name sbp__cat_op_names[] = {")
    for n, m in names_sorted:
        w("  {%s, %s}," % (cstr(n), mask_c(m)))
    w("};")
    w("")
    w("const sbp__cat_alias sbp__cat_op_aliases[] = {")
    for a, t, m, weak, note in sorted(alias_rows, key=lambda r: r[0].encode()):
        w("  {%s, %s, %s, %d, %s}," % (cstr(a), cstr(t), mask_c(m), weak, cstr(note)))
    w("};")
    w("")
    w("const sbp__cat_constant sbp__cat_constants[] = {")
    for b, n, val, m in sorted(const_rows, key=lambda r: (r[0].encode(), r[1].encode(), r[3])):
        w("  {%s, %s, %dll, %s}," % (cstr(b), cstr(n), val, mask_c(m)))
    w("};")
    w("")
    cnames = {}
    for b, n, val, m in const_rows:
        if b in ("send-signal", "errno"):
            continue  # modifier arguments, not bound variables of their own
        cnames[n] = cnames.get(n, 0) | m
    w("const sbp__cat_name sbp__cat_constant_names[] = {")
    for n, m in sorted(cnames.items(), key=lambda kv: kv[0].encode()):
        w("  {%s, %s}," % (cstr(n), mask_c(m)))
    w("};")
    w("")
    w("const sbp__modifier_info sbp__cat_modifiers[] = {")
    for n, canon, implied, ap_, ar, fl, src, m in sorted(
            mod_rows, key=lambda r: (r[0].encode(), r[7])):
        w("  {%s, %s, %s, %d, %s, %d, %s, %s}," % (
            cstr(n), cstr(canon), cstr(implied), ap_, ARG_C[ar], fl, mask_c(m), cstr(src)))
    w("};")
    w("")
    w("const sbp__cat_version sbp__cat_versions[SBP__CAT_NVERSIONS] = {")
    for i, (label, num, fl) in enumerate(VERSIONS):
        o_name = "ops_%d" % i if i in ops else None
        f_name = "filters_%d" % i if i in filters else None
        w("  {0x%06xu, %s, %d, %s, %d, %s, %d}," % (
            num, cstr(label), fl, "NULL" if o_name is None else o_name,
            len(ops.get(i, [])), "NULL" if f_name is None else f_name, len(filters.get(i, []))))
    w("};")
    w("")
    counts = [
        ("sbp__cat_ncategories", len(cat_names)), ("sbp__cat_nopmodifiers", len(mod_names)),
        ("sbp__cat_nopnames", len(names_sorted)), ("sbp__cat_naliases", len(alias_rows)),
        ("sbp__cat_nconstants", len(const_rows)), ("sbp__cat_nmodifiers", len(mod_rows)),
        ("sbp__cat_nconstant_names", len(cnames)),
    ]
    for name, n in counts:
        w("const size_t %s = %d;" % (name, n))
    text = "\n".join(o) + "\n"
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
