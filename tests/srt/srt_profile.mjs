// Prints the macOS Seatbelt profile sandbox-runtime (srt) generates from a settings file, as srt
// itself generates it: the settings are validated by srt's own schema and handed to its
// SandboxManager, whose wrapWithSandbox() calls the exported wrapCommandWithSandboxMacOS and
// returns the sandbox-exec command; the profile is the argument after -p.
//
//   node srt_profile.mjs --srt DIR --settings FILE --cwd DIR --home DIR
//
// --srt is the installed package (node_modules/@anthropic-ai/sandbox-runtime). The run is made
// to look like macOS and made independent of the machine it runs on:
// - process.platform reads 'darwin', so srt takes its macOS branch;
// - the working directory and home are the given ones (neither has to exist);
// - no path exists: every realpath fails with ENOENT, so srt keeps each path as spelled, as it
//   does on a Mac for a path that is absent when the profile is made.
// Exit status: 0 printed, 1 srt refused the settings (reason on stderr), 2 usage.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function usage(msg) {
  process.stderr.write(`srt_profile: ${msg}\nusage: node srt_profile.mjs --srt DIR --settings FILE --cwd DIR --home DIR\n`);
  process.exit(2);
}

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i];
  const value = process.argv[i + 1];
  if (!['--srt', '--settings', '--cwd', '--home'].includes(key) || value === undefined)
    usage(`bad argument '${key}'`);
  opts[key.slice(2)] = value;
}
for (const k of ['srt', 'settings', 'cwd', 'home']) if (!opts[k]) usage(`--${k} is required`);

const settings = JSON.parse(fs.readFileSync(opts.settings, 'utf8'));

Object.defineProperty(process, 'platform', { value: 'darwin' });
process.env.HOME = opts.home;
process.cwd = () => opts.cwd;
const absent = (p) => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, realpath '${p}'`), { code: 'ENOENT' });
};
fs.realpathSync.native = absent;
delete process.env.JAVA_TOOL_OPTIONS;

const srt = (rel) => import(pathToFileURL(path.join(opts.srt, rel)).href);
const { SandboxManager, SandboxRuntimeConfigSchema } = await srt('dist/index.js');

const parsed = SandboxRuntimeConfigSchema.safeParse(settings);
if (!parsed.success) {
  for (const issue of parsed.error.issues)
    process.stderr.write(`srt_profile: ${issue.path.join('.') || '(root)'}: ${issue.message}\n`);
  process.exit(1);
}

/* The words of a command quoted as srt quotes it: bare words and '...' runs, a single quote
 * spelled '"'"'. */
function shellWords(cmd) {
  const words = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ') i++;
    if (i >= cmd.length) break;
    let word = '';
    while (i < cmd.length && cmd[i] !== ' ') {
      if (cmd[i] === "'") {
        const end = cmd.indexOf("'", i + 1);
        word += cmd.slice(i + 1, end);
        i = end + 1;
      } else if (cmd[i] === '"') {
        const end = cmd.indexOf('"', i + 1);
        word += cmd.slice(i + 1, end);
        i = end + 1;
      } else {
        word += cmd[i++];
      }
    }
    words.push(word);
  }
  return words;
}

let status = 0;
try {
  await SandboxManager.initialize(parsed.data);
  const command = await SandboxManager.wrapWithSandbox('true');
  const words = shellWords(command);
  const at = words.indexOf('/usr/bin/sandbox-exec');
  if (at < 0 || words[at + 1] !== '-p') throw new Error(`no sandbox-exec -p in: ${command}`);
  process.stdout.write(words[at + 2] + '\n');
} catch (e) {
  process.stderr.write(`srt_profile: ${e && e.message ? e.message : e}\n`);
  status = 1;
} finally {
  await SandboxManager.reset();
}
process.exit(status);
