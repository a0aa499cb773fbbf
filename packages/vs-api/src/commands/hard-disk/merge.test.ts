/**
 * IVMHardDisk.Merge: one row per documented code (and per way it arises), one per precedence
 * pair (the earlier check of SEMANTICS.md wins), each failing row leaving the host snapshot as
 * it was and every file closed; S_OK rows check the files after (the parent alone reads as the
 * chain did, the child is empty and records the parent's new time).
 */
import { openImage, vhdTimestamp } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  expectParentChangedOnlyAtMerged,
  expectSuccess,
  type MergeChain,
  mergeChain,
  sameBytes,
} from '../../__fixtures__/chains.js';
import { readVirtual, testHost, writeVhd } from '../../__fixtures__/hosts.js';
import {
  type Change,
  damage,
  expectRefusal,
  hold,
  type MethodFaces,
  type Refusal,
  type RefusalWorld,
  readOnly,
  remove,
  savedState,
  shutdown,
} from '../../__fixtures__/refusals.js';
import { encodeHostDriveImage } from '../../host-drive-image.js';
import { VirtualServer } from '../../virtual-server.js';

const MiB = 2 ** 20;
const SIZE = 8 * MiB;
const CHILD = 'C:\\vms\\child.vhd';
const PARENT = 'C:\\base\\parent.vhd';
const OTHER = 'C:\\d\\other.vhd';

interface World extends RefusalWorld {
  readonly chain: MergeChain;
}

async function world(parentType: 'dynamic' | 'fixed' = 'dynamic'): Promise<World> {
  const { host, clock } = testHost();
  const vs = new VirtualServer(host);
  const chain = await mergeChain(host, vs, {
    parentType,
    size: SIZE,
    parentWrites: [
      [0, 3 * MiB, 7],
      [5 * MiB + 512, 4096, 9],
    ],
    childWrites: [
      [1000, 3000, 40],
      [2 * MiB - 512, 1024 + 2 * MiB, 50],
      [6 * MiB, 512, 60],
      [7 * MiB + 100, 10, 70],
    ],
  });
  await writeVhd(host, OTHER, { type: 'dynamic', sizeBytes: SIZE });
  clock.now = new Date('2026-02-01T00:00:00Z');
  return { host, vs, chain, held: [] };
}

/** The parent's path holds another disk of the same size: another UUID. */
const replaceParent: Change = async (w) => {
  await w.host.unlink(PARENT);
  await w.host.rename(OTHER, PARENT);
};

type Row = Omit<Refusal, 'disk'> & { disk?: string };

const ROWS: Row[] = [
  { name: 'a null out-parameter', nullOut: true, hr: 'E_POINTER' },
  { name: 'shutting down', changes: [shutdown], hr: 'VM_E_APP_SHUTTING_DOWN' },
  { name: 'the disk file gone', changes: [remove(CHILD)], hr: 'E_FILE_NOT_FOUND' },
  { name: 'the disk in use', changes: [hold(CHILD)], hr: 'E_SHARING_VIOLATION' },
  { name: 'the disk damaged', changes: [damage(CHILD)], hr: 'VM_E_INVALID_HD_FILE' },
  { name: 'a dynamic disk', disk: PARENT, hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  { name: 'a fixed disk', disk: 'C:\\d\\fixed.vhd', hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  { name: 'a host-drive image', disk: 'C:\\d\\drive.vhd', hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  {
    name: 'the disk in a saved state',
    changes: [savedState(CHILD)],
    hr: 'E_SHARING_VIOLATION',
    argument: 'disk',
  },
  {
    name: 'the disk read-only',
    changes: [readOnly(CHILD)],
    hr: 'VM_E_FILE_READ_ONLY',
    argument: 'disk',
  },
  { name: 'the parent gone', changes: [remove(PARENT)], hr: 'VM_E_PARENT_PATH_NOT_FOUND' },
  {
    name: 'the parent in use',
    changes: [hold(PARENT)],
    hr: 'E_SHARING_VIOLATION',
    argument: 'parent',
  },
  { name: 'the parent damaged', changes: [damage(PARENT)], hr: 'VM_E_INVALID_HD_FILE' },
  {
    name: 'another disk at the parent path',
    changes: [replaceParent],
    hr: 'VM_E_PARENT_CHILD_ID_MISMATCH',
  },
  {
    name: 'the parent in a saved state',
    changes: [savedState(PARENT)],
    hr: 'E_SHARING_VIOLATION',
    argument: 'parent',
  },
  {
    name: 'the parent read-only',
    changes: [readOnly(PARENT)],
    hr: 'VM_E_FILE_READ_ONLY',
    argument: 'parent',
  },
  // Precedence: the earlier check wins.
  { name: 'null out, shutting down', nullOut: true, changes: [shutdown], hr: 'E_POINTER' },
  {
    name: 'shutting down, the disk gone',
    changes: [shutdown, remove(CHILD)],
    hr: 'VM_E_APP_SHUTTING_DOWN',
  },
  {
    name: 'the disk in use and damaged',
    changes: [damage(CHILD), hold(CHILD)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'the disk in use and read-only',
    changes: [readOnly(CHILD), hold(CHILD)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'a dynamic disk in use',
    disk: PARENT,
    changes: [hold(PARENT)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'the disk damaged and read-only',
    changes: [damage(CHILD), readOnly(CHILD)],
    hr: 'VM_E_INVALID_HD_FILE',
  },
  {
    name: 'a read-only dynamic disk',
    disk: PARENT,
    changes: [readOnly(PARENT)],
    hr: 'VM_E_WRONG_HD_IMAGE_TYPE',
  },
  {
    name: 'the disk in a saved state and read-only',
    changes: [savedState(CHILD), readOnly(CHILD)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'the disk read-only, the parent gone',
    changes: [readOnly(CHILD), remove(PARENT)],
    hr: 'VM_E_FILE_READ_ONLY',
  },
  {
    name: 'the disk and the parent read-only',
    changes: [readOnly(CHILD), readOnly(PARENT)],
    hr: 'VM_E_FILE_READ_ONLY',
    argument: 'disk',
  },
  {
    name: 'the disk in use, the parent gone',
    changes: [remove(PARENT), hold(CHILD)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'the parent in use and read-only',
    changes: [readOnly(PARENT), hold(PARENT)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'the parent damaged and read-only',
    changes: [damage(PARENT), readOnly(PARENT)],
    hr: 'VM_E_INVALID_HD_FILE',
  },
  {
    name: 'another read-only disk at the parent path',
    changes: [replaceParent, readOnly(PARENT)],
    hr: 'VM_E_PARENT_CHILD_ID_MISMATCH',
  },
  {
    name: 'the parent in a saved state and read-only',
    changes: [savedState(PARENT), readOnly(PARENT)],
    hr: 'E_SHARING_VIOLATION',
  },
];

const MERGE: MethodFaces = {
  com: (disk, out) => disk.Merge(out),
  promise: (disk) => disk.merge(),
};

describe('IVMHardDisk.Merge refuses, changing nothing', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.hr}`, async () => {
      const w = await world();
      await writeVhd(w.host, 'C:\\d\\fixed.vhd', { type: 'fixed', sizeBytes: 4 * MiB });
      await w.host.writeFile(
        'C:\\d\\drive.vhd',
        encodeHostDriveImage({
          hostDriveIdentifier: 'PhysicalDrive1',
          sizeBytes: SIZE,
          readOnly: false,
          uniqueId: w.host.randomBytes(16),
          created: w.host.now(),
        }),
      );
      await expectRefusal(w, { ...row, disk: row.disk ?? CHILD }, MERGE, [CHILD, PARENT]);
    });
  }
});

describe('IVMHardDisk.Merge writes the disk into its parent', () => {
  for (const parentType of ['dynamic', 'fixed'] as const) {
    it(`into a ${parentType} parent: the parent alone reads as the chain did, the child is emptied and kept`, async () => {
      const w = await world(parentType);
      const disk = await w.vs.getHardDisk(CHILD);
      const task = await disk.merge();
      expect(task.description).toBe(`Merge virtual hard disk ${CHILD}`);
      await expectSuccess(task);
      expect(sameBytes(await readVirtual(w.host, PARENT, 0, SIZE), w.chain.model)).toBe(true);
      expect(sameBytes(await readVirtual(w.host, CHILD, 0, SIZE), w.chain.model)).toBe(true);
      await expectParentChangedOnlyAtMerged(w.host, w.chain, 'merged');
      const child = await openImage(await w.host.open(CHILD, 'read'), { strict: true });
      expect(child.allocatedBlockCount).toBe(0);
      const parentStat = await w.host.stat(PARENT);
      expect(child.parent?.timestamp).toBe(vhdTimestamp(parentStat?.mtime as Date));
      await child.close();
      // The child is still a disk of the server, its chain whole: GetHardDisk reads it.
      const again = await w.vs.getHardDisk(CHILD);
      expect(again.parent).toBe(PARENT);
      // A second merge moves nothing and changes nothing the chain reads.
      await expectSuccess(await again.merge());
      expect(sameBytes(await readVirtual(w.host, PARENT, 0, SIZE), w.chain.model)).toBe(true);
    });
  }
});
