import { describe, expect, it } from 'vitest';
import { findVsMethod, parseHostDrive, vsArguments } from './vs.js';
import { findDiskMember } from './vs-disk.js';

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

describe('the new members', () => {
  it('reads imageType, mountReadOnly and variadic paths', () => {
    expect(vsArguments('CreateFloppyDiskImage', ['C:\\a.vfd', 'lowdensity'])).toEqual([
      'C:\\a.vfd',
      1,
    ]);
    expect(vsArguments('CreateFloppyDiskImage', ['C:\\a.vfd', '3'])).toEqual(['C:\\a.vfd', 3]);
    expect(() => vsArguments('CreateFloppyDiskImage', ['C:\\a.vfd', 'DD'])).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
    expect(vsArguments('CreateHostDriveVirtualHardDisk', ['C:\\h.vhd', 'D1', 'TRUE'])).toEqual([
      'C:\\h.vhd',
      'D1',
      true,
    ]);
    expect(() => vsArguments('CreateHostDriveVirtualHardDisk', ['C:\\h.vhd', 'D1', 'yes'])).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(vsArguments('GetHardDiskFiles', [])).toEqual([[]]);
    expect(vsArguments('put_SearchPaths', ['C:\\a', 'D:\\b'])).toEqual([['C:\\a', 'D:\\b']]);
    expect(() => vsArguments('get_HostInfo', ['x'])).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });

  it('names disk members case-insensitively, get_ allowed, and parses --host-drive', () => {
    expect(findDiskMember('get_type')).toBe('Type');
    expect(findDiskMember('HOSTDRIVEIDENTIFIER')).toBe('HostDriveIdentifier');
    expect(findDiskMember('Merge')).toBeUndefined();
    expect(parseHostDrive('PhysicalDrive1=8GiB')).toEqual({
      id: 'PhysicalDrive1',
      sizeBytes: 8 * 2 ** 30,
      mounted: false,
    });
    expect(parseHostDrive('D0=1MiB:mounted').mounted).toBe(true);
    expect(() => parseHostDrive('D0')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
