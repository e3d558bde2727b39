'use strict';
// Memory-flatness check of the Node binding (not a unit test).
//
// Loops N times (default 10,000) over profile creation and checks: build the configd
// profile, check and assert it, serialize it, read a profile that lacks it, see the
// assertion fail, explain, and release everything. Prints the resident set size every N/10
// iterations (after a GC when run with --expose-gc); a flat column means nothing leaks.
// --no-close drops the objects without close() so that the finalizers free them.
//
//   SBPROFILE_LIB=build/libsbprofile.so node --expose-gc bindings/node/leakcheck.js [N] [--no-close]

const sbp = require('.');
const { koffi } = require('./lib/ffi.js');

// The C heap in use (glibc's mallinfo2), where the library's and koffi's memory lives;
// null where there is no glibc.
let mallinfo = () => null;
try {
  const libc = koffi.load('libc.so.6');
  const MallInfo2 = koffi.struct('mallinfo2', {
    arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t',
    usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
  });
  const fn = libc.func('mallinfo2', MallInfo2, []);
  mallinfo = () => { const m = fn(); return Number(m.uordblks) + Number(m.hblkhd); };
} catch (e) { /* not glibc */ }

const CONFIGD = 'com.apple.SystemConfiguration.configd';
const LACKS = '(version 1)\n(deny default)\n(allow mach-lookup (global-name "com.apple.cfprefsd.daemon"))\n'
  + '(allow file-read* (subpath (param "ROOT")))\n';

function once(close) {
  const p = new sbp.Profile({ version: 1 });
  p.addDefault('deny');
  p.addMachLookup('allow', CONFIGD);
  p.addFile('allow', ['read', 'write'], '/tmp/w');
  if (!p.check('mach-lookup', CONFIGD).allowed) throw new Error('configd not allowed');
  p.assertAllows('mach-lookup', CONFIGD);
  const text = p.serialize();
  const q = sbp.Profile.fromText(LACKS, { file: 'lacks.sb', params: { ROOT: '/w' } });
  const d = q.check('mach-lookup', CONFIGD);
  if (!d.denied || d.position.line !== 2) throw new Error('unexpected decision');
  let failed = false;
  try {
    q.assertAllows('mach-lookup', CONFIGD);
  } catch (e) {
    failed = e.message.includes('lacks.sb:2:1');
  }
  if (!failed) throw new Error('the assertion did not fail');
  q.explain('file-read-data', '/w/x', { signingIdentifier: 'com.x' });
  const dec = q.decider({ macos: '10.15' });
  dec.check('file-read-data', '/w/x');
  try {
    p.addFile('allow', 'read', '/a/../b');
  } catch (e) {
    if (!(e instanceof sbp.SbprofileError)) throw e;
  }
  if (close) {
    dec.close();
    p.close();
    q.close();
  }
  return text.length;
}

async function main() {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const n = args.length ? Number(args[0]) : 10000;
  const close = !process.argv.includes('--no-close');
  const step = Math.max(Math.floor(n / 10), 1);
  console.log(`node binding, ${n} iterations, ${close ? 'close()' : 'finalizers'}; library ${sbp.libraryPath()}`);
  for (let i = 1; i <= n; i++) {
    once(close);
    if (i === 1 || i % step === 0) {
      if (global.gc) {
        global.gc();
        await new Promise((r) => setImmediate(r)); // let finalizers run
        global.gc();
      }
      const m = process.memoryUsage();
      const kib = (v) => String(Math.round(v / 1024)).padStart(7);
      console.log(`  ${String(i).padStart(6)}  rss ${kib(m.rss)} KiB  js heap used ${kib(m.heapUsed)} KiB`
        + ` of ${kib(m.heapTotal)} KiB  C heap in use ${mallinfo() === null ? '?' : kib(mallinfo())} KiB`);
    }
  }
}

main();
