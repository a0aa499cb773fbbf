/**
 * IVMHardDisk.MergeTo and IVMHardDisk.Convert: one row per documented code (and per way a
 * condition can arise), then one row per precedence pair: for two conditions that can hold at
 * once, the earlier check's code wins. Every failing row checks that no volume changed; the S_OK
 * rows check the new image against the chain it flattens, and that no source file changed.
 */
import type { EmulatedHost } from '@vskit/emulator';
import type { HostFile } from '@vskit/host';
import { createDynamic } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  counting,
  readFooter,
  readVirtual,
  type TestHostOptions,
  testHost,
  writeThrough,
  writeVhd,
} from '../../__fixtures__/hosts.js';
import {
  type Condition as PrecedenceCondition,
  type Variant as PrecedenceVariant,
  precedenceCases,
  uncoveredPairs,
} from '../../__fixtures__/precedence.js';
import { asCom, type ComVMHardDisk, type ComVMTask, type OutParam } from '../../com.js';
import type { VsError } from '../../errors.js';
import { encodeHostDriveImage } from '../../host-drive-image.js';
import { HRESULT, hresultName, VMTaskResult } from '../../hresult.js';
import type { VMTask } from '../../task.js';
import { VirtualServer } from '../../virtual-server.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const SIZE = 3 * GiB;
const DISKS = {
  parent: 'C:\\base\\parent.vhd',
  child: 'C:\\vms\\child.vhd',
  dyn: 'C:\\d\\dyn.vhd',
  fixed: 'C:\\d\\fixed.vhd',
  link: 'C:\\hd\\link.vhd',
} as const;
type DiskName = Exclude<keyof typeof DISKS, 'parent'>;
const TARGET = 'D:\\out\\new.vhd';
const LONG = 'x'.repeat(260);
type Member = 'MergeTo' | 'Convert';

/** Data the chain holds: the parent's, then the child's over part of it. */
const PARENT_DATA = [
  { offset: 0, bytes: counting(4096, 5) },
  { offset: 2 * GiB + 3 * MiB, bytes: counting(70_000, 9) },
];
const CHILD_DATA = [
  { offset: 1024, bytes: counting(1024, 77) },
  { offset: SIZE - 512, bytes: counting(512, 200) },
];

/** What a row sets up. */
interface Scenario {
  member: Member;
  disk: DiskName;
  path: unknown;
  type: unknown;
  outNull: boolean;
  shutdown: boolean;
  /** What happens to the disk's own file after GetHardDisk. */
  top: 'ok' | 'deleted' | 'folder';
  /** Whether the disk's own file is held open with no sharing (in use). */
  topLocked: boolean;
  /** Whether the host fails every open of the disk's own file (EIO). */
  unreadable: boolean;
  /** Whether the disk's own file is damaged (after GetHardDisk). */
  topDamaged: boolean;
  /** What happens to the parent's file after GetHardDisk. */
  parent: 'ok' | 'deleted' | 'replaced';
  /** Whether the parent's file is held open with no sharing (in use). */
  parentLocked: boolean;
  /** Whether the parent's file is damaged (after GetHardDisk). */
  parentDamaged: boolean;
  targetDrive: boolean;
  targetFileSystem: 'NTFS' | 'FAT16';
  targetFreeBytes: number | undefined;
  atTarget: 'nothing' | 'file' | 'folder';
  outIsFile: boolean;
}

const base = (member: Member): Scenario => ({
  member,
  disk: 'child',
  path: TARGET,
  type: 0,
  outNull: false,
  shutdown: false,
  top: 'ok',
  topLocked: false,
  unreadable: false,
  topDamaged: false,
  parent: 'ok',
  parentLocked: false,
  parentDamaged: false,
  targetDrive: true,
  targetFileSystem: 'NTFS',
  targetFreeBytes: undefined,
  atTarget: 'nothing',
  outIsFile: false,
});

type Aspect =
  | 'out'
  | 'shutdown'
  | 'pathText'
  | 'typeArg'
  | 'disk'
  | 'pathName'
  | 'top'
  | 'topThere'
  | 'topLock'
  | 'topOpen'
  | 'topDamage'
  | 'parent'
  | 'parentThere'
  | 'parentLock'
  | 'parentDamage'
  | 'targetDrive'
  | 'targetFs'
  | 'targetFree'
  | 'targetLocation';

/** One way a condition can hold; `only` limits it to one member. */
interface Variant extends PrecedenceVariant<Aspect, Scenario> {
  readonly only?: Member;
}
type Condition = PrecedenceCondition<Variant>;

const editName = (s: Scenario, edit: (name: string) => string): Scenario => {
  if (typeof s.path !== 'string') return s;
  const cut = s.path.lastIndexOf('\\') + 1;
  return { ...s, path: s.path.slice(0, cut) + edit(s.path.slice(cut)) };
};
const editText = (s: Scenario, edit: (text: string) => string): Scenario =>
  typeof s.path === 'string' ? { ...s, path: edit(s.path) } : s;

/** The conditions in SEMANTICS.md's order (checks 1-13). */
const CONDITIONS: Condition[] = [
  {
    check: 1,
    code: 'E_POINTER',
    variants: [
      {
        name: 'the task out-parameter is null',
        sets: ['out'],
        apply: (s) => ({ ...s, outNull: true }),
      },
      {
        name: 'the path is null',
        sets: ['pathText', 'pathName'],
        apply: (s) => ({ ...s, path: null }),
      },
    ],
  },
  {
    check: 1,
    code: 'E_INVALIDARG',
    variants: [
      {
        name: 'the path is not a string',
        sets: ['pathText', 'pathName'],
        apply: (s) => ({ ...s, path: 7 }),
      },
      {
        name: 'the path is empty',
        only: 'MergeTo',
        sets: ['pathText', 'pathName'],
        apply: (s) => ({ ...s, path: '' }),
      },
    ],
  },
  {
    check: 2,
    code: 'VM_E_APP_SHUTTING_DOWN',
    variants: [
      { name: 'shutdown has begun', sets: ['shutdown'], apply: (s) => ({ ...s, shutdown: true }) },
    ],
  },
  {
    check: 3,
    code: 'E_INVALID_NAME',
    variants: [
      ...'?*|"/'.split('').map(
        (c): Variant => ({
          name: `the path holds ${JSON.stringify(c)}`,
          edits: ['pathText', 'pathName'],
          apply: (s) => editName(s, (n) => `a${c}${n}`),
        }),
      ),
    ],
  },
  {
    check: 4,
    code: 'E_BAD_PATHNAME',
    variants: [
      {
        name: 'the path is relative (never resolved against the disk folder)',
        edits: ['pathText', 'pathName'],
        apply: (s) => editText(s, (t) => t.replace(/^[A-Z]:\\/, '')),
      },
      {
        name: 'the path is rooted without a drive',
        edits: ['pathText', 'pathName'],
        apply: (s) => editText(s, (t) => t.replace(/^[A-Z]:/, '')),
      },
      {
        name: 'the path is empty',
        only: 'Convert',
        sets: ['pathText', 'pathName'],
        apply: (s) => ({ ...s, path: '' }),
      },
    ],
  },
  {
    check: 5,
    code: 'E_BUFFER_OVERFLOW',
    variants: [
      {
        name: 'the path given is 260+ characters (resolving to the same file)',
        edits: ['pathText'],
        apply: (s) => editName(s, (n) => `${LONG}\\..\\${n}`),
      },
    ],
  },
  {
    check: 6,
    code: 'VM_E_WRONG_HD_IMAGE_TYPE',
    variants: [
      {
        name: 'the type asked for is Differencing (2)',
        sets: ['typeArg'],
        apply: (s) => ({ ...s, type: 2 }),
      },
      {
        name: 'the type asked for is HostDrive (4)',
        sets: ['typeArg'],
        apply: (s) => ({ ...s, type: 4 }),
      },
      {
        name: "the type asked for is the string '0'",
        sets: ['typeArg'],
        apply: (s) => ({ ...s, type: '0' }),
      },
    ],
  },
  {
    check: 7,
    code: 'E_FILE_NOT_FOUND',
    variants: [
      {
        name: "the disk's file was deleted",
        sets: ['top', 'topThere'],
        apply: (s) => ({ ...s, top: 'deleted' }),
      },
      {
        name: "a folder is at the disk's path now",
        sets: ['top', 'topThere'],
        apply: (s) => ({ ...s, top: 'folder' }),
      },
    ],
  },
  {
    check: 8,
    code: 'E_SHARING_VIOLATION',
    variants: [
      {
        name: 'the disk is held open with no sharing (in use)',
        sets: ['topLock'],
        needs: ['topThere', 'topOpen'],
        apply: (s) => ({ ...s, topLocked: true }),
      },
    ],
  },
  {
    check: 8,
    code: 'VM_E_HD_IMAGE_OPEN_FAIL',
    variants: [
      {
        name: 'the host cannot open the disk',
        sets: ['topOpen'],
        apply: (s) => ({ ...s, unreadable: true }),
      },
    ],
  },
  {
    check: 8,
    code: 'VM_E_INVALID_HD_FILE',
    variants: [
      {
        name: "the disk's trailing footer checksum is wrong",
        sets: ['topDamage'],
        needs: ['topThere'],
        apply: (s) => ({ ...s, topDamaged: true }),
      },
    ],
  },
  {
    check: 8,
    code: 'VM_E_WRONG_HD_IMAGE_TYPE',
    variants: [
      {
        name: 'the disk is a host-drive image',
        sets: ['disk'],
        apply: (s) => ({ ...s, disk: 'link' }),
      },
      {
        name: 'the disk is dynamic, not differencing',
        only: 'MergeTo',
        sets: ['disk'],
        apply: (s) => ({ ...s, disk: 'dyn' }),
      },
      {
        name: 'the disk is fixed, not differencing',
        only: 'MergeTo',
        sets: ['disk'],
        apply: (s) => ({ ...s, disk: 'fixed' }),
      },
    ],
  },
  {
    check: 9,
    code: 'VM_E_PARENT_PATH_NOT_FOUND',
    variants: [
      {
        name: 'the parent was deleted',
        sets: ['parent', 'parentThere'],
        needs: ['disk'],
        apply: (s) => ({ ...s, parent: 'deleted' }),
      },
    ],
  },
  {
    check: 9,
    code: 'E_SHARING_VIOLATION',
    variants: [
      {
        name: 'the parent is held open with no sharing (in use)',
        sets: ['parentLock'],
        needs: ['disk', 'parentThere'],
        apply: (s) => ({ ...s, parentLocked: true }),
      },
    ],
  },
  {
    check: 9,
    code: 'VM_E_INVALID_HD_FILE',
    variants: [
      {
        name: "the parent's trailing footer checksum is wrong",
        sets: ['parentDamage'],
        needs: ['disk', 'parentThere'],
        apply: (s) => ({ ...s, parentDamaged: true }),
      },
    ],
  },
  {
    check: 9,
    code: 'VM_E_PARENT_CHILD_ID_MISMATCH',
    variants: [
      {
        name: 'another disk took the parent’s name',
        sets: ['parent'],
        needs: ['disk'],
        apply: (s) => ({ ...s, parent: 'replaced' }),
      },
    ],
  },
  {
    check: 10,
    code: 'E_PATH_NOT_FOUND',
    variants: [
      {
        name: "the new image's drive has no volume",
        sets: ['targetDrive', 'targetFs', 'targetFree', 'targetLocation'],
        apply: (s) => ({ ...s, targetDrive: false }),
      },
      {
        name: "a component of the new image's folder is a file",
        sets: ['targetLocation'],
        apply: (s) => ({ ...s, outIsFile: true }),
      },
    ],
  },
  {
    check: 11,
    code: 'E_ALREADY_EXISTS',
    variants: [
      {
        name: 'a file is at the path',
        sets: ['targetLocation'],
        needs: ['pathName', 'targetDrive'],
        apply: (s) => ({ ...s, atTarget: 'file' }),
      },
      {
        name: 'a folder is at the path',
        sets: ['targetLocation'],
        needs: ['pathName', 'targetDrive'],
        apply: (s) => ({ ...s, atTarget: 'folder' }),
      },
      {
        name: "the path names the disk's own file (case differs)",
        sets: ['pathText', 'pathName', 'targetLocation', 'targetDrive', 'targetFs', 'targetFree'],
        needs: ['disk', 'topThere'],
        apply: (s) => ({ ...s, path: DISKS[s.disk].toUpperCase() }),
      },
    ],
  },
  {
    check: 12,
    code: 'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    variants: [
      {
        name: 'the 3 GiB disk, as a dynamic image fully expanded, does not fit FAT16',
        sets: ['targetFs'],
        needs: ['targetDrive'],
        apply: (s) => ({ ...s, targetFileSystem: 'FAT16' }),
      },
    ],
  },
  {
    check: 13,
    code: 'E_DISK_FULL',
    variants: [
      {
        name: '8 MB - 1 byte free on the new image volume',
        sets: ['targetFree'],
        needs: ['targetDrive'],
        apply: (s) => ({ ...s, targetFreeBytes: 8 * MiB - 1 }),
      },
    ],
  },
];

/** The world every row starts from: the disks on C:, the new image's volume D:. */
async function arrange(s: Scenario) {
  const volumes: Array<NonNullable<TestHostOptions['volumes']>[number]> = [
    { drive: 'C', fileSystem: 'NTFS', capacityBytes: 64 * GiB },
  ];
  if (s.targetDrive) {
    volumes.push({
      drive: 'D',
      fileSystem: s.targetFileSystem,
      capacityBytes: s.targetFileSystem === 'FAT16' ? 2 * GiB : 64 * GiB,
      ...(s.targetFreeBytes === undefined ? {} : { freeBytes: s.targetFreeBytes }),
    });
  }
  const { host } = testHost({ volumes });
  const vs = new VirtualServer(host);
  await writeVhd(host, DISKS.parent, { type: 'dynamic', sizeBytes: SIZE });
  await writeThrough(host, DISKS.parent, PARENT_DATA);
  const task = await vs.createDifferencingVirtualHardDisk(DISKS.child, DISKS.parent);
  await task.waitForCompletion(-1);
  await writeThrough(host, DISKS.child, CHILD_DATA);
  await writeVhd(host, DISKS.dyn, { type: 'dynamic', sizeBytes: SIZE });
  await writeVhd(host, DISKS.fixed, { type: 'fixed', sizeBytes: SIZE });
  await host.mkdir('C:\\hd');
  await host.writeFile(
    DISKS.link,
    encodeHostDriveImage({
      hostDriveIdentifier: 'PhysicalDrive1',
      sizeBytes: 8 * GiB,
      readOnly: false,
      uniqueId: host.randomBytes(16),
      created: host.now(),
    }),
  );
  if (s.targetDrive) {
    if (s.outIsFile) await host.writeFile('D:\\out', counting(10));
    else if (s.atTarget !== 'nothing') {
      await host.mkdir('D:\\out');
      if (s.atTarget === 'file') await host.writeFile(TARGET, counting(10));
      else await host.mkdir(TARGET);
    }
  }
  const out: OutParam<ComVMHardDisk> = { value: undefined };
  expect(hresultName(await asCom(vs).GetHardDisk(DISKS[s.disk], out))).toBe('S_OK');
  const disk = out.value as ComVMHardDisk;
  const held: HostFile[] = [];
  await changeFile(host, DISKS[s.disk], s.topDamaged, s.topLocked, held);
  if (s.top === 'deleted' || s.top === 'folder') await host.unlink(DISKS[s.disk]);
  if (s.top === 'folder') await host.mkdir(DISKS[s.disk]);
  if (s.unreadable) host.faults.failPath('open', DISKS[s.disk], 'EIO');
  if (s.parent === 'deleted') await host.unlink(DISKS.parent);
  if (s.parent === 'replaced') {
    await host.unlink(DISKS.parent);
    const file = await host.open(DISKS.parent, 'createNew');
    await createDynamic(file, { sizeBytes: SIZE, exactSize: true, uniqueId: host.randomBytes(16) });
    await file.close();
  }
  await changeFile(host, DISKS.parent, s.parentDamaged, s.parentLocked, held);
  if (s.shutdown) host.beginShutdown();
  return { host, disk, held };
}

/** Flips a bit of the checksum of the footer at the file's end (a host-drive image's name). */
async function damage(host: EmulatedHost, path: string): Promise<void> {
  const file = await host.open(path, 'readWrite');
  const at = (await file.size()) - 512 + 67;
  const byte = new Uint8Array(1);
  await file.read(byte, at);
  byte[0] = (byte[0] ?? 0) ^ 0x01;
  await file.write(byte, at);
  await file.close();
}

/** Damages the file at `path` and then holds it open with no sharing, as asked. */
async function changeFile(
  host: EmulatedHost,
  path: string,
  damaged: boolean,
  locked: boolean,
  held: HostFile[],
): Promise<void> {
  if (damaged) await damage(host, path);
  if (locked) held.push(await host.open(path, 'read', { share: 'none' }));
}

/** Runs a scenario through the COM face: the HRESULT and, on S_OK, the completed task. */
async function run(s: Scenario, options: { cancel?: boolean } = {}) {
  const { host, disk, held } = await arrange(s);
  const before = await host.snapshot();
  const out: OutParam<ComVMTask> | null = s.outNull ? null : { value: undefined };
  const call = s.member === 'MergeTo' ? disk.MergeTo : disk.Convert;
  const hr = await call(s.path as string, s.type as 0, out);
  if (hr === HRESULT.S_OK && options.cancel) await out?.value?.Cancel();
  if (hr === HRESULT.S_OK) await out?.value?.WaitForCompletion(-1);
  const after = await host.snapshot();
  for (const handle of held) await handle.close();
  return { hr, host, before, after, task: out?.value };
}

const variantsOf = (c: Condition, member: Member): Variant[] =>
  c.variants.filter((v) => v.only === undefined || v.only === member);

/**
 * Pairs of conditions that cannot hold at once, with why. Every other pair of conditions with
 * different codes has a row in the precedence table.
 */
/** Pairs that cannot hold at once for either member, with why. */
const NEVER_TOGETHER: Record<string, string> = {
  '1 E_INVALIDARG/3 E_INVALID_NAME': 'a path that is not a string (or empty) has no characters',
  '1 E_INVALIDARG/4 E_BAD_PATHNAME': 'a path that is not a string (or empty) is not relative',
  '1 E_INVALIDARG/5 E_BUFFER_OVERFLOW': 'a path that is not a string (or empty) has no length',
  '1 E_INVALIDARG/11 E_ALREADY_EXISTS': 'a path that is not a string (or empty) names no file',
  '3 E_INVALID_NAME/11 E_ALREADY_EXISTS': 'no file can be at a path holding an invalid character',
  '4 E_BAD_PATHNAME/11 E_ALREADY_EXISTS': 'a relative path, never resolved, names no file',
  '7 E_FILE_NOT_FOUND/8 E_SHARING_VIOLATION': 'a disk whose file is gone is not in use',
  '7 E_FILE_NOT_FOUND/8 VM_E_INVALID_HD_FILE': 'a disk whose file is gone has no bytes to damage',
  '8 E_SHARING_VIOLATION/8 VM_E_HD_IMAGE_OPEN_FAIL':
    'both are the one open of the disk failing, in one way or the other',
  '9 VM_E_PARENT_PATH_NOT_FOUND/9 E_SHARING_VIOLATION': 'a parent that is gone is not in use',
  '9 VM_E_PARENT_PATH_NOT_FOUND/9 VM_E_INVALID_HD_FILE':
    'a parent that is gone has no bytes to damage',
  '9 VM_E_PARENT_PATH_NOT_FOUND/9 VM_E_PARENT_CHILD_ID_MISMATCH':
    'a parent that is gone is not another disk',
  '10 E_PATH_NOT_FOUND/11 E_ALREADY_EXISTS':
    'nothing is at a path whose volume is missing or whose folder is a file',
};

/** A disk of the wrong type (MergeTo: not differencing; both: a host-drive image) has no parent. */
const NO_PARENT = Object.fromEntries(
  [
    '9 VM_E_PARENT_PATH_NOT_FOUND',
    '9 E_SHARING_VIOLATION',
    '9 VM_E_INVALID_HD_FILE',
    '9 VM_E_PARENT_CHILD_ID_MISMATCH',
  ].map((later) => [
    `8 VM_E_WRONG_HD_IMAGE_TYPE/${later}`,
    'a disk of the wrong type has no parent',
  ]),
);

/**
 * Pairs of conditions that cannot hold at once, with why. Every other pair of conditions with
 * different codes has a row in the precedence table.
 */
const CANNOT_HOLD_TOGETHER: Record<string, string> = { ...NEVER_TOGETHER, ...NO_PARENT };

const keyOf = (c: Condition) => `${c.check} ${c.code}`;

for (const member of ['MergeTo', 'Convert'] as const) {
  describe(`IVMHardDisk.${member} return codes (one row per condition); nothing changes`, () => {
    for (const condition of CONDITIONS) {
      for (const variant of variantsOf(condition, member)) {
        it(`${condition.check}. ${condition.code}: ${variant.name}`, async () => {
          const { hr, before, after } = await run(variant.apply(base(member)));
          expect(hresultName(hr)).toBe(condition.code);
          expect(after).toEqual(before);
        });
      }
    }
  });

  describe(`IVMHardDisk.${member} precedence coverage`, () => {
    it('every pair of conditions is covered, except the pairs that cannot hold at once', () => {
      const uncovered = uncoveredPairs(CONDITIONS, keyOf, (c) => variantsOf(c, member));
      expect(uncovered).toEqual(Object.keys(CANNOT_HOLD_TOGETHER).sort());
    });
  });

  describe(`IVMHardDisk.${member} precedence (the earlier check wins)`, () => {
    for (const { earlier, ev, later, lv } of precedenceCases(CONDITIONS, (c) =>
      variantsOf(c, member),
    )) {
      it(`${keyOf(earlier)} (${ev.name}) before ${keyOf(later)} (${lv.name})`, async () => {
        const { hr, before, after } = await run(ev.apply(lv.apply(base(member))));
        expect(hresultName(hr)).toBe(earlier.code);
        expect(after).toEqual(before);
      });
    }
  });
}

/** The source volume C: of a snapshot: every source file, with its digest. */
const sources = (snapshot: Awaited<ReturnType<EmulatedHost['snapshot']>>) =>
  snapshot.volumes.find((v) => v.drive === 'C');

/** Offsets and lengths where the flattened chain holds data, and ranges around them. */
const PROBES = [
  ...[...PARENT_DATA, ...CHILD_DATA].map((d) => ({ offset: d.offset, length: d.bytes.length })),
  { offset: 0, length: 64 * 1024 },
  { offset: 2 * GiB + 2 * MiB, length: 3 * MiB },
  { offset: SIZE - 4 * MiB, length: 4 * MiB },
  { offset: GiB, length: MiB },
];

/** Checks that the new image reads exactly as `source` does at every probe. */
async function expectSameBytes(host: EmulatedHost, image: string, source: string): Promise<void> {
  for (const p of PROBES) {
    const got = await readVirtual(host, image, p.offset, p.length);
    const want = await readVirtual(host, source, p.offset, p.length);
    expect(Buffer.compare(got, want), `${p.length} bytes at ${p.offset}`).toBe(0);
  }
}

describe('S_OK: the new image holds the flattened chain; no source file changes', () => {
  const cases: Array<{ member: Member; disk: DiskName; type: 0 | 1 }> = [
    { member: 'MergeTo', disk: 'child', type: 0 },
    { member: 'MergeTo', disk: 'child', type: 1 },
    { member: 'Convert', disk: 'child', type: 0 },
    { member: 'Convert', disk: 'child', type: 1 },
    { member: 'Convert', disk: 'dyn', type: 1 },
    { member: 'Convert', disk: 'dyn', type: 0 },
  ];
  for (const c of cases) {
    it(`${c.member} of the ${c.disk} disk to ${c.type === 0 ? 'Dynamic' : 'FixedSize'}`, async () => {
      const { hr, host, before, after, task } = await run({
        ...base(c.member),
        disk: c.disk,
        type: c.type,
      });
      expect(hresultName(hr)).toBe('S_OK');
      expect(task?.Result).toBe(VMTaskResult.Success);
      expect(task?.PercentCompleted).toBe(100);
      expect(sources(after)).toEqual(sources(before));
      const bytes = await host.stat(TARGET);
      const footer = await readFooter(host, TARGET);
      expect(footer.diskType).toBe(c.type === 0 ? 3 : 2);
      expect(footer.currentSize).toBe(SIZE);
      expect(footer.creatorApplication).toBe('vs  ');
      expect(footer.geometry).toEqual((await readFooter(host, DISKS[c.disk])).geometry);
      if (c.type === 1) expect(bytes?.size).toBe(SIZE + 512);
      // A dynamic image stores only the 2 MiB blocks holding data (3 of the child's chain).
      const blocks = c.disk === 'child' ? 3 : 0;
      if (c.type === 0)
        expect(bytes?.size).toBe(512 + 1024 + 6144 + blocks * (2 * MiB + 512) + 512);
      await expectSameBytes(host, TARGET, DISKS[c.disk]);
      // Nothing but the new image appeared.
      const added = after.volumes
        .flatMap((v) => v.entries.map((e) => e.path))
        .filter((p) => !before.volumes.some((v) => v.entries.some((e) => e.path === p)));
      expect(added).toEqual(['D:\\out', TARGET]);
    });
  }

  it('Convert of a fixed disk holding data to Dynamic, and of that image back to FixedSize', async () => {
    const { host } = testHost();
    const patterns = [
      { offset: 512, bytes: counting(4096, 3) },
      { offset: 9 * MiB - 100, bytes: counting(300, 8) },
    ];
    await writeVhd(host, 'C:\\f.vhd', { type: 'fixed', sizeBytes: 16 * MiB, patterns });
    const vs = new VirtualServer(host);
    const before = await host.snapshot();
    const fixed = await vs.getHardDisk('C:\\f.vhd');
    const toDynamic = await fixed.convert('D:\\f-dyn.vhd', 0);
    await toDynamic.waitForCompletion(-1);
    expect(toDynamic.result).toBe(VMTaskResult.Success);
    const back = await (await vs.getHardDisk('D:\\f-dyn.vhd')).convert('D:\\f-fix.vhd', 1);
    await back.waitForCompletion(-1);
    expect(back.result).toBe(VMTaskResult.Success);
    expect(sources(await host.snapshot())).toEqual(sources(before));
    const whole = await readVirtual(host, 'C:\\f.vhd', 0, 16 * MiB);
    expect(Buffer.compare(await readVirtual(host, 'D:\\f-dyn.vhd', 0, 16 * MiB), whole)).toBe(0);
    expect(Buffer.compare(await readVirtual(host, 'D:\\f-fix.vhd', 0, 16 * MiB), whole)).toBe(0);
    // Two of the eight blocks hold data.
    expect((await host.stat('D:\\f-dyn.vhd'))?.size).toBe(
      512 + 1024 + 512 + 2 * (2 * MiB + 512) + 512,
    );
  });
});

/** A small chain for the task tests: a 16 MiB dynamic parent and a child, data in both. */
async function smallWorld() {
  const { host } = testHost();
  const vs = new VirtualServer(host);
  await writeVhd(host, 'C:\\s\\p.vhd', { type: 'dynamic', sizeBytes: 16 * MiB });
  await writeThrough(host, 'C:\\s\\p.vhd', [{ offset: 3 * MiB, bytes: counting(9000, 4) }]);
  const child = await vs.createDifferencingVirtualHardDisk('C:\\s\\c.vhd', 'C:\\s\\p.vhd');
  await child.waitForCompletion(-1);
  await writeThrough(host, 'C:\\s\\c.vhd', [{ offset: 11 * MiB, bytes: counting(5000, 6) }]);
  const disk = await vs.getHardDisk('C:\\s\\c.vhd');
  return { host, disk };
}

type Start = (disk: Awaited<ReturnType<typeof smallWorld>>['disk']) => Promise<VMTask>;
const STARTS: Array<{ name: string; start: Start }> = [
  { name: 'MergeTo Dynamic', start: (d) => d.mergeTo('D:\\n\\new.vhd', 0) },
  { name: 'MergeTo FixedSize', start: (d) => d.mergeTo('D:\\n\\new.vhd', 1) },
  { name: 'Convert Dynamic', start: (d) => d.convert('D:\\n\\new.vhd', 0) },
  { name: 'Convert FixedSize', start: (d) => d.convert('D:\\n\\new.vhd', 1) },
];

describe('the task: progress, cancellation, a failure at every host operation', () => {
  for (const { name, start } of STARTS) {
    it(`${name}: progress never decreases and is 100 only when done`, async () => {
      const { host, disk } = await smallWorld();
      const seen: number[] = [];
      const holder: { task?: VMTask } = {};
      const open = host.open.bind(host);
      host.open = async (...args) => {
        const file = await open(...args);
        const write = file.write.bind(file);
        file.write = async (buffer, position) => {
          if (holder.task) seen.push(holder.task.percentCompleted);
          return write(buffer, position);
        };
        return file;
      };
      holder.task = await start(disk);
      await holder.task.waitForCompletion(-1);
      expect(holder.task.result).toBe(VMTaskResult.Success);
      expect(holder.task.percentCompleted).toBe(100);
      expect(seen.length).toBeGreaterThan(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(seen.every((p) => p < 100)).toBe(true);
    });

    it(`${name}: cancel at any write leaves no file and every source as it was`, async () => {
      const { host, disk } = await smallWorld();
      const before = await host.snapshot();
      host.faults.reset();
      const first = await start(disk);
      await first.waitForCompletion(-1);
      const writes = host.faults.counts().write;
      expect(writes).toBeGreaterThan(1);
      await host.unlink('D:\\n\\new.vhd');
      await host.rmdir('D:\\n');
      for (let at = 1; at <= writes; at++) {
        let count = 0;
        const holder: { task?: VMTask; cancelled?: Promise<void> } = {};
        const open = host.open.bind(host);
        host.open = async (...args) => {
          const file = await open(...args);
          const write = file.write.bind(file);
          file.write = async (buffer, position) => {
            count++;
            if (count === at && holder.task) holder.cancelled = holder.task.cancel();
            return write(buffer, position);
          };
          return file;
        };
        host.faults.reset();
        holder.task = await start(disk);
        await holder.task.waitForCompletion(-1);
        await holder.cancelled;
        host.open = open;
        expect(holder.task.result, `cancel at write ${at}`).toBe(VMTaskResult.Cancelled);
        expect(await host.snapshot(), `cancel at write ${at}`).toEqual(before);
      }
    });

    it(`${name}: a failure at any task operation ends with DiskRelatedError; no partial file, sources unchanged`, async () => {
      // The operations of one run, split at the check's end (the new image's UUID is drawn).
      const clean = await smallWorld();
      let checks: number | undefined;
      const randomBytes = clean.host.randomBytes.bind(clean.host);
      clean.host.randomBytes = (length) => {
        checks ??= clean.host.faults.log().length;
        return randomBytes(length);
      };
      clean.host.faults.reset();
      const ok = await start(clean.disk);
      await ok.waitForCompletion(-1);
      expect(ok.result).toBe(VMTaskResult.Success);
      const log = clean.host.faults.log();
      const ops = log.slice(checks);
      expect(ops.map((r) => r.op)).toEqual(
        expect.arrayContaining(['mkdir', 'open', 'read', 'write', 'sync', 'close', 'rename']),
      );
      const isSource = (path: string) => /\\s\\[pc]\.vhd$/i.test(path);
      for (const record of ops) {
        for (const [code, expected] of [
          ['EIO', 'DISP_E_EXCEPTION'],
          ['ENOSPC', 'E_DISK_FULL'],
          ['EBUSY', 'E_SHARING_VIOLATION'],
          ['EPERM', 'VM_E_FILE_READ_ONLY'],
        ] as const) {
          const { host, disk } = await smallWorld();
          const before = await host.snapshot();
          host.faults.reset();
          // `record.n` counts this operation from the reset, the checks' calls included.
          host.faults.failNth(record.op, record.n, code);
          const task = await start(disk);
          await task.waitForCompletion(-1);
          const label = `${record.op} #${record.n} (${record.path}) failing with ${code}`;
          if (task.result === VMTaskResult.Success) {
            // Only what follows the image's completion may fail unseen: closing a source,
            // clearing what earlier creations left.
            expect(
              (record.op === 'close' && isSource(record.path)) || record.op === 'readdir',
              label,
            ).toBe(true);
            continue;
          }
          expect(task.result, label).toBe(VMTaskResult.DiskRelatedError);
          expect(hresultName(task.error), label).toBe(expected);
          expect(await host.snapshot(), label).toEqual(before);
        }
      }
    });

    it(`${name}: a failure at any operation of the checks is the call's own error; nothing changes`, async () => {
      const clean = await smallWorld();
      let checks: number | undefined;
      const randomBytes = clean.host.randomBytes.bind(clean.host);
      clean.host.randomBytes = (length) => {
        checks ??= clean.host.faults.log().length;
        return randomBytes(length);
      };
      clean.host.faults.reset();
      await (await start(clean.disk)).waitForCompletion(-1);
      for (const record of clean.host.faults.log().slice(0, checks)) {
        const { host, disk } = await smallWorld();
        const before = await host.snapshot();
        host.faults.reset();
        host.faults.failNth(record.op, record.n, 'EIO');
        const label = `${record.op} #${record.n} (${record.path})`;
        const code = await start(disk).then(
          () => 'S_OK',
          (error: VsError) => error.name,
        );
        expect(['DISP_E_EXCEPTION', 'VM_E_HD_IMAGE_OPEN_FAIL'], label).toContain(code);
        expect(await host.snapshot(), label).toEqual(before);
      }
    });
  }

  it('a source held by the task cannot be opened to change until the new image is written', async () => {
    const { host, disk } = await smallWorld();
    const task = await disk.mergeTo('D:\\n\\new.vhd', 0);
    await expect(host.open('C:\\s\\p.vhd', 'readWrite', { share: 'none' })).rejects.toMatchObject({
      code: 'EBUSY',
    });
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    const file = await host.open('C:\\s\\p.vhd', 'readWrite', { share: 'none' });
    await file.close();
  });
});

describe('E_DISK_FULL at its exact edge: the new file at its largest, in whole clusters', () => {
  /** Free bytes a new image of `fileBytes` needs on D: (NTFS, 4 KiB clusters by default). */
  const clusters = (fileBytes: number) => Math.ceil(fileBytes / 4096) * 4096;

  it('FixedSize: the whole file; the image then fits in exactly that', async () => {
    const needed = clusters(SIZE + 512);
    const short = await run({ ...base('MergeTo'), type: 1, targetFreeBytes: needed - 1 });
    expect(hresultName(short.hr)).toBe('E_DISK_FULL');
    const exact = await run({ ...base('MergeTo'), type: 1, targetFreeBytes: needed });
    expect(hresultName(exact.hr)).toBe('S_OK');
    expect(exact.task?.Result).toBe(VMTaskResult.Success);
  });

  it('Dynamic: a block for every 2 MiB over which a layer holds a block, and at least 8 MB', async () => {
    // The child's chain holds 3 blocks: its largest file is below 8 MB, so 8 MB it needs.
    const few = await run({ ...base('Convert'), targetFreeBytes: 8 * MiB });
    expect(hresultName(few.hr)).toBe('S_OK');
    expect(few.task?.Result).toBe(VMTaskResult.Success);
    // A fixed disk holds every block: its dynamic image may take every one.
    const whole = clusters(512 + 1024 + 6144 + (SIZE / (2 * MiB)) * (2 * MiB + 512) + 512);
    const fixed = { ...base('Convert'), disk: 'fixed' as const };
    const short = await run({ ...fixed, targetFreeBytes: whole - 1 });
    expect(hresultName(short.hr)).toBe('E_DISK_FULL');
    const exact = await run({ ...fixed, targetFreeBytes: whole }, { cancel: true });
    expect(hresultName(exact.hr)).toBe('S_OK');
  });
});

describe('read-only sources', () => {
  it('a chain whose files are all read-only is merged: the sources are only read', async () => {
    const { host, disk } = await arrange(base('MergeTo'));
    await host.setReadOnly(DISKS.parent, true);
    await host.setReadOnly(DISKS.child, true);
    const before = await host.snapshot();
    const out = { value: undefined } as OutParam<ComVMTask>;
    expect(hresultName(await disk.MergeTo(TARGET, 1, out))).toBe('S_OK');
    await out.value?.WaitForCompletion(-1);
    expect(out.value?.Result).toBe(VMTaskResult.Success);
    expect(sources(await host.snapshot())).toEqual(sources(before));
    await expectSameBytes(host, TARGET, DISKS.child);
  });
});

describe('two calls for one new path', () => {
  it('the second gets E_ALREADY_EXISTS while the first runs; the first writes the image', async () => {
    const { host, disk } = await arrange(base('MergeTo'));
    const first = { value: undefined } as OutParam<ComVMTask>;
    const second = { value: undefined } as OutParam<ComVMTask>;
    const [a, b] = await Promise.all([
      disk.MergeTo(TARGET, 0, first),
      disk.Convert(TARGET, 1, second),
    ]);
    expect([hresultName(a), hresultName(b)]).toEqual(['S_OK', 'E_ALREADY_EXISTS']);
    await first.value?.WaitForCompletion(-1);
    expect(first.value?.Result).toBe(VMTaskResult.Success);
    expect((await readFooter(host, TARGET)).diskType).toBe(3);
  });
});
