"""sbprofile: build, read, check and render macOS Seatbelt sandbox profiles (SBPL).

A binding of the sbprofile C library through ctypes; it needs nothing but the standard
library and the shared library (found through $SBPROFILE_LIB, next to this package, or on the
system's library path).

    import sbprofile

    with sbprofile.Profile(version=1) as p:
        p.add_default("deny")
        p.add_mach_lookup("allow", "com.apple.SystemConfiguration.configd")
        d = p.check("mach-lookup", "com.apple.SystemConfiguration.configd")
        print(d.result, d.rule_text, d.position)      # allow (allow mach-lookup ...) None
        p.assert_allows("mach-lookup", "com.apple.SystemConfiguration.configd")
        print(p.serialize())

Ownership: a Profile owns its C profile and frees it once, in close() (also called by
``with`` and by the finalizer). Nodes, deciders and decisions keep their profile alive and
raise ValueError once it is closed; a decider is always freed before its profile.
"""

import ctypes
import enum
import os
import weakref
from collections import namedtuple
from ctypes import byref, c_char_p, c_size_t, c_uint32

from . import _ffi
from ._ffi import LibraryNotFound, lib

__all__ = [
    "Profile", "Node", "Rule", "Value", "Request", "Decider", "Decision", "Position",
    "Regex", "Constant", "Param", "Concat", "NetAddr",
    "Error", "NoMemoryError", "InvalidArgumentError", "SBPLSyntaxError", "LimitError",
    "InvalidTreeError", "NotFoundError", "ProfileAssertionError", "EvalError", "IOError_",
    "LibraryNotFound", "Action", "Match", "FileAccess", "version", "library_path",
    "read", "read_file", "lint", "lint_file", "lint_checks", "Diagnostic", "LintResult",
    "parse_denials", "Denial", "DenialLog", "suggest", "Suggestion", "SuggestedRequest",
    "SuggestedRule",
    "Policy",
]

# ---- constants ------------------------------------------------------------------------------


class Action(enum.IntEnum):
    ALLOW = 1
    DENY = 2


class Match(enum.IntEnum):
    ANY = 0
    LITERAL = 1
    EXACT = 1
    SUBPATH = 2
    PREFIX = 3
    REGEX = 4


class FileAccess(enum.IntFlag):
    READ = 1 << 0
    WRITE = 1 << 1
    READ_DATA = 1 << 2
    READ_METADATA = 1 << 3
    READ_XATTR = 1 << 4
    WRITE_DATA = 1 << 5
    WRITE_CREATE = 1 << 6
    WRITE_UNLINK = 1 << 7
    WRITE_XATTR = 1 << 8
    IOCTL = 1 << 9
    MAP_EXECUTABLE = 1 << 10
    TEST_EXISTENCE = 1 << 11
    ALL = 1 << 12


_NODE_TYPES = {"rule": 2, "require-all": 7, "require-any": 8, "require-not": 9}
_REQUIRE = {"all": 7, "any": 8, "not": 9, "require-all": 7, "require-any": 8,
            "require-not": 9}
_NET_OPS = {"outbound": 1, "network-outbound": 1, "inbound": 2, "network-inbound": 2,
            "bind": 3, "network-bind": 3, "all": 4, "network*": 4}
_NET_SIDES = {None: 0, "any": 0, "local": 1, "remote": 2}
_TARGETS = {None: 0, "any": 0, "self": 1, "pgrp": 2, "others": 3, "children": 4,
            "same-sandbox": 5, "initproc": 6}
_IPC = {"shm": 1, "sem": 2}
_PREF = {"read": 1, "write": 2}
_VALUE_KINDS = {1: "string", 2: "integer", 3: "constant", 4: "regex", 5: "netaddr",
                6: "param", 7: "concat", 8: "boolean"}
_RESULTS = {"unknown": 0, "allow": 1, "deny": 2}
_UNKNOWN_POLICY = {"report": 0, "false": 1, "true": 2}
_ATTRS = {
    "path": 1, "global-name": 2, "local-name": 3, "xpc-service-name": 4, "ipc-posix-name": 5,
    "sysctl-name": 6, "preference-domain": 7, "iokit-registry-entry-class": 8,
    "iokit-property": 9, "notification-name": 10, "appleevent-destination": 11, "xattr": 12,
    "process-path": 13, "signing-identifier": 14, "extension": 15, "right-name": 16,
    "control-name": 17, "target": 18, "socket-domain": 19, "socket-type": 20,
    "socket-protocol": 21, "vnode-type": 22, "file-mode": 23, "signal-number": 24,
    "local": 25, "remote": 26,
}
PORT_ANY = -1
SOCKET_ANY = -1

Position = namedtuple("Position", "file line column")
Position.__str__ = lambda p: f"{p.file + ':' if p.file else ''}{p.line}:{p.column}"


def version():
    """The C library's version string."""
    return lib().sbp_version_string().decode()


def library_path():
    """The path of the shared library in use."""
    return lib().path


# ---- errors ---------------------------------------------------------------------------------


class Error(Exception):
    """A failure reported by the library: code (an SBP_E_* value), name, message, and the
    position (file, line, column, offset) when there is one."""

    def __init__(self, code, message, line=0, column=0, file="", offset=0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.file = file or None
        self.offset = offset

    @property
    def name(self):
        return lib().sbp_status_name(self.code).decode()

    @property
    def position(self):
        return Position(self.file, self.line, self.column) if self.line else None

    def __str__(self):
        where = ""
        if self.line:
            where = f"{self.file + ':' if self.file else ''}{self.line}:{self.column}: "
        return f"{where}{self.message} ({self.name})"


class NoMemoryError(Error, MemoryError):
    pass


class InvalidArgumentError(Error, ValueError):
    pass


class SBPLSyntaxError(Error):
    pass


class LimitError(Error):
    pass


class InvalidTreeError(Error, ValueError):
    pass


class NotFoundError(Error, LookupError):
    pass


class EvalError(Error):
    pass


class IOError_(Error):
    pass


class ProfileAssertionError(AssertionError):
    """A failed assertion: the library's message, and the position of the rule it quotes."""

    def __init__(self, message, line=0, column=0, file=""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.file = file or None

    @property
    def position(self):
        return Position(self.file, self.line, self.column) if self.line else None


_ERRORS = {-1: NoMemoryError, -2: InvalidArgumentError, -3: SBPLSyntaxError, -4: LimitError,
           -5: InvalidTreeError, -6: NotFoundError, -8: EvalError, -9: IOError_}


def _error(rc, err):
    msg = err.message.decode("utf-8", "replace") if err.code else ""
    if not msg:
        msg = lib().sbp_strerror(rc).decode()
    cls = _ERRORS.get(rc, Error)
    return cls(rc, msg, err.line, err.column, err.file.decode("utf-8", "replace"), err.offset)


def _check(rc, err):
    if rc != 0:
        raise _error(rc, err)


def _require(name):
    if not lib().has(name):
        raise NotImplementedError(f"the sbprofile library at {lib().path} has no {name}")
    return getattr(lib(), name)


def _action(a):
    if isinstance(a, str):
        try:
            return {"allow": 1, "deny": 2}[a]
        except KeyError:
            raise ValueError(f"action: expected 'allow' or 'deny', got {a!r}") from None
    return int(a)


def _match(m):
    if m is None:
        return 0
    if isinstance(m, str):
        try:
            return Match[m.upper()].value
        except KeyError:
            raise ValueError(f"match: unknown {m!r}") from None
    return int(m)


def _lookup(table, what, key):
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"{what}: unknown {key!r}") from None


def _file_access(access):
    if isinstance(access, int):
        return int(access)
    if isinstance(access, str):
        access = [access]
    bits = 0
    for a in access:
        if isinstance(a, int):
            bits |= int(a)
            continue
        try:
            bits |= FileAccess[a.upper().replace("-", "_")].value
        except KeyError:
            raise ValueError(f"access: unknown {a!r}") from None
    return bits


def _opt_text(t):
    return (None, 0) if t is None else _ffi.text(t)


def _macos(v):
    if v is None or v == 0:
        return 0
    if isinstance(v, int):
        return v
    # As the CLI's --macos: a version without a catalog of its own uses the newest before it
    # (the options take catalog versions).
    b, n = _ffi.text(v)
    used = c_uint32()
    err = _ffi.sbp_error()
    _check(_require("sbp_macos_version_resolve")(b, n, None, byref(used), byref(err)), err)
    return used.value


# ---- values for the builder -----------------------------------------------------------------


class Regex(str):
    """A regex value `#"..."`."""


class Constant(str):
    """A named constant value such as AF_UNIX."""


class Param(str):
    """A parameter reference (param "NAME")."""


class Concat:
    """(string-append part ...): parts are str and Param."""

    def __init__(self, *parts):
        self.parts = parts


class NetAddr:
    """A network address: NetAddr("tcp", "localhost", 8080); host None for a bare protocol."""

    def __init__(self, proto, host=None, port=PORT_ANY):
        self.proto, self.host, self.port = proto, host, port


# ---- nodes ----------------------------------------------------------------------------------


def _wrap(profile, ptr):
    if not ptr:
        return None
    t = lib().sbp_node_type_of(ptr)
    cls = Rule if t == 2 else Value if t == 11 else Node
    return cls(profile, ptr)


class Node:
    """A node of a profile's tree. It keeps its profile alive and is valid until the profile
    is closed; using it afterwards raises ValueError."""

    __slots__ = ("_profile", "_node", "__weakref__")

    def __init__(self, profile, ptr):
        self._profile = profile
        self._node = ptr

    @property
    def _p(self):
        self._profile._ptr  # raises when closed
        return self._node

    @property
    def profile(self):
        return self._profile

    @property
    def type(self):
        """The node's type name: "rule", "filter", "value", ..."""
        return lib().sbp_node_type_name(lib().sbp_node_type_of(self._p)).decode()

    @property
    def text(self):
        """The name of an operation, filter or modifier, a value's text, ...; None when none."""
        n = c_size_t()
        return _ffi.borrowed(lib().sbp_node_text(self._p, byref(n)), n.value)

    @property
    def position(self):
        """Position(file, line, column) where the node came from, or None."""
        f, line, col = c_char_p(), c_uint32(), c_uint32()
        lib().sbp_node_position(self._p, byref(f), byref(line), byref(col))
        if not line.value:
            return None
        return Position(f.value.decode("utf-8", "replace") if f.value else None, line.value,
                        col.value)

    @property
    def parent(self):
        return _wrap(self._profile, lib().sbp_node_parent(self._p))

    @property
    def children(self):
        return list(self)

    def __iter__(self):
        c = lib().sbp_node_first_child(self._p)
        while c:
            yield _wrap(self._profile, c)
            c = lib().sbp_node_next(c)

    def __len__(self):
        return lib().sbp_node_child_count(self._p)

    def __eq__(self, other):
        return isinstance(other, Node) and _ffi.addr(self._node) == _ffi.addr(other._node)

    def __hash__(self):
        return _ffi.addr(self._node)

    def __repr__(self):
        try:
            return f"<sbprofile.{type(self).__name__} {self.serialize(compact=True)!r}>"
        except (Error, ValueError):
            return f"<sbprofile.{type(self).__name__}>"

    def serialize(self, compact=False, comments=True, split=True, split_limit=0):
        """The node as SBPL text (a rule, a filter, a value, ...)."""
        opts = _serialize_options(compact, comments, split, split_limit)
        buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
        rc = lib().sbp_serialize_node(self._p, byref(opts), byref(buf), byref(err))
        out = _ffi.take_buf(buf)
        _check(rc, err)
        return out

    def dump(self):
        """A line-per-node debug dump of the subtree."""
        buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
        rc = lib().sbp_debug_dump(self._p, byref(buf), byref(err))
        out = _ffi.take_buf(buf)
        _check(rc, err)
        return out

    def validate(self):
        err = _ffi.sbp_error()
        _check(lib().sbp_node_validate(self._p, byref(err)), err)

    def unlink(self):
        """Detaches the node from its parent (it stays owned by the profile)."""
        lib().sbp_node_unlink(self._p)
        self._profile._touch()

    # -- building below this node (filters, require-*, values) --

    def _add(self, fn, *args):
        out, err = _ffi.NodeP(), _ffi.sbp_error()
        _check(fn(self._p, *args, byref(out), byref(err)), err)
        self._profile._touch()
        return _wrap(self._profile, out)

    def add_filter(self, name, *values):
        """Adds a filter (NAME value ...) to a rule or require-* node; returns it."""
        f = self._add(lib().sbp_node_add_filter, *_ffi.text(name))
        for v in values:
            f.add_value(v)
        return f

    def add_require(self, kind, *filters):
        """Adds (require-all|any|not ...); kind is "all", "any" or "not". filters are
        (name, value, ...) tuples added to it. Returns the new node."""
        r = self._add(lib().sbp_node_add_require, _lookup(_REQUIRE, "kind", kind))
        for f in filters:
            r.add_filter(*f)
        return r

    def add_value(self, v):
        """Adds a value by its Python type: str (string), Regex, Constant, Param, bool, int,
        Concat or NetAddr."""
        if isinstance(v, Regex):
            return self.add_regex(v)
        if isinstance(v, Constant):
            return self.add_constant(v)
        if isinstance(v, Param):
            return self.add_param(v)
        if isinstance(v, (str, bytes)):
            return self.add_string(v)
        if isinstance(v, bool):
            return self.add_boolean(v)
        if isinstance(v, int):
            return self.add_integer(v)
        if isinstance(v, Concat):
            c = self.add_concat()
            for part in v.parts:
                c.add_value(part)
            return c
        if isinstance(v, NetAddr):
            return self.add_netaddr(v.proto, v.host, v.port)
        raise TypeError(f"cannot make a value of {type(v).__name__}")

    def add_string(self, s):
        return self._add(lib().sbp_node_add_string, *_ffi.text(s))

    def add_regex(self, s):
        return self._add(lib().sbp_node_add_regex, *_ffi.text(s))

    def add_constant(self, s):
        return self._add(lib().sbp_node_add_constant, *_ffi.text(s))

    def add_param(self, s):
        return self._add(lib().sbp_node_add_param, *_ffi.text(s))

    def add_integer(self, n):
        return self._add(lib().sbp_node_add_integer, int(n))

    def add_boolean(self, b):
        return self._add(lib().sbp_node_add_boolean, 1 if b else 0)

    def add_concat(self):
        return self._add(lib().sbp_node_add_concat)

    def add_netaddr(self, proto, host=None, port=PORT_ANY):
        return self._add(lib().sbp_node_add_netaddr, *_ffi.text(proto), *_opt_text(host),
                         int(port))


class Rule(Node):
    """An (allow|deny OPERATION ... filters ... modifiers) rule."""

    __slots__ = ()

    @property
    def action(self):
        return {1: "allow", 2: "deny"}.get(lib().sbp_rule_action(self._p))

    @action.setter
    def action(self, a):
        err = _ffi.sbp_error()
        _check(lib().sbp_rule_set_action(self._p, _action(a), byref(err)), err)
        self._profile._touch()

    @property
    def comment(self):
        n = c_size_t()
        return _ffi.borrowed(lib().sbp_rule_comment(self._p, byref(n)), n.value)

    @comment.setter
    def comment(self, text):
        b, n = _opt_text(text)
        err = _ffi.sbp_error()
        _check(lib().sbp_rule_set_comment(self._p, b, n, byref(err)), err)

    def _kids(self, t):
        return [c for c in self if lib().sbp_node_type_of(c._node) == t]

    @property
    def operations(self):
        """The operation names."""
        return [c.text for c in self._kids(5)]

    @property
    def filters(self):
        """The filter nodes (filters and require-* nodes)."""
        return [c for c in self if lib().sbp_node_type_of(c._node) in (6, 7, 8, 9)]

    @property
    def modifiers(self):
        return self._kids(10)

    @property
    def text(self):
        """The rule on one line, e.g. (allow mach-lookup (global-name "x"))."""
        return self.serialize(compact=True)

    def add_operation(self, op):
        return self._add(lib().sbp_rule_add_operation, *_ffi.text(op))

    def add_modifier(self, name, value=None):
        m = self._add(lib().sbp_rule_add_modifier, *_ffi.text(name))
        if value is not None:
            m.add_value(value)
        return m


class Value(Node):
    """A filter or modifier argument."""

    __slots__ = ()

    @property
    def kind(self):
        return _VALUE_KINDS.get(lib().sbp_value_kind_of(self._p))

    @property
    def value(self):
        """The value as Python: str, int, bool, Regex, Constant, Param, or for a
        concatenation the list of its parts."""
        k = self.kind
        if k == "integer":
            return lib().sbp_value_integer(self._p)
        if k == "boolean":
            return bool(lib().sbp_value_integer(self._p))
        if k == "concat":
            return [c.value for c in self]
        wrap = {"regex": Regex, "constant": Constant, "param": Param}.get(k, str)
        return wrap(self.text)


# ---- profiles -------------------------------------------------------------------------------


def _read_options(keep, params, import_dirs, search_imports, symbolic_params,
                  keep_unresolved_imports, macos=None):
    """An sbp_read_options; keep receives the objects that must live as long as it."""
    opts = _ffi.sbp_read_options()
    opts.version = 1
    opts.macos = _macos(macos)
    opts.flags = (1 if symbolic_params else 0) | (2 if keep_unresolved_imports else 0)
    if params:
        flat = []
        for k, v in params.items():
            flat += [_ffi.text(k)[0], _ffi.text(v)[0]]
        arr = (c_char_p * len(flat))(*flat)
        keep.append(arr)
        opts.params = ctypes.cast(arr, ctypes.POINTER(c_char_p))
        opts.nparams = len(params)
    if import_dirs is not None or search_imports:
        dirs = [os.fsencode(d) for d in (import_dirs or [])]
        arr = (c_char_p * max(len(dirs), 1))(*dirs)
        payload = _ffi.sbp_import_dirs(ctypes.cast(arr, ctypes.POINTER(c_char_p)), len(dirs))
        keep += [arr, payload]
        opts.import_ = ctypes.cast(lib().sbp_import_search, _ffi.SBP_IMPORT_FN)
        opts.import_payload = ctypes.cast(ctypes.pointer(payload), ctypes.c_void_p)
    return opts


def _serialize_options(compact, comments, split, split_limit):
    flags = (1 if compact else 0) | (0 if comments else 2) | (0 if split else 4)
    return _ffi.sbp_serialize_options(1, flags, split_limit or 65535)


class _Handle:
    """A C pointer shared between its Python owner and the profile it depends on."""

    __slots__ = ("ptr",)

    def __init__(self):
        self.ptr = None


class _Closable:
    """Owners of a C object: close() frees it once; `with` blocks and the finalizer call it."""

    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class Profile(_Closable):
    """An SBPL profile. Build one with the add_* methods, or read one with
    Profile.from_text() / Profile.from_file(). Use it as a context manager, or call close();
    the finalizer frees it otherwise."""

    def __init__(self, version=None):
        self._raw = None
        self._gen = 0
        self._deciders = set()
        self._default_decider = None
        ptr = _ffi.ProfileP()
        rc = lib().sbp_profile_new(byref(ptr), None)
        if rc != 0:
            raise _ERRORS.get(rc, Error)(rc, lib().sbp_strerror(rc).decode())
        self._raw = ptr
        if version is not None:
            self.version = version

    @classmethod
    def _adopt(cls, ptr):
        self = cls.__new__(cls)
        self._raw = ptr
        self._gen = 0
        self._deciders = set()
        self._default_decider = None
        return self

    # -- lifetime --

    @property
    def _ptr(self):
        if not self._raw:
            raise ValueError("the profile is closed")
        return self._raw

    @property
    def closed(self):
        return not self._raw

    def close(self):
        """Frees the C profile (and every decider made from it). Idempotent."""
        raw, self._raw = self._raw, None
        if not raw:
            return
        for h in list(self._deciders):
            if h.ptr:
                lib().sbp_decider_free(h.ptr)
                h.ptr = None
        self._deciders.clear()
        self._default_decider = None
        lib().sbp_profile_free(raw)


    def _touch(self):
        self._gen += 1

    # -- reading --

    @classmethod
    def from_text(cls, text, file=None, params=None, import_dirs=None, symbolic_params=False,
                  keep_unresolved_imports=False, macos=None):
        """Evaluates SBPL text. params: a dict of (param "NAME") values; import_dirs:
        directories searched by (import "x.sb") (then the importing file's directory);
        macos: the version whose operation and filter names are bound ("14.4"; None: every
        name some version has)."""
        fn = _require("sbp_profile_read")
        b, n = _ffi.text(text)
        keep = []
        opts = _read_options(keep, params, import_dirs, file is not None, symbolic_params,
                             keep_unresolved_imports, macos)
        ptr, err = _ffi.ProfileP(), _ffi.sbp_error()
        fname = None if file is None else os.fsencode(file)
        _check(fn(byref(ptr), b, n, fname, byref(opts), None, byref(err)), err)
        return cls._adopt(ptr)

    @classmethod
    def from_file(cls, path, **kw):
        """Reads and evaluates a profile file; keyword arguments as from_text()."""
        with open(path, "rb") as f:
            data = f.read()
        return cls.from_text(data, file=os.fspath(path), **kw)

    # -- the tree --

    @property
    def version(self):
        return lib().sbp_profile_version(self._ptr)

    @version.setter
    def version(self, v):
        err = _ffi.sbp_error()
        _check(lib().sbp_profile_set_version(self._ptr, int(v or 0), byref(err)), err)

    @property
    def root(self):
        return Node(self, lib().sbp_profile_root(self._ptr))

    @property
    def items(self):
        """Rules, imports and comment items, in order."""
        return list(self.root)

    @property
    def rules(self):
        return [n for n in self.root if isinstance(n, Rule)]

    def __len__(self):
        """The number of rules."""
        return lib().sbp_profile_rule_count(self._ptr)

    def __iter__(self):
        return iter(self.rules)

    def copy(self):
        ptr, err = _ffi.ProfileP(), _ffi.sbp_error()
        _check(lib().sbp_profile_copy(self._ptr, byref(ptr), None, byref(err)), err)
        return Profile._adopt(ptr)

    def equals(self, other, comments=False, positions=False, imports=False):
        flags = (1 if comments else 0) | (2 if positions else 0) | (4 if imports else 0)
        return bool(lib().sbp_profile_equal(self._ptr, other._ptr, flags))

    def __eq__(self, other):
        return isinstance(other, Profile) and self.equals(other)

    __hash__ = object.__hash__

    def validate(self):
        self.root.validate()

    def serialize(self, compact=False, comments=True, split=True, split_limit=0):
        """The profile as SBPL text."""
        opts = _serialize_options(compact, comments, split, split_limit)
        buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
        rc = lib().sbp_serialize(self._ptr, byref(opts), byref(buf), byref(err))
        out = _ffi.take_buf(buf)
        _check(rc, err)
        return out

    def __str__(self):
        return self.serialize()

    def __repr__(self):
        if self.closed:
            return "<sbprofile.Profile closed>"
        return f"<sbprofile.Profile version={self.version} rules={len(self)}>"

    def dump(self):
        return self.root.dump()

    def save(self, path, **kw):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.serialize(**kw))

    # -- the builder --

    def _build(self, fn, *args):
        out, err = _ffi.NodeP(), _ffi.sbp_error()
        _check(fn(self._ptr, *args, byref(out), byref(err)), err)
        self._touch()
        return _wrap(self, out)

    def add_rule(self, action, *operations):
        """Appends (ACTION OP ...) and returns the Rule; grow it with add_filter(),
        add_require(), add_modifier()."""
        if not operations:
            raise ValueError("operations: a rule needs at least one")
        r = self._build(lib().sbp_profile_add_rule, _action(action), *_ffi.text(operations[0]))
        for op in operations[1:]:
            r.add_operation(op)
        return r

    def allow(self, *operations):
        return self.add_rule("allow", *operations)

    def deny(self, *operations):
        return self.add_rule("deny", *operations)

    def add_import(self, path):
        return self._build(lib().sbp_profile_add_import, *_ffi.text(path))

    def add_comment(self, text):
        return self._build(lib().sbp_profile_add_comment, *_ffi.text(text))

    def add_default(self, action):
        return self._build(lib().sbp_add_default, _action(action))

    def add_file(self, action, access, path=None, match="subpath"):
        """(ACTION file-read* ... (subpath PATH)); access: FileAccess flags or names such as
        "read", ["read", "write"]; match: literal, subpath, prefix, regex or None (no
        filter, path None)."""
        m = 0 if path is None and match in (None, "any", 0) else _match(match)
        return self._build(lib().sbp_add_file, _action(action), _file_access(access), m,
                           *_opt_text(path))

    def add_network(self, action, op="outbound", side=None, proto=None, host=None,
                    port=PORT_ANY):
        """(ACTION network-outbound (remote tcp "localhost:8080")) and the like."""
        return self._build(lib().sbp_add_network, _action(action),
                           _lookup(_NET_OPS, "op", op), _lookup(_NET_SIDES, "side", side),
                           *_opt_text(proto), *_opt_text(host), int(port))

    def add_unix_socket(self, action, path, op="outbound", match="literal"):
        return self._build(lib().sbp_add_unix_socket, _action(action),
                           _lookup(_NET_OPS, "op", op), _match(match), *_ffi.text(path))

    def add_mach_lookup(self, action, name=None, match="exact"):
        """(ACTION mach-lookup (global-name NAME)); a list of names gives one rule."""
        if isinstance(name, (list, tuple)):
            names = [_ffi.text(n)[0] for n in name]
            arr = (c_char_p * max(len(names), 1))(*names)
            lens = (c_size_t * max(len(names), 1))(*[len(n) for n in names])
            return self._build(lib().sbp_add_mach_lookup_list, _action(action), arr, lens,
                               len(names))
        m = 0 if name is None else _match(match)
        return self._build(lib().sbp_add_mach_lookup, _action(action), m, *_opt_text(name))

    def add_process_exec(self, action, path=None, match="literal"):
        m = 0 if path is None else _match(match)
        return self._build(lib().sbp_add_process_exec, _action(action), m, *_opt_text(path))

    def add_process_fork(self, action):
        return self._build(lib().sbp_add_process_fork, _action(action))

    def add_signal(self, action, target=None):
        return self._build(lib().sbp_add_signal, _action(action),
                           _lookup(_TARGETS, "target", target))

    def add_process_info(self, action, target=None):
        return self._build(lib().sbp_add_process_info, _action(action),
                           _lookup(_TARGETS, "target", target))

    def add_sysctl_read(self, action, name=None, match="exact"):
        m = 0 if name is None else _match(match)
        return self._build(lib().sbp_add_sysctl_read, _action(action), m, *_opt_text(name))

    def add_iokit_open(self, action, class_name=None):
        return self._build(lib().sbp_add_iokit_open, _action(action), *_opt_text(class_name))

    def add_ipc_posix(self, action, kind, name=None, match="exact"):
        m = 0 if name is None else _match(match)
        return self._build(lib().sbp_add_ipc_posix, _action(action),
                           _lookup(_IPC, "kind", kind), m, *_opt_text(name))

    def add_preference(self, action, access, domain=None, match="exact"):
        if isinstance(access, str):
            access = [access]
        bits = access if isinstance(access, int) else sum(_lookup(_PREF, "access", a)
                                                          for a in set(access))
        m = 0 if domain is None else _match(match)
        return self._build(lib().sbp_add_preference, _action(action), bits, m,
                           *_opt_text(domain))

    def add_system_socket(self, action, domain=SOCKET_ANY, type=SOCKET_ANY,
                          protocol=SOCKET_ANY):
        return self._build(lib().sbp_add_system_socket, _action(action), int(domain),
                           int(type), int(protocol))

    # -- deciding --

    def decider(self, macos=None, canonical_paths=False, unknown="report"):
        """A Decider over this profile with these options (recompiled by itself when the
        profile changes through this binding)."""
        return Decider(self, macos=macos, canonical_paths=canonical_paths, unknown=unknown)

    def _decider(self):
        if self._default_decider is None:
            self._default_decider = Decider(self, _owned_by_profile=True)
        return self._default_decider

    def check(self, operation, target=None, **attrs):
        """Decides a request: operation, a target whose attribute follows from the operation
        (a path, a Mach service name, ...) and further attributes as keywords
        (signing_identifier="com.x", remote=("tcp4", "1.2.3.4", 443), ...)."""
        return self._decider().check(operation, target, **attrs)

    def explain(self, operation, target=None, **attrs):
        """A readable account of how the request is decided."""
        return self._decider().explain(operation, target, **attrs)

    def assert_allows(self, operation, target=None, **attrs):
        """Raises ProfileAssertionError (an AssertionError) unless the request is allowed;
        returns the library's message otherwise."""
        return self._decider().assert_decision("allow", operation, target, **attrs)

    def assert_denies(self, operation, target=None, **attrs):
        return self._decider().assert_decision("deny", operation, target, **attrs)

    def assert_unknown(self, operation, target=None, **attrs):
        return self._decider().assert_decision("unknown", operation, target, **attrs)

    def assert_has_rule(self, action, operation, filter=None, value=None):
        """Structural: raises ProfileAssertionError unless a rule (ACTION OPERATION (FILTER
        VALUE)) is present (filter None: an unfiltered rule)."""
        fn = _require("sbp_assert_has_rule")
        err = _ffi.sbp_error()
        fb, fn_ = _opt_text(filter)
        vb, vn = _opt_text(None if filter is None else value)
        rc = fn(self._ptr, _action(action), *_ffi.text(operation), fb, fn_, vb, vn, byref(err))
        return _assert_result(rc, err)

    def lint(self, macos=None, notes=True):
        """The profile checks of the linter on this profile: a list of Diagnostic."""
        fn = _require("sbp_lint_profile")
        opts = _ffi.sbp_lint_options(1, _macos(macos), 0 if notes else 1, None)
        out, err = _ffi.LintP(), _ffi.sbp_error()
        _check(fn(self._ptr, byref(opts), byref(out), byref(err)), err)
        return _diagnostics(out)

    def rules_mentioning(self, value):
        """Lines `FILE:LINE:COL: (rule)` for each rule with a filter value of that text."""
        fn = _require("sbp_profile_rules_mentioning")
        buf, err, count = _ffi.sbp_buf(), _ffi.sbp_error(), c_size_t()
        rc = fn(self._ptr, *_ffi.text(value), byref(buf), byref(count), byref(err))
        out = _ffi.take_buf(buf)
        _check(rc, err)
        return out.splitlines()


Diagnostic = namedtuple("Diagnostic", "code severity message fix position")
Diagnostic.__doc__ = """A lint diagnostic: a stable code ("shadowed-rule", ...), a severity ("note",
"warning", "error"), a message, a suggested fix (or None) and a Position (or None)."""
Diagnostic.__str__ = lambda d: (f"{str(d.position) + ': ' if d.position else ''}{d.severity}: "
                                f"{d.message} [{d.code}]")


class LintResult(list):
    """The diagnostics of a lint run (a list of Diagnostic); `evaluated` tells whether the
    text read and evaluated as libsandbox would take it."""

    evaluated = True

    def at_least(self, severity):
        order = {"note": 1, "warning": 2, "error": 3}
        return [d for d in self if order.get(d.severity, 0) >= order[severity]]


def _diagnostics(res):
    L = lib()
    try:
        out = LintResult()
        out.evaluated = bool(L.sbp_lint_evaluated(res))
        for i in range(L.sbp_lint_count(res)):
            f, line, col = c_char_p(), c_uint32(), c_uint32()
            L.sbp_lint_position(res, i, byref(f), byref(line), byref(col))
            pos = None
            if line.value:
                pos = Position(f.value.decode("utf-8", "replace") if f.value else None,
                               line.value, col.value)
            fix = L.sbp_lint_fix(res, i)
            out.append(Diagnostic(
                L.sbp_lint_code(res, i).decode(),
                L.sbp_lint_severity_name(L.sbp_lint_severity(res, i)).decode(),
                L.sbp_lint_message(res, i).decode("utf-8", "replace"),
                None if fix is None else fix.decode("utf-8", "replace"), pos))
        return out
    finally:
        L.sbp_lint_result_free(res)


def lint(text, file=None, macos=None, notes=True, params=None, import_dirs=None):
    """Lints SBPL text: a LintResult (a list of Diagnostic). Unreadable text is not an
    exception: it gives a syntax-error or eval-error diagnostic. Without params and
    import_dirs, parameters stay symbolic and unresolved imports are kept."""
    fn = _require("sbp_lint_text")
    b, n = _ffi.text(text)
    keep = []
    ro = None
    if params is not None or import_dirs is not None:
        ro = _read_options(keep, params, import_dirs, True, True, True)
    opts = _ffi.sbp_lint_options(1, _macos(macos), 0 if notes else 1,
                                 None if ro is None else ctypes.pointer(ro))
    out, err = _ffi.LintP(), _ffi.sbp_error()
    fname = None if file is None else os.fsencode(file)
    _check(fn(b, n, fname, byref(opts), None, byref(out), byref(err)), err)
    return _diagnostics(out)


def lint_file(path, **kw):
    """lint() on a file's text."""
    with open(path, "rb") as f:
        data = f.read()
    return lint(data, file=os.fspath(path), **kw)


def lint_checks():
    """The linter's checks: a list of (code, severity, summary)."""
    L = _require("sbp_lint_check_count") and lib()
    return [(L.sbp_lint_check_code(i).decode(),
             L.sbp_lint_severity_name(L.sbp_lint_check_severity(i)).decode(),
             L.sbp_lint_check_summary(i).decode()) for i in range(L.sbp_lint_check_count())]


def read(text, **kw):
    """Profile.from_text()."""
    return Profile.from_text(text, **kw)


def read_file(path, **kw):
    """Profile.from_file()."""
    return Profile.from_file(path, **kw)


def _assert_result(rc, err):
    msg = err.message.decode("utf-8", "replace")
    if rc == -7:
        raise ProfileAssertionError(msg, err.line, err.column,
                                    err.file.decode("utf-8", "replace"))
    _check(rc, err)
    return msg


# ---- requests and decisions -----------------------------------------------------------------


class Request(_Closable):
    """A request: an operation, an optional target (its attribute follows from the
    operation) and attributes as keywords, underscores standing for dashes. Text values are
    str; integer attributes int; local/remote a (proto, host, port) tuple or "proto:host:port".
    """

    def __init__(self, operation, target=None, **attrs):
        fn = _require("sbp_request_new")
        self._raw = None
        ptr, err = _ffi.RequestP(), _ffi.sbp_error()
        _check(fn(byref(ptr), None, byref(err)), err)
        self._raw = ptr
        try:
            self.set(operation, target, **attrs)
        except BaseException:
            self.close()
            raise

    def set(self, operation, target=None, **attrs):
        """Replaces the request's content."""
        L, err = lib(), _ffi.sbp_error()
        if target is not None:
            _check(L.sbp_request_set_simple(self._ptr, *_ffi.text(operation),
                                            *_ffi.text(target), byref(err)), err)
        else:
            _check(L.sbp_request_set_simple(self._ptr, *_ffi.text(operation), None, 0,
                                            byref(err)), err)
        for key, v in attrs.items():
            name = key.replace("_", "-")
            code = _ATTRS.get(name)
            if name in ("local", "remote"):
                if isinstance(v, str):
                    proto, _, rest = v.partition(":")
                    host, _, port = rest.rpartition(":")
                    host = host.strip("[]") or None
                    v = (proto, host, PORT_ANY if port in ("", "*") else int(port))
                proto, host, port = (tuple(v) + (None, PORT_ANY))[:3]
                rc = L.sbp_request_set_netaddr(self._ptr, code, *_ffi.text(proto),
                                               *_opt_text(host), int(port), byref(err))
            elif isinstance(v, bool) or not isinstance(v, int):
                if code is not None:
                    rc = L.sbp_request_set_string_attr(self._ptr, code, *_ffi.text(v),
                                                       byref(err))
                else:
                    rc = L.sbp_request_set_named_attr(self._ptr, *_ffi.text(name), 0,
                                                      *_ffi.text(v), 0, byref(err))
            elif code is not None:
                rc = L.sbp_request_set_integer_attr(self._ptr, code, v, byref(err))
            else:
                rc = L.sbp_request_set_named_attr(self._ptr, *_ffi.text(name), 1, None, 0, v,
                                                  byref(err))
            _check(rc, err)
        return self

    @property
    def _ptr(self):
        if not self._raw:
            raise ValueError("the request is closed")
        return self._raw

    def close(self):
        raw, self._raw = self._raw, None
        if raw:
            lib().sbp_request_free(raw)


    def describe(self):
        buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
        rc = lib().sbp_request_describe(self._ptr, byref(buf), byref(err))
        out = _ffi.take_buf(buf)
        _check(rc, err)
        return out

    __str__ = describe

    def __repr__(self):
        return f"<sbprofile.Request {self.describe() if self._raw else 'closed'}>"


def _request_of(operation, target, attrs):
    if isinstance(operation, Request):
        if target is not None or attrs:
            raise TypeError("give a Request or an operation with its target, not both")
        return operation, False
    return Request(operation, target, **attrs), True



def _alive(profile):
    """The profile a weak reference gave, or a closed one when it is gone."""
    return profile if profile is not None else _closed_profile()

class Decider(_Closable):
    """A profile compiled for deciding many requests. It keeps the profile alive, is freed
    before it, and compiles itself again when the profile was changed through the binding."""

    def __init__(self, profile, macos=None, canonical_paths=False, unknown="report",
                 _owned_by_profile=False):
        _require("sbp_decider_new")
        # The profile's own default decider refers to it weakly, so that the two make no
        # reference cycle and the profile is freed as soon as it is dropped.
        if _owned_by_profile:
            ref = weakref.ref(profile)
            # "is None", not "or": a profile with no rules has length 0 and is falsy.
            self._get_profile = lambda: _alive(ref())
        else:
            self._get_profile = lambda: profile
        self._h = _Handle()
        self._gen = None
        self._closed = False
        self._opts = _ffi.sbp_decide_options(1, 1 if canonical_paths else 0, _macos(macos),
                                             _lookup(_UNKNOWN_POLICY, "unknown", unknown))
        profile._ptr  # closed profile: ValueError
        profile._deciders.add(self._h)
        self._compile()

    def _compile(self):
        p = self._profile._ptr
        if self._h.ptr:
            lib().sbp_decider_free(self._h.ptr)
            self._h.ptr = None
        ptr, err = _ffi.DeciderP(), _ffi.sbp_error()
        _check(lib().sbp_decider_new(byref(ptr), p, byref(self._opts), byref(err)), err)
        self._h.ptr = ptr
        self._gen = self._profile._gen

    @property
    def _ptr(self):
        self._profile._ptr
        if self._closed:
            raise ValueError("the decider is closed")
        if self._gen != self._profile._gen or not self._h.ptr:
            self._compile()
        return self._h.ptr

    @property
    def _profile(self):
        return self._get_profile()

    @property
    def profile(self):
        return self._profile

    def close(self):
        self._closed = True
        h = self._h
        if h.ptr:
            lib().sbp_decider_free(h.ptr)
            h.ptr = None
        try:
            self._profile._deciders.discard(h)
        except ValueError:  # the profile is gone, and freed this decider first
            pass
        self._gen = -1


    def check(self, operation, target=None, **attrs):
        """Decides a request (a Request, or an operation with target and attributes)."""
        req, own = _request_of(operation, target, attrs)
        try:
            out, err = _ffi.DecisionP(), _ffi.sbp_error()
            _check(lib().sbp_decide(self._ptr, req._ptr, None, byref(out), byref(err)), err)
            try:
                return Decision(self._profile, out)
            finally:
                lib().sbp_decision_free(out)
        finally:
            if own:
                req.close()

    def explain(self, operation, target=None, **attrs):
        req, own = _request_of(operation, target, attrs)
        try:
            buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
            rc = lib().sbp_explain(self._ptr, req._ptr, None, byref(buf), byref(err))
            out = _ffi.take_buf(buf)
            _check(rc, err)
            return out
        finally:
            if own:
                req.close()

    def assert_decision(self, expected, operation, target=None, **attrs):
        req, own = _request_of(operation, target, attrs)
        try:
            err = _ffi.sbp_error()
            rc = lib().sbp_assert_decision(self._ptr, req._ptr,
                                           _lookup(_RESULTS, "expected", expected), byref(err))
            return _assert_result(rc, err)
        finally:
            if own:
                req.close()

    def assert_allows(self, operation, target=None, **attrs):
        return self.assert_decision("allow", operation, target, **attrs)

    def assert_denies(self, operation, target=None, **attrs):
        return self.assert_decision("deny", operation, target, **attrs)


def _closed_profile():
    raise ValueError("the profile is closed")


class Decision:
    """The outcome of a check, copied out of the library: result ("allow", "deny",
    "unknown"), the step that decided, the deciding rule, its index and position, flags."""

    __slots__ = ("result", "step", "flags", "rule", "rule_index", "rule_text", "position",
                 "operation", "skipped_rule", "missing_attr", "missing_import", "missing_param", "description")

    def __init__(self, profile, d):
        L = lib()
        self.result = L.sbp_decision_result_name(L.sbp_decision_result(d)).decode()
        self.step = L.sbp_decision_step_name(L.sbp_decision_step_of(d)).decode()
        bits = L.sbp_decision_flags(d)
        self.flags = frozenset(L.sbp_decision_flag_name(1 << i).decode()
                               for i in range(32) if bits & (1 << i)
                               and L.sbp_decision_flag_name(1 << i))
        self.rule = _wrap(profile, L.sbp_decision_rule(d))
        idx = L.sbp_decision_rule_index(d)
        self.rule_index = None if idx < 0 else idx
        self.rule_text = self.rule.text if self.rule is not None else None
        self.position = self.rule.position if self.rule is not None else None
        op = L.sbp_decision_operation(d)
        self.operation = op.decode() if op else None
        self.skipped_rule = _wrap(profile, L.sbp_decision_skipped_rule(d))
        ma = L.sbp_decision_missing_attr(d)
        self.missing_attr = ma.decode() if ma else None
        mi = L.sbp_decision_missing_import(d)
        self.missing_import = mi.decode() if mi else None
        mp = L.sbp_decision_missing_param(d)
        self.missing_param = mp.decode() if mp else None
        buf, err = _ffi.sbp_buf(), _ffi.sbp_error()
        rc = L.sbp_decision_describe(d, byref(buf), byref(err))
        self.description = _ffi.take_buf(buf)
        _check(rc, err)

    @property
    def allowed(self):
        return self.result == "allow"

    @property
    def denied(self):
        return self.result == "deny"

    @property
    def unknown(self):
        return self.result == "unknown"

    def __str__(self):
        return self.description

    def __repr__(self):
        return f"<sbprofile.Decision {self.description}>"


# ---- denial reports and suggestions ---------------------------------------------------------

Denial = namedtuple("Denial", "form action process pid operation target number repeats "
                              "message system_policy line")
Denial.__doc__ = """One sandbox report (sbp_denial): form is "kernel", "json" or "wrapper";
action "deny" or "allow"; pid None when the report names none; target "" when none."""


class DenialLog(list):
    """The reports of a log (a list of Denial), with lines read in all, lines that mention no
    report (other) and lines that look like reports but did not read (skipped, with the
    first one's line and reason)."""

    lines = 0
    other = 0
    skipped = 0
    first_skipped = None  # (line, reason)


def _s(b):
    return None if b is None else b.decode("utf-8", "replace")


def _parse_log(text):
    """A C sbp_denial_log for text; the caller frees it."""
    b, n = _ffi.text(text)
    log, err = _ffi.DenialLogP(), _ffi.sbp_error()
    _check(_require("sbp_denial_parse")(byref(log), b, n, None, None, byref(err)), err)
    return log


def parse_denials(text):
    """Reads sandbox denial reports from log text (str or bytes) in every form
    sbprofile/denial.h lists: a DenialLog."""
    L = lib()
    log = _parse_log(text)
    try:
        out = DenialLog()
        for i in range(L.sbp_denial_log_count(log)):
            d = L.sbp_denial_log_at(log, i).contents
            out.append(Denial(_s(L.sbp_denial_form_name(d.form)),
                              "allow" if d.action == 1 else "deny", _s(d.process),
                              None if d.pid < 0 else d.pid, _s(d.operation), _s(d.target),
                              d.number, d.repeats, _s(d.message), bool(d.system_policy),
                              d.line))
        other = c_size_t()
        out.lines = L.sbp_denial_log_lines(log, byref(other))
        out.other = other.value
        out.skipped = L.sbp_denial_log_skipped(log)
        line = c_uint32()
        why = L.sbp_denial_log_first_skipped(log, None, byref(line))
        out.first_skipped = None if why is None else (line.value, _s(why))
        return out
    finally:
        L.sbp_denial_log_free(log)


SuggestedRequest = namedtuple("SuggestedRequest", "status action operation target processes "
                                                  "count message reason rule decision "
                                                  "decided_by decided_at")
SuggestedRequest.__doc__ = """A distinct request of the reports: status is "new-rule",
"already-allowed", "unmappable", "reported-allow" or "platform-policy"; rule the index of its
rule in Suggestion.rules or None; decision "allow"/"deny"/"unknown" with a profile, else None."""

SuggestedRule = namedtuple("SuggestedRule", "operation text comment note risk after applied")


class Suggestion:
    """The result of suggest(): requests, rules, the report as SBPL text, and with a profile
    the patched profile and what its check found."""

    def __init__(self, requests, rules, text, profile, checked, still_denied, other_changes,
                 check_text):
        self.requests = requests
        self.rules = rules
        self.text = text
        self.profile = profile
        self.checked = checked
        self.still_denied = still_denied
        self.other_changes = other_changes
        self.check_text = check_text

    @property
    def risky(self):
        return [r for r in self.rules if r.risk]

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<sbprofile.Suggestion {len(self.rules)} rules, {len(self.requests)} requests>"


def suggest(log, profile=None, file=None, collapse=False, allow_risky=False, workspace=None,
            macos=None, params=None, import_dirs=None):
    """Rules for the denied requests of log text (str or bytes). With profile (SBPL text),
    each request is decided against it, the rules are placed where they take effect and the
    patched profile is checked; risky rules go into it only with allow_risky."""
    L = lib()
    keep = []
    dlog = _parse_log(log)
    sg = _ffi.SuggestionP()
    try:
        opts = _ffi.sbp_suggest_options()
        opts.version = 1
        opts.flags = (1 if collapse else 0) | (2 if allow_risky else 0)
        opts.macos = _macos(macos)
        opts.workspace = None if workspace is None else os.fsencode(workspace)
        if profile is not None:
            pb, pn = _ffi.text(profile)
            src = _ffi.sbp_source(pb, pn, os.fsencode(file) if file else b"<profile>")
            ro = _read_options(keep, params, import_dirs, import_dirs is not None, True, True)
            keep += [pb, src, ro]
            opts.profile = ctypes.pointer(src)
            opts.read = ctypes.pointer(ro)
        err = _ffi.sbp_error()
        _check(L.sbp_suggest(byref(sg), dlog, byref(opts), None, byref(err)), err)
        requests = []
        for i in range(L.sbp_suggestion_request_count(sg)):
            r = _ffi.sbp_suggest_request()
            L.sbp_suggestion_request(sg, i, byref(r))
            requests.append(SuggestedRequest(
                _s(L.sbp_suggest_status_name(r.status)), "allow" if r.action == 1 else "deny",
                _s(r.operation), _s(r.target), _s(r.processes), r.count, _s(r.message),
                _s(r.reason), None if r.rule == ctypes.c_size_t(-1).value else r.rule,
                _s(L.sbp_decision_result_name(r.decision))
                if profile is not None and (r.decision or r.decided_by) else None,
                _s(r.decided_by), _s(r.decided_at)))
        rules = []
        for i in range(L.sbp_suggestion_rule_count(sg)):
            u = _ffi.sbp_suggest_rule()
            L.sbp_suggestion_rule(sg, i, byref(u))
            rules.append(SuggestedRule(_s(u.operation), _s(u.text), _s(u.comment), _s(u.note),
                                       _s(u.risk), _s(u.after), bool(u.applied)))
        buf = _ffi.sbp_buf()
        rc = L.sbp_suggestion_format(sg, byref(buf), byref(err))
        text = _ffi.take_buf(buf)
        _check(rc, err)
        patched = None
        still, other, why = c_size_t(), c_size_t(), c_char_p()
        checked = bool(L.sbp_suggestion_verified(sg, byref(still), byref(other), byref(why)))
        if profile is not None:
            buf = _ffi.sbp_buf()
            rc = L.sbp_suggestion_profile(sg, byref(buf), byref(err))
            patched = _ffi.take_buf(buf)
            _check(rc, err)
        return Suggestion(requests, rules, text, patched, checked, still.value, other.value,
                          _s(why.value) or "")
    finally:
        L.sbp_suggestion_free(sg)
        L.sbp_denial_log_free(dlog)


from ._policy import Policy  # noqa: E402  (uses the names above)
