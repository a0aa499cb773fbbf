import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Host, type HostErrorCode, isHostError, windowsPath } from '@vskit/host';
import { createNodeHost } from '@vskit/host-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatedHost } from './emulated-host.js';

/** Every host call that takes a path, called with `path` in each path argument. */
const CALLS: Record<string, (host: Host, path: string) => Promise<unknown>> = {
  open: (h, p) => h.open(p, 'readWrite'),
  createNew: (h, p) => h.open(p, 'createNew'),
  stat: (h, p) => h.stat(p),
  exists: (h, p) => h.exists(p),
  mkdir: (h, p) => h.mkdir(p, { recursive: true }),
  readdir: (h, p) => h.readdir(p),
  readFile: (h, p) => h.readFile(p),
  writeFile: (h, p) => h.writeFile(p, new Uint8Array(1)),
  unlink: (h, p) => h.unlink(p),
  rmdir: (h, p) => h.rmdir(p),
  renameFrom: (h, p) => h.rename(p, 'C:\\target'),
  renameTo: (h, p) => h.rename('C:\\source', p),
};

async function failure(run: () => Promise<unknown>): Promise<HostErrorCode | 'ok'> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (isHostError(error)) return error.code;
    throw error;
  }
}

let root: string;
const hosts: Array<[string, () => Promise<Host>]> = [
  [
    'emulated',
    async () => {
      const host = createEmulatedHost({ volumes: [{ drive: 'C', fileSystem: 'NTFS' }] });
      await host.writeFile('C:\\source', new Uint8Array(1));
      return host;
    },
  ],
  [
    'node',
    async () => {
      const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
      if (!(await host.exists('C:\\source'))) await host.writeFile('C:\\source', new Uint8Array(1));
      return host;
    },
  ],
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vskit-path-rules-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(hosts)('%s host path rules', (_, makeHost) => {
  it.each(Object.keys(CALLS))('%s refuses an invalid character with EINVAL', async (call) => {
    const host = await makeHost();
    const run = CALLS[call]!;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...'*?:<>/|"\u0000\u0001\u001f'),
        fc.nat(5),
        async (char, at) => {
          const name = 'abcdef';
          const path = `C:\\dir\\${name.slice(0, at)}${char}${name.slice(at)}`;
          expect(windowsPath.findInvalidCharacter(path)).toBeDefined();
          expect(await failure(() => run(host, path))).toBe('EINVAL');
        },
      ),
      { numRuns: 20 },
    );
  });

  it.each(Object.keys(CALLS))('%s refuses relative and rooted paths with EINVAL', async (call) => {
    const host = await makeHost();
    const run = CALLS[call]!;
    for (const path of ['', 'a', 'dir\\a', '\\dir\\a', '.\\a', '..\\a', 'C:a']) {
      expect(await failure(() => run(host, path))).toBe('EINVAL');
    }
  });

  it.each(Object.keys(CALLS))(
    '%s refuses a path of 260 characters with ENAMETOOLONG',
    async (call) => {
      const host = await makeHost();
      const run = CALLS[call]!;
      const path = `C:\\${'a'.repeat(257)}`;
      expect(path.length).toBe(260);
      expect(await failure(() => run(host, path))).toBe('ENAMETOOLONG');
    },
  );

  it.each(Object.keys(CALLS))('%s on a drive with no volume', async (call) => {
    const host = await makeHost();
    const result = await failure(() => CALLS[call]!(host, 'Q:\\a'));
    // stat and exists answer "nothing there"; every other call, rename included, is ENOENT.
    expect(result).toBe(call === 'stat' || call === 'exists' ? 'ok' : 'ENOENT');
  });
});
