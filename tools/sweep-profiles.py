#!/usr/bin/env python3
"""Evaluate every complete system profile of a folder and check the round trip.

Usage: tools/sweep-profiles.py [--sbprofile PATH] [--macos VERSION] [-v] DIR...

A profile is complete when it says (version 1) and every (import "NAME") it makes is
found in one of the DIRs.  Each complete profile is flattened with every parameter it
reads set (-D KEY=/sweep/KEY), then the flattened text is flattened again and must come
out the same (serialize, evaluate again, equal profile).  One line per failure, then a
summary.  A profile that fails because it uses a name libsandbox does not define either
(the evaluator's error says so) is counted apart, not as a failure.  Exit status 0 when
every other complete profile passes, 1 otherwise.

This is for checking the evaluator against a folder of profiles one has on one's own
machine (for instance /System/Library/Sandbox/Profiles and /usr/share/sandbox); it is
not run by the test suite.
"""
import argparse
import os
import re
import subprocess
import sys

IMPORT_RE = re.compile(r'\(\s*import\s+"([^"]+)"')
PARAM_RE = re.compile(r'\(\s*param\s+"([^"]+)"')
VERSION_RE = re.compile(r'^\s*\(\s*version\s+1\s*\)', re.M)


def find_import(name, dirs):
    for d in dirs:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    return None


def closure(path, dirs, seen):
    """Every file the profile reads, itself first; None when an import is missing."""
    if path in seen:
        return []
    seen.add(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    files = [(path, text)]
    for name in IMPORT_RE.findall(text):
        found = find_import(name, dirs)
        if found is None:
            return None
        sub = closure(found, dirs, seen)
        if sub is None:
            return None
        files.extend(sub)
    return files


def run(cmd, data=None):
    p = subprocess.run(cmd, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace").strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbprofile", default="sbprofile")
    ap.add_argument("--macos", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()

    profiles = []
    for d in args.dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith(".sb"):
                profiles.append(os.path.join(d, name))

    counts = {"profiles": len(profiles), "complete": 0, "evaluated": 0, "round-trip": 0,
              "fail-as-libsandbox": 0, "incomplete": 0, "no-version": 0}
    failures = 0
    for path in profiles:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if not VERSION_RE.search(text):
            counts["no-version"] += 1
            continue
        files = closure(path, args.dirs, set())
        if files is None:
            counts["incomplete"] += 1
            if args.verbose:
                print(f"{path}: skipped: an import is missing")
            continue
        counts["complete"] += 1
        params = sorted({k for _, t in files for k in PARAM_RE.findall(t)})
        cmd = [args.sbprofile, "flatten"]
        if args.macos:
            cmd += ["--macos", args.macos]
        for d in args.dirs:
            cmd += ["-I", d]
        for k in params:
            cmd += ["-D", f"{k}=/sweep/{k}"]
        rc, out, err = run(cmd + [path])
        if rc != 0:
            first = err.splitlines()[0] if err else f"exit {rc}"
            if "libsandbox does not define it either" in first:
                counts["fail-as-libsandbox"] += 1
                print(f"{path}: fails as libsandbox does: {first}")
                continue
            failures += 1
            print(f"{path}: evaluate: {first}")
            continue
        counts["evaluated"] += 1
        again = [args.sbprofile, "flatten"] + (["--macos", args.macos] if args.macos else [])
        rc2, out2, err2 = run(again + ["-"], out)
        if rc2 != 0:
            failures += 1
            print(f"{path}: round trip: {err2.splitlines()[0] if err2 else f'exit {rc2}'}")
            continue
        if out2 != out:
            failures += 1
            print(f"{path}: round trip: the flattened profile changes when evaluated again")
            continue
        counts["round-trip"] += 1

    print("summary: " + ", ".join(f"{k} {v}" for k, v in counts.items()) +
          f", failures {failures}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
