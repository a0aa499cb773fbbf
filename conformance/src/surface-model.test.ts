import { describe, expect, it } from 'vitest';
import { HR } from './hresults.js';
import { type PropertyRead, predictProperty } from './surface-model.js';

const read = (over: Partial<PropertyRead>): PropertyRead => ({
  property: 'Type',
  disk: 'dynamic',
  state: 'as-is',
  driveKnown: true,
  nullOut: false,
  ...over,
});

describe('predictProperty follows SEMANTICS.md "IVMHardDisk properties"', () => {
  it('answers E_POINTER for a null out-parameter before looking at the file', () => {
    expect(predictProperty(read({ state: 'deleted', nullOut: true }))).toBe(HR.E_POINTER);
  });

  it('gives Type VM_E_DRIVE_INVALID for a bad disk type, SizeInGuest VM_E_HD_IMAGE_ACCESS', () => {
    expect(predictProperty(read({ state: 'bad-type' }))).toBe(HR.VM_E_DRIVE_INVALID);
    expect(predictProperty(read({ property: 'SizeInGuest', state: 'bad-type' }))).toBe(
      HR.VM_E_HD_IMAGE_ACCESS,
    );
  });

  it('answers SizeOnHost for a disk in use, Type VM_E_HD_IMAGE_OPEN_FAIL', () => {
    expect(predictProperty(read({ property: 'SizeOnHost', state: 'in-use' }))).toBe(HR.S_OK);
    expect(predictProperty(read({ state: 'in-use' }))).toBe(HR.VM_E_HD_IMAGE_OPEN_FAIL);
  });

  it('reads Parent through the chain: a missing grandparent is E_PATH_NOT_FOUND', () => {
    const parent = read({ property: 'Parent', disk: 'differencing' });
    expect(predictProperty({ ...parent, state: 'grandparent-deleted' })).toBe(HR.E_PATH_NOT_FOUND);
    expect(predictProperty({ ...parent, state: 'parent-deleted' })).toBe(HR.E_FILE_NOT_FOUND);
    expect(predictProperty({ ...parent, disk: 'fixed' })).toBe(HR.S_FALSE);
  });

  it('gives HostDriveIdentifier VM_E_HOST_DRIVE_NOT_FOUND when the drive is gone', () => {
    const id = read({ property: 'HostDriveIdentifier', disk: 'host-drive' });
    expect(predictProperty({ ...id, driveKnown: false })).toBe(HR.VM_E_HOST_DRIVE_NOT_FOUND);
    expect(predictProperty({ ...id, disk: 'dynamic' })).toBe(HR.S_FALSE);
  });
});
