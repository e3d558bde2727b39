// sandbox-runtime 0.0.83's macOS profile generator against sbprofile's, on the same entries:
// N deny-read plus N allow-write entries (literals, subtrees and globs in turn), the entries
// of bench/bench_policy.c, with its port and base set. With --bench-policy the same run also
// reports bench_policy's in-library time for N and the ratio to it.
//
//   node bench/bench_srt.mjs --srt DIR --sbprofile EXE [--bench-policy EXE] [--entries N[,N...]]
//
// --srt is an installed @anthropic-ai/sandbox-runtime 0.0.83 (tests/srt/package.json pins it;
// `npm ci` there installs it). srt's wrapCommandWithSandboxMacOS is called in this process,
// made to take its macOS branch, with every realpath failing (no entry exists), once.
// sbprofile's side is `sbprofile policy --policy FILE -o FILE` on a policy file holding the
// same entries, timed from outside, best of 5 (process start, JSON reading,
// compiling and writing included, so the ratio is if anything in srt's favour), in wall-clock
// time on both sides; bench_policy's figure and srt's are CPU time, which a shared machine
// inflates less. Prints one line per size and the ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const opts = { entries: '10000' };
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!opts.srt || !opts.sbprofile) {
  console.error('usage: node bench/bench_srt.mjs --srt DIR --sbprofile EXE [--bench-policy EXE] [--entries N[,N...]]');
  process.exit(2);
}

// Made absolute before the working directory is faked below.
for (const k of ['srt', 'sbprofile', 'bench-policy']) if (opts[k]) opts[k] = path.resolve(opts[k]);
Object.defineProperty(process, 'platform', { value: 'darwin' });
process.env.HOME = '/Users/me';
process.cwd = () => '/Users/me/work';
fs.realpathSync.native = (p) => {
  throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
};
const version = JSON.parse(fs.readFileSync(path.join(opts.srt, 'package.json'), 'utf8')).version;
const { wrapCommandWithSandboxMacOS } = await import(
  pathToFileURL(path.join(opts.srt, 'dist/sandbox/macos-sandbox-utils.js')).href);

/* The i-th entry of a list, as bench/bench_policy.c makes it: literal, subtree or glob in
 * turn, in folders of 100. */
function entry(deny, i) {
  const dir = Math.floor(i / 100), k = i % 100;
  switch (i % 3) {
    case 0: return { path: deny ? `/Users/me/data/d${dir}/file-${k}.db` : `/Users/me/work/p${dir}/out-${k}.o`, match: 'literal' };
    case 1: return { path: deny ? `/Users/me/cache/d${dir}/s${k}` : `/Users/me/work/p${dir}/build-${k}`, match: 'subtree' };
    default: return { path: deny ? `/Users/me/logs/d${dir}/**/*.log${k}` : `/Users/me/work/p${dir}/tmp-${k}/*.tmp`, match: 'glob' };
  }
}

/* bench_policy's best CPU milliseconds (entries to SBPL text, in the library) for n. */
function benchPolicyCpuMs(exe, n) {
  const r = spawnSync(exe, [String(n)], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${n} `));
  return line ? Number(line.trim().split(/\s+/)[5]) : NaN;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sbp-bench-srt-'));
console.log(`srt ${version} (node ${process.version}) against ${opts.sbprofile}`);
for (const n of opts.entries.split(',').map(Number)) {
  const deny = Array.from({ length: n }, (_, i) => entry(true, i));
  const write = Array.from({ length: n }, (_, i) => entry(false, i));

  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const command = wrapCommandWithSandboxMacOS({
    command: 'true', needsNetworkRestriction: true, httpProxyPort: 3128, socksProxyPort: 1080,
    readConfig: { denyOnly: deny.map((e) => e.path), allowWithinDeny: [] },
    writeConfig: { allowOnly: write.map((e) => e.path), denyWithinAllow: [] },
  });
  const srtSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const srtCpu = (cpu.user + cpu.system) / 1e6;

  const policy = path.join(tmp, `policy-${n}.json`);
  fs.writeFileSync(policy, JSON.stringify({
    version: 1, home: '/Users/me', cwd: '/Users/me/work',
    read: { deny }, write: { allow: write }, network: { ports: [{ port: 3128 }] }, base: ['toolchain'],
  }));
  const out = path.join(tmp, `profile-${n}.sb`);
  let sbpSeconds = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(opts.sbprofile, ['policy', '--policy', policy, '-o', out], { encoding: 'utf8' });
    const t = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) {
      console.error(`sbprofile policy failed: ${r.stderr}`);
      process.exit(1);
    }
    sbpSeconds = Math.min(sbpSeconds, t);
  }
  const sbpBytes = fs.statSync(out).size;
  console.log(`${String(n).padStart(7)} + ${n} entries: srt ${srtCpu.toFixed(2)} s CPU (${srtSeconds.toFixed(2)} s wall), ` +
    `${(command.length / 1e6).toFixed(2)} MB command; sbprofile ${(sbpSeconds * 1e3).toFixed(1)} ms ` +
    `wall (best of 5), ${(sbpBytes / 1e6).toFixed(2)} MB profile; srt wall / sbprofile wall ${(srtSeconds / sbpSeconds).toFixed(0)}x`);
  if (opts['bench-policy']) {
    const ms = benchPolicyCpuMs(opts['bench-policy'], n);
    console.log(`${' '.repeat(7)}   bench_policy (library, entries to text): ${ms.toFixed(2)} ms CPU; ` +
      `srt CPU / library CPU ${(srtCpu * 1e3 / ms).toFixed(0)}x`);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
