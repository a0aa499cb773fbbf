/**
 * What the CLI tests share: running the BUILT `vskit` (dist/bin.js) as a child process, building
 * it first when dist is missing or older than a source file (concurrent test files share one
 * build through a lock folder; mkdir is atomic), temporary folders, and seeded test bytes.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, rmdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

/** packages/cli */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The monorepo root. */
export const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
/** The built `vskit` bin (`dist/vskit.cjs`, which runs the bundle `dist/vskit-bundle.cjs`), as installed. */
export const BIN = join(PACKAGE_DIR, 'dist', 'vskit.cjs');
/** The bundle the bin runs: the whole CLI in one CommonJS file. */
export const BUNDLE = join(PACKAGE_DIR, 'dist', 'vskit-bundle.cjs');
/** The same CLI unbundled, as `tsc` compiled it: one module per source file. */
export const UNBUNDLED_BIN = join(PACKAGE_DIR, 'dist', 'bin.js');

/** Sources the built bin depends on: this package and every workspace package it imports. */
const SOURCE_DIRS = [
  'packages/cli/src',
  'packages/cli/scripts',
  'packages/host/src',
  'packages/host-node/src',
  'packages/vhd-format/src',
  'packages/vs-api/src',
  'emulator/src',
  'conformance/src',
].map((dir) => join(REPO_DIR, dir));

/** Written after each build made for the tests; newer than every source means up to date. */
const STAMP = join(PACKAGE_DIR, 'node_modules', '.vskit-test-build-stamp');

async function newestSource(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (/\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, (await stat(path)).mtimeMs);
    }
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  try {
    await stat(BIN);
    const built = (await stat(STAMP)).mtimeMs;
    const sources = await Promise.all(SOURCE_DIRS.map(newestSource));
    return built >= Math.max(...sources);
  } catch {
    return false;
  }
}

/** Takes the build lock (a folder); a lock older than two minutes is left from a killed run. */
async function lock(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch {
    const age =
      Date.now() -
      (await stat(path).then(
        (s) => s.mtimeMs,
        () => Date.now(),
      ));
    if (age > 120_000) await rmdir(path).catch(() => undefined);
    return false;
  }
}

/**
 * Builds packages/cli and the packages it references (`tsc -b`), then bundles the bin, unless a
 * build made for the tests is newer than every source. Type errors elsewhere in the workspace do
 * not stop the build from emitting; errors in packages/cli fail the tests.
 */
export async function ensureBuilt(): Promise<void> {
  if (await isFresh()) return;
  const lockPath = join(PACKAGE_DIR, '.build-lock');
  while (!(await lock(lockPath))) {
    await new Promise((r) => setTimeout(r, 200));
    if (await isFresh()) return;
  }
  try {
    if (await isFresh()) return;
    const started = new Date();
    const tsc = join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-b', PACKAGE_DIR], { cwd: REPO_DIR });
    const output = result.stdout.toString() + result.stderr;
    const own = output.split('\n').filter((line) => line.startsWith('packages/cli/'));
    if (own.length > 0 || (result.code !== 0 && !(await stat(UNBUNDLED_BIN).catch(() => false)))) {
      throw new Error(`building the CLI failed:\n${output}`);
    }
    const bundle = await run(process.execPath, [join(PACKAGE_DIR, 'scripts', 'bundle.mjs')]);
    if (bundle.code !== 0) throw new Error(`bundling the CLI failed:\n${bundle.stderr}`);
    await writeFile(STAMP, started.toISOString());
    await utimes(STAMP, started, started);
  } finally {
    await rmdir(lockPath).catch(() => undefined);
  }
}

/** What a finished process left. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `command` with `args`, feeding `input` to stdin. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? REPO_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({
        code,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Runs `vskit args...` (the built bin). */
export function vskit(
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string } = {},
): Promise<ProcessResult> {
  return run(process.execPath, [BIN, ...args], options);
}

/** Runs `vskit args...` and expects it to succeed: exit code 0, nothing on stderr. */
export async function vskitOk(args: readonly string[], input?: Uint8Array): Promise<ProcessResult> {
  const result = await vskit(args, input === undefined ? {} : { input });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

/** A fresh temporary folder, and a function removing it. */
export async function tempFolder(
  prefix = 'vskit-cli-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The one error line every failure prints: `vskit: CODE[ (0x........)]: message`. */
export const ERROR_LINE = /^vskit: ([A-Z][A-Z0-9_]*)(?: \(0x[0-9A-F]{8}\))?: [^\n]+\n$/;

/** The code on an error line. */
export function errorCode(stderr: string): string | undefined {
  return ERROR_LINE.exec(stderr)?.[1];
}

/** Deterministic bytes for a test: a pattern seeded by `seed`. */
export function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Whether a peer tool is there; when it is not, tests fail under VSKIT_REQUIRE_PEERS=1. */
export async function peerAvailable(command: string, args: readonly string[]): Promise<boolean> {
  try {
    const result = await run(command, args);
    return result.code === 0;
  } catch {
    return false;
  }
}

/** Whether missing peers must fail the run instead of skipping. */
export const REQUIRE_PEERS = process.env.VSKIT_REQUIRE_PEERS === '1';

/**
 * For a test file that runs the bin: builds it before the file's tests (see {@link ensureBuilt})
 * and gives them a temporary folder, removed after them. `dir` is there once the tests run.
 */
export function builtCliAndTempFolder(): { readonly dir: string } {
  let folder: Awaited<ReturnType<typeof tempFolder>> | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    folder = await tempFolder();
  });
  afterAll(() => folder?.remove());
  return {
    get dir(): string {
      if (folder === undefined) throw new Error('the temporary folder exists only inside tests');
      return folder.dir;
    },
  };
}
