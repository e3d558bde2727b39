"""sandbox-runtime (srt) settings, as in ~/.srt-settings.json, mapped onto a Policy: the profile
srt 0.0.83 would generate on macOS, corrected as docs/srt-settings.md says; the same mapping as
`sbprofile policy --srt-settings` (tools/srt_settings.c), key by key, ending with the library's
sbp_policy_add_srt_defaults(). Keys srt reads only for its proxy or its Linux or Windows backend
are type-checked and otherwise ignored; keys srt does not know give a warning naming them; a
value of the wrong type raises ValueError naming its JSON path (filesystem.denyRead[3])."""

_ROOT_KEYS = ("network", "filesystem", "credentials", "ignoreViolations",
              "enableWeakerNestedSandbox", "allowNestedUserNamespaces",
              "enableWeakerNetworkIsolation", "allowAppleEvents", "ripgrep",
              "mandatoryDenySearchDepth", "allowPty", "seccomp", "bwrapPath", "socatPath",
              "javaAgentJarPath", "windows", "git")
_NETWORK_KEYS = ("allowedDomains", "deniedDomains", "deniedDomainReasons", "strictAllowlist",
                 "deniedResolvedAddresses", "allowUnixSockets", "allowAllUnixSockets",
                 "allowLocalBinding", "allowMachLookup", "httpProxyPort", "socksProxyPort",
                 "mitmProxy", "filterRequest", "allowPlaintextHeaderSet",
                 "stripResponseHeaders", "refuseOpaqueTunnels", "requireHostMatch",
                 "ambiguousRequestTarget", "tlsTerminate", "parentProxy")
_FILESYSTEM_KEYS = ("disabled", "denyRead", "allowRead", "allowWrite", "denyWrite",
                    "allowGitConfig")
_CREDENTIAL_KEYS = ("files", "envVars", "allowPlaintextInject", "awsPairs", "sigv4")

# Values srt reads elsewhere (its proxy, the Linux or Windows backend): only their type is checked.
_OBJECT, _ARRAY, _STRING, _INTEGER, _BOOL = "an object", "an array", "a string", "an integer", \
    "true or false"
_ROOT_OTHER = (("ignoreViolations", _OBJECT), ("enableWeakerNestedSandbox", _BOOL),
               ("allowNestedUserNamespaces", _BOOL), ("enableWeakerNetworkIsolation", _BOOL),
               ("ripgrep", _OBJECT), ("mandatoryDenySearchDepth", _INTEGER),
               ("seccomp", _OBJECT), ("bwrapPath", _STRING), ("socatPath", _STRING),
               ("javaAgentJarPath", _STRING), ("windows", _OBJECT), ("git", _OBJECT))
_NETWORK_OTHER = (("deniedDomainReasons", _OBJECT), ("strictAllowlist", _BOOL),
                  ("deniedResolvedAddresses", _ARRAY), ("mitmProxy", _OBJECT),
                  ("allowPlaintextHeaderSet", _BOOL), ("stripResponseHeaders", _ARRAY),
                  ("refuseOpaqueTunnels", _BOOL), ("requireHostMatch", _BOOL),
                  ("ambiguousRequestTarget", _STRING), ("tlsTerminate", _OBJECT),
                  ("parentProxy", _OBJECT))
_CREDENTIAL_OTHER = (("envVars", _ARRAY), ("allowPlaintextInject", _BOOL),
                     ("awsPairs", _ARRAY), ("sigv4", _OBJECT))

_NO_PROXY = ("not set: srt would start a proxy of its own on a port chosen when it runs, which "
             "this profile cannot allow; set the port of your proxy")


def _kind(v):
    """The JSON type of a value, worded as the CLI words it."""
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    return "null" if v is None else "a value"


_TYPES = {_OBJECT: dict, _ARRAY: list, _STRING: str}


def _is(v, want):
    if want == _BOOL:
        return isinstance(v, bool)
    if want == _INTEGER:
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(v, _TYPES[want])


def _at(path, key):
    return f"{path}.{key}" if path else key


class _Reader:
    def __init__(self, policy, warn):
        self.p = policy
        self.warn = warn
        self.fs_enabled = True

    def fail(self, path, message):
        raise ValueError(f"{path or '(top level)'}: {message}")

    def call(self, path, method, *args):
        """A policy call whose rejection names the JSON path of the value at fault."""
        from . import Error, NoMemoryError
        try:
            method(*args)
        except NoMemoryError:
            raise
        except Error as e:
            raise type(e)(e.code, f"{path or '(top level)'}: {e.message}") from e

    def unknown_keys(self, obj, path, known):
        for key in obj:
            if key not in known:
                self.warn(f"{_at(path, key)}: unknown key, ignored")

    def require(self, obj, path, key):
        if key not in obj:
            self.fail(_at(path, key), "required key is missing")

    def get(self, obj, path, key, want):
        v = obj.get(key)
        if key in obj and not _is(v, want):
            self.fail(_at(path, key), f"expected {want}, got {_kind(v)}")
        return v

    def other_keys(self, obj, path, keys):
        for key, want in keys:
            if key in obj:
                v = obj[key]
                if not _is(v, want):
                    self.fail(_at(path, key), f"expected {want}, got {_kind(v)}")

    def each(self, obj, path, key, fn):
        arr = self.get(obj, path, key, _ARRAY)
        for i, v in enumerate(arr or []):
            fn(f"{_at(path, key)}[{i}]", v)

    def each_string(self, obj, path, key, fn=None):
        def one(where, v):
            if not isinstance(v, str):
                self.fail(where, f"expected a string, got {_kind(v)}")
            if fn is not None:
                fn(where, v)
        self.each(obj, path, key, one)

    # -- paths --
    def path_entry(self, where, v):
        """(text, match) of a path list entry: a spelling (a pattern when it has glob
        characters; a trailing /** is the directory itself, as srt strips it), or
        {"path": P, "literal": true}, a name whatever it holds."""
        if isinstance(v, str):
            if v == "":
                self.fail(where, "empty path")
            if len(v) > 3 and v.endswith("/**"):
                v = v[:-3]
            elif v == "/**":
                v = "/"
            return v, "auto"
        if isinstance(v, dict) and len(v) == 2 and isinstance(v.get("path"), str) \
                and v["path"] != "" and v.get("literal") is True:
            return v["path"], "subtree"
        self.fail(where, 'expected a path, or {"path": "<path>", "literal": true}, got '
                  + ("another object" if isinstance(v, dict) else _kind(v)))

    def path_list(self, obj, path, key, list_name):
        def one(where, v):
            text, match = self.path_entry(where, v)
            if self.fs_enabled:
                self.call(where, self.p.add_path, list_name, text, match)
        self.each(obj, path, key, one)

    # -- sections --
    def option(self, obj, path, key, name):
        if self.get(obj, path, key, _BOOL):
            self.call(_at(path, key), self.p.set_option, name, True)

    def port(self, net, key):
        where = _at("network", key)
        n = self.get(net, "network", key, _INTEGER)
        if n is None:
            self.warn(f"{where}: {_NO_PROXY}")
            return
        if not 1 <= n <= 65535:
            self.fail(where, f"{n} is out of range (1-65535)")
        self.call(where, self.p.add_port, n, ("outbound", "bind", "inbound"))

    def network(self, net):
        path = "network"
        self.unknown_keys(net, path, _NETWORK_KEYS)
        self.require(net, path, "allowedDomains")
        self.require(net, path, "deniedDomains")
        # The domain lists are the proxy's; that they are there is what restricts the network.
        self.each_string(net, path, "allowedDomains")
        self.each_string(net, path, "deniedDomains")
        self.other_keys(net, path, _NETWORK_OTHER)
        self.call(path, self.p.set_network, "none")
        self.port(net, "httpProxyPort")
        self.port(net, "socksProxyPort")
        self.option(net, path, "allowLocalBinding", "localBinding")
        all_sockets = self.get(net, path, "allowAllUnixSockets", _BOOL)
        self.each_string(net, path, "allowMachLookup",
                         lambda where, name: self.call(where, self.p.add_mach_service, name))
        if all_sockets:
            self.option(net, path, "allowAllUnixSockets", "allUnixSockets")
            self.each_string(net, path, "allowUnixSockets")
            return

        def socket(where, p):
            if p == "":
                self.fail(where, "empty path")
            # srt names a socket with (subpath P) whatever P holds: never a pattern.
            self.call(where, self.p.add_path, "unix-socket", p, "subtree")
        self.each_string(net, path, "allowUnixSockets", socket)

    def credential_file(self, where, f):
        if not isinstance(f, dict):
            self.fail(where, f"expected an object, got {_kind(f)}")
        self.require(f, where, "path")
        self.require(f, where, "mode")
        path = self.get(f, where, "path", _STRING)
        mode = self.get(f, where, "mode", _STRING)
        if mode not in ("deny", "mask"):
            self.fail(_at(where, "mode"), f'expected "deny" or "mask", got "{mode}"')
        # A masked file cannot be shown masked through SBPL: srt denies it on macOS.
        where = _at(where, "path")
        text, match = self.path_entry(where, path)
        if self.fs_enabled:
            self.call(where, self.p.add_path, "read-deny", text, match)

    def credentials(self, creds):
        path = "credentials"
        self.unknown_keys(creds, path, _CREDENTIAL_KEYS)
        self.other_keys(creds, path, _CREDENTIAL_OTHER)
        self.each(creds, path, "files", self.credential_file)

    def filesystem(self, fs):
        path = "filesystem"
        self.unknown_keys(fs, path, _FILESYSTEM_KEYS)
        for key in ("denyRead", "allowWrite", "denyWrite"):
            self.require(fs, path, key)
        disabled = self.get(fs, path, "disabled", _BOOL)
        git_config = self.get(fs, path, "allowGitConfig", _BOOL)
        self.fs_enabled = not disabled
        if disabled:
            # No file rule at all: everything readable and writable, no protection.
            self.call(path, self.p.set_write_mode, "allow-all")
            from ._policy import protection_names
            for name in protection_names():
                self.call(path, self.p.set_protection, name, False)
        elif git_config:
            self.call(path, self.p.set_protection, "git-config", False)
        self.path_list(fs, path, "denyRead", "read-deny")
        self.path_list(fs, path, "allowRead", "read-allow")
        self.path_list(fs, path, "allowWrite", "write-allow")
        self.path_list(fs, path, "denyWrite", "write-deny")

    def apply(self, d):
        if not isinstance(d, dict):
            self.fail("", f"expected an object, got {_kind(d)}")
        self.unknown_keys(d, "", _ROOT_KEYS)
        self.require(d, "", "network")
        self.require(d, "", "filesystem")
        net = self.get(d, "", "network", _OBJECT)
        fs = self.get(d, "", "filesystem", _OBJECT)
        creds = self.get(d, "", "credentials", _OBJECT)
        self.other_keys(d, "", _ROOT_OTHER)
        self.filesystem(fs)
        if creds is not None:
            self.credentials(creds)
        self.network(net)
        self.option(d, "", "allowPty", "pty")
        self.option(d, "", "allowAppleEvents", "appleEvents")
        # srt's default writes, configd and trustd.agent, and its fixed grants.
        self.call("", self.p.add_srt_defaults)


def apply_srt_settings(policy, settings, warn):
    """Maps srt settings (a dict as json.load gives it) onto policy, which has its home and
    cwd; warn is called with each warning's text."""
    _Reader(policy, warn).apply(settings)
