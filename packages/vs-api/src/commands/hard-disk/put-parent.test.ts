import type { EmulatedHost } from '@vskit/emulator';
import type { HostFile } from '@vskit/host';
import { vhdTimestamp } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { readFooter } from '../../__fixtures__/hosts.js';
import {
  FAMILY,
  family,
  opensStrictly,
  readThroughChain,
  recordedParent,
} from '../../__fixtures__/re-link.js';
import { asCom, type ComVMHardDisk } from '../../com.js';
import { isVsError, VsError } from '../../errors.js';
import { HRESULT, type HResultName } from '../../hresult.js';
import { VirtualServer } from '../../virtual-server.js';

type Name = keyof typeof FAMILY;

/** What a row does to the host after both disks were got and before the put. */
type Change =
  | 'shutdown'
  | 'deleteChild'
  | 'deleteParent'
  | 'deleteParentFolder'
  | 'parentVolumeGone'
  | 'corruptParent'
  | 'lockParent'
  | 'lockChild'
  | 'readOnlyChild'
  | 'corruptChild';

interface Row {
  readonly name: string;
  /** The disk put_Parent is called on. */
  readonly child: Name;
  /** The disk given as the parent (`null`: none, on the COM face). */
  readonly parent: Name | null;
  readonly changes: readonly Change[];
  readonly expected: HResultName;
  /** The argument the VsError names. */
  readonly argument?: 'disk' | 'parent';
}

const rows: Row[] = [
  { name: 'no parent disk', child: 'child', parent: null, changes: [], expected: 'E_POINTER' },
  {
    name: 'shutting down',
    child: 'child',
    parent: 'moved',
    changes: ['shutdown'],
    expected: 'VM_E_APP_SHUTTING_DOWN',
  },
  {
    name: "this disk's file deleted",
    child: 'child',
    parent: 'moved',
    changes: ['deleteChild'],
    expected: 'E_FILE_NOT_FOUND',
    argument: 'disk',
  },
  {
    name: "the parent's folder deleted",
    child: 'child',
    parent: 'moved',
    changes: ['deleteParentFolder'],
    expected: 'E_PATH_NOT_FOUND',
    argument: 'parent',
  },
  {
    name: "the parent's volume gone",
    child: 'child',
    parent: 'far',
    changes: ['parentVolumeGone'],
    expected: 'E_PATH_NOT_FOUND',
    argument: 'parent',
  },
  {
    name: "the parent's file deleted",
    child: 'child',
    parent: 'moved',
    changes: ['deleteParent'],
    expected: 'E_FILE_NOT_FOUND',
    argument: 'parent',
  },
  {
    name: 'the parent in use (held with no sharing)',
    child: 'child',
    parent: 'moved',
    changes: ['lockParent'],
    expected: 'E_SHARING_VIOLATION',
    argument: 'parent',
  },
  {
    name: 'the parent damaged',
    child: 'child',
    parent: 'moved',
    changes: ['corruptParent'],
    expected: 'VM_E_HD_IMAGE_ACCESS',
    argument: 'parent',
  },
  {
    name: 'this disk in use',
    child: 'child',
    parent: 'moved',
    changes: ['lockChild'],
    expected: 'E_SHARING_VIOLATION',
    argument: 'disk',
  },
  {
    name: 'this disk read-only',
    child: 'child',
    parent: 'moved',
    changes: ['readOnlyChild'],
    expected: 'VM_E_FILE_READ_ONLY',
    argument: 'disk',
  },
  {
    name: 'this disk damaged',
    child: 'child',
    parent: 'moved',
    changes: ['corruptChild'],
    expected: 'VM_E_HD_IMAGE_ACCESS',
    argument: 'disk',
  },
  {
    name: 'this disk dynamic',
    child: 'dyn',
    parent: 'moved',
    changes: [],
    expected: 'VM_E_WRONG_HD_IMAGE_TYPE',
    argument: 'disk',
  },
  {
    name: 'this disk a host-drive image',
    child: 'link',
    parent: 'moved',
    changes: [],
    expected: 'VM_E_WRONG_HD_IMAGE_TYPE',
    argument: 'disk',
  },
  {
    name: 'another disk as the parent (another UUID)',
    child: 'child',
    parent: 'other',
    changes: [],
    expected: 'VM_E_PARENT_CHILD_ID_MISMATCH',
    argument: 'parent',
  },
  {
    name: 'the disk itself as its parent',
    child: 'child',
    parent: 'child',
    changes: [],
    expected: 'VM_E_PARENT_CHILD_ID_MISMATCH',
    argument: 'parent',
  },
  {
    name: 'the parent resized (its UUID, another size)',
    child: 'child',
    parent: 'resized',
    changes: [],
    expected: 'E_INVALIDARG',
    argument: 'parent',
  },
  // Precedence pairs: the earlier check wins.
  {
    name: 'E_POINTER before shutdown',
    child: 'child',
    parent: null,
    changes: ['shutdown'],
    expected: 'E_POINTER',
  },
  {
    name: "shutdown before this disk's file deleted",
    child: 'child',
    parent: 'moved',
    changes: ['shutdown', 'deleteChild'],
    expected: 'VM_E_APP_SHUTTING_DOWN',
  },
  {
    name: "this disk's file deleted before the parent's folder",
    child: 'child',
    parent: 'moved',
    changes: ['deleteChild', 'deleteParentFolder'],
    expected: 'E_FILE_NOT_FOUND',
    argument: 'disk',
  },
  {
    name: 'this disk in use before read-only (a disk in use is held read-only too)',
    child: 'child',
    parent: 'moved',
    changes: ['readOnlyChild', 'lockChild'],
    expected: 'E_SHARING_VIOLATION',
  },
  {
    name: 'this disk in use before damaged',
    child: 'child',
    parent: 'moved',
    changes: ['corruptChild', 'lockChild'],
    expected: 'E_SHARING_VIOLATION',
  },
  {
    name: "this disk in use before the parent's folder",
    child: 'child',
    parent: 'moved',
    changes: ['deleteParentFolder', 'lockChild'],
    expected: 'E_SHARING_VIOLATION',
  },
  {
    name: 'this disk damaged before read-only',
    child: 'child',
    parent: 'moved',
    changes: ['corruptChild', 'readOnlyChild'],
    expected: 'VM_E_HD_IMAGE_ACCESS',
    argument: 'disk',
  },
  {
    name: 'this disk not differencing before read-only',
    child: 'dyn',
    parent: 'moved',
    changes: ['readOnlyChild'],
    expected: 'VM_E_WRONG_HD_IMAGE_TYPE',
  },
  {
    name: "this disk read-only before the parent's folder",
    child: 'child',
    parent: 'moved',
    changes: ['readOnlyChild', 'deleteParentFolder'],
    expected: 'VM_E_FILE_READ_ONLY',
  },
  {
    name: "this disk read-only before the parent's file deleted",
    child: 'child',
    parent: 'moved',
    changes: ['readOnlyChild', 'deleteParent'],
    expected: 'VM_E_FILE_READ_ONLY',
  },
  {
    name: 'this disk read-only before the parent in use',
    child: 'child',
    parent: 'moved',
    changes: ['readOnlyChild', 'lockParent'],
    expected: 'VM_E_FILE_READ_ONLY',
  },
  {
    name: 'the parent in use before another UUID',
    child: 'child',
    parent: 'other',
    changes: ['lockParent'],
    expected: 'E_SHARING_VIOLATION',
    argument: 'parent',
  },
  {
    name: 'the parent damaged before another UUID',
    child: 'child',
    parent: 'other',
    changes: ['corruptParent'],
    expected: 'VM_E_HD_IMAGE_ACCESS',
    argument: 'parent',
  },
  {
    name: 'this disk damaged before another parent',
    child: 'child',
    parent: 'other',
    changes: ['corruptChild'],
    expected: 'VM_E_HD_IMAGE_ACCESS',
    argument: 'disk',
  },
  {
    name: 'this disk not differencing before another parent',
    child: 'dyn',
    parent: 'other',
    changes: [],
    expected: 'VM_E_WRONG_HD_IMAGE_TYPE',
  },
  {
    name: 'another UUID before another size',
    child: 'child',
    parent: 'dyn',
    changes: [],
    expected: 'VM_E_PARENT_CHILD_ID_MISMATCH',
  },
];

/** The emulated host as the server sees it, with a volume that can be taken away. */
function withVolumes(host: EmulatedHost, gone: Set<string>): EmulatedHost {
  return new Proxy(host, {
    get(target, property) {
      if (property === 'volumeInfo') {
        return (drive: string) =>
          gone.has(drive.toUpperCase()) ? undefined : target.volumeInfo(drive);
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function scribble(host: EmulatedHost, path: string): Promise<void> {
  const size = (await host.stat(path))?.size ?? 0;
  const file = await host.open(path, 'readWrite');
  const junk = new TextEncoder().encode('not a disk at all');
  await file.write(junk, 0);
  await file.write(junk, size - 512);
  await file.close();
}

async function apply(
  host: EmulatedHost,
  row: Row,
  change: Change,
  gone: Set<string>,
  held: HostFile[],
): Promise<void> {
  const child = FAMILY[row.child];
  const parent = row.parent === null ? '' : FAMILY[row.parent];
  switch (change) {
    case 'shutdown':
      host.beginShutdown();
      return;
    case 'deleteChild':
      await host.unlink(child);
      return;
    case 'deleteParent':
      await host.unlink(parent);
      return;
    case 'deleteParentFolder':
      for (const name of ['moved.vhd', 'other.vhd', 'resized.vhd']) {
        await host.unlink(`C:\\store\\${name}`);
      }
      await host.rmdir('C:\\store');
      return;
    case 'parentVolumeGone':
      gone.add(parent.slice(0, 1));
      return;
    case 'corruptParent':
      await scribble(host, parent);
      return;
    case 'corruptChild':
      await scribble(host, child);
      return;
    case 'lockParent':
      held.push(await host.open(parent, 'read', { share: 'none' }));
      return;
    case 'lockChild':
      held.push(await host.open(child, 'read', { share: 'none' }));
      return;
    case 'readOnlyChild':
      await host.setReadOnly(child, true);
      return;
  }
}

describe('IVMHardDisk.Parent (put): every code and precedence pair, nothing changed on failure', () => {
  for (const row of rows) {
    it(`${row.name}: ${row.expected}`, async () => {
      const { host } = await family();
      const gone = new Set<string>();
      const com = asCom(new VirtualServer(withVolumes(host, gone)));
      const disk = { value: undefined as ComVMHardDisk | undefined };
      expect(await com.GetHardDisk(FAMILY[row.child], disk)).toBe(HRESULT.S_OK);
      const parent = { value: undefined as ComVMHardDisk | undefined };
      if (row.parent !== null) {
        expect(await com.GetHardDisk(FAMILY[row.parent], parent)).toBe(HRESULT.S_OK);
      }
      const held: HostFile[] = [];
      for (const change of row.changes) await apply(host, row, change, gone, held);
      const before = await host.snapshot();
      const child = disk.value as ComVMHardDisk;
      // The COM face gives the HRESULT; the promise face the VsError and its argument.
      expect(await child.put_Parent(row.parent === null ? null : parent.value)).toBe(
        HRESULT[row.expected],
      );
      const error = await child.disk
        .putParent(row.parent === null ? null : (parent.value as ComVMHardDisk).disk)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isVsError(error) ? error.name : error).toBe(row.expected);
      if (row.argument !== undefined) expect((error as VsError).argument).toBe(row.argument);
      expect(await host.snapshot()).toEqual(before);
      for (const file of held) await file.close();
    });
  }
});

describe('IVMHardDisk.Parent (put) re-links the child', () => {
  for (const [to, relative] of [
    ['moved', '..\\store\\moved.vhd'],
    ['far', undefined],
  ] as const) {
    it(`to ${FAMILY[to]}: the child records it (name, time, W2ku${relative ? ', W2ru' : ' only'}) and reads as before; get_Parent and GetHardDisk find it there`, async () => {
      const { host, vs, clock } = await family();
      const model = (await readThroughChain(host, FAMILY.child)).bytes;
      const footerBefore = (await host.readFile(FAMILY.child)).subarray(-512);
      const child = await vs.getHardDisk(FAMILY.child);
      const parent = await vs.getHardDisk(FAMILY[to]);
      clock.now = new Date('2026-01-05T00:00:00Z');
      await child.putParent(parent);
      // The old parent goes: only the new place remains.
      await host.unlink(FAMILY.parent);
      const recorded = await recordedParent(host, FAMILY.child);
      expect(recorded.uniqueId).toEqual((await readFooter(host, FAMILY[to])).uniqueId);
      const mtime = (await host.stat(FAMILY[to]))?.mtime as Date;
      expect(recorded.timestamp).toBe(vhdTimestamp(mtime));
      expect(recorded.timestamp).not.toBe(vhdTimestamp(new Date('2026-01-01T00:00:00Z')));
      expect(recorded.unicodeName).toBe(FAMILY[to].slice(FAMILY[to].lastIndexOf('\\') + 1));
      expect(recorded.locators).toEqual([
        [0x57326b75, FAMILY[to]],
        ...(relative === undefined ? [] : [[0x57327275, relative]]),
      ]);
      // The footer (the child's identity, its size, its time) is untouched.
      expect((await host.readFile(FAMILY.child)).subarray(-512)).toEqual(footerBefore);
      expect(await opensStrictly(host, FAMILY.child)).toBe(true);
      const read = await readThroughChain(host, FAMILY.child);
      expect(read.parentAt).toBe(FAMILY[to]);
      expect(Buffer.compare(read.bytes, model)).toBe(0);
      expect((await child.getParent())?.file).toBe(FAMILY[to]);
      expect((await vs.getHardDisk(FAMILY.child)).parent).toBe(FAMILY[to]);
      // The file is closed again: it opens with no sharing.
      await (await host.open(FAMILY.child, 'readWrite', { share: 'none' })).close();
    });
  }

  it('on the COM face: S_OK, and put again (to the same place) is S_OK with the file no larger', async () => {
    const { host, vs } = await family();
    const com = asCom(vs);
    const child = { value: undefined as ComVMHardDisk | undefined };
    const parent = { value: undefined as ComVMHardDisk | undefined };
    await com.GetHardDisk(FAMILY.child, child);
    await com.GetHardDisk(FAMILY.moved, parent);
    const c = child.value as ComVMHardDisk;
    expect(await c.put_Parent(parent.value)).toBe(HRESULT.S_OK);
    const size = (await host.stat(FAMILY.child))?.size;
    expect(await c.put_Parent(parent.value)).toBe(HRESULT.S_OK);
    expect(await c.put_Parent(parent.value)).toBe(HRESULT.S_OK);
    expect((await host.stat(FAMILY.child))?.size).toBe(size);
    const out = { value: undefined as ComVMHardDisk | null | undefined };
    expect(await c.get_Parent(out)).toBe(HRESULT.S_OK);
    expect(out.value?.File).toBe(FAMILY.moved);
  });

  it('back to the place it was made with: the child reads as before', async () => {
    const { host, vs } = await family();
    const model = (await readThroughChain(host, FAMILY.child)).bytes;
    const child = await vs.getHardDisk(FAMILY.child);
    await child.putParent(await vs.getHardDisk(FAMILY.moved));
    await child.putParent(await vs.getHardDisk(FAMILY.parent));
    const read = await readThroughChain(host, FAMILY.child);
    expect(read.parentAt).toBe(FAMILY.parent);
    expect(Buffer.compare(read.bytes, model)).toBe(0);
    expect((await recordedParent(host, FAMILY.child)).locators).toEqual([
      [0x57326b75, FAMILY.parent],
      [0x57327275, '..\\base\\parent.vhd'],
    ]);
  });

  it('a disk object that is not one of vs-api: E_INVALIDARG for a File that is no absolute path', async () => {
    const { vs } = await family();
    const child = await vs.getHardDisk(FAMILY.child);
    const fake = { ...(await vs.getHardDisk(FAMILY.moved)), file: 'moved.vhd' };
    await expect(child.putParent(fake)).rejects.toThrow(VsError);
    expect(await child.putParent(fake).catch((e: VsError) => e.name)).toBe('E_INVALIDARG');
  });
});
