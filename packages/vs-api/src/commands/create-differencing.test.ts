/**
 * CreateDifferencingVirtualHardDisk: one row per line of the seed's return-code table (and per
 * way a condition can arise), then one row per precedence pair: for two conditions that can hold
 * at once, the earlier check's code wins. Every row checks that no volume changed unless S_OK.
 */
import type { EmulatedHost } from '@vskit/emulator';
import { describe, expect, it } from 'vitest';
import {
  counting,
  expectChild,
  type TestClock,
  type TestHostOptions,
  testHost,
  writeVhd,
} from '../__fixtures__/hosts.js';
import { asCom, type ComVMTask, type OutParam } from '../com.js';
import { HRESULT, type HResultName, hresultName, VMTaskResult } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const IMAGE = 'D:\\vms\\child.vhd';
const PARENT = 'C:\\base\\parent.vhd';
const LONG = 'x'.repeat(260);

/** What a row sets up. Each field is one aspect a condition may change. */
interface Scenario {
  imagePath: string | null;
  parentPath: string | null;
  outNull: boolean;
  shutdown: boolean;
  /** What is at C:\base\parent.vhd. */
  parentFile:
    | { kind: 'vhd'; sizeBytes: number }
    | { kind: 'junk' }
    | { kind: 'truncated' }
    | { kind: 'unreadable' }
    | { kind: 'missing' }
    | { kind: 'folder' };
  /** Whether drive C: (the parent's) exists. */
  parentDrive: boolean;
  /** Drive D: (the image's): missing, or its file system and free bytes. */
  imageDrive: boolean;
  imageFileSystem: 'NTFS' | 'FAT32' | 'FAT16';
  imageFreeBytes: number | undefined;
  /** What already is at D:\vms\child.vhd. */
  atImage: 'nothing' | 'file' | 'folder';
  /** D:\vms is a file. */
  vmsIsFile: boolean;
}

const BASE: Scenario = {
  imagePath: IMAGE,
  parentPath: PARENT,
  outNull: false,
  shutdown: false,
  parentFile: { kind: 'vhd', sizeBytes: 3 * GiB },
  parentDrive: true,
  imageDrive: true,
  imageFileSystem: 'NTFS',
  imageFreeBytes: undefined,
  atImage: 'nothing',
  vmsIsFile: false,
};

type Aspect =
  | 'out'
  | 'shutdown'
  | 'imageText'
  | 'parentText'
  | 'parentFile'
  | 'parentDrive'
  | 'imageDrive'
  | 'imageFs'
  | 'imageFree'
  | 'imageLocation';

/**
 * One way a condition can hold. `sets` aspects it assigns (exclusive), `edits` aspects it
 * transforms (composable with other edits), `needs` aspects that must stay as in BASE for it to
 * hold.
 */
interface Variant {
  name: string;
  sets?: Aspect[];
  edits?: Aspect[];
  needs?: Aspect[];
  apply: (s: Scenario) => Scenario;
}

interface Condition {
  check: number;
  code: HResultName;
  variants: Variant[];
}

const withName = (path: string | null, edit: (name: string) => string): string | null => {
  if (path === null) return null;
  const cut = path.lastIndexOf('\\') + 1;
  return path.slice(0, cut) + edit(path.slice(cut));
};
const basename = (path: string | null) =>
  path === null ? null : path.slice(path.lastIndexOf('\\') + 1);

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
      { name: 'imagePath is null', sets: ['imageText'], apply: (s) => ({ ...s, imagePath: null }) },
      {
        name: 'parentPath is null',
        sets: ['parentText'],
        apply: (s) => ({ ...s, parentPath: null }),
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
      ...'*?:<>/|"\u0001'.split('').map(
        (c): Variant => ({
          name: `imagePath holds ${JSON.stringify(c)}`,
          edits: ['imageText'],
          needs: ['imageText'],
          apply: (s) => ({ ...s, imagePath: withName(s.imagePath, (n) => `a${c}${n}`) }),
        }),
      ),
      {
        name: 'parentPath holds "|"',
        edits: ['parentText'],
        apply: (s) => ({ ...s, parentPath: withName(s.parentPath, (n) => `a|${n}`) }),
      },
    ],
  },
  {
    check: 4,
    code: 'E_BAD_PATHNAME',
    variants: [
      {
        name: 'both paths relative',
        edits: ['imageText', 'parentText'],
        apply: (s) => ({
          ...s,
          imagePath: basename(s.imagePath),
          parentPath: basename(s.parentPath),
        }),
      },
      {
        name: 'both paths empty',
        sets: ['imageText', 'parentText'],
        apply: (s) => ({ ...s, imagePath: '', parentPath: '' }),
      },
      {
        name: 'both paths rooted without a drive',
        edits: ['imageText', 'parentText'],
        apply: (s) => ({
          ...s,
          imagePath: s.imagePath?.replace(/^[A-Z]:/, '') ?? null,
          parentPath: s.parentPath?.replace(/^[A-Z]:/, '') ?? null,
        }),
      },
    ],
  },
  {
    check: 5,
    code: 'E_BUFFER_OVERFLOW',
    variants: [
      {
        name: 'imagePath given is 260+ characters (resolving to the same file)',
        edits: ['imageText'],
        apply: (s) => ({ ...s, imagePath: withName(s.imagePath, (n) => `${LONG}\\..\\${n}`) }),
      },
      {
        name: 'parentPath given is 260+ characters (resolving to the same file)',
        edits: ['parentText'],
        apply: (s) => ({ ...s, parentPath: withName(s.parentPath, (n) => `${LONG}\\..\\${n}`) }),
      },
      {
        name: 'the relative parentPath resolves to 260+ characters',
        sets: ['imageText', 'parentText'],
        apply: (s) => ({
          ...s,
          imagePath: `D:\\${'f'.repeat(246)}\\child.vhd`,
          parentPath: 'parent.vhd',
        }),
      },
    ],
  },
  {
    check: 6,
    code: 'E_PATH_NOT_FOUND',
    variants: [
      {
        name: 'the parent file does not exist',
        sets: ['parentFile'],
        apply: (s) => ({ ...s, parentFile: { kind: 'missing' } }),
      },
      {
        name: 'a folder is at parentPath',
        sets: ['parentFile'],
        apply: (s) => ({ ...s, parentFile: { kind: 'folder' } }),
      },
      {
        name: "the parent's drive has no volume",
        sets: ['parentDrive', 'parentFile'],
        apply: (s) => ({ ...s, parentDrive: false }),
      },
      {
        name: "the image's drive has no volume",
        sets: ['imageDrive', 'imageFs', 'imageFree', 'imageLocation'],
        apply: (s) => ({ ...s, imageDrive: false }),
      },
      {
        name: "a component of the image's folder is a file",
        sets: ['imageLocation'],
        apply: (s) => ({ ...s, vmsIsFile: true }),
      },
    ],
  },
  {
    check: 7,
    code: 'E_ALREADY_EXISTS',
    variants: [
      {
        name: 'a file exists at imagePath',
        sets: ['imageLocation'],
        needs: ['imageText', 'imageDrive'],
        apply: (s) => ({ ...s, atImage: 'file' }),
      },
      {
        name: 'a folder exists at imagePath',
        sets: ['imageLocation'],
        needs: ['imageText', 'imageDrive'],
        apply: (s) => ({ ...s, atImage: 'folder' }),
      },
      {
        name: 'imagePath names the parent itself (case differs)',
        sets: ['imageText', 'imageLocation'],
        needs: ['parentFile', 'parentText', 'parentDrive'],
        apply: (s) => ({ ...s, imagePath: PARENT.toUpperCase() }),
      },
    ],
  },
  {
    check: 8,
    code: 'VM_E_INVALID_HD_FILE',
    variants: [
      {
        name: 'the parent is not a VHD',
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'junk' } }),
      },
      {
        name: 'the parent is truncated',
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'truncated' } }),
      },
    ],
  },
  {
    check: 8,
    code: 'VM_E_HD_IMAGE_OPEN_FAIL',
    variants: [
      {
        name: 'the host cannot open the parent',
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'unreadable' } }),
      },
    ],
  },
  {
    check: 9,
    code: 'VM_E_IMAGE_SIZE_TOO_LARGE',
    variants: [
      {
        name: 'the parent is 2,088,960 MB',
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'vhd', sizeBytes: 2_088_960 * MiB } }),
      },
    ],
  },
  {
    check: 9,
    code: 'VM_E_IMAGE_SIZE_TOO_SMALL',
    variants: [
      {
        name: 'the parent is 3 MB - 512 bytes',
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'vhd', sizeBytes: 3 * MiB - 512 } }),
      },
    ],
  },
  {
    check: 10,
    code: 'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    variants: [
      {
        name: 'the 3 GiB child, fully expanded, does not fit a FAT16 volume',
        sets: ['imageFs'],
        needs: ['imageDrive', 'parentText'],
        apply: (s) => ({ ...s, imageFileSystem: 'FAT16' }),
      },
    ],
  },
  {
    check: 11,
    code: 'E_DISK_FULL',
    variants: [
      {
        name: '8 MB - 1 byte free on the image volume',
        sets: ['imageFree'],
        needs: ['imageDrive'],
        apply: (s) => ({ ...s, imageFreeBytes: 8 * MiB - 1 }),
      },
    ],
  },
];

/** Builds the host a scenario describes. */
async function arrange(s: Scenario): Promise<{ host: EmulatedHost; clock: TestClock }> {
  const volumes: Array<NonNullable<TestHostOptions['volumes']>[number]> = [];
  if (s.parentDrive) volumes.push({ drive: 'C', fileSystem: 'NTFS', capacityBytes: 64 * GiB });
  if (s.imageDrive) {
    const capacityBytes = s.imageFileSystem === 'FAT16' ? 2 * GiB : 64 * GiB;
    volumes.push({
      drive: 'D',
      fileSystem: s.imageFileSystem,
      capacityBytes,
      ...(s.imageFreeBytes === undefined ? {} : { freeBytes: s.imageFreeBytes }),
    });
  }
  const { host, clock } = testHost({ volumes });
  if (s.parentDrive) {
    await host.mkdir('C:\\base', { recursive: true });
    const p = s.parentFile;
    if (p.kind === 'vhd' || p.kind === 'unreadable') {
      await writeVhd(host, PARENT, {
        type: 'dynamic',
        sizeBytes: p.kind === 'vhd' ? p.sizeBytes : 3 * GiB,
      });
      if (p.kind === 'unreadable') host.faults.failPath('open', /parent\.vhd$/i, 'EACCES');
    } else if (p.kind === 'junk') {
      await host.writeFile(PARENT, counting(4096));
    } else if (p.kind === 'truncated') {
      await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 3 * GiB });
      const bytes = await host.readFile(PARENT);
      await host.unlink(PARENT);
      await host.writeFile(PARENT, bytes.subarray(0, 1000));
    } else if (p.kind === 'folder') {
      await host.mkdir(PARENT);
    }
  }
  if (s.imageDrive) {
    if (s.vmsIsFile) await host.writeFile('D:\\vms', counting(10));
    else if (s.atImage !== 'nothing') {
      await host.mkdir('D:\\vms');
      if (s.atImage === 'file') await host.writeFile(IMAGE, counting(10));
      else await host.mkdir(IMAGE);
    }
  }
  clock.now = new Date('2026-02-02T12:00:00Z');
  if (s.shutdown) host.beginShutdown();
  return { host, clock };
}

/** Runs a scenario through the COM face: the HRESULT and, on S_OK, the completed task. */
async function run(s: Scenario) {
  const { host, clock } = await arrange(s);
  const before = await host.snapshot();
  const com = asCom(new VirtualServer(host));
  const out: OutParam<ComVMTask> | null = s.outNull ? null : { value: undefined };
  const hr = await com.CreateDifferencingVirtualHardDisk(s.imagePath, s.parentPath, out);
  if (hr === HRESULT.S_OK) await out?.value?.WaitForCompletion(-1);
  return { hr, host, clock, before, after: await host.snapshot(), task: out?.value };
}

function compatible(a: Variant, b: Variant): boolean {
  const set = (v: Variant) => new Set(v.sets ?? []);
  const touched = (v: Variant) => new Set([...(v.sets ?? []), ...(v.edits ?? [])]);
  const overlap = (x: Set<Aspect>, y: Iterable<Aspect>) => [...y].some((a) => x.has(a));
  if (overlap(set(a), touched(b)) || overlap(set(b), touched(a))) return false;
  if (overlap(touched(a), b.needs ?? []) || overlap(touched(b), a.needs ?? [])) return false;
  return true;
}

describe('CreateDifferencingVirtualHardDisk return codes (one row per condition)', () => {
  it('S_OK: the child is written as SEMANTICS.md says, across drives (no W2ru)', async () => {
    const { hr, host, clock, task } = await run(BASE);
    expect(hresultName(hr)).toBe('S_OK');
    expect(task?.Result).toBe(VMTaskResult.Success);
    expect(task?.Error).toBe(HRESULT.S_OK);
    expect(task?.PercentCompleted).toBe(100);
    await expectChild(host, {
      child: IMAGE,
      parent: PARENT,
      relative: undefined,
      created: clock.now,
    });
  });

  it('S_OK on one drive: missing folders are made, W2ru is relative to the child folder', async () => {
    const s = {
      ...BASE,
      imagePath: 'C:\\vms\\sub\\child.vhd',
      parentPath: '..\\..\\base\\parent.vhd',
    };
    const { hr, host, clock } = await run(s);
    expect(hresultName(hr)).toBe('S_OK');
    expect((await host.stat('C:\\vms\\sub'))?.kind).toBe('directory');
    await expectChild(host, {
      child: 'C:\\vms\\sub\\child.vhd',
      parent: PARENT,
      relative: '..\\..\\base\\parent.vhd',
      created: clock.now,
    });
  });

  it('S_OK with a relative imagePath: the child goes beside the parent, W2ru is .\\name', async () => {
    const { hr, host, clock } = await run({ ...BASE, imagePath: 'Child.vhd' });
    expect(hresultName(hr)).toBe('S_OK');
    await expectChild(host, {
      child: 'C:\\base\\Child.vhd',
      parent: PARENT,
      relative: '.\\parent.vhd',
      created: clock.now,
    });
  });

  it('S_OK over a fixed parent holding data: the child reads exactly as the parent', async () => {
    const { host, clock } = testHost();
    const patterns = [
      { offset: 0, bytes: counting(512, 7) },
      { offset: 5 * MiB + 512, bytes: counting(4096, 99) },
      { offset: 8 * MiB - 1024, bytes: counting(1024, 3) },
    ];
    await writeVhd(host, 'C:\\base\\Fixed.vhd', { type: 'fixed', sizeBytes: 8 * MiB, patterns });
    clock.now = new Date('2026-03-03T00:00:00Z');
    const vs = new VirtualServer(host);
    const task = await vs.createDifferencingVirtualHardDisk(
      'C:\\kids\\k.vhd',
      'C:\\base\\Fixed.vhd',
    );
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    await expectChild(host, {
      child: 'C:\\kids\\k.vhd',
      parent: 'C:\\base\\Fixed.vhd',
      relative: '..\\base\\Fixed.vhd',
      created: clock.now,
      patterns,
    });
  });

  for (const condition of CONDITIONS) {
    for (const variant of condition.variants) {
      it(`${condition.code}: ${variant.name}; nothing changes`, async () => {
        const { hr, before, after } = await run(variant.apply(BASE));
        expect(hresultName(hr)).toBe(condition.code);
        expect(after).toEqual(before);
      });
    }
  }
});

describe('CreateDifferencingVirtualHardDisk precedence (the earlier check wins)', () => {
  for (const [i, earlier] of CONDITIONS.entries()) {
    for (const later of CONDITIONS.slice(i + 1)) {
      if (later.check === earlier.check) continue;
      for (const lv of later.variants) {
        const ev = earlier.variants.find((v) => compatible(v, lv));
        if (ev === undefined) continue;
        it(`${earlier.code} (${ev.name}) before ${later.code} (${lv.name})`, async () => {
          const { hr, before, after } = await run(ev.apply(lv.apply(BASE)));
          expect(hresultName(hr)).toBe(earlier.code);
          expect(after).toEqual(before);
        });
      }
    }
  }
});
