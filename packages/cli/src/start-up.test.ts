/**
 * Start-up: each command loads only its own code. `main` imports a command's module when that
 * command runs, so `vskit info` loads neither `vs` (and vs-api) nor `create`, `check`, `cat`,
 * `write` or `conformance`, nor `node:crypto` (which only the node host of `vs` needs), and
 * neither `info` nor a raw export loads `node:fs/promises`. The bin
 * (`dist/vskit.cjs`) runs one bundle (`dist/vskit-bundle.cjs`) in which each module starts only
 * when first imported, compiled with a V8 code cache made at build time; without that cache, or
 * with one V8 refuses, it runs the same.
 */
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  BUNDLE,
  builtCliAndTempFolder,
  pattern,
  run,
  UNBUNDLED_BIN,
  vskitOk,
} from './__fixtures__/cli-process.js';
import {
  bundleCompilations,
  loadedBuiltins,
  loadedModules,
} from './__fixtures__/loaded-modules.js';

const tmp = builtCliAndTempFolder();
let image: string;

beforeAll(async () => {
  image = join(tmp.dir, 'small.vhd');
  await vskitOk(['create', 'dynamic', image, '8MiB']);
});

describe('vskit info, unbundled (one module per source file)', () => {
  it("loads info's module and none of the other commands' modules", async () => {
    const loaded = await loadedModules(tmp.dir, 'info-unbundled', [UNBUNDLED_BIN, 'info', image]);
    const commands = loaded
      .map((url) => /\/cli\/dist\/commands\/([a-z-]+)\.js$/.exec(url)?.[1])
      .filter((name) => name !== undefined);
    expect(commands).toEqual(['info']);
  });

  it("loads vs-api's HRESULT table alone, the file opener without the node host, no node:crypto, no lock library", async () => {
    const loaded = await loadedModules(tmp.dir, 'info-packages', [UNBUNDLED_BIN, 'info', image]);
    expect(
      loaded.filter((url) => url.includes('/vs-api/')).map((url) => url.split('/').pop()),
    ).toEqual(['hresult.js']);
    expect(loaded.some((url) => url.endsWith('/host-node/dist/node-file.js'))).toBe(true);
    expect(loaded.filter((url) => url.endsWith('/host-node/dist/node-host.js'))).toEqual([]);
    expect(loaded).not.toContain('node:crypto');
    // A reader takes no writer lock, so the lock's library stays unloaded.
    expect(loaded.filter((url) => url.includes('/proper-lockfile/'))).toEqual([]);
  });
});

describe('vskit info, bundled (the bin as installed)', () => {
  it('runs no node:crypto, no node:fs/promises and no lock library, which vs and the writers need', async () => {
    const builtins = await loadedBuiltins(tmp.dir, 'info-bundled', [BIN, 'info', image]);
    expect(builtins).toContain('fs');
    expect(builtins).not.toContain('crypto');
    expect(builtins).not.toContain('fs/promises');
    // The writer lock's library (graceful-fs requires `constants`): a reader takes no lock.
    expect(builtins).not.toContain('constants');
  });

  it('is watched by a preload that does see node:crypto load for vs, the lock library for write', async () => {
    const vs = await loadedBuiltins(tmp.dir, 'vs-bundled', [
      BIN,
      'vs',
      'GetHardDisk',
      'C:\\small.vhd',
      '--volume',
      `C=${tmp.dir}`,
    ]);
    expect(vs).toContain('crypto');
    const target = join(tmp.dir, 'written.vhd');
    const input = join(tmp.dir, 'written.bin');
    await vskitOk(['create', 'dynamic', target, '8MiB']);
    await writeFile(input, pattern(4096, 5));
    const write = await loadedBuiltins(tmp.dir, 'write-bundled', [
      BIN,
      'write',
      target,
      '--offset',
      '0',
      '--input',
      input,
      '--json',
    ]);
    // graceful-fs, under the writer lock's library, requires Node.js's `constants`.
    expect(write).toContain('constants');
  });

  it('exports a chain to raw without node:crypto, node:fs/promises or the lock library', async () => {
    const out = join(tmp.dir, 'exported.raw');
    const loaded = await loadedBuiltins(tmp.dir, 'convert-bundled', [BIN, 'convert', image, out]);
    expect(loaded).toContain('fs');
    expect(loaded).not.toContain('crypto');
    expect(loaded).not.toContain('fs/promises');
    expect(loaded).not.toContain('constants');
  });

  it('compiles its bundle with the code cache made for it, which V8 accepts', async () => {
    const compiled = await bundleCompilations(tmp.dir, [BIN, 'info', image]);
    expect(compiled).toEqual([{ file: BUNDLE, cached: true, rejected: false }]);
  });

  it('runs the same without its code cache, or with a cache V8 refuses', async () => {
    const expected = (await vskitOk(['info', image, '--json'])).stdout.toString();
    const copy = join(tmp.dir, 'bin-copy');
    await mkdir(copy, { recursive: true });
    const cacheName = (await readdir(dirname(BIN))).find((name) => name.endsWith('.v8cache'));
    expect(cacheName).toBeDefined();
    for (const name of [basename(BIN), basename(BUNDLE)]) {
      await copyFile(join(dirname(BIN), name), join(copy, name));
    }
    const copied = join(copy, basename(BIN));
    const without = await run(process.execPath, [copied, 'info', image, '--json']);
    expect(without.stderr).toBe('');
    expect(without.stdout.toString()).toBe(expected);
    await writeFile(join(copy, cacheName as string), pattern(4096, 3));
    const compiled = await bundleCompilations(tmp.dir, [copied, 'info', image, '--json']);
    expect(compiled).toEqual([
      { file: join(copy, basename(BUNDLE)), cached: true, rejected: true },
    ]);
    const refused = await run(process.execPath, [copied, 'info', image, '--json']);
    expect(refused.stderr).toBe('');
    expect(refused.stdout.toString()).toBe(expected);
  });
});
