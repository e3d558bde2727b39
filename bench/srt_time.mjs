// Times sandbox-runtime's macOS profile generator on the entries bench_policy uses, for the
// comparison bench_policy prints when SBP_SRT names an unpacked @anthropic-ai/sandbox-runtime
// package (npm pack @anthropic-ai/sandbox-runtime@0.0.83, then npm install --omit=dev in it).
//   node bench/srt_time.mjs ENTRIES   ->   {"entries":N,"wall_ms":..,"cpu_ms":..,"bytes":..}
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.SBP_SRT;
const { wrapCommandWithSandboxMacOS } = await import(
  pathToFileURL(path.join(root, 'dist/sandbox/macos-sandbox-utils.js')).href);
const n = Number(process.argv[2] || 10000);

// The same entries as bench/bench_policy.c: a third each literal paths, subtrees and globs.
function entry(deny, i) {
  const dir = Math.floor(i / 100), k = i % 100;
  switch (i % 3) {
    case 0: return deny ? `/Users/me/data/d${dir}/file-${k}.db` : `/Users/me/work/p${dir}/out-${k}.o`;
    case 1: return deny ? `/Users/me/cache/d${dir}/s${k}` : `/Users/me/work/p${dir}/build-${k}`;
    default: return deny ? `/Users/me/logs/d${dir}/**/*.log${k}` : `/Users/me/work/p${dir}/tmp-${k}/*.tmp`;
  }
}
const deny = [], allow = [];
for (let i = 0; i < n; i++) {
  deny.push(entry(true, i));
  allow.push(entry(false, i));
}
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const command = wrapCommandWithSandboxMacOS({
  command: 'true', needsNetworkRestriction: true, httpProxyPort: 3128,
  readConfig: { denyOnly: deny }, writeConfig: { allowOnly: allow, denyWithinAllow: [] },
});
const wall = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ entries: n, wall_ms: wall, cpu_ms: (cpu.user + cpu.system) / 1000,
                             bytes: command.length }));
