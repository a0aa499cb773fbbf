import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDirs, quickStartCommands, readManifest, repoRoot } from './workspace.js';

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

  it('has a README and a changeset that names it', () => {
    expect(existsSync(join(repoRoot, dir, 'README.md'))).toBe(true);
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
