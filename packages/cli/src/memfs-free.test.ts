/**
 * The CLI works on real disks only: memfs (the emulated host's store) is neither in its
 * production dependency tree nor loaded by its commands. `@vskit/conformance` (which needs the
 * emulator, hence memfs) is an optional peer, loaded only by `vskit conformance`.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  PACKAGE_DIR,
  REPO_DIR,
  run,
  UNBUNDLED_BIN,
  vskitOk,
} from './__fixtures__/cli-process.js';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The folder of package `name` as Node.js resolves it from `from` (node_modules upwards). */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      return realpathSync(join(dir, 'node_modules', name));
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

/**
 * Every package a production install of the package at `root` brings: its `dependencies`,
 * `optionalDependencies` and non-optional `peerDependencies`, transitively (workspace packages
 * through their links, third-party ones through the store). Names that cannot be resolved are
 * listed with a `?`.
 */
function productionTree(root: string): Set<string> {
  const seen = new Set<string>();
  const names = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    names.add(manifest.name);
    const optionalPeers = manifest.peerDependenciesMeta ?? {};
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter((n) => !optionalPeers[n]?.optional),
    ];
    for (const name of wanted) {
      const found = resolvePackage(name, dir);
      if (found === undefined) names.add(`${name}?`);
      else visit(found);
    }
  };
  visit(realpathSync(root));
  return names;
}

describe("the CLI's production dependency tree", () => {
  it('holds no memfs, no emulator and no conformance suite', () => {
    const tree = productionTree(PACKAGE_DIR);
    expect([...tree].filter((name) => name.endsWith('?'))).toEqual([]);
    expect(tree).toContain('@vskit/host-node');
    expect(tree).toContain('@vskit/vs-api');
    expect(tree).not.toContain('memfs');
    expect(tree).not.toContain('@vskit/emulator');
    expect(tree).not.toContain('@vskit/conformance');
  });

  it('is walked far enough to see memfs where it is: under the conformance suite', () => {
    const tree = productionTree(join(REPO_DIR, 'conformance'));
    expect(tree).toContain('@vskit/emulator');
    expect(tree).toContain('memfs');
  });
});

/** Module hooks that append the URL of every module Node.js loads to the file they are given. */
const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}
`;

const tmp = builtCliAndTempFolder();

/** The URLs of the modules loaded by `node --import <hooks> args...`. */
async function loadedModules(label: string, args: readonly string[]): Promise<string[]> {
  const hooks = join(tmp.dir, 'hooks.mjs');
  const register = join(tmp.dir, 'register.mjs');
  const log = join(tmp.dir, `${label}.log`);
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

const memfs = (url: string) => /[/\\]memfs[/\\]/.test(url);

describe('vskit info', () => {
  it('loads no memfs and no emulator: only the packages of real disks', async () => {
    const image = join(tmp.dir, 'disk.vhd');
    await vskitOk(['create', 'dynamic', image, '8MiB']);
    // Unbundled, so that each module shows under its package's folder.
    const loaded = await loadedModules('info', [UNBUNDLED_BIN, 'info', image]);
    expect(loaded.some((url) => url.includes('/host-node/'))).toBe(true);
    expect(loaded.some((url) => url.includes('/vhd-format/'))).toBe(true);
    expect(loaded.filter(memfs)).toEqual([]);
    // package folders named from the repository's root (a checkout may itself sit in a folder
    // named like a package)
    const root = pathToFileURL(`${REPO_DIR}/`).href;
    const inRepo = (url: string) => (url.startsWith(root) ? url.slice(root.length) : url);
    expect(loaded.filter((url) => /^(emulator|conformance)\//.test(inRepo(url)))).toEqual([]);
  });

  it('is watched by hooks that do see memfs when the emulator is loaded', async () => {
    const emulator = pathToFileURL(join(REPO_DIR, 'emulator', 'dist', 'index.js')).href;
    const loaded = await loadedModules('emulator', [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(emulator)});`,
    ]);
    expect(loaded.some(memfs)).toBe(true);
  });
});
