#!/usr/bin/env python3
"""Checks lib/ against the layers of docs/architecture.md.

Reads the layer table (the rows between the markers <!-- layers --> and <!-- /layers -->)
and the known exceptions (between <!-- exceptions --> and <!-- /exceptions -->), then:
  - every lib/*.c and lib/*.h is in exactly one layer;
  - an #include "x.h" of a lib header never reaches a higher layer;
  - the include graph between modules (x.c and x.h are one module) has no circle;
  - no .c file declares another file's sbp__ function by hand.
Including a header counts as a dependency on its module and on every file that defines a
function the header declares: a header that declares the functions of several files (as
eval.h once did) cannot hide a call that runs back up or round in a circle.
An exception is an edge "a -> b" between modules (a dependency up a layer) or a circle
"circle `a, b, c`" (the exact set of modules that depend on each other round); the check
accepts exactly the listed ones and fails on a listed one that no longer occurs, so the
list stays true.
Usage: check-layers.py [SOURCE_DIR]: exit 0 clean, 1 violations.
       check-layers.py --self-test [SOURCE_DIR]: plants each kind of violation in a copy of
       lib/ and docs/architecture.md and checks that every one is caught (exit 0 when so).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def self_test(src):
    """Each case: (file to change, text to add, a message the check must print)."""
    cases = [
        ("alloc.c", '#include "eval.h"\n', "depends on eval.h of the higher layer"),
        ("rule_text.h", '#include "lint_result.h"\n', "depends on lint_result.h of the higher layer"),
        ("serializer.c", 'int sbp__rule_where(void);\n', "declares sbp__rule_where by hand"),
        ("lint_result.h", '#include "lint.h"\n', "circle between modules: lint,"),
    ]
    failed = 0
    for f, add, want in cases:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(src, "lib"), os.path.join(tmp, "lib"))
            os.makedirs(os.path.join(tmp, "docs"))
            shutil.copy(os.path.join(src, "docs", "architecture.md"), os.path.join(tmp, "docs"))
            if f == "lint_result.h":  # lint.h stands for a header of lint.c
                open(os.path.join(tmp, "lib", "lint.h"), "w").write("int sbp__lint_x(void);\n")
                with open(os.path.join(tmp, "lib", "lint.c"), "a") as fh:
                    fh.write("int sbp__lint_x(void) { return 0; }\n")
                doc = open(os.path.join(tmp, "docs", "architecture.md")).read()
                doc = doc.replace("`lint.c`", "`lint.c`, `lint.h`", 1)
                open(os.path.join(tmp, "docs", "architecture.md"), "w").write(doc)
            path = os.path.join(tmp, "lib", f)
            text = open(path).read()
            open(path, "w").write(add + text)
            r = subprocess.run([sys.executable, os.path.abspath(__file__), tmp],
                               capture_output=True, text=True)
            if r.returncode != 1 or want not in r.stdout:
                print("self-test: %s with %r: want exit 1 and %r, got %d:\n%s"
                      % (f, add.strip(), want, r.returncode, r.stdout))
                failed = 1
    clean = subprocess.run([sys.executable, os.path.abspath(__file__), src],
                           capture_output=True, text=True)
    if clean.returncode != 0:
        print("self-test: the tree itself does not pass:\n" + clean.stdout)
        failed = 1
    sys.exit(failed)


args = sys.argv[1:]
if args and args[0] == "--self-test":
    self_test(os.path.abspath(args[1] if len(args) > 1 else os.path.join(os.path.dirname(__file__), "..")))
root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
lib = os.path.join(root, "lib")
doc = open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8").read()
problems = []


def section(name):
    m = re.search(r"<!-- %s -->(.*?)<!-- /%s -->" % (name, name), doc, re.S)
    if m is None:
        sys.exit("check-layers: docs/architecture.md has no <!-- %s --> section" % name)
    return m.group(1)


# Layer rows: | N | name | `a.c`, `a.h`, ... |
layer_of = {}
for row in section("layers").splitlines():
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    if len(cells) < 3 or not cells[0].isdigit():
        continue
    for f in re.findall(r"`([^`]+)`", cells[2]):
        if f in layer_of:
            problems.append("%s is listed in two layers" % f)
        layer_of[f] = int(cells[0])

exc_edges, exc_circles = set(), set()
for line in section("exceptions").splitlines():
    m = re.search(r"circle `([\w, ]+)`", line)
    if m:
        exc_circles.add(frozenset(x.strip() for x in m.group(1).split(",")))
    m = re.search(r"`([\w.]+) -> ([\w.]+)`", line)
    if m:
        exc_edges.add((m.group(1), m.group(2)))

files = sorted(f for f in os.listdir(lib) if f.endswith((".c", ".h")))
for f in files:
    if f not in layer_of:
        problems.append("lib/%s is in no layer of docs/architecture.md" % f)
for f in layer_of:
    if f not in files:
        problems.append("docs/architecture.md lists %s, which lib/ does not have" % f)


def module(f):
    return f.rsplit(".", 1)[0]


text = {f: open(os.path.join(lib, f), encoding="utf-8", errors="replace").read() for f in files}

# Which .c defines each sbp__ function, and which functions each header declares.
fn_def = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(sbp__\w+)\s*\([^;{]*\)\s*\{", re.M)
fn_decl = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(sbp__\w+)\s*\([^;{]*\)\s*(?:SBP__\w+\([^)]*\)\s*)?;", re.M)
defined_in = {}
for f in files:
    if f.endswith(".c"):
        for name in fn_def.findall(text[f]):
            defined_in.setdefault(name, set()).add(f)
definers = {}  # header -> the .c files whose functions it declares
for f in files:
    for name in fn_decl.findall(text[f]):
        where = defined_in.get(name, set())
        if f.endswith(".c"):
            if f not in where:
                problems.append("lib/%s declares %s by hand: include the header of %s"
                                % (f, name, ", ".join(sorted(where)) or "its file"))
        else:
            definers.setdefault(f, set()).update(where)

inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
edges = {}  # module -> set of modules
seen_edges = set()
for f in files:
    for h in inc_re.findall(text[f]):
        if h not in text:  # public headers (sbprofile/...) are the API, not a module
            continue
        for g in [h] + sorted(definers.get(h, ())):
            a, b = module(f), module(g)
            if a == b:
                continue
            edges.setdefault(a, set()).add(b)
            if f in layer_of and g in layer_of and layer_of[g] > layer_of[f]:
                if (a, b) in exc_edges:
                    seen_edges.add((a, b))
                else:
                    problems.append("lib/%s (layer %d) depends on %s of the higher layer %d%s"
                                    % (f, layer_of[f], g, layer_of[g],
                                       "" if g == h else " (through %s)" % h))

# Circles: the strongly connected components of more than one module (Tarjan).
index, low, on, stk, comps = {}, {}, set(), [], []


def strong(v):
    index[v] = low[v] = len(index)
    stk.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stk.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            comps.append(frozenset(comp))


for m in sorted(edges):
    if m not in index:
        strong(m)
seen_circles = set()
for comp in comps:
    if comp in exc_circles:
        seen_circles.add(comp)
    else:
        problems.append("circle between modules: " + ", ".join(sorted(comp)))

for c in sorted(exc_circles - seen_circles, key=sorted):
    problems.append("known circle %s is not one any more: update docs/architecture.md"
                    % ", ".join(sorted(c)))
for e in sorted(exc_edges - seen_edges):
    problems.append("known exception %s -> %s no longer occurs: remove it from docs/architecture.md" % e)

for p in problems:
    print("check-layers: " + p)
sys.exit(1 if problems else 0)
