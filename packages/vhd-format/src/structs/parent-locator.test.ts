import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf16 } from '../codec/utf16.js';
import { PLATFORM_CODES } from '../constants.js';
import { arbLocatorEntry } from '../testing/arbitraries.js';
import {
  decodeLocatorEntry,
  decodeLocatorPath,
  encodeLocatorEntry,
  encodeLocatorPath,
  locatorDataSpaceBytes,
  platformCode,
  platformName,
} from './parent-locator.js';

const golden = new Uint8Array([
  0x57, 0x32, 0x6b, 0x75, 0, 0, 2, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0e, 0,
]);

describe('parent locator entries', () => {
  it('decodeLocatorEntry reads the golden W2ku entry', () => {
    expect(decodeLocatorEntry(golden, 0, 0)).toEqual({
      platformCode: PLATFORM_CODES.W2ku,
      platformDataSpace: 512,
      platformDataLength: 44,
      reserved: 0,
      platformDataOffset: 3584,
    });
  });

  it('decodeLocatorEntry rejects a cut-short entry', () => {
    expect(() => decodeLocatorEntry(golden.subarray(0, 23), 0, 0)).toThrow(/TRUNCATED/);
  });

  it('decodeLocatorEntry, the golden entry broken one field at a time', () => {
    const broken = (at: number, edit: (v: DataView) => void) => {
      const b = golden.slice();
      edit(new DataView(b.buffer, at));
      return b;
    };
    // Code, data space, data length and reserved decode as stored (meaning is judged on open).
    expect(
      decodeLocatorEntry(
        broken(0, (v) => v.setUint32(0, 0x12345678)),
        0,
        0,
      ).platformCode,
    ).toBe(0x12345678);
    expect(
      decodeLocatorEntry(
        broken(4, (v) => v.setUint32(0, 1)),
        0,
        0,
      ).platformDataSpace,
    ).toBe(1);
    expect(
      decodeLocatorEntry(
        broken(8, (v) => v.setUint32(0, 0xffffffff)),
        0,
        0,
      ).platformDataLength,
    ).toBe(0xffffffff);
    expect(
      decodeLocatorEntry(
        broken(12, (v) => v.setUint32(0, 7)),
        0,
        0,
      ).reserved,
    ).toBe(7);
    // The data offset: at or above 2^53 is BAD_FIELD, all 64 bits set is BAD_LOCATOR.
    const high = broken(16, (v) => v.setUint32(0, 0x00200000));
    expect(() => decodeLocatorEntry(high, 0, 3)).toThrow(/BAD_FIELD/);
    const ones = broken(16, (v) => v.setBigUint64(0, 2n ** 64n - 1n));
    expect(() => decodeLocatorEntry(ones, 0, 3)).toThrow(/BAD_LOCATOR/);
  });

  it('entries round-trip byte for byte', () => {
    fc.assert(
      fc.property(arbLocatorEntry(), (e) => {
        const b = new Uint8Array(24);
        encodeLocatorEntry(e, b, 0, 0);
        expect(decodeLocatorEntry(b, 0, 0)).toEqual(e);
      }),
    );
  });

  it('platform names and codes correspond', () => {
    for (const name of ['W2ku', 'W2ru', 'Wi2k', 'Wi2r', 'Mac ', 'MacX']) {
      expect(platformName(platformCode(name))).toBe(name);
    }
    expect(platformName(0)).toBe('None');
    expect(platformName(1)).toBe('0x00000001');
    expect(() => platformCode('nope')).toThrow(/INVALID_ARGUMENT/);
  });

  it('locatorDataSpaceBytes reads values below 512 as sectors and the rest as bytes', () => {
    const e = decodeLocatorEntry(golden, 0, 0);
    expect(locatorDataSpaceBytes(e)).toBe(512);
    expect(locatorDataSpaceBytes({ ...e, platformDataSpace: 1 })).toBe(512);
    expect(locatorDataSpaceBytes({ ...e, platformDataSpace: 2 })).toBe(1024);
    expect(locatorDataSpaceBytes({ ...e, platformDataSpace: 1024 })).toBe(1024);
  });
});

describe('parent locator data', () => {
  it('W2ku and W2ru paths are UTF-16LE', () => {
    expect(Array.from(encodeLocatorPath(PLATFORM_CODES.W2ku, 'C:'))).toEqual([0x43, 0, 0x3a, 0]);
    expect(decodeLocatorPath(PLATFORM_CODES.W2ru, encodeUtf16('.\\p.vhd', 'le'))).toBe('.\\p.vhd');
  });

  it('W2ku data written big-endian is read back all the same', () => {
    expect(decodeLocatorPath(PLATFORM_CODES.W2ku, encodeUtf16('C:\\vms\\p.vhd', 'be'))).toBe(
      'C:\\vms\\p.vhd',
    );
  });

  it('padding NULs end the path', () => {
    const data = new Uint8Array(512);
    data.set(encodeUtf16('..\\p.vhd', 'le'));
    expect(decodeLocatorPath(PLATFORM_CODES.W2ru, data)).toBe('..\\p.vhd');
    const ascii = new Uint8Array(16);
    ascii.set([0x61, 0x2e, 0x76]);
    expect(decodeLocatorPath(PLATFORM_CODES.Wi2k, ascii)).toBe('a.v');
  });

  it('MacX URLs are UTF-8 and 8-bit platforms refuse wide characters', () => {
    const url = 'file://localhost/Users/é/p.vhd';
    expect(
      decodeLocatorPath(PLATFORM_CODES.MacX, encodeLocatorPath(PLATFORM_CODES.MacX, url)),
    ).toBe(url);
    expect(() => encodeLocatorPath(PLATFORM_CODES.Wi2r, '\u4e00')).toThrow(/INVALID_ARGUMENT/);
  });
});
