// A small TypeScript user of the package, as a sandboxing tool written in TypeScript would
// call it. `tsc --noEmit -p test/tsconfig.json` checks it against index.d.ts (ctest
// sbp_binding_node_types); the lines marked @ts-expect-error must stay type errors.
import * as sbp from '..';

const profile: sbp.Profile = new sbp.Profile({ version: 1 });
profile.addDefault('deny');
profile.addMachLookup('allow', 'com.apple.SystemConfiguration.configd');
profile.addFile('allow', ['read', 'write'], '/private/tmp/work', { match: 'subpath' });
profile.addNetwork('allow', { op: 'outbound', side: 'remote', proto: 'tcp', host: 'localhost', port: 8080 });
const rule: sbp.Rule = profile.allow('file-read*');
rule.addFilter('literal', '/etc/hosts');
rule.addModifier('report');
profile.addRule('deny', 'file-write*').addRequire('any', ['literal', '/a'], ['subpath', '/b']);

const decision: sbp.Decision = profile.check('mach-lookup', 'com.apple.SystemConfiguration.configd');
const result: sbp.DecisionResult = decision.result;
const where: sbp.Position | null = decision.position;
const flags: string[] = decision.flags;
const net = profile.check('network-outbound', null, { remote: ['tcp', 'localhost', 8080] });
const allowed: boolean = net.allowed;

const decider: sbp.Decider = profile.decider({ canonicalPaths: true, unknown: 'report' });
const request = new sbp.Request('file-read-data', '/tmp/work/x', { signingIdentifier: 'com.x' });
const explained: string = decider.explain(request);
request.close();
decider.close();

const diagnostics: sbp.LintResult = sbp.lint('(version 1)\n(allow default)\n', { file: 'x.sb' });
const evaluated: boolean = diagnostics.evaluated;
for (const d of diagnostics) {
  const line: number | undefined = d.position?.line;
  const sev: 'note' | 'warning' | 'error' = d.severity;
  void line; void sev;
}
const read: sbp.Profile = sbp.read('(version 1)(deny default)', { params: { HOME: '/Users/u' } });
const text: string = read.serialize({ compact: true });
const count: number = read.length;
try {
  sbp.read('(allow');
} catch (e) {
  if (e instanceof sbp.SbprofileError) {
    const pos: sbp.Position | null = e.position;
    void pos;
  }
}

// A profile that imports what the reader left unresolved: the decision names the import.
const partial = sbp.read('(version 1)(deny default)(import "extra.sb")', { keepUnresolvedImports: true });
const missing: string | null = partial.check('file-read-data', '/x').missingImport;
const param: string | null = partial.check('file-read-data', '/x').missingParam;
partial.close();

// Denial reports, and the rules they call for.
const log: sbp.DenialLog = sbp.parseDenials('Sandbox: cat(42) deny(1) file-read-data /etc/x\n');
const firstSkip: number | undefined = log.firstSkipped?.line;
for (const d of log) {
  const pid: number | null = d.pid;
  const form: 'kernel' | 'json' | 'wrapper' = d.form;
  void pid; void form;
}
const suggestion: sbp.Suggestion = sbp.suggest('Sandbox: cat(42) deny(1) file-read-data /etc/x\n',
  { profile: '(version 1)(deny default)', collapse: true });
const status: sbp.SuggestStatus = suggestion.requests[0].status;
const ruleIndex: number | null = suggestion.requests[0].rule;
const ruleText: string | undefined = suggestion.rules[0]?.text;
const patched: string | null = suggestion.profile;

// A policy, built by calls and from a policy file's object.
const policy: sbp.Policy = new sbp.Policy({ home: '/Users/u', cwd: '/Users/u/src' })
  .addPath('write-allow', '.', 'subtree')
  .addPort(3128, ['outbound', 'bind'])
  .setOption('pty', true);
const compiled: sbp.Profile = policy.compile();
const sbpl: string = policy.toSBPL();
const warnings: string[] = policy.warnings;
const fromFile: sbp.Policy = sbp.Policy.fromObject({
  version: 1,
  read: { mode: 'allow-all', deny: ['~/.ssh', { path: '~/.aws', match: 'subtree' }] },
  network: { mode: 'none', ports: [{ port: 1080 }] },
  base: ['toolchain'],
}, { home: '/Users/u' });
compiled.close();
policy.close();
fromFile.close();

// @ts-expect-error: a policy list is one of the six names
policy.addPath('read-only', '/x');
// @ts-expect-error: a policy file's version is 1
sbp.Policy.fromObject({ version: 2 });
// @ts-expect-error: an option is named as in the policy file
policy.setOption('processinfo');
// @ts-expect-error: an action is 'allow' or 'deny'
profile.addDefault('permit');
// @ts-expect-error: a decision's result is not a number
const wrong: number = decision.result;
// @ts-expect-error: check takes the operation first
profile.check(42);

profile.close();
read.close();
export const used = [result, where, flags, allowed, explained, evaluated, text, count, wrong, sbp.version(),
  missing, param, firstSkip, status, ruleIndex, ruleText, patched, sbpl, warnings];
