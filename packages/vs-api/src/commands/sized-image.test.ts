/**
 * CreateDynamicVirtualHardDisk and CreateFixedVirtualHardDisk: one row per return code, the
 * precedence of their checks, and the size limits at their exact edges.
 */
import type { EmulatedHost } from '@vskit/emulator';
import { windowsPath } from '@vskit/host';
import { decodeDynamicHeader, decodeFooter, expandedFileSize } from '@vskit/vhd-format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counting, testHost } from '../__fixtures__/hosts.js';
import { asCom, type ComVMTask, type OutParam } from '../com.js';
import { HRESULT, type HResultName, hresultName, VMTaskResult } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const IMAGE = 'C:\\vms\\disk.vhd';
type Kind = 'dynamic' | 'fixed';

interface Scenario {
  kind: Kind;
  imagePath: string | null;
  sizeMB: unknown;
  outNull: boolean;
  shutdown: boolean;
  fileSystem: 'NTFS' | 'FAT32' | 'FAT16';
  freeBytes: number | undefined;
  drive: string;
  atImage: 'nothing' | 'file' | 'folder';
  vmsIsFile: boolean;
}

const base = (kind: Kind): Scenario => ({
  kind,
  imagePath: IMAGE,
  sizeMB: 16,
  outNull: false,
  shutdown: false,
  fileSystem: 'NTFS',
  freeBytes: undefined,
  drive: 'C',
  atImage: 'nothing',
  vmsIsFile: false,
});

async function arrange(s: Scenario): Promise<EmulatedHost> {
  const { host } = testHost({
    volumes: [
      {
        drive: s.drive,
        fileSystem: s.fileSystem,
        capacityBytes: s.fileSystem === 'FAT16' ? 2 * GiB : 64 * GiB,
        ...(s.freeBytes === undefined ? {} : { freeBytes: s.freeBytes }),
      },
    ],
  });
  if (s.drive === 'C') {
    if (s.vmsIsFile) await host.writeFile('C:\\vms', counting(3));
    if (s.atImage !== 'nothing') {
      await host.mkdir('C:\\vms');
      if (s.atImage === 'file') await host.writeFile(IMAGE, counting(3));
      else await host.mkdir(IMAGE);
    }
  }
  if (s.shutdown) host.beginShutdown();
  return host;
}

/** Runs a scenario on the COM face; `cancel` stops a successful creation instead of waiting for it. */
async function run(s: Scenario, options: { cancel?: boolean } = {}) {
  const host = await arrange(s);
  const before = await host.snapshot();
  const com = asCom(new VirtualServer(host));
  const out: OutParam<ComVMTask> | null = s.outNull ? null : { value: undefined };
  const create =
    s.kind === 'dynamic' ? com.CreateDynamicVirtualHardDisk : com.CreateFixedVirtualHardDisk;
  const hr = await create(s.imagePath, s.sizeMB as number, out);
  if (hr === HRESULT.S_OK && options.cancel) await out?.value?.Cancel();
  if (hr === HRESULT.S_OK) await out?.value?.WaitForCompletion(-1);
  return { hr, host, before, after: await host.snapshot(), task: out?.value };
}

interface Row {
  code: HResultName;
  name: string;
  apply: (s: Scenario) => Scenario;
}

/** Conditions in check order; each transforms a scenario so that it holds. */
const ROWS: Row[] = [
  { code: 'E_POINTER', name: 'imagePath is null', apply: (s) => ({ ...s, imagePath: null }) },
  {
    code: 'E_POINTER',
    name: 'the task out-parameter is null',
    apply: (s) => ({ ...s, outNull: true }),
  },
  { code: 'E_INVALIDARG', name: 'sizeMB is 0', apply: (s) => ({ ...s, sizeMB: 0 }) },
  { code: 'E_INVALIDARG', name: 'sizeMB is -5', apply: (s) => ({ ...s, sizeMB: -5 }) },
  { code: 'E_INVALIDARG', name: 'sizeMB is 3.5 (decision)', apply: (s) => ({ ...s, sizeMB: 3.5 }) },
  {
    code: 'E_INVALIDARG',
    name: 'sizeMB is NaN (decision)',
    apply: (s) => ({ ...s, sizeMB: Number.NaN }),
  },
  {
    code: 'VM_E_APP_SHUTTING_DOWN',
    name: 'shutdown has begun',
    apply: (s) => ({ ...s, shutdown: true }),
  },
  {
    code: 'E_INVALID_NAME',
    name: 'imagePath holds "?"',
    apply: (s) => ({ ...s, imagePath: s.imagePath === null ? null : `${s.imagePath}?` }),
  },
  { code: 'E_BAD_PATHNAME', name: 'imagePath is empty', apply: (s) => ({ ...s, imagePath: '' }) },
  {
    code: 'E_BAD_PATHNAME',
    name: 'imagePath is relative',
    apply: (s) => ({ ...s, imagePath: s.imagePath?.replace(/^[A-Z]:\\/, '') ?? null }),
  },
  {
    code: 'E_BAD_PATHNAME',
    name: 'imagePath is rooted without a drive (decision)',
    apply: (s) => ({ ...s, imagePath: s.imagePath?.replace(/^C:/, '') ?? null }),
  },
  {
    code: 'E_BUFFER_OVERFLOW',
    name: 'imagePath is 260+ characters (resolving to the same file)',
    apply: (s) => ({
      ...s,
      imagePath: s.imagePath?.replace('\\vms\\', `\\vms\\${'v'.repeat(260)}\\..\\`) ?? null,
    }),
  },
  {
    code: 'E_PATH_NOT_FOUND',
    name: 'the drive has no volume',
    apply: (s) => ({ ...s, drive: 'E' }),
  },
  {
    code: 'E_PATH_NOT_FOUND',
    name: 'a component of the folder is a file',
    apply: (s) => ({ ...s, vmsIsFile: true }),
  },
  {
    code: 'E_ALREADY_EXISTS',
    name: 'a file is at imagePath',
    apply: (s) => ({ ...s, atImage: 'file' }),
  },
  {
    code: 'E_ALREADY_EXISTS',
    name: 'a folder is at imagePath',
    apply: (s) => ({ ...s, atImage: 'folder' }),
  },
  {
    code: 'VM_E_IMAGE_SIZE_TOO_LARGE',
    name: 'sizeMB is 2,088,960',
    apply: (s) => ({ ...s, sizeMB: 2_088_960 }),
  },
  { code: 'VM_E_IMAGE_SIZE_TOO_SMALL', name: 'sizeMB is 2', apply: (s) => ({ ...s, sizeMB: 2 }) },
  {
    code: 'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    name: 'a 4096 MB image on FAT32',
    apply: (s) => ({ ...s, fileSystem: 'FAT32', sizeMB: 4096 }),
  },
  {
    code: 'E_DISK_FULL',
    name: 'too little free space',
    apply: (s) => ({ ...s, freeBytes: s.kind === 'dynamic' ? 8 * MiB - 1 : 16 * MiB }),
  },
];

const CHECK_ORDER: HResultName[] = [
  'E_POINTER',
  'E_INVALIDARG',
  'VM_E_APP_SHUTTING_DOWN',
  'E_INVALID_NAME',
  'E_BAD_PATHNAME',
  'E_BUFFER_OVERFLOW',
  'E_PATH_NOT_FOUND',
  'E_ALREADY_EXISTS',
  'VM_E_IMAGE_SIZE_TOO_LARGE',
  'VM_E_IMAGE_SIZE_TOO_SMALL',
  'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
  'E_DISK_FULL',
];

/** Whether the later condition still holds once the earlier one is applied on top of it. */
/**
 * Whether the condition behind `code` holds in a scenario: a small model of the rules, used only
 * to tell which pairs of conditions can hold at once.
 */
function holds(code: HResultName, s: Scenario): boolean {
  const path = s.imagePath;
  const size = s.sizeMB;
  const validSize = typeof size === 'number' && Number.isInteger(size) && size > 0;
  const limit = { NTFS: 2 ** 44 - 64 * 1024, FAT32: 2 ** 32 - 1, FAT16: 2 ** 31 - 1 }[s.fileSystem];
  switch (code) {
    case 'E_POINTER':
      return path === null || s.outNull;
    case 'E_INVALIDARG':
      return !validSize;
    case 'VM_E_APP_SHUTTING_DOWN':
      return s.shutdown;
    case 'E_INVALID_NAME':
      return path !== null && /[*?<>/|"]|.:/.test(path.replace(/^[A-Za-z]:\\/, ''));
    case 'E_BAD_PATHNAME':
      return path !== null && !/^[A-Za-z]:\\/.test(path);
    case 'E_BUFFER_OVERFLOW':
      return path !== null && path.length >= 260;
    case 'E_PATH_NOT_FOUND':
      return s.drive !== 'C' || s.vmsIsFile;
    case 'E_ALREADY_EXISTS': {
      const resolved = path === null ? undefined : windowsPath.parseAbsolute(path);
      return (
        resolved !== undefined &&
        windowsPath.format(resolved) === IMAGE &&
        windowsPath.findInvalidCharacter(path as string) === undefined &&
        s.atImage !== 'nothing'
      );
    }
    case 'VM_E_IMAGE_SIZE_TOO_LARGE':
      return validSize && (size as number) >= 2_088_960;
    case 'VM_E_IMAGE_SIZE_TOO_SMALL':
      return validSize && (size as number) < 3;
    case 'VM_E_FILE_TOO_LARGE_FOR_VOLUME':
      return (
        validSize &&
        expandedFileSize({ type: s.kind, sizeBytes: Math.min(size as number, 2 ** 24) * MiB }) >
          limit
      );
    case 'E_DISK_FULL':
      return (
        s.freeBytes !== undefined &&
        s.freeBytes < (s.kind === 'dynamic' ? 8 * MiB : 16 * MiB + 4096)
      );
    default:
      return false;
  }
}

/** Whether both conditions hold once the earlier one is applied on top of the later one. */
function canHoldTogether(earlier: Row, later: Row, s: Scenario): boolean {
  const both = earlier.apply(later.apply(s));
  // C:\vms cannot be a file and hold something at once.
  if (both.vmsIsFile && both.atImage !== 'nothing') return false;
  return holds(earlier.code, both) && holds(later.code, both);
}

/** Pairs of codes that cannot hold at once, with why; every other pair is in the precedence table. */
const CANNOT_HOLD_TOGETHER: Record<string, string> = {
  'VM_E_IMAGE_SIZE_TOO_LARGE/VM_E_IMAGE_SIZE_TOO_SMALL':
    'one size is not both too large and too small',
  'E_INVALID_NAME/E_ALREADY_EXISTS': 'no file can exist at a path holding an invalid character',
  'E_BAD_PATHNAME/E_ALREADY_EXISTS': 'a relative imagePath, with no other path, names no file',
  'E_INVALIDARG/VM_E_IMAGE_SIZE_TOO_LARGE': 'an invalid sizeMB has no size to judge',
  'E_INVALIDARG/VM_E_IMAGE_SIZE_TOO_SMALL': 'an invalid sizeMB has no size to judge',
  'E_INVALIDARG/VM_E_FILE_TOO_LARGE_FOR_VOLUME': 'an invalid sizeMB has no file size',
  'VM_E_IMAGE_SIZE_TOO_SMALL/VM_E_FILE_TOO_LARGE_FOR_VOLUME':
    'a file of under 3 MB fits every volume',
};

function precedencePairs(kind: Kind): Array<[Row, Row]> {
  const pairs: Array<[Row, Row]> = [];
  for (const earlier of ROWS) {
    for (const later of ROWS) {
      if (CHECK_ORDER.indexOf(earlier.code) >= CHECK_ORDER.indexOf(later.code)) continue;
      if (canHoldTogether(earlier, later, base(kind))) pairs.push([earlier, later]);
    }
  }
  return pairs;
}

describe('precedence coverage of the sized methods', () => {
  it('every pair of codes is covered, except the pairs that cannot hold at once', () => {
    for (const kind of ['dynamic', 'fixed'] as const) {
      const covered = new Set(precedencePairs(kind).map(([e, l]) => `${e.code}/${l.code}`));
      const uncovered = CHECK_ORDER.flatMap((e, i) =>
        CHECK_ORDER.slice(i + 1)
          .map((l) => `${e}/${l}`)
          .filter((key) => !covered.has(key)),
      );
      expect(uncovered.sort()).toEqual(Object.keys(CANNOT_HOLD_TOGETHER).sort());
    }
  });
});

for (const kind of ['dynamic', 'fixed'] as const) {
  const method = kind === 'dynamic' ? 'CreateDynamicVirtualHardDisk' : 'CreateFixedVirtualHardDisk';

  describe(`${method} return codes`, () => {
    it('S_OK: the image is written with the vs   creator and the requested size', async () => {
      const { hr, host, task } = await run(base(kind));
      expect(hresultName(hr)).toBe('S_OK');
      expect(task?.Result).toBe(VMTaskResult.Success);
      expect(task?.PercentCompleted).toBe(100);
      const bytes = await host.readFile(IMAGE);
      const footer = decodeFooter(bytes.subarray(bytes.length - 512));
      expect(footer.creatorApplication).toBe('vs  ');
      expect(footer.creatorVersion).toBe(0x00010000);
      expect(footer.creatorHostOs).toBe(0x5769326b);
      expect(footer.currentSize).toBe(16 * MiB);
      expect(footer.diskType).toBe(kind === 'dynamic' ? 3 : 2);
      if (kind === 'fixed') {
        expect(bytes.length).toBe(16 * MiB + 512);
      } else {
        expect(bytes.subarray(0, 512)).toEqual(bytes.subarray(bytes.length - 512));
        const header = decodeDynamicHeader(bytes.subarray(512, 1536));
        expect(header.blockSize).toBe(2 * MiB);
        expect(header.maxTableEntries).toBe(8);
      }
    });

    for (const row of ROWS) {
      it(`${row.code}: ${row.name}; nothing changes`, async () => {
        const { hr, before, after } = await run(row.apply(base(kind)));
        expect(hresultName(hr)).toBe(row.code);
        expect(after).toEqual(before);
      });
    }
  });

  describe(`${method} precedence (the earlier check wins)`, () => {
    for (const [earlier, later] of precedencePairs(kind)) {
      it(`${earlier.code} (${earlier.name}) before ${later.code} (${later.name})`, async () => {
        const { hr, before, after } = await run(earlier.apply(later.apply(base(kind))));
        expect(hresultName(hr)).toBe(earlier.code);
        expect(after).toEqual(before);
      });
    }
  });
}

describe('size limits at their exact edges', () => {
  it('3 MB is the smallest size, 2,088,959 MB the largest (dynamic)', async () => {
    for (const [sizeMB, code] of [
      [2, 'VM_E_IMAGE_SIZE_TOO_SMALL'],
      [3, 'S_OK'],
      [2_088_959, 'S_OK'],
      [2_088_960, 'VM_E_IMAGE_SIZE_TOO_LARGE'],
    ] as const) {
      const { hr } = await run({ ...base('dynamic'), sizeMB });
      expect(hresultName(hr)).toBe(code);
    }
  });

  it('FAT32: an image is refused exactly when its file would pass 4 GiB - 1 byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Kind>('dynamic', 'fixed'),
        fc.integer({ min: 4080, max: 4100 }),
        async (kind, sizeMB) => {
          const fileBytes = expandedFileSize({ type: kind, sizeBytes: sizeMB * MiB });
          const { hr } = await run(
            { ...base(kind), fileSystem: 'FAT32', sizeMB, freeBytes: 8 * GiB },
            { cancel: true },
          );
          expect(hresultName(hr)).toBe(
            fileBytes > 2 ** 32 - 1 ? 'VM_E_FILE_TOO_LARGE_FOR_VOLUME' : 'S_OK',
          );
        },
      ),
      { numRuns: 12 },
    );
    // The exact edge: the largest size in MB whose file fits, and the next one.
    for (const kind of ['dynamic', 'fixed'] as const) {
      let last = 4000;
      while (expandedFileSize({ type: kind, sizeBytes: (last + 1) * MiB }) <= 2 ** 32 - 1) last++;
      const fits = await run(
        { ...base(kind), fileSystem: 'FAT32', sizeMB: last, freeBytes: 8 * GiB },
        { cancel: true },
      );
      expect(hresultName(fits.hr)).toBe('S_OK');
      const over = await run({
        ...base(kind),
        fileSystem: 'FAT32',
        sizeMB: last + 1,
        freeBytes: 8 * GiB,
      });
      expect(hresultName(over.hr)).toBe('VM_E_FILE_TOO_LARGE_FOR_VOLUME');
    }
    // Both sides of the edge exist in that range.
    expect(expandedFileSize({ type: 'fixed', sizeBytes: 4095 * MiB })).toBeLessThanOrEqual(
      2 ** 32 - 1,
    );
    expect(expandedFileSize({ type: 'fixed', sizeBytes: 4096 * MiB })).toBeGreaterThan(2 ** 32 - 1);
    expect(expandedFileSize({ type: 'dynamic', sizeBytes: 4080 * MiB })).toBeLessThanOrEqual(
      2 ** 32 - 1,
    );
    expect(expandedFileSize({ type: 'dynamic', sizeBytes: 4096 * MiB })).toBeGreaterThan(
      2 ** 32 - 1,
    );
  });

  it('free space: dynamic needs 8 MB; fixed needs its file in whole clusters', async () => {
    const dyn = async (freeBytes: number) =>
      hresultName((await run({ ...base('dynamic'), freeBytes })).hr);
    expect(await dyn(8 * MiB - 1)).toBe('E_DISK_FULL');
    expect(await dyn(8 * MiB)).toBe('S_OK');
    const fixed = async (freeBytes: number) =>
      hresultName((await run({ ...base('fixed'), freeBytes })).hr);
    const occupied = 16 * MiB + 4096; // 16 MB + 512-byte footer, in 4 KiB clusters
    expect(await fixed(occupied - 1)).toBe('E_DISK_FULL');
    expect(await fixed(occupied)).toBe('S_OK');
  });
});
