import { describe, expect, it } from 'vitest';
import { blobFile } from './blob-file.js';
import { check } from './check.js';
import { isVhdFormatError } from './errors.js';
import { openChain } from './image/chain.js';
import { baseImage, childImage, firstDifference, MemoryImages } from './testing/images.js';

const MiB = 2 ** 20;

const counting = (bytes: Uint8Array) => bytes.map((_, i) => (i * 7 + 3) & 0xff);

describe('blobFile', () => {
  it('reads any range of the blob, short only at its end', async () => {
    const content = counting(new Uint8Array(100_000));
    const file = blobFile(new Blob([content]));
    expect(await file.size()).toBe(100_000);
    const out = new Uint8Array(70_000);
    expect(await file.read(out, 12_345)).toBe(70_000);
    expect(out).toEqual(content.subarray(12_345, 82_345));
    const tail = new Uint8Array(10).fill(0xee);
    expect(await file.read(tail, 99_996)).toBe(4);
    expect(Array.from(tail)).toEqual([
      ...content.subarray(99_996),
      0xee,
      0xee,
      0xee,
      0xee,
      0xee,
      0xee,
    ]);
    expect(await file.read(tail, 100_000)).toBe(0);
    expect(await file.read(tail, 5_000_000)).toBe(0);
    expect(await file.read(new Uint8Array(0), 0)).toBe(0);
  });

  it('reads into a view at an offset of a larger buffer', async () => {
    const content = counting(new Uint8Array(1000));
    const backing = new Uint8Array(64).fill(0xaa);
    const view = backing.subarray(8, 24);
    expect(await blobFile(new Blob([content])).read(view, 500)).toBe(16);
    expect(backing.subarray(8, 24)).toEqual(content.subarray(500, 516));
    expect(backing[7]).toBe(0xaa);
    expect(backing[24]).toBe(0xaa);
  });

  it('refuses write and truncate with READ_ONLY, and sync does nothing', async () => {
    const file = blobFile(new Blob([new Uint8Array(512)]));
    await expect(file.write(new Uint8Array(1), 0)).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'READ_ONLY'),
    );
    await expect(file.truncate(0)).rejects.toSatisfy((e) => isVhdFormatError(e, 'READ_ONLY'));
    await file.sync();
    expect(await file.size()).toBe(512);
  });

  it('rejects every call after close with CLOSED', async () => {
    const file = blobFile(new Blob([new Uint8Array(512)]));
    await file.close();
    for (const call of [
      () => file.read(new Uint8Array(1), 0),
      () => file.write(new Uint8Array(1), 0),
      () => file.size(),
      () => file.truncate(0),
      () => file.sync(),
    ]) {
      await expect(call()).rejects.toSatisfy((e) => isVhdFormatError(e, 'CLOSED'));
    }
  });

  it('rejects a bad buffer or position with INVALID_ARGUMENT', async () => {
    const file = blobFile(new Blob([new Uint8Array(512)]));
    for (const bad of [null, {}, [1, 2]] as unknown as Uint8Array[]) {
      await expect(file.read(bad, 0)).rejects.toSatisfy((e) =>
        isVhdFormatError(e, 'INVALID_ARGUMENT'),
      );
    }
    for (const position of [-1, 0.5, Number.NaN, 2 ** 53]) {
      await expect(file.read(new Uint8Array(1), position)).rejects.toSatisfy((e) =>
        isVhdFormatError(e, 'INVALID_ARGUMENT'),
      );
    }
  });

  it('refuses what is not a blob with INVALID_ARGUMENT', () => {
    for (const bad of [
      undefined,
      null,
      'x.vhd',
      new Uint8Array(4),
      { size: 4 },
      { size: -1, slice() {} },
    ]) {
      expect(() => blobFile(bad as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('opens, reads and checks a differencing chain handed in as Blobs', async () => {
    const base = await baseImage('dynamic', 4 * MiB, 64 * 1024, 1);
    const images = new MemoryImages();
    const writer = await images.open(base);
    await writer.write(counting(new Uint8Array(300_000)), 10_000);
    await writer.close();
    await images.add(base);
    const child = await childImage(base, 2, 'base.vhd');
    const childWriter = await images.open(child);
    await childWriter.write(new Uint8Array(1000).fill(0x5a), 100_001);
    const expected = new Uint8Array(4 * MiB);
    await childWriter.read(expected, 0);
    await childWriter.close();

    const baseBlob = new Blob([base.bytes()]);
    const childBlob = new Blob([child.bytes()]);
    const chain = await openChain(blobFile(childBlob), {
      openParent: async () => blobFile(baseBlob),
    });
    expect(chain.writable).toBe(false);
    expect(chain.layers.map((layer) => layer.type)).toEqual(['differencing', 'dynamic']);
    const out = new Uint8Array(4 * MiB);
    await chain.read(out, 0);
    await chain.close();
    expect(firstDifference(out, expected)).toBe(-1);
    expect(out[100_001]).toBe(0x5a);
    expect(out[10_000]).toBe(3);

    const result = await check(blobFile(childBlob), { openParent: async () => blobFile(baseBlob) });
    expect(result).toEqual({ ok: true, problems: [] });
  });

  it('cannot be opened for writing: the first write is READ_ONLY', async () => {
    const base = await baseImage('dynamic', 4 * MiB, 64 * 1024, 1);
    const chain = await openChain(blobFile(new Blob([base.bytes()])), {
      writable: true,
      openParent: async () => undefined,
    });
    await expect(chain.write(new Uint8Array(512).fill(1), 0)).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'READ_ONLY'),
    );
    await chain.close();
  });
});
