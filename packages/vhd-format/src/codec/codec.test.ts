import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_ONES_64 } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { utf16Unit } from '../testing/arbitraries.js';
import { readUint64, viewOf, writeUint64 } from './bytes.js';
import { vhdChecksum } from './checksum.js';
import { dateFromVhdTimestamp, vhdTimestamp } from './timestamp.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';
import { decodeUtf16, encodeUtf16, guessUtf16Order } from './utf16.js';
import { formatUuid, parseUuid, randomUuid } from './uuid.js';

describe('64-bit fields', () => {
  it('readUint64 decodes all ones by name and safe values exactly', () => {
    const b = new Uint8Array(8).fill(0xff);
    expect(readUint64(viewOf(b), 0, 'x')).toBe(ALL_ONES_64);
    const v = new Uint8Array([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(readUint64(viewOf(v), 0, 'x')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('readUint64 rejects values at or above 2^53 other than all ones, naming the field', () => {
    const v = new Uint8Array([0, 0x20, 0, 0, 0, 0, 0, 0]);
    try {
      readUint64(viewOf(v), 0, 'footer.currentSize');
      expect.unreachable();
    } catch (e) {
      expect(isVhdFormatError(e, 'BAD_FIELD')).toBe(true);
      expect((e as { field: string }).field).toBe('footer.currentSize');
    }
  });

  it('writeUint64 and readUint64 round-trip every safe value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const b = new Uint8Array(8);
        writeUint64(viewOf(b), 0, n, 'x');
        return readUint64(viewOf(b), 0, 'x') === n;
      }),
    );
  });
});

describe('checksum', () => {
  it('vhdChecksum is the complement of the byte sum, skipping its own field', () => {
    const b = new Uint8Array([1, 2, 3, 0xaa, 0xbb, 0xcc, 0xdd, 4]);
    expect(vhdChecksum(b, 3)).toBe(~(1 + 2 + 3 + 4) >>> 0);
    expect(vhdChecksum(new Uint8Array(16), 0)).toBe(0xffffffff);
  });
});

describe('UTF-16', () => {
  it('round-trips any code units, unpaired surrogates included, in both byte orders', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: utf16Unit(), maxLength: 300 }),
        fc.constantFrom('be', 'le'),
        (s, order) => {
          expect(decodeUtf16(encodeUtf16(s, order as 'be' | 'le'), order as 'be' | 'le')).toBe(s);
        },
      ),
    );
    expect(encodeUtf16('\ud800a', 'be')).toEqual(new Uint8Array([0xd8, 0x00, 0x00, 0x61]));
  });

  it('decodeUtf16 stops at the first NUL', () => {
    expect(decodeUtf16(new Uint8Array([0, 0x41, 0, 0, 0, 0x42]), 'be')).toBe('A');
  });

  it('guessUtf16Order falls back to the other order for Latin names', () => {
    expect(guessUtf16Order(encodeUtf16('parent.vhd', 'le'), 'be')).toBe('le');
    expect(guessUtf16Order(encodeUtf16('parent.vhd', 'be'), 'be')).toBe('be');
    expect(guessUtf16Order(encodeUtf16('C:\\a\\p.vhd', 'be'), 'le')).toBe('be');
  });
});

describe('UTF-8', () => {
  it('round-trips well-formed strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => decodeUtf8(encodeUtf8(s)) === s));
    expect(encodeUtf8('é')).toEqual(new Uint8Array([0xc3, 0xa9]));
    expect(decodeUtf8(new Uint8Array([0xff, 0x41]))).toBe('\ufffdA');
  });
});

describe('UUIDs', () => {
  it('formatUuid and parseUuid round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(parseUuid(formatUuid(b))).toEqual(b);
      }),
    );
    expect(formatUuid(new Uint8Array(16).fill(0xab))).toBe('abababab-abab-abab-abab-abababababab');
  });

  it('randomUuid sets the version 4 and variant bits', () => {
    const u = randomUuid((n) => new Uint8Array(n).fill(0xff));
    expect(u[6]).toBe(0x4f);
    expect(u[8]).toBe(0xbf);
  });

  it('parseUuid rejects malformed text', () => {
    expect(() => parseUuid('nope')).toThrow(/INVALID_ARGUMENT/);
  });
});

describe('timestamps', () => {
  it('count seconds from 2000-01-01T00:00:00Z', () => {
    expect(vhdTimestamp(new Date('2000-01-01T00:00:00Z'))).toBe(0);
    expect(vhdTimestamp(new Date('2000-01-01T00:01:00.999Z'))).toBe(60);
    expect(dateFromVhdTimestamp(86400).toISOString()).toBe('2000-01-02T00:00:00.000Z');
  });

  it('clamp dates the field cannot hold', () => {
    expect(vhdTimestamp(new Date('1999-12-31T00:00:00Z'))).toBe(0);
    expect(vhdTimestamp(new Date('2200-01-01T00:00:00Z'))).toBe(0xffffffff);
    expect(() => vhdTimestamp(new Date(Number.NaN))).toThrow(/INVALID_ARGUMENT/);
  });
});
