/**
 * CreateDifferencingVirtualHardDisk: one row per line of the seed's return-code table (and per
 * way a condition can arise), then one row per precedence pair: for two conditions that can hold
 * at once, the earlier check's code wins. Every row checks that no volume changed unless S_OK.
 */
import type { EmulatedHost } from '@vskit/emulator';
import {
  createDynamic,
  decodeDynamicHeader,
  decodeFooter,
  expandedFileSize,
  qemuVirtualSize,
  vhdTimestamp,
} from '@vskit/vhd-format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  counting,
  expectChild,
  type TestClock,
  type TestHostOptions,
  testHost,
  writeVhd,
} from '../__fixtures__/hosts.js';
import {
  type Condition as PrecedenceCondition,
  type Variant as PrecedenceVariant,
  precedenceCases,
  uncoveredPairs,
} from '../__fixtures__/precedence.js';
import { asCom, type ComVMTask, type OutParam } from '../com.js';
import { isVsError, type VsError } from '../errors.js';
import { HRESULT, hresultName, VMTaskResult } from '../hresult.js';
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
    | { kind: 'flipped'; offset: 'header-checksum' | 'footer-checksum' }
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

type Variant = PrecedenceVariant<Aspect, Scenario>;
type Condition = PrecedenceCondition<Variant>;

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
        name: "the parent header's checksum is wrong",
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'flipped', offset: 'header-checksum' } }),
      },
      {
        name: "the parent's trailing footer checksum is wrong (its copy at 0 is intact)",
        sets: ['parentFile'],
        needs: ['parentText', 'parentDrive'],
        apply: (s) => ({ ...s, parentFile: { kind: 'flipped', offset: 'footer-checksum' } }),
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
    } else if (p.kind === 'flipped') {
      await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 3 * GiB });
      const bytes = await host.readFile(PARENT);
      // Checksums: header at 512 + 36, footer at 64 (from its start).
      const at = p.offset === 'header-checksum' ? 512 + 39 : bytes.length - 512 + 67;
      bytes.set([(bytes[at] ?? 0) ^ 0x01], at);
      await host.writeFile(PARENT, bytes);
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

  it("S_OK: the child's UUID, the task ID and the temporary name are the host's random bytes; the parent's block size is kept", async () => {
    const { host, clock } = testHost();
    const file = await host.open('C:\\p512.vhd', 'createNew');
    await createDynamic(file, {
      sizeBytes: 64 * MiB,
      exactSize: true,
      blockSizeBytes: 512 * 1024,
      uniqueId: host.randomBytes(16),
    });
    await file.close();
    const drawn: Uint8Array[] = [];
    const randomBytes = host.randomBytes.bind(host);
    host.randomBytes = (length) => {
      const bytes = randomBytes(length);
      drawn.push(bytes);
      return bytes;
    };
    const task = await new VirtualServer(host).createDifferencingVirtualHardDisk(
      'C:\\c.vhd',
      'C:\\p512.vhd',
    );
    await task.waitForCompletion(-1);
    expect(drawn.map((b) => b.length)).toEqual([16, 16, 4]);
    const bytes = await host.readFile('C:\\c.vhd');
    expect(decodeFooter(bytes.subarray(bytes.length - 512)).uniqueId).toEqual(drawn[0]);
    expect(task.id.replaceAll('-', '')).toBe(Buffer.from(drawn[1] as Uint8Array).toString('hex'));
    const header = decodeDynamicHeader(bytes.subarray(512, 1536));
    expect(header.blockSize).toBe(512 * 1024);
    expect(header.maxTableEntries).toBe(128);
    expect(decodeFooter(bytes.subarray(bytes.length - 512)).timestamp).toBe(
      vhdTimestamp(clock.now),
    );
  });

  it("S_OK: the child keeps the parent's geometry even where it does not address the parent's size, as Virtual Server does", async () => {
    // A Hyper-V parent: creator 'win ', 127 GiB, the spec geometry (2,080,768 bytes less).
    const { host } = testHost();
    const file = await host.open('C:\\hyperv.vhd', 'createNew');
    await createDynamic(file, {
      sizeBytes: 127 * GiB,
      exactSize: true,
      creatorApplication: 'win ',
      uniqueId: host.randomBytes(16),
    });
    await file.close();
    const task = await new VirtualServer(host).createDifferencingVirtualHardDisk(
      'C:\\c.vhd',
      'C:\\hyperv.vhd',
    );
    await task.waitForCompletion(-1);
    const parent = decodeFooter((await host.readFile('C:\\hyperv.vhd')).subarray(0, 512));
    const child = decodeFooter((await host.readFile('C:\\c.vhd')).subarray(0, 512));
    expect(child).toMatchObject({ creatorApplication: 'vs  ', currentSize: 127 * GiB });
    expect(child.geometry).toEqual(parent.geometry);
    // What SEMANTICS.md writes down: QEMU shows such a child at the CHS capacity.
    expect(qemuVirtualSize(parent)).toBe(127 * GiB);
    expect(qemuVirtualSize(child)).toBe(127 * GiB - 2_080_768);
  });

  for (const condition of CONDITIONS) {
    for (const variant of condition.variants) {
      it(`${condition.code}: ${variant.name}; nothing changes`, async () => {
        const scenario = variant.apply(BASE);
        const { hr, before, after } = await run(scenario);
        expect(hresultName(hr)).toBe(condition.code);
        expect(after).toEqual(before);
        if (!scenario.outNull) {
          // The promise face rejects with a VsError of the same code.
          const { host } = await arrange(scenario);
          const vs = new VirtualServer(host);
          const error = await vs
            .createDifferencingVirtualHardDisk(scenario.imagePath, scenario.parentPath)
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(isVsError(error, condition.code)).toBe(true);
          expect((error as VsError).hresult).toBe(hr);
          expect((error as VsError).message).toMatch(/imagePath|parentPath|shutting down/);
        }
      });
    }
  }
});

/**
 * Pairs of conditions that cannot hold at once, with why. The precedence table below covers
 * every other pair; a test checks that this list is exactly what it leaves out.
 */
const CANNOT_HOLD_TOGETHER: Record<string, string> = {
  'E_BAD_PATHNAME/E_ALREADY_EXISTS': 'with both paths relative there is no imagePath to exist',
  'E_BAD_PATHNAME/VM_E_INVALID_HD_FILE': 'with both paths relative there is no parent file to read',
  'E_BAD_PATHNAME/VM_E_HD_IMAGE_OPEN_FAIL':
    'with both paths relative there is no parent file to read',
  'E_BAD_PATHNAME/VM_E_IMAGE_SIZE_TOO_LARGE': 'with both paths relative there is no parent size',
  'E_BAD_PATHNAME/VM_E_IMAGE_SIZE_TOO_SMALL': 'with both paths relative there is no parent size',
  'E_BAD_PATHNAME/VM_E_FILE_TOO_LARGE_FOR_VOLUME':
    'with both paths relative there is no image volume',
  'VM_E_INVALID_HD_FILE/VM_E_HD_IMAGE_OPEN_FAIL':
    'one check (8): a file that cannot be read has no structure to judge',
  'VM_E_INVALID_HD_FILE/VM_E_IMAGE_SIZE_TOO_LARGE': 'an invalid parent has no size',
  'VM_E_INVALID_HD_FILE/VM_E_IMAGE_SIZE_TOO_SMALL': 'an invalid parent has no size',
  'VM_E_HD_IMAGE_OPEN_FAIL/VM_E_IMAGE_SIZE_TOO_LARGE': 'an unreadable parent has no size',
  'VM_E_HD_IMAGE_OPEN_FAIL/VM_E_IMAGE_SIZE_TOO_SMALL': 'an unreadable parent has no size',
  'VM_E_IMAGE_SIZE_TOO_LARGE/VM_E_IMAGE_SIZE_TOO_SMALL':
    'one size is not both too large and too small',
};

describe('CreateDifferencingVirtualHardDisk precedence coverage', () => {
  it('every pair of codes is covered, except the pairs that cannot hold at once', () => {
    const uncovered = uncoveredPairs(CONDITIONS, (c) => c.code);
    expect(uncovered).toEqual(Object.keys(CANNOT_HOLD_TOGETHER).sort());
  });
});

describe('CreateDifferencingVirtualHardDisk precedence (the earlier check wins)', () => {
  for (const { earlier, ev, later, lv } of precedenceCases(CONDITIONS)) {
    it(`${earlier.code} (${ev.name}) before ${later.code} (${lv.name})`, async () => {
      const { hr, before, after } = await run(ev.apply(lv.apply(BASE)));
      expect(hresultName(hr)).toBe(earlier.code);
      expect(after).toEqual(before);
    });
  }
});

describe('CreateDifferencingVirtualHardDisk size limits at their exact edges (from the parent)', () => {
  async function createOver(parentSize: number, imageFs: Scenario['imageFileSystem'] = 'NTFS') {
    return run({
      ...BASE,
      parentFile: { kind: 'vhd', sizeBytes: parentSize },
      imageFileSystem: imageFs,
      imageFreeBytes: imageFs === 'NTFS' ? undefined : 8 * GiB,
    });
  }

  it('a parent of 3 MB - 512 bytes is too small, one of 3 MB is fine', async () => {
    expect(hresultName((await createOver(3 * MiB - 512)).hr)).toBe('VM_E_IMAGE_SIZE_TOO_SMALL');
    const ok = await createOver(3 * MiB);
    expect(hresultName(ok.hr)).toBe('S_OK');
    expect(ok.task?.Result).toBe(VMTaskResult.Success);
  });

  it('a parent of 2,088,960 MB is too large, one 512 bytes smaller is fine', async () => {
    expect(hresultName((await createOver(2_088_960 * MiB)).hr)).toBe('VM_E_IMAGE_SIZE_TOO_LARGE');
    const ok = await createOver(2_088_960 * MiB - 512);
    expect(hresultName(ok.hr)).toBe('S_OK');
    expect(ok.task?.Result).toBe(VMTaskResult.Success);
  });

  /** The child's size fully expanded, from the structures of the file actually written. */
  async function expandedFromFile(host: EmulatedHost, path: string): Promise<number> {
    const bytes = await host.readFile(path);
    const footer = decodeFooter(bytes.subarray(bytes.length - 512));
    const header = decodeDynamicHeader(bytes.subarray(512, 1536));
    const bat = Math.ceil((header.maxTableEntries * 4) / 512) * 512;
    const locators = header.parentLocators.reduce((sum, l) => sum + l.platformDataSpace, 0);
    const blocks = Math.ceil(footer.currentSize / header.blockSize);
    return 512 + 1024 + bat + locators + blocks * (header.blockSize + 512) + 512;
  }

  it('FAT32: the child is refused exactly when, fully expanded, it passes 4 GiB - 1 byte', async () => {
    const limit = 2 ** 32 - 1;
    const locatorDataBytes = 512; // W2ku 'C:\base\parent.vhd' (19 UTF-16 units); no W2ru across drives
    const expanded = (size: number) =>
      expandedFileSize({ type: 'differencing', sizeBytes: size, locatorDataBytes });
    // The smallest parent size (in sectors) whose child no longer fits.
    let low = 4000 * MiB;
    let high = 4096 * MiB;
    while (high - low > 512) {
      const mid = low + Math.floor((high - low) / 1024) * 512;
      if (expanded(mid) > limit) high = mid;
      else low = mid;
    }
    const fits = await createOver(low, 'FAT32');
    expect(hresultName(fits.hr)).toBe('S_OK');
    expect(fits.task?.Result).toBe(VMTaskResult.Success);
    expect(await expandedFromFile(fits.host, IMAGE)).toBeLessThanOrEqual(limit);
    expect(await expandedFromFile(fits.host, IMAGE)).toBe(expanded(low));
    expect(hresultName((await createOver(high, 'FAT32')).hr)).toBe(
      'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -4096, max: 4096 }), async (sectors) => {
        const size = high + sectors * 512;
        const { hr } = await createOver(size, 'FAT32');
        expect(hresultName(hr)).toBe(size >= high ? 'VM_E_FILE_TOO_LARGE_FOR_VOLUME' : 'S_OK');
      }),
      { numRuns: 10 },
    );
  });
});

describe('CreateDifferencingVirtualHardDisk path resolution', () => {
  const segment = fc.oneof(fc.constantFrom('a', 'B', 'b'), fc.stringMatching(/^[a-z]{1,6}$/));
  const flipCase = (s: string, mask: number) =>
    [...s].map((c, i) => ((mask >> (i % 16)) & 1 ? c.toUpperCase() : c)).join('');

  it('a relative parentPath resolves against the child folder; `..` stops at the root; case does not matter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 4 }),
        fc.nat(6),
        fc.nat(0xffff),
        async (folder, ups, mask) => {
          const { host } = testHost();
          await writeVhd(host, 'C:\\a\\b\\p.vhd', { type: 'dynamic', sizeBytes: 8 * MiB });
          const imagePath = `C:\\${[...folder, 'child.vhd'].join('\\')}`;
          const given = [
            ...Array.from({ length: ups }, () => '..'),
            flipCase('a\\b\\p.vhd', mask),
          ].join('\\');
          const vs = new VirtualServer(host);
          const before = await host.snapshot();
          let code = 'S_OK';
          try {
            const task = await vs.createDifferencingVirtualHardDisk(imagePath, given);
            await task.waitForCompletion(-1);
            expect(task.result).toBe(VMTaskResult.Success);
          } catch (error) {
            code = (error as { name: string }).name;
          }
          // `..` beyond the root stays at the root; any fewer leaves a folder in front of a\b.
          if (ups >= folder.length) {
            expect(code).toBe('S_OK');
            const parentSegments = flipCase('a\\b\\p.vhd', mask).split('\\');
            let common = 0;
            while (
              common < folder.length &&
              common < 2 &&
              folder[common]?.toLowerCase() === parentSegments[common]?.toLowerCase()
            ) {
              common++;
            }
            const up = folder.length - common;
            const relative = [
              ...(up === 0 ? ['.'] : Array.from({ length: up }, () => '..')),
              ...parentSegments.slice(common),
            ];
            await expectChild(host, {
              child: imagePath,
              parent: `C:\\${parentSegments.join('\\')}`,
              relative: relative.join('\\'),
              created: host.now(),
            });
          } else {
            expect(code).toBe('E_PATH_NOT_FOUND');
            expect(await host.snapshot()).toEqual(before);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
