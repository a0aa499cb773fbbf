/**
 * Runs the BUILT `vskit` (dist/bin.js) as a child process, building it first when dist is
 * missing or older than a source file. Concurrent test files share one build through a lock
 * folder (mkdir is atomic).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The monorepo root. */
export const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
/** The built CLI entry. */
export const BIN = join(PACKAGE_DIR, 'dist', 'bin.js');

async function newestSource(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, (await stat(path)).mtimeMs);
    }
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  try {
    const built = (await stat(BIN)).mtimeMs;
    return built >= (await newestSource(join(PACKAGE_DIR, 'src')));
  } catch {
    return false;
  }
}

/** Builds packages/cli (and what it references) unless dist/bin.js is up to date. */
export async function ensureBuilt(): Promise<void> {
  if (await isFresh()) return;
  const lock = join(PACKAGE_DIR, '.build-lock');
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      if (await isFresh()) return;
    }
  }
  try {
    if (await isFresh()) return;
    const result = await run(
      process.execPath,
      [join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', PACKAGE_DIR],
      {
        cwd: REPO_DIR,
      },
    );
    if (result.code !== 0)
      throw new Error(`building the CLI failed:\n${result.stdout.toString()}${result.stderr}`);
  } finally {
    await rmdir(lock).catch(() => undefined);
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
