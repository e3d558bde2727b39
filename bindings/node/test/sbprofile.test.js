'use strict';
// Tests of the Node binding: node --test test/sbprofile.test.js (from bindings/node).
// The library comes from $SBPROFILE_LIB (ctest sets it), next to the package, or the
// system's library path. Without a loadable library (a static build) the run fails.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const sbp = require('..');

let SKIP = false;
try {
  sbp.version();
} catch (e) {
  if (!(e instanceof sbp.LibraryNotFound)) throw e;
  SKIP = e.message;
  console.log(`sbprofile binding tests skipped: ${SKIP}`);
}
// Nothing run is not a pass: without the library this run fails (ctest, which knows why a
// build cannot load it, reads the line above and reports the test as skipped instead).
test('the library loads', () => {
  if (SKIP) assert.fail(`the sbprofile library could not be loaded: ${SKIP}`);
});

const CONFIGD = 'com.apple.SystemConfiguration.configd';
const LACKS_CONFIGD = [
  '(version 1)',
  '(deny default)',
  '(allow mach-lookup (global-name "com.apple.cfprefsd.daemon"))',
  '(allow file-read* (subpath "/usr/lib"))',
  '',
].join('\n');

function configdProfile() {
  const p = new sbp.Profile({ version: 1 });
  p.addDefault('deny');
  p.addMachLookup('allow', CONFIGD);
  return p;
}

function using(p, fn) {
  try {
    return fn(p);
  } finally {
    p.close();
  }
}

test('index.d.ts declares every export', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  for (const name of Object.keys(sbp)) assert.ok(declared.has(name), `${name} is not declared in index.d.ts`);
  for (const name of declared) assert.ok(name in sbp, `index.d.ts declares ${name}, which the package lacks`);
});

describe('library', { skip: SKIP }, () => {
  test('version and path', () => {
    assert.match(sbp.version(), /^\d+\.\d+\.\d+/);
    assert.ok(sbp.libraryPath());
  });

  test('sbp_error matches the library', () => {
    const { koffi, types, lib } = require('../lib/ffi.js');
    assert.equal(koffi.sizeof(types.sbp_error), 4 * 4 + 8 + 256 + 256);
    // sbp_error_clear() memsets sizeof(sbp_error) bytes from the start: the offsets of the
    // fields past it must then read back as the cleared struct.
    const err = { version: 7, code: -3, line: 9, column: 9, offset: 9, message: 'x', file: 'y' };
    lib().sbp_error_clear(err);
    assert.deepEqual(err, { version: 1, code: 0, line: 0, column: 0, offset: 0, message: '', file: '' });
  });

  const child = (lib) => spawnSync(process.execPath, ['-e',
    "const s=require('.');try{s.version()}catch(e){console.log(e.name, e.message)}"],
  { cwd: path.join(__dirname, '..'), env: { ...process.env, SBPROFILE_LIB: lib }, encoding: 'utf8' }).stdout;

  test('a missing library is reported', () => {
    const out = child('/nonexistent/libsbprofile.so');
    assert.match(out, /^LibraryNotFound cannot load the sbprofile shared library/);
    assert.match(out, /\/nonexistent\/libsbprofile\.so/);
  });

  test('a static library is refused', () => {
    assert.match(child('/x/libsbprofile.a'), /is a static library/);
  });
});

describe('builder', { skip: SKIP }, () => {
  test('configd built and serialized', () => using(configdProfile(), (p) => {
    assert.equal(p.version, 1);
    assert.equal(p.length, 2);
    assert.equal(p.serialize(), `(version 1)\n(deny default)\n(allow mach-lookup\n  (global-name "${CONFIGD}"))\n`);
    assert.equal(p.serialize({ compact: true }),
      `(version 1)\n(deny default)\n(allow mach-lookup (global-name "${CONFIGD}"))\n`);
    assert.equal(String(p), p.serialize());
  }));

  test('typed conveniences', () => using(new sbp.Profile({ version: 1 }), (p) => {
    p.addFile('allow', ['read', 'write'], '/tmp/w');
    p.addFile('deny', sbp.FILE_ACCESS.write, '/tmp/w/.git', { match: 'prefix' });
    p.addNetwork('allow', { op: 'outbound', side: 'remote', proto: 'tcp', host: 'localhost', port: 8080 });
    p.addUnixSocket('allow', '/private/var/run/syslog');
    p.addMachLookup('allow', ['com.a', 'com.b']);
    p.addProcessExec('allow', '/bin/sh');
    p.addProcessFork('allow');
    p.addSignal('allow', 'self');
    p.addSysctlRead('allow', 'kern.', { match: 'prefix' });
    p.addIokitOpen('allow', 'IOSurfaceRootUserClient');
    p.addIpcPosix('allow', 'shm', 'apple.shm.notification_center');
    p.addPreference('allow', 'read', 'com.apple.x');
    p.addSystemSocket('allow', { domain: 1, type: 1 });
    assert.equal(p.serialize({ compact: true }), [
      '(version 1)',
      '(allow file-read* file-write* (subpath "/tmp/w"))',
      '(deny file-write* (prefix "/tmp/w/.git"))',
      '(allow network-outbound (remote tcp "localhost:8080"))',
      '(allow network-outbound (literal "/private/var/run/syslog"))',
      '(allow mach-lookup (global-name "com.a" "com.b"))',
      '(allow process-exec* (literal "/bin/sh"))',
      '(allow process-fork)',
      '(allow signal (target self))',
      '(allow sysctl-read (sysctl-name-prefix "kern."))',
      '(allow iokit-open (iokit-registry-entry-class "IOSurfaceRootUserClient"))',
      '(allow ipc-posix-shm* (ipc-posix-name "apple.shm.notification_center"))',
      '(allow user-preference-read (preference-domain "com.apple.x"))',
      '(allow system-socket (require-all (socket-domain AF_UNIX) (socket-type SOCK_STREAM)))',
      '',
    ].join('\n'));
  }));

  test('generic rules and values', () => using(new sbp.Profile(), (p) => {
    const r = p.allow('file-read*', 'file-write*');
    r.comment = 'workspace';
    r.addFilter('subpath', new sbp.Concat(new sbp.Param('HOME'), '/w'));
    r.addRequire('not', ['literal', '/w/secret']);
    r.addFilter('regex', new sbp.Regex('^/tmp/[a-z]+$'));
    r.addModifier('report');
    const q = p.deny('network*');
    q.addFilter('remote', new sbp.NetAddr('ip', '*', sbp.PORT_ANY));
    const s = p.allow('system-socket');
    s.addFilter('socket-domain', new sbp.Constant('AF_INET'));
    s.addFilter('socket-protocol', 17);
    assert.equal(p.serialize({ compact: true }), [
      '; workspace',
      '(allow file-read* file-write* (subpath (string-append (param "HOME") "/w")) (require-not (literal "/w/secret")) (regex #"^/tmp/[a-z]+$") (with report))',
      '(deny network* (remote ip "*:*"))',
      '(allow system-socket (socket-domain AF_INET) (socket-protocol 17))',
      '',
    ].join('\n'));
    assert.equal(r.action, 'allow');
    assert.equal(r.comment, 'workspace');
    assert.deepEqual(r.operations, ['file-read*', 'file-write*']);
    assert.deepEqual(r.filters.map((f) => f.type), ['filter', 'require-not', 'filter']);
    assert.deepEqual(r.modifiers.map((m) => m.text), ['report']);
    const concat = r.filters[0].children[0];
    assert.equal(concat.kind, 'concat');
    assert.ok(concat.value[0] instanceof sbp.Param);
    assert.equal(concat.value[0].name, 'HOME');
    assert.equal(concat.value[1], '/w');
    assert.ok(r.filters[2].children[0].value instanceof sbp.Regex);
    assert.equal(s.filters[1].children[0].value, 17);
    assert.ok(r.filters[0].parent.equals(r));
    r.action = 'deny';
    assert.match(p.serialize({ compact: true, comments: false }), /^\(deny file-read\*/);
    q.unlink();
    assert.equal(p.length, 2);
  }));

  test('invalid arguments throw with code and message', () => using(new sbp.Profile(), (p) => {
    assert.throws(() => p.addFile('allow', 'read', '/a/../b'), (e) => {
      assert.ok(e instanceof sbp.SbprofileError);
      assert.equal(e.code, -2);
      assert.equal(e.status, 'SBP_E_INVALID_ARG');
      assert.equal(e.message, 'path: "/a/../b" contains a .. component');
      assert.equal(String(e), 'path: "/a/../b" contains a .. component (SBP_E_INVALID_ARG)');
      return true;
    });
    assert.throws(() => p.addNetwork('allow', { side: 'remote', proto: 'tcp', host: 'example.com', port: 80 }),
      { status: 'SBP_E_INVALID_ARG' });
    assert.throws(() => p.addDefault('permit'), RangeError);
    assert.throws(() => p.allow('not a symbol'), sbp.SbprofileError);
    assert.equal(p.length, 0);
  }));

  test('copy and equality', () => using(configdProfile(), (p) => using(p.copy(), (q) => {
    assert.ok(p.equals(q));
    q.addProcessFork('allow');
    assert.ok(!p.equals(q));
  })));
});

describe('reader', { skip: SKIP }, () => {
  test('params', () => {
    const src = '(version 1)\n(deny default)\n(allow file-read* (subpath (param "ROOT")))\n';
    using(sbp.Profile.fromText(src, { file: 'p.sb', params: { ROOT: '/w' } }), (p) => {
      assert.equal(p.serialize({ compact: true }), '(version 1)\n(deny default)\n(allow file-read* (subpath "/w"))\n');
      assert.deepEqual(p.rules[1].position, { file: 'p.sb', line: 3, column: 1 });
    });
    using(sbp.read(src, { symbolicParams: true }), (p) => {
      assert.match(p.serialize({ compact: true }), /\(subpath \(param "ROOT"\)\)/);
    });
  });

  test('file and import directories', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sbp-node-'));
    try {
      const lib = path.join(d, 'lib');
      fs.mkdirSync(lib);
      fs.writeFileSync(path.join(lib, 'common.sb'), `(allow mach-lookup (global-name "${CONFIGD}"))\n`);
      const main = path.join(d, 'main.sb');
      fs.writeFileSync(main, '(version 1)\n(deny default)\n(import "common.sb")\n');
      using(sbp.Profile.fromFile(main, { importDirs: [lib] }), (p) => {
        assert.equal(p.length, 2);
        assert.equal(p.rules[1].position.file, path.join(lib, 'common.sb'));
        p.assertAllows('mach-lookup', CONFIGD);
      });
      assert.throws(() => sbp.readFile(main), (e) => {
        assert.match(e.message, /common\.sb/);
        assert.equal(e.line, 3);
        return true;
      });
      using(sbp.readFile(main, { keepUnresolvedImports: true }), (p) => {
        assert.equal(p.items[1].type, 'import');
        // the missing file could allow configd: the answer is unknown, and says why
        const dec = p.check('mach-lookup', CONFIGD);
        assert.equal(dec.result, 'unknown');
        assert.ok(dec.flags.includes('missing-import'));
        assert.equal(dec.missingImport, 'common.sb');
      });
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  test('request paths are resolved', () => {
    using(sbp.read('(version 1)\n(deny default)\n(allow file-write* (subpath "/Users/me/src/proj"))\n'), (p) => {
      assert.equal(p.check('file-write-data', '/Users/me/src/proj/../../../../etc/passwd').result, 'deny');
      assert.equal(p.check('file-write-data', '/Users/me//src/./proj/x').result, 'allow');
      assert.throws(() => p.check('file-write-data', 'etc/passwd'), /not an absolute path/);
    });
  });

  test('errors carry positions', () => {
    assert.throws(() => sbp.read('(version 1)\n(allow foo', { file: 'bad.sb' }), (e) => {
      assert.deepEqual([e.code, e.file, e.line, e.column], [-3, 'bad.sb', 2, 1]);
      assert.equal(e.message, "syntax error: expecting ')'");
      assert.equal(String(e), "bad.sb:2:1: syntax error: expecting ')' (SBP_E_SYNTAX)");
      return true;
    });
    assert.throws(() => sbp.read('(version 1)\n(allow file-read* (subpath x))\n', { file: 'u.sb' }), (e) => {
      assert.equal(e.status, 'SBP_E_EVAL');
      assert.equal(e.message, 'unbound variable: x');
      assert.deepEqual(e.position, { file: 'u.sb', line: 2, column: 28 });
      return true;
    });
    assert.throws(() => sbp.readFile('/nonexistent.sb'), { code: 'ENOENT' });
  });
});

describe('decisions', { skip: SKIP }, () => {
  test('configd: a built profile allows it', () => using(configdProfile(), (p) => {
    const d = p.check('mach-lookup', CONFIGD);
    assert.equal(d.result, 'allow');
    assert.ok(d.allowed);
    assert.equal(d.ruleText, `(allow mach-lookup (global-name "${CONFIGD}"))`);
    assert.equal(d.ruleIndex, 1);
    assert.equal(d.position, null);
    assert.equal(d.step, 'filtered rule');
    assert.equal(d.operation, 'mach-lookup');
    assert.equal(p.assertAllows('mach-lookup', CONFIGD),
      `mach-lookup global-name="${CONFIGD}": allow by (allow mach-lookup (global-name "${CONFIGD}")) at rule #2 (no source position) [filtered rule]`);
    assert.throws(() => p.assertDenies('mach-lookup', CONFIGD), assert.AssertionError);
  }));

  test('configd: a read profile lacking it fails with the deciding rule\'s position', () => {
    using(sbp.read(LACKS_CONFIGD, { file: 'lacks.sb' }), (p) => {
      const d = p.check('mach-lookup', CONFIGD);
      assert.equal(d.result, 'deny');
      assert.equal(d.ruleText, '(deny default)');
      assert.deepEqual(d.position, { file: 'lacks.sb', line: 2, column: 1 });
      assert.equal(d.ruleIndex, 0);
      assert.throws(() => p.assertAllows('mach-lookup', CONFIGD), (e) => {
        assert.ok(e instanceof assert.AssertionError);
        assert.ok(e instanceof sbp.ProfileAssertionError);
        assert.equal(e.message, `expected allow for mach-lookup global-name="${CONFIGD}", got deny by (deny default) at lacks.sb:2:1 [default rule]`);
        assert.deepEqual(e.position, { file: 'lacks.sb', line: 2, column: 1 });
        return true;
      });
      p.assertDenies('mach-lookup', CONFIGD);
    });
  });

  test('the decider follows changes', () => using(new sbp.Profile({ version: 1 }), (p) => {
    p.addDefault('deny');
    assert.equal(p.check('file-read-data', '/usr/lib/x').result, 'deny');
    p.addFile('allow', 'read', '/usr/lib');
    assert.equal(p.check('file-read-data', '/usr/lib/x').result, 'allow');
    p.check('file-read-data', '/usr/lib/x').rule.action = 'deny';
    assert.equal(p.check('file-read-data', '/usr/lib/x').result, 'deny');
  }));

  test('attributes and unknown answers', () => {
    const src = `${LACKS_CONFIGD}(deny file-read* (literal "/usr/lib/x"))\n(allow file-read* (signing-identifier "com.x"))\n`;
    using(sbp.read(src, { file: 'p.sb' }), (p) => {
      const d = p.check('file-read-data', '/usr/lib/x');
      assert.equal(d.result, 'unknown');
      assert.equal(d.missingAttr, 'signing-identifier');
      assert.equal(d.skippedRule.position.line, 6);
      assert.ok(d.flags.includes('missing-attribute'));
      p.assertUnknown('file-read-data', '/usr/lib/x');
      assert.equal(p.check('file-read-data', '/usr/lib/x', { signingIdentifier: 'com.y' }).result, 'deny');
      assert.equal(p.check('file-read-data', '/usr/lib/x', { 'signing-identifier': 'com.x' }).result, 'allow');
      const r = new sbp.Request('file-read-data', '/usr/lib/x', { signingIdentifier: 'com.y' });
      try {
        assert.equal(String(r), 'file-read-data path="/usr/lib/x" signing-identifier="com.y"');
        assert.ok(p.check(r).denied);
      } finally {
        r.close();
      }
    });
  });

  test('network requests', () => using(new sbp.Profile({ version: 1 }), (p) => {
    p.addDefault('deny');
    p.addNetwork('allow', { side: 'remote', proto: 'tcp', host: 'localhost', port: 8080 });
    assert.ok(p.check('network-outbound', 'tcp:localhost:8080').allowed);
    assert.ok(p.check('network-outbound', null, { remote: ['tcp4', '127.0.0.1', 8080] }).allowed);
    assert.ok(p.check('network-outbound', null, { remote: 'tcp4:127.0.0.1:9' }).denied);
  }));

  test('explain', () => using(sbp.read(LACKS_CONFIGD, { file: 'lacks.sb' }), (p) => {
    const t = p.explain('mach-lookup', CONFIGD);
    assert.ok(t.includes(`request: mach-lookup global-name="${CONFIGD}"`));
    assert.ok(t.includes('lacks.sb:2:1'));
    assert.ok(t.includes('decision: deny'));
  }));

  test('structural assertions', () => using(sbp.read(LACKS_CONFIGD, { file: 'lacks.sb' }), (p) => {
    assert.equal(p.assertHasRule('allow', 'file-read*', 'subpath', '/usr/lib'),
      'found (allow file-read* (subpath "/usr/lib")) at lacks.sb:4:1');
    assert.throws(() => p.assertHasRule('allow', 'mach-lookup', 'global-name', CONFIGD),
      { message: `no (allow mach-lookup (global-name "${CONFIGD}")) rule` });
    p.assertHasRule('deny', 'default');
    assert.deepEqual(p.rulesMentioning('/usr/lib'), ['lacks.sb:4:1: (allow file-read* (subpath "/usr/lib"))']);
  }));

  test('decider options', () => using(configdProfile(), (p) => {
    const d = p.decider({ macos: '10.15', canonicalPaths: true });
    assert.ok(d.check('mach-lookup', CONFIGD).allowed);
    d.close();
    assert.throws(() => d.check('mach-lookup', CONFIGD), /the decider is closed/);
    assert.throws(() => p.decider({ macos: 'fourteen' }), { status: 'SBP_E_SYNTAX' });
    // A version without a catalog of its own uses the newest before it, as --macos does.
    using(sbp.read('(version 1)(deny default)', { macos: '14.0' }), (q) => {
      assert.equal(q.check('file-read-data', '/x').result, 'deny');
    });
    assert.equal(sbp.suggest('Sandbox: cat(42) deny(1) file-read-data /etc/x\n',
      { profile: '(version 1)(deny default)', macos: '15' }).requests[0].status, 'new-rule');
    assert.throws(() => p.decider({ macos: '10.4' }), { status: 'SBP_E_NOT_FOUND' });
  }));
});

const LINTED = [
  '(version 1)',
  '(deny default)',
  '(allow file-read* (subpath "/usr/lib"))',
  '(allow file-read* (subpath "/usr/lib"))',
  '(allow mach-lookup)',
  '',
].join('\n');

const NO_LINT = SKIP || (!require('../lib/ffi.js').lib().sbp_lint_text
  && 'the library has no linter (include/sbprofile/lint.h)');

describe('lint', { skip: NO_LINT }, () => {
  test('text', () => {
    const r = sbp.lint(LINTED, { file: 'l.sb' });
    assert.equal(r.evaluated, true);
    assert.deepEqual(r.map((d) => [d.code, d.severity, d.position]), [
      ['duplicate-rule', 'warning', { file: 'l.sb', line: 4, column: 1 }],
      ['broad-grant', 'note', { file: 'l.sb', line: 5, column: 1 }],
    ]);
    assert.equal(r[0].message, 'duplicate rule: it repeats the rule at l.sb:3:1');
    assert.deepEqual(sbp.lint(LINTED, { notes: false }).map((d) => d.code), ['duplicate-rule']);
  });

  test('unreadable text is a diagnostic', () => {
    const r = sbp.lint('(allow foo', { file: 'b.sb' });
    assert.equal(r.evaluated, false);
    assert.deepEqual([...r], [{
      code: 'syntax-error', severity: 'error', message: "syntax error: expecting ')'", fix: null,
      position: { file: 'b.sb', line: 1, column: 1 },
    }]);
  });

  test('params and fixes', () => {
    const src = '(version 1)\n(deny default)\n(allow file-read* (subpath (param "H")))\n';
    assert.deepEqual([...sbp.lint(src)], []);
    const [d, ...rest] = sbp.lint(src, { params: { H: '/tmp/../x' } });
    assert.equal(rest.length, 0);
    assert.deepEqual([d.code, d.fix, d.position.line], ['unnormalized-path', '"/x"', 3]);
  });

  test('built profile', () => using(new sbp.Profile({ version: 1 }), (p) => {
    p.addDefault('deny');
    p.allow('mach-lookup');
    p.allow('mach-lookup');
    const r = p.lint({ notes: false });
    assert.deepEqual(r.map((d) => [d.code, d.position]), [['duplicate-rule', null]]);
  }));

  test('checks', () => {
    const checks = sbp.lintChecks();
    assert.deepEqual(checks[0], { code: 'syntax-error', severity: 'error', summary: 'the text does not read as SBPL' });
    assert.ok(checks.some((c) => c.code === 'shadowed-rule'));
  });
});

describe('ownership', { skip: SKIP }, () => {
  test('close is idempotent and guards every use', () => {
    const p = configdProfile();
    const rule = p.rules[1];
    const d = p.decider();
    p.close();
    p.close();
    assert.ok(p.closed);
    for (const f of [() => p.version, () => rule.text, () => p.length, () => p.serialize(),
      () => d.check('mach-lookup', CONFIGD), () => p.check('mach-lookup', CONFIGD)]) {
      assert.throws(f, /the profile is closed/);
    }
    d.close();
  });

  test('a decision outlives its C object', () => {
    const p = configdProfile();
    const dec = p.check('mach-lookup', CONFIGD);
    p.close();
    assert.equal(dec.result, 'allow');
    assert.match(String(dec), /allow by/);
    assert.throws(() => dec.rule.text, /the profile is closed/);
  });

  test('a closed request throws', () => {
    const r = new sbp.Request('mach-lookup', CONFIGD);
    r.close();
    r.close();
    assert.throws(() => r.describe(), /the request is closed/);
  });
});

describe('suggest', { skip: SKIP }, () => {
  const UV_LOG = '2025-11-03 10:12:01.123456+0100 0x1a2b Error 0x0 0 0 kernel: (Sandbox) '
    + `Sandbox: uv(4242) deny(1) mach-lookup ${CONFIGD}\n`
    + `1 duplicate report for Sandbox: uv(4242) deny(1) mach-lookup ${CONFIGD}\n`
    + '{"eventMessage":"Sandbox: uv(4242) deny(1) file-read-data \\/tmp\\/x"}\n'
    + 'noise deny(1)\n';
  const AGENT = '(version 1)\n(deny default)\n(deny file-read* (subpath "/private/tmp"))\n';

  test('parseDenials reads each form and counts skipped lines', () => {
    const log = sbp.parseDenials(UV_LOG);
    assert.equal(log.length, 3);
    assert.deepEqual([log[0].form, log[0].action, log[0].process, log[0].pid, log[0].operation, log[0].target],
      ['kernel', 'deny', 'uv', 4242, 'mach-lookup', CONFIGD]);
    assert.deepEqual([log[2].form, log[2].target], ['json', '/tmp/x']);
    assert.deepEqual([log.lines, log.skipped, log.firstSkipped.line], [4, 1, 4]);
    assert.equal(sbp.parseDenials(Buffer.from([0xff, 0xfe, 0x0a])).length, 0);
  });

  test('suggest gives the rule and the service note', () => {
    const s = sbp.suggest(UV_LOG);
    assert.match(s.text, /\(allow mach-lookup \(global-name "com\.apple\.SystemConfiguration\.configd"\)\)/);
    const rule = s.rules.find((u) => u.operation === 'mach-lookup');
    assert.equal(rule.comment, 'uv(4242): 2 denials');
    assert.match(rule.note, /Attempted to create a NULL object/);
    assert.equal(s.profile, null);
    assert.equal(s.checked, false);
  });

  test('suggest against a profile names the deny, places and checks', () => {
    const s = sbp.suggest(UV_LOG, { profile: AGENT, file: 'agent.sb' });
    assert.equal(s.checked, true);
    assert.deepEqual([s.stillDenied, s.otherChanges], [0, 0]);
    const tmp = s.requests.find((r) => r.target === '/tmp/x');
    assert.equal(tmp.decidedAt, 'agent.sb:3:1');
    assert.equal(tmp.decision, 'deny');
    const p = sbp.read(s.profile);
    try {
      assert.equal(p.check('mach-lookup', CONFIGD).allowed, true);
      assert.equal(p.check('file-read-data', '/private/tmp/x').allowed, true);
    } finally {
      p.close();
    }
  });

  test('risky grants need allowRisky', () => {
    const log = 'Sandbox: a(1) deny(1) file-read-data /Users/u/.ssh/id_rsa\n';
    let s = sbp.suggest(log, { profile: AGENT });
    assert.equal(s.risky[0].risk, 'SSH keys');
    assert.equal(s.profile, AGENT);
    s = sbp.suggest(log, { profile: AGENT, allowRisky: true });
    assert.match(s.profile, /\/Users\/u\/\.ssh\/id_rsa/);
  });

  test('a profile that does not evaluate throws', () => {
    assert.throws(() => sbp.suggest(UV_LOG, { profile: '(version 1)\n(allow no-such-op)\n' }), sbp.SbprofileError);
  });
});

describe('policies', { skip: SKIP }, () => {
  const POLICY_FILES = path.join(__dirname, '..', '..', '..', 'tests', 'data', 'policy', 'files');
  const AGENT = {
    version: 1,
    read: { deny: ['~/.ssh', '**/.env'] },
    write: { allow: ['.'] },
    network: { ports: [{ port: 3128 }] },
    base: ['toolchain'],
  };

  test('fromObject compiles what it says', () => {
    const pol = sbp.Policy.fromObject(AGENT, { home: '/Users/me', cwd: '/Users/me/w' });
    const p = pol.compile();
    p.assertDenies('file-read-data', '/Users/me/.ssh/id_rsa');
    p.assertDenies('file-read-data', '/Users/me/w/sub/.env');
    p.assertAllows('file-read-data', '/Users/me/w/main.c');
    p.assertAllows('file-write-data', '/Users/me/w/main.c');
    p.assertDenies('file-write-data', '/Users/me/Documents/x');
    p.assertAllows('network-outbound', 'tcp:localhost:3128');
    p.assertDenies('network-outbound', 'tcp:localhost:8080');
    p.assertAllows('mach-lookup', CONFIGD); // the toolchain base set
    assert.match(pol.toSBPL(), /\(deny default\)/);
    p.close();
    pol.close();
  });

  test('methods and options', () => {
    const pol = new sbp.Policy({ home: '/Users/me', cwd: '/Users/me/w' });
    pol.addPath('write-allow', '/private/tmp/x', 'subtree').addMachService('com.example.*').setOption('pty', true);
    assert.equal(pol.option('pty'), true);
    assert.equal(pol.option('appleEvents'), false);
    const p = pol.compile();
    p.assertAllows('file-write-data', '/private/tmp/x/y');
    p.assertAllows('mach-lookup', 'com.example.helper');
    p.assertDenies('mach-lookup', CONFIGD); // no base set
    p.close();
    pol.close();
  });

  test('fromFile', () => {
    const pol = sbp.Policy.fromFile(path.join(POLICY_FILES, 'good-agent.json'));
    const p = pol.compile();
    p.assertDenies('file-read-data', '/Users/me/.aws/credentials');
    p.assertAllows('file-read-data', '/Users/me/.ssh/known_hosts');
    p.assertAllows('network-outbound', 'tcp:localhost:1080');
    p.close();
    pol.close();
  });

  test('errors name the entry', () => {
    assert.throws(() => sbp.Policy.fromObject({ version: 1, reed: {} }), /reed: unknown key/);
    assert.throws(() => sbp.Policy.fromObject({ version: 1, read: { deny: ['secrets'] } }),
      (e) => e instanceof sbp.SbprofileError && /secrets/.test(e.message));
    assert.throws(() => sbp.Policy.fromObject({ version: 1, network: { ports: [{ port: 70000 }] } }), /70000/);
    assert.throws(() => new sbp.Policy().addPath('read-deny', '/x', 'bogus'), /match/);
    const pol = new sbp.Policy();
    pol.close();
    pol.close();
    assert.throws(() => pol.setHome('/x'), /the policy is closed/);
  });
});

describe('sandbox-runtime settings', { skip: SKIP }, () => {
  const DATA = path.join(__dirname, '..', '..', '..', 'tests', 'data', 'policy');
  const HOME = '/Users/alice';
  const CWD = '/Users/alice/proj';
  const BASE = {
    network: { allowedDomains: [], deniedDomains: [], httpProxyPort: 3128, socksProxyPort: 1080 },
    filesystem: { denyRead: [], allowWrite: ['.'], denyWrite: [] },
  };
  // BASE with keys replaced: { network: ... }, or { 'section.key': value }.
  function srt(changes) {
    const d = JSON.parse(JSON.stringify(BASE));
    for (const [k, v] of Object.entries(changes)) {
      const [section, key] = k.split('.');
      if (key === undefined) d[section] = v;
      else d[section][key] = v;
    }
    return d;
  }
  // The command's { status, text, warned, error } for a settings file, or null without it.
  function cli(t, file, ...extra) {
    const exe = process.env.SBPROFILE_CLI;
    if (!exe) {
      t.skip('SBPROFILE_CLI is not set (ctest sets it to the built sbprofile)');
      return null;
    }
    const r = spawnSync(exe, ['policy', '--srt-settings', file, '--home', HOME, '--cwd', CWD, ...extra],
      { encoding: 'utf8' });
    if (r.status === 69) {
      t.skip('the command was built without jansson');
      return null;
    }
    const lines = r.stderr.split('\n');
    // The settings' warnings; "sbprofile policy: warning: ..." are the compilation's.
    const warned = lines.filter((l) => l.includes(': warning: ') && !l.startsWith('sbprofile policy:'))
      .map((l) => l.slice(l.indexOf(': warning: ') + 11));
    const error = lines.find((l) => l.includes(': error: '));
    return { status: r.status, text: r.stdout, warned, error: error && error.slice(error.indexOf(': error: ') + 9) };
  }

  test('every fixture gives the command\'s profile and warnings', (t) => {
    const files = fs.readdirSync(path.join(DATA, 'srt')).filter((f) => f.endsWith('.json')).sort()
      .map((f) => path.join(DATA, 'srt', f));
    assert.ok(files.length >= 15);
    files.push(path.join(DATA, 'cli', 'unknown-keys.json'), path.join(DATA, 'cli', 'no-proxy-port.json'));
    for (const file of files) {
      const want = cli(t, file);
      if (!want) return;
      assert.equal(want.status, 0, file);
      const got = [];
      const pol = sbp.Policy.fromSrtSettingsFile(file, { home: HOME, cwd: CWD, onWarning: (m) => got.push(m) });
      assert.equal(pol.toSBPL(), want.text, file);
      assert.deepEqual(got, want.warned, file);
      pol.close();
    }
  });

  test('without comments', (t) => {
    const file = path.join(DATA, 'srt', 'read-carveout.json');
    const want = cli(t, file, '--no-comments');
    if (!want) return;
    const pol = sbp.Policy.fromSrtSettingsFile(file, { home: HOME, cwd: CWD });
    pol.setOption('comments', false);
    assert.equal(pol.toSBPL(), want.text);
    assert.doesNotMatch(want.text, /srt base/);
    pol.close();
  });

  test('decisions', () => {
    const pol = sbp.Policy.fromSrtSettings(srt({ 'filesystem.denyRead': ['~/.ssh'] }), { home: HOME, cwd: CWD });
    const p = pol.compile();
    p.assertAllows('mach-lookup', CONFIGD);
    p.assertAllows('mach-lookup', 'com.apple.trustd.agent');
    p.assertAllows('file-write-data', `${CWD}/a.c`);
    p.assertAllows('file-write-data', `${HOME}/.npm/_logs/x.log`);
    p.assertDenies('file-read-data', `${HOME}/.ssh/id_rsa`);
    p.assertAllows('network-outbound', 'tcp:localhost:3128');
    p.assertDenies('network-outbound', 'tcp:localhost:8080');
    p.close();
    pol.close();
  });

  test('addSrtDefaults', () => {
    const pol = new sbp.Policy({ home: HOME });
    const text = pol.addSrtDefaults().addSrtDefaults().toSBPL();
    assert.match(text, /; srt base: processes/);
    assert.match(text, /"com\.apple\.trustd\.agent"/);
    pol.close();
    const bare = new sbp.Policy();
    assert.throws(() => bare.addSrtDefaults(), (e) => e instanceof sbp.SbprofileError && /without a home/.test(e.message));
    bare.close();
  });

  test('errors are the command\'s', (t) => {
    const cases = [
      [],
      { filesystem: BASE.filesystem },
      srt({ network: [] }),
      srt({ 'network.httpProxyPort': 0 }),
      srt({ 'network.httpProxyPort': '3128' }),
      srt({ 'filesystem.denyRead': ['~/.ssh', { path: '~/.x', literal: true }, 42] }),
      srt({ 'filesystem.denyRead': ['~/[z-a]'] }),
      srt({ 'filesystem.allowWrite': [{ path: '/x', literal: false }] }),
      srt({ 'filesystem.disabled': 'no' }),
      srt({ 'network.allowUnixSockets': [''] }),
      srt({ 'network.allowMachLookup': ['a*b'] }),
      srt({ 'network.allowedDomains': [1] }),
      srt({ credentials: { files: [{ path: '~/.netrc', mode: 'hide' }] } }),
      srt({ credentials: { files: [{ path: '' }] } }),
      srt({ allowPty: 'yes' }),
      srt({ mandatoryDenySearchDepth: 1.5 }),
      srt({ ignoreViolations: null }),
    ];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sbp-srt-'));
    try {
      cases.forEach((settings, i) => {
        const file = path.join(tmp, `case${i}.json`);
        fs.writeFileSync(file, JSON.stringify(settings));
        const want = cli(t, file);
        if (!want) return;
        assert.equal(want.status, 65, JSON.stringify(settings));
        assert.throws(() => sbp.Policy.fromSrtSettings(settings, { home: HOME, cwd: CWD }),
          (e) => (e instanceof TypeError || e instanceof sbp.SbprofileError) && e.message === want.error,
          `${JSON.stringify(settings)}: ${want.error}`);
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('warnings go to process.emitWarning by default', () => {
    const seen = [];
    const listener = (w) => seen.push(w);
    const saved = process.listeners('warning');
    process.removeAllListeners('warning');
    process.on('warning', listener);
    try {
      sbp.Policy.fromSrtSettings(srt({ 'network.bogus': 1 }), { home: HOME, cwd: CWD }).close();
      return new Promise((resolve) => setImmediate(() => {
        process.removeListener('warning', listener);
        for (const l of saved) process.on('warning', l);
        assert.equal(seen.length, 1);
        assert.equal(seen[0].name, 'SbprofileWarning');
        assert.equal(seen[0].message, 'network.bogus: unknown key, ignored');
        resolve();
      }));
    } catch (e) {
      process.removeListener('warning', listener);
      for (const l of saved) process.on('warning', l);
      throw e;
    }
  });
});
