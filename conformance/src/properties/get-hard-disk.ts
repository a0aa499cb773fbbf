/**
 * IVMVirtualServer.GetHardDisk: the facts of disks the subject created (Type, SizeInGuest, File,
 * SizeOnHost, HostFreeDiskSpace, Parent and get_Parent), its argument and path checks, a file
 * that is not a VHD, a replaced parent (UUID mismatch), a parent that cannot be found, and that
 * the call changes nothing on any volume.
 * @module
 */
import { type HostSnapshot, windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { junkBytes, type Prepared, prepare, stableId, writeImage } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import { dynamicImage, vhdSeconds } from '../_internal/vhd-bytes.js';
import { asHresult, describeHr, HARD_DISK_TYPE, HR } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { Subject } from '../subject.js';
import {
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  NOW,
  nameArb,
  pathOf,
  plainState,
  samePathText,
  sizedCall,
} from './_helpers/hard-disk-calls.js';
import { describeDiff, diffSnapshots } from './_helpers/snapshots.js';

/** What a case does. */
export type GhdKind =
  | 'created'
  | 'null-path'
  | 'null-out'
  | 'missing'
  | 'path-not-found'
  | 'relative'
  | 'invalid-name'
  | 'not-a-vhd'
  | 'long'
  | 'unreadable'
  | 'shutting-down'
  | 'mismatch'
  | 'parent-missing';

/** Every kind, in arbitrary order. */
export const GHD_KINDS: readonly GhdKind[] = [
  'created',
  'null-path',
  'null-out',
  'missing',
  'path-not-found',
  'relative',
  'invalid-name',
  'not-a-vhd',
  'long',
  'unreadable',
  'shutting-down',
  'mismatch',
  'parent-missing',
];

/** One generated GetHardDisk case. */
export interface GhdCase {
  readonly kind: GhdKind;
  readonly type: 'dynamic' | 'fixed' | 'differencing';
  readonly parentType: 'dynamic' | 'fixed';
  readonly sizeMB: number;
  readonly folders: readonly string[];
  readonly name: string;
  readonly parentName: string;
  readonly childDrive: 'C' | 'D';
  readonly parentDrive: 'C' | 'D';
  /** A variant switch each kind reads its own way (null vs undefined, folder vs nothing, ...). */
  readonly variant: number;
  /** Give the path upper-cased, or with a `.` segment (File must come back normalised). */
  readonly spelling: 'as-created' | 'upper' | 'dot';
}

const RELATIVE = ['', 'x.vhd', '\\vms\\x.vhd', '.\\x.vhd', '..\\x.vhd'];
const INVALID = ['*', '?', '<', '>', '|', '"', '/', ':', '\u0001', '\u001f'];

/** Which requirement a kind is charged to. */
const KIND_ID: Readonly<Record<GhdKind, string>> = {
  created: 'GHD.type',
  'null-path': 'GHD.E_POINTER.path',
  'null-out': 'GHD.E_POINTER.out',
  missing: 'GHD.E_FILE_NOT_FOUND',
  'path-not-found': 'GHD.E_PATH_NOT_FOUND',
  relative: 'GHD.E_BAD_PATHNAME',
  'invalid-name': 'GHD.E_INVALID_NAME',
  'not-a-vhd': 'GHD.VM_E_INVALID_HD_FILE',
  long: 'GHD.E_BUFFER_OVERFLOW',
  unreadable: 'GHD.VM_E_HD_IMAGE_OPEN_FAIL',
  'shutting-down': 'GHD.shutdown-does-not-refuse',
  mismatch: 'GHD.VM_E_PARENT_CHILD_ID_MISMATCH',
  'parent-missing': 'GHD.VM_E_PARENT_PATH_NOT_FOUND',
};

/** The disks a case creates through the subject: the image, and its parent when differencing. */
function paths(v: GhdCase): { image: string; parent: string } {
  const parent = pathOf(v.parentDrive, v.folders, `${v.parentName}.vhd`);
  const image =
    v.type === 'differencing'
      ? pathOf(v.childDrive, [...v.folders, 'kids'], `c-${v.name}.vhd`)
      : pathOf(v.childDrive, v.folders, `${v.name}.vhd`);
  return { image, parent };
}

/** Creates the case's disk (and parent) through the subject; returns the image path. */
async function createDisks(prepared: Prepared, v: GhdCase, ctx: CaseContext, id: string) {
  const { image, parent } = paths(v);
  if (v.type === 'differencing') {
    await createThrough(prepared, sizedCall(v.parentType, parent, v.sizeMB), ctx, id);
    await createThrough(prepared, differencingCall(image, parent), ctx, id);
  } else {
    await createThrough(prepared, sizedCall(v.type, image, v.sizeMB), ctx, id);
  }
  return { image, parent };
}

function spelt(path: string, spelling: GhdCase['spelling']): string {
  if (spelling === 'upper') return path.toUpperCase();
  if (spelling === 'dot') return `${path.slice(0, 3)}.\\${path.slice(3)}`;
  return path;
}

async function checkCreated(prepared: Prepared, subject: Subject, v: GhdCase, ctx: CaseContext) {
  const { image, parent } = await createDisks(prepared, v, ctx, 'GHD.type');
  const given = spelt(image, v.spelling);
  const before = await prepared.host.snapshot();
  const disk = expectDisk(
    await getHardDisk(prepared, given, ctx, { id: 'GHD.type', kind: 'created', expect: 'disk' }),
    ctx,
    'GHD.type',
    given,
  );
  const type = Number(disk.Type);
  const wantType =
    v.type === 'dynamic'
      ? HARD_DISK_TYPE.Dynamic
      : v.type === 'fixed'
        ? HARD_DISK_TYPE.FixedSize
        : HARD_DISK_TYPE.Differencing;
  ctx.exercise('GHD.type');
  ctx.expect('GHD.type', type === wantType, () => `a ${v.type} disk has Type ${type}`);
  ctx.exercise('GHD.size-in-guest');
  const size = Number(disk.SizeInGuest);
  ctx.expect(
    'GHD.size-in-guest',
    size === v.sizeMB * MIB,
    () => `SizeInGuest ${size} for a ${v.type} disk of ${v.sizeMB} MB`,
  );
  ctx.exercise('GHD.file');
  const wantFile = windowsPath.format(
    windowsPath.parseAbsolute(given) ?? { drive: '?', segments: [] },
  );
  ctx.expect(
    'GHD.file',
    disk.File === wantFile,
    () =>
      `File ${JSON.stringify(disk.File)} for the path ${JSON.stringify(given)}, expected ${JSON.stringify(wantFile)}`,
  );
  ctx.exercise('GHD.size-on-host');
  const stat = await prepared.host.stat(image);
  const onHost = Number(disk.SizeOnHost);
  ctx.expect(
    'GHD.size-on-host',
    stat !== undefined && onHost === stat.size,
    () => `SizeOnHost ${onHost}, the host says the file has ${stat?.size} bytes`,
  );
  const free = Number(disk.HostFreeDiskSpace);
  const hostFree = prepared.host.volumeInfo(v.childDrive)?.freeBytes;
  ctx.expect(
    'GHD.size-on-host',
    subject.exactFreeSpace === false ? Number.isFinite(free) && free >= 0 : free === hostFree,
    () => `HostFreeDiskSpace ${free}, the host says ${hostFree} bytes are free on ${v.childDrive}:`,
  );
  const out: { value: unknown } = { value: undefined };
  const hr = asHresult(
    await ctx.answer(
      {
        id: v.type === 'differencing' ? 'GHD.parent.differencing' : 'GHD.parent.none',
        what: 'get_Parent',
        kind: 'get_Parent',
        member: 'IVMHardDisk.get_Parent',
        budget: 'quick',
      },
      () => disk.get_Parent(out as { value: string | null | undefined }),
    ),
  );
  if (v.type === 'differencing') {
    ctx.exercise('GHD.parent.differencing');
    ctx.expect(
      'GHD.parent.differencing',
      samePathText(disk.Parent, parent) &&
        hr === HR.S_OK &&
        samePathText(parentFile(out.value), parent),
      () =>
        `Parent ${JSON.stringify(disk.Parent)}, get_Parent ${describeHr(hr)} with ${JSON.stringify(out.value)}; the parent is ${parent}`,
    );
  } else {
    ctx.exercise('GHD.parent.none');
    ctx.expect(
      'GHD.parent.none',
      disk.Parent === null && hr === HR.S_FALSE && (out.value === null || out.value === undefined),
      () =>
        `a ${v.type} disk: Parent ${JSON.stringify(disk.Parent)}, get_Parent ${describeHr(hr)} with ${JSON.stringify(out.value)}`,
    );
  }
  expectUnchanged(before, await prepared.host.snapshot(), ctx, given);
}

/** GHD.no-change: the host after GetHardDisk is the host before it. */
function expectUnchanged(
  before: HostSnapshot,
  after: HostSnapshot,
  ctx: CaseContext,
  path: unknown,
): void {
  const diff = diffSnapshots(before, after);
  ctx.exercise('GHD.no-change');
  ctx.expect(
    'GHD.no-change',
    diff.added.length + diff.removed.length + diff.changed.length === 0,
    () => `GetHardDisk(${JSON.stringify(path)}) changed the host: ${describeDiff(diff)}`,
  );
}

/** The path a case calls GetHardDisk with, the HRESULT due, and whether the out-parameter is null. */
interface Arranged {
  readonly path: string | null | undefined;
  readonly want: number;
  readonly nullOut?: boolean;
}

/** Sets one kind of case up. */
type Arrange = (prepared: Prepared, v: GhdCase, ctx: CaseContext) => Promise<Arranged>;

/** `name` in the case's folder on the child's drive. */
const here = (v: GhdCase, name: string) => pathOf(v.childDrive, v.folders, name);

/** A component of the folder is a file, the drive has no volume, or a folder is missing. */
const pathNotFound: Arrange = async (prepared, v) => {
  if (v.variant % 3 === 2) {
    // a component of the folder is a file
    await prepared.host.mkdir(here(v, ''), { recursive: true });
    await prepared.host.writeFile(here(v, 'blocker.txt'), junkBytes(10));
    return {
      path: pathOf(v.childDrive, [...v.folders, 'blocker.txt'], `${v.name}.vhd`),
      want: HR.E_PATH_NOT_FOUND,
    };
  }
  return v.variant % 3 === 0
    ? { path: pathOf('Q', v.folders, `${v.name}.vhd`), want: HR.E_PATH_NOT_FOUND }
    : {
        path: pathOf(v.childDrive, [...v.folders, 'gone'], `${v.name}.vhd`),
        want: HR.E_PATH_NOT_FOUND,
      };
};

/** C:\long\<segment>\d.vhd of exactly 259 characters (opens) or 260 and more (refused). */
const long: Arrange = async (prepared, v, ctx) => {
  const length = v.variant % 2 === 0 ? 259 : 260 + (v.variant % 40);
  const target = pathOf(v.childDrive, ['long', 'x'.repeat(length - 14)], 'd.vhd');
  if (length === 259) {
    await createThrough(prepared, sizedCall('dynamic', target, 3), ctx, KIND_ID.long);
    return { path: target, want: HR.S_OK };
  }
  return { path: target, want: HR.E_BUFFER_OVERFLOW };
};

/** The parent (or grandparent) replaced by another VHD: by the suite, or created again by the subject. */
const mismatch: Arrange = async (prepared, v, ctx) => {
  const id = KIND_ID.mismatch;
  const { image, parent } = await createDisks(prepared, { ...v, type: 'differencing' }, ctx, id);
  let top = image;
  if (v.variant % 4 >= 2) {
    // one layer more: the replaced parent is the top's grandparent
    top = pathOf(v.childDrive, [...v.folders, 'kids'], `g-${v.name}.vhd`);
    await createThrough(prepared, differencingCall(top, image), ctx, id);
  }
  await prepared.host.unlink(parent);
  if (v.variant % 2 === 0) {
    // another VHD of the same size, built by the suite with its own UUID
    const stranger = dynamicImage(
      v.sizeMB * MIB,
      vhdSeconds(new Date(NOW)),
      stableId(`other ${parent}`),
    );
    await writeImage(prepared.host, parent, stranger);
  } else {
    // the subject creates another disk at the parent's path: a fresh UUID
    await createThrough(prepared, sizedCall(v.parentType, parent, v.sizeMB), ctx, id);
  }
  return { path: top, want: HR.VM_E_PARENT_CHILD_ID_MISMATCH };
};

/** How each kind of case (but `created`, checked on its own) is set up. */
const ARRANGE: Readonly<Record<Exclude<GhdKind, 'created'>, Arrange>> = {
  'null-path': async (_prepared, v) => ({
    path: v.variant % 2 === 0 ? null : undefined,
    want: HR.E_POINTER,
  }),
  'null-out': async (prepared, v, ctx) => {
    const { image } = await createDisks(prepared, v, ctx, KIND_ID['null-out']);
    return { path: image, want: HR.E_POINTER, nullOut: true };
  },
  missing: async (prepared, v) => {
    await prepared.host.mkdir(here(v, ''), { recursive: true });
    const target = here(v, `${v.name}.vhd`);
    if (v.variant % 2 === 1) await prepared.host.mkdir(target);
    return { path: target, want: HR.E_FILE_NOT_FOUND };
  },
  'path-not-found': pathNotFound,
  relative: async (_prepared, v) => ({
    path: RELATIVE[v.variant % RELATIVE.length],
    want: HR.E_BAD_PATHNAME,
  }),
  'invalid-name': async (_prepared, v) => {
    const bad = INVALID[v.variant % INVALID.length] as string;
    return { path: here(v, `${v.name}${bad}.vhd`), want: HR.E_INVALID_NAME };
  },
  'not-a-vhd': async (prepared, v) => {
    await prepared.host.mkdir(here(v, ''), { recursive: true });
    const target = here(v, `${v.name}.vhd`);
    await prepared.host.writeFile(target, junkBytes(v.variant % 2 === 0 ? 2048 : 300));
    return { path: target, want: HR.VM_E_INVALID_HD_FILE };
  },
  long,
  unreadable: async (prepared, v, ctx) => {
    const { image, parent } = await createDisks(
      prepared,
      { ...v, type: v.variant % 2 === 0 ? v.parentType : 'differencing' },
      ctx,
      KIND_ID.unreadable,
    );
    prepared.probe.makeUnreadable(v.variant % 2 === 0 ? image : parent);
    return { path: image, want: HR.VM_E_HD_IMAGE_OPEN_FAIL };
  },
  'shutting-down': async (prepared, v, ctx) => {
    const { image } = await createDisks(prepared, v, ctx, KIND_ID['shutting-down']);
    prepared.host.beginShutdown();
    return { path: image, want: HR.S_OK };
  },
  mismatch,
  'parent-missing': async (prepared, v, ctx) => {
    const { image, parent } = await createDisks(
      prepared,
      { ...v, type: 'differencing' },
      ctx,
      KIND_ID['parent-missing'],
    );
    await prepared.host.unlink(parent);
    return { path: image, want: HR.VM_E_PARENT_PATH_NOT_FOUND };
  },
};

async function runCase(subject: Subject, v: GhdCase, ctx: CaseContext): Promise<void> {
  const prepared = await prepare(subject, plainState());
  try {
    if (v.kind === 'created') {
      await checkCreated(prepared, subject, v, ctx);
      return;
    }
    const id = KIND_ID[v.kind];
    const { path, want, nullOut } = await ARRANGE[v.kind](prepared, v, ctx);
    const before = await prepared.host.snapshot();
    const outcome = await getHardDisk(prepared, path, ctx, {
      id,
      kind: v.kind,
      expect: want === HR.S_OK ? 'disk' : 'refusal',
      nullOut: nullOut ?? false,
    });
    ctx.exercise(id);
    ctx.expect(
      id,
      outcome.hr === want,
      () =>
        `GetHardDisk(${JSON.stringify(path)}${nullOut ? ', null' : ''}) gave ${describeHr(outcome.hr)}, expected ${describeHr(want)}`,
    );
    expectUnchanged(before, await prepared.host.snapshot(), ctx, path);
  } finally {
    await prepared.dispose();
  }
}

/** A case of `kind` (or any kind). */
export function ghdArb(kinds: readonly GhdKind[] = GHD_KINDS): fc.Arbitrary<GhdCase> {
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      type: fc.constantFrom('dynamic', 'fixed', 'differencing'),
      parentType: fc.constantFrom('dynamic', 'fixed'),
      sizeMB: fc.integer({ min: 3, max: 64 }),
      folders: foldersArb,
      name: nameArb,
      parentName: nameArb,
      childDrive: fc.constantFrom('C', 'D'),
      parentDrive: fc.constantFrom('C', 'D'),
      variant: fc.nat({ max: 99 }),
      spelling: fc.constantFrom('as-created', 'upper', 'dot'),
    })
    .map((v): GhdCase => {
      // fixed images are written in full: keep them small
      const fixed = v.type === 'fixed' || v.parentType === 'fixed';
      return { ...v, sizeMB: fixed ? 3 + (v.sizeMB % 6) : v.sizeMB };
    });
}

/** The kinds that exercise each requirement (for cases aimed at one requirement). */
const AIMS: Readonly<Record<string, readonly GhdKind[]>> = {
  ...Object.fromEntries(Object.entries(KIND_ID).map(([kind, id]) => [id, [kind as GhdKind]])),
  'GHD.size-in-guest': ['created'],
  'GHD.file': ['created'],
  'GHD.size-on-host': ['created'],
  'GHD.parent.differencing': ['created'],
  'GHD.parent.none': ['created'],
  'GHD.no-change': GHD_KINDS,
};

/** GetHardDisk. */
export const getHardDiskProperty = defineProperty<GhdCase>({
  name: 'get-hard-disk',
  covers: [
    'GHD.E_POINTER.path',
    'GHD.E_POINTER.out',
    'GHD.E_FILE_NOT_FOUND',
    'GHD.E_PATH_NOT_FOUND',
    'GHD.E_BAD_PATHNAME',
    'GHD.E_INVALID_NAME',
    'GHD.VM_E_INVALID_HD_FILE',
    'GHD.E_BUFFER_OVERFLOW',
    'GHD.VM_E_HD_IMAGE_OPEN_FAIL',
    'GHD.shutdown-does-not-refuse',
    'GHD.type',
    'GHD.size-in-guest',
    'GHD.file',
    'GHD.size-on-host',
    'GHD.parent.differencing',
    'GHD.parent.none',
    'GHD.VM_E_PARENT_CHILD_ID_MISMATCH',
    'GHD.VM_E_PARENT_PATH_NOT_FOUND',
    'GHD.no-change',
  ],
  primary: 'GHD.type',
  arbitrary: () => ghdArb(),
  aimAt(id) {
    const kinds = AIMS[id];
    if (kinds === undefined) return undefined;
    const arb = ghdArb(kinds);
    if (id === 'GHD.parent.differencing')
      return arb.map((v) => ({ ...v, type: 'differencing' as const }));
    if (id === 'GHD.parent.none') {
      return arb.map((v) => ({
        ...v,
        type: v.type === 'differencing' ? ('dynamic' as const) : v.type,
      }));
    }
    return arb;
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});

/**
 * The path get_Parent handed: the parent's IVMHardDisk's `File` (as Virtual Server hands the
 * disk), or a path string (what subjects before that did).
 */
function parentFile(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'File' in value) {
    return (value as { File: unknown }).File;
  }
  return value;
}
