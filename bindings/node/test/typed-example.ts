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

// @ts-expect-error: an action is 'allow' or 'deny'
profile.addDefault('permit');
// @ts-expect-error: a decision's result is not a number
const wrong: number = decision.result;
// @ts-expect-error: check takes the operation first
profile.check(42);

profile.close();
read.close();
export const used = [result, where, flags, allowed, explained, evaluated, text, count, wrong, sbp.version()];
