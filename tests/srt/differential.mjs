// Differential test: sandbox-runtime 0.0.83's own profile generator against
// `sbprofile policy --srt-settings`, on the settings fixtures of tests/data/policy/srt.
//
//   node differential.mjs --srt DIR --sbprofile EXE --data DIR --docs FILE [--only NAME]
//
// For each NAME.json it makes srt's profile (srt_profile.mjs) and sbprofile's, and decides
// every request of NAME.requests and common.requests with `sbprofile check` against both. A
// request must decide the same on both sides, unless its line names an intended deviation
// (`! NAME srt=D sbprofile=D`): then both decisions must be the ones written, and NAME must be a
// heading of the deviations documented in --docs. An unknown decision on either side fails:
// a request must carry the attributes the rules need; except that a line marked `? ATTR` is a
// question both profiles leave open, even with every attribute given (a signal to `others`
// against `(target same-sandbox)`: the other process may share the sandbox or not): then both
// sides must answer unknown for want of a narrower ATTR. With --srt missing (the package could
// not be installed) the test says it is skipped and why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['srt', 'sbprofile', 'data', 'docs'])
  if (!opts[k]) { console.error(`differential: --${k} is required`); process.exit(2); }

const srtPackage = path.join(opts.srt, 'package.json');
if (!fs.existsSync(srtPackage)) {
  const why = path.join(opts.srt, '..', '..', '..', 'srt-unavailable.txt');
  const reason = fs.existsSync(why) ? fs.readFileSync(why, 'utf8').trim() : `${srtPackage} is absent`;
  console.log(`srt differential test skipped: sandbox-runtime is not installed (${reason})`);
  process.exit(0);
}
const version = JSON.parse(fs.readFileSync(srtPackage, 'utf8')).version;
if (version !== '0.0.83') {
  console.error(`differential: sandbox-runtime ${version} is installed, the fixtures are for 0.0.83`);
  process.exit(1);
}

const docs = fs.readFileSync(opts.docs, 'utf8');
const documented = new Set([...docs.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]));

function parseRequests(file) {
  const out = { cwd: undefined, home: undefined, requests: [] };
  for (const [n, raw] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${path.basename(file)}:${n + 1}`;
    if (line.startsWith('@cwd ')) { out.cwd = line.slice(5); continue; }
    if (line.startsWith('@home ')) { out.home = line.slice(6); continue; }
    let [request, mark] = line.split(/\s+!\s+/);
    let open;
    const q = request.match(/^(.*?)\s+\?\s+([a-z0-9-]+)$/);
    if (q) {
      if (mark !== undefined) throw new Error(`${where}: a request is either open (?) or a deviation (!)`);
      [, request, open] = q;
    }
    // OPERATION, then a target (a path may hold spaces: "[WIP] notes"), then --attr pairs.
    const m = request.match(/^(\S+)(?:\s+(?!--attr)(.*?))?((?:\s+--attr\s+\S+)*)$/);
    if (!m) throw new Error(`${where}: bad request`);
    const [, op, target, attrs] = m;
    const args = attrs.trim() === '' ? [] : attrs.trim().split(/\s+/);
    let deviation;
    if (mark !== undefined) {
      const m = mark.match(/^([a-z0-9-]+) srt=(allow|deny) sbprofile=(allow|deny)$/);
      if (!m) throw new Error(`${where}: bad deviation mark '${mark}'`);
      deviation = { name: m[1], srt: m[2], sbprofile: m[3] };
    }
    const key = `${op} ${target ?? ''}`;
    out.requests.push({ where, key, argv: [...args, op, ...(target !== undefined ? [target] : [])], deviation, open });
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

function decide(profile, argv) {
  const r = run(opts.sbprofile, ['check', '-f', profile, ...argv]);
  const first = r.stdout.split('\n')[0];
  if (!['allow', 'deny', 'unknown'].includes(first))
    throw new Error(`sbprofile check ${argv.join(' ')} on ${profile}: ${r.stderr || r.stdout}`);
  const needs = r.stdout.match(/^flag: missing-attribute \((?:needs (\S+)|the (\S+) given overlaps what a filter tests)\)/m);
  return { decision: first, rule: r.stdout.split('\n')[1] ?? '', needs: needs ? needs[1] ?? needs[2] : undefined };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sbp-srt-'));
const common = parseRequests(path.join(opts.data, 'common.requests'));
const fixtures = fs.readdirSync(opts.data).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
let failures = 0, compared = 0, deviations = 0, open = 0;
const fail = (msg) => { failures++; console.log(`FAIL ${msg}`); };

for (const name of fixtures) {
  if (opts.only && opts.only !== name) continue;
  const settings = path.join(opts.data, `${name}.json`);
  const own = parseRequests(path.join(opts.data, `${name}.requests`));
  const cwd = own.cwd ?? '/Users/alice/proj';
  const home = own.home ?? '/Users/alice';
  const ownKeys = new Set(own.requests.map((r) => r.key));
  const requests = [...own.requests, ...common.requests.filter((r) => !ownKeys.has(r.key))];

  const srtProfile = path.join(tmp, `${name}.srt.sb`);
  const srt = run(process.execPath, [path.join(here, 'srt_profile.mjs'), '--srt', opts.srt,
    '--settings', settings, '--cwd', cwd, '--home', home]);
  if (srt.status !== 0) { fail(`${name}: srt refused the settings: ${srt.stderr}`); continue; }
  fs.writeFileSync(srtProfile, srt.stdout);

  const sbpProfile = path.join(tmp, `${name}.sbprofile.sb`);
  const sbp = run(opts.sbprofile, ['policy', '--srt-settings', settings, '--cwd', cwd, '--home', home,
    '-o', sbpProfile]);
  if (sbp.status !== 0) { fail(`${name}: sbprofile policy failed (${sbp.status}): ${sbp.stderr}`); continue; }

  for (const req of requests) {
    compared++;
    const a = decide(srtProfile, req.argv);
    const b = decide(sbpProfile, req.argv);
    const what = `${name}: ${req.argv.join(' ')} (${req.where})`;
    if (req.open) {
      open++;
      if (a.decision !== 'unknown' || b.decision !== 'unknown' || a.needs !== req.open || b.needs !== req.open)
        fail(`${what}: expected both to leave it open for want of ${req.open}, got srt ${a.decision}${a.needs ? ` (needs ${a.needs})` : ''} and sbprofile ${b.decision}${b.needs ? ` (needs ${b.needs})` : ''}`);
    } else if (a.decision === 'unknown' || b.decision === 'unknown') {
      fail(`${what}: unknown decision (srt ${a.decision}, sbprofile ${b.decision}): give the attributes the rules need`);
    } else if (req.deviation) {
      deviations++;
      if (!documented.has(req.deviation.name))
        fail(`${what}: deviation '${req.deviation.name}' is not documented in ${path.basename(opts.docs)}`);
      if (a.decision !== req.deviation.srt || b.decision !== req.deviation.sbprofile)
        fail(`${what}: deviation '${req.deviation.name}' expects srt ${req.deviation.srt} and sbprofile ${req.deviation.sbprofile}, got srt ${a.decision} (${a.rule}) and sbprofile ${b.decision} (${b.rule})`);
    } else if (a.decision !== b.decision) {
      fail(`${what}: srt ${a.decision} by ${a.rule}\n     sbprofile ${b.decision} by ${b.rule}`);
    }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${compared} requests on ${opts.only ? 1 : fixtures.length} fixtures compared, ${deviations} intended deviations, ${open} left open by both, ${failures} failures`);
if (compared === 0) { console.log('FAIL nothing was compared'); process.exit(1); }
process.exit(failures === 0 ? 0 : 1);
