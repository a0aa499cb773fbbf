import { describe, expect, it } from 'vitest';
import {
  isTemporaryName,
  TEMPORARY_NAME_LENGTH,
  TEMPORARY_NAME_PATTERN,
  temporaryName,
  temporaryOwnerTag,
} from './temporary-names.js';

describe('temporary names', () => {
  it('temporaryName gives the documented pattern and length, owner tag then random digits', () => {
    const name = temporaryName('C:\\VMS\\A.VHD', new Uint8Array([0, 1, 0xab, 0xff]));
    expect(name).toBe(`~vskit-${temporaryOwnerTag('C:\\VMS\\A.VHD')}-0001abff.tmp`);
    expect(name).toMatch(TEMPORARY_NAME_PATTERN);
    expect(name.length).toBe(TEMPORARY_NAME_LENGTH);
    expect(name.endsWith('.vhd')).toBe(false);
  });

  it('isTemporaryName tells the owner apart and ignores case', () => {
    const name = temporaryName('C:\\VMS\\A.VHD', new Uint8Array([1, 2, 3, 4]));
    expect(isTemporaryName(name)).toBe(true);
    expect(isTemporaryName(name.toUpperCase(), 'C:\\VMS\\A.VHD')).toBe(true);
    expect(isTemporaryName(name, 'C:\\VMS\\B.VHD')).toBe(false);
    expect(isTemporaryName('a.vhd')).toBe(false);
    expect(isTemporaryName(`${name}.vhd`)).toBe(false);
  });

  it('temporaryOwnerTag is FNV-1a over UTF-16 units', () => {
    expect(temporaryOwnerTag('')).toBe('811c9dc5');
    expect(temporaryOwnerTag('a')).toBe('e40c292c');
  });

  it('temporaryName refuses fewer than 4 random bytes', () => {
    expect(() => temporaryName('x', new Uint8Array(3))).toThrow(RangeError);
  });
});
