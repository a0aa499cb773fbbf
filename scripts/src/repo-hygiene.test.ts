import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../packages/cli/src/__fixtures__/cli-process.js';
import { installOffline, type PackedPackage, packWorkspace } from './packing.js';
import { packageDirs, quickStartCommands, readManifest, repoRoot } from './workspace.js';

const execFileAsync = promisify(execFile);

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('README Quick start', () => {
  it('holds exactly two commands: the conformance suite, then every test', () => {
    const commands = quickStartCommands(readme);
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/conformance/);
    expect(commands[1]).toMatch(/\btest\b/);
  });

  it('needs nothing but Node.js and npm: pnpm comes through npx', () => {
    for (const command of quickStartCommands(readme)) {
      for (const step of command.split('&&')) expect(step.trim()).toMatch(/^npx -y pnpm@10 /);
    }
  });
});

describe('quickStartCommands', () => {
  it('reads only the first code block of the section and skips blank lines', () => {
    const text = '# x\n## Quick start\n\ntext\n```sh\na\n\nb\n```\n```sh\nc\n```\n## Next\n';
    expect(quickStartCommands(text)).toEqual(['a', 'b']);
  });

  it('gives nothing when the section is missing', () => {
    expect(quickStartCommands('# x\n```sh\na\n```\n')).toEqual([]);
  });
});

describe.each(packageDirs)('package %s is publishable', (dir) => {
  const manifest = readManifest(dir);

  it('is ESM, side-effect free and runs on Node.js 20', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines?.node).toBe('>=20');
    expect(manifest.description).toBeTruthy();
  });

  it('exports types and JavaScript from dist, and ships no tests', () => {
    const entries = Object.entries(manifest.exports ?? {}).filter(
      ([key]) => key !== './package.json',
    );
    for (const [, entry] of entries) {
      expect(entry).toMatchObject({
        types: expect.stringMatching(/^\.\/dist\/.*\.d\.ts$/),
        import: expect.stringMatching(/^\.\/dist\/.*\.js$/),
      });
    }
    if (manifest.bin === undefined) expect(entries.length).toBeGreaterThan(0);
    expect(manifest.files).toContain('dist');
    expect(manifest.files).toContain('!dist/**/*.test.*');
  });

  it('has a README, an MIT LICENSE and a changeset that names it', () => {
    expect(existsSync(join(repoRoot, dir, 'README.md'))).toBe(true);
    expect(manifest.license).toBe('MIT');
    const license = readFileSync(join(repoRoot, dir, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) /);
    expect(license).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    const changesets = readdirSync(join(repoRoot, '.changeset'))
      .filter((name) => name.endsWith('.md') && name !== 'README.md')
      .map((name) => readFileSync(join(repoRoot, '.changeset', name), 'utf8'));
    expect(changesets.some((text) => text.includes(`"${manifest.name}"`))).toBe(true);
  });

  it('depends on workspace siblings by workspace protocol only', () => {
    const deps = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const [name, range] of Object.entries(deps)) {
      if (name.startsWith('@vskit/')) expect(range).toMatch(/^workspace:/);
    }
  });
});

describe('the tarballs pnpm packs', () => {
  let folder: string;
  let packed: PackedPackage[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    folder = await mkdtemp(join(tmpdir(), 'vskit-pack-'));
    packed = await packWorkspace(folder);
  }, 300_000);
  afterAll(() => (folder ? rm(folder, { recursive: true, force: true }) : undefined));

  it('are one per workspace package', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      packageDirs.map((dir) => readManifest(dir).name).sort(),
    );
  });

  it('carry a LICENSE and a README, and no build state, tests or fixtures', () => {
    for (const { name, files } of packed) {
      expect(files, name).toContain('LICENSE');
      expect(files, name).toContain('README.md');
      expect(files, name).toContain('package.json');
      const unwanted = files.filter((f) =>
        /\.tsbuildinfo$|\.test\.|\.bench\.|__fixtures__|(^|\/)node_modules\//.test(f),
      );
      expect(unwanted, name).toEqual([]);
    }
  });

  it('ship the source every source map points at', () => {
    for (const { name, root, files } of packed) {
      const maps = files.filter((f) => f.endsWith('.map'));
      expect(maps.length, name).toBeGreaterThan(0);
      const dir = packageDirs.find((d) => readManifest(d).name === name) as string;
      const dangling: string[] = [];
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
          sources: string[];
        };
        for (const source of sources) {
          const target = normalize(join(dirname(map), source));
          // A map whose source is gone from the workspace is stale output of a working copy
          // (a clean build has none); a source that exists must be in the tarball.
          const exists = existsSync(join(repoRoot, dir, target));
          if (exists && !files.includes(target)) dangling.push(`${map} -> ${source}`);
        }
      }
      expect(dangling, `${name}: maps whose sources are not shipped`).toEqual([]);
    }
  });

  it('name their workspace siblings by version, not by the workspace: protocol', () => {
    for (const { name, manifest } of packed) {
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
        const deps = (manifest[field] ?? {}) as Record<string, string>;
        for (const [dep, range] of Object.entries(deps)) {
          expect(range, `${name} ${field} ${dep}`).not.toMatch(/^workspace:/);
        }
      }
    }
  });

  it('install with plain npm, offline, and vskit runs from them', async () => {
    const app = await installOffline(folder, packed);
    const vskit = join(app, 'node_modules', '.bin', 'vskit');
    const help = await execFileAsync(vskit, ['--help'], { cwd: app });
    expect(help.stdout).toMatch(/^vskit: Virtual Server 2005 disks/);
    const created = await execFileAsync(vskit, ['create', 'dynamic', 'd.vhd', '4MiB'], {
      cwd: app,
    });
    expect(created.stdout).toMatch(/^created dynamic /);
    const imports = packed.map((p) => `await import(${JSON.stringify(p.name)});`).join('');
    await execFileAsync(process.execPath, ['--input-type=module', '-e', imports], { cwd: app });
  }, 300_000);
});
