import { describe, expect, it } from 'vitest';
import { findVsMethod, vsArguments } from './vs.js';

describe('findVsMethod', () => {
  it('matches the COM method names case-insensitively', () => {
    expect(findVsMethod('GetHardDisk')).toBe('GetHardDisk');
    expect(findVsMethod('createdifferencingvirtualharddisk')).toBe(
      'CreateDifferencingVirtualHardDisk',
    );
    expect(findVsMethod('DeleteHardDisk')).toBeUndefined();
  });
});

describe('vsArguments', () => {
  it('passes paths through and reads sizeMB as a whole number, negatives included', () => {
    expect(vsArguments('CreateDynamicVirtualHardDisk', ['C:\\a.vhd', '64'])).toEqual([
      'C:\\a.vhd',
      64,
    ]);
    expect(vsArguments('CreateFixedVirtualHardDisk', ['C:\\a.vhd', '-5'])).toEqual([
      'C:\\a.vhd',
      -5,
    ]);
    expect(vsArguments('CreateDifferencingVirtualHardDisk', ['C:\\c.vhd', '..\\p.vhd'])).toEqual([
      'C:\\c.vhd',
      '..\\p.vhd',
    ]);
  });

  it('refuses a wrong argument count as USAGE and a size that is not a number', () => {
    expect(() => vsArguments('GetHardDisk', [])).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => vsArguments('CreateDynamicVirtualHardDisk', ['C:\\a.vhd', '64MB'])).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
  });
});
