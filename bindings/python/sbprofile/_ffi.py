"""ctypes declarations of the sbprofile C API, and the loading of the shared library.

Every function the package calls is declared here with its exact argument and result types,
so a mismatch fails loudly instead of corrupting memory. Opaque handles get their own
pointer types; text is passed as (pointer, length); borrowed `const char *` results are read
with their length where the API gives one.
"""

import ctypes
import ctypes.util
import os
import subprocess
import sys
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_size_t,
                    c_uint32, c_uint64, c_void_p)

ENV_VAR = "SBPROFILE_LIB"
PREFIX_VAR = "SBPROFILE_PREFIX"


# ---- structures (include/sbprofile/*.h) ------------------------------------------------------

class sbp_error(Structure):
    """struct sbp_error of common.h (layout version 1)."""
    _fields_ = [
        ("version", c_uint32),
        ("code", c_int),
        ("line", c_uint32),
        ("column", c_uint32),
        ("offset", c_size_t),
        ("message", c_char * 256),
        ("file", c_char * 256),
    ]

    def __init__(self):
        super().__init__()
        self.version = 1


class sbp_buf(Structure):
    """struct sbp_buf of common.h; released with sbp_buf_dispose()."""
    _fields_ = [("ptr", c_void_p), ("len", c_size_t), ("reserved", c_void_p)]


class sbp_serialize_options(Structure):
    _fields_ = [("version", c_uint32), ("flags", c_uint32), ("split_limit", c_size_t)]


SBP_IMPORT_FN = CFUNCTYPE(c_int, c_char_p, c_size_t, c_char_p, POINTER(sbp_buf),
                          POINTER(sbp_buf), POINTER(sbp_error), c_void_p)


class sbp_read_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("flags", c_uint32),
        ("params", POINTER(c_char_p)),
        ("nparams", c_size_t),
        ("import_", SBP_IMPORT_FN),
        ("import_payload", c_void_p),
        ("max_steps", c_size_t),
        ("max_depth", c_size_t),
        ("max_memory", c_size_t),
        ("max_rules", c_size_t),
        ("max_string", c_size_t),
        ("max_import_depth", c_size_t),
        ("max_nesting", c_size_t),
        ("macos", c_uint32),
    ]


class sbp_import_dirs(Structure):
    _fields_ = [("dirs", POINTER(c_char_p)), ("ndirs", c_size_t)]


class sbp_decide_options(Structure):
    _fields_ = [("version", c_uint32), ("flags", c_uint32), ("macos", c_uint32),
                ("unknown_policy", c_int)]


# Opaque handle types.
class _sbp_profile(Structure):
    pass


class _sbp_node(Structure):
    pass


class _sbp_decider(Structure):
    pass


class _sbp_request(Structure):
    pass


class _sbp_decision(Structure):
    pass


class _sbp_lint_result(Structure):
    pass


class _sbp_policy(Structure):
    pass


class sbp_lint_options(Structure):
    _fields_ = [("version", c_uint32), ("macos", c_uint32), ("flags", c_uint32),
                ("read", POINTER(sbp_read_options))]


class sbp_denial(Structure):
    """struct sbp_denial of denial.h (layout version 1)."""
    _fields_ = [
        ("version", c_uint32), ("form", c_int), ("action", c_int), ("system_policy", c_int),
        ("source", c_uint32), ("line", c_uint32), ("pid", c_int64), ("number", c_uint64),
        ("repeats", c_uint64), ("process", c_char_p), ("operation", c_char_p),
        ("target", c_char_p), ("message", c_char_p),
    ]


class sbp_source(Structure):
    _fields_ = [("text", c_char_p), ("len", c_size_t), ("file", c_char_p)]


class sbp_suggest_options(Structure):
    _fields_ = [("version", c_uint32), ("flags", c_uint32), ("macos", c_uint32),
                ("workspace", c_char_p), ("profile", POINTER(sbp_source)),
                ("read", POINTER(sbp_read_options))]


class sbp_suggest_request(Structure):
    _fields_ = [
        ("version", c_uint32), ("status", c_int), ("action", c_int), ("operation", c_char_p),
        ("target", c_char_p), ("processes", c_char_p), ("count", c_uint64),
        ("message", c_char_p), ("reason", c_char_p), ("rule", c_size_t), ("decision", c_int),
        ("decided_by", c_char_p), ("decided_at", c_char_p),
    ]


class sbp_suggest_rule(Structure):
    _fields_ = [
        ("version", c_uint32), ("operation", c_char_p), ("text", c_char_p),
        ("comment", c_char_p), ("note", c_char_p), ("risk", c_char_p), ("after", c_char_p),
        ("applied", c_int),
    ]


class _sbp_denial_log(Structure):
    pass


class _sbp_suggestion(Structure):
    pass


DenialLogP = POINTER(_sbp_denial_log)
SuggestionP = POINTER(_sbp_suggestion)


ProfileP = POINTER(_sbp_profile)
NodeP = POINTER(_sbp_node)
DeciderP = POINTER(_sbp_decider)
RequestP = POINTER(_sbp_request)
DecisionP = POINTER(_sbp_decision)
LintP = POINTER(_sbp_lint_result)
PolicyP = POINTER(_sbp_policy)
ErrP = POINTER(sbp_error)
BufP = POINTER(sbp_buf)
SizeP = POINTER(c_size_t)
U32P = POINTER(c_uint32)

# name: (restype, [argtypes])
_DECLS = {
    # common.h
    "sbp_strerror": (c_char_p, [c_int]),
    "sbp_status_name": (c_char_p, [c_int]),
    "sbp_error_clear": (None, [ErrP]),
    "sbp_buf_dispose": (None, [BufP]),
    # version.h
    "sbp_version_string": (c_char_p, []),
    # profile.h
    "sbp_profile_new": (c_int, [POINTER(ProfileP), c_void_p]),
    "sbp_profile_free": (None, [ProfileP]),
    "sbp_profile_root": (NodeP, [ProfileP]),
    "sbp_profile_version": (c_int, [ProfileP]),
    "sbp_profile_set_version": (c_int, [ProfileP, c_int, ErrP]),
    "sbp_profile_rule_count": (c_size_t, [ProfileP]),
    "sbp_profile_copy": (c_int, [ProfileP, POINTER(ProfileP), c_void_p, ErrP]),
    "sbp_profile_equal": (c_int, [ProfileP, ProfileP, c_uint32]),
    "sbp_node_type_of": (c_int, [NodeP]),
    "sbp_node_type_name": (c_char_p, [c_int]),
    "sbp_node_parent": (NodeP, [NodeP]),
    "sbp_node_first_child": (NodeP, [NodeP]),
    "sbp_node_next": (NodeP, [NodeP]),
    "sbp_node_child_count": (c_size_t, [NodeP]),
    "sbp_node_text": (c_void_p, [NodeP, SizeP]),
    "sbp_node_position": (None, [NodeP, POINTER(c_char_p), U32P, U32P]),
    "sbp_rule_action": (c_int, [NodeP]),
    "sbp_rule_set_action": (c_int, [NodeP, c_int, ErrP]),
    "sbp_rule_comment": (c_void_p, [NodeP, SizeP]),
    "sbp_rule_set_comment": (c_int, [NodeP, c_char_p, c_size_t, ErrP]),
    "sbp_value_kind_of": (c_int, [NodeP]),
    "sbp_value_integer": (c_int64, [NodeP]),
    "sbp_node_unlink": (None, [NodeP]),
    "sbp_node_equal": (c_int, [NodeP, NodeP, c_uint32]),
    "sbp_node_validate": (c_int, [NodeP, ErrP]),
    # build.h
    "sbp_profile_add_rule": (c_int, [ProfileP, c_int, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_rule_add_operation": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_filter": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_require": (c_int, [NodeP, c_int, POINTER(NodeP), ErrP]),
    "sbp_rule_add_modifier": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_string": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_regex": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_constant": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_param": (c_int, [NodeP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_node_add_integer": (c_int, [NodeP, c_int64, POINTER(NodeP), ErrP]),
    "sbp_node_add_boolean": (c_int, [NodeP, c_int, POINTER(NodeP), ErrP]),
    "sbp_node_add_netaddr": (c_int, [NodeP, c_char_p, c_size_t, c_char_p, c_size_t, c_int,
                                     POINTER(NodeP), ErrP]),
    "sbp_node_add_concat": (c_int, [NodeP, POINTER(NodeP), ErrP]),
    "sbp_profile_add_import": (c_int, [ProfileP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_profile_add_comment": (c_int, [ProfileP, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_add_default": (c_int, [ProfileP, c_int, POINTER(NodeP), ErrP]),
    "sbp_add_file": (c_int, [ProfileP, c_int, c_uint32, c_int, c_char_p, c_size_t,
                             POINTER(NodeP), ErrP]),
    "sbp_add_network": (c_int, [ProfileP, c_int, c_int, c_int, c_char_p, c_size_t, c_char_p,
                                c_size_t, c_int, POINTER(NodeP), ErrP]),
    "sbp_add_unix_socket": (c_int, [ProfileP, c_int, c_int, c_int, c_char_p, c_size_t,
                                    POINTER(NodeP), ErrP]),
    "sbp_add_mach_lookup": (c_int, [ProfileP, c_int, c_int, c_char_p, c_size_t,
                                    POINTER(NodeP), ErrP]),
    "sbp_add_mach_lookup_list": (c_int, [ProfileP, c_int, POINTER(c_char_p), POINTER(c_size_t),
                                         c_size_t, POINTER(NodeP), ErrP]),
    "sbp_add_process_exec": (c_int, [ProfileP, c_int, c_int, c_char_p, c_size_t,
                                     POINTER(NodeP), ErrP]),
    "sbp_add_process_fork": (c_int, [ProfileP, c_int, POINTER(NodeP), ErrP]),
    "sbp_add_signal": (c_int, [ProfileP, c_int, c_int, POINTER(NodeP), ErrP]),
    "sbp_add_process_info": (c_int, [ProfileP, c_int, c_int, POINTER(NodeP), ErrP]),
    "sbp_add_sysctl_read": (c_int, [ProfileP, c_int, c_int, c_char_p, c_size_t,
                                    POINTER(NodeP), ErrP]),
    "sbp_add_iokit_open": (c_int, [ProfileP, c_int, c_char_p, c_size_t, POINTER(NodeP), ErrP]),
    "sbp_add_ipc_posix": (c_int, [ProfileP, c_int, c_int, c_int, c_char_p, c_size_t,
                                  POINTER(NodeP), ErrP]),
    "sbp_add_preference": (c_int, [ProfileP, c_int, c_uint32, c_int, c_char_p, c_size_t,
                                   POINTER(NodeP), ErrP]),
    "sbp_add_system_socket": (c_int, [ProfileP, c_int, c_int, c_int, c_int, POINTER(NodeP),
                                      ErrP]),
    # serialize.h
    "sbp_serialize": (c_int, [ProfileP, POINTER(sbp_serialize_options), BufP, ErrP]),
    "sbp_serialize_node": (c_int, [NodeP, POINTER(sbp_serialize_options), BufP, ErrP]),
    "sbp_debug_dump": (c_int, [NodeP, BufP, ErrP]),
}

# Declared when the library has them (they come from modules that may be absent).
_OPTIONAL_DECLS = {
    # denial.h
    "sbp_denial_parse": (c_int, [POINTER(DenialLogP), c_char_p, c_size_t, c_void_p, c_void_p,
                                 ErrP]),
    "sbp_denial_log_free": (None, [DenialLogP]),
    "sbp_denial_log_count": (c_size_t, [DenialLogP]),
    "sbp_denial_log_at": (POINTER(sbp_denial), [DenialLogP, c_size_t]),
    "sbp_denial_log_skipped": (c_size_t, [DenialLogP]),
    "sbp_denial_log_first_skipped": (c_char_p, [DenialLogP, U32P, U32P]),
    "sbp_denial_log_lines": (c_size_t, [DenialLogP, SizeP]),
    "sbp_denial_form_name": (c_char_p, [c_int]),
    # suggest.h
    "sbp_suggest": (c_int, [POINTER(SuggestionP), DenialLogP, POINTER(sbp_suggest_options),
                            c_void_p, ErrP]),
    "sbp_suggestion_free": (None, [SuggestionP]),
    "sbp_suggestion_request_count": (c_size_t, [SuggestionP]),
    "sbp_suggestion_request": (c_int, [SuggestionP, c_size_t, POINTER(sbp_suggest_request)]),
    "sbp_suggestion_rule_count": (c_size_t, [SuggestionP]),
    "sbp_suggestion_rule": (c_int, [SuggestionP, c_size_t, POINTER(sbp_suggest_rule)]),
    "sbp_suggestion_risky_count": (c_size_t, [SuggestionP]),
    "sbp_suggestion_format": (c_int, [SuggestionP, BufP, ErrP]),
    "sbp_suggestion_profile": (c_int, [SuggestionP, BufP, ErrP]),
    "sbp_suggestion_verified": (c_int, [SuggestionP, SizeP, SizeP, POINTER(c_char_p)]),
    "sbp_suggest_status_name": (c_char_p, [c_int]),
    # policy.h
    "sbp_policy_new": (c_int, [POINTER(PolicyP), c_void_p, ErrP]),
    "sbp_policy_free": (None, [PolicyP]),
    "sbp_policy_set_home": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_set_cwd": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_add_path": (c_int, [PolicyP, c_int, c_int, c_char_p, c_size_t, ErrP]),
    "sbp_policy_set_read_mode": (c_int, [PolicyP, c_int, ErrP]),
    "sbp_policy_set_write_mode": (c_int, [PolicyP, c_int, ErrP]),
    "sbp_policy_set_network": (c_int, [PolicyP, c_int, ErrP]),
    "sbp_policy_add_localhost_port": (c_int, [PolicyP, c_int, c_uint32, ErrP]),
    "sbp_policy_add_mach_service": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_set_option": (c_int, [PolicyP, c_int, c_int, ErrP]),
    "sbp_policy_option_get": (c_int, [PolicyP, c_int]),
    "sbp_policy_set_protection": (c_int, [PolicyP, c_char_p, c_size_t, c_int, ErrP]),
    "sbp_policy_set_settings_file": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_protection_count": (c_size_t, []),
    "sbp_policy_protection_name": (c_char_p, [c_size_t]),
    "sbp_policy_add_srt_defaults": (c_int, [PolicyP, ErrP]),
    "sbp_policy_add_base_set": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_add_base_entry": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_remove_base_entry": (c_int, [PolicyP, c_char_p, c_size_t, ErrP]),
    "sbp_policy_compile": (c_int, [PolicyP, POINTER(ProfileP), ErrP]),
    "sbp_policy_to_sbpl": (c_int, [PolicyP, BufP, ErrP]),
    "sbp_policy_warning_count": (c_size_t, [PolicyP]),
    "sbp_policy_warning": (c_char_p, [PolicyP, c_size_t]),
    # read.h
    "sbp_profile_read": (c_int, [POINTER(ProfileP), c_char_p, c_size_t, c_char_p,
                                 POINTER(sbp_read_options), c_void_p, ErrP]),
    "sbp_import_search": (c_int, [c_char_p, c_size_t, c_char_p, BufP, BufP, ErrP, c_void_p]),
    # decide.h
    "sbp_attr_name": (c_char_p, [c_int]),
    "sbp_decider_new": (c_int, [POINTER(DeciderP), ProfileP, POINTER(sbp_decide_options),
                                ErrP]),
    "sbp_decider_free": (None, [DeciderP]),
    "sbp_request_new": (c_int, [POINTER(RequestP), c_void_p, ErrP]),
    "sbp_request_free": (None, [RequestP]),
    "sbp_request_set_operation": (c_int, [RequestP, c_char_p, c_size_t, ErrP]),
    "sbp_request_set_string_attr": (c_int, [RequestP, c_int, c_char_p, c_size_t, ErrP]),
    "sbp_request_set_integer_attr": (c_int, [RequestP, c_int, c_int64, ErrP]),
    "sbp_request_set_named_attr": (c_int, [RequestP, c_char_p, c_size_t, c_int, c_char_p,
                                           c_size_t, c_int64, ErrP]),
    "sbp_request_set_netaddr": (c_int, [RequestP, c_int, c_char_p, c_size_t, c_char_p,
                                        c_size_t, c_int, ErrP]),
    "sbp_request_set_simple": (c_int, [RequestP, c_char_p, c_size_t, c_char_p, c_size_t,
                                       ErrP]),
    "sbp_request_describe": (c_int, [RequestP, BufP, ErrP]),
    "sbp_decision_free": (None, [DecisionP]),
    "sbp_decide": (c_int, [DeciderP, RequestP, POINTER(sbp_decide_options),
                           POINTER(DecisionP), ErrP]),
    "sbp_decision_result": (c_int, [DecisionP]),
    "sbp_decision_result_name": (c_char_p, [c_int]),
    "sbp_decision_step_of": (c_int, [DecisionP]),
    "sbp_decision_step_name": (c_char_p, [c_int]),
    "sbp_decision_flags": (c_uint32, [DecisionP]),
    "sbp_decision_rule": (NodeP, [DecisionP]),
    "sbp_decision_rule_index": (c_int64, [DecisionP]),
    "sbp_decision_operation": (c_char_p, [DecisionP]),
    "sbp_decision_skipped_rule": (NodeP, [DecisionP]),
    "sbp_decision_missing_attr": (c_char_p, [DecisionP]),
    "sbp_decision_missing_import": (c_char_p, [DecisionP]),
    "sbp_decision_missing_param": (c_char_p, [DecisionP]),
    "sbp_decision_describe": (c_int, [DecisionP, BufP, ErrP]),
    "sbp_decision_flag_name": (c_char_p, [c_uint32]),
    "sbp_rule_text": (c_int, [NodeP, BufP, ErrP]),
    "sbp_explain": (c_int, [DeciderP, RequestP, POINTER(sbp_decide_options), BufP, ErrP]),
    # catalog.h
    "sbp_macos_version_resolve": (c_int, [c_char_p, c_size_t, U32P, U32P, ErrP]),
    # lint.h
    "sbp_lint_text": (c_int, [c_char_p, c_size_t, c_char_p, POINTER(sbp_lint_options), c_void_p,
                              POINTER(LintP), ErrP]),
    "sbp_lint_profile": (c_int, [ProfileP, POINTER(sbp_lint_options), POINTER(LintP), ErrP]),
    "sbp_lint_result_free": (None, [LintP]),
    "sbp_lint_count": (c_size_t, [LintP]),
    "sbp_lint_evaluated": (c_int, [LintP]),
    "sbp_lint_code": (c_char_p, [LintP, c_size_t]),
    "sbp_lint_severity": (c_int, [LintP, c_size_t]),
    "sbp_lint_message": (c_char_p, [LintP, c_size_t]),
    "sbp_lint_fix": (c_char_p, [LintP, c_size_t]),
    "sbp_lint_position": (None, [LintP, c_size_t, POINTER(c_char_p), U32P, U32P]),
    "sbp_lint_severity_name": (c_char_p, [c_int]),
    "sbp_lint_check_count": (c_size_t, []),
    "sbp_lint_check_code": (c_char_p, [c_size_t]),
    "sbp_lint_check_severity": (c_int, [c_size_t]),
    "sbp_lint_check_summary": (c_char_p, [c_size_t]),
    # assert.h
    "sbp_assert_decision": (c_int, [DeciderP, RequestP, c_int, ErrP]),
    "sbp_assert_has_rule": (c_int, [ProfileP, c_int, c_char_p, c_size_t, c_char_p, c_size_t,
                                    c_char_p, c_size_t, ErrP]),
    "sbp_profile_rules_mentioning": (c_int, [ProfileP, c_char_p, c_size_t, BufP, SizeP, ErrP]),
}


class LibraryNotFound(ImportError):
    """The shared library could not be found or loaded."""


def _prefix_libdirs(prefix):
    """The library directories of an installed prefix: lib, lib64 and lib/<multiarch>."""
    dirs = [os.path.join(prefix, "lib"), os.path.join(prefix, "lib64")]
    lib = os.path.join(prefix, "lib")
    if os.path.isdir(lib):
        dirs += sorted(os.path.join(lib, d) for d in os.listdir(lib)
                       if "-linux-" in d and os.path.isdir(os.path.join(lib, d)))
    return dirs


def _pkg_config_libdir():
    """The libdir pkg-config gives for sbprofile (honouring PKG_CONFIG_PATH), or None."""
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "sbprofile"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def _candidates():
    """Where to look, in order: $SBPROFILE_LIB (the library file itself), the library dirs
    of $SBPROFILE_PREFIX (where `cmake --install build --prefix DIR` put it), beside the
    package, the libdir pkg-config knows, the Python prefix's lib dirs, then the system's
    search (find_library and the dynamic loader's path). Yields (path, explicit)."""
    env = os.environ.get(ENV_VAR)
    if env:
        yield env, True
        return
    names = {"darwin": ["libsbprofile.dylib"], "win32": ["sbprofile.dll", "libsbprofile.dll"]}
    local = names.get(sys.platform, ["libsbprofile.so", "libsbprofile.so.0.1"])
    prefix = os.environ.get(PREFIX_VAR)
    if prefix:
        hits = [os.path.join(d, n) for d in _prefix_libdirs(prefix) for n in local
                if os.path.exists(os.path.join(d, n))]
        if not hits:
            raise LibraryNotFound(f"{PREFIX_VAR}={prefix}: no {' or '.join(local)} in "
                                  f"{', '.join(_prefix_libdirs(prefix))}")
        for p in hits:
            yield p, True
        return
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [here, os.path.dirname(here)]
    pc = _pkg_config_libdir()
    if pc:
        dirs.append(pc)
    dirs += _prefix_libdirs(sys.prefix)
    for d in dirs:
        for n in local:
            p = os.path.join(d, n)
            if os.path.exists(p):
                yield p, False
    found = ctypes.util.find_library("sbprofile")
    if found:
        yield found, False
    for n in local:
        yield n, False  # the dynamic loader's own search path (LD_LIBRARY_PATH, ld.so.cache)


def _open():
    tried = []
    for path, explicit in _candidates():
        if explicit and path.endswith((".a", ".lib")):
            raise LibraryNotFound(
                f"{path} is a static library; the Python binding needs the shared library "
                f"(build with -DBUILD_SHARED_LIBS=ON)")
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path}: {e}")
            if explicit:
                break
    raise LibraryNotFound(
        "cannot load the sbprofile shared library; set " + ENV_VAR + " to its path or " +
        PREFIX_VAR + " to the prefix it was installed to, or install it where pkg-config or "
        "the dynamic loader finds it.\n  " +
        "\n  ".join(tried))


class _Lib:
    """The loaded library with its declared functions, as attributes."""

    def __init__(self):
        self.dll, self.path = _open()
        for name, (res, args) in _DECLS.items():
            self._declare(name, res, args, required=True)
        for name, (res, args) in _OPTIONAL_DECLS.items():
            self._declare(name, res, args, required=False)

    def _declare(self, name, res, args, required):
        try:
            fn = getattr(self.dll, name)
        except AttributeError:
            if required:
                raise LibraryNotFound(f"{self.path} lacks {name}; is it an older sbprofile?")
            return
        fn.restype = res
        fn.argtypes = args
        setattr(self, name, fn)

    def has(self, name):
        return hasattr(self, name)


_lib = None


def lib():
    """The library, loaded on first use."""
    global _lib
    if _lib is None:
        _lib = _Lib()
    return _lib


def addr(ptr):
    """The address held by a typed pointer (0 for NULL)."""
    return ctypes.cast(ptr, c_void_p).value or 0


def text(b):
    """Text argument: str (UTF-8) or bytes -> (bytes, length)."""
    if isinstance(b, str):
        b = b.encode("utf-8")
    elif isinstance(b, (bytearray, memoryview)):
        b = bytes(b)
    elif not isinstance(b, bytes):
        raise TypeError(f"expected str or bytes, got {type(b).__name__}")
    return b, len(b)


def take_buf(buf):
    """The bytes of a filled sbp_buf as str; the buffer is disposed of in every case."""
    try:
        if not buf.ptr:
            return ""
        return ctypes.string_at(buf.ptr, buf.len).decode("utf-8", "replace")
    finally:
        lib().sbp_buf_dispose(ctypes.byref(buf))


def borrowed(ptr, length):
    if not ptr:
        return None
    return ctypes.string_at(ptr, length).decode("utf-8", "replace")


__all__ = ["lib", "sbp_error", "sbp_buf", "LibraryNotFound"]
