import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUuid } from '../codec/uuid.js';
import { ALL_ONES_64, DISK_TYPE_CODES } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { arbFooter } from '../testing/arbitraries.js';
import { brokenCopy, codeOf, goldenFooter } from './__fixtures__/golden.js';
import { decodeFooter, encodeFooter, FOOTER_OFFSETS } from './footer.js';

/** Applies `edit` to the golden footer, then fixes the checksum unless told not to. */
function broken(edit: (view: DataView, b: Uint8Array) => void, fixChecksum = true): Uint8Array {
  return brokenCopy(goldenFooter(), FOOTER_OFFSETS.checksum, edit, fixChecksum);
}

describe('footer', () => {
  it('decodeFooter reads every field of the golden footer', () => {
    const f = decodeFooter(goldenFooter());
    expect(f).toMatchObject({
      features: 2,
      fileFormatVersion: 0x00010000,
      dataOffset: 512,
      timestamp: 0x32995730,
      creatorApplication: 'qemu',
      creatorVersion: 0x00050003,
      creatorHostOs: 0x5769326b,
      originalSize: 8390656,
      currentSize: 8390656,
      geometry: { cylinders: 241, heads: 4, sectorsPerTrack: 17 },
      diskType: DISK_TYPE_CODES.dynamic,
      checksum: 0xffffed05,
      savedState: 0,
    });
    expect(formatUuid(f.uniqueId)).toBe('cdd3ed4f-065b-4ba2-a7e5-6da6e2348fa2');
    expect(f.reserved.length).toBe(427);
  });

  it('encodeFooter reproduces the golden footer byte for byte', () => {
    expect(encodeFooter(decodeFooter(goldenFooter()))).toEqual(goldenFooter());
  });

  it('encodeFooter keeps reserved bytes (byte 85 "hidden" and the rest)', () => {
    const b = broken((_, bytes) => {
      bytes[85] = 1;
      bytes[511] = 0x7f;
    });
    expect(encodeFooter(decodeFooter(b))).toEqual(b);
  });

  it('decodeFooter rejects a footer shorter than 512 bytes', () => {
    expect(codeOf(() => decodeFooter(goldenFooter().subarray(0, 511)))).toBe('TRUNCATED');
  });

  it('decodeFooter rejects a bad cookie before looking at the checksum', () => {
    expect(codeOf(() => decodeFooter(broken((_, b) => b.set([0x78], 0), false)))).toBe(
      'BAD_COOKIE',
    );
  });

  it('decodeFooter rejects a bad checksum, naming the field', () => {
    for (const offset of [8, 16, 24, 40, 60, 64, 70, 85, 300, 511]) {
      const b = broken((_, bytes) => {
        bytes[offset] = bytes[offset]! ^ 0x01;
      }, false);
      try {
        decodeFooter(b);
        expect.unreachable();
      } catch (e) {
        expect(isVhdFormatError(e, 'BAD_CHECKSUM')).toBe(true);
        expect((e as { field: string }).field).toBe('footer.checksum');
      }
    }
  });

  it('decodeFooter can skip the checksum on request', () => {
    const b = broken((_, bytes) => bytes.set([1], 300), false);
    expect(decodeFooter(b, { verifyChecksum: false }).reserved[300 - 85]).toBe(1);
  });

  it('decodeFooter rejects an unsupported version', () => {
    const b = broken((v) => v.setUint32(FOOTER_OFFSETS.fileFormatVersion, 0x00020000));
    expect(codeOf(() => decodeFooter(b))).toBe('UNSUPPORTED_VERSION');
  });

  it('decodeFooter rejects unsupported disk types', () => {
    for (const type of [0, 1, 5, 6, 0x100]) {
      const b = broken((v) => v.setUint32(FOOTER_OFFSETS.diskType, type));
      expect(codeOf(() => decodeFooter(b))).toBe('BAD_DISK_TYPE');
    }
  });

  it('decodeFooter rejects sizes at or above 2^53', () => {
    const b = broken((v) => v.setUint32(FOOTER_OFFSETS.currentSize, 0x00200000));
    expect(codeOf(() => decodeFooter(b))).toBe('BAD_FIELD');
    const o = broken((v) => v.setUint32(FOOTER_OFFSETS.originalSize, 0xffffffff));
    expect(codeOf(() => decodeFooter(o))).toBe('BAD_FIELD');
  });

  it('decodeFooter rejects a dynamic footer whose data offset has all bits set', () => {
    const b = broken((v) => {
      v.setUint32(FOOTER_OFFSETS.dataOffset, 0xffffffff);
      v.setUint32(FOOTER_OFFSETS.dataOffset + 4, 0xffffffff);
    });
    expect(codeOf(() => decodeFooter(b))).toBe('BAD_DATA_OFFSET');
  });

  it('decodeFooter reads a fixed footer data offset of all ones by name', () => {
    const b = broken((v) => {
      v.setUint32(FOOTER_OFFSETS.diskType, 2);
      v.setUint32(FOOTER_OFFSETS.dataOffset, 0xffffffff);
      v.setUint32(FOOTER_OFFSETS.dataOffset + 4, 0xffffffff);
    });
    expect(decodeFooter(b).dataOffset).toBe(ALL_ONES_64);
    expect(encodeFooter(decodeFooter(b))).toEqual(b);
  });

  it('encodeFooter rejects out-of-range fields with INVALID_ARGUMENT', () => {
    const f = decodeFooter(goldenFooter());
    expect(codeOf(() => encodeFooter({ ...f, creatorApplication: 'toolong' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => encodeFooter({ ...f, uniqueId: new Uint8Array(3) }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => encodeFooter({ ...f, currentSize: 2 ** 53 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeFooter({ ...f, geometry: { ...f.geometry, heads: 256 } }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('footers round-trip through encode and decode', () => {
    fc.assert(
      fc.property(arbFooter(), (f) => {
        const bytes = encodeFooter(f);
        const back = decodeFooter(bytes);
        expect({ ...back, checksum: 0 }).toEqual({ ...f, checksum: 0 });
        expect(encodeFooter(back)).toEqual(bytes);
      }),
      { numRuns: 150 },
    );
  });
});
