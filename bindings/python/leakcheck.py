#!/usr/bin/env python3
"""Memory-flatness check of the Python binding (not a unit test).

Loops N times (default 10,000) over profile creation and checks: build the configd profile,
check and assert it, serialize it, read a profile that lacks it, see the assertion fail,
explain, and release everything. Prints the resident set size every N/10 iterations; a flat
column means nothing leaks. --no-close drops the objects without close() so that the
finalizers free them.

    SBPROFILE_LIB=build/libsbprofile.so python3 bindings/python/leakcheck.py [N] [--no-close]
"""

import ctypes
import gc
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sbprofile  # noqa: E402

CONFIGD = "com.apple.SystemConfiguration.configd"
LACKS = ('(version 1)\n(deny default)\n(allow mach-lookup (global-name "com.apple.cfprefsd.daemon"))\n'
         '(allow file-read* (subpath (param "ROOT")))\n')


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                "usmblks", "fsmblks", "uordblks", "fordblks",
                                                "keepcost")]


def c_heap_kib():
    """The C heap in use (glibc's mallinfo2), where the library's memory lives; None
    without glibc."""
    try:
        fn = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = _MallInfo2
    fn.argtypes = []
    m = fn()
    return (m.uordblks + m.hblkhd) // 1024


def once(close):
    p = sbprofile.Profile(version=1)
    p.add_default("deny")
    p.add_mach_lookup("allow", CONFIGD)
    p.add_file("allow", ["read", "write"], "/tmp/w")
    assert p.check("mach-lookup", CONFIGD).allowed
    p.assert_allows("mach-lookup", CONFIGD)
    text = p.serialize()
    q = sbprofile.Profile.from_text(LACKS, file="lacks.sb", params={"ROOT": "/w"})
    d = q.check("mach-lookup", CONFIGD)
    assert d.denied and d.position.line == 2
    try:
        q.assert_allows("mach-lookup", CONFIGD)
        raise RuntimeError("the assertion did not fail")
    except AssertionError as e:
        assert "lacks.sb:2:1" in str(e)
    q.explain("file-read-data", "/w/x", signing_identifier="com.x")
    with q.decider(macos="10.15") as dec:
        dec.check("file-read-data", "/w/x")
    try:
        p.add_file("allow", "read", "/a/../b")
    except sbprofile.InvalidArgumentError:
        pass
    if close:
        p.close()
        q.close()
    return len(text)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10000
    close = "--no-close" not in sys.argv
    step = max(n // 10, 1)
    print(f"python binding, {n} iterations, {'close()' if close else 'finalizers'}; "
          f"library {sbprofile.library_path()}")
    for i in range(1, n + 1):
        once(close)
        if i == 1 or i % step == 0:
            gc.collect()
            heap = c_heap_kib()
            print(f"  {i:6d}  rss {rss_kib():7d} KiB  C heap in use "
                  f"{'?' if heap is None else f'{heap:7d}'} KiB", flush=True)


if __name__ == "__main__":
    main()
