import { describe, expect, it } from 'vitest';
import { MIB } from './_internal/units.js';
import { HR } from './hresults.js';
import { predict } from './model.js';
import type { CreateCall, EntrySpec, HostState } from './state.js';

const base = (entries: EntrySpec[] = [], extra: Partial<HostState> = {}): HostState => ({
  volumes: [
    {
      drive: 'C',
      fileSystem: 'NTFS',
      capacityBytes: 2 ** 40,
      freeBytes: 2 ** 39,
      free: { kind: 'plenty' },
    },
    {
      drive: 'D',
      fileSystem: 'FAT32',
      capacityBytes: 2 ** 36,
      freeBytes: 2 ** 35,
      free: { kind: 'plenty' },
    },
  ],
  entries,
  shuttingDown: false,
  now: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const parent = (path = 'C:\\base\\p.vhd', sizeBytes = 8 * MIB): EntrySpec => ({
  kind: 'vhd',
  path,
  disk: { type: 'dynamic', sizeBytes, corruption: null, unreadable: false },
});
const diff = (
  imagePath: string | null,
  parentPath: string | null,
  nullTask = false,
): CreateCall => ({
  method: 'CreateDifferencingVirtualHardDisk',
  imagePath,
  parentPath,
  nullTask,
});
const free = (c = 2 ** 39, d = 2 ** 35) => ({
  freeBytes: new Map([
    ['C', c],
    ['D', d],
  ]),
});
const hr = (state: HostState, call: CreateCall, facts = free()) =>
  predict(state, call, facts).hresult;

describe('reference model', () => {
  it('predicts S_OK for an absolute child of an existing parent', () => {
    expect(hr(base([parent()]), diff('C:\\vms\\c.vhd', 'C:\\base\\p.vhd'))).toBe(HR.S_OK);
  });
  it('resolves a relative image against the parent folder and a relative parent against the image folder', () => {
    const a = predict(base([parent()]), diff('..\\vms\\c.vhd', 'C:\\base\\p.vhd'), free());
    expect(a.image?.segments).toEqual(['vms', 'c.vhd']);
    expect(hr(base([parent()]), diff('C:\\base\\sub\\c.vhd', '..\\p.vhd'))).toBe(HR.S_OK);
    expect(hr(base([parent()]), diff('C:\\x\\c.vhd', '\\base\\p.vhd'))).toBe(HR.S_OK);
  });
  it('does not climb above the drive root', () => {
    const p = predict(base([parent()]), diff('C:\\..\\..\\c.vhd', 'C:\\base\\p.vhd'), free());
    expect(p.image?.segments).toEqual(['c.vhd']);
    expect(p.features.has('dotdot-at-root')).toBe(true);
  });
  it('gives E_BAD_PATHNAME for two relative paths, including rooted and empty ones', () => {
    expect(hr(base([parent()]), diff('c.vhd', '\\base\\p.vhd'))).toBe(HR.E_BAD_PATHNAME);
    expect(hr(base([parent()]), diff('', ''))).toBe(HR.E_BAD_PATHNAME);
  });
  it('puts E_INVALID_NAME before E_BAD_PATHNAME and E_POINTER before everything', () => {
    expect(hr(base([parent()]), diff('c|.vhd', 'p.vhd'))).toBe(HR.E_INVALID_NAME);
    expect(hr(base([parent()], { shuttingDown: true }), diff(null, 'x'))).toBe(HR.E_POINTER);
    expect(
      hr(base([parent()], { shuttingDown: true }), diff('C:\\c.vhd', 'C:\\base\\p.vhd', true)),
    ).toBe(HR.E_POINTER);
    expect(
      hr(base([parent()], { shuttingDown: true }), diff('C:\\c?.vhd', 'C:\\base\\p.vhd')),
    ).toBe(HR.VM_E_APP_SHUTTING_DOWN);
  });
  it('accepts 259 characters and refuses 260, given or resolved', () => {
    const folder = `C:\\${'a'.repeat(240)}`;
    const ok = `${folder}\\${'b'.repeat(259 - folder.length - 1)}`;
    expect(ok.length).toBe(259);
    expect(hr(base([parent()]), diff(ok, 'C:\\base\\p.vhd'))).toBe(HR.S_OK);
    expect(hr(base([parent()]), diff(`${ok}x`, 'C:\\base\\p.vhd'))).toBe(HR.E_BUFFER_OVERFLOW);
    const longParent = parent(`${folder}\\p.vhd`);
    expect(hr(base([longParent]), diff(`${'c'.repeat(20)}.vhd`, `${folder}\\p.vhd`))).toBe(
      HR.E_BUFFER_OVERFLOW,
    );
  });
  it('finds names case-insensitively and refuses a folder as the parent', () => {
    expect(hr(base([parent()]), diff('C:\\c.vhd', 'c:\\BASE\\P.VHD'))).toBe(HR.S_OK);
    expect(hr(base([parent()]), diff('C:\\BASE\\p.VHD', 'C:\\base\\p.vhd'))).toBe(
      HR.E_ALREADY_EXISTS,
    );
    expect(
      hr(base([{ kind: 'folder', path: 'C:\\base\\p.vhd' }]), diff('C:\\c.vhd', 'C:\\base\\p.vhd')),
    ).toBe(HR.E_PATH_NOT_FOUND);
    expect(hr(base([parent()]), diff('Q:\\c.vhd', 'C:\\base\\p.vhd'))).toBe(HR.E_PATH_NOT_FOUND);
  });
  it('judges the parent size at 3 MB and 2,088,960 MB', () => {
    expect(hr(base([parent('C:\\p.vhd', 3 * MIB)]), diff('C:\\c.vhd', 'C:\\p.vhd'))).toBe(HR.S_OK);
    expect(hr(base([parent('C:\\p.vhd', 3 * MIB - 512)]), diff('C:\\c.vhd', 'C:\\p.vhd'))).toBe(
      HR.VM_E_IMAGE_SIZE_TOO_SMALL,
    );
    expect(hr(base([parent('C:\\p.vhd', 2_088_960 * MIB)]), diff('C:\\c.vhd', 'C:\\p.vhd'))).toBe(
      HR.VM_E_IMAGE_SIZE_TOO_LARGE,
    );
  });
  it('judges FAT32 by the fully expanded child and free space at 8 MB', () => {
    expect(hr(base([parent('C:\\p.vhd', 2047 * 2 * MIB)]), diff('D:\\c.vhd', 'C:\\p.vhd'))).toBe(
      HR.S_OK,
    );
    expect(hr(base([parent('C:\\p.vhd', 2048 * 2 * MIB)]), diff('D:\\c.vhd', 'C:\\p.vhd'))).toBe(
      HR.VM_E_FILE_TOO_LARGE_FOR_VOLUME,
    );
    expect(hr(base([parent()]), diff('D:\\c.vhd', 'C:\\base\\p.vhd'), free(2 ** 39, 8 * MIB))).toBe(
      HR.S_OK,
    );
    expect(
      hr(base([parent()]), diff('D:\\c.vhd', 'C:\\base\\p.vhd'), free(2 ** 39, 8 * MIB - 4096)),
    ).toBe(HR.E_DISK_FULL);
  });
  it('puts E_INVALIDARG right after E_POINTER for sized images, and needs the whole fixed file free', () => {
    const fixed = (sizeMB: number): CreateCall => ({
      method: 'CreateFixedVirtualHardDisk',
      imagePath: 'C:\\f.vhd',
      sizeMB,
      nullTask: false,
    });
    expect(hr(base([], { shuttingDown: true }), fixed(0))).toBe(HR.E_INVALIDARG);
    expect(hr(base(), fixed(2))).toBe(HR.VM_E_IMAGE_SIZE_TOO_SMALL);
    expect(hr(base(), fixed(4), free(4 * MIB + 512))).toBe(HR.S_OK);
    expect(hr(base(), fixed(4), free(4 * MIB))).toBe(HR.E_DISK_FULL);
  });
});
