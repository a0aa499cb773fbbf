import type { EmulatedHost } from '@vskit/emulator';
import { describe, expect, it } from 'vitest';
import { temporaryFileOf, testHost } from '../__fixtures__/hosts.js';
import {
  asCom,
  type ComVMHardDisk,
  type ComVMHostInfo,
  type ComVMTask,
  type OutParam,
} from '../com.js';
import { decodeHostDriveImage } from '../host-drive-image.js';
import { HRESULT, type HResultName, hresultName, VMHardDiskType } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const GiB = 2 ** 30;
const DRIVES = [
  { id: 'PhysicalDrive1', sizeBytes: 8 * GiB, mounted: false },
  { id: 'PhysicalDrive0', sizeBytes: GiB, mounted: true },
  { id: 'Tiny', sizeBytes: 2 * 2 ** 20, mounted: false },
  { id: 'Huge', sizeBytes: 2040 * GiB, mounted: false },
];
const LONG = `C:\\${'a'.repeat(260)}.vhd`;

/** C: NTFS with C:\file.txt and C:\taken.vhd; D: NTFS with 4 MiB free; the drives above. */
async function driveHost(): Promise<{ host: EmulatedHost; vs: VirtualServer }> {
  const { host } = testHost({
    volumes: [
      { drive: 'C', fileSystem: 'NTFS', capacityBytes: GiB },
      { drive: 'D', fileSystem: 'NTFS', capacityBytes: GiB, freeBytes: 4 * 2 ** 20 },
    ],
    hostDrives: DRIVES,
  });
  await host.writeFile('C:\\file.txt', new Uint8Array(3));
  await host.writeFile('C:\\taken.vhd', new Uint8Array(3));
  return { host, vs: new VirtualServer(host) };
}

interface Row {
  name: string;
  path: string | null;
  id: unknown;
  mountReadOnly?: unknown;
  nullOut?: boolean;
  before?: (host: EmulatedHost) => void;
  /** The method's HRESULT. */
  hr: HResultName;
  /** For S_OK: the task's Error, and what the image records. */
  taskError?: HResultName;
  records?: { id: string; sizeBytes: number; readOnly: boolean };
}

const ok = (id: string, sizeBytes: number, readOnly: boolean) => ({
  hr: 'S_OK' as const,
  taskError: 'S_OK' as const,
  records: { id, sizeBytes, readOnly },
});

const ROWS: Row[] = [
  {
    name: 'an unmounted drive, writable',
    path: 'C:\\hd\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: false,
    ...ok('PhysicalDrive1', 8 * GiB, false),
  },
  {
    name: 'an unmounted drive, read-only asked',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: true,
    ...ok('PhysicalDrive1', 8 * GiB, true),
  },
  {
    name: 'a mounted drive is always read-only',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive0',
    mountReadOnly: false,
    ...ok('PhysicalDrive0', GiB, true),
  },
  {
    name: "another case records the host's spelling",
    path: 'C:\\a.vhd',
    id: 'physicaldrive1',
    mountReadOnly: 0,
    ...ok('PhysicalDrive1', 8 * GiB, false),
  },
  {
    name: 'a VARIANT_BOOL -1 is true',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: -1,
    ...ok('PhysicalDrive1', 8 * GiB, true),
  },
  { name: 'null imagePath', path: null, id: 'PhysicalDrive1', hr: 'E_POINTER' },
  { name: 'null identifier', path: 'C:\\a.vhd', id: null, hr: 'E_POINTER' },
  {
    name: 'null out before a bad flag',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: 'x',
    nullOut: true,
    hr: 'E_POINTER',
  },
  {
    name: 'null identifier before a bad flag',
    path: 'C:\\a.vhd',
    id: null,
    mountReadOnly: 'x',
    hr: 'E_POINTER',
  },
  { name: 'an identifier that is not a string', path: 'C:\\a.vhd', id: 1, hr: 'E_INVALIDARG' },
  {
    name: 'an identifier of 129 characters',
    path: 'C:\\a.vhd',
    id: 'd'.repeat(129),
    hr: 'E_INVALIDARG',
  },
  {
    name: 'a flag that is not a boolean',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: 'yes',
    hr: 'E_INVALIDARG',
  },
  {
    name: 'no flag',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: undefined,
    hr: 'E_INVALIDARG',
  },
  {
    name: 'a bad flag before shutdown',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    mountReadOnly: 'x',
    before: (h) => h.beginShutdown(),
    hr: 'E_INVALIDARG',
  },
  {
    name: 'shutting down',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive1',
    before: (h) => h.beginShutdown(),
    hr: 'VM_E_APP_SHUTTING_DOWN',
  },
  {
    name: 'shutting down before a bad name',
    path: 'C:\\a?.vhd',
    id: 'PhysicalDrive1',
    before: (h) => h.beginShutdown(),
    hr: 'VM_E_APP_SHUTTING_DOWN',
  },
  { name: 'a bad character', path: 'C:\\a?.vhd', id: 'PhysicalDrive1', hr: 'E_INVALID_NAME' },
  {
    name: 'a bad character before relative',
    path: 'a?.vhd',
    id: 'PhysicalDrive1',
    hr: 'E_INVALID_NAME',
  },
  { name: 'relative', path: 'a.vhd', id: 'PhysicalDrive1', hr: 'E_BAD_PATHNAME' },
  {
    name: 'relative before too long',
    path: 'a'.repeat(270),
    id: 'PhysicalDrive1',
    hr: 'E_BAD_PATHNAME',
  },
  { name: '260 characters', path: LONG, id: 'PhysicalDrive1', hr: 'E_BUFFER_OVERFLOW' },
  {
    name: 'too long before no volume',
    path: LONG.replace('C:', 'Z:'),
    id: 'PhysicalDrive1',
    hr: 'E_BUFFER_OVERFLOW',
  },
  { name: 'no such volume', path: 'Z:\\a.vhd', id: 'PhysicalDrive1', hr: 'E_PATH_NOT_FOUND' },
  {
    name: 'a file on the way',
    path: 'C:\\file.txt\\a.vhd',
    id: 'PhysicalDrive1',
    hr: 'E_PATH_NOT_FOUND',
  },
  {
    name: 'no volume before an unknown drive',
    path: 'Z:\\a.vhd',
    id: 'Nope',
    hr: 'E_PATH_NOT_FOUND',
  },
  { name: 'a file there', path: 'C:\\TAKEN.vhd', id: 'PhysicalDrive1', hr: 'E_ALREADY_EXISTS' },
  {
    name: 'a file there before an unknown drive',
    path: 'C:\\taken.vhd',
    id: 'Nope',
    hr: 'E_ALREADY_EXISTS',
  },
  {
    name: 'an unknown drive',
    path: 'C:\\a.vhd',
    id: 'PhysicalDrive7',
    hr: 'VM_E_HOST_DRIVE_NOT_FOUND',
  },
  { name: 'an empty identifier', path: 'C:\\a.vhd', id: '', hr: 'VM_E_HOST_DRIVE_NOT_FOUND' },
  {
    name: 'an unknown drive before too little space',
    path: 'D:\\a.vhd',
    id: 'Nope',
    hr: 'VM_E_HOST_DRIVE_NOT_FOUND',
  },
  { name: 'a drive below 3 MB', path: 'C:\\a.vhd', id: 'Tiny', hr: 'VM_E_IMAGE_SIZE_TOO_SMALL' },
  { name: 'a drive of 2040 GiB', path: 'C:\\a.vhd', id: 'Huge', hr: 'VM_E_IMAGE_SIZE_TOO_LARGE' },
  {
    name: 'a small drive before too little space',
    path: 'D:\\a.vhd',
    id: 'Tiny',
    hr: 'VM_E_IMAGE_SIZE_TOO_SMALL',
  },
  { name: 'less than 8 MB free', path: 'D:\\a.vhd', id: 'PhysicalDrive1', hr: 'E_DISK_FULL' },
  {
    name: 'the volume fills while the task writes',
    path: 'C:\\w.vhd',
    id: 'PhysicalDrive1',
    before: (h) => h.faults.failPath('write', temporaryFileOf('C:\\w.vhd'), 'ENOSPC'),
    hr: 'S_OK',
    taskError: 'E_DISK_FULL',
  },
];

describe('CreateHostDriveVirtualHardDisk', () => {
  it.each(ROWS.map((row) => [`${row.name} -> ${row.hr}`, row] as const))('%s', async (_, row) => {
    const { host, vs } = await driveHost();
    row.before?.(host);
    const before = await host.snapshot();
    const out: OutParam<ComVMTask> = { value: undefined };
    const hr = await asCom(vs).CreateHostDriveVirtualHardDisk(
      row.path,
      row.id as string,
      ('mountReadOnly' in row ? row.mountReadOnly : false) as boolean,
      row.nullOut ? null : out,
    );
    expect(hresultName(hr)).toBe(row.hr);
    if (row.hr !== 'S_OK') {
      expect(out.value).toBeUndefined();
      expect(await host.snapshot()).toEqual(before);
      return;
    }
    const task = out.value as ComVMTask;
    expect(await task.WaitForCompletion(-1)).toBe(HRESULT.S_OK);
    host.faults.clear();
    expect(hresultName(task.Error)).toBe(row.taskError);
    if (row.records === undefined) {
      expect(await host.snapshot()).toEqual(before);
      return;
    }
    const path = row.path as string;
    const image = decodeHostDriveImage(await host.readFile(path));
    expect(image).toMatchObject({
      hostDriveIdentifier: row.records.id,
      sizeBytes: row.records.sizeBytes,
      readOnly: row.records.readOnly,
    });
    const disk: OutParam<ComVMHardDisk> = { value: undefined };
    expect(await asCom(vs).GetHardDisk(path, disk)).toBe(HRESULT.S_OK);
    expect(disk.value?.Type).toBe(VMHardDiskType.HostDrive);
    const id: OutParam<string> = { value: undefined };
    expect(await disk.value?.get_HostDriveIdentifier(id)).toBe(HRESULT.S_OK);
    expect(id.value).toBe(row.records.id);
  });
});

describe('IVMHostInfo.HostDrives', () => {
  it("lists the host's drive identifiers in their order, mounted ones too", async () => {
    const { vs } = await driveHost();
    const out: OutParam<ComVMHostInfo> = { value: undefined };
    expect(await asCom(vs).get_HostInfo(out)).toBe(HRESULT.S_OK);
    const ids = DRIVES.map((d) => d.id);
    expect(out.value?.HostDrives).toEqual(ids);
    const drives: OutParam<string[]> = { value: undefined };
    expect(await out.value?.get_HostDrives(drives)).toBe(HRESULT.S_OK);
    expect(drives.value).toEqual(ids);
    expect(await out.value?.get_HostDrives(null)).toBe(HRESULT.E_POINTER);
    expect(await asCom(vs).get_HostInfo(null)).toBe(HRESULT.E_POINTER);
    expect((await vs.getHostInfo()).hostDrives).toEqual(ids);
  });

  it('is empty on a host without drives', async () => {
    const { host } = testHost();
    expect((await new VirtualServer(host).getHostInfo()).hostDrives).toEqual([]);
    // A host implementation without the optional hostDrives method has none either.
    const withoutMethod = new Proxy(host, {
      get(target, property) {
        if (property === 'hostDrives') return undefined;
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const out: OutParam<ComVMHostInfo> = { value: undefined };
    expect(await asCom(new VirtualServer(withoutMethod)).get_HostInfo(out)).toBe(HRESULT.S_OK);
    expect(out.value?.HostDrives).toEqual([]);
  });
});
