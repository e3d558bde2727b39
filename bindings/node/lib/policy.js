'use strict';
// Policies (sbprofile/policy.h): intent compiled into a complete deny-default profile. A
// Policy is built with its methods, from an object or a JSON policy file in the format of
// docs/policy-file.md (the keys `sbprofile policy --policy` reads), or from sandbox-runtime
// settings (the keys `sbprofile policy --srt-settings` reads, docs/srt-settings.md). The data is
// mapped onto the C API here, in JavaScript: the library reads no JSON, so that it needs
// nothing but libc.

const fs = require('node:fs');
const ffi = require('./ffi.js');
const applySrtSettings = require('./srt_settings.js');

const LISTS = { 'read-deny': 1, 'read-allow': 2, 'write-allow': 3, 'write-deny': 4, exec: 5, 'unix-socket': 6 };
const MATCHES = { auto: 0, literal: 1, subtree: 2, glob: 3 };
const ACCESS = { outbound: 1, bind: 2, inbound: 4 };
const OPTIONS = {
  localBinding: 1, allUnixSockets: 2, pty: 3, appleEvents: 4, fork: 5, signal: 6, processInfo: 7,
  comments: 8, moveProtection: 9, bothSpellings: 10, foldLiterals: 11, directoryMetadata: 12,
};
const KEYS = {
  '': ['$schema', 'version', 'home', 'cwd', 'read', 'write', 'exec', 'network', 'mach', 'pty',
    'appleEvents', 'process', 'protections', 'base', 'baseEntries', 'options'],
  read: ['mode', 'deny', 'allow'],
  write: ['mode', 'allow', 'deny'],
  network: ['mode', 'ports', 'localBinding', 'unixSockets', 'allUnixSockets'],
  process: ['fork', 'signal', 'info'],
  baseEntries: ['add', 'remove'],
  options: ['comments', 'moveProtection', 'bothSpellings', 'foldLiterals', 'directoryMetadata'],
};

function oneOf(table, what, key) {
  if (!Object.prototype.hasOwnProperty.call(table, key)) {
    throw new RangeError(`${what}: expected one of ${Object.keys(table).join(', ')}, got ${JSON.stringify(key)}`);
  }
  return table[key];
}

/** Makes the Policy class over the binding's helpers (index.js). */
module.exports = function makePolicy({ lib, check, need, Profile }) {
  const registry = new FinalizationRegistry((s) => free(s));
  function free(s) {
    if (s.ptr) {
      const ptr = s.ptr;
      s.ptr = null;
      lib().sbp_policy_free(ptr);
    }
  }

  class Policy {
    constructor({ home, cwd } = {}) {
      const out = [null];
      const err = ffi.newError();
      check(need('sbp_policy_new')(out, null, err), err);
      this._s = { ptr: out[0] };
      registry.register(this, this._s, this._s);
      if (home !== undefined && home !== null) this.setHome(home);
      if (cwd !== undefined && cwd !== null) this.setCwd(cwd);
    }

    get _ptr() {
      if (!this._s.ptr) throw new Error('the policy is closed');
      return this._s.ptr;
    }

    get closed() { return !this._s.ptr; }

    /** Frees the C policy. Idempotent. */
    close() {
      registry.unregister(this._s);
      free(this._s);
    }

    _call(name, ...args) {
      const err = ffi.newError();
      check(need(name)(this._ptr, ...args, err), err);
      return this;
    }

    _text(name, s, ...rest) { return this._call(name, ...ffi.text(s), ...rest); }

    setHome(home) { return this._text('sbp_policy_set_home', home); }
    setCwd(cwd) { return this._text('sbp_policy_set_cwd', cwd); }

    /** Adds a path to a list ('read-deny', 'read-allow', 'write-allow', 'write-deny', 'exec',
     *  'unix-socket'); match is 'auto', 'literal', 'subtree' or 'glob'. */
    addPath(list, path, match = 'auto') {
      return this._call('sbp_policy_add_path', oneOf(LISTS, 'list', list), oneOf(MATCHES, 'match', match),
        ...ffi.text(path));
    }

    setReadMode(mode) { return this._call('sbp_policy_set_read_mode', oneOf({ 'allow-all': 0, 'deny-all': 1 }, 'read mode', mode)); }
    setWriteMode(mode) { return this._call('sbp_policy_set_write_mode', oneOf({ 'deny-all': 0, 'allow-all': 1 }, 'write mode', mode)); }
    setNetwork(mode) { return this._call('sbp_policy_set_network', oneOf({ none: 0, all: 1 }, 'network mode', mode)); }

    addPort(port, access = ['outbound']) {
      let bits = 0;
      for (const a of access) bits |= oneOf(ACCESS, 'access', a);
      return this._call('sbp_policy_add_localhost_port', port, bits);
    }

    addMachService(name) { return this._text('sbp_policy_add_mach_service', name); }

    /** An on/off option by its policy-file name: 'pty', 'comments', 'localBinding', ... */
    setOption(name, on = true) { return this._call('sbp_policy_set_option', oneOf(OPTIONS, 'option', name), on ? 1 : 0); }
    option(name) { return need('sbp_policy_option_get')(this._ptr, oneOf(OPTIONS, 'option', name)) !== 0; }

    setProtection(name, on) { return this._call('sbp_policy_set_protection', ...ffi.text(name), on ? 1 : 0); }
    setSettingsFile(path) { return this._text('sbp_policy_set_settings_file', path); }
    addBaseSet(name) { return this._text('sbp_policy_add_base_set', name); }
    addBaseEntry(name) { return this._text('sbp_policy_add_base_entry', name); }
    removeBaseEntry(name) { return this._text('sbp_policy_remove_base_entry', name); }

    /** What sandbox-runtime 0.0.83 grants every command on macOS: its default write paths,
     *  configd and trustd.agent, and its fixed grants right after (deny default)
     *  (sbp_policy_add_srt_defaults()). Call it after the read lists are complete. */
    addSrtDefaults() { return this._call('sbp_policy_add_srt_defaults'); }

    /** A new Profile compiled from the policy (the caller closes it). */
    compile() {
      const out = [null];
      const err = ffi.newError();
      check(need('sbp_policy_compile')(this._ptr, out, err), err);
      return new Profile({}, out[0]);
    }

    toSBPL() {
      const buf = ffi.newBuf();
      const err = ffi.newError();
      const rc = need('sbp_policy_to_sbpl')(this._ptr, buf, err);
      const text = ffi.takeBuf(buf);
      check(rc, err);
      return text;
    }

    /** The warnings of the last compilation. */
    get warnings() {
      const n = Number(lib().sbp_policy_warning_count(this._ptr));
      const out = [];
      for (let i = 0; i < n; i++) out.push(lib().sbp_policy_warning(this._ptr, i));
      return out;
    }

    /** A policy from an object in the policy-file format (docs/policy-file.md); home and
     *  cwd, when given, win over the object's. Unknown keys throw, naming them. */
    static fromObject(obj, { home, cwd } = {}) {
      const p = new Policy();
      try {
        apply(p, obj, home, cwd);
      } catch (e) {
        p.close();
        throw e;
      }
      return p;
    }

    /** A policy from a JSON policy file. */
    static fromFile(path, opts = {}) {
      const p = Policy.fromObject(JSON.parse(fs.readFileSync(path, 'utf8')), opts);
      try {
        p.setSettingsFile(String(path));
      } catch (e) {
        p.close();
        throw e;
      }
      return p;
    }
  }

  /** A policy from sandbox-runtime settings (an object as in ~/.srt-settings.json): the
   *  profile `sbprofile policy --srt-settings` prints for them. home and cwd default to $HOME
   *  and the current directory, as for the command; onWarning receives each warning (an
   *  unknown key, a proxy port not set), by default process.emitWarning. A value of the wrong
   *  type throws a TypeError naming its JSON path (filesystem.denyRead[3]). */
  Policy.fromSrtSettings = function fromSrtSettings(settings, { home, cwd, onWarning } = {}) {
    home = home ?? process.env.HOME;
    cwd = cwd ?? process.cwd();
    if (!home) throw new TypeError('srt settings need a home: give { home }');
    const warn = onWarning ?? ((message) => process.emitWarning(message, 'SbprofileWarning'));
    const names = [];
    const n = Number(need('sbp_policy_protection_count')());
    for (let i = 0; i < n; i++) names.push(lib().sbp_policy_protection_name(i));
    const p = new Policy({ home, cwd });
    try {
      applySrtSettings(p, settings, warn, names);
    } catch (e) {
      p.close();
      throw e;
    }
    return p;
  };

  /** A policy from a sandbox-runtime settings file; the file itself is protected from writes
   *  (the settings-file protection), as the command does. */
  Policy.fromSrtSettingsFile = function fromSrtSettingsFile(path, opts = {}) {
    const p = Policy.fromSrtSettings(JSON.parse(fs.readFileSync(path, 'utf8')), opts);
    try {
      p.setSettingsFile(fs.realpathSync(String(path)));
    } catch (e) {
      p.close();
      throw e;
    }
    return p;
  };

  if (typeof Symbol.dispose === 'symbol') Policy.prototype[Symbol.dispose] = function dispose() { this.close(); };

  function object(o, where) {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) {
      throw new TypeError(`${where || '(top level)'}: expected an object`);
    }
    const known = KEYS[where.split('.').pop()];
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) throw new RangeError(`${where ? `${where}.` : ''}${k}: unknown key`);
    }
    return o;
  }

  function paths(p, entries, list, where) {
    if (entries === undefined) return;
    if (!Array.isArray(entries)) throw new TypeError(`${where}: expected an array`);
    entries.forEach((e, i) => {
      if (typeof e === 'string') p.addPath(list, e);
      else if (e && typeof e === 'object' && typeof e.path === 'string' &&
               Object.keys(e).every((k) => k === 'path' || k === 'match')) p.addPath(list, e.path, e.match ?? 'auto');
      else throw new TypeError(`${where}[${i}]: expected a path or {"path": ..., "match": ...}`);
    });
  }

  function apply(p, d, home, cwd) {
    object(d, '');
    if (d.version !== 1) throw new RangeError('version: expected 1');
    if (home !== undefined || d.home !== undefined) p.setHome(home ?? d.home);
    if (cwd !== undefined || d.cwd !== undefined) p.setCwd(cwd ?? d.cwd);
    if (d.read !== undefined) {
      const r = object(d.read, 'read');
      if (r.mode !== undefined) p.setReadMode(r.mode);
      paths(p, r.deny, 'read-deny', 'read.deny');
      paths(p, r.allow, 'read-allow', 'read.allow');
    }
    if (d.write !== undefined) {
      const w = object(d.write, 'write');
      if (w.mode !== undefined) p.setWriteMode(w.mode);
      paths(p, w.allow, 'write-allow', 'write.allow');
      paths(p, w.deny, 'write-deny', 'write.deny');
    }
    paths(p, d.exec, 'exec', 'exec');
    if (d.network !== undefined) {
      const n = object(d.network, 'network');
      if (n.mode !== undefined) p.setNetwork(n.mode);
      (n.ports ?? []).forEach((port, i) => {
        if (!port || typeof port.port !== 'number' || Object.keys(port).some((k) => k !== 'port' && k !== 'access')) {
          throw new TypeError(`network.ports[${i}]: expected {"port": N, "access": [...]}`);
        }
        p.addPort(port.port, port.access ?? ['outbound']);
      });
      for (const k of ['localBinding', 'allUnixSockets']) if (n[k] !== undefined) p.setOption(k, !!n[k]);
      paths(p, n.unixSockets, 'unix-socket', 'network.unixSockets');
    }
    for (const name of d.mach ?? []) p.addMachService(name);
    for (const k of ['pty', 'appleEvents']) if (d[k] !== undefined) p.setOption(k, !!d[k]);
    const proc = object(d.process ?? {}, 'process');
    for (const [k, opt] of [['fork', 'fork'], ['signal', 'signal'], ['info', 'processInfo']]) {
      if (proc[k] !== undefined) p.setOption(opt, !!proc[k]);
    }
    for (const [name, on] of Object.entries(d.protections ?? {})) p.setProtection(name, !!on);
    for (const name of d.base ?? []) p.addBaseSet(name);
    const entries = object(d.baseEntries ?? {}, 'baseEntries');
    for (const name of entries.add ?? []) p.addBaseEntry(name);
    for (const name of entries.remove ?? []) p.removeBaseEntry(name);
    for (const [k, on] of Object.entries(object(d.options ?? {}, 'options'))) p.setOption(k, !!on);
  }

  return Policy;
};
