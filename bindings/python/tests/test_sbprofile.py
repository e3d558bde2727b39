"""Tests of the Python binding: python3 -m unittest discover -s tests (from bindings/python).

The library comes from $SBPROFILE_LIB (ctest sets it), next to the package, or the system's
library path. Without a loadable library (a static build) the run fails with the reason.
"""

import ctypes
import gc
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
import weakref

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import sbprofile  # noqa: E402
from sbprofile import _ffi  # noqa: E402

try:
    sbprofile.version()
    SKIP = None
except sbprofile.LibraryNotFound as e:  # e.g. a static build
    SKIP = str(e)

CONFIGD = "com.apple.SystemConfiguration.configd"

LACKS_CONFIGD = textwrap.dedent("""\
    (version 1)
    (deny default)
    (allow mach-lookup (global-name "com.apple.cfprefsd.daemon"))
    (allow file-read* (subpath "/usr/lib"))
""")


def setUpModule():
    # Nothing run is not a pass: without the library the run fails (an error in the module's
    # set-up). ctest, which knows why a build cannot load it, reads the first line and reports
    # the test as skipped instead.
    if SKIP:
        print(f"sbprofile binding tests skipped: {SKIP}", file=sys.stderr)
        raise RuntimeError(f"the sbprofile library could not be loaded: {SKIP}")


def configd_profile():
    p = sbprofile.Profile(version=1)
    p.add_default("deny")
    p.add_mach_lookup("allow", CONFIGD)
    return p


class TestEmptyProfile(unittest.TestCase):
    def test_check_on_a_profile_without_rules(self):
        # len() is 0, so the profile is falsy: it must still be the live profile.
        p = sbprofile.Profile(version=1)
        self.assertEqual(len(p), 0)
        d = p.check("file-read-data", "/x")
        self.assertEqual(d.result, "unknown")  # no default rule
        p.add_default("deny")
        self.assertEqual(p.check("file-read-data", "/x").result, "deny")


class TestTypeStub(unittest.TestCase):
    """sbprofile/__init__.pyi declares what the package has: every exported name, and every
    public method and property of the exported classes (a stub that falls behind the code
    would hide new calls from type checkers)."""

    def test_stub_covers_the_package(self):
        import ast
        import inspect
        path = os.path.join(os.path.dirname(sbprofile.__file__), "__init__.pyi")
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        top, members = set(), {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                top.add(node.name)
            elif isinstance(node, ast.ImportFrom):
                top.update(a.asname or a.name for a in node.names)
            if isinstance(node, ast.ClassDef):
                names = set()
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        names.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        names.add(item.target.id)
                    elif isinstance(item, ast.Assign):
                        names.update(t.id for t in item.targets if isinstance(t, ast.Name))
                members[node.name] = names
        for name in sbprofile.__all__:
            self.assertIn(name, top, f"{name} is not declared in __init__.pyi")
            obj = getattr(sbprofile, name)
            if not inspect.isclass(obj) or obj.__module__ != "sbprofile":
                continue
            declared = set(members.get(name, ()))
            for base in obj.__mro__[1:]:
                declared |= members.get(base.__name__, set())
            for attr in vars(obj):
                if attr.startswith("_") and attr != "__init__":
                    continue
                if name in ("Position", "Diagnostic") or attr in ("evaluated",):
                    continue
                self.assertIn(attr, declared, f"{name}.{attr} is not declared in __init__.pyi")


class TestLibrary(unittest.TestCase):
    def test_version_and_path(self):
        self.assertRegex(sbprofile.version(), r"^\d+\.\d+\.\d+")
        self.assertTrue(os.path.exists(sbprofile.library_path()) or
                        not os.path.isabs(sbprofile.library_path()))

    def test_error_struct_matches_the_library(self):
        # sbp_error_clear() memsets sizeof(sbp_error) bytes: a larger C struct would clear
        # past ours, a smaller one would leave our tail untouched.
        size = ctypes.sizeof(_ffi.sbp_error)
        raw = (ctypes.c_ubyte * (size + 64))(*([0xAA] * (size + 64)))
        sbprofile.lib().sbp_error_clear(ctypes.cast(raw, ctypes.POINTER(_ffi.sbp_error)))
        self.assertEqual(bytes(raw[size:]), b"\xaa" * 64)
        self.assertEqual(bytes(raw[4:size]), b"\0" * (size - 4))
        self.assertEqual(_ffi.sbp_error.from_buffer(raw).version, 1)

    def _load_in_child(self, lib):
        env = dict(os.environ, SBPROFILE_LIB=lib)
        code = "import sbprofile\ntry:\n sbprofile.version()\nexcept sbprofile.LibraryNotFound as e:\n print('LNF', e)"
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, cwd=os.path.dirname(HERE)).stdout

    def test_missing_library_is_reported(self):
        out = self._load_in_child("/nonexistent/libsbprofile.so")
        self.assertIn("LNF cannot load the sbprofile shared library", out)
        self.assertIn("/nonexistent/libsbprofile.so", out)

    def test_static_library_is_refused(self):
        out = self._load_in_child("/x/libsbprofile.a")
        self.assertIn("is a static library", out)


class TestBuilder(unittest.TestCase):
    def test_configd_built_serialized(self):
        with configd_profile() as p:
            self.assertEqual(p.version, 1)
            self.assertEqual(len(p), 2)
            self.assertEqual(p.serialize(), '(version 1)\n(deny default)\n(allow mach-lookup\n'
                             f'  (global-name "{CONFIGD}"))\n')
            self.assertEqual(p.serialize(compact=True),
                             f'(version 1)\n(deny default)\n(allow mach-lookup (global-name "{CONFIGD}"))\n')
            self.assertEqual(str(p), p.serialize())

    def test_typed_conveniences(self):
        with sbprofile.Profile(version=1) as p:
            p.add_file("allow", ["read", "write"], "/tmp/w")
            p.add_file("deny", sbprofile.FileAccess.WRITE, "/tmp/w/.git", match="prefix")
            p.add_network("allow", "outbound", "remote", "tcp", "localhost", 8080)
            p.add_unix_socket("allow", "/private/var/run/syslog")
            p.add_mach_lookup("allow", ["com.a", "com.b"])
            p.add_process_exec("allow", "/bin/sh")
            p.add_process_fork("allow")
            p.add_signal("allow", "self")
            p.add_sysctl_read("allow", "kern.", match="prefix")
            p.add_iokit_open("allow", "IOSurfaceRootUserClient")
            p.add_ipc_posix("allow", "shm", "apple.shm.notification_center")
            p.add_preference("allow", "read", "com.apple.x")
            p.add_system_socket("allow", 1, 1)
            self.assertEqual(p.serialize(compact=True), textwrap.dedent("""\
                (version 1)
                (allow file-read* file-write* (subpath "/tmp/w"))
                (deny file-write* (prefix "/tmp/w/.git"))
                (allow network-outbound (remote tcp "localhost:8080"))
                (allow network-outbound (literal "/private/var/run/syslog"))
                (allow mach-lookup (global-name "com.a" "com.b"))
                (allow process-exec* (literal "/bin/sh"))
                (allow process-fork)
                (allow signal (target self))
                (allow sysctl-read (sysctl-name-prefix "kern."))
                (allow iokit-open (iokit-registry-entry-class "IOSurfaceRootUserClient"))
                (allow ipc-posix-shm* (ipc-posix-name "apple.shm.notification_center"))
                (allow user-preference-read (preference-domain "com.apple.x"))
                (allow system-socket (require-all (socket-domain AF_UNIX) (socket-type SOCK_STREAM)))
                """))

    def test_generic_rules_and_values(self):
        with sbprofile.Profile() as p:
            r = p.allow("file-read*", "file-write*")
            r.comment = "workspace"
            r.add_filter("subpath", sbprofile.Concat(sbprofile.Param("HOME"), "/w"))
            r.add_require("not", ("literal", "/w/secret"))
            r.add_filter("regex", sbprofile.Regex(r"^/tmp/[a-z]+$"))
            r.add_modifier("report")
            q = p.deny("network*")
            q.add_filter("remote", sbprofile.NetAddr("ip", "*", sbprofile.PORT_ANY))
            s = p.allow("system-socket")
            s.add_filter("socket-domain", sbprofile.Constant("AF_INET"))
            s.add_filter("socket-protocol", 17)
            self.assertEqual(p.serialize(compact=True), textwrap.dedent("""\
                ; workspace
                (allow file-read* file-write* (subpath (string-append (param "HOME") "/w")) (require-not (literal "/w/secret")) (regex #"^/tmp/[a-z]+$") (with report))
                (deny network* (remote ip "*:*"))
                (allow system-socket (socket-domain AF_INET) (socket-protocol 17))
                """))
            self.assertEqual(r.action, "allow")
            self.assertEqual(r.comment, "workspace")
            self.assertEqual(r.operations, ["file-read*", "file-write*"])
            self.assertEqual([f.type for f in r.filters], ["filter", "require-not", "filter"])
            self.assertEqual([m.text for m in r.modifiers], ["report"])
            concat = r.filters[0].children[0]
            self.assertEqual(concat.kind, "concat")
            self.assertEqual(concat.value, [sbprofile.Param("HOME"), "/w"])
            self.assertIsInstance(concat.value[0], sbprofile.Param)
            self.assertIsInstance(r.filters[2].children[0].value, sbprofile.Regex)
            self.assertEqual(s.filters[1].children[0].value, 17)
            self.assertEqual(r.filters[0].parent, r)
            r.action = "deny"
            self.assertTrue(p.serialize(compact=True, comments=False).startswith("(deny file-read*"))
            q.unlink()
            self.assertEqual(len(p), 2)

    def test_invalid_arguments_raise_with_code_and_message(self):
        with sbprofile.Profile() as p:
            with self.assertRaises(sbprofile.InvalidArgumentError) as cm:
                p.add_file("allow", "read", "/a/../b")
            e = cm.exception
            self.assertIsInstance(e, ValueError)
            self.assertEqual(e.code, -2)
            self.assertEqual(e.name, "SBP_E_INVALID_ARG")
            self.assertEqual(e.message, 'path: "/a/../b" contains a .. component')
            self.assertEqual(str(e), 'path: "/a/../b" contains a .. component (SBP_E_INVALID_ARG)')
            with self.assertRaises(sbprofile.InvalidArgumentError):
                p.add_network("allow", "outbound", "remote", "tcp", "example.com", 80)
            with self.assertRaises(ValueError):
                p.add_default("permit")
            with self.assertRaises(sbprofile.InvalidArgumentError):
                p.allow("not a symbol")
            self.assertEqual(len(p), 0)  # failed calls leave the profile unchanged

    def test_copy_and_equality(self):
        with configd_profile() as p, p.copy() as q:
            self.assertEqual(p, q)
            q.add_process_fork("allow")
            self.assertNotEqual(p, q)


class TestReader(unittest.TestCase):
    def test_params(self):
        text = '(version 1)\n(deny default)\n(allow file-read* (subpath (param "ROOT")))\n'
        with sbprofile.Profile.from_text(text, file="p.sb", params={"ROOT": "/w"}) as p:
            self.assertEqual(p.serialize(compact=True),
                             '(version 1)\n(deny default)\n(allow file-read* (subpath "/w"))\n')
            self.assertEqual(p.rules[1].position, sbprofile.Position("p.sb", 3, 1))
        with sbprofile.read(text, symbolic_params=True) as p:
            self.assertIn('(subpath (param "ROOT"))', p.serialize(compact=True))

    def test_file_and_import_dirs(self):
        with tempfile.TemporaryDirectory() as d:
            lib = os.path.join(d, "lib")
            os.mkdir(lib)
            with open(os.path.join(lib, "common.sb"), "w") as f:
                f.write('(allow mach-lookup (global-name "com.apple.SystemConfiguration.configd"))\n')
            main = os.path.join(d, "main.sb")
            with open(main, "w") as f:
                f.write('(version 1)\n(deny default)\n(import "common.sb")\n')
            with sbprofile.Profile.from_file(main, import_dirs=[lib]) as p:
                self.assertEqual(len(p), 2)
                self.assertEqual(p.rules[1].position.file, os.path.join(lib, "common.sb"))
                p.assert_allows("mach-lookup", CONFIGD)
            with self.assertRaises(sbprofile.Error) as cm:
                sbprofile.read_file(main)
            self.assertIn("common.sb", cm.exception.message)
            self.assertEqual(cm.exception.line, 3)
            with sbprofile.read_file(main, keep_unresolved_imports=True) as p:
                self.assertEqual(p.items[1].type, "import")
                # the missing file could allow configd: the answer is unknown, and says why
                d = p.check("mach-lookup", CONFIGD)
                self.assertEqual(d.result, "unknown")
                self.assertIn("missing-import", d.flags)
                self.assertEqual(d.missing_import, "common.sb")

    def test_request_paths_resolved(self):
        with sbprofile.read('(version 1)\n(deny default)\n'
                            '(allow file-write* (subpath "/Users/me/src/proj"))\n') as p:
            self.assertEqual(p.check("file-write-data",
                                     "/Users/me/src/proj/../../../../etc/passwd").result, "deny")
            self.assertEqual(p.check("file-write-data", "/Users/me//src/./proj/x").result, "allow")
            with self.assertRaises(sbprofile.Error) as cm:
                p.check("file-write-data", "etc/passwd")
            self.assertIn("not an absolute path", cm.exception.message)

    def test_errors_carry_positions(self):
        with self.assertRaises(sbprofile.SBPLSyntaxError) as cm:
            sbprofile.read("(version 1)\n(allow foo", file="bad.sb")
        e = cm.exception
        self.assertEqual((e.code, e.file, e.line, e.column), (-3, "bad.sb", 2, 1))
        self.assertEqual(e.message, "syntax error: expecting ')'")
        self.assertEqual(str(e), "bad.sb:2:1: syntax error: expecting ')' (SBP_E_SYNTAX)")
        with self.assertRaises(sbprofile.EvalError) as cm:
            sbprofile.read("(version 1)\n(allow file-read* (subpath x))\n", file="u.sb")
        self.assertEqual(cm.exception.message, "unbound variable: x")
        self.assertEqual(cm.exception.position, sbprofile.Position("u.sb", 2, 28))
        with self.assertRaises(FileNotFoundError):
            sbprofile.read_file("/nonexistent.sb")


class TestDecisions(unittest.TestCase):
    def test_configd_built_allows(self):
        with configd_profile() as p:
            d = p.check("mach-lookup", CONFIGD)
            self.assertEqual(d.result, "allow")
            self.assertTrue(d.allowed)
            self.assertEqual(d.rule_text, f'(allow mach-lookup (global-name "{CONFIGD}"))')
            self.assertEqual(d.rule_index, 1)
            self.assertIsNone(d.position)  # built, not read: no source position
            self.assertEqual(d.step, "filtered rule")
            self.assertEqual(d.operation, "mach-lookup")
            msg = p.assert_allows("mach-lookup", CONFIGD)
            self.assertEqual(msg, f'mach-lookup global-name="{CONFIGD}": allow by (allow '
                             f'mach-lookup (global-name "{CONFIGD}")) at rule #2 (no source '
                             'position) [filtered rule]')
            self.assertRaises(AssertionError, p.assert_denies, "mach-lookup", CONFIGD)

    def test_configd_read_lacking_fails_with_position(self):
        with sbprofile.read(LACKS_CONFIGD, file="lacks.sb") as p:
            d = p.check("mach-lookup", CONFIGD)
            self.assertEqual(d.result, "deny")
            self.assertEqual(d.rule_text, "(deny default)")
            self.assertEqual(d.position, sbprofile.Position("lacks.sb", 2, 1))
            self.assertEqual(d.rule_index, 0)
            with self.assertRaises(AssertionError) as cm:
                p.assert_allows("mach-lookup", CONFIGD)
            e = cm.exception
            self.assertIsInstance(e, sbprofile.ProfileAssertionError)
            self.assertEqual(str(e), f'expected allow for mach-lookup global-name="{CONFIGD}", '
                             'got deny by (deny default) at lacks.sb:2:1 [default rule]')
            self.assertEqual((e.file, e.line, e.column), ("lacks.sb", 2, 1))
            p.assert_denies("mach-lookup", CONFIGD)

    def test_decider_follows_changes(self):
        with sbprofile.Profile(version=1) as p:
            p.add_default("deny")
            self.assertEqual(p.check("file-read-data", "/usr/lib/x").result, "deny")
            p.add_file("allow", "read", "/usr/lib")
            self.assertEqual(p.check("file-read-data", "/usr/lib/x").result, "allow")
            rule = p.check("file-read-data", "/usr/lib/x").rule
            rule.action = "deny"
            self.assertEqual(p.check("file-read-data", "/usr/lib/x").result, "deny")

    def test_attributes_and_unknown(self):
        text = LACKS_CONFIGD + '(deny file-read* (literal "/usr/lib/x"))\n' \
            '(allow file-read* (signing-identifier "com.x"))\n'
        with sbprofile.read(text, file="p.sb") as p:
            d = p.check("file-read-data", "/usr/lib/x")
            self.assertEqual(d.result, "unknown")
            self.assertEqual(d.missing_attr, "signing-identifier")
            self.assertEqual(d.skipped_rule.position.line, 6)
            self.assertIn("missing-attribute", d.flags)
            p.assert_unknown("file-read-data", "/usr/lib/x")
            self.assertEqual(p.check("file-read-data", "/usr/lib/x",
                                     signing_identifier="com.y").result, "deny")
            self.assertEqual(p.check("file-read-data", "/usr/lib/x",
                                     signing_identifier="com.x").result, "allow")
            with sbprofile.Request("file-read-data", "/usr/lib/x", signing_identifier="com.y") as r:
                self.assertEqual(str(r), 'file-read-data path="/usr/lib/x" signing-identifier="com.y"')
                self.assertTrue(p.check(r).denied)

    def test_network_requests(self):
        with sbprofile.Profile(version=1) as p:
            p.add_default("deny")
            p.add_network("allow", "outbound", "remote", "tcp", "localhost", 8080)
            self.assertTrue(p.check("network-outbound", "tcp:localhost:8080").allowed)
            self.assertTrue(p.check("network-outbound", remote=("tcp4", "127.0.0.1", 8080)).allowed)
            self.assertTrue(p.check("network-outbound", remote="tcp4:127.0.0.1:9").denied)

    def test_explain(self):
        with sbprofile.read(LACKS_CONFIGD, file="lacks.sb") as p:
            text = p.explain("mach-lookup", CONFIGD)
            self.assertIn(f'request: mach-lookup global-name="{CONFIGD}"', text)
            self.assertIn("lacks.sb:2:1", text)
            self.assertIn("decision: deny", text)

    def test_structural_assertions(self):
        with sbprofile.read(LACKS_CONFIGD, file="lacks.sb") as p:
            self.assertEqual(p.assert_has_rule("allow", "file-read*", "subpath", "/usr/lib"),
                             'found (allow file-read* (subpath "/usr/lib")) at lacks.sb:4:1')
            with self.assertRaises(AssertionError) as cm:
                p.assert_has_rule("allow", "mach-lookup", "global-name", CONFIGD)
            self.assertEqual(str(cm.exception),
                             f'no (allow mach-lookup (global-name "{CONFIGD}")) rule')
            p.assert_has_rule("deny", "default")
            self.assertEqual(p.rules_mentioning("/usr/lib"),
                             ['lacks.sb:4:1: (allow file-read* (subpath "/usr/lib"))'])

    def test_macos_option(self):
        with configd_profile() as p:
            with p.decider(macos="10.15", canonical_paths=True) as d:
                self.assertTrue(d.check("mach-lookup", CONFIGD).allowed)
            d = p.decider()
            d.close()
            with self.assertRaisesRegex(ValueError, "the decider is closed"):
                d.check("mach-lookup", CONFIGD)
            with self.assertRaises(sbprofile.SBPLSyntaxError):
                p.decider(macos="fourteen")
            # A version without a catalog of its own uses the newest before it, as --macos does.
            with sbprofile.Profile.from_text("(version 1)(deny default)", macos="14.0") as q:
                self.assertEqual(q.check("file-read-data", "/x").result, "deny")
            sg = sbprofile.suggest("Sandbox: cat(42) deny(1) file-read-data /etc/x\n",
                                   profile="(version 1)(deny default)", macos="15")
            self.assertEqual(sg.requests[0].status, "new-rule")
            with self.assertRaises(sbprofile.NotFoundError):
                p.decider(macos="10.4")


LINTED = textwrap.dedent("""\
    (version 1)
    (deny default)
    (allow file-read* (subpath "/usr/lib"))
    (allow file-read* (subpath "/usr/lib"))
    (allow mach-lookup)
""")


class TestLint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not sbprofile.lib().has("sbp_lint_text"):
            raise unittest.SkipTest("the library has no linter (include/sbprofile/lint.h)")

    def test_text(self):
        r = sbprofile.lint(LINTED, file="l.sb")
        self.assertTrue(r.evaluated)
        self.assertEqual([(d.code, d.severity, d.position) for d in r], [
            ("duplicate-rule", "warning", sbprofile.Position("l.sb", 4, 1)),
            ("broad-grant", "note", sbprofile.Position("l.sb", 5, 1))])
        self.assertEqual(str(r[0]), "l.sb:4:1: warning: duplicate rule: it repeats the rule at "
                         "l.sb:3:1 [duplicate-rule]")
        self.assertEqual([d.code for d in r.at_least("warning")], ["duplicate-rule"])
        self.assertEqual([d.code for d in sbprofile.lint(LINTED, notes=False)],
                         ["duplicate-rule"])

    def test_unreadable_text_is_a_diagnostic(self):
        r = sbprofile.lint("(allow foo", file="b.sb")
        self.assertFalse(r.evaluated)
        self.assertEqual(r, [sbprofile.Diagnostic("syntax-error", "error",
                                                  "syntax error: expecting ')'", None,
                                                  sbprofile.Position("b.sb", 1, 1))])

    def test_params_and_fixes(self):
        text = '(version 1)\n(deny default)\n(allow file-read* (subpath (param "H")))\n'
        self.assertEqual(sbprofile.lint(text), [])  # symbolic parameter: nothing to say
        (d,) = sbprofile.lint(text, params={"H": "/tmp/../x"})
        self.assertEqual((d.code, d.fix, d.position.line), ("unnormalized-path", '"/x"', 3))

    def test_built_profile(self):
        with sbprofile.Profile(version=1) as p:
            p.add_default("deny")
            p.allow("mach-lookup")
            p.allow("mach-lookup")
            (d,) = p.lint(notes=False)
            self.assertEqual((d.code, d.position), ("duplicate-rule", None))

    def test_checks(self):
        checks = sbprofile.lint_checks()
        self.assertEqual(checks[0], ("syntax-error", "error", "the text does not read as SBPL"))
        self.assertIn("shadowed-rule", [c[0] for c in checks])


class TestOwnership(unittest.TestCase):
    def test_with_closes(self):
        with configd_profile() as p:
            self.assertFalse(p.closed)
        self.assertTrue(p.closed)
        self.assertEqual(repr(p), "<sbprofile.Profile closed>")

    def test_close_is_idempotent_and_guards_use(self):
        p = configd_profile()
        rule = p.rules[1]
        d = p.decider()
        p.close()
        p.close()
        self.assertTrue(p.closed)
        for f in (lambda: p.version, lambda: rule.text, lambda: len(p), lambda: p.serialize(),
                  lambda: d.check("mach-lookup", CONFIGD), lambda: p.check("mach-lookup", CONFIGD)):
            with self.assertRaisesRegex(ValueError, "the profile is closed"):
                f()
        d.close()

    def test_nodes_and_deciders_keep_the_profile_alive(self):
        p = configd_profile()
        ref = weakref.ref(p)
        rule = p.rules[1]
        d = p.decider()
        del p
        gc.collect()
        self.assertIsNotNone(ref())
        self.assertEqual(rule.text, f'(allow mach-lookup (global-name "{CONFIGD}"))')
        self.assertTrue(d.check("mach-lookup", CONFIGD).allowed)
        del rule, d
        gc.collect()
        self.assertIsNone(ref())

    def test_decision_outlives_its_c_object(self):
        with configd_profile() as p:
            dec = p.check("mach-lookup", CONFIGD)
        self.assertEqual(dec.result, "allow")  # copied out
        self.assertIn("allow by", str(dec))
        with self.assertRaises(ValueError):
            dec.rule.text  # but its rule belongs to the closed profile

    def test_cycle_with_decider_is_freed(self):
        p = configd_profile()
        d = p.decider()
        p.cycle = d  # profile -> decider -> profile
        ref = weakref.ref(p)
        del p, d
        gc.collect()
        self.assertIsNone(ref())

    def test_checked_profile_is_freed_by_reference_counting(self):
        p = configd_profile()
        self.assertTrue(p.check("mach-lookup", CONFIGD).allowed)  # makes its own decider
        ref = weakref.ref(p)
        del p
        self.assertIsNone(ref())  # no reference cycle: freed without the cycle collector

    def test_request_lifetime(self):
        r = sbprofile.Request("mach-lookup", CONFIGD)
        r.close()
        r.close()
        with self.assertRaisesRegex(ValueError, "the request is closed"):
            r.describe()


UV_LOG = ("2025-11-03 10:12:01.123456+0100 0x1a2b Error 0x0 0 0 kernel: (Sandbox) "
          "Sandbox: uv(4242) deny(1) mach-lookup " + CONFIGD + "\n"
          "1 duplicate report for Sandbox: uv(4242) deny(1) mach-lookup " + CONFIGD + "\n"
          '{"eventMessage":"Sandbox: uv(4242) deny(1) file-read-data \\/tmp\\/x"}\n'
          "noise deny(1)\n")

AGENT = "(version 1)\n(deny default)\n(deny file-read* (subpath \"/private/tmp\"))\n"


class TestSuggest(unittest.TestCase):
    def test_parse_denials(self):
        log = sbprofile.parse_denials(UV_LOG)
        self.assertEqual(len(log), 3)
        d = log[0]
        self.assertEqual((d.form, d.action, d.process, d.pid, d.operation, d.target),
                         ("kernel", "deny", "uv", 4242, "mach-lookup", CONFIGD))
        self.assertEqual(log[1].repeats, 1)
        self.assertEqual((log[2].form, log[2].target), ("json", "/tmp/x"))
        self.assertEqual((log.lines, log.skipped), (4, 1))
        self.assertEqual(log.first_skipped[0], 4)
        self.assertEqual(len(sbprofile.parse_denials(b"\xff\xfe garbage")), 0)

    def test_suggest_rules_only(self):
        s = sbprofile.suggest(UV_LOG)
        self.assertIn('(allow mach-lookup (global-name "' + CONFIGD + '"))', s.text)
        self.assertIn("Attempted to create a NULL object", s.rules[1].note)
        self.assertEqual(s.rules[1].comment, "uv(4242): 2 denials")
        self.assertEqual(s.rules[0].text, '(allow file-read-data (literal "/private/tmp/x"))')
        self.assertIsNone(s.profile)
        self.assertFalse(s.checked)

    def test_suggest_against_profile(self):
        s = sbprofile.suggest(UV_LOG, profile=AGENT, file="agent.sb")
        self.assertTrue(s.checked)
        self.assertEqual((s.still_denied, s.other_changes), (0, 0))
        by_target = {r.target: r for r in s.requests}
        self.assertEqual(by_target["/tmp/x"].decided_at, "agent.sb:3:1")
        self.assertEqual(by_target[CONFIGD].decided_by, "(deny default)")
        self.assertEqual(by_target[CONFIGD].decision, "deny")
        patched = sbprofile.read(s.profile)
        self.assertTrue(patched.check("mach-lookup", CONFIGD).allowed)
        self.assertTrue(patched.check("file-read-data", "/private/tmp/x").allowed)

    def test_risky_needs_allow(self):
        log = "Sandbox: a(1) deny(1) file-read-data /Users/u/.ssh/id_rsa\n"
        s = sbprofile.suggest(log, profile=AGENT)
        self.assertEqual(s.risky[0].risk, "SSH keys")
        self.assertFalse(s.rules[0].applied)
        self.assertEqual(s.profile, AGENT)
        s = sbprofile.suggest(log, profile=AGENT, allow_risky=True)
        self.assertTrue(s.rules[0].applied)
        self.assertIn("/Users/u/.ssh/id_rsa", s.profile)

    def test_bad_profile(self):
        with self.assertRaises(sbprofile.EvalError):
            sbprofile.suggest(UV_LOG, profile="(version 1)\n(allow no-such-op)\n")


POLICY_FILES = os.path.join(HERE, "..", "..", "..", "tests", "data", "policy", "files")

AGENT_POLICY = {
    "version": 1,
    "read": {"deny": ["~/.ssh", "**/.env"]},
    "write": {"allow": ["."]},
    "network": {"ports": [{"port": 3128}]},
    "base": ["toolchain"],
}


class PolicyTest(unittest.TestCase):
    def test_from_dict_compiles_what_it_says(self):
        with sbprofile.Policy.from_dict(AGENT_POLICY, home="/Users/me", cwd="/Users/me/w") as pol, \
                pol.compile() as p:
            p.assert_denies("file-read-data", "/Users/me/.ssh/id_rsa")
            p.assert_denies("file-read-data", "/Users/me/w/sub/.env")
            p.assert_allows("file-read-data", "/Users/me/w/main.c")
            p.assert_allows("file-write-data", "/Users/me/w/main.c")
            p.assert_denies("file-write-data", "/Users/me/Documents/x")
            p.assert_allows("network-outbound", "tcp:localhost:3128")
            p.assert_denies("network-outbound", "tcp:localhost:8080")
            p.assert_allows("mach-lookup", CONFIGD)  # the toolchain base set
            self.assertIn("(deny default)", pol.to_sbpl())

    def test_methods_and_options(self):
        with sbprofile.Policy(home="/Users/me", cwd="/Users/me/w") as pol:
            pol.add_path("write-allow", "/private/tmp/x", match="subtree")
            pol.add_mach_service("com.example.*").set_option("pty", True)
            self.assertTrue(pol.option("pty"))
            self.assertFalse(pol.option("appleEvents"))
            with pol.compile() as p:
                p.assert_allows("file-write-data", "/private/tmp/x/y")
                p.assert_allows("mach-lookup", "com.example.helper")
                p.assert_denies("mach-lookup", CONFIGD)  # no base set

    def test_from_file(self):
        path = os.path.join(POLICY_FILES, "good-agent.json")
        with sbprofile.Policy.from_file(path) as pol, pol.compile() as p:
            p.assert_denies("file-read-data", "/Users/me/.aws/credentials")
            p.assert_allows("file-read-data", "/Users/me/.ssh/known_hosts")
            p.assert_allows("network-outbound", "tcp:localhost:1080")

    def test_errors_name_the_entry(self):
        with self.assertRaisesRegex(ValueError, "reed: unknown key"):
            sbprofile.Policy.from_dict({"version": 1, "reed": {}})
        with self.assertRaisesRegex(sbprofile.InvalidArgumentError, "secrets"):
            sbprofile.Policy.from_dict({"version": 1, "read": {"deny": ["secrets"]}})
        with self.assertRaisesRegex(sbprofile.InvalidArgumentError, "70000"):
            sbprofile.Policy.from_dict({"version": 1, "network": {"ports": [{"port": 70000}]}})
        with self.assertRaisesRegex(ValueError, "match"):
            sbprofile.Policy().add_path("read-deny", "/x", match="bogus")
        with self.assertRaisesRegex(ValueError, "the policy is closed"):
            pol = sbprofile.Policy()
            pol.close()
            pol.close()
            pol.set_home("/x")


SRT_DATA = os.path.join(HERE, "..", "..", "..", "tests", "data", "policy")
SRT_HOME, SRT_CWD = "/Users/alice", "/Users/alice/proj"
SRT_BASE = {"network": {"allowedDomains": [], "deniedDomains": [], "httpProxyPort": 3128,
                        "socksProxyPort": 1080},
            "filesystem": {"denyRead": [], "allowWrite": ["."], "denyWrite": []}}


def _srt(**changes):
    """SRT_BASE with keys replaced: network=..., or section__key=value."""
    d = json.loads(json.dumps(SRT_BASE))
    for k, v in changes.items():
        if "__" in k:
            section, key = k.split("__")
            d[section][key] = v
        else:
            d[k] = v
    return d


class SrtSettingsTest(unittest.TestCase):
    """Policy.from_srt_settings gives the profile, warnings and errors of the command."""

    def cli(self, path, *extra):
        """The command's (exit status, profile, warnings, error) for a settings file."""
        cli = os.environ.get("SBPROFILE_CLI")
        if not cli:
            self.skipTest("SBPROFILE_CLI is not set (ctest sets it to the built sbprofile)")
        r = subprocess.run([cli, "policy", "--srt-settings", path, "--home", SRT_HOME,
                            "--cwd", SRT_CWD, *extra], capture_output=True, text=True)
        if r.returncode == 69:
            self.skipTest("the command was built without jansson")
        # The settings' warnings; "sbprofile policy: warning: ..." are the compilation's.
        warned = [line.split(": warning: ", 1)[1] for line in r.stderr.splitlines()
                  if ": warning: " in line and not line.startswith("sbprofile policy:")]
        errors = [line.split(": error: ", 1)[1] for line in r.stderr.splitlines()
                  if ": error: " in line]
        return r.returncode, r.stdout, warned, errors[0] if errors else None

    def fixtures(self):
        names = sorted(f for f in os.listdir(os.path.join(SRT_DATA, "srt")) if f.endswith(".json"))
        self.assertGreaterEqual(len(names), 15)
        return [os.path.join(SRT_DATA, "srt", f) for f in names] + \
            [os.path.join(SRT_DATA, "cli", f) for f in ("unknown-keys.json", "no-proxy-port.json")]

    def test_every_fixture_gives_the_commands_profile(self):
        for path in self.fixtures():
            with self.subTest(os.path.basename(path)):
                status, text, warned, _ = self.cli(path)
                self.assertEqual(status, 0)
                got = []
                with sbprofile.Policy.from_srt_settings_file(path, home=SRT_HOME, cwd=SRT_CWD,
                                                             warn=got.append) as pol:
                    self.assertEqual(pol.to_sbpl(), text)
                self.assertEqual(got, warned)

    def test_without_comments(self):
        path = os.path.join(SRT_DATA, "srt", "read-carveout.json")
        _, text, _, _ = self.cli(path, "--no-comments")
        with sbprofile.Policy.from_srt_settings_file(path, home=SRT_HOME, cwd=SRT_CWD) as pol:
            pol.set_option("comments", False)
            self.assertEqual(pol.to_sbpl(), text)
            self.assertNotIn("srt base", text)

    def test_decisions(self):
        with sbprofile.Policy.from_srt_settings(_srt(filesystem__denyRead=["~/.ssh"]),
                                                home=SRT_HOME, cwd=SRT_CWD) as pol, \
                pol.compile() as p:
            p.assert_allows("mach-lookup", CONFIGD)
            p.assert_allows("mach-lookup", "com.apple.trustd.agent")
            p.assert_allows("file-write-data", SRT_CWD + "/a.c")
            p.assert_allows("file-write-data", SRT_HOME + "/.npm/_logs/x.log")
            p.assert_denies("file-read-data", SRT_HOME + "/.ssh/id_rsa")
            p.assert_allows("network-outbound", "tcp:localhost:3128")
            p.assert_denies("network-outbound", "tcp:localhost:8080")

    def test_add_srt_defaults(self):
        with sbprofile.Policy(home=SRT_HOME) as pol:
            pol.add_srt_defaults().add_srt_defaults()
            text = pol.to_sbpl()
            self.assertIn("; srt base: processes", text)
            self.assertIn('"com.apple.trustd.agent"', text)
        with sbprofile.Policy() as pol, \
                self.assertRaisesRegex(sbprofile.InvalidArgumentError, "without a home"):
            pol.add_srt_defaults()

    def test_errors_are_the_commands(self):
        cases = [
            [],
            {"filesystem": SRT_BASE["filesystem"]},
            _srt(network=[]),
            _srt(network__httpProxyPort=0),
            _srt(network__httpProxyPort="3128"),
            _srt(filesystem__denyRead=["~/.ssh", {"path": "~/.x", "literal": True}, 42]),
            _srt(filesystem__denyRead=["~/[z-a]"]),
            _srt(filesystem__allowWrite=[{"path": "/x", "literal": False}]),
            _srt(filesystem__disabled="no"),
            _srt(network__allowUnixSockets=[""]),
            _srt(network__allowMachLookup=["a*b"]),
            _srt(network__allowedDomains=[1]),
            _srt(credentials={"files": [{"path": "~/.netrc", "mode": "hide"}]}),
            _srt(credentials={"files": [{"path": ""}]}),
            _srt(allowPty="yes"),
            _srt(mandatoryDenySearchDepth=1.5),
            _srt(ignoreViolations=None),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            for i, settings in enumerate(cases):
                with self.subTest(i=i, settings=settings):
                    path = os.path.join(tmp, f"case{i}.json")
                    with open(path, "w", encoding="utf-8") as f:
                        json.dump(settings, f)
                    status, _, _, error = self.cli(path)
                    self.assertEqual(status, 65)
                    with self.assertRaises(ValueError) as caught:
                        sbprofile.Policy.from_srt_settings(settings, home=SRT_HOME, cwd=SRT_CWD)
                    e = caught.exception
                    self.assertEqual(getattr(e, "message", str(e)), error)

    def test_warnings_by_default(self):
        with self.assertWarnsRegex(UserWarning, "network.bogus: unknown key, ignored"), \
                sbprofile.Policy.from_srt_settings(_srt(network__bogus=1), home=SRT_HOME,
                                                   cwd=SRT_CWD):
            pass


if __name__ == "__main__":
    unittest.main()
