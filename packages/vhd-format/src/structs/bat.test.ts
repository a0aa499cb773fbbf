import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED } from '../constants.js';
import { batByteSize, decodeBat, emptyBat, encodeBat } from './bat.js';

describe('BAT', () => {
  it('decodeBat reads big-endian entries from a golden table', () => {
    const golden = new Uint8Array([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x10, 5]);
    expect(Array.from(decodeBat(golden, 3))).toEqual([4, BLOCK_UNUSED, 4101]);
  });

  it('encodeBat pads with 0xFF to a whole sector', () => {
    const out = encodeBat(Uint32Array.from([3]));
    expect(out.length).toBe(512);
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 0, 0, 3, 0xff, 0xff]);
    expect(out.every((b, i) => i < 4 || b === 0xff)).toBe(true);
  });

  it('batByteSize rounds up to sectors', () => {
    expect(batByteSize(0)).toBe(0);
    expect(batByteSize(1)).toBe(512);
    expect(batByteSize(128)).toBe(512);
    expect(batByteSize(129)).toBe(1024);
    expect(emptyBat(3).every((e) => e === BLOCK_UNUSED)).toBe(true);
  });

  it('decodeBat rejects a table shorter than its entries', () => {
    expect(() => decodeBat(new Uint8Array(7), 2)).toThrow(/TRUNCATED/);
  });

  it('tables round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 300 }), (a) => {
        const bat = Uint32Array.from(a);
        expect(decodeBat(encodeBat(bat), a.length)).toEqual(bat);
      }),
    );
  });
});
