import { describe, expect, it } from 'vitest';
import { isVhdFormatError } from '../errors.js';
import { memoryFile } from '../io.js';
import { decodeFooter } from '../structs/footer.js';
import { baseImage, childImage, deterministic, MemoryImages, shared } from '../testing/images.js';
import { openChain } from './chain.js';
import { createDifferencing } from './create-differencing.js';
import { openImage } from './open.js';

const MiB = 2 ** 20;

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => isVhdFormatError(e) && e.code === code);
}

/** A child whose header names a parent with `parentSeed`'s UUID, over a 1 MiB disk. */
async function childNaming(parentSeed: number, seed: number) {
  const stand = await baseImage('dynamic', MiB, 4096, parentSeed);
  const footer = decodeFooter(stand.bytes().subarray(0, 512));
  const f = memoryFile();
  await createDifferencing(f, {
    ...deterministic(seed),
    parent: { footer, blockSizeBytes: 4096, modified: new Date(0), unicodeName: 'p.vhd' },
  });
  return f;
}

describe('openChain', () => {
  it('rejects a missing parent with PARENT_NOT_FOUND', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const child = await childImage(base, 2);
    await rejectsWith(openChain(child, { openParent: async () => undefined }), 'PARENT_NOT_FOUND');
  });

  it('rejects a parent with another UUID with PARENT_ID_MISMATCH, closing it', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const other = await baseImage('dynamic', MiB, 4096, 7);
    const child = await childImage(base, 2);
    let closed = 0;
    const openParent = async () => ({ ...shared(other), close: async () => void closed++ });
    await rejectsWith(openChain(child, { openParent }), 'PARENT_ID_MISMATCH');
    expect(closed).toBe(1);
  });

  it('detects a child naming itself and a loop of two as CHAIN_CYCLE', async () => {
    const self = await childNaming(5, 5);
    let calls = 0;
    await rejectsWith(
      openChain(self, {
        openParent: async () => {
          calls++;
          return shared(self);
        },
      }),
      'CHAIN_CYCLE',
    );
    expect(calls).toBe(0);
    // a (seed 5) names b (seed 6); b names a.
    const a = await childNaming(6, 5);
    const b = await childNaming(5, 6);
    const images = new MemoryImages();
    await images.add(a);
    await images.add(b);
    await rejectsWith(openChain(a, { openParent: images.openParent }), 'CHAIN_CYCLE');
  });

  it('limits the depth with CHAIN_TOO_DEEP', async () => {
    const images = new MemoryImages();
    let top = await baseImage('dynamic', MiB, 4096, 1);
    for (let i = 2; i <= 4; i++) {
      await images.add(top);
      top = await childImage(top, i);
    }
    await rejectsWith(
      openChain(shared(top), { openParent: images.openParent, maxDepth: 2 }),
      'CHAIN_TOO_DEEP',
    );
    const chain = await openChain(shared(top), { openParent: images.openParent, maxDepth: 3 });
    expect(chain.layers).toHaveLength(4);
    expect(chain.layers.slice(1).every((l) => !l.writable)).toBe(true);
    await chain.close();
  });

  it('a chain deeper than 99 layers opens and reads each layer (pitfall 10)', async () => {
    const images = new MemoryImages();
    let top = await baseImage('dynamic', MiB, 4096, 1);
    const layers = 120;
    for (let i = 2; i <= layers; i++) {
      await images.add(top);
      top = await childImage(top, i);
      // Layer i owns sector i: its byte there is i.
      const w = await openChain(shared(top), {
        openParent: images.openParent,
        writable: true,
        maxDepth: 128,
      });
      await w.write(new Uint8Array(512).fill(i), i * 512);
      await w.close();
    }
    await rejectsWith(openChain(shared(top), { openParent: images.openParent }), 'CHAIN_TOO_DEEP');
    const chain = await openChain(shared(top), { openParent: images.openParent, maxDepth: 128 });
    expect(chain.layers).toHaveLength(layers);
    const out = new Uint8Array((layers + 1) * 512);
    await chain.read(out, 0);
    for (let s = 0; s <= layers; s++) expect(out[s * 512]).toBe(s >= 2 ? s : 0);
    await chain.close();
  });

  it('a parent smaller than its child reads as zeros past its end, with a warning', async () => {
    // Two fixed parents with one UUID: the child records the 2 MiB one, is given the 1 MiB one.
    const small = await baseImage('fixed', MiB, 0, 1);
    const w = await openChain(shared(small), { openParent: async () => undefined, writable: true });
    await w.write(new Uint8Array(MiB).fill(7), 0);
    await w.close();
    const recorded = await openImage(await baseImage('fixed', 2 * MiB, 0, 1));
    const child = memoryFile();
    await createDifferencing(child, {
      ...deterministic(2),
      parent: { footer: recorded.footer, modified: new Date(), unicodeName: 'p.vhd' },
    });
    const chain = await openChain(shared(child), {
      openParent: async () => shared(small),
      writable: true,
    });
    expect(chain.warnings).toEqual([
      `parent 1 is ${MiB} bytes, its child ${2 * MiB}; bytes past the parent read as zeros`,
    ]);
    await chain.write(new Uint8Array(4).fill(9), MiB - 2);
    const out = new Uint8Array(8);
    await chain.read(out, MiB - 4);
    expect(Array.from(out)).toEqual([7, 7, 9, 9, 9, 9, 0, 0]);
    expect(
      small
        .bytes()
        .subarray(0, MiB)
        .every((b) => b === 7),
    ).toBe(true);
    await chain.close();
  });

  it('passes the reference, the child and the depth to openParent', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    await images.add(base);
    const child = await childImage(base, 2, 'base.vhd');
    const seen: Array<[string, string, number]> = [];
    const chain = await openChain(child, {
      openParent: async (ref, c, depth) => {
        seen.push([ref.unicodeName, c.type, depth]);
        return images.openParent(ref);
      },
    });
    expect(seen).toEqual([['base.vhd', 'differencing', 1]]);
    await chain.close();
  });

  it('warns (never fails) when the parent modification time differs from the record', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    await images.add(base);
    const child = await childImage(base, 2);
    const same = await openChain(shared(child), {
      openParent: async (ref) => ({
        file: (await images.openParent(ref))!,
        modified: new Date('2026-01-02T03:04:05Z'),
      }),
    });
    expect(same.warnings).toEqual([]);
    await same.close();
    const later = await openChain(shared(child), {
      openParent: async (ref) => ({
        file: (await images.openParent(ref))!,
        modified: new Date('2027-01-01T00:00:00Z'),
      }),
    });
    expect(later.warnings.join()).toMatch(/modified at VHD time/);
    await later.close();
  });
});

describe('differencing semantics', () => {
  async function setup() {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const writer = await images.open(base);
    await writer.write(new Uint8Array(8192).fill(0xaa), 0);
    await writer.close();
    await images.add(base);
    const child = await childImage(base, 2);
    return { images, base, child, parentBytes: base.bytes() };
  }

  it('writing zeros into a child still allocates and hides the parent', async () => {
    const { images, child } = await setup();
    const chain = await images.open(child);
    await chain.write(new Uint8Array(512), 512);
    const out = new Uint8Array(1536);
    await chain.read(out, 0);
    expect(out.subarray(0, 512).every((b) => b === 0xaa)).toBe(true);
    expect(out.subarray(512, 1024).every((b) => b === 0)).toBe(true);
    expect(out.subarray(1024).every((b) => b === 0xaa)).toBe(true);
    expect(chain.layers[0]!.allocatedBlockCount).toBe(1);
    await chain.close();
  });

  it('a partial-sector write merges with the parent and sets only that sector bit', async () => {
    const { images, child, base, parentBytes } = await setup();
    const chain = await images.open(child);
    await chain.write(new Uint8Array([1, 2]), 1030);
    const out = new Uint8Array(4096);
    await chain.read(out, 0);
    const expected = new Uint8Array(4096).fill(0xaa);
    expected.set([1, 2], 1030);
    expect(out).toEqual(expected);
    await chain.close();
    const bytes = child.bytes();
    // The block sits after the locators; its bitmap marks sector 2 only (0x20 = MSB-first bit 2).
    const image = await openImage(shared(child));
    expect(image.allocatedBlockCount).toBe(1);
    const bitmapAt = bytes.length - 512 - 4096 - 512;
    expect(bytes[bitmapAt]).toBe(0x20);
    expect(bytes.subarray(bitmapAt + 1, bitmapAt + 512).every((b) => b === 0)).toBe(true);
    // Clean sectors of the child block are zero on disk.
    const data = bytes.subarray(bitmapAt + 512, bitmapAt + 512 + 4096);
    expect(data.subarray(0, 1024).every((b) => b === 0)).toBe(true);
    expect(data.subarray(1536).every((b) => b === 0)).toBe(true);
    expect(base.bytes()).toEqual(parentBytes);
  });

  it('a child block bitmap broken one bit at a time hands exactly that sector to the parent', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const w = await images.open(base);
    await w.write(new Uint8Array(4096).fill(0xaa), 0);
    await w.close();
    await images.add(base);
    const child = await childImage(base, 2);
    const c = await images.open(child);
    await c.write(new Uint8Array(4096).fill(0xcc), 0);
    await c.close();
    const image = await openImage(shared(child));
    const batAt = image.header!.tableOffset;
    const entry = new Uint8Array(4);
    await child.read(entry, batAt); // the BAT entry of block 0
    const bitmapOffset = new DataView(entry.buffer).getUint32(0) * 512;
    const pristine = child.bytes();
    expect(pristine[bitmapOffset]).toBe(0xff);
    for (let sector = 0; sector < 8; sector++) {
      const bytes = pristine.slice();
      bytes[bitmapOffset] = 0xff ^ (0x80 >> sector);
      const chain = await openChain(memoryFile(bytes), { openParent: images.openParent });
      const out = new Uint8Array(4096);
      await chain.read(out, 0);
      for (let s = 0; s < 8; s++) expect(out[s * 512]).toBe(s === sector ? 0xaa : 0xcc);
      await chain.close();
    }
  });

  it('a read spanning clean and dirty sectors and unallocated blocks takes each from its layer', async () => {
    const { images, child } = await setup();
    const chain = await images.open(child);
    await chain.write(new Uint8Array(600).fill(0x11), 4096 + 100);
    const out = new Uint8Array(12_000);
    await chain.read(out, 50);
    const model = new Uint8Array(MiB);
    model.fill(0xaa, 0, 8192);
    model.fill(0x11, 4096 + 100, 4096 + 700);
    expect(out).toEqual(model.subarray(50, 12_050));
    await chain.close();
  });
});
