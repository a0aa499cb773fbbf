/**
 * Which modules a `node` process loads: module hooks (registered with `--import`) append the URL
 * of every ES module Node.js loads, built-ins (`node:crypto`) included, to a log file; a preload
 * (`--require`) lists the built-ins a process loaded however it loaded them (the bin's bundle is
 * one CommonJS script), and what the bin compiled with `node:vm`.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { run } from './cli-process.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}
`;

/**
 * The URLs of the modules loaded by `node --import <hooks> args...`, run in `dir` (where the
 * hooks and the log are written, named after `label`). The process must succeed quietly.
 */
export async function loadedModules(
  dir: string,
  label: string,
  args: readonly string[],
): Promise<string[]> {
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  const log = join(dir, `${label}.log`);
  await writeFile(hooks, HOOKS);
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { file: ${JSON.stringify(log)} } });\n`,
  );
  await writeFile(log, '');
  const result = await run(process.execPath, ['--import', pathToFileURL(register).href, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const BUILTINS_PRELOAD = `const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const names = process.moduleLoadList
    .filter((entry) => entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
  writeFileSync(process.env.VSKIT_TEST_LOG, names.join('\\n'));
});
`;

/** Runs `node --require <preload> args...` in `dir`, which must succeed quietly; returns the log. */
async function runWithPreload(
  dir: string,
  label: string,
  preload: string,
  args: readonly string[],
): Promise<string> {
  const script = join(dir, `${label}.preload.cjs`);
  const log = join(dir, `${label}.log`);
  await writeFile(script, preload);
  await writeFile(log, '');
  const result = await run(process.execPath, ['--require', script, ...args], {
    env: { VSKIT_TEST_LOG: log },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return readFileSync(log, 'utf8');
}

/**
 * The Node.js built-in modules (`crypto`, `fs`, `internal/...`, without `node:`) a process
 * `node args...` loaded by its end, CommonJS `require` included, run in `dir`.
 */
export async function loadedBuiltins(
  dir: string,
  label: string,
  args: readonly string[],
): Promise<string[]> {
  return (await runWithPreload(dir, label, BUILTINS_PRELOAD, args)).split('\n').filter(Boolean);
}

const COMPILE_PRELOAD = `const vm = require('node:vm');
const { writeFileSync } = require('node:fs');
const compiled = [];
vm.Script = class extends vm.Script {
  constructor(source, options) {
    super(source, options);
    compiled.push({
      file: options && options.filename,
      cached: options !== undefined && options.cachedData !== undefined,
      rejected: this.cachedDataRejected === true,
    });
  }
};
process.on('exit', () => writeFileSync(process.env.VSKIT_TEST_LOG, JSON.stringify(compiled)));
`;

/** One script compiled through `node:vm`: its file, whether a code cache was offered, refused. */
export interface Compilation {
  readonly file: string;
  readonly cached: boolean;
  readonly rejected: boolean;
}

/** The scripts `node args...` compiled through `node:vm` (the bin compiles its bundle so). */
export async function bundleCompilations(
  dir: string,
  args: readonly string[],
): Promise<Compilation[]> {
  return JSON.parse(await runWithPreload(dir, 'compilations', COMPILE_PRELOAD, args));
}
