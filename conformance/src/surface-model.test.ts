import { describe, expect, it } from 'vitest';
import { HR } from './hresults.js';
import {
  type MethodCall,
  methodRuleOf,
  type PropertyRead,
  predictDiskMethod,
  predictProperty,
  predictTaskError,
} from './surface-model.js';

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

const method = (over: Partial<MethodCall>): MethodCall => ({
  method: 'Merge',
  disk: 'differencing',
  state: 'as-is',
  target: 'new',
  volume: 'NTFS',
  type: 0,
  sizeMB: 5,
  ...over,
});

describe("predictDiskMethod follows the disk methods' check orders in SEMANTICS.md", () => {
  it('answers VM_E_INVALID_HD_FILE for a damaged disk before its type, VM_E_HD_IMAGE_ACCESS for put_Parent', () => {
    for (const m of ['Merge', 'Compact', 'MergeTo', 'Convert'] as const) {
      expect(predictDiskMethod(method({ method: m, disk: 'fixed', state: 'junk' }))).toBe(
        HR.VM_E_INVALID_HD_FILE,
      );
    }
    expect(
      predictDiskMethod(method({ method: 'put_Parent', disk: 'fixed', state: 'damaged' })),
    ).toBe(HR.VM_E_HD_IMAGE_ACCESS);
  });

  it("refuses a saved state in Merge only, after the disk's type", () => {
    expect(predictDiskMethod(method({ state: 'saved-state' }))).toBe(HR.E_SHARING_VIOLATION);
    expect(predictDiskMethod(method({ state: 'saved-state', disk: 'dynamic' }))).toBe(
      HR.VM_E_WRONG_HD_IMAGE_TYPE,
    );
    expect(methodRuleOf(method({ state: 'parent-saved-state' }))).toBe('saved-state');
    for (const m of ['Compact', 'Convert', 'put_Parent'] as const) {
      const disk = m === 'Compact' ? 'dynamic' : 'differencing';
      const call = method({ method: m, disk, state: 'saved-state' });
      expect([predictDiskMethod(call), methodRuleOf(call)]).toEqual([HR.S_OK, 'saved-state']);
    }
  });

  it('judges the new image too large before the free space, both after E_ALREADY_EXISTS', () => {
    const big = method({ method: 'Convert', volume: 'FAT16', sizeMB: 2048, state: 'volume-full' });
    expect(predictDiskMethod(big)).toBe(HR.VM_E_FILE_TOO_LARGE_FOR_VOLUME);
    expect(predictDiskMethod({ ...big, volume: 'FAT32' })).toBe(HR.E_DISK_FULL);
    expect(predictDiskMethod({ ...big, target: 'file' })).toBe(HR.E_ALREADY_EXISTS);
    expect(predictDiskMethod({ ...big, sizeMB: 4096, volume: 'FAT32', state: 'as-is' })).toBe(
      HR.VM_E_FILE_TOO_LARGE_FOR_VOLUME,
    );
  });

  it('lets Merge start on a full volume, its task ending E_DISK_FULL only when the parent grows', () => {
    const full = method({ state: 'volume-full' });
    expect([predictDiskMethod(full), methodRuleOf(full)]).toEqual([HR.S_OK, 'full-volume']);
    expect(predictTaskError(full, true)).toBe(HR.E_DISK_FULL);
    expect(predictTaskError(full, false)).toBe(HR.S_OK);
    expect(predictTaskError(method({}), true)).toBe(HR.S_OK);
  });

  it("splits put_Parent's missing parent (E_PATH_NOT_FOUND, E_FILE_NOT_FOUND) and refuses a resized one", () => {
    const put = (state: MethodCall['state']) =>
      predictDiskMethod(method({ method: 'put_Parent', state }));
    expect(put('parent-folder-gone')).toBe(HR.E_PATH_NOT_FOUND);
    expect(put('parent-deleted')).toBe(HR.E_FILE_NOT_FOUND);
    expect(put('parent-resized')).toBe(HR.E_INVALIDARG);
    expect(predictDiskMethod(method({ state: 'parent-resized' }))).toBe(HR.VM_E_INVALID_HD_FILE);
    expect(predictDiskMethod(method({ method: 'MergeTo', state: 'parent-resized' }))).toBe(HR.S_OK);
  });
});
