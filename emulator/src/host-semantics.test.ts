/**
 * Share modes, the read-only attribute and a failed `writeFile` of a new file, on the emulated
 * host and on the node host alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Host, type HostErrorCode, isHostError, type ShareMode } from '@vskit/host';
import { createNodeHost } from '@vskit/host-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulatedHost, type EmulatedHost } from './emulated-host.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const hosts: Array<[string, () => Promise<Host>]> = [
  [
    'emulated host',
    async () => createEmulatedHost({ volumes: [{ drive: 'C', fileSystem: 'NTFS' }] }),
  ],
  [
    'node host',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'vskit-semantics-'));
      roots.push(root);
      return createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
    },
  ],
];

const bytes = (text: string) => new TextEncoder().encode(text);

async function codeOf(promise: Promise<unknown>): Promise<HostErrorCode | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isHostError(error)) return error.code;
    throw error;
  }
}

for (const [name, make] of hosts) {
  describe(`share modes (${name})`, () => {
    it('a second writer is EBUSY whatever either shares; readers run beside a writer', async () => {
      const host = await make();
      await host.writeFile('C:\\a.vhd', bytes('abc'));
      for (const share of ['read', 'readWrite', 'none'] as ShareMode[]) {
        const writer = await host.open('C:\\a.vhd', 'readWrite', { share: 'readWrite' });
        expect(await codeOf(host.open('C:\\A.VHD', 'readWrite', { share })), share).toBe('EBUSY');
        await writer.close();
      }
      const writer = await host.open('C:\\a.vhd', 'readWrite');
      const reader = await host.open('C:\\a.vhd', 'read');
      expect(await host.readFile('C:\\a.vhd')).toEqual(bytes('abc'));
      await reader.close();
      await writer.close();
      const again = await host.open('C:\\a.vhd', 'readWrite');
      await again.close();
    });

    it('a handle that shares nothing keeps every other open out, readers too', async () => {
      const host = await make();
      await host.writeFile('C:\\a.vhd', bytes('abc'));
      const inUse = await host.open('C:\\a.vhd', 'read', { share: 'none' });
      expect(await codeOf(host.open('C:\\a.vhd', 'read'))).toBe('EBUSY');
      expect(await codeOf(host.readFile('C:\\a.vhd'))).toBe('EBUSY');
      expect(await codeOf(host.open('C:\\a.vhd', 'readWrite'))).toBe('EBUSY');
      expect((await host.stat('C:\\a.vhd'))?.size).toBe(3);
      await inUse.close();
      expect(await host.readFile('C:\\a.vhd')).toEqual(bytes('abc'));
    });

    it('a reader that shares reading only keeps writers out, and is kept out by one', async () => {
      const host = await make();
      await host.writeFile('C:\\a.vhd', bytes('abc'));
      const reader = await host.open('C:\\a.vhd', 'read', { share: 'read' });
      expect(await codeOf(host.open('C:\\a.vhd', 'readWrite'))).toBe('EBUSY');
      const second = await host.open('C:\\a.vhd', 'read', { share: 'read' });
      await second.close();
      await reader.close();
      const writer = await host.open('C:\\a.vhd', 'readWrite');
      expect(await codeOf(host.open('C:\\a.vhd', 'read', { share: 'read' }))).toBe('EBUSY');
      await writer.close();
    });
  });

  describe(`the read-only attribute (${name})`, () => {
    it('stat reports it; a write-open, a replacement and a removal are EPERM; clearing it undoes that', async () => {
      const host = await make();
      await host.writeFile('C:\\base.vhd', bytes('parent'));
      expect((await host.stat('C:\\base.vhd'))?.readOnly).toBe(false);
      await host.setReadOnly('C:\\BASE.vhd', true);
      expect((await host.stat('C:\\base.vhd'))?.readOnly).toBe(true);
      expect((await host.snapshot()).volumes[0]?.entries[0]?.readOnly).toBe(true);
      expect(await codeOf(host.open('C:\\base.vhd', 'readWrite'))).toBe('EPERM');
      expect(await codeOf(host.writeFile('C:\\base.vhd', bytes('x')))).toBe('EPERM');
      expect(await codeOf(host.unlink('C:\\base.vhd'))).toBe('EPERM');
      expect(await host.readFile('C:\\base.vhd')).toEqual(bytes('parent'));
      await host.setReadOnly('C:\\base.vhd', false);
      expect((await host.snapshot()).volumes[0]?.entries[0]?.readOnly).toBeUndefined();
      await host.writeFile('C:\\base.vhd', bytes('child'));
      await host.unlink('C:\\base.vhd');
    });

    it('is for files: EISDIR on a folder, ENOENT on nothing; a folder reports false', async () => {
      const host = await make();
      await host.mkdir('C:\\d');
      expect(await codeOf(host.setReadOnly('C:\\d', true))).toBe('EISDIR');
      expect(await codeOf(host.setReadOnly('C:\\none', true))).toBe('ENOENT');
      expect((await host.stat('C:\\d'))?.readOnly).toBe(false);
    });
  });

  describe(`rename and syncFolder (${name})`, () => {
    it('rename never replaces; syncFolder needs a folder', async () => {
      const host = await make();
      await host.writeFile('C:\\a', bytes('a'));
      await host.writeFile('C:\\b', bytes('b'));
      expect(await codeOf(host.rename('C:\\a', 'C:\\B'))).toBe('EEXIST');
      await host.rename('C:\\a', 'C:\\c');
      await host.syncFolder('C:\\');
      expect(await host.readdir('C:\\')).toEqual(['b', 'c']);
      expect(await host.readFile('C:\\c')).toEqual(bytes('a'));
      expect(await codeOf(host.syncFolder('C:\\c'))).toBe('ENOTDIR');
    });
  });
}

describe('writeFile of a new file on the emulated host', () => {
  function host(freeBytes = 2 ** 20): EmulatedHost {
    return createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'FAT16', capacityBytes: 2 ** 30, freeBytes }],
    });
  }

  it('that does not fit is ENOSPC (or EFBIG) before anything changes', async () => {
    const h = host(64 * 1024);
    const before = await h.snapshot();
    expect(await codeOf(h.writeFile('C:\\big', new Uint8Array(64 * 1024 + 1)))).toBe('ENOSPC');
    expect(h.faults.counts().open).toBe(0);
    expect(await h.snapshot()).toEqual(before);
  });

  it('failing at any of its operations, with any errno, leaves nothing', async () => {
    const data = new Uint8Array(100_000).fill(7);
    const clean = host();
    await clean.writeFile('C:\\new.bin', data);
    const ops = clean.faults.log();
    expect(ops.map((r) => r.op)).toEqual(['open', 'write', 'sync', 'close']);
    for (const record of ops) {
      for (const code of ['EIO', 'ENOSPC', 'EFBIG', 'EACCES'] as HostErrorCode[]) {
        const h = host();
        await h.mkdir('C:\\d');
        const before = await h.snapshot();
        h.faults.reset();
        h.faults.failNth(record.op, record.n, code);
        const label = `${record.op} #${record.n} failing with ${code}`;
        expect(await codeOf(h.writeFile('C:\\new.bin', data)), label).toBe(code);
        expect(await h.snapshot(), label).toEqual(before);
        expect(
          h.faults.log().map((r) => r.op),
          label,
        ).toContain(record.op);
      }
    }
  });
});
