/**
 * fast-check arbitraries for VHD structures and small images. Tests of this and other
 * packages import this file by relative path; it is not part of the public API.
 * @module
 */
import fc from 'fast-check';
import { ALL_ONES_64, DISK_TYPE_CODES, FILE_FORMAT_VERSION, LOCATOR_COUNT } from '../constants.js';
import type { Geometry } from '../geometry.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import type { Footer } from '../structs/footer.js';
import type { ParentLocatorEntry } from '../structs/parent-locator.js';

const uint32 = () => fc.integer({ min: 0, max: 0xffffffff });
const safe = () => fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const latin4 = () =>
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
    .map((codes) => String.fromCharCode(...codes));

/** One UTF-16 code unit other than NUL (unpaired surrogates included). */
export function utf16Unit(): fc.Arbitrary<string> {
  return fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c));
}

/** Any geometry the footer can hold. */
export function arbGeometry(): fc.Arbitrary<Geometry> {
  return fc.record({
    cylinders: fc.integer({ min: 0, max: 0xffff }),
    heads: fc.integer({ min: 0, max: 0xff }),
    sectorsPerTrack: fc.integer({ min: 0, max: 0xff }),
  });
}

/** Any footer that decodes: valid version and disk type, 64-bit fields below 2^53. */
export function arbFooter(): fc.Arbitrary<Footer> {
  return fc
    .record({
      features: uint32(),
      fileFormatVersion: fc.integer({
        min: FILE_FORMAT_VERSION,
        max: FILE_FORMAT_VERSION + 0xffff,
      }),
      diskType: fc.constantFrom(
        DISK_TYPE_CODES.fixed,
        DISK_TYPE_CODES.dynamic,
        DISK_TYPE_CODES.differencing,
      ),
      dataOffset: safe(),
      fixedAllOnes: fc.boolean(),
      timestamp: uint32(),
      creatorApplication: latin4(),
      creatorVersion: uint32(),
      creatorHostOs: uint32(),
      originalSize: safe(),
      currentSize: safe(),
      geometry: arbGeometry(),
      uniqueId: bytes(16),
      savedState: fc.integer({ min: 0, max: 255 }),
      reserved: bytes(427),
    })
    .map(({ fixedAllOnes, ...f }) => ({
      ...f,
      dataOffset: f.diskType === DISK_TYPE_CODES.fixed && fixedAllOnes ? ALL_ONES_64 : f.dataOffset,
      checksum: 0,
    }));
}

/** Any locator entry. */
export function arbLocatorEntry(): fc.Arbitrary<ParentLocatorEntry> {
  return fc.record({
    platformCode: uint32(),
    platformDataSpace: uint32(),
    platformDataLength: uint32(),
    reserved: uint32(),
    platformDataOffset: safe(),
  });
}

/** Any header that decodes: valid version, data offset, block size. */
export function arbDynamicHeader(): fc.Arbitrary<DynamicHeader> {
  return fc
    .record({
      dataOffset: fc.constantFrom(ALL_ONES_64, 0xffffffff),
      tableOffset: safe(),
      headerVersion: fc.integer({ min: 0x00010000, max: 0x0001ffff }),
      maxTableEntries: uint32(),
      blockSize: fc.integer({ min: 9, max: 28 }).map((k) => 2 ** k),
      parentUniqueId: bytes(16),
      parentTimestamp: uint32(),
      reserved1: uint32(),
      parentUnicodeName: fc.string({ maxLength: 256, unit: utf16Unit() }),
      parentLocators: fc.array(arbLocatorEntry(), {
        minLength: LOCATOR_COUNT,
        maxLength: LOCATOR_COUNT,
      }),
      reserved2: bytes(256),
    })
    .map((h) => ({ ...h, checksum: 0, parentUnicodeNameBytes: new Uint8Array(0) }));
}

/** A write to a disk of `size` bytes: an offset and bytes that fit. */
export function arbWrite(
  size: number,
  maxLength = 20_000,
): fc.Arbitrary<{ offset: number; data: Uint8Array }> {
  return fc
    .integer({ min: 0, max: size - 1 })
    .chain((offset) =>
      fc.record({
        offset: fc.constant(offset),
        length: fc.integer({ min: 1, max: Math.min(maxLength, size - offset) }),
        fill: fc.integer({ min: 0, max: 255 }),
        seed: fc.integer({ min: 0, max: 0xffff }),
      }),
    )
    .map(({ offset, length, fill, seed }) => ({ offset, data: patterned(length, fill, seed) }));
}

/** `length` bytes: all `fill` when `seed` is even (zeros included), a cheap pattern otherwise. */
export function patterned(length: number, fill: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  if (seed % 2 === 0) return out.fill(fill);
  let x = seed * 2654435761 + fill;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
