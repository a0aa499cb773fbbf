/**
 * The layering of the workspace, read from the sources (static imports, type imports and the
 * string of every dynamic `import()`):
 *
 *   vhd-format   nothing of ours, no Node.js built-in
 *   host         nothing of ours, no Node.js built-in
 *   host-node    host only
 *   emulator     host only (and host-node in its deprecated re-exports)
 *   vs-api       never the emulator or the node host, outside its tests
 *   every package: other packages through their public entry points only (a name or an
 *   `exports` subpath, never a path into their src/ or dist/), and only packages it declares.
 */
import { describe, expect, it } from 'vitest';
import {
  type ImportSite,
  importsOf,
  isNodeBuiltin,
  isOurs,
  isTestCode,
  leavesPackage,
  packageImports,
  packageName,
  publicEntryPoints,
} from './imports.js';
import { packageDirs, readManifest } from './workspace.js';

const imports = Object.fromEntries(packageDirs.map((dir) => [dir, packageImports(dir)]));
const of = (dir: (typeof packageDirs)[number]) => imports[dir] as ReturnType<typeof packageImports>;

/** `site` as `file: specifier`, for readable failures. */
const show = (site: ImportSite) => `${site.file}: ${site.specifier}`;

/** The workspace packages a list of sites imports, each once, sorted. */
const oursIn = (sites: readonly ImportSite[]) =>
  [
    ...new Set(sites.filter((s) => isOurs(s.specifier)).map((s) => packageName(s.specifier))),
  ].sort();

describe('the layering of the workspace', () => {
  it('reads a real number of imports from every package', () => {
    for (const dir of packageDirs) expect(of(dir).product.length, dir).toBeGreaterThan(0);
  });

  it('vhd-format imports nothing of ours and no Node.js built-in', () => {
    const bad = of('packages/vhd-format').product.filter(
      (s) => isOurs(s.specifier) || isNodeBuiltin(s.specifier),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it('host imports nothing of ours and no Node.js built-in', () => {
    const bad = of('packages/host').product.filter(
      (s) => isOurs(s.specifier) || isNodeBuiltin(s.specifier),
    );
    expect(bad.map(show)).toEqual([]);
  });

  it('host-node imports host only', () => {
    expect(oursIn(of('packages/host-node').product)).toEqual(['@vskit/host']);
  });

  it('the emulator imports host only, besides the deprecated re-exports of host-node', () => {
    const { product } = of('emulator');
    const reexports = 'emulator/src/node-reexports.ts';
    expect(oursIn(product.filter((s) => s.file !== reexports))).toEqual(['@vskit/host']);
    expect(oursIn(product.filter((s) => s.file === reexports))).toEqual(['@vskit/host-node']);
  });

  it('vs-api never imports the emulator or the node host outside its tests', () => {
    const bad = of('packages/vs-api').product.filter((s) =>
      ['@vskit/emulator', '@vskit/host-node'].includes(packageName(s.specifier)),
    );
    expect(bad.map(show)).toEqual([]);
    // Its tests do: the rule is about what ships, and the check sees them.
    expect(oursIn(of('packages/vs-api').tests)).toContain('@vskit/emulator');
  });

  it('the CLI loads the conformance suite only by a dynamic import', () => {
    const sites = of('packages/cli').product.filter(
      (s) => packageName(s.specifier) === '@vskit/conformance',
    );
    expect(sites.map((s) => s.kind)).toEqual(['dynamic']);
    expect(oursIn(of('packages/cli').product)).not.toContain('@vskit/emulator');
  });

  const entryPoints = new Map(
    packageDirs.map((dir) => [readManifest(dir).name, new Set(publicEntryPoints(dir))]),
  );

  describe.each(packageDirs)('%s', (dir) => {
    const { product, tests } = of(dir);
    const manifest = readManifest(dir);

    it('imports other packages through their public entry points only, never into their files', () => {
      const bad = [...product, ...tests].filter((s) =>
        isOurs(s.specifier)
          ? !(entryPoints.get(packageName(s.specifier))?.has(s.specifier) ?? false)
          : leavesPackage(s.file, s.specifier, dir),
      );
      expect(bad.map(show)).toEqual([]);
    });

    it('imports only workspace packages it declares (product code: not as a devDependency)', () => {
      const shipped = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys((manifest as { peerDependencies?: object }).peerDependencies ?? {}),
      ]);
      const declared = new Set([...shipped, ...Object.keys(manifest.devDependencies ?? {})]);
      expect(oursIn(product).filter((name) => !shipped.has(name))).toEqual([]);
      expect(oursIn(tests).filter((name) => !declared.has(name))).toEqual([]);
    });
  });
});

describe('importsOf', () => {
  it('finds static, re-exported, type-only, require and dynamic imports', () => {
    const text = `
      import a from 'a';
      import type { B } from 'b';
      export { c } from 'c';
      export * from 'd';
      import e = require('e');
      type F = typeof import('f');
      const g = await import('g');
      const h = () => import(\`h\`);
      const notChecked = await import(someVariable);
      const s = 'import("not-code")';
    `;
    expect(importsOf(text)).toEqual([
      { specifier: 'a', kind: 'static' },
      { specifier: 'b', kind: 'static' },
      { specifier: 'c', kind: 'static' },
      { specifier: 'd', kind: 'static' },
      { specifier: 'e', kind: 'static' },
      { specifier: 'f', kind: 'static' },
      { specifier: 'g', kind: 'dynamic' },
      { specifier: 'h', kind: 'dynamic' },
    ]);
  });
});

describe('the helpers of the layering rules', () => {
  it('tell test code from product code', () => {
    expect(isTestCode('src/check.test.ts')).toBe(true);
    expect(isTestCode('src/interop/__fixtures__/run.ts')).toBe(true);
    expect(isTestCode('bench/create.ts')).toBe(true);
    expect(isTestCode('src/check.ts')).toBe(false);
  });

  it('name Node.js built-ins with and without the node: prefix', () => {
    expect(['node:fs', 'fs', 'fs/promises', 'crypto'].map(isNodeBuiltin)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['memfs', '@vskit/host', './fs.js'].map(isNodeBuiltin)).toEqual([false, false, false]);
  });

  it('see a deep import into another package, and a relative path out of a package', () => {
    expect(publicEntryPoints('packages/host')).toEqual(['@vskit/host', '@vskit/host/kit']);
    expect(publicEntryPoints('packages/host')).not.toContain('@vskit/host/src/host.js');
    expect(packageName('@vskit/host/kit')).toBe('@vskit/host');
    expect(leavesPackage('packages/cli/src/a.ts', '../../vs-api/src/x.js', 'packages/cli')).toBe(
      true,
    );
    expect(leavesPackage('packages/cli/src/commands/a.ts', '../errors.js', 'packages/cli')).toBe(
      false,
    );
  });
});
