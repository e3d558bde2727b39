'use strict';
// sbprofile for Node: build, read, check and render macOS Seatbelt sandbox profiles (SBPL).
//
//   const sbp = require('sbprofile');
//   const p = new sbp.Profile({ version: 1 });
//   p.addDefault('deny');
//   p.addMachLookup('allow', 'com.apple.SystemConfiguration.configd');
//   p.assertAllows('mach-lookup', 'com.apple.SystemConfiguration.configd');
//   console.log(p.serialize());
//   p.close();
//
// Ownership: a Profile owns its C profile and frees it once, in close() (or, as a backstop,
// when it is garbage-collected). Nodes and deciders keep their profile alive and throw once
// it is closed; deciders are always freed before their profile. Decisions are plain objects.

const fs = require('node:fs');
const { AssertionError } = require('node:assert');
const ffi = require('./lib/ffi.js');

const { lib, text, optText, newError, newBuf, takeBuf } = ffi;

// ---- constants -----------------------------------------------------------------------------

const ACTIONS = { allow: 1, deny: 2 };
const MATCH = { any: 0, literal: 1, exact: 1, subpath: 2, prefix: 3, regex: 4 };
const FILE_ACCESS = {
  read: 1 << 0, write: 1 << 1, 'read-data': 1 << 2, 'read-metadata': 1 << 3,
  'read-xattr': 1 << 4, 'write-data': 1 << 5, 'write-create': 1 << 6, 'write-unlink': 1 << 7,
  'write-xattr': 1 << 8, ioctl: 1 << 9, 'map-executable': 1 << 10, 'test-existence': 1 << 11,
  all: 1 << 12,
};
const REQUIRE = { all: 7, any: 8, not: 9 };
const NET_OPS = { outbound: 1, inbound: 2, bind: 3, all: 4 };
const NET_SIDES = { any: 0, local: 1, remote: 2 };
const TARGETS = { any: 0, self: 1, pgrp: 2, others: 3, children: 4, 'same-sandbox': 5, initproc: 6 };
const IPC = { shm: 1, sem: 2 };
const PREF = { read: 1, write: 2 };
const VALUE_KINDS = { 1: 'string', 2: 'integer', 3: 'constant', 4: 'regex', 5: 'netaddr', 6: 'param', 7: 'concat', 8: 'boolean' };
const RESULTS = { unknown: 0, allow: 1, deny: 2 };
const UNKNOWN_POLICY = { report: 0, false: 1, true: 2 };
const ATTRS = {
  path: 1, 'global-name': 2, 'local-name': 3, 'xpc-service-name': 4, 'ipc-posix-name': 5,
  'sysctl-name': 6, 'preference-domain': 7, 'iokit-registry-entry-class': 8, 'iokit-property': 9,
  'notification-name': 10, 'appleevent-destination': 11, xattr: 12, 'process-path': 13,
  'signing-identifier': 14, extension: 15, 'right-name': 16, 'control-name': 17, target: 18,
  'socket-domain': 19, 'socket-type': 20, 'socket-protocol': 21, 'vnode-type': 22,
  'file-mode': 23, 'signal-number': 24, local: 25, remote: 26,
};
const PORT_ANY = -1;
const SOCKET_ANY = -1;

function version() {
  return lib().sbp_version_string();
}

function libraryPath() {
  return lib().path;
}

// ---- errors --------------------------------------------------------------------------------

/** A failure reported by the library: code (SBP_E_* value), status (its name), message and
 *  the position (file, line, column, offset) when there is one. */
class SbprofileError extends Error {
  constructor(code, message, { line = 0, column = 0, file = '', offset = 0 } = {}) {
    super(message);
    this.name = 'SbprofileError';
    this.code = code;
    this.status = lib().sbp_status_name(code);
    this.line = line;
    this.column = column;
    this.file = file || null;
    this.offset = Number(offset);
  }

  get position() {
    return this.line ? { file: this.file, line: this.line, column: this.column } : null;
  }

  toString() {
    const where = this.line ? `${this.file ? `${this.file}:` : ''}${this.line}:${this.column}: ` : '';
    return `${where}${this.message} (${this.status})`;
  }
}

/** A failed assertion: the library's message and the position of the rule it quotes. */
class ProfileAssertionError extends AssertionError {
  constructor(message, { line = 0, column = 0, file = '' } = {}) {
    super({ message });
    this.line = line;
    this.column = column;
    this.file = file || null;
  }

  get position() {
    return this.line ? { file: this.file, line: this.line, column: this.column } : null;
  }
}

function errorOf(rc, err) {
  const msg = (err.code && err.message) || lib().sbp_strerror(rc);
  return new SbprofileError(rc, msg, err);
}

function check(rc, err) {
  if (rc !== 0) throw errorOf(rc, err);
}

function need(name) {
  const fn = lib()[name];
  if (!fn) throw new Error(`the sbprofile library at ${lib().path} has no ${name}`);
  return fn;
}

function lookup(table, what, key) {
  if (typeof key === 'number') return key;
  if (key === null || key === undefined) key = 'any';
  if (!(key in table)) throw new RangeError(`${what}: unknown ${JSON.stringify(key)}`);
  return table[key];
}

const action = (a) => {
  if (typeof a === 'number') return a;
  if (!(a in ACTIONS)) throw new RangeError(`action: expected 'allow' or 'deny', got ${JSON.stringify(a)}`);
  return ACTIONS[a];
};

function fileAccess(access) {
  if (typeof access === 'number') return access;
  if (typeof access === 'string') access = [access];
  let bits = 0;
  for (const a of access) bits |= typeof a === 'number' ? a : lookup(FILE_ACCESS, 'access', a);
  return bits;
}

function macos(v) {
  if (!v) return 0;
  if (typeof v === 'number') return v;
  // As the CLI's --macos: a version without a catalog of its own uses the newest before it
  // (the options take catalog versions).
  const used = [0];
  const err = newError();
  check(need('sbp_macos_version_resolve')(...text(v), [0], used, err), err);
  return used[0];
}

// ---- values for the builder ----------------------------------------------------------------

class Regex { constructor(s) { this.source = s; } toString() { return this.source; } }
class Constant { constructor(s) { this.name = s; } toString() { return this.name; } }
class Param { constructor(s) { this.name = s; } toString() { return this.name; } }
class Concat { constructor(...parts) { this.parts = parts; } }
class NetAddr {
  constructor(proto, host = null, port = PORT_ANY) {
    this.proto = proto; this.host = host; this.port = port;
  }
}

// ---- ownership -----------------------------------------------------------------------------

// Backstops for objects dropped without close(). The held values never reference the
// JavaScript objects themselves, so those can be collected.
const profileRegistry = new FinalizationRegistry((s) => freeProfileState(s));
const deciderRegistry = new FinalizationRegistry(({ h, ps }) => freeDecider(h, ps));
const requestRegistry = new FinalizationRegistry((h) => freeRequest(h));

function freeProfileState(s) {
  if (!s.ptr) return;
  for (const h of s.deciders) freeDecider(h, null);
  s.deciders.clear();
  const ptr = s.ptr;
  s.ptr = null;
  lib().sbp_profile_free(ptr);
}

function freeDecider(h, ps) {
  if (h.ptr) {
    const ptr = h.ptr;
    h.ptr = null;
    lib().sbp_decider_free(ptr);
  }
  if (ps) ps.deciders.delete(h);
}

function freeRequest(h) {
  if (h.ptr) {
    const ptr = h.ptr;
    h.ptr = null;
    lib().sbp_request_free(ptr);
  }
}

function addDispose(cls) {
  if (typeof Symbol.dispose === 'symbol') {
    cls.prototype[Symbol.dispose] = function dispose() { this.close(); };
  }
}

// ---- nodes ---------------------------------------------------------------------------------

function wrap(profile, ptr) {
  if (!ptr) return null;
  const t = lib().sbp_node_type_of(ptr);
  if (t === 2) return new Rule(profile, ptr);
  if (t === 11) return new Value(profile, ptr);
  return new Node(profile, ptr);
}

function serializeOptions({ compact = false, comments = true, split = true, splitLimit = 0 } = {}) {
  return ffi.nativeOptions('sbp_serialize_options', {
    version: 1,
    flags: (compact ? 1 : 0) | (comments ? 0 : 2) | (split ? 0 : 4),
    split_limit: splitLimit || 65535,
  });
}

function bufCall(fn, ...args) {
  const buf = newBuf();
  const err = newError();
  let rc;
  let out;
  try {
    rc = fn(...args, buf, err);
  } finally {
    out = takeBuf(buf);
  }
  check(rc, err);
  return out;
}

/** A node of a profile's tree; it keeps its profile alive and throws once it is closed. */
class Node {
  constructor(profile, ptr) {
    this._profile = profile;
    this._node = ptr;
  }

  get _p() {
    this._profile._ptr; // eslint-disable-line no-unused-expressions
    return this._node;
  }

  get profile() { return this._profile; }

  /** "rule", "filter", "value", ... */
  get type() { return lib().sbp_node_type_name(lib().sbp_node_type_of(this._p)); }

  get text() {
    const n = [0];
    return lib().sbp_node_text(this._p, n);
  }

  /** {file, line, column} where the node came from, or null. */
  get position() {
    const f = [null];
    const l = [0];
    const c = [0];
    lib().sbp_node_position(this._p, f, l, c);
    return l[0] ? { file: f[0], line: l[0], column: c[0] } : null;
  }

  get parent() { return wrap(this._profile, lib().sbp_node_parent(this._p)); }

  get children() { return [...this]; }

  get length() { return Number(lib().sbp_node_child_count(this._p)); }

  * [Symbol.iterator]() {
    let c = lib().sbp_node_first_child(this._p);
    while (c) {
      yield wrap(this._profile, c);
      c = lib().sbp_node_next(c);
    }
  }

  equals(other) {
    return other instanceof Node && ffi.addr(this._node) === ffi.addr(other._node);
  }

  serialize(opts) {
    return bufCall(lib().sbp_serialize_node, this._p, serializeOptions(opts));
  }

  dump() { return bufCall(lib().sbp_debug_dump, this._p); }

  validate() {
    const err = newError();
    check(lib().sbp_node_validate(this._p, err), err);
  }

  unlink() {
    lib().sbp_node_unlink(this._p);
    this._profile._touch();
  }

  _add(fn, ...args) {
    const out = [null];
    const err = newError();
    check(fn(this._p, ...args, out, err), err);
    this._profile._touch();
    return wrap(this._profile, out[0]);
  }

  /** Adds a filter (NAME value ...) to a rule or require-* node and returns it. */
  addFilter(name, ...values) {
    const f = this._add(lib().sbp_node_add_filter, ...text(name, 'name'));
    for (const v of values) f.addValue(v);
    return f;
  }

  /** Adds (require-all|any|not ...); filters are [name, value, ...] arrays. */
  addRequire(kind, ...filters) {
    const r = this._add(lib().sbp_node_add_require, lookup(REQUIRE, 'kind', kind.replace(/^require-/, '')));
    for (const f of filters) r.addFilter(...f);
    return r;
  }

  /** Adds a value by its type: string, Regex, Constant, Param, boolean, number, bigint,
   *  Concat or NetAddr. */
  addValue(v) {
    if (v instanceof Regex) return this.addRegex(v.source);
    if (v instanceof Constant) return this.addConstant(v.name);
    if (v instanceof Param) return this.addParam(v.name);
    if (typeof v === 'string' || Buffer.isBuffer(v)) return this.addString(v);
    if (typeof v === 'boolean') return this.addBoolean(v);
    if (typeof v === 'number' || typeof v === 'bigint') return this.addInteger(v);
    if (v instanceof Concat) {
      const c = this.addConcat();
      for (const part of v.parts) c.addValue(part);
      return c;
    }
    if (v instanceof NetAddr) return this.addNetAddr(v.proto, v.host, v.port);
    throw new TypeError(`cannot make a value of ${typeof v}`);
  }

  addString(s) { return this._add(lib().sbp_node_add_string, ...text(s)); }
  addRegex(s) { return this._add(lib().sbp_node_add_regex, ...text(s)); }
  addConstant(s) { return this._add(lib().sbp_node_add_constant, ...text(s)); }
  addParam(s) { return this._add(lib().sbp_node_add_param, ...text(s)); }
  addInteger(n) { return this._add(lib().sbp_node_add_integer, BigInt(n)); }
  addBoolean(b) { return this._add(lib().sbp_node_add_boolean, b ? 1 : 0); }
  addConcat() { return this._add(lib().sbp_node_add_concat); }
  addNetAddr(proto, host = null, port = PORT_ANY) {
    return this._add(lib().sbp_node_add_netaddr, ...text(proto), ...optText(host), port);
  }

  toString() { return this.serialize({ compact: true }); }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    try {
      return `${this.constructor.name} ${this.serialize({ compact: true })}`;
    } catch (e) {
      return `${this.constructor.name} <${e.message}>`;
    }
  }
}

/** An (allow|deny OPERATION ... filters ... modifiers) rule. */
class Rule extends Node {
  get action() { return { 1: 'allow', 2: 'deny' }[lib().sbp_rule_action(this._p)] || null; }

  set action(a) {
    const err = newError();
    check(lib().sbp_rule_set_action(this._p, action(a), err), err);
    this._profile._touch();
  }

  get comment() {
    const n = [0];
    return lib().sbp_rule_comment(this._p, n);
  }

  set comment(t) {
    const err = newError();
    check(lib().sbp_rule_set_comment(this._p, ...optText(t), err), err);
  }

  _ofType(...types) { return [...this].filter((c) => types.includes(lib().sbp_node_type_of(c._node))); }

  get operations() { return this._ofType(5).map((c) => c.text); }

  get filters() { return this._ofType(6, 7, 8, 9); }

  get modifiers() { return this._ofType(10); }

  /** The rule on one line. */
  get text() { return this.serialize({ compact: true }); }

  addOperation(op) { return this._add(lib().sbp_rule_add_operation, ...text(op, 'operation')); }

  addModifier(name, value) {
    const m = this._add(lib().sbp_rule_add_modifier, ...text(name, 'name'));
    if (value !== undefined && value !== null) m.addValue(value);
    return m;
  }
}

/** A filter or modifier argument. */
class Value extends Node {
  get kind() { return VALUE_KINDS[lib().sbp_value_kind_of(this._p)] || null; }

  /** The value: string, number (bigint past 2^53), boolean, Regex, Constant, Param, or an
   *  array of the parts of a concatenation. */
  get value() {
    const k = this.kind;
    if (k === 'integer') {
      const n = BigInt(lib().sbp_value_integer(this._p));
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    if (k === 'boolean') return Number(lib().sbp_value_integer(this._p)) !== 0;
    if (k === 'concat') return [...this].map((c) => c.value);
    if (k === 'regex') return new Regex(this.text);
    if (k === 'constant') return new Constant(this.text);
    if (k === 'param') return new Param(this.text);
    return this.text;
  }
}

// ---- profiles ------------------------------------------------------------------------------

function readOptions(opts, keep) {
  const o = {
    version: 1,
    flags: (opts.symbolicParams ? 1 : 0) | (opts.keepUnresolvedImports ? 2 : 0),
    params: null,
    nparams: 0,
    import_fn: null,
    import_payload: null,
    max_steps: 0,
    max_depth: 0,
    max_memory: 0,
    max_rules: 0,
    max_string: 0,
    max_import_depth: 0,
    max_nesting: 0,
    macos: macos(opts.macos),
  };
  const params = opts.params ? Object.entries(opts.params) : [];
  if (params.length) {
    o.params = params.flat().map(String);
    o.nparams = params.length;
  }
  if (opts.importDirs !== undefined || opts.file !== undefined) {
    const dirs = (opts.importDirs || []).map(String);
    const { koffi } = ffi;
    const arr = koffi.alloc('const char *', Math.max(dirs.length, 1));
    keep.push(arr);
    const strs = dirs.map((d) => {
      const b = Buffer.from(`${d}\0`, 'utf8');
      const mem = koffi.alloc('uint8_t', b.length);
      keep.push(mem);
      koffi.encode(mem, 'uint8_t', [...b], b.length);
      return mem;
    });
    if (dirs.length) koffi.encode(arr, 'void *', strs, dirs.length);
    const payload = koffi.alloc(ffi.types.sbp_import_dirs, 1);
    keep.push(payload);
    koffi.encode(payload, ffi.types.sbp_import_dirs, { dirs: arr, ndirs: dirs.length });
    o.import_fn = lib().importSearch;
    o.import_payload = payload;
  }
  return o;
}

/** An SBPL profile. Build one with the add* methods, or read one with Profile.fromText() /
 *  Profile.fromFile(). Call close() when done (a finalizer frees it otherwise). */
class Profile {
  constructor({ version: v } = {}, ptr = null) {
    if (!ptr) {
      const out = [null];
      const rc = lib().sbp_profile_new(out, null);
      if (rc !== 0) throw new SbprofileError(rc, lib().sbp_strerror(rc));
      ptr = out[0];
    }
    this._s = { ptr, deciders: new Set(), gen: 0 };
    this._default = null;
    profileRegistry.register(this, this._s, this._s);
    if (v !== undefined && v !== null) this.version = v;
  }

  get _ptr() {
    if (!this._s.ptr) throw new Error('the profile is closed');
    return this._s.ptr;
  }

  get closed() { return !this._s.ptr; }

  /** Frees the C profile and every decider made from it. Idempotent. */
  close() {
    profileRegistry.unregister(this._s);
    // The deciders' backstops are moot once their handles are freed; dropping them now keeps
    // a synchronous loop (in which finalization callbacks never run) from piling them up.
    for (const h of this._s.deciders) deciderRegistry.unregister(h);
    this._default = null;
    freeProfileState(this._s);
  }

  _touch() { this._s.gen += 1; }

  // -- reading --

  /** Evaluates SBPL text. opts: {file, params: {NAME: value}, importDirs: [dir...],
   *  symbolicParams, keepUnresolvedImports, macos: '14.4' (the version whose names are
   *  bound; none: every name some version has)}. */
  static fromText(src, opts = {}) {
    const fn = need('sbp_profile_read');
    const keep = [];
    const o = readOptions(opts, keep);
    const out = [null];
    const err = newError();
    const t = text(src, 'text');
    const rc = fn(out, t[0], t[1], opts.file === undefined ? null : String(opts.file), o, null, err);
    keep.forEach((k) => ffi.koffi.free(k));
    check(rc, err);
    return new Profile({}, out[0]);
  }

  /** Reads and evaluates a profile file; opts as fromText(). */
  static fromFile(path, opts = {}) {
    return Profile.fromText(fs.readFileSync(path), { ...opts, file: String(path) });
  }

  // -- the tree --

  get version() { return lib().sbp_profile_version(this._ptr); }

  set version(v) {
    const err = newError();
    check(lib().sbp_profile_set_version(this._ptr, v || 0, err), err);
  }

  get root() { return new Node(this, lib().sbp_profile_root(this._ptr)); }

  /** Rules, imports and comment items in order. */
  get items() { return [...this.root]; }

  get rules() { return this.items.filter((n) => n instanceof Rule); }

  /** The number of rules. */
  get length() { return Number(lib().sbp_profile_rule_count(this._ptr)); }

  [Symbol.iterator]() { return this.rules[Symbol.iterator](); }

  copy() {
    const out = [null];
    const err = newError();
    check(lib().sbp_profile_copy(this._ptr, out, null, err), err);
    return new Profile({}, out[0]);
  }

  equals(other, { comments = false, positions = false, imports = false } = {}) {
    const flags = (comments ? 1 : 0) | (positions ? 2 : 0) | (imports ? 4 : 0);
    return lib().sbp_profile_equal(this._ptr, other._ptr, flags) === 1;
  }

  validate() { this.root.validate(); }

  /** The profile as SBPL text. opts: {compact, comments, split, splitLimit}. */
  serialize(opts) {
    return bufCall(lib().sbp_serialize, this._ptr, serializeOptions(opts));
  }

  toString() { return this.serialize(); }

  dump() { return this.root.dump(); }

  save(path, opts) { fs.writeFileSync(path, this.serialize(opts)); }

  // -- the builder --

  _build(fn, ...args) {
    const out = [null];
    const err = newError();
    check(fn(this._ptr, ...args, out, err), err);
    this._touch();
    return wrap(this, out[0]);
  }

  /** Appends (ACTION OP ...) and returns the Rule. */
  addRule(act, ...operations) {
    if (!operations.length) throw new RangeError('operations: a rule needs at least one');
    const r = this._build(lib().sbp_profile_add_rule, action(act), ...text(operations[0], 'operation'));
    for (const op of operations.slice(1)) r.addOperation(op);
    return r;
  }

  allow(...operations) { return this.addRule('allow', ...operations); }

  deny(...operations) { return this.addRule('deny', ...operations); }

  addImport(path) { return this._build(lib().sbp_profile_add_import, ...text(path, 'path')); }

  addComment(t) { return this._build(lib().sbp_profile_add_comment, ...text(t)); }

  addDefault(act) { return this._build(lib().sbp_add_default, action(act)); }

  /** access: 'read', ['read', 'write'], or FileAccess bits; match: literal, subpath
   *  (default), prefix, regex; path null for no filter. */
  addFile(act, access, path = null, { match = 'subpath' } = {}) {
    const m = path === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_file, action(act), fileAccess(access), m, ...optText(path, 'path'));
  }

  addNetwork(act, { op = 'outbound', side = null, proto = null, host = null, port = PORT_ANY } = {}) {
    return this._build(lib().sbp_add_network, action(act), lookup(NET_OPS, 'op', op),
      lookup(NET_SIDES, 'side', side), ...optText(proto), ...optText(host), port);
  }

  addUnixSocket(act, path, { op = 'outbound', match = 'literal' } = {}) {
    return this._build(lib().sbp_add_unix_socket, action(act), lookup(NET_OPS, 'op', op),
      lookup(MATCH, 'match', match), ...text(path, 'path'));
  }

  /** (ACTION mach-lookup (global-name NAME)); an array of names gives one rule. */
  addMachLookup(act, name = null, { match = 'exact' } = {}) {
    if (Array.isArray(name)) {
      const bufs = name.map((n) => text(n, 'name')[0]);
      return this._build(lib().sbp_add_mach_lookup_list, action(act), bufs,
        bufs.map((b) => b.length), bufs.length);
    }
    const m = name === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_mach_lookup, action(act), m, ...optText(name, 'name'));
  }

  addProcessExec(act, path = null, { match = 'literal' } = {}) {
    const m = path === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_process_exec, action(act), m, ...optText(path, 'path'));
  }

  addProcessFork(act) { return this._build(lib().sbp_add_process_fork, action(act)); }

  addSignal(act, target = null) {
    return this._build(lib().sbp_add_signal, action(act), lookup(TARGETS, 'target', target));
  }

  addProcessInfo(act, target = null) {
    return this._build(lib().sbp_add_process_info, action(act), lookup(TARGETS, 'target', target));
  }

  addSysctlRead(act, name = null, { match = 'exact' } = {}) {
    const m = name === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_sysctl_read, action(act), m, ...optText(name, 'name'));
  }

  addIokitOpen(act, className = null) {
    return this._build(lib().sbp_add_iokit_open, action(act), ...optText(className, 'class'));
  }

  addIpcPosix(act, kind, name = null, { match = 'exact' } = {}) {
    const m = name === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_ipc_posix, action(act), lookup(IPC, 'kind', kind), m,
      ...optText(name, 'name'));
  }

  addPreference(act, access, domain = null, { match = 'exact' } = {}) {
    const list = typeof access === 'string' ? [access] : access;
    const bits = typeof list === 'number' ? list
      : [...new Set(list)].reduce((b, a) => b | lookup(PREF, 'access', a), 0);
    const m = domain === null ? 0 : lookup(MATCH, 'match', match);
    return this._build(lib().sbp_add_preference, action(act), bits, m, ...optText(domain, 'domain'));
  }

  addSystemSocket(act, { domain = SOCKET_ANY, type = SOCKET_ANY, protocol = SOCKET_ANY } = {}) {
    return this._build(lib().sbp_add_system_socket, action(act), domain, type, protocol);
  }

  // -- deciding --

  /** A Decider with options {macos, canonicalPaths, unknown}; it recompiles itself when the
   *  profile changes through the binding. */
  decider(opts) { return new Decider(this, opts); }

  _decider() {
    if (!this._default) this._default = new Decider(this);
    return this._default;
  }

  /** Decides op on target (its attribute follows from the operation) with further
   *  attributes {signingIdentifier: 'com.x', remote: ['tcp4', '1.2.3.4', 443], ...}. */
  check(op, target, attrs) { return this._decider().check(op, target, attrs); }

  explain(op, target, attrs) { return this._decider().explain(op, target, attrs); }

  /** Throws ProfileAssertionError unless allowed; returns the library's message. */
  assertAllows(op, target, attrs) { return this._decider().assertDecision('allow', op, target, attrs); }

  assertDenies(op, target, attrs) { return this._decider().assertDecision('deny', op, target, attrs); }

  assertUnknown(op, target, attrs) { return this._decider().assertDecision('unknown', op, target, attrs); }

  /** Structural: throws ProfileAssertionError unless (ACTION OP (FILTER VALUE)) is present
   *  (filter null: an unfiltered rule). */
  assertHasRule(act, op, filter = null, value = null) {
    const err = newError();
    const rc = need('sbp_assert_has_rule')(this._ptr, action(act), ...text(op, 'operation'),
      ...optText(filter, 'filter'), ...optText(filter === null ? null : value, 'value'), err);
    return assertResult(rc, err);
  }

  /** The linter's profile checks on this profile: an array of diagnostics
   *  {code, severity, message, fix, position}. opts: {macos, notes}. */
  lint({ macos: mac = 0, notes = true } = {}) {
    const out = [null];
    const err = newError();
    const o = { version: 1, macos: macos(mac), flags: notes ? 0 : 1, read: null };
    check(need('sbp_lint_profile')(this._ptr, o, out, err), err);
    return diagnostics(out[0]);
  }

  /** Lines `FILE:LINE:COL: (rule)` for each rule with a filter value of that text. */
  rulesMentioning(value) {
    const count = [0];
    const buf = newBuf();
    const err = newError();
    let rc;
    let out;
    try {
      rc = need('sbp_profile_rules_mentioning')(this._ptr, ...text(value), buf, count, err);
    } finally {
      out = takeBuf(buf);
    }
    check(rc, err);
    return out.split('\n').filter((l) => l);
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.closed ? 'Profile <closed>' : `Profile <version ${this.version}, ${this.length} rules>`;
  }
}
addDispose(Profile);

// ---- lint ----------------------------------------------------------------------------------

function diagnostics(res) {
  const L = lib();
  try {
    const out = [];
    const n = Number(L.sbp_lint_count(res));
    for (let i = 0; i < n; i++) {
      const f = [null];
      const l = [0];
      const c = [0];
      L.sbp_lint_position(res, i, f, l, c);
      out.push({
        code: L.sbp_lint_code(res, i),
        severity: L.sbp_lint_severity_name(L.sbp_lint_severity(res, i)),
        message: L.sbp_lint_message(res, i),
        fix: L.sbp_lint_fix(res, i),
        position: l[0] ? { file: f[0], line: l[0], column: c[0] } : null,
      });
    }
    // Whether the text read and evaluated as libsandbox would take it.
    Object.defineProperty(out, 'evaluated', { value: L.sbp_lint_evaluated(res) === 1 });
    return out;
  } finally {
    L.sbp_lint_result_free(res);
  }
}

/** Lints SBPL text: an array of diagnostics {code, severity ('note', 'warning', 'error'),
 *  message, fix (or null), position (or null)}, with an `evaluated` property. Unreadable
 *  text gives a syntax-error or eval-error diagnostic, not an exception. opts: {file, macos,
 *  notes, params, importDirs}; without params and importDirs, parameters stay symbolic and
 *  unresolved imports are kept. */
function lint(src, opts = {}) {
  const fn = need('sbp_lint_text');
  const keep = [];
  let ro = null;
  if (opts.params !== undefined || opts.importDirs !== undefined) {
    ro = readOptions({ ...opts, file: '', symbolicParams: true, keepUnresolvedImports: true }, keep);
  }
  const o = { version: 1, macos: macos(opts.macos), flags: opts.notes === false ? 1 : 0, read: ro };
  const out = [null];
  const err = newError();
  const t = text(src, 'text');
  let rc;
  try {
    rc = fn(t[0], t[1], opts.file === undefined ? null : String(opts.file), o, null, out, err);
  } finally {
    keep.forEach((k) => ffi.koffi.free(k));
  }
  check(rc, err);
  return diagnostics(out[0]);
}

/** The linter's checks: [{code, severity, summary}]. */
function lintChecks() {
  const L = lib();
  need('sbp_lint_check_count');
  const out = [];
  const n = Number(L.sbp_lint_check_count());
  for (let i = 0; i < n; i++) {
    out.push({
      code: L.sbp_lint_check_code(i),
      severity: L.sbp_lint_severity_name(L.sbp_lint_check_severity(i)),
      summary: L.sbp_lint_check_summary(i),
    });
  }
  return out;
}

function assertResult(rc, err) {
  if (rc === -7) throw new ProfileAssertionError(err.message, err);
  check(rc, err);
  return err.message;
}

// ---- requests and decisions ----------------------------------------------------------------

function attrName(key) {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
}

/** A request: an operation, an optional target and attributes ({signingIdentifier: 'x'},
 *  camelCase or dashed names; local/remote as [proto, host, port] or 'proto:host:port'). */
class Request {
  constructor(op, target = null, attrs = {}) {
    const out = [null];
    const err = newError();
    check(need('sbp_request_new')(out, null, err), err);
    this._h = { ptr: out[0] };
    requestRegistry.register(this, this._h, this._h);
    try {
      this.set(op, target, attrs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  get _ptr() {
    if (!this._h.ptr) throw new Error('the request is closed');
    return this._h.ptr;
  }

  set(op, target = null, attrs = {}) {
    const L = lib();
    const err = newError();
    check(L.sbp_request_set_simple(this._ptr, ...text(op, 'operation'), ...optText(target, 'target'), err), err);
    for (const [key, v0] of Object.entries(attrs || {})) {
      let v = v0;
      const name = attrName(key);
      const code = ATTRS[name];
      let rc;
      if (name === 'local' || name === 'remote') {
        if (typeof v === 'string') {
          const m = /^([^:]*):(.*?)(?::([^:\]]*))?$/.exec(v);
          const host = m[2].replace(/^\[|\]$/g, '') || null;
          v = [m[1], host, m[3] === undefined || m[3] === '' || m[3] === '*' ? PORT_ANY : Number(m[3])];
        }
        const [proto, host = null, port = PORT_ANY] = v;
        rc = L.sbp_request_set_netaddr(this._ptr, code, ...text(proto), ...optText(host), port, err);
      } else if (typeof v === 'number' || typeof v === 'bigint') {
        rc = code !== undefined
          ? L.sbp_request_set_integer_attr(this._ptr, code, BigInt(v), err)
          : L.sbp_request_set_named_attr(this._ptr, ...text(name), 1, null, 0, BigInt(v), err);
      } else {
        rc = code !== undefined
          ? L.sbp_request_set_string_attr(this._ptr, code, ...text(v, name), err)
          : L.sbp_request_set_named_attr(this._ptr, ...text(name), 0, ...text(v, name), 0n, err);
      }
      check(rc, err);
    }
    return this;
  }

  close() {
    requestRegistry.unregister(this._h);
    freeRequest(this._h);
  }

  describe() { return bufCall(lib().sbp_request_describe, this._ptr); }

  toString() { return this.describe(); }
}
addDispose(Request);

function withRequest(op, target, attrs, fn) {
  if (op instanceof Request) return fn(op);
  const r = new Request(op, target, attrs);
  try {
    return fn(r);
  } finally {
    r.close();
  }
}

/** A profile compiled for deciding many requests; it keeps the profile alive, is freed
 *  before it, and recompiles itself when the profile was changed through the binding. */
class Decider {
  constructor(profile, { macos: mac = 0, canonicalPaths = false, unknown = 'report' } = {}) {
    need('sbp_decider_new');
    this._profile = profile;
    this._opts = ffi.nativeOptions('sbp_decide_options', {
      version: 1,
      flags: canonicalPaths ? 1 : 0,
      macos: macos(mac),
      unknown_policy: lookup(UNKNOWN_POLICY, 'unknown', unknown),
    });
    this._h = { ptr: null };
    this._gen = -1;
    profile._ptr; // eslint-disable-line no-unused-expressions
    profile._s.deciders.add(this._h);
    deciderRegistry.register(this, { h: this._h, ps: profile._s }, this._h);
    this._compile();
  }

  _compile() {
    const p = this._profile._ptr;
    freeDecider(this._h, null);
    const out = [null];
    const err = newError();
    check(lib().sbp_decider_new(out, p, this._opts, err), err);
    this._h.ptr = out[0];
    this._gen = this._profile._s.gen;
  }

  get _ptr() {
    this._profile._ptr; // eslint-disable-line no-unused-expressions
    if (this._closed) throw new Error('the decider is closed');
    if (this._gen !== this._profile._s.gen || !this._h.ptr) this._compile();
    return this._h.ptr;
  }

  get profile() { return this._profile; }

  close() {
    this._closed = true;
    deciderRegistry.unregister(this._h);
    freeDecider(this._h, this._profile._s);
  }

  check(op, target, attrs) {
    return withRequest(op, target, attrs, (r) => {
      const out = [null];
      const err = newError();
      check(lib().sbp_decide(this._ptr, r._ptr, null, out, err), err);
      try {
        return new Decision(this._profile, out[0]);
      } finally {
        lib().sbp_decision_free(out[0]);
      }
    });
  }

  explain(op, target, attrs) {
    return withRequest(op, target, attrs, (r) => bufCall(lib().sbp_explain, this._ptr, r._ptr, null));
  }

  assertDecision(expected, op, target, attrs) {
    return withRequest(op, target, attrs, (r) => {
      const err = newError();
      const rc = lib().sbp_assert_decision(this._ptr, r._ptr, lookup(RESULTS, 'expected', expected), err);
      return assertResult(rc, err);
    });
  }

  assertAllows(op, target, attrs) { return this.assertDecision('allow', op, target, attrs); }

  assertDenies(op, target, attrs) { return this.assertDecision('deny', op, target, attrs); }
}
addDispose(Decider);

/** The outcome of a check, copied out of the library. */
class Decision {
  constructor(profile, d) {
    const L = lib();
    this.result = L.sbp_decision_result_name(L.sbp_decision_result(d));
    this.step = L.sbp_decision_step_name(L.sbp_decision_step_of(d));
    const bits = L.sbp_decision_flags(d);
    this.flags = [];
    for (let i = 0; i < 32; i++) {
      const bit = (1 << i) >>> 0;
      if ((bits & bit) >>> 0) {
        const name = L.sbp_decision_flag_name(bit);
        if (name) this.flags.push(name);
      }
    }
    this.rule = wrap(profile, L.sbp_decision_rule(d));
    const idx = Number(L.sbp_decision_rule_index(d));
    this.ruleIndex = idx < 0 ? null : idx;
    this.ruleText = this.rule ? this.rule.text : null;
    this.position = this.rule ? this.rule.position : null;
    this.operation = L.sbp_decision_operation(d);
    this.skippedRule = wrap(profile, L.sbp_decision_skipped_rule(d));
    this.missingAttr = L.sbp_decision_missing_attr(d);
    this.missingImport = L.sbp_decision_missing_import(d);
    this.missingParam = L.sbp_decision_missing_param(d);
    this.description = bufCall(L.sbp_decision_describe, d);
  }

  get allowed() { return this.result === 'allow'; }

  get denied() { return this.result === 'deny'; }

  get unknown() { return this.result === 'unknown'; }

  toString() { return this.description; }
}

// ---- denial reports and suggestions ------------------------------------------------------------

function parseLog(src) {
  const fn = need('sbp_denial_parse');
  const out = [null];
  const err = newError();
  const t = text(src, 'log');
  check(fn(out, t[0], t[1], null, null, err), err);
  return out[0];
}

/** Reads sandbox denial reports from log text (string or Buffer) in every form
 *  sbprofile/denial.h lists: an array of {form, action, process, pid, operation, target,
 *  number, repeats, message, systemPolicy, line}, with the properties lines, other, skipped
 *  and firstSkipped ({line, reason} or null). */
function parseDenials(src) {
  const L = lib();
  const log = parseLog(src);
  try {
    const out = [];
    const n = Number(L.sbp_denial_log_count(log));
    for (let i = 0; i < n; i++) {
      const d = ffi.koffi.decode(L.sbp_denial_log_at(log, i), ffi.types.sbp_denial);
      out.push({
        form: L.sbp_denial_form_name(d.form),
        action: d.action === 1 ? 'allow' : 'deny',
        process: d.process,
        pid: Number(d.pid) < 0 ? null : Number(d.pid),
        operation: d.operation,
        target: d.target,
        number: Number(d.number),
        repeats: Number(d.repeats),
        message: d.message,
        systemPolicy: d.system_policy !== 0,
        line: d.line,
      });
    }
    const other = [0];
    out.lines = Number(L.sbp_denial_log_lines(log, other));
    out.other = Number(other[0]);
    out.skipped = Number(L.sbp_denial_log_skipped(log));
    const line = [0];
    const why = L.sbp_denial_log_first_skipped(log, [0], line);
    out.firstSkipped = why === null ? null : { line: line[0], reason: why };
    return out;
  } finally {
    L.sbp_denial_log_free(log);
  }
}

/** Rules for the denied requests of log text. opts: {profile (SBPL text), file, collapse,
 *  allowRisky, workspace, macos, params, importDirs}. Returns {requests, rules, text,
 *  profile (the patched text, with a profile), checked, stillDenied, otherChanges,
 *  checkText, risky}. */
function suggest(src, opts = {}) {
  const L = lib();
  const keep = [];
  const log = parseLog(src);
  const out = [null];
  try {
    let source = null;
    let ro = null;
    if (opts.profile !== undefined && opts.profile !== null) {
      const pt = String(opts.profile);
      source = { text: pt, len: Buffer.byteLength(pt, 'utf8'), file: opts.file ? String(opts.file) : '<profile>' };
      ro = readOptions({ ...opts, file: opts.importDirs !== undefined ? '' : undefined,
        symbolicParams: true, keepUnresolvedImports: true }, keep);
    }
    const o = {
      version: 1,
      flags: (opts.collapse ? 1 : 0) | (opts.allowRisky ? 2 : 0),
      macos: macos(opts.macos),
      workspace: opts.workspace === undefined ? null : String(opts.workspace),
      profile: source,
      read: ro,
    };
    const err = newError();
    check(L.sbp_suggest(out, log, o, null, err), err);
    const s = out[0];
    const requests = [];
    for (let i = 0; i < Number(L.sbp_suggestion_request_count(s)); i++) {
      const r = {};
      L.sbp_suggestion_request(s, i, r);
      const noRule = BigInt(r.rule) === (1n << 64n) - 1n || Number(r.rule) >= 2 ** 53;
      requests.push({
        status: L.sbp_suggest_status_name(r.status),
        action: r.action === 1 ? 'allow' : 'deny',
        operation: r.operation,
        target: r.target,
        processes: r.processes,
        count: Number(r.count),
        message: r.message,
        reason: r.reason,
        rule: noRule ? null : Number(r.rule),
        decision: source && (r.decision || r.decided_by) ? L.sbp_decision_result_name(r.decision) : null,
        decidedBy: r.decided_by,
        decidedAt: r.decided_at,
      });
    }
    const rules = [];
    for (let i = 0; i < Number(L.sbp_suggestion_rule_count(s)); i++) {
      const u = {};
      L.sbp_suggestion_rule(s, i, u);
      rules.push({
        operation: u.operation, text: u.text, comment: u.comment, note: u.note, risk: u.risk,
        after: u.after, applied: u.applied !== 0,
      });
    }
    const textOut = bufCall(L.sbp_suggestion_format, s);
    const still = [0];
    const other = [0];
    const why = [null];
    const checked = L.sbp_suggestion_verified(s, still, other, why) !== 0;
    const patched = source ? bufCall(L.sbp_suggestion_profile, s) : null;
    return {
      requests,
      rules,
      text: textOut,
      profile: patched,
      checked,
      stillDenied: Number(still[0]),
      otherChanges: Number(other[0]),
      checkText: why[0] || '',
      risky: rules.filter((u) => u.risk),
    };
  } finally {
    keep.forEach((k) => ffi.koffi.free(k));
    if (out[0]) L.sbp_suggestion_free(out[0]);
    L.sbp_denial_log_free(log);
  }
}
const Policy = require('./lib/policy.js')({ lib, check, need, Profile });

module.exports = {
  Policy,
  Profile,
  Node,
  Rule,
  Value,
  Request,
  Decider,
  Decision,
  Regex,
  Constant,
  Param,
  Concat,
  NetAddr,
  SbprofileError,
  ProfileAssertionError,
  LibraryNotFound: ffi.LibraryNotFound,
  FILE_ACCESS,
  PORT_ANY,
  SOCKET_ANY,
  version,
  libraryPath,
  read: (src, opts) => Profile.fromText(src, opts),
  readFile: (path, opts) => Profile.fromFile(path, opts),
  lint,
  lintFile: (path, opts = {}) => lint(fs.readFileSync(path), { ...opts, file: String(path) }),
  lintChecks,
  parseDenials,
  suggest,
};
