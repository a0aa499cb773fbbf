/**
 * Which modules a `node` process loads: module hooks (registered with `--import`) append the URL
 * of every module Node.js loads, built-ins (`node:crypto`) included, to a log file.
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
