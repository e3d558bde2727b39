'use strict';
// koffi declarations of the sbprofile C API, and the loading of the shared library.
// Every function the binding calls is declared here with its C prototype; text goes in as
// (Buffer, length); out-pointers are one-element arrays; sbp_error and sbp_buf are structs.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const ENV_VAR = 'SBPROFILE_LIB';

class LibraryNotFound extends Error {
  constructor(message) {
    super(message);
    this.name = 'LibraryNotFound';
  }
}

function candidates() {
  const env = process.env[ENV_VAR];
  if (env) return [[env, true]];
  const names = process.platform === 'darwin' ? ['libsbprofile.dylib']
    : process.platform === 'win32' ? ['sbprofile.dll', 'libsbprofile.dll']
      : ['libsbprofile.so', 'libsbprofile.so.0.1'];
  const out = [];
  for (const dir of [path.join(__dirname, '..'), __dirname]) {
    for (const n of names) {
      const p = path.join(dir, n);
      if (fs.existsSync(p)) out.push([p, true]);
    }
  }
  for (const n of names) out.push([n, false]); // the dynamic loader's search path
  return out;
}

function open() {
  const tried = [];
  for (const [p, explicit] of candidates()) {
    if (explicit && /\.(a|lib)$/.test(p)) {
      throw new LibraryNotFound(`${p} is a static library; the Node binding needs the shared ` +
        'library (build with -DBUILD_SHARED_LIBS=ON)');
    }
    try {
      return [koffi.load(p), p];
    } catch (e) {
      tried.push(`${p}: ${e.message}`);
      if (explicit) break;
    }
  }
  throw new LibraryNotFound(`cannot load the sbprofile shared library; set ${ENV_VAR} to its ` +
    `path, put it next to the package, or install it on the library path.\n  ${tried.join('\n  ')}`);
}

// ---- types (include/sbprofile/*.h) ---------------------------------------------------------

const types = {};
types.sbp_error = koffi.struct('sbp_error', {
  version: 'uint32_t',
  code: 'int',
  line: 'uint32_t',
  column: 'uint32_t',
  offset: 'size_t',
  message: koffi.array('char', 256),
  file: koffi.array('char', 256),
});
types.sbp_buf = koffi.struct('sbp_buf', { ptr: 'void *', len: 'size_t', reserved: 'void *' });
// The same layout, read with its bytes as a (NUL-terminated) string.
types.sbp_buf_text = koffi.struct('sbp_buf_text', { ptr: 'const char *', len: 'size_t', reserved: 'void *' });
types.sbp_serialize_options = koffi.struct('sbp_serialize_options', {
  version: 'uint32_t', flags: 'uint32_t', split_limit: 'size_t',
});
types.sbp_read_options = koffi.struct('sbp_read_options', {
  version: 'uint32_t',
  flags: 'uint32_t',
  params: 'const char **',
  nparams: 'size_t',
  import_fn: 'void *', // sbp_import_fn; only ever the library's own sbp_import_search
  import_payload: 'void *',
  max_steps: 'size_t',
  max_depth: 'size_t',
  max_memory: 'size_t',
  max_rules: 'size_t',
  max_string: 'size_t',
  max_import_depth: 'size_t',
  max_nesting: 'size_t',
  macos: 'uint32_t',
});
types.sbp_import_dirs = koffi.struct('sbp_import_dirs', { dirs: 'const char **', ndirs: 'size_t' });
types.sbp_decide_options = koffi.struct('sbp_decide_options', {
  version: 'uint32_t', flags: 'uint32_t', macos: 'uint32_t', unknown_policy: 'int',
});
types.sbp_lint_options = koffi.struct('sbp_lint_options', {
  version: 'uint32_t', macos: 'uint32_t', flags: 'uint32_t', read: 'const sbp_read_options *',
});
types.sbp_denial = koffi.struct('sbp_denial', {
  version: 'uint32_t', form: 'int', action: 'int', system_policy: 'int', source: 'uint32_t',
  line: 'uint32_t', pid: 'int64_t', number: 'uint64_t', repeats: 'uint64_t',
  process: 'const char *', operation: 'const char *', target: 'const char *', message: 'const char *',
});
types.sbp_source = koffi.struct('sbp_source', { text: 'const char *', len: 'size_t', file: 'const char *' });
types.sbp_suggest_options = koffi.struct('sbp_suggest_options', {
  version: 'uint32_t', flags: 'uint32_t', macos: 'uint32_t', workspace: 'const char *',
  profile: 'const sbp_source *', read: 'const sbp_read_options *',
});
types.sbp_suggest_request = koffi.struct('sbp_suggest_request', {
  version: 'uint32_t', status: 'int', action: 'int', operation: 'const char *',
  target: 'const char *', processes: 'const char *', count: 'uint64_t', message: 'const char *',
  reason: 'const char *', rule: 'size_t', decision: 'int', decided_by: 'const char *',
  decided_at: 'const char *',
});
types.sbp_suggest_rule = koffi.struct('sbp_suggest_rule', {
  version: 'uint32_t', operation: 'const char *', text: 'const char *', comment: 'const char *',
  note: 'const char *', risk: 'const char *', after: 'const char *', applied: 'int',
});
for (const name of ['sbp_profile', 'sbp_node', 'sbp_decider', 'sbp_request', 'sbp_decision', 'sbp_lint_result',
  'sbp_denial_log', 'sbp_suggestion', 'sbp_policy']) {
  koffi.pointer(name, koffi.opaque());
}

const DECLS = [
  // common.h, version.h
  'const char *sbp_strerror(int code)',
  'const char *sbp_status_name(int code)',
  'void sbp_error_clear(_Inout_ sbp_error *err)',
  'void sbp_buf_dispose(sbp_buf *buf)',
  'const char *sbp_version_string()',
  // profile.h
  'int sbp_profile_new(_Out_ sbp_profile **out, void *alloc)',
  'void sbp_profile_free(sbp_profile *profile)',
  'sbp_node *sbp_profile_root(sbp_profile *profile)',
  'int sbp_profile_version(sbp_profile *profile)',
  'int sbp_profile_set_version(sbp_profile *profile, int version, _Inout_ sbp_error *err)',
  'size_t sbp_profile_rule_count(sbp_profile *profile)',
  'int sbp_profile_copy(sbp_profile *src, _Out_ sbp_profile **out, void *alloc, _Inout_ sbp_error *err)',
  'int sbp_profile_equal(sbp_profile *a, sbp_profile *b, uint32_t flags)',
  'int sbp_node_type_of(sbp_node *node)',
  'const char *sbp_node_type_name(int type)',
  'sbp_node *sbp_node_parent(sbp_node *node)',
  'sbp_node *sbp_node_first_child(sbp_node *node)',
  'sbp_node *sbp_node_next(sbp_node *node)',
  'size_t sbp_node_child_count(sbp_node *node)',
  'const char *sbp_node_text(sbp_node *node, _Out_ size_t *len)',
  'void sbp_node_position(sbp_node *node, _Out_ const char **file, _Out_ uint32_t *line, _Out_ uint32_t *column)',
  'int sbp_rule_action(sbp_node *rule)',
  'int sbp_rule_set_action(sbp_node *rule, int action, _Inout_ sbp_error *err)',
  'const char *sbp_rule_comment(sbp_node *rule, _Out_ size_t *len)',
  'int sbp_rule_set_comment(sbp_node *rule, const char *text, size_t len, _Inout_ sbp_error *err)',
  'int sbp_value_kind_of(sbp_node *value)',
  'int64_t sbp_value_integer(sbp_node *value)',
  'void sbp_node_unlink(sbp_node *node)',
  'int sbp_node_validate(sbp_node *node, _Inout_ sbp_error *err)',
  // build.h
  'int sbp_profile_add_rule(sbp_profile *p, int action, const char *op, size_t op_len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_rule_add_operation(sbp_node *rule, const char *op, size_t op_len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_filter(sbp_node *parent, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_require(sbp_node *parent, int type, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_rule_add_modifier(sbp_node *rule, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_string(sbp_node *parent, const char *text, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_regex(sbp_node *parent, const char *re, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_constant(sbp_node *parent, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_param(sbp_node *parent, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_integer(sbp_node *parent, int64_t number, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_boolean(sbp_node *parent, int truth, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_netaddr(sbp_node *parent, const char *proto, size_t proto_len, const char *host, size_t host_len, int port, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_node_add_concat(sbp_node *parent, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_profile_add_import(sbp_profile *p, const char *path, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_profile_add_comment(sbp_profile *p, const char *text, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_default(sbp_profile *p, int action, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_file(sbp_profile *p, int action, uint32_t access, int match, const char *path, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_network(sbp_profile *p, int action, int op, int side, const char *proto, size_t proto_len, const char *host, size_t host_len, int port, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_unix_socket(sbp_profile *p, int action, int op, int match, const char *path, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_mach_lookup(sbp_profile *p, int action, int match, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_mach_lookup_list(sbp_profile *p, int action, const char **names, const size_t *lens, size_t count, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_process_exec(sbp_profile *p, int action, int match, const char *path, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_process_fork(sbp_profile *p, int action, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_signal(sbp_profile *p, int action, int target, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_process_info(sbp_profile *p, int action, int target, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_sysctl_read(sbp_profile *p, int action, int match, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_iokit_open(sbp_profile *p, int action, const char *class_name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_ipc_posix(sbp_profile *p, int action, int kind, int match, const char *name, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_preference(sbp_profile *p, int action, uint32_t access, int match, const char *domain, size_t len, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  'int sbp_add_system_socket(sbp_profile *p, int action, int domain, int type, int protocol, _Out_ sbp_node **out, _Inout_ sbp_error *err)',
  // serialize.h
  'int sbp_serialize(sbp_profile *p, const sbp_serialize_options *opts, sbp_buf *out, _Inout_ sbp_error *err)',
  'int sbp_serialize_node(sbp_node *node, const sbp_serialize_options *opts, sbp_buf *out, _Inout_ sbp_error *err)',
  'int sbp_debug_dump(sbp_node *node, sbp_buf *out, _Inout_ sbp_error *err)',
];

const OPTIONAL_DECLS = [
  // policy.h
  'int sbp_policy_new(_Out_ sbp_policy **out, void *alloc, _Inout_ sbp_error *err)',
  'void sbp_policy_free(sbp_policy *policy)',
  'int sbp_policy_set_home(sbp_policy *p, const char *home, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_set_cwd(sbp_policy *p, const char *cwd, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_add_path(sbp_policy *p, int list, int kind, const char *path, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_set_read_mode(sbp_policy *p, int mode, _Inout_ sbp_error *err)',
  'int sbp_policy_set_write_mode(sbp_policy *p, int mode, _Inout_ sbp_error *err)',
  'int sbp_policy_set_network(sbp_policy *p, int mode, _Inout_ sbp_error *err)',
  'int sbp_policy_add_localhost_port(sbp_policy *p, int port, uint32_t access, _Inout_ sbp_error *err)',
  'int sbp_policy_add_mach_service(sbp_policy *p, const char *name, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_set_option(sbp_policy *p, int option, int on, _Inout_ sbp_error *err)',
  'int sbp_policy_option_get(sbp_policy *p, int option)',
  'int sbp_policy_set_protection(sbp_policy *p, const char *name, size_t len, int on, _Inout_ sbp_error *err)',
  'int sbp_policy_set_settings_file(sbp_policy *p, const char *path, size_t len, _Inout_ sbp_error *err)',
  'size_t sbp_policy_protection_count(void)',
  'const char *sbp_policy_protection_name(size_t index)',
  'int sbp_policy_add_srt_defaults(sbp_policy *p, _Inout_ sbp_error *err)',
  'int sbp_policy_add_base_set(sbp_policy *p, const char *name, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_add_base_entry(sbp_policy *p, const char *name, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_remove_base_entry(sbp_policy *p, const char *name, size_t len, _Inout_ sbp_error *err)',
  'int sbp_policy_compile(sbp_policy *p, _Out_ sbp_profile **out, _Inout_ sbp_error *err)',
  'int sbp_policy_to_sbpl(sbp_policy *p, sbp_buf *out, _Inout_ sbp_error *err)',
  'size_t sbp_policy_warning_count(sbp_policy *p)',
  'const char *sbp_policy_warning(sbp_policy *p, size_t index)',
  // read.h
  'int sbp_profile_read(_Out_ sbp_profile **out, const char *text, size_t len, const char *file, const sbp_read_options *opts, void *alloc, _Inout_ sbp_error *err)',
  // catalog.h
  'int sbp_macos_version_resolve(const char *text, size_t len, _Out_ uint32_t *requested, _Out_ uint32_t *used, _Inout_ sbp_error *err)',
  // decide.h
  'int sbp_decider_new(_Out_ sbp_decider **out, sbp_profile *profile, const sbp_decide_options *options, _Inout_ sbp_error *err)',
  'void sbp_decider_free(sbp_decider *decider)',
  'int sbp_request_new(_Out_ sbp_request **out, void *alloc, _Inout_ sbp_error *err)',
  'void sbp_request_free(sbp_request *request)',
  'int sbp_request_set_string_attr(sbp_request *r, int attr, const char *value, size_t len, _Inout_ sbp_error *err)',
  'int sbp_request_set_integer_attr(sbp_request *r, int attr, int64_t value, _Inout_ sbp_error *err)',
  'int sbp_request_set_named_attr(sbp_request *r, const char *name, size_t name_len, int is_integer, const char *value, size_t len, int64_t number, _Inout_ sbp_error *err)',
  'int sbp_request_set_netaddr(sbp_request *r, int attr, const char *proto, size_t proto_len, const char *host, size_t host_len, int port, _Inout_ sbp_error *err)',
  'int sbp_request_set_simple(sbp_request *r, const char *op, size_t op_len, const char *target, size_t target_len, _Inout_ sbp_error *err)',
  'int sbp_request_describe(sbp_request *r, sbp_buf *out, _Inout_ sbp_error *err)',
  'void sbp_decision_free(sbp_decision *decision)',
  'int sbp_decide(sbp_decider *d, sbp_request *r, const sbp_decide_options *options, _Out_ sbp_decision **out, _Inout_ sbp_error *err)',
  'int sbp_decision_result(sbp_decision *d)',
  'const char *sbp_decision_result_name(int result)',
  'int sbp_decision_step_of(sbp_decision *d)',
  'const char *sbp_decision_step_name(int step)',
  'uint32_t sbp_decision_flags(sbp_decision *d)',
  'sbp_node *sbp_decision_rule(sbp_decision *d)',
  'int64_t sbp_decision_rule_index(sbp_decision *d)',
  'const char *sbp_decision_operation(sbp_decision *d)',
  'sbp_node *sbp_decision_skipped_rule(sbp_decision *d)',
  'const char *sbp_decision_missing_attr(sbp_decision *d)',
  'const char *sbp_decision_missing_import(sbp_decision *d)',
  'const char *sbp_decision_missing_param(sbp_decision *d)',
  'int sbp_decision_describe(sbp_decision *d, sbp_buf *out, _Inout_ sbp_error *err)',
  'const char *sbp_decision_flag_name(uint32_t flag)',
  'int sbp_explain(sbp_decider *d, sbp_request *r, const sbp_decide_options *options, sbp_buf *out, _Inout_ sbp_error *err)',
  // lint.h
  'int sbp_lint_text(const char *text, size_t len, const char *file, const sbp_lint_options *opts, void *alloc, _Out_ sbp_lint_result **out, _Inout_ sbp_error *err)',
  'int sbp_lint_profile(sbp_profile *p, const sbp_lint_options *opts, _Out_ sbp_lint_result **out, _Inout_ sbp_error *err)',
  'void sbp_lint_result_free(sbp_lint_result *result)',
  'size_t sbp_lint_count(sbp_lint_result *result)',
  'int sbp_lint_evaluated(sbp_lint_result *result)',
  'const char *sbp_lint_code(sbp_lint_result *result, size_t i)',
  'int sbp_lint_severity(sbp_lint_result *result, size_t i)',
  'const char *sbp_lint_message(sbp_lint_result *result, size_t i)',
  'const char *sbp_lint_fix(sbp_lint_result *result, size_t i)',
  'void sbp_lint_position(sbp_lint_result *result, size_t i, _Out_ const char **file, _Out_ uint32_t *line, _Out_ uint32_t *column)',
  'const char *sbp_lint_severity_name(int severity)',
  'size_t sbp_lint_check_count()',
  'const char *sbp_lint_check_code(size_t i)',
  'int sbp_lint_check_severity(size_t i)',
  'const char *sbp_lint_check_summary(size_t i)',
  // denial.h
  'int sbp_denial_parse(_Out_ sbp_denial_log **out, const char *text, size_t len, void *opts, void *alloc, _Inout_ sbp_error *err)',
  'void sbp_denial_log_free(sbp_denial_log *log)',
  'size_t sbp_denial_log_count(sbp_denial_log *log)',
  'const sbp_denial *sbp_denial_log_at(sbp_denial_log *log, size_t i)',
  'size_t sbp_denial_log_skipped(sbp_denial_log *log)',
  'const char *sbp_denial_log_first_skipped(sbp_denial_log *log, _Out_ uint32_t *source, _Out_ uint32_t *line)',
  'size_t sbp_denial_log_lines(sbp_denial_log *log, _Out_ size_t *other)',
  'const char *sbp_denial_form_name(int form)',
  // suggest.h
  'int sbp_suggest(_Out_ sbp_suggestion **out, sbp_denial_log *log, const sbp_suggest_options *opts, void *alloc, _Inout_ sbp_error *err)',
  'void sbp_suggestion_free(sbp_suggestion *s)',
  'size_t sbp_suggestion_request_count(sbp_suggestion *s)',
  'int sbp_suggestion_request(sbp_suggestion *s, size_t i, _Out_ sbp_suggest_request *out)',
  'size_t sbp_suggestion_rule_count(sbp_suggestion *s)',
  'int sbp_suggestion_rule(sbp_suggestion *s, size_t i, _Out_ sbp_suggest_rule *out)',
  'int sbp_suggestion_format(sbp_suggestion *s, sbp_buf *out, _Inout_ sbp_error *err)',
  'int sbp_suggestion_profile(sbp_suggestion *s, sbp_buf *out, _Inout_ sbp_error *err)',
  'int sbp_suggestion_verified(sbp_suggestion *s, _Out_ size_t *still, _Out_ size_t *other, _Out_ const char **text)',
  'const char *sbp_suggest_status_name(int status)',
  // assert.h
  'int sbp_assert_decision(sbp_decider *d, sbp_request *r, int expected, _Inout_ sbp_error *err)',
  'int sbp_assert_has_rule(sbp_profile *p, int action, const char *op, size_t op_len, const char *filter, size_t filter_len, const char *value, size_t value_len, _Inout_ sbp_error *err)',
  'int sbp_profile_rules_mentioning(sbp_profile *p, const char *value, size_t value_len, sbp_buf *out, _Out_ size_t *count, _Inout_ sbp_error *err)',
];

let loaded = null;

/** The library and its functions, loaded on first use. */
function lib() {
  if (loaded) return loaded;
  const [dll, libPath] = open();
  const fns = { path: libPath, dll };
  const declare = (proto, required) => {
    const name = /([A-Za-z_0-9]+)\(/.exec(proto)[1];
    try {
      fns[name] = dll.func(proto);
    } catch (e) {
      if (required) throw new LibraryNotFound(`${libPath} lacks ${name}: ${e.message}`);
    }
  };
  for (const d of DECLS) declare(d, true);
  for (const d of OPTIONAL_DECLS) declare(d, false);
  try {
    fns.importSearch = dll.symbol('sbp_import_search', koffi.opaque());
  } catch (e) {
    fns.importSearch = null;
  }
  loaded = fns;
  return fns;
}

function newError() {
  return { version: 1, code: 0, line: 0, column: 0, offset: 0, message: '', file: '' };
}

// sbp_buf structs live in native memory and are reused: a buffer is taken from the pool,
// filled by the library, read and disposed of (which resets it), and put back. (Reading
// them with a counted koffi.decode() would leak a little native memory on each call.)
const bufPool = [];

function newBuf() {
  if (bufPool.length) return bufPool.pop();
  const b = koffi.alloc(types.sbp_buf, 1);
  koffi.encode(b, types.sbp_buf, { ptr: null, len: 0, reserved: null });
  return b;
}

/** The text of a filled sbp_buf; the buffer is disposed of and returned to the pool. */
function takeBuf(buf) {
  try {
    return koffi.decode(buf, types.sbp_buf_text).ptr || '';
  } finally {
    lib().sbp_buf_dispose(buf);
    bufPool.push(buf);
  }
}

// Option structs passed by pointer are encoded once into native memory and kept, one per
// distinct value (a handful in practice); passing a fresh object on every call would leak
// a little native memory in koffi each time.
const optionCache = new Map();

function nativeOptions(type, value) {
  const key = `${type}:${JSON.stringify(value)}`;
  let ptr = optionCache.get(key);
  if (!ptr) {
    ptr = koffi.alloc(types[type], 1);
    koffi.encode(ptr, types[type], value);
    optionCache.set(key, ptr);
  }
  return ptr;
}

/** Text argument: string (UTF-8) or Buffer -> [Buffer, length]. */
function text(s, what = 'text') {
  if (Buffer.isBuffer(s)) return [s, s.length];
  if (typeof s !== 'string') throw new TypeError(`${what}: expected a string, got ${typeof s}`);
  const b = Buffer.from(s, 'utf8');
  return [b, b.length];
}

function optText(s, what) {
  return s === null || s === undefined ? [null, 0] : text(s, what);
}

function addr(ptr) {
  return ptr ? koffi.address(ptr) : 0n;
}

module.exports = {
  koffi, lib, types, LibraryNotFound, newError, newBuf, takeBuf, nativeOptions, text, optText, addr, ENV_VAR,
};
