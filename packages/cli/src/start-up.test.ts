/**
 * Start-up: each command loads only its own code. `main` imports a command's module when that
 * command runs, and the bin is a bundle (`dist/vskit.js`) whose commands are chunks of their
 * own, so `vskit info` loads neither `vs` (and vs-api) nor `create`, `check`, `cat`, `write` or
 * `conformance`, nor `node:crypto` (which only the node host of `vs` needs).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, builtCliAndTempFolder, UNBUNDLED_BIN, vskitOk } from './__fixtures__/cli-process.js';
import { loadedModules } from './__fixtures__/loaded-modules.js';

const OTHER_COMMANDS = [
  'create',
  'map',
  'check',
  'cat',
  'write',
  'rebase',
  'compact',
  'resize',
  'repair',
  'conformance',
  'vs',
];

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
  /** The chunks of the bundle a run loaded, by the name of the module they start from. */
  const chunks = (loaded: readonly string[]) =>
    loaded
      .map((url) => /\/cli\/dist\/chunks\/([a-z]+)-[A-Z0-9]+\.js$/.exec(url)?.[1])
      .filter((name) => name !== undefined);

  it("loads info's chunk and no other command's, and no node:crypto", async () => {
    const loaded = await loadedModules(tmp.dir, 'info-bundled', [BIN, 'info', image]);
    expect(loaded[0]).toMatch(/\/cli\/dist\/vskit\.js$/);
    expect(chunks(loaded)).toContain('info');
    expect(chunks(loaded).filter((name) => OTHER_COMMANDS.includes(name))).toEqual([]);
    expect(loaded).not.toContain('node:crypto');
  });

  it('is watched by hooks that do see a command chunk and node:crypto load when vs runs', async () => {
    const loaded = await loadedModules(tmp.dir, 'vs-bundled', [
      BIN,
      'vs',
      'GetHardDisk',
      'C:\\small.vhd',
      '--volume',
      `C=${tmp.dir}`,
    ]);
    expect(chunks(loaded)).toContain('vs');
    expect(loaded).toContain('node:crypto');
  });
});
