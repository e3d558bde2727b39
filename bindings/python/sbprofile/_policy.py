"""Policies (sbprofile/policy.h): intent compiled into a complete deny-default profile.

A Policy is built with its methods, from a dict or a JSON policy file in the format of
docs/policy-file.md (the same keys `sbprofile policy --policy` reads), or from sandbox-runtime
settings (the keys `sbprofile policy --srt-settings` reads, docs/srt-settings.md). The data is
mapped onto the C API here, in Python: the library reads no JSON, so that it needs nothing but
libc.
"""

import json
import os
import warnings
from ctypes import byref

from . import _Closable, _ffi
from ._ffi import lib

_LISTS = {"read-deny": 1, "read-allow": 2, "write-allow": 3, "write-deny": 4, "exec": 5,
          "unix-socket": 6}
_MATCHES = {"auto": 0, "literal": 1, "subtree": 2, "glob": 3}
_ACCESS = {"outbound": 1, "bind": 2, "inbound": 4}
_OPTIONS = {"localBinding": 1, "allUnixSockets": 2, "pty": 3, "appleEvents": 4, "fork": 5,
            "signal": 6, "processInfo": 7, "comments": 8, "moveProtection": 9,
            "bothSpellings": 10, "foldLiterals": 11, "directoryMetadata": 12}


def _one_of(table, what, key):
    try:
        return table[key]
    except (KeyError, TypeError):
        raise ValueError(f"{what}: expected one of {', '.join(table)}, got {key!r}") from None


class Policy(_Closable):
    """A policy. Use it as a context manager, or call close(); the finalizer frees it
    otherwise. compile() gives a Profile; to_sbpl() its text."""

    def __init__(self, home=None, cwd=None):
        from . import _check, _require
        self._raw = None
        ptr = _ffi.PolicyP()
        err = _ffi.sbp_error()
        _check(_require("sbp_policy_new")(byref(ptr), None, byref(err)), err)
        self._raw = ptr
        if home is not None:
            self.set_home(home)
        if cwd is not None:
            self.set_cwd(cwd)

    # -- lifetime (enter, exit and the finalizer come from _Closable) --
    def close(self):
        if self._raw:
            lib().sbp_policy_free(self._raw)
            self._raw = None

    @property
    def _p(self):
        if not self._raw:
            raise ValueError("the policy is closed")
        return self._raw

    def _call(self, name, *args):
        from . import _check, _require
        err = _ffi.sbp_error()
        _check(_require(name)(self._p, *args, byref(err)), err)
        return self

    def _text_call(self, name, text, *rest):
        b, n = _ffi.text(text)
        return self._call(name, b, n, *rest)

    # -- building --
    def set_home(self, home):
        return self._text_call("sbp_policy_set_home", home)

    def set_cwd(self, cwd):
        return self._text_call("sbp_policy_set_cwd", cwd)

    def add_path(self, list_name, path, match="auto"):
        """Adds a path to a list: 'read-deny', 'read-allow', 'write-allow', 'write-deny',
        'exec' or 'unix-socket'; match is 'auto', 'literal', 'subtree' or 'glob'."""
        b, n = _ffi.text(path)
        return self._call("sbp_policy_add_path", _one_of(_LISTS, "list", list_name),
                          _one_of(_MATCHES, "match", match), b, n)

    def set_read_mode(self, mode):
        return self._call("sbp_policy_set_read_mode",
                          _one_of({"allow-all": 0, "deny-all": 1}, "read mode", mode))

    def set_write_mode(self, mode):
        return self._call("sbp_policy_set_write_mode",
                          _one_of({"deny-all": 0, "allow-all": 1}, "write mode", mode))

    def set_network(self, mode):
        return self._call("sbp_policy_set_network",
                          _one_of({"none": 0, "all": 1}, "network mode", mode))

    def add_port(self, port, access=("outbound",)):
        bits = 0
        for a in access:
            bits |= _one_of(_ACCESS, "access", a)
        return self._call("sbp_policy_add_localhost_port", int(port), bits)

    def add_mach_service(self, name):
        return self._text_call("sbp_policy_add_mach_service", name)

    def set_option(self, name, on=True):
        """An on/off option by its policy-file name: 'pty', 'comments', 'localBinding', ..."""
        return self._call("sbp_policy_set_option", _one_of(_OPTIONS, "option", name),
                          1 if on else 0)

    def option(self, name):
        from . import _require
        return bool(_require("sbp_policy_option_get")(self._p,
                                                      _one_of(_OPTIONS, "option", name)))

    def set_protection(self, name, on):
        b, n = _ffi.text(name)
        return self._call("sbp_policy_set_protection", b, n, 1 if on else 0)

    def set_settings_file(self, path):
        return self._text_call("sbp_policy_set_settings_file", path)

    def add_base_set(self, name):
        return self._text_call("sbp_policy_add_base_set", name)

    def add_base_entry(self, name):
        return self._text_call("sbp_policy_add_base_entry", name)

    def remove_base_entry(self, name):
        return self._text_call("sbp_policy_remove_base_entry", name)

    def add_srt_defaults(self):
        """What sandbox-runtime 0.0.83 grants every command on macOS: its default write
        paths, configd and trustd.agent, and its fixed grants right after (deny default)
        (sbp_policy_add_srt_defaults()). Call it after the read lists are complete."""
        return self._call("sbp_policy_add_srt_defaults")

    # -- output --
    def compile(self):
        """A new Profile compiled from the policy (the caller closes it)."""
        from . import Profile, _check, _require
        out = _ffi.ProfileP()
        err = _ffi.sbp_error()
        _check(_require("sbp_policy_compile")(self._p, byref(out), byref(err)), err)
        return Profile._adopt(out)

    def to_sbpl(self):
        from . import _check, _require
        buf = _ffi.sbp_buf()
        err = _ffi.sbp_error()
        rc = _require("sbp_policy_to_sbpl")(self._p, byref(buf), byref(err))
        text = _ffi.take_buf(buf)
        _check(rc, err)
        return text

    @property
    def warnings(self):
        """The warnings of the last compilation (conflicts resolved, entries without effect)."""
        n = lib().sbp_policy_warning_count(self._p)
        return [lib().sbp_policy_warning(self._p, i).decode("utf-8", "replace")
                for i in range(n)]

    # -- from data --
    @classmethod
    def from_dict(cls, d, home=None, cwd=None):
        """A policy from a dict in the policy-file format (docs/policy-file.md). home and cwd,
        when given, win over the dict's. Unknown keys raise ValueError naming them."""
        self = cls()
        try:
            _apply(self, d, home, cwd)
        except BaseException:
            self.close()
            raise
        return self

    @classmethod
    def from_file(cls, path, home=None, cwd=None):
        """A policy from a JSON policy file (docs/policy-file.md)."""
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        self = cls.from_dict(d, home, cwd)
        try:
            self.set_settings_file(str(path))
        except BaseException:
            self.close()
            raise
        return self


    @classmethod
    def from_srt_settings(cls, settings, home=None, cwd=None, warn=None):
        """A policy from sandbox-runtime settings (a dict as in ~/.srt-settings.json): the
        profile `sbprofile policy --srt-settings` prints for them. home and cwd default to
        $HOME and the current directory, as for the command. warn is called with each warning
        (an unknown key, a proxy port not set); by default they go to warnings.warn. A value
        of the wrong type raises ValueError naming its JSON path (filesystem.denyRead[3])."""
        from ._srt_settings import apply_srt_settings
        if home is None:
            home = os.environ.get("HOME")
        if cwd is None:
            cwd = os.getcwd()
        if not home:
            raise ValueError("srt settings need a home: give home=")
        if warn is None:
            def warn(message):
                warnings.warn(message, stacklevel=3)
        self = cls(home=home, cwd=cwd)
        try:
            apply_srt_settings(self, settings, warn)
        except BaseException:
            self.close()
            raise
        return self

    @classmethod
    def from_srt_settings_file(cls, path, home=None, cwd=None, warn=None):
        """A policy from a sandbox-runtime settings file; the file itself is protected from
        writes (the settings-file protection), as the command does."""
        with open(path, encoding="utf-8") as f:
            d = json.load(f, object_pairs_hook=_no_duplicates)
        self = cls.from_srt_settings(d, home, cwd, warn)
        try:
            self.set_settings_file(os.path.realpath(path))
        except BaseException:
            self.close()
            raise
        return self


def _no_duplicates(pairs):
    """A JSON object that names a key twice is refused, as the command refuses it: which of
    two values a reader takes is a guess, and a policy must not depend on a guess."""
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate object key {k!r}")
        d[k] = v
    return d


def protection_names():
    """The names of the mandatory write protections (sbp_policy_protection_name())."""
    n = lib().sbp_policy_protection_count()
    return [lib().sbp_policy_protection_name(i).decode("utf-8") for i in range(n)]


_KEYS = {
    "": {"$schema", "version", "home", "cwd", "read", "write", "exec", "network", "mach", "pty",
         "appleEvents", "process", "protections", "base", "baseEntries", "options"},
    "read": {"mode", "deny", "allow"},
    "write": {"mode", "allow", "deny"},
    "network": {"mode", "ports", "localBinding", "unixSockets", "allUnixSockets"},
    "process": {"fork", "signal", "info"},
    "baseEntries": {"add", "remove"},
    "options": {"comments", "moveProtection", "bothSpellings", "foldLiterals",
                "directoryMetadata"},
}


def _object(d, where):
    if not isinstance(d, dict):
        raise ValueError(f"{where or '(top level)'}: expected an object, got "
                         f"{type(d).__name__}")
    unknown = set(d) - _KEYS[where.split('.')[-1] if where else ""]
    if unknown:
        raise ValueError(f"{where + '.' if where else ''}{sorted(unknown)[0]}: unknown key")
    return d


def _paths(policy, entries, list_name, where):
    if not isinstance(entries, list):
        raise ValueError(f"{where}: expected an array")
    for i, e in enumerate(entries):
        if isinstance(e, str):
            policy.add_path(list_name, e)
        elif isinstance(e, dict) and set(e) <= {"path", "match"} and "path" in e:
            policy.add_path(list_name, e["path"], e.get("match", "auto"))
        else:
            raise ValueError(f"{where}[{i}]: expected a path or {{\"path\": ..., \"match\": ...}}")


def _apply(p, d, home, cwd):
    _object(d, "")
    if d.get("version") != 1:
        raise ValueError("version: expected 1")
    if home is not None or d.get("home") is not None:
        p.set_home(home if home is not None else d["home"])
    if cwd is not None or d.get("cwd") is not None:
        p.set_cwd(cwd if cwd is not None else d["cwd"])
    for section, setter, lists in (
            ("read", p.set_read_mode, (("deny", "read-deny"), ("allow", "read-allow"))),
            ("write", p.set_write_mode, (("allow", "write-allow"), ("deny", "write-deny")))):
        if section in d:
            o = _object(d[section], section)
            if "mode" in o:
                setter(o["mode"])
            for key, list_name in lists:
                _paths(p, o.get(key, []), list_name, f"{section}.{key}")
    _paths(p, d.get("exec", []), "exec", "exec")
    if "network" in d:
        n = _object(d["network"], "network")
        if "mode" in n:
            p.set_network(n["mode"])
        for i, port in enumerate(n.get("ports", [])):
            if not isinstance(port, dict) or "port" not in port or set(port) - {"port", "access"}:
                raise ValueError(f"network.ports[{i}]: expected {{\"port\": N, \"access\": [...]}}")
            p.add_port(port["port"], port.get("access", ["outbound"]))
        for key in ("localBinding", "allUnixSockets"):
            if key in n:
                p.set_option(key, bool(n[key]))
        _paths(p, n.get("unixSockets", []), "unix-socket", "network.unixSockets")
    for name in d.get("mach", []):
        p.add_mach_service(name)
    for key in ("pty", "appleEvents"):
        if key in d:
            p.set_option(key, bool(d[key]))
    for key, option in (("fork", "fork"), ("signal", "signal"), ("info", "processInfo")):
        if key in _object(d.get("process", {}), "process"):
            p.set_option(option, bool(d["process"][key]))
    for name, on in d.get("protections", {}).items():
        p.set_protection(name, bool(on))
    for name in d.get("base", []):
        p.add_base_set(name)
    entries = _object(d.get("baseEntries", {}), "baseEntries")
    for name in entries.get("add", []):
        p.add_base_entry(name)
    for name in entries.get("remove", []):
        p.remove_base_entry(name)
    for key, on in _object(d.get("options", {}), "options").items():
        p.set_option(key, bool(on))
