'use strict';
// sandbox-runtime (srt) settings, as in ~/.srt-settings.json, mapped onto a Policy: the profile
// srt 0.0.83 would generate on macOS, corrected as docs/srt-settings.md says; the same mapping
// as `sbprofile policy --srt-settings` (tools/srt_settings.c), key by key, ending with the
// library's sbp_policy_add_srt_defaults(). Keys srt reads only for its proxy or its Linux or
// Windows backend are type-checked and otherwise ignored; keys srt does not know give a warning
// naming them; a value of the wrong type throws a TypeError naming its JSON path
// (filesystem.denyRead[3]). JSON has one number type here: 80.0 is the integer 80.

const ROOT_KEYS = ['network', 'filesystem', 'credentials', 'ignoreViolations',
  'enableWeakerNestedSandbox', 'allowNestedUserNamespaces', 'enableWeakerNetworkIsolation',
  'allowAppleEvents', 'ripgrep', 'mandatoryDenySearchDepth', 'allowPty', 'seccomp', 'bwrapPath',
  'socatPath', 'javaAgentJarPath', 'windows', 'git'];
const NETWORK_KEYS = ['allowedDomains', 'deniedDomains', 'deniedDomainReasons', 'strictAllowlist',
  'deniedResolvedAddresses', 'allowUnixSockets', 'allowAllUnixSockets', 'allowLocalBinding',
  'allowMachLookup', 'httpProxyPort', 'socksProxyPort', 'mitmProxy', 'filterRequest',
  'allowPlaintextHeaderSet', 'stripResponseHeaders', 'refuseOpaqueTunnels', 'requireHostMatch',
  'ambiguousRequestTarget', 'tlsTerminate', 'parentProxy'];
const FILESYSTEM_KEYS = ['disabled', 'denyRead', 'allowRead', 'allowWrite', 'denyWrite',
  'allowGitConfig'];
const CREDENTIAL_KEYS = ['files', 'envVars', 'allowPlaintextInject', 'awsPairs', 'sigv4'];

// Values srt reads elsewhere (its proxy, the Linux or Windows backend): only their type is checked.
const OBJECT = 'an object';
const ARRAY = 'an array';
const STRING = 'a string';
const INTEGER = 'an integer';
const BOOL = 'true or false';
const ROOT_OTHER = [['ignoreViolations', OBJECT], ['enableWeakerNestedSandbox', BOOL],
  ['allowNestedUserNamespaces', BOOL], ['enableWeakerNetworkIsolation', BOOL],
  ['ripgrep', OBJECT], ['mandatoryDenySearchDepth', INTEGER], ['seccomp', OBJECT],
  ['bwrapPath', STRING], ['socatPath', STRING], ['javaAgentJarPath', STRING],
  ['windows', OBJECT], ['git', OBJECT]];
const NETWORK_OTHER = [['deniedDomainReasons', OBJECT], ['strictAllowlist', BOOL],
  ['deniedResolvedAddresses', ARRAY], ['mitmProxy', OBJECT], ['allowPlaintextHeaderSet', BOOL],
  ['stripResponseHeaders', ARRAY], ['refuseOpaqueTunnels', BOOL], ['requireHostMatch', BOOL],
  ['ambiguousRequestTarget', STRING], ['tlsTerminate', OBJECT], ['parentProxy', OBJECT]];
const CREDENTIAL_OTHER = [['envVars', ARRAY], ['allowPlaintextInject', BOOL],
  ['awsPairs', ARRAY], ['sigv4', OBJECT]];

const NO_PROXY = 'not set: srt would start a proxy of its own on a port chosen when it runs, ' +
  'which this profile cannot allow; set the port of your proxy';

const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The JSON type of a value, worded as the CLI words it. */
function kind(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'object': return 'an object';
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    case 'number': return Number.isInteger(v) ? 'an integer' : 'a number';
    default: return 'a value';
  }
}

function is(v, want) {
  switch (want) {
    case OBJECT: return isObject(v);
    case ARRAY: return Array.isArray(v);
    case STRING: return typeof v === 'string';
    case INTEGER: return Number.isInteger(v);
    default: return typeof v === 'boolean';
  }
}

const at = (path, key) => (path ? `${path}.${key}` : key);

class Reader {
  constructor(policy, warn) {
    this.p = policy;
    this.warn = warn;
    this.fsEnabled = true;
  }

  fail(path, message) { throw new TypeError(`${path || '(top level)'}: ${message}`); }

  /** A policy call whose rejection names the JSON path of the value at fault. */
  call(path, fn) {
    try {
      fn();
    } catch (e) {
      if (e && e.name === 'SbprofileError' && e.status !== 'SBP_E_NOMEM') {
        e.message = `${path || '(top level)'}: ${e.message}`;
      }
      throw e;
    }
  }

  unknownKeys(obj, path, known) {
    for (const k of Object.keys(obj)) if (!known.includes(k)) this.warn(`${at(path, k)}: unknown key, ignored`);
  }

  require(obj, path, key) {
    if (!has(obj, key)) this.fail(at(path, key), 'required key is missing');
  }

  get(obj, path, key, want) {
    if (!has(obj, key)) return undefined;
    const v = obj[key];
    if (!is(v, want)) this.fail(at(path, key), `expected ${want}, got ${kind(v)}`);
    return v;
  }

  otherKeys(obj, path, keys) {
    for (const [key, want] of keys) this.get(obj, path, key, want);
  }

  each(obj, path, key, fn) {
    (this.get(obj, path, key, ARRAY) ?? []).forEach((v, i) => fn(`${at(path, key)}[${i}]`, v));
  }

  eachString(obj, path, key, fn) {
    this.each(obj, path, key, (where, v) => {
      if (typeof v !== 'string') this.fail(where, `expected a string, got ${kind(v)}`);
      if (fn) fn(where, v);
    });
  }

  /** [text, match] of a path list entry: a spelling (a pattern when it has glob characters;
   *  a trailing /** is the directory itself, as srt strips it), or {"path": P, "literal":
   *  true}, a name whatever it holds. */
  pathEntry(where, v) {
    if (typeof v === 'string') {
      if (v === '') this.fail(where, 'empty path');
      if (v.length > 3 && v.endsWith('/**')) return [v.slice(0, -3), 'auto'];
      return [v === '/**' ? '/' : v, 'auto'];
    }
    if (isObject(v) && Object.keys(v).length === 2 && typeof v.path === 'string' && v.path !== '' &&
        v.literal === true) return [v.path, 'subtree'];
    return this.fail(where, 'expected a path, or {"path": "<path>", "literal": true}, got ' +
      (isObject(v) ? 'another object' : kind(v)));
  }

  pathList(obj, path, key, list) {
    this.each(obj, path, key, (where, v) => {
      const [text, match] = this.pathEntry(where, v);
      if (this.fsEnabled) this.call(where, () => this.p.addPath(list, text, match));
    });
  }

  option(obj, path, key, name) {
    if (this.get(obj, path, key, BOOL)) this.call(at(path, key), () => this.p.setOption(name, true));
  }

  port(net, key) {
    const where = at('network', key);
    const n = this.get(net, 'network', key, INTEGER);
    if (n === undefined) {
      this.warn(`${where}: ${NO_PROXY}`);
      return;
    }
    if (n < 1 || n > 65535) this.fail(where, `${n} is out of range (1-65535)`);
    this.call(where, () => this.p.addPort(n, ['outbound', 'bind', 'inbound']));
  }

  network(net) {
    const path = 'network';
    this.unknownKeys(net, path, NETWORK_KEYS);
    this.require(net, path, 'allowedDomains');
    this.require(net, path, 'deniedDomains');
    // The domain lists are the proxy's; that they are there is what restricts the network.
    this.eachString(net, path, 'allowedDomains');
    this.eachString(net, path, 'deniedDomains');
    this.otherKeys(net, path, NETWORK_OTHER);
    this.call(path, () => this.p.setNetwork('none'));
    this.port(net, 'httpProxyPort');
    this.port(net, 'socksProxyPort');
    this.option(net, path, 'allowLocalBinding', 'localBinding');
    const allSockets = this.get(net, path, 'allowAllUnixSockets', BOOL);
    this.eachString(net, path, 'allowMachLookup', (where, name) => this.call(where, () => this.p.addMachService(name)));
    if (allSockets) {
      this.option(net, path, 'allowAllUnixSockets', 'allUnixSockets');
      this.eachString(net, path, 'allowUnixSockets');
      return;
    }
    this.eachString(net, path, 'allowUnixSockets', (where, p) => {
      if (p === '') this.fail(where, 'empty path');
      // srt names a socket with (subpath P) whatever P holds: never a pattern.
      this.call(where, () => this.p.addPath('unix-socket', p, 'subtree'));
    });
  }

  credentialFile(where, f) {
    if (!isObject(f)) this.fail(where, `expected an object, got ${kind(f)}`);
    this.require(f, where, 'path');
    this.require(f, where, 'mode');
    const path = this.get(f, where, 'path', STRING);
    const mode = this.get(f, where, 'mode', STRING);
    if (mode !== 'deny' && mode !== 'mask') this.fail(at(where, 'mode'), `expected "deny" or "mask", got "${mode}"`);
    // A masked file cannot be shown masked through SBPL: srt denies it on macOS.
    const pwhere = at(where, 'path');
    const [text, match] = this.pathEntry(pwhere, path);
    if (this.fsEnabled) this.call(pwhere, () => this.p.addPath('read-deny', text, match));
  }

  credentials(creds) {
    this.unknownKeys(creds, 'credentials', CREDENTIAL_KEYS);
    this.otherKeys(creds, 'credentials', CREDENTIAL_OTHER);
    this.each(creds, 'credentials', 'files', (where, f) => this.credentialFile(where, f));
  }

  filesystem(fs, protectionNames) {
    const path = 'filesystem';
    this.unknownKeys(fs, path, FILESYSTEM_KEYS);
    for (const key of ['denyRead', 'allowWrite', 'denyWrite']) this.require(fs, path, key);
    const disabled = this.get(fs, path, 'disabled', BOOL);
    const gitConfig = this.get(fs, path, 'allowGitConfig', BOOL);
    this.fsEnabled = !disabled;
    if (disabled) {
      // No file rule at all: everything readable and writable, no protection.
      this.call(path, () => this.p.setWriteMode('allow-all'));
      for (const name of protectionNames) this.call(path, () => this.p.setProtection(name, false));
    } else if (gitConfig) {
      this.call(path, () => this.p.setProtection('git-config', false));
    }
    this.pathList(fs, path, 'denyRead', 'read-deny');
    this.pathList(fs, path, 'allowRead', 'read-allow');
    this.pathList(fs, path, 'allowWrite', 'write-allow');
    this.pathList(fs, path, 'denyWrite', 'write-deny');
  }

  apply(d, protectionNames) {
    if (!isObject(d)) this.fail('', `expected an object, got ${kind(d)}`);
    this.unknownKeys(d, '', ROOT_KEYS);
    this.require(d, '', 'network');
    this.require(d, '', 'filesystem');
    const net = this.get(d, '', 'network', OBJECT);
    const fs = this.get(d, '', 'filesystem', OBJECT);
    const creds = this.get(d, '', 'credentials', OBJECT);
    this.otherKeys(d, '', ROOT_OTHER);
    this.filesystem(fs, protectionNames);
    if (creds !== undefined) this.credentials(creds);
    this.network(net);
    this.option(d, '', 'allowPty', 'pty');
    this.option(d, '', 'allowAppleEvents', 'appleEvents');
    // srt's default writes, configd and trustd.agent, and its fixed grants.
    this.call('', () => this.p.addSrtDefaults());
  }
}

/** Maps srt settings (an object as JSON.parse gives it) onto policy, which has its home and
 *  cwd; warn is called with each warning's text; protectionNames are the library's. */
module.exports = function applySrtSettings(policy, settings, warn, protectionNames) {
  new Reader(policy, warn).apply(settings, protectionNames);
};
