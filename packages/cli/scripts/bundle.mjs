/**
 * Bundles the `vskit` bin: `dist/bin.js` (compiled by `tsc -b`) and the workspace packages it
 * imports become `dist/vskit.js`, with each command in a chunk of its own under `dist/chunks/`.
 * Loading some 70 small ES modules cost `vskit info` more time than its work; one file for the
 * entry and one chunk per command keeps the commands lazy: `vskit info` loads its own chunk and
 * what it shares, never `vs`'s or `create`'s. The optional peer `@vskit/conformance` stays
 * outside (it loads from node_modules when `vskit conformance` runs). CommonJS packages inside
 * (the writer lock's) get a `require` made by `createRequire`.
 *
 * Run after `tsc -b`: `node scripts/bundle.mjs` (the package's `build` does both).
 */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(packageDir, 'dist');

// Chunk names change with their content: the chunks of an earlier bundle are removed first.
await rm(join(dist, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: { vskit: join(dist, 'bin.js') },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@vskit/conformance'],
  // CommonJS dependencies (proper-lockfile and its own) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as vskitCreateRequire } from 'node:module'; const require = vskitCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
