import {
  decodeDynamicHeader,
  decodeFooter,
  geometryForSize,
  memoryFile,
  openChain,
  openImage,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  buildDynamicHeader,
  buildFooter,
  checksum,
  differencingImage,
  dynamicImage,
  fixedImage,
  geometryBytes,
  PARENT_PATTERN,
  type SparseImage,
} from './vhd-bytes.js';

/** The whole file a sparse image describes. */
function flatten(image: SparseImage): Uint8Array {
  const bytes = new Uint8Array(image.length);
  for (const extent of image.extents) bytes.set(extent.bytes, extent.offset);
  return bytes;
}

describe("the suite's own VHD bytes", () => {
  it('buildFooter writes a footer vhd-format decodes to the same fields', () => {
    const uniqueId = Uint8Array.from({ length: 16 }, (_, i) => i * 3);
    const footer = decodeFooter(
      buildFooter({ diskType: 3, sizeBytes: 10 * 2 ** 20, timestamp: 12345, uniqueId }),
    );
    expect(footer.currentSize).toBe(10 * 2 ** 20);
    expect(footer.timestamp).toBe(12345);
    expect([...footer.uniqueId]).toEqual([...uniqueId]);
  });
  it('buildDynamicHeader writes a header with a valid checksum', () => {
    const header = buildDynamicHeader(64 * 2 ** 20, 2 ** 21);
    expect(decodeDynamicHeader(header).maxTableEntries).toBe(32);
    expect(new DataView(header.buffer).getUint32(36)).toBe(checksum(header, 36));
  });
  it('geometryBytes follows the same algorithm as geometryForSize', () => {
    for (const size of [3 * 2 ** 20, 127 * 2 ** 20, 4 * 2 ** 30, 127 * 2 ** 30, 2040 * 2 ** 30]) {
      const g = geometryForSize(size);
      const b = geometryBytes(size);
      expect([((b[0] as number) << 8) | (b[1] as number), b[2], b[3]]).toEqual([
        g.cylinders,
        g.heads,
        g.sectorsPerTrack,
      ]);
    }
  });
  it('images are sparse: a fixed image is its pattern and footer, a dynamic one allocates block 0', () => {
    const fixed = fixedImage(8 * 2 ** 20, 0, new Uint8Array(16));
    expect(fixed.length).toBe(8 * 2 ** 20 + 512);
    expect(fixed.extents.reduce((n, e) => n + e.bytes.length, 0)).toBe(4096 + 512);
    const dynamic = dynamicImage(8 * 2 ** 20, 0, new Uint8Array(16));
    expect(dynamic.length).toBe(1536 + 512 + 512 + 2 * 2 ** 20 + 512);
  });
  it('dynamicImage builds a disk vhd-format opens strictly, its unused BAT entries shared', async () => {
    const id = (n: number) => new Uint8Array(16).fill(n);
    const a = dynamicImage(5 * 2 ** 30, 10, id(1));
    const b = dynamicImage(3 * 2 ** 30, 20, id(2));
    const c = dynamicImage(8 * 2 ** 20, 30, id(3));
    const ones = (image: SparseImage) => image.extents.find((e) => e.offset === 2048)?.bytes;
    expect(ones(a)?.buffer).toBe(ones(b)?.buffer);
    // one sector of BAT: no run of unused entries after it, block 0's bitmap follows at once
    expect(c.extents.map((e) => e.offset)).toEqual([0, 512, 2048, 2560, c.length - 512]);
    for (const [image, n] of [
      [a, 1],
      [b, 2],
      [c, 3],
    ] as const) {
      const file = memoryFile(flatten(image));
      const disk = await openImage(file, { strict: true });
      expect(disk.type).toBe('dynamic');
      expect([...disk.footer.uniqueId]).toEqual([...id(n)]);
      const chain = await openChain(file, { strict: true, openParent: async () => undefined });
      const read = new Uint8Array(PARENT_PATTERN.length + 512);
      await chain.read(read, 0);
      expect(read.subarray(0, PARENT_PATTERN.length)).toEqual(PARENT_PATTERN);
      expect(read.subarray(PARENT_PATTERN.length).every((byte) => byte === 0)).toBe(true);
    }
  });
  it('differencingImage writes a child that vhd-format opens strictly, locators in either unit', async () => {
    const parentUniqueId = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
    const bytes = differencingImage({
      sizeBytes: 8 * 2 ** 20,
      timestamp: 77,
      uniqueId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      parentUniqueId,
      parentTimestamp: 66,
      parentName: 'Été.vhd',
      locators: [
        { code: 'W2ku', path: 'C:\\base\\Été.vhd' },
        { code: 'W2ru', path: '..\\base\\Été.vhd', spaceIn: 'sectors' },
      ],
    });
    const image = await openImage(memoryFile(bytes), { strict: true });
    expect(image.type).toBe('differencing');
    expect(image.virtualSize).toBe(8 * 2 ** 20);
    expect(image.parent?.unicodeName).toBe('Été.vhd');
    expect([...(image.parent?.uniqueId ?? [])]).toEqual([...parentUniqueId]);
    expect(image.parent?.locators.map((l) => `${l.platform}:${l.path}`)).toEqual([
      'W2ku:C:\\base\\Été.vhd',
      'W2ru:..\\base\\Été.vhd',
    ]);
    await image.close();
  });
});
