import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf16 } from '../codec/utf16.js';
import { ALL_ONES_64, PLATFORM_CODES } from '../constants.js';
import { arbDynamicHeader } from '../testing/arbitraries.js';
import { brokenCopy, codeOf, goldenHeader } from './__fixtures__/golden.js';
import { decodeDynamicHeader, encodeDynamicHeader, HEADER_OFFSETS } from './dynamic-header.js';

/** Applies `edit` to the golden header, then fixes the checksum unless told not to. */
function broken(edit: (view: DataView, b: Uint8Array) => void, fixChecksum = true): Uint8Array {
  return brokenCopy(goldenHeader(), HEADER_OFFSETS.checksum, edit, fixChecksum);
}

describe('dynamic header', () => {
  it('decodeDynamicHeader reads every field of the golden header', () => {
    const h = decodeDynamicHeader(goldenHeader());
    expect(h).toMatchObject({
      dataOffset: ALL_ONES_64,
      tableOffset: 1536,
      headerVersion: 0x00010000,
      maxTableEntries: 5,
      blockSize: 0x00200000,
      checksum: 0xfffff472,
      parentTimestamp: 0,
      reserved1: 0,
      parentUnicodeName: '',
    });
    expect(h.parentUniqueId).toEqual(new Uint8Array(16));
    expect(h.parentLocators).toHaveLength(8);
    expect(h.parentLocators.every((l) => l.platformCode === 0)).toBe(true);
    expect(h.reserved2.length).toBe(256);
  });

  it('encodeDynamicHeader reproduces the golden header byte for byte', () => {
    expect(encodeDynamicHeader(decodeDynamicHeader(goldenHeader()))).toEqual(goldenHeader());
  });

  it('keeps reserved bytes and bytes after the parent name NUL', () => {
    const b = broken((v, bytes) => {
      v.setUint32(HEADER_OFFSETS.reserved1, 0xdeadbeef);
      bytes.set(encodeUtf16('p.vhd', 'be'), 64);
      bytes[64 + 400] = 0x55;
      bytes[1023] = 9;
    });
    const h = decodeDynamicHeader(b);
    expect(h.parentUnicodeName).toBe('p.vhd');
    expect(encodeDynamicHeader(h)).toEqual(b);
  });

  it('re-encodes a changed parent name as UTF-16BE padded with zeros', () => {
    const h = decodeDynamicHeader(goldenHeader());
    const out = encodeDynamicHeader({ ...h, parentUnicodeName: 'Ab' });
    expect(Array.from(out.subarray(64, 70))).toEqual([0, 0x41, 0, 0x62, 0, 0]);
    expect(codeOf(() => encodeDynamicHeader({ ...h, parentUnicodeName: 'x'.repeat(257) }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('decodeDynamicHeader rejects a header shorter than 1024 bytes', () => {
    expect(codeOf(() => decodeDynamicHeader(goldenHeader().subarray(0, 1023)))).toBe('TRUNCATED');
  });

  it('decodeDynamicHeader rejects a bad cookie before the checksum', () => {
    expect(codeOf(() => decodeDynamicHeader(broken((_, b) => b.set([0], 7), false)))).toBe(
      'BAD_HEADER_COOKIE',
    );
  });

  it('decodeDynamicHeader rejects a bad checksum', () => {
    for (const offset of [8, 16, 28, 32, 40, 64, 600, 1023]) {
      const b = broken((_, bytes) => {
        bytes[offset] = bytes[offset]! ^ 0x80;
      }, false);
      expect(codeOf(() => decodeDynamicHeader(b))).toBe('BAD_CHECKSUM');
    }
  });

  it('decodeDynamicHeader rejects an unsupported version', () => {
    const b = broken((v) => v.setUint32(HEADER_OFFSETS.headerVersion, 0x00020000));
    expect(codeOf(() => decodeDynamicHeader(b))).toBe('UNSUPPORTED_VERSION');
  });

  it('decodeDynamicHeader accepts the spec-text data offset 0xFFFFFFFF and rejects others', () => {
    const spec = broken((v) => v.setUint32(HEADER_OFFSETS.dataOffset, 0));
    expect(decodeDynamicHeader(spec).dataOffset).toBe(0xffffffff);
    expect(encodeDynamicHeader(decodeDynamicHeader(spec))).toEqual(spec);
    const bad = broken((v) => v.setUint32(HEADER_OFFSETS.dataOffset + 4, 512));
    expect(codeOf(() => decodeDynamicHeader(bad))).toBe('BAD_DATA_OFFSET');
  });

  it('decodeDynamicHeader rejects a table offset at or above 2^53', () => {
    const b = broken((v) => v.setUint32(HEADER_OFFSETS.tableOffset, 0x01000000));
    expect(codeOf(() => decodeDynamicHeader(b))).toBe('BAD_FIELD');
    const ones = broken((v) => {
      v.setUint32(HEADER_OFFSETS.tableOffset, 0xffffffff);
      v.setUint32(HEADER_OFFSETS.tableOffset + 4, 0xffffffff);
    });
    expect(codeOf(() => decodeDynamicHeader(ones))).toBe('BAD_TABLE_OFFSET');
  });

  it('decodeDynamicHeader rejects block sizes that are not powers of two from 512 B to 256 MiB', () => {
    for (const size of [0, 256, 3000, 0x00300000, 2 ** 29, 0xffffffff]) {
      const b = broken((v) => v.setUint32(HEADER_OFFSETS.blockSize, size));
      expect(codeOf(() => decodeDynamicHeader(b))).toBe('BAD_BLOCK_SIZE');
    }
    const ok = broken((v) => v.setUint32(HEADER_OFFSETS.blockSize, 512));
    expect(decodeDynamicHeader(ok).blockSize).toBe(512);
  });

  it('decodeDynamicHeader reads locator entries and rejects an all-ones data offset', () => {
    const b = broken((v) => {
      v.setUint32(576, PLATFORM_CODES.W2ku);
      v.setUint32(580, 512);
      v.setUint32(584, 30);
      v.setUint32(592, 0);
      v.setUint32(596, 3584);
    });
    expect(decodeDynamicHeader(b).parentLocators[0]).toEqual({
      platformCode: PLATFORM_CODES.W2ku,
      platformDataSpace: 512,
      platformDataLength: 30,
      reserved: 0,
      platformDataOffset: 3584,
    });
    const bad = broken((v) => {
      v.setUint32(576 + 24 + 16, 0xffffffff);
      v.setUint32(576 + 24 + 20, 0xffffffff);
    });
    expect(codeOf(() => decodeDynamicHeader(bad))).toBe('BAD_LOCATOR');
  });

  it('headers round-trip through encode and decode', () => {
    fc.assert(
      fc.property(arbDynamicHeader(), (h) => {
        const bytes = encodeDynamicHeader(h);
        const back = decodeDynamicHeader(bytes);
        expect({ ...back, checksum: 0, parentUnicodeNameBytes: null }).toEqual({
          ...h,
          checksum: 0,
          parentUnicodeNameBytes: null,
        });
        expect(encodeDynamicHeader(back)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });
});
