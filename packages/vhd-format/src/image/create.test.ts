import { describe, expect, it } from 'vitest';
import { viewOf } from '../codec/bytes.js';
import { decodeUtf16 } from '../codec/utf16.js';
import {
  ALL_ONES_64,
  BLOCK_UNUSED,
  MAX_LOCATOR_PATH_UNITS,
  MAX_TABLE_ENTRIES,
  MAX_VIRTUAL_SIZE,
  PLATFORM_CODES,
} from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { chsCapacity, geometryForSize, MAX_GEOMETRY, roundUpToChs } from '../geometry.js';
import { memoryFile } from '../io.js';
import { expandedFileSize } from '../layout.js';
import { qemuVirtualSize } from '../qemu-size.js';
import { decodeBat } from '../structs/bat.js';
import { decodeDynamicHeader } from '../structs/dynamic-header.js';
import { decodeFooter } from '../structs/footer.js';
import { deterministic, firstDifference } from '../testing/images.js';
import { createDifferencing } from './create-differencing.js';
import { createDynamic } from './create-dynamic.js';
import { createFixed } from './create-fixed.js';
import { openImage } from './open.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => isVhdFormatError(e) && e.code === code);
}

describe('createFixed', () => {
  it('writes zeros then a fixed footer with data offset all ones and, with exactSize, the size asked and the spec geometry', async () => {
    const f = memoryFile();
    await createFixed(f, { sizeBytes: 3 * MiB, exactSize: true, ...deterministic(1) });
    const bytes = f.bytes();
    expect(bytes.length).toBe(3 * MiB + 512);
    expect(bytes.subarray(0, 3 * MiB).every((b) => b === 0)).toBe(true);
    const footer = decodeFooter(bytes.subarray(3 * MiB));
    expect(footer).toMatchObject({
      diskType: 2,
      dataOffset: ALL_ONES_64,
      currentSize: 3 * MiB,
      originalSize: 3 * MiB,
      geometry: geometryForSize(3 * MiB),
      creatorApplication: 'vsk ',
      creatorVersion: 0x00010000,
      creatorHostOs: 0x5769326b,
      features: 2,
      timestamp: (Date.parse('2026-01-02T03:04:05Z') - Date.parse('2000-01-01T00:00:00Z')) / 1000,
    });
    expect(Array.from(bytes.subarray(3 * MiB + 16, 3 * MiB + 24))).toEqual(new Array(8).fill(0xff));
  });

  it('with exactSize a fixed image of a whole number of MiB is that size + 512 bytes, its size not rounded to CHS (pitfall 5)', async () => {
    const f = memoryFile();
    const size = 100 * MiB;
    await createFixed(f, { sizeBytes: size, exactSize: true, ...deterministic(1) });
    expect(await f.size()).toBe(size + 512);
    const footer = decodeFooter(f.bytes().subarray(size));
    expect(footer.currentSize).toBe(size);
    expect(chsCapacity(footer.geometry)).toBeLessThan(size);
  });

  it('by default rounds the size up to a CHS capacity as qemu-img does: 3 MiB becomes 91/4/17 sectors', async () => {
    const f = memoryFile();
    await createFixed(f, { sizeBytes: 3 * MiB, ...deterministic(1) });
    const size = 91 * 4 * 17 * 512;
    expect(await f.size()).toBe(size + 512);
    const footer = decodeFooter(f.bytes().subarray(size));
    expect(footer).toMatchObject({
      currentSize: size,
      originalSize: size,
      geometry: { cylinders: 91, heads: 4, sectorsPerTrack: 17 },
    });
    expect(qemuVirtualSize(footer)).toBe(size);
  });

  it('refuses an exactSize that is not a boolean', async () => {
    await rejectsWith(
      createFixed(memoryFile(), { sizeBytes: MiB, exactSize: 1 as unknown as boolean }),
      'INVALID_ARGUMENT',
    );
  });

  it('creates a 3 GiB fixed image by extending the file, reporting progress to the total', async () => {
    const f = memoryFile();
    const progress: number[] = [];
    await createFixed(f, {
      sizeBytes: 3 * GiB,
      exactSize: true,
      onProgress: (d, t) => progress.push(d / t),
    });
    expect(await f.size()).toBe(3 * GiB + 512);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('can write the zeros in chunks with progress per chunk', async () => {
    const f = memoryFile(new Uint8Array(10_000).fill(7));
    const done: number[] = [];
    await createFixed(f, {
      sizeBytes: 3 * MiB,
      exactSize: true,
      zeroFill: 'write',
      onProgress: (d) => done.push(d),
    });
    expect(done).toEqual([0, MiB, 2 * MiB, 3 * MiB, 3 * MiB + 512]);
    expect(
      f
        .bytes()
        .subarray(0, 3 * MiB)
        .every((b) => b === 0),
    ).toBe(true);
  });

  it('writes the zeros of each disk, small or large, at their own length only', async () => {
    for (const sizeBytes of [3 * MiB + 512, 512 * 1000, 3 * MiB]) {
      const f = memoryFile(new Uint8Array(4 * MiB).fill(7));
      const lengths: number[] = [];
      const recording = {
        ...f,
        write: (bytes: Uint8Array, position: number) => {
          lengths.push(bytes.length);
          expect(bytes.every((b) => b === 0) || position === sizeBytes).toBe(true);
          return f.write(bytes, position);
        },
      };
      await createFixed(recording, { sizeBytes, exactSize: true, zeroFill: 'write' });
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(sizeBytes + 512);
      expect(await f.size()).toBe(sizeBytes + 512);
    }
  });

  it('is byte-for-byte deterministic given timestamp and UUID', async () => {
    const a = memoryFile();
    const b = memoryFile();
    await createFixed(a, { sizeBytes: MiB, ...deterministic(3) });
    await createFixed(b, { sizeBytes: MiB, ...deterministic(3) });
    expect(firstDifference(a.bytes(), b.bytes())).toBe(-1);
  });

  it('draws the UUID from the injected randomness as version 4', async () => {
    const f = memoryFile();
    await createFixed(f, {
      sizeBytes: MiB,
      exactSize: true,
      random: (n) => new Uint8Array(n).fill(0x11),
    });
    const footer = decodeFooter(f.bytes().subarray(MiB));
    expect(Array.from(footer.uniqueId)).toEqual([
      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x41, 0x11, 0x91, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
      0x11,
    ]);
  });

  it('takes the creator from the options', async () => {
    const f = memoryFile();
    await createFixed(f, {
      sizeBytes: MiB,
      exactSize: true,
      creatorApplication: 'vs  ',
      creatorVersion: 0x00010000,
      creatorHostOs: 'Mac ',
    });
    const footer = decodeFooter(f.bytes().subarray(MiB));
    expect(footer.creatorApplication).toBe('vs  ');
    expect(footer.creatorHostOs).toBe(0x4d616320);
  });

  it('refuses sizes above 2040 GiB, unaligned sizes and a cancelled signal', async () => {
    await rejectsWith(
      createFixed(memoryFile(), { sizeBytes: MAX_VIRTUAL_SIZE + 512 }),
      'SIZE_TOO_LARGE',
    );
    await rejectsWith(createFixed(memoryFile(), { sizeBytes: 1000 }), 'INVALID_ARGUMENT');
    await rejectsWith(createFixed(memoryFile(), { sizeBytes: -512 }), 'INVALID_ARGUMENT');
    await rejectsWith(
      createFixed(memoryFile(), { sizeBytes: MiB, signal: { aborted: true } }),
      'ABORTED',
    );
    await rejectsWith(
      createFixed(memoryFile(), { sizeBytes: MiB, creatorApplication: 'toolong' }),
      'INVALID_ARGUMENT',
    );
  });
});

describe('createDynamic', () => {
  it('lays out footer copy, header at 512, BAT at 1536 (all 0xFF, padded) and footer', async () => {
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: 10 * MiB, exactSize: true, ...deterministic(2) });
    const bytes = f.bytes();
    expect(bytes.length).toBe(1536 + 512 + 512);
    expect(bytes.subarray(0, 512)).toEqual(bytes.subarray(bytes.length - 512));
    const footer = decodeFooter(bytes.subarray(0, 512));
    expect(footer).toMatchObject({ diskType: 3, dataOffset: 512, currentSize: 10 * MiB });
    const header = decodeDynamicHeader(bytes.subarray(512, 1536));
    expect(header).toMatchObject({
      dataOffset: ALL_ONES_64,
      tableOffset: 1536,
      maxTableEntries: 5,
      blockSize: 2 * MiB,
      parentTimestamp: 0,
    });
    // Header data offset: all 64 bits set (VHD.md pitfall 13).
    expect(Array.from(bytes.subarray(520, 528))).toEqual(new Array(8).fill(0xff));
    expect(bytes.subarray(1536, 2048).every((b) => b === 0xff)).toBe(true);
  });

  it('sizes the BAT for max(current size, CHS capacity)', async () => {
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: 3 * MiB + 512, exactSize: true, blockSizeBytes: 4096 });
    const header = decodeDynamicHeader(f.bytes().subarray(512, 1536));
    const coverage = Math.max(3 * MiB + 512, chsCapacity(geometryForSize(3 * MiB + 512)));
    expect(header.maxTableEntries).toBe(Math.ceil(coverage / 4096));
  });

  it('by default rounds 1 GiB up to 2081/16/63 (1,073,995,776 bytes) and 10 MiB to 302/4/17, with a BAT for that size', async () => {
    for (const [asked, size, geometry] of [
      [GiB, 1_073_995_776, { cylinders: 2081, heads: 16, sectorsPerTrack: 63 }],
      [10 * MiB, 10_514_432, { cylinders: 302, heads: 4, sectorsPerTrack: 17 }],
    ] as const) {
      const f = memoryFile();
      await createDynamic(f, { sizeBytes: asked });
      const footer = decodeFooter(f.bytes().subarray(0, 512));
      expect(footer).toMatchObject({ currentSize: size, geometry });
      expect(qemuVirtualSize(footer)).toBe(size);
      const header = decodeDynamicHeader(f.bytes().subarray(512, 1536));
      expect(header.maxTableEntries).toBe(Math.ceil(size / (2 * MiB)));
      expect((await openImage(f, { strict: true })).virtualSize).toBe(size);
    }
  });

  it('with exactSize keeps the size asked, which QEMU shows as its smaller CHS capacity', async () => {
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: GiB, exactSize: true });
    const footer = decodeFooter(f.bytes().subarray(0, 512));
    expect(footer.currentSize).toBe(GiB);
    expect(footer.geometry).toEqual(geometryForSize(GiB));
    expect(qemuVirtualSize(footer)).toBe(GiB - 262_144);
  });

  it('keeps sizes past the CHS range as asked, with the maximum geometry', async () => {
    for (const exactSize of [false, true]) {
      const f = memoryFile();
      await createDynamic(f, { sizeBytes: 200 * GiB + 512, exactSize });
      const footer = decodeFooter(f.bytes().subarray(0, 512));
      expect(footer.currentSize).toBe(200 * GiB + 512);
      expect(footer.geometry).toEqual(MAX_GEOMETRY);
      expect(roundUpToChs(200 * GiB + 512).sizeBytes).toBe(200 * GiB + 512);
    }
  });

  it('creates an empty 2040 GiB image whose BAT holds 1044480 entries', async () => {
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: MAX_VIRTUAL_SIZE });
    expect(await f.size()).toBe(1536 + 1_044_480 * 4 + 512);
    expect(expandedFileSize({ type: 'dynamic', sizeBytes: MAX_VIRTUAL_SIZE })).toBe(
      1536 + 1_044_480 * 4 + 1_044_480 * (2 * MiB + 512) + 512,
    );
  });

  it('reports progress to the file size and honours a cancelled signal', async () => {
    const f = memoryFile();
    const seen: Array<[number, number]> = [];
    await createDynamic(f, { sizeBytes: 64 * MiB, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [0, await f.size()],
      [await f.size(), await f.size()],
    ]);
    await rejectsWith(
      createDynamic(memoryFile(), { sizeBytes: MiB, signal: { aborted: true } }),
      'ABORTED',
    );
  });

  it(`refuses a BAT of more than ${MAX_TABLE_ENTRIES} entries (2040 GiB in 512-byte blocks)`, async () => {
    const file = memoryFile();
    await rejectsWith(
      createDynamic(file, { sizeBytes: 2040 * 2 ** 30, blockSizeBytes: 512 }),
      'SIZE_TOO_LARGE',
    );
    expect(await file.size()).toBe(0);
  });

  it('refuses bad block sizes', async () => {
    for (const blockSizeBytes of [0, 256, 3000, 512 * MiB]) {
      await rejectsWith(
        createDynamic(memoryFile(), { sizeBytes: MiB, blockSizeBytes }),
        'BAD_BLOCK_SIZE',
      );
    }
  });
});

describe('creating over a file that holds bytes', () => {
  it('empties the file first: the result equals a creation on an empty file', async () => {
    const parent = memoryFile();
    await createDynamic(parent, { sizeBytes: 4 * MiB, ...deterministic(1) });
    const parentFooter = decodeFooter(parent.bytes().subarray(0, 512));
    const creations: Array<(f: ReturnType<typeof memoryFile>) => Promise<void>> = [
      (f) => createFixed(f, { sizeBytes: MiB, ...deterministic(2) }),
      (f) => createDynamic(f, { sizeBytes: 4 * MiB, ...deterministic(3) }),
      (f) =>
        createDifferencing(f, {
          ...deterministic(4),
          parent: { footer: parentFooter, modified: new Date(0), unicodeName: 'p.vhd' },
        }),
    ];
    for (const create of creations) {
      const fresh = memoryFile();
      await create(fresh);
      const used = memoryFile(new Uint8Array(10 * MiB).fill(0x77));
      await create(used);
      expect(await used.size()).toBe(await fresh.size());
      expect(firstDifference(used.bytes(), fresh.bytes())).toBe(-1);
    }
  });
});

describe('createDifferencing', () => {
  const parentFooter = async () => {
    const p = memoryFile();
    await createDynamic(p, {
      sizeBytes: 64 * MiB,
      exactSize: true,
      blockSizeBytes: 512 * 1024,
      ...deterministic(9),
    });
    return decodeFooter(p.bytes().subarray(0, 512));
  };

  it('holds exactly what SEMANTICS.md lists, given keepParentGeometry as vs-api gives it', async () => {
    const parent = await parentFooter();
    const f = memoryFile();
    await createDifferencing(f, {
      keepParentGeometry: true,
      creatorApplication: 'vs  ',
      creatorVersion: 0x00010000,
      creatorHostOs: 'Wi2k',
      ...deterministic(4),
      parent: {
        footer: parent,
        blockSizeBytes: 512 * 1024,
        modified: new Date('2026-03-04T05:06:07Z'),
        unicodeName: 'base.vhd',
        absolutePath: 'C:\\vms\\base.vhd',
        relativePath: '..\\base.vhd',
      },
    });
    const bytes = f.bytes();
    const footer = decodeFooter(bytes.subarray(bytes.length - 512));
    expect(bytes.subarray(0, 512)).toEqual(bytes.subarray(bytes.length - 512));
    expect(footer).toMatchObject({
      features: 2,
      fileFormatVersion: 0x00010000,
      dataOffset: 512,
      creatorApplication: 'vs  ',
      creatorVersion: 0x00010000,
      creatorHostOs: 0x5769326b,
      originalSize: 64 * MiB,
      currentSize: 64 * MiB,
      geometry: parent.geometry,
      diskType: 4,
      savedState: 0,
    });
    const header = decodeDynamicHeader(bytes.subarray(512, 1536));
    expect(header.tableOffset).toBe(1536);
    expect(header.blockSize).toBe(512 * 1024);
    expect(header.maxTableEntries).toBe(128);
    expect(header.parentUniqueId).toEqual(parent.uniqueId);
    expect(header.parentTimestamp).toBe(
      (Date.parse('2026-03-04T05:06:07Z') - Date.parse('2000-01-01T00:00:00Z')) / 1000,
    );
    expect(header.parentUnicodeName).toBe('base.vhd');
    expect(Array.from(bytes.subarray(512 + 64, 512 + 68))).toEqual([0, 0x62, 0, 0x61]);
    const [w2ku, w2ru, ...rest] = header.parentLocators;
    const batEnd = 1536 + 512;
    expect(w2ku).toEqual({
      platformCode: PLATFORM_CODES.W2ku,
      platformDataSpace: 512,
      platformDataLength: 30,
      reserved: 0,
      platformDataOffset: batEnd,
    });
    expect(w2ru).toEqual({
      platformCode: PLATFORM_CODES.W2ru,
      platformDataSpace: 512,
      platformDataLength: 22,
      reserved: 0,
      platformDataOffset: batEnd + 512,
    });
    expect(rest.every((l) => l.platformCode === 0)).toBe(true);
    expect(decodeUtf16(bytes.subarray(batEnd, batEnd + 30), 'le')).toBe('C:\\vms\\base.vhd');
    expect(decodeUtf16(bytes.subarray(batEnd + 512, batEnd + 512 + 22), 'le')).toBe('..\\base.vhd');
    expect(decodeBat(bytes.subarray(1536), 128).every((e) => e === BLOCK_UNUSED)).toBe(true);
    expect(bytes.length).toBe(batEnd + 1024 + 512);
  });

  it('omits W2ru when there is no relative path and sizes data space in whole sectors', async () => {
    const parent = await parentFooter();
    const f = memoryFile();
    const longPath = `C:\\${'d'.repeat(300)}\\base.vhd`;
    await createDifferencing(f, {
      parent: {
        footer: parent,
        modified: new Date(),
        unicodeName: 'base.vhd',
        absolutePath: longPath,
      },
    });
    const header = decodeDynamicHeader(f.bytes().subarray(512, 1536));
    expect(header.parentLocators[0]!.platformDataSpace).toBe(1024);
    expect(header.parentLocators[0]!.platformDataLength).toBe(longPath.length * 2);
    expect(header.parentLocators[1]!.platformCode).toBe(0);
    expect(header.blockSize).toBe(2 * MiB);
  });

  it('creates a child of a 2040 GiB parent in a few writes', async () => {
    const p = memoryFile();
    await createDynamic(p, { sizeBytes: MAX_VIRTUAL_SIZE });
    const f = memoryFile();
    let writes = 0;
    const counting = {
      ...f,
      write: (b: Uint8Array, pos: number) => {
        writes++;
        return f.write(b, pos);
      },
    };
    await createDifferencing(counting, {
      parent: {
        footer: decodeFooter(p.bytes().subarray(0, 512)),
        modified: new Date(),
        unicodeName: 'p.vhd',
        absolutePath: 'C:\\p.vhd',
        relativePath: '.\\p.vhd',
      },
    });
    // Footer copy and header, four 1 MiB runs of the BAT, locators and footer.
    expect(writes).toBe(6);
    expect(await f.size()).toBe(1536 + 1_044_480 * 4 + 1024 + 512);
  });

  it('refuses parent paths longer than the longest Windows path, which a reader would skip', async () => {
    const parent = await parentFooter();
    const base = { footer: parent, modified: new Date(0), unicodeName: 'p.vhd' };
    for (const path of ['', `C:\\${'a'.repeat(MAX_LOCATOR_PATH_UNITS - 2)}`]) {
      await rejectsWith(
        createDifferencing(memoryFile(), { parent: { ...base, absolutePath: path } }),
        'INVALID_ARGUMENT',
      );
    }
    // The longest accepted path is read back by a strict open.
    const longest = `C:\\${'a'.repeat(MAX_LOCATOR_PATH_UNITS - 3)}`;
    const f = memoryFile();
    await createDifferencing(f, { parent: { ...base, absolutePath: longest } });
    const image = await openImage(f, { strict: true });
    expect(image.parent!.locators).toEqual([{ platform: 'W2ku', path: longest, entry: 0 }]);
  });

  it('refuses a parent name longer than 256 units and parents above 2040 GiB', async () => {
    const parent = await parentFooter();
    await rejectsWith(
      createDifferencing(memoryFile(), {
        parent: { footer: parent, modified: new Date(), unicodeName: 'x'.repeat(257) },
      }),
      'INVALID_ARGUMENT',
    );
    const big = { ...parent, currentSize: MAX_VIRTUAL_SIZE + 512 };
    await rejectsWith(
      createDifferencing(memoryFile(), {
        parent: { footer: big, modified: new Date(), unicodeName: 'p' },
      }),
      'SIZE_TOO_LARGE',
    );
  });

  it('stores the parent size when it differs from its CHS capacity; a kept geometry that addresses more sizes the BAT', async () => {
    const parent = await parentFooter();
    const odd = { ...parent, geometry: { cylinders: 2000, heads: 16, sectorsPerTrack: 63 } };
    const kept = memoryFile();
    await createDifferencing(kept, {
      keepParentGeometry: true,
      parent: { footer: odd, modified: new Date(), unicodeName: 'p' },
    });
    const header = decodeDynamicHeader(kept.bytes().subarray(512, 1536));
    expect(header.maxTableEntries).toBe(Math.ceil((2000 * 16 * 63 * 512) / (2 * MiB)));
    expect(viewOf(kept.bytes()).getUint16(56)).toBe(2000);
    expect(decodeFooter(kept.bytes().subarray(0, 512)).currentSize).toBe(64 * MiB);
    // By default the child takes the maximum geometry instead, and a BAT for its size alone.
    const fresh = memoryFile();
    await createDifferencing(fresh, {
      parent: { footer: odd, modified: new Date(), unicodeName: 'p' },
    });
    const footer = decodeFooter(fresh.bytes().subarray(0, 512));
    expect(footer.geometry).toEqual(MAX_GEOMETRY);
    expect(footer.currentSize).toBe(64 * MiB);
    expect(decodeDynamicHeader(fresh.bytes().subarray(512, 1536)).maxTableEntries).toBe(32);
  });

  it('a child keeps a parent geometry that addresses exactly the parent size (qemu-img, Virtual PC, ours by default)', async () => {
    const p = memoryFile();
    await createDynamic(p, { sizeBytes: 10 * MiB });
    const parent = decodeFooter(p.bytes().subarray(0, 512));
    expect(chsCapacity(parent.geometry)).toBe(parent.currentSize);
    const f = memoryFile();
    await createDifferencing(f, {
      parent: { footer: parent, modified: new Date(), unicodeName: 'p' },
    });
    const footer = decodeFooter(f.bytes().subarray(0, 512));
    expect(footer.geometry).toEqual(parent.geometry);
    expect(qemuVirtualSize(footer)).toBe(parent.currentSize);
  });

  it('a child of a Hyper-V parent of 127 GiB (win, size not a CHS capacity) takes the maximum geometry, so QEMU shows it at the parent size', async () => {
    const hyperV = {
      ...(await parentFooter()),
      creatorApplication: 'win ',
      currentSize: 127 * GiB,
      originalSize: 127 * GiB,
      geometry: geometryForSize(127 * GiB),
    };
    expect(qemuVirtualSize(hyperV)).toBe(127 * GiB);
    expect(chsCapacity(hyperV.geometry)).toBe(127 * GiB - 2_080_768);
    const unit = { footer: hyperV, modified: new Date(), unicodeName: 'p' };
    const f = memoryFile();
    await createDifferencing(f, { parent: unit });
    const footer = decodeFooter(f.bytes().subarray(0, 512));
    expect(footer).toMatchObject({ creatorApplication: 'vsk ', currentSize: 127 * GiB });
    expect(footer.geometry).toEqual(MAX_GEOMETRY);
    expect(qemuVirtualSize(footer)).toBe(127 * GiB);
    // Virtual Server's way: the parent's geometry, and QEMU shows the child 2,080,768 bytes short.
    const kept = memoryFile();
    await createDifferencing(kept, { parent: unit, keepParentGeometry: true });
    const keptFooter = decodeFooter(kept.bytes().subarray(0, 512));
    expect(keptFooter.geometry).toEqual(hyperV.geometry);
    expect(qemuVirtualSize(keptFooter)).toBe(127 * GiB - 2_080_768);
  });

  it('a 4 KiB-block child of a parent with the maximum geometry sizes its BAT by the parent size, not 65535/16/255', async () => {
    // Disk2vhd and qemu-img's force_size write 65535/16/255 on disks of any size. Sizing the
    // BAT from its CHS capacity (127.5 GiB) needed 33 million 4 KiB entries: SIZE_TOO_LARGE.
    const disk2vhd = {
      ...(await parentFooter()),
      creatorApplication: 'd2v ',
      currentSize: 10 * MiB,
      geometry: { ...MAX_GEOMETRY },
    };
    for (const keepParentGeometry of [false, true]) {
      const f = memoryFile();
      await createDifferencing(f, {
        keepParentGeometry,
        parent: { footer: disk2vhd, blockSizeBytes: 4096, modified: new Date(), unicodeName: 'p' },
      });
      const footer = decodeFooter(f.bytes().subarray(0, 512));
      expect(footer.geometry).toEqual(MAX_GEOMETRY);
      const header = decodeDynamicHeader(f.bytes().subarray(512, 1536));
      expect(header.maxTableEntries).toBe((10 * MiB) / 4096);
      const image = await openImage(f, { strict: true });
      expect(image.virtualSize).toBe(10 * MiB);
    }
  });

  it('refuses a keepParentGeometry that is not a boolean', async () => {
    const parent = await parentFooter();
    await rejectsWith(
      createDifferencing(memoryFile(), {
        keepParentGeometry: 'yes' as unknown as boolean,
        parent: { footer: parent, modified: new Date(), unicodeName: 'p' },
      }),
      'INVALID_ARGUMENT',
    );
  });
});
