/**
 * Bundles the `vskit` bin. `dist/main.js` (compiled by `tsc -b`) and the workspace packages it
 * imports become one CommonJS file, `dist/vskit-bundle.cjs`, in which every module is initialised
 * only when first imported: `vskit info` runs its own command's module and what it shares, never
 * `vs`'s or `create`'s. The bin, `dist/vskit.cjs`, compiles that file with a V8 code cache made
 * here (`dist/vskit-bundle-<hash>.v8cache`) and runs it.
 *
 * Why: Node.js 20 spends more of `vskit info` loading code than running it. An ES module costs a
 * resolve, a read, a compile and a link (one file per command and shared chunk is a dozen of
 * them); one CommonJS script costs a read and a compile, and the code cache (the bytecode of what
 * `vskit info` ran, recorded at build time) saves most of the compile. Node.js 20 has no compile
 * cache of its own (`module.enableCompileCache` came in Node.js 22).
 *
 * The cache is only ever a shortcut: its name carries a hash of the bundle it was made from (a
 * rebuilt bundle never meets an older cache), and V8 itself refuses a cache from another V8
 * version or other flags (the bin then compiles the bundle as if there were none).
 *
 * The optional peer `@vskit/conformance` stays outside: its dynamic `import()` is the bin's own
 * (a script compiled by `node:vm` cannot import), so it loads from node_modules as before.
 *
 * Run after `tsc -b`: `node scripts/bundle.mjs` (the package's `build` does both).
 */
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageDir, 'dist');
const bundlePath = join(dist, 'vskit-bundle.cjs');
const PEER = '@vskit/conformance';

// Earlier bundles: the ES module chunks of former builds, and code caches of other bundles.
await rm(join(dist, 'chunks'), { recursive: true, force: true });
await rm(join(dist, 'vskit.js'), { force: true });
for (const name of await readdir(dist)) {
  if (/^vskit-bundle-[0-9a-f]+\.v8cache$/.test(name)) await rm(join(dist, name));
}

const result = await build({
  stdin: {
    contents: "export { main, quietOnBrokenPipe } from './main.js';\n",
    resolveDir: dist,
    sourcefile: 'vskit-entry.js',
  },
  write: false,
  outfile: bundlePath,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: [PEER],
  // The bundle is the body of a function the bin calls (see the loader below); it returns the
  // entry's exports. `import.meta.url` of the bundled modules is the bundle's own URL, made
  // when first asked for (only `--version` asks).
  banner: {
    js: "(function (require, module, exports, __filename, __dirname, vskitImport) {\nconst vskitMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
  },
  footer: { js: 'return module.exports;\n})' },
  define: { 'import.meta.url': 'vskitMeta.url' },
  logLevel: 'warning',
  // Minified, names kept (functions' and classes' `name`, so stack traces still name them): a
  // smaller file is read and hashed faster at every start (524 KB to 276 KB).
  minify: true,
  keepNames: true,
});
const peerImport = `import(${JSON.stringify(PEER)})`;
const built = result.outputFiles[0].text;
if (built.split(peerImport).length !== 2 || /\bimport\(/.test(built.replace(peerImport, ''))) {
  throw new Error(`the bundle should hold exactly one dynamic import(), of ${PEER}`);
}
const source = built.replace(peerImport, `vskitImport(${JSON.stringify(PEER)})`);
await writeFile(bundlePath, source);

const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
const cacheName = `vskit-bundle-${hash}.v8cache`;
const loader = `#!/usr/bin/env node
'use strict';
// The vskit bin: runs vskit-bundle.cjs (made by scripts/bundle.mjs, with this file), compiled
// with the V8 code cache made for that very bundle when there is one V8 accepts.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'vskit-bundle.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, ${JSON.stringify(cacheName)}));
} catch {
  cachedData = undefined;
}
const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData });
const cli = script.runInThisContext()(require, { exports: {} }, {}, file, __dirname, (id) => import(id));
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
`;
await writeFile(join(dist, 'vskit.cjs'), loader);
await chmod(join(dist, 'vskit.cjs'), 0o755);

/**
 * The code cache: the bundle compiled as the bin compiles it, then run through what `vskit info`
 * does on a small image (created by `vskit create`), so that the cache holds the bytecode of the
 * functions a start-up runs and not only of the outermost one.
 */
async function codeCache() {
  const script = new Script(source, { filename: bundlePath });
  const cli = script.runInThisContext()(
    createRequire(bundlePath),
    { exports: {} },
    {},
    bundlePath,
    dist,
    (id) => import(id),
  );
  const scratch = await mkdtemp(join(tmpdir(), 'vskit-bundle-'));
  try {
    const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    const io = { stdout: sink(), stderr: sink(), stdin: undefined, env: {} };
    const image = join(scratch, 'small.vhd');
    const commands = [
      ['create', 'dynamic', image, '8MiB'],
      ['info', image],
      ['--version'],
      ['convert', image, join(scratch, 'small.raw')],
    ];
    for (const argv of commands) {
      const code = await cli.main(argv, io);
      if (code !== 0) throw new Error(`vskit ${argv.join(' ')} exited ${code} while bundling`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return script.createCachedData();
}

await writeFile(join(dist, cacheName), await codeCache());
