import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSectorsSet, bitmapByteSize, isSectorSet, runEnd, setSectors } from './sector-bitmap.js';

describe('sector bitmap', () => {
  it('is one bit per sector rounded up to a sector', () => {
    expect(bitmapByteSize(2 * 2 ** 20)).toBe(512);
    expect(bitmapByteSize(512 * 1024)).toBe(512);
    expect(bitmapByteSize(4096)).toBe(512);
    expect(bitmapByteSize(4 * 2 ** 20)).toBe(1024);
  });

  it('numbers sectors most significant bit first', () => {
    const golden = new Uint8Array([0x40, 0x01]);
    expect(isSectorSet(golden, 0)).toBe(false);
    expect(isSectorSet(golden, 1)).toBe(true);
    expect(isSectorSet(golden, 15)).toBe(true);
    const b = new Uint8Array(2);
    setSectors(b, 1, 1);
    expect(b).toEqual(new Uint8Array([0x40, 0]));
    setSectors(b, 3, 11);
    expect(b).toEqual(new Uint8Array([0x5f, 0xfc]));
  });

  it('setSectors and runEnd agree with a bit-per-sector model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.nat(64)), { maxLength: 8 }),
        fc.nat(63),
        (writes, start) => {
          const b = new Uint8Array(8);
          const model = new Array<boolean>(64).fill(false);
          for (const [first, n] of writes) {
            const count = Math.min(n, 64 - first);
            setSectors(b, first, count);
            for (let i = first; i < first + count; i++) model[i] = true;
          }
          for (let i = 0; i < 64; i++) expect(isSectorSet(b, i)).toBe(model[i]);
          let expected = start + 1;
          while (expected < 64 && model[expected] === model[start]) expected++;
          expect(runEnd(b, start, 64)).toBe(expected);
          expect(allSectorsSet(b, start, expected - start)).toBe(model[start]);
        },
      ),
    );
  });
});
