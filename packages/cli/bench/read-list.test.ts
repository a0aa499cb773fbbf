import { Buffer } from 'node:buffer';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeFile } from '@vskit/host-node/file';
import {
  createDifferencing,
  createDynamic,
  createFixed,
  openChain,
  openImage,
} from '@vskit/vhd-format';
import { afterEach, describe, expect, it } from 'vitest';
import { readsOf } from './read-list.js';

const MiB = 2 ** 20;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const filled = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 251) + 1);

/** Writes `pieces` through the chain whose top is `top` (parent `parent`, if any). */
async function writeChain(top: string, parent: string | undefined, pieces: [number, Uint8Array][]) {
  const chain = await openChain(await openNodeFile(top, 'readWrite'), {
    writable: true,
    openParent: () => openNodeFile(parent!, 'read'),
  });
  for (const [at, bytes] of pieces) await chain.write(bytes, at);
  await chain.close();
}

/** A dynamic 8 MiB parent and a differencing child over it, in a new folder. */
async function twoLayers(): Promise<{ parent: string; child: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vskit-read-list-'));
  dirs.push(dir);
  const parent = join(dir, 'parent.vhd');
  const child = join(dir, 'child.vhd');
  const p = await openNodeFile(parent, 'createNew');
  await createDynamic(p, { sizeBytes: 8 * MiB });
  await p.close();
  await writeChain(parent, undefined, [
    [0, filled(2 * MiB, 1)],
    [5 * MiB, filled(64 * 1024, 2)],
  ]);
  const image = await openImage(await openNodeFile(parent, 'read'));
  const footer = image.footer;
  await image.close();
  const c = await openNodeFile(child, 'createNew');
  await createDifferencing(c, {
    parent: {
      footer,
      modified: statSync(parent).mtime,
      unicodeName: 'parent.vhd',
      relativePath: '.\\parent.vhd',
    },
  });
  await c.close();
  await writeChain(child, parent, [
    [64 * 1024, filled(64 * 1024, 3)],
    [6 * MiB, filled(4096, 4)],
  ]);
  return { parent, child };
}

/** The bytes the listed reads bring, in order. */
function readAll(reads: readonly (readonly [string, number, number])[]): Uint8Array {
  const out = new Uint8Array(reads.reduce((n, r) => n + r[2], 0));
  let at = 0;
  for (const [path, offset, length] of reads) {
    const fd = openSync(path, 'r');
    try {
      expect(readSync(fd, out, at, length, offset)).toBe(length);
    } finally {
      closeSync(fd);
    }
    at += length;
  }
  return out;
}

describe('readsOf', () => {
  it("lists the file ranges holding a chain's bytes, top layer over parent, no zeros, cut at 2 MiB", async () => {
    const { parent, child } = await twoLayers();
    const reads = await readsOf(child);

    expect(reads.map(([path, , length]) => [path, length])).toEqual([
      [parent, 64 * 1024],
      [child, 64 * 1024],
      [parent, 2 * MiB - 128 * 1024],
      [parent, 2 * MiB],
      [child, 4096],
    ]);
    const chain = await openChain(await openNodeFile(child, 'read'), {
      openParent: () => openNodeFile(parent, 'read'),
    });
    const expected = new Uint8Array(4 * MiB + 4096);
    await chain.read(expected.subarray(0, 2 * MiB), 0);
    await chain.read(expected.subarray(2 * MiB, 4 * MiB), 4 * MiB);
    await chain.read(expected.subarray(4 * MiB), 6 * MiB);
    await chain.close();
    expect(Buffer.from(readAll(reads)).equals(expected)).toBe(true);
  });

  it('cuts a run that crosses 2 MiB of the disk where cat cuts its reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vskit-read-list-'));
    dirs.push(dir);
    const path = join(dir, 'fixed.vhd');
    const file = await openNodeFile(path, 'createNew');
    await createFixed(file, { sizeBytes: 5 * MiB });
    await file.close();
    await writeChain(path, undefined, [[MiB, filled(3 * MiB, 5)]]);
    const image = await openImage(await openNodeFile(path, 'read'));
    const size = image.footer.currentSize;
    await image.close();

    // A fixed disk's bytes are one run in its file (4 MiB and a little more: sizes round up).
    expect(size).toBeGreaterThan(4 * MiB);
    expect(await readsOf(path)).toEqual([
      [path, 0, 2 * MiB],
      [path, 2 * MiB, 2 * MiB],
      [path, 4 * MiB, size - 4 * MiB],
    ]);
  });
});
