/**
 * Packing the workspace packages as they would be published, and installing the tarballs with
 * plain npm, offline: what the hygiene tests check about the tarballs users get.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageDirs, repoRoot } from './workspace.js';

const run = promisify(execFile);

/** One packed workspace package. */
export interface PackedPackage {
  /** The package name, `@vskit/cli`. */
  readonly name: string;
  /** The tarball. */
  readonly tarball: string;
  /** Where the tarball was unpacked (its `package/` folder). */
  readonly root: string;
  /** Every file in the tarball, relative to `package/`. */
  readonly files: readonly string[];
  /** The packed `package.json` (pnpm rewrites `workspace:` ranges into versions). */
  readonly manifest: Record<string, unknown>;
}

/** Every file under `dir`, relative to it, with `/` separators. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else out.push(path);
  }
  return out;
}

/**
 * Packs every workspace package with `pnpm pack` (as `pnpm publish` would) into `folder`, and
 * unpacks each tarball beside it.
 */
export async function packWorkspace(folder: string): Promise<PackedPackage[]> {
  await run('npx', ['-y', 'pnpm@10', '-r', 'pack', '--pack-destination', folder], {
    cwd: repoRoot,
    maxBuffer: 64 * 2 ** 20,
  });
  const packed: PackedPackage[] = [];
  for (const name of (await readdir(folder)).filter((n) => n.endsWith('.tgz'))) {
    const tarball = join(folder, name);
    const unpacked = join(folder, name.replace(/\.tgz$/, ''));
    await mkdir(unpacked);
    await run('tar', ['-xzf', tarball, '-C', unpacked]);
    const root = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    packed.push({ name: manifest.name, tarball, root, files: await listFiles(root), manifest });
  }
  return packed;
}

/** Where `name` resolves from `fromDir` by Node's rules (the first `node_modules/name` up). */
function installedDir(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The packages outside the workspace that the workspace packages need at run time, found
 * installed in the workspace: `name@version` and the folder holding each. A dependency that is
 * not installed is reported in `missing`.
 */
export function externalDependencies(): { found: Map<string, string>; missing: string[] } {
  const found = new Map<string, string>();
  const missing: string[] = [];
  const walk = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const name of Object.keys(deps)) {
      if (name.startsWith('@vskit/')) continue;
      const at = installedDir(dir, name);
      if (at === undefined) {
        missing.push(`${name} (for ${manifest.name})`);
        continue;
      }
      const version = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')).version;
      const key = `${name}@${version}`;
      if (found.has(key)) continue;
      found.set(key, at);
      walk(at);
    }
  };
  for (const dir of packageDirs) walk(realpathSync(join(repoRoot, dir)));
  return { found, missing };
}

/**
 * Installs `packed` into a new project at `folder` with plain `npm install --offline`: the
 * workspace tarballs as dependencies, and every outside dependency from a tarball made of its
 * installed copy (through `overrides`, so npm never asks a registry).
 */
export async function installOffline(folder: string, packed: readonly PackedPackage[]) {
  const { found, missing } = externalDependencies();
  if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')}`);
  const vendor = join(folder, 'vendor');
  await mkdir(vendor, { recursive: true });
  const overrides: Record<string, string> = {};
  for (const [key, dir] of found) {
    const tarball = join(vendor, `${key.replace(/[@/]/g, '_')}.tgz`);
    await run('tar', ['-czf', tarball, '-C', dir, '--transform', 's,^\\.,package,', '.']);
    overrides[key] = `file:${tarball}`;
  }
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  const app = join(folder, 'app');
  await mkdir(app);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'vskit-install-check', private: true, dependencies, overrides }),
  );
  await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: app, maxBuffer: 64 * 2 ** 20 },
  );
  return app;
}
