import type { EmulatedHost } from '@vskit/emulator';
import type { HostFile } from '@vskit/host';
import { FOOTER_OFFSETS, vhdChecksum } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { testHost, writeVhd } from '../../__fixtures__/hosts.js';
import { asCom, type ComVMHardDisk, type OutParam } from '../../com.js';
import { encodeHostDriveImage } from '../../host-drive-image.js';
import { HRESULT, type HResultName, hresultName, VMHardDiskType } from '../../hresult.js';
import { VirtualServer } from '../../virtual-server.js';

const MiB = 2 ** 20;
const DRIVE = { id: 'PhysicalDrive1', sizeBytes: 8 * 2 ** 30, mounted: false };

/** The disks every row can read. */
const DISKS = {
  dyn: 'C:\\d\\dyn.vhd',
  fixed: 'C:\\d\\fixed.vhd',
  parent: 'C:\\base\\parent.vhd',
  child: 'C:\\vms\\child.vhd',
  grand: 'C:\\vms\\grand.vhd',
  link: 'C:\\hd\\link.vhd',
  lost: 'C:\\hd\\lost.vhd',
} as const;
type DiskName = keyof typeof DISKS;

/** What a row does to the files after GetHardDisk and before the property is read. */
type Change =
  | { kind: 'delete' | 'lock' | 'corrupt' | 'badType'; disk: DiskName }
  | { kind: 'replace'; disk: DiskName }
  | { kind: 'volumeGone' };

interface World {
  host: EmulatedHost;
  vs: VirtualServer;
  held: HostFile[];
  /** Set: the server's host no longer has volume C:. */
  volumeGone: boolean;
}

async function world(): Promise<World> {
  const { host } = testHost({ hostDrives: [DRIVE] });
  const w: World = { host, vs: undefined as unknown as VirtualServer, held: [], volumeGone: false };
  // The server sees the emulated host, with volume C: removable.
  const seen = new Proxy(host, {
    get(target, property) {
      if (property === 'volumeInfo') {
        return (drive: string) => (w.volumeGone ? undefined : target.volumeInfo(drive));
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  w.vs = new VirtualServer(seen);
  await writeVhd(host, DISKS.dyn, { type: 'dynamic', sizeBytes: 64 * MiB });
  await writeVhd(host, DISKS.fixed, { type: 'fixed', sizeBytes: 4 * MiB });
  await writeVhd(host, DISKS.parent, { type: 'dynamic', sizeBytes: 32 * MiB });
  for (const [child, parent] of [
    [DISKS.child, DISKS.parent],
    [DISKS.grand, DISKS.child],
  ] as const) {
    const task = await w.vs.createDifferencingVirtualHardDisk(child, parent);
    await task.waitForCompletion(-1);
  }
  await host.mkdir('C:\\hd');
  for (const [path, id] of [
    [DISKS.link, DRIVE.id],
    [DISKS.lost, 'PhysicalDrive9'],
  ] as const) {
    await host.writeFile(
      path,
      encodeHostDriveImage({
        hostDriveIdentifier: id,
        sizeBytes: DRIVE.sizeBytes,
        readOnly: false,
        uniqueId: host.randomBytes(16),
        created: host.now(),
      }),
    );
  }
  return w;
}

async function apply(w: World, change: Change): Promise<void> {
  if (change.kind === 'volumeGone') {
    w.volumeGone = true;
    return;
  }
  const path = DISKS[change.disk];
  const { host } = w;
  const size = (await host.stat(path))?.size ?? 0;
  switch (change.kind) {
    case 'delete':
      await host.unlink(path);
      return;
    case 'lock':
      w.held.push(await host.open(path, 'read', { share: 'none' }));
      return;
    case 'corrupt': {
      const file = await host.open(path, 'readWrite');
      const junk = new TextEncoder().encode('not a disk at all');
      if (size === 512) {
        await file.write(junk, 100); // a host-drive image keeps its cookie
      } else {
        await file.write(junk, 0);
        await file.write(junk, size - 512);
      }
      await file.close();
      return;
    }
    case 'badType': {
      const file = await host.open(path, 'readWrite');
      const footer = new Uint8Array(512);
      await file.read(footer, size - 512);
      new DataView(footer.buffer).setUint32(FOOTER_OFFSETS.diskType, 5);
      new DataView(footer.buffer).setUint32(FOOTER_OFFSETS.checksum, vhdChecksum(footer, 64));
      await file.write(footer, size - 512);
      await file.close();
      return;
    }
    case 'replace':
      await host.unlink(path);
      await writeVhd(host, path, { type: 'dynamic', sizeBytes: 32 * MiB });
      return;
  }
}

type Property =
  | 'File'
  | 'Type'
  | 'SizeInGuest'
  | 'SizeOnHost'
  | 'HostFreeDiskSpace'
  | 'HostDriveIdentifier'
  | 'Parent';

interface Row {
  /** What the row shows. */
  name: string;
  property: Property;
  disk: DiskName;
  changes?: Change[];
  /** Pass this out-parameter instead of `{ value: undefined }`. */
  out?: null | undefined | 'frozen';
  hr: HResultName;
  /** The value expected in `out.value` for a success (a function for host-dependent ones). */
  value?: unknown;
}

const del = (disk: DiskName): Change => ({ kind: 'delete', disk });
const lock = (disk: DiskName): Change => ({ kind: 'lock', disk });
const corrupt = (disk: DiskName): Change => ({ kind: 'corrupt', disk });

const ROWS: Row[] = [
  // File: never looks at the file
  { name: 'the path', property: 'File', disk: 'child', hr: 'S_OK', value: DISKS.child },
  {
    name: 'the path, file gone',
    property: 'File',
    disk: 'child',
    changes: [del('child')],
    hr: 'S_OK',
    value: DISKS.child,
  },
  { name: 'null out', property: 'File', disk: 'child', out: null, hr: 'E_POINTER' },
  // Type
  { name: 'dynamic', property: 'Type', disk: 'dyn', hr: 'S_OK', value: VMHardDiskType.Dynamic },
  { name: 'fixed', property: 'Type', disk: 'fixed', hr: 'S_OK', value: VMHardDiskType.FixedSize },
  {
    name: 'differencing',
    property: 'Type',
    disk: 'child',
    hr: 'S_OK',
    value: VMHardDiskType.Differencing,
  },
  {
    name: 'host drive',
    property: 'Type',
    disk: 'link',
    hr: 'S_OK',
    value: VMHardDiskType.HostDrive,
  },
  {
    name: 'differencing, parent gone (only the file is read)',
    property: 'Type',
    disk: 'child',
    changes: [del('parent')],
    hr: 'S_OK',
    value: VMHardDiskType.Differencing,
  },
  {
    name: 'null out before a deleted file',
    property: 'Type',
    disk: 'dyn',
    changes: [del('dyn')],
    out: null,
    hr: 'E_POINTER',
  },
  { name: 'undefined out', property: 'Type', disk: 'dyn', out: undefined, hr: 'E_POINTER' },
  { name: 'frozen out', property: 'Type', disk: 'dyn', out: 'frozen', hr: 'E_POINTER' },
  { name: 'deleted', property: 'Type', disk: 'dyn', changes: [del('dyn')], hr: 'E_FILE_NOT_FOUND' },
  {
    name: 'in use with no sharing',
    property: 'Type',
    disk: 'dyn',
    changes: [lock('dyn')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'in use before damaged',
    property: 'Type',
    disk: 'dyn',
    changes: [corrupt('dyn'), lock('dyn')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'damaged',
    property: 'Type',
    disk: 'dyn',
    changes: [corrupt('dyn')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  {
    name: 'a footer of disk type 5',
    property: 'Type',
    disk: 'fixed',
    changes: [{ kind: 'badType', disk: 'fixed' }],
    hr: 'VM_E_DRIVE_INVALID',
  },
  {
    name: 'damaged host-drive image',
    property: 'Type',
    disk: 'link',
    changes: [corrupt('link')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  // SizeInGuest
  { name: 'virtual size', property: 'SizeInGuest', disk: 'dyn', hr: 'S_OK', value: 64 * MiB },
  {
    name: "a child's is its parent's",
    property: 'SizeInGuest',
    disk: 'child',
    hr: 'S_OK',
    value: 32 * MiB,
  },
  {
    name: "a host drive's recorded size",
    property: 'SizeInGuest',
    disk: 'link',
    hr: 'S_OK',
    value: DRIVE.sizeBytes,
  },
  { name: 'null out', property: 'SizeInGuest', disk: 'dyn', out: null, hr: 'E_POINTER' },
  {
    name: 'deleted',
    property: 'SizeInGuest',
    disk: 'dyn',
    changes: [del('dyn')],
    hr: 'E_FILE_NOT_FOUND',
  },
  {
    name: 'in use',
    property: 'SizeInGuest',
    disk: 'dyn',
    changes: [lock('dyn')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'damaged',
    property: 'SizeInGuest',
    disk: 'dyn',
    changes: [corrupt('dyn')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  // SizeOnHost
  { name: 'file size', property: 'SizeOnHost', disk: 'fixed', hr: 'S_OK', value: 4 * MiB + 512 },
  {
    name: 'in use: the file is not opened',
    property: 'SizeOnHost',
    disk: 'fixed',
    changes: [lock('fixed')],
    hr: 'S_OK',
    value: 4 * MiB + 512,
  },
  { name: 'null out', property: 'SizeOnHost', disk: 'fixed', out: null, hr: 'E_POINTER' },
  {
    name: 'deleted',
    property: 'SizeOnHost',
    disk: 'fixed',
    changes: [del('fixed')],
    hr: 'E_FILE_NOT_FOUND',
  },
  // HostFreeDiskSpace
  { name: 'free bytes', property: 'HostFreeDiskSpace', disk: 'dyn', hr: 'S_OK', value: 'free' },
  {
    name: 'file gone: the volume answers',
    property: 'HostFreeDiskSpace',
    disk: 'dyn',
    changes: [del('dyn')],
    hr: 'S_OK',
    value: 'free',
  },
  {
    name: 'null out before a missing volume',
    property: 'HostFreeDiskSpace',
    disk: 'dyn',
    changes: [{ kind: 'volumeGone' }],
    out: null,
    hr: 'E_POINTER',
  },
  {
    name: 'volume gone',
    property: 'HostFreeDiskSpace',
    disk: 'dyn',
    changes: [{ kind: 'volumeGone' }],
    hr: 'E_BAD_PATHNAME',
  },
  // HostDriveIdentifier
  {
    name: 'the identifier',
    property: 'HostDriveIdentifier',
    disk: 'link',
    hr: 'S_OK',
    value: DRIVE.id,
  },
  {
    name: 'not a host-drive image',
    property: 'HostDriveIdentifier',
    disk: 'dyn',
    hr: 'S_FALSE',
    value: null,
  },
  { name: 'null out', property: 'HostDriveIdentifier', disk: 'link', out: null, hr: 'E_POINTER' },
  {
    name: 'deleted',
    property: 'HostDriveIdentifier',
    disk: 'link',
    changes: [del('link')],
    hr: 'E_FILE_NOT_FOUND',
  },
  {
    name: 'in use before "not a host-drive image"',
    property: 'HostDriveIdentifier',
    disk: 'dyn',
    changes: [lock('dyn')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'damaged host-drive image before its drive is missing',
    property: 'HostDriveIdentifier',
    disk: 'lost',
    changes: [corrupt('lost')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  {
    name: 'its drive is missing',
    property: 'HostDriveIdentifier',
    disk: 'lost',
    hr: 'VM_E_HOST_DRIVE_NOT_FOUND',
  },
  // Parent
  { name: "the parent's disk", property: 'Parent', disk: 'child', hr: 'S_OK', value: DISKS.parent },
  {
    name: "a grandchild's parent",
    property: 'Parent',
    disk: 'grand',
    hr: 'S_OK',
    value: DISKS.child,
  },
  { name: 'dynamic: none', property: 'Parent', disk: 'dyn', hr: 'S_FALSE', value: null },
  { name: 'host drive: none', property: 'Parent', disk: 'link', hr: 'S_FALSE', value: null },
  { name: 'null out', property: 'Parent', disk: 'child', out: null, hr: 'E_POINTER' },
  {
    name: 'deleted',
    property: 'Parent',
    disk: 'child',
    changes: [del('child')],
    hr: 'E_FILE_NOT_FOUND',
  },
  {
    name: 'in use',
    property: 'Parent',
    disk: 'child',
    changes: [lock('child')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'damaged before its parent gone',
    property: 'Parent',
    disk: 'child',
    changes: [corrupt('child'), del('parent')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  {
    name: 'dynamic damaged: not S_FALSE',
    property: 'Parent',
    disk: 'dyn',
    changes: [corrupt('dyn')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
  {
    name: 'parent gone',
    property: 'Parent',
    disk: 'child',
    changes: [del('parent')],
    hr: 'E_FILE_NOT_FOUND',
  },
  {
    name: "the parent's own parent gone",
    property: 'Parent',
    disk: 'grand',
    changes: [del('parent')],
    hr: 'E_PATH_NOT_FOUND',
  },
  {
    name: 'parent replaced by another disk',
    property: 'Parent',
    disk: 'child',
    changes: [{ kind: 'replace', disk: 'parent' }],
    hr: 'VM_E_PARENT_CHILD_ID_MISMATCH',
  },
  {
    name: 'parent in use',
    property: 'Parent',
    disk: 'child',
    changes: [lock('parent')],
    hr: 'VM_E_HD_IMAGE_OPEN_FAIL',
  },
  {
    name: 'parent damaged',
    property: 'Parent',
    disk: 'child',
    changes: [corrupt('parent')],
    hr: 'VM_E_HD_IMAGE_ACCESS',
  },
];

type Getter = (out: OutParam<unknown> | null | undefined) => Promise<number>;

describe('IVMHardDisk properties read the file when asked', () => {
  it.each(ROWS.map((row) => [`${row.property}: ${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const w = await world();
      const com = asCom(w.vs);
      const got: OutParam<ComVMHardDisk> = { value: undefined };
      expect(await com.GetHardDisk(DISKS[row.disk], got)).toBe(HRESULT.S_OK);
      const disk = got.value as ComVMHardDisk;
      for (const change of row.changes ?? []) await apply(w, change);
      const before = await w.host.snapshot();
      const out =
        row.out === 'frozen'
          ? Object.freeze({ value: undefined })
          : 'out' in row
            ? (row.out as null | undefined)
            : { value: undefined as unknown };
      const getter = disk[`get_${row.property}`] as Getter;
      const hr = await getter(out as OutParam<unknown>);
      for (const handle of w.held) await handle.close();
      expect(hresultName(hr)).toBe(row.hr);
      expect(await w.host.snapshot()).toEqual(before);
      if (row.hr === 'S_OK' || row.hr === 'S_FALSE') {
        const value = (out as OutParam<unknown>).value;
        if (row.property === 'Parent' && row.value !== null) {
          const parent = value as ComVMHardDisk;
          expect(parent.File).toBe(row.value);
          const file: OutParam<string> = { value: undefined };
          expect(await parent.get_File(file)).toBe(HRESULT.S_OK);
          expect(file.value).toBe(row.value);
        } else if (row.value === 'free') {
          expect(value).toBe(w.host.volumeInfo('C')?.freeBytes);
        } else {
          expect(value).toBe(row.value);
        }
      } else if (out !== null && out !== undefined) {
        expect((out as OutParam<unknown>).value).toBeUndefined();
      }
    },
  );

  it('the promise face reads the same: getType() after a deletion rejects with E_FILE_NOT_FOUND', async () => {
    const w = await world();
    const disk = await w.vs.getHardDisk(DISKS.child);
    expect(await disk.getType()).toBe(VMHardDiskType.Differencing);
    expect((await disk.getParent())?.file).toBe(DISKS.parent);
    expect(await (await disk.getParent())?.getParent()).toBeNull();
    await w.host.unlink(DISKS.grand);
    await w.host.unlink(DISKS.child);
    await expect(disk.getType()).rejects.toMatchObject({ name: 'E_FILE_NOT_FOUND' });
    expect(disk.type).toBe(VMHardDiskType.Differencing);
  });

  it('GetHardDisk reads a host-drive image: type HostDrive, its recorded size, no parent', async () => {
    const w = await world();
    const disk = await w.vs.getHardDisk(DISKS.link);
    expect(disk).toMatchObject({
      type: VMHardDiskType.HostDrive,
      sizeInGuest: DRIVE.sizeBytes,
      sizeOnHost: 512,
      parent: null,
    });
    await apply(w, corrupt('link'));
    await expect(w.vs.getHardDisk(DISKS.link)).rejects.toMatchObject({
      name: 'VM_E_INVALID_HD_FILE',
    });
  });
});
