/**
 * IVMHardDisk.Compact: one row per documented code (and per way it arises), one per precedence
 * pair (the earlier check of SEMANTICS.md wins), each failing row leaving the host snapshot as
 * it was and the file closed; S_OK rows check the file after (smaller, reading the same).
 */
import { openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { compactableDisk, expectSuccess, sameBytes } from '../../__fixtures__/chains.js';
import { readVirtual, testHost, writeVhd } from '../../__fixtures__/hosts.js';
import {
  damage,
  expectRefusal,
  hold,
  type MethodFaces,
  type Refusal,
  type RefusalWorld,
  readOnly,
  remove,
  shutdown,
} from '../../__fixtures__/refusals.js';
import { encodeHostDriveImage } from '../../host-drive-image.js';
import { VirtualServer } from '../../virtual-server.js';

const MiB = 2 ** 20;
const SIZE = 8 * MiB;
const DYN = 'C:\\d\\dyn.vhd';
const FIXED = 'C:\\d\\fixed.vhd';
const CHILD = 'C:\\d\\child.vhd';
const DRIVE = 'C:\\d\\drive.vhd';

interface World extends RefusalWorld {
  /** What the dynamic disk reads. */
  readonly model: Uint8Array;
}

/**
 * A dynamic disk of four 2 MiB blocks (see `compactableDisk`: two hold data, two were zeroed),
 * a child of it, a fixed disk and a host-drive image beside it.
 */
async function world(capacityBytes = 64 * 2 ** 30): Promise<World> {
  const { host } = testHost({
    volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes }],
  });
  const vs = new VirtualServer(host);
  const model = await compactableDisk(host, DYN, SIZE);
  await writeVhd(host, FIXED, { type: 'fixed', sizeBytes: 4 * MiB });
  const task = await vs.createDifferencingVirtualHardDisk(CHILD, DYN);
  await task.waitForCompletion(-1);
  await host.writeFile(
    DRIVE,
    encodeHostDriveImage({
      hostDriveIdentifier: 'PhysicalDrive1',
      sizeBytes: SIZE,
      readOnly: false,
      uniqueId: host.randomBytes(16),
      created: host.now(),
    }),
  );
  return { host, vs, held: [], model };
}

type Row = Omit<Refusal, 'disk'> & { disk?: string };

const ROWS: Row[] = [
  { name: 'a null out-parameter', nullOut: true, hr: 'E_POINTER' },
  { name: 'shutting down', changes: [shutdown], hr: 'VM_E_APP_SHUTTING_DOWN' },
  { name: 'the file gone', changes: [remove(DYN), remove(CHILD)], hr: 'E_FILE_NOT_FOUND' },
  { name: 'in use', changes: [hold(DYN)], hr: 'E_SHARING_VIOLATION' },
  { name: 'damaged', changes: [damage(DYN)], hr: 'VM_E_INVALID_HD_FILE' },
  { name: 'a fixed disk', disk: FIXED, hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  { name: 'a differencing disk', disk: CHILD, hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  { name: 'a host-drive image', disk: DRIVE, hr: 'VM_E_WRONG_HD_IMAGE_TYPE' },
  { name: 'read-only', changes: [readOnly(DYN)], hr: 'VM_E_FILE_READ_ONLY' },
  // Precedence: the earlier check wins.
  { name: 'null out, shutting down', nullOut: true, changes: [shutdown], hr: 'E_POINTER' },
  {
    name: 'shutting down, the file gone',
    changes: [shutdown, remove(CHILD), remove(DYN)],
    hr: 'VM_E_APP_SHUTTING_DOWN',
  },
  { name: 'in use and damaged', changes: [damage(DYN), hold(DYN)], hr: 'E_SHARING_VIOLATION' },
  {
    name: 'in use and read-only',
    changes: [readOnly(DYN), hold(DYN)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'a fixed disk in use',
    disk: FIXED,
    changes: [hold(FIXED)],
    hr: 'E_SHARING_VIOLATION',
  },
  {
    name: 'damaged and read-only',
    changes: [damage(DYN), readOnly(DYN)],
    hr: 'VM_E_INVALID_HD_FILE',
  },
  {
    name: 'a read-only fixed disk',
    disk: FIXED,
    changes: [readOnly(FIXED)],
    hr: 'VM_E_WRONG_HD_IMAGE_TYPE',
  },
];

const COMPACT: MethodFaces = {
  com: (disk, out) => disk.Compact(out),
  promise: (disk) => disk.compact(),
};

describe('IVMHardDisk.Compact refuses, changing nothing', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.hr}`, async () => {
      const path = row.disk ?? DYN;
      await expectRefusal(await world(), { ...row, disk: path }, COMPACT, [path]);
    });
  }
});

describe('IVMHardDisk.Compact gives back the blocks that hold nothing', () => {
  it('drops the zeroed blocks and moves the rest down: smaller, reading the same', async () => {
    const w = await world();
    const sizeBefore = (await w.host.stat(DYN))?.size as number;
    const task = await (await w.vs.getHardDisk(DYN)).compact();
    expect(task.description).toBe(`Compact virtual hard disk ${DYN}`);
    await expectSuccess(task);
    const image = await openImage(await w.host.open(DYN, 'read'), { strict: true });
    expect(image.allocatedBlockCount).toBe(2);
    await image.close();
    const block = 2 * MiB + 512;
    expect((await w.host.stat(DYN))?.size).toBe(sizeBefore - 2 * block);
    expect(sameBytes(await readVirtual(w.host, DYN, 0, SIZE), w.model)).toBe(true);
    // Its child still reads through it.
    expect(sameBytes(await readVirtual(w.host, CHILD, 0, SIZE), w.model)).toBe(true);
  });

  it('needs no free space: it works in place on a full volume', async () => {
    const w = await world(256 * MiB);
    const free = w.host.volumeInfo('C')?.freeBytes as number;
    await w.host.writeFile('C:\\filler.bin', new Uint8Array(free));
    expect(w.host.volumeInfo('C')?.freeBytes).toBe(0);
    await expectSuccess(await (await w.vs.getHardDisk(DYN)).compact());
    // The two blocks' space, in whole clusters.
    expect(w.host.volumeInfo('C')?.freeBytes).toBeGreaterThanOrEqual(2 * (2 * MiB + 512));
    expect(sameBytes(await readVirtual(w.host, DYN, 0, SIZE), w.model)).toBe(true);
  });
});
