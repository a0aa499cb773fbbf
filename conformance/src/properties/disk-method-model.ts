/**
 * Merge, Compact, MergeTo, Convert and put_Parent (given the disk's own parent) against the
 * surface model: each is called on a dynamic,
 * fixed or differencing disk holding generated writes, in a generated host state (shutdown, the
 * disk or its parent read-only, in use, deleted, replaced, no valid VHD, damaged, flagged as
 * saved state, the parent resized or its folder gone, the volume written nearly full, a target
 * that exists, is not a path, lies on no volume or on a FAT volume too small for it, a wrong
 * type value). The HRESULT is the model's; a refusal changes nothing on any volume; an S_OK
 * task reports 100 only once complete, ends as the model says (Success, or E_DISK_FULL for a
 * merge whose parent cannot grow, the chain reading as before), and the disks read as a byte
 * model says: a merged parent as the chain read before, a new image as the source chain, a
 * compacted disk as before, with every source of a new image unchanged.
 * @module
 */
import type { HostFile } from '@vskit/host';
import { resize } from '@vskit/vhd-format';
import fc from 'fast-check';
import { firstDifference, repeating256 } from '../_internal/bytes.js';
import { openHostChain } from '../_internal/chain-access.js';
import { fillVolume, junkBytes, type Prepared, prepare } from '../_internal/setup.js';
import { GIB, MIB } from '../_internal/units.js';
import { describeHr, HR, nameOfHr, TASK_RESULT } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComTask, OutParam, Subject } from '../subject.js';
import {
  type DiskMethod,
  type MethodCall,
  type MethodState,
  methodRuleOf,
  predictDiskMethod,
  predictTaskError,
  type TargetCase,
  type TargetVolume,
} from '../surface-model.js';
import { waitForTask } from './_helpers/calls.js';
import { editFooters, setSavedState } from './_helpers/footer-edits.js';
import {
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  nameArb,
  pathOf,
  plainState,
  plainVolume,
  sizedCall,
} from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { describeDiff, diffSnapshots, expectNoChange } from './_helpers/snapshots.js';

/** Each method's id prefix. */
const PREFIX: Record<DiskMethod, string> = {
  Merge: 'MERGE',
  Compact: 'COMPACT',
  MergeTo: 'MERGETO',
  Convert: 'CONVERT',
  put_Parent: 'PUTPARENT',
};

/** The codes of the checks every method that changes a disk in place runs first. */
const IN_PLACE = [
  'S_OK',
  'VM_E_APP_SHUTTING_DOWN',
  'E_FILE_NOT_FOUND',
  'E_SHARING_VIOLATION',
  'VM_E_WRONG_HD_IMAGE_TYPE',
  'VM_E_FILE_READ_ONLY',
] as const;

/** MergeTo's and Convert's codes (the same checks). */
const NEW_IMAGE = [
  'S_OK',
  'VM_E_APP_SHUTTING_DOWN',
  'E_INVALID_NAME',
  'E_BAD_PATHNAME',
  'VM_E_WRONG_HD_IMAGE_TYPE',
  'E_FILE_NOT_FOUND',
  'E_SHARING_VIOLATION',
  'VM_E_PARENT_PATH_NOT_FOUND',
  'VM_E_PARENT_CHILD_ID_MISMATCH',
  'E_PATH_NOT_FOUND',
  'E_ALREADY_EXISTS',
] as const;

/** MergeTo's and Convert's codes for a source that is no VHD, the new image's room, the flag. */
const NEW_IMAGE_ROOM = [
  'VM_E_HD_IMAGE_OPEN_FAIL',
  'VM_E_INVALID_HD_FILE',
  'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
  'E_DISK_FULL',
  'saved-state',
] as const;

/**
 * The HRESULTs the model gives each method, named as its ids are, and the rules of their own
 * (`methodRuleOf`): the saved-state flag, a full volume.
 */
const CODES: Record<DiskMethod, readonly string[]> = {
  Merge: [
    ...IN_PLACE,
    'VM_E_PARENT_PATH_NOT_FOUND',
    'VM_E_PARENT_CHILD_ID_MISMATCH',
    'VM_E_HD_IMAGE_OPEN_FAIL',
    'VM_E_INVALID_HD_FILE',
    'saved-state',
    'full-volume',
  ],
  Compact: [
    ...IN_PLACE,
    'VM_E_HD_IMAGE_OPEN_FAIL',
    'VM_E_INVALID_HD_FILE',
    'saved-state',
    'full-volume',
  ],
  MergeTo: [...NEW_IMAGE, ...NEW_IMAGE_ROOM],
  Convert: [...NEW_IMAGE, ...NEW_IMAGE_ROOM],
  put_Parent: [
    ...IN_PLACE,
    'VM_E_PARENT_CHILD_ID_MISMATCH',
    'VM_E_HD_IMAGE_OPEN_FAIL',
    'VM_E_HD_IMAGE_ACCESS',
    'E_PATH_NOT_FOUND',
    'E_INVALIDARG',
    'saved-state',
  ],
};

/** What an S_OK task leaves, per method. */
const READS: Record<DiskMethod, string> = {
  Merge: 'MERGE.parent-reads',
  Compact: 'COMPACT.reads',
  MergeTo: 'MERGETO.target-reads',
  Convert: 'CONVERT.target-reads',
  put_Parent: 'PUTPARENT.reads',
};
const SOURCES = { MergeTo: 'MERGETO.sources-unchanged', Convert: 'CONVERT.sources-unchanged' };
const REFUSAL = 'DISKOPS.refusal-no-change';
const PROGRESS = 'DISKOPS.progress';

/** One write of `sectors` sectors at `sector`, each byte from `fill` (0: zeros). */
export interface SectorWrite {
  readonly sector: number;
  readonly sectors: number;
  readonly fill: number;
}

/** One generated case. */
export interface MethodCase extends MethodCall {
  readonly folders: readonly string[];
  readonly name: string;
  /** Written into the disk (a differencing disk's parent, alone) before the child exists. */
  readonly baseWrites: readonly SectorWrite[];
  /** Written through a differencing disk's chain (nothing for another disk). */
  readonly childWrites: readonly SectorWrite[];
}

/** The id a case's HRESULT is judged by: its rule's when it has one, else its code's. */
export function methodIdOf(v: MethodCall): string {
  return `${PREFIX[v.method]}.${methodRuleOf(v) ?? nameOfHr(predictDiskMethod(v)) ?? 'S_OK'}`;
}

/** The 2 MiB blocks the writes touch. */
function blocksOf(writes: readonly SectorWrite[]): Set<number> {
  const blocks = new Set<number>();
  for (const w of writes) {
    for (
      let b = Math.floor(w.sector / 4096);
      b <= Math.floor((w.sector + w.sectors - 1) / 4096);
      b++
    ) {
      blocks.add(b);
    }
  }
  return blocks;
}

/** Whether a merge of the case's child must allocate a block in its parent. */
function parentGrows(v: MethodCase): boolean {
  const parent = blocksOf(v.baseWrites);
  return [...blocksOf(v.childWrites)].some((b) => !parent.has(b));
}

/** The drive of each target volume (E: is a FAT16 volume of these states). */
const DRIVE: Record<TargetVolume, string> = { NTFS: 'C', FAT32: 'D', FAT16: 'E' };

/** The plain state with a 2 GiB FAT16 volume E: as well. */
function methodState() {
  const state = plainState();
  return { ...state, volumes: [...state.volumes, plainVolume('E', 'FAT16', 2 * GIB)] };
}

/** The bytes of one write: zeros, or byte i = (fill + 7i) mod 256, with 1 in place of 0. */
function bytesOf(w: SectorWrite): Uint8Array {
  if (w.fill === 0) return new Uint8Array(w.sectors * 512);
  return repeating256(w.sectors * 512, (i) => (w.fill + i * 7) & 0xff || 1);
}

/** The bytes the writes leave in the first `length` bytes of the virtual disk. */
function byteModel(writes: readonly SectorWrite[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (const w of writes) out.set(bytesOf(w), w.sector * 512);
  return out;
}

/** The span every write lies in (sectors below 8192 + 64). */
const SPAN = 4 * MIB + 64 * 512;

interface Paths {
  readonly image: string;
  readonly base: string | undefined;
  readonly target: string;
}

function pathsOf(v: MethodCase): Paths {
  const image = pathOf('C', v.folders, `${v.name}.vhd`);
  // a parent whose folder goes lives in a folder of its own
  const baseFolders = v.state === 'parent-folder-gone' ? [...v.folders, 'pf'] : v.folders;
  const base = v.disk === 'differencing' ? pathOf('C', baseFolders, `b-${v.name}.vhd`) : undefined;
  const drive = DRIVE[v.volume];
  const target = ((): string => {
    switch (v.target) {
      case 'new':
      case 'file':
        return pathOf(drive, v.folders, 'new.vhd');
      case 'new-folder':
        return pathOf(drive, [...v.folders, 'made'], 'new.vhd');
      case 'self':
        return image;
      case 'invalid':
        return pathOf('C', v.folders, 'n<w.vhd');
      case 'relative':
        return 'new.vhd';
      case 'no-volume':
        return pathOf('Q', v.folders, 'new.vhd');
    }
  })();
  return { image, base, target };
}

async function writeInto(prepared: Prepared, path: string, writes: readonly SectorWrite[]) {
  if (writes.length === 0) return;
  const opened = await openHostChain(prepared.host, path, { writable: true });
  try {
    for (const w of writes) await opened.chain.write(bytesOf(w), w.sector * 512);
    await opened.chain.sync();
  } finally {
    await opened.chain.close();
  }
}

async function readChain(prepared: Prepared, path: string, length: number): Promise<Uint8Array> {
  const opened = await openHostChain(prepared.host, path);
  try {
    const out = new Uint8Array(length);
    await opened.chain.read(out, 0);
    return out;
  } finally {
    await opened.chain.close();
  }
}

/** Puts the host in the case's state; a handle held with no sharing, or null. */
async function arrange(
  prepared: Prepared,
  v: MethodCase,
  paths: Paths,
  ctx: CaseContext,
  id: string,
): Promise<HostFile | null> {
  const host = prepared.host;
  if (v.target === 'file') {
    const folder = paths.target.slice(0, paths.target.lastIndexOf('\\'));
    if (folder.length > 2) await host.mkdir(folder, { recursive: true });
    await host.writeFile(paths.target, new Uint8Array(512).fill(7));
  }
  const state: MethodState = v.state;
  const parent = paths.base;
  switch (state) {
    case 'as-is':
      return null;
    case 'shutdown':
      host.beginShutdown();
      return null;
    case 'deleted':
      await host.unlink(paths.image);
      return null;
    case 'read-only':
      await host.setReadOnly(paths.image, true);
      return null;
    case 'in-use':
      return host.open(paths.image, 'read', { share: 'none' });
    case 'unreadable':
      prepared.probe.makeUnreadable(paths.image);
      return null;
    case 'parent-unreadable':
      if (parent !== undefined) prepared.probe.makeUnreadable(parent);
      return null;
    case 'junk':
      await host.writeFile(paths.image, junkBytes(2048));
      return null;
    case 'damaged':
      await editFooters(host, paths.image, undefined);
      return null;
    case 'saved-state':
      await setSavedState(host, paths.image);
      return null;
    case 'volume-full': {
      const writesNew = ['new', 'new-folder', 'file'].includes(v.target);
      const drive = writesNew && (v.method === 'MergeTo' || v.method === 'Convert');
      await fillVolume(host, drive ? DRIVE[v.volume] : 'C', MIB);
      return null;
    }
    case 'parent-read-only':
      if (parent !== undefined) await host.setReadOnly(parent, true);
      return null;
    case 'parent-in-use':
      return parent === undefined ? null : host.open(parent, 'read', { share: 'none' });
    case 'parent-deleted':
      if (parent !== undefined) await host.unlink(parent);
      return null;
    case 'parent-replaced':
      if (parent !== undefined) {
        await host.unlink(parent);
        await createThrough(prepared, sizedCall('dynamic', parent, v.sizeMB), ctx, id);
      }
      return null;
    case 'parent-folder-gone':
      if (parent !== undefined) {
        await host.unlink(parent);
        await host.rmdir(parent.slice(0, parent.lastIndexOf('\\')));
      }
      return null;
    case 'parent-damaged':
      if (parent !== undefined) await editFooters(host, parent, undefined);
      return null;
    case 'parent-saved-state':
      if (parent !== undefined) await setSavedState(host, parent);
      return null;
    case 'parent-resized':
      if (parent !== undefined) {
        const file = await host.open(parent, 'readWrite');
        try {
          await resize(file, { sizeBytes: (v.sizeMB + 1) * MIB, exactSize: true });
        } finally {
          await file.close();
        }
      }
      return null;
  }
}

/** Reads PercentCompleted, then IsComplete: a 100 read before the task completed is a fault. */
function hundredBeforeDone(task: ComTask): boolean {
  const percent = Number(task.PercentCompleted);
  return percent >= 100 && !task.IsComplete;
}

function argumentsOf(
  v: MethodCase,
  target: string,
  parent: unknown,
  out: OutParam<ComTask>,
): unknown[] {
  if (v.method === 'put_Parent') return [parent];
  return v.method === 'Merge' || v.method === 'Compact' ? [out] : [target, v.type, out];
}

async function runCase(subject: Subject, v: MethodCase, ctx: CaseContext): Promise<void> {
  const id = methodIdOf(v);
  const predicted = predictDiskMethod(v);
  const prepared = await prepare(subject, methodState());
  let held: HostFile | null = null;
  try {
    const paths = pathsOf(v);
    if (paths.base !== undefined) {
      await createThrough(prepared, sizedCall('dynamic', paths.base, v.sizeMB), ctx, id);
      await writeInto(prepared, paths.base, v.baseWrites);
      await createThrough(prepared, differencingCall(paths.image, paths.base), ctx, id);
      await writeInto(prepared, paths.image, v.childWrites);
    } else {
      const kind = v.disk === 'fixed' ? 'fixed' : 'dynamic';
      await createThrough(prepared, sizedCall(kind, paths.image, v.sizeMB), ctx, id);
      await writeInto(prepared, paths.image, v.baseWrites);
    }
    const written = v.disk === 'differencing' ? [...v.baseWrites, ...v.childWrites] : v.baseWrites;
    const expected = byteModel(written, SPAN);
    const disk = expectDisk(
      await getHardDisk(prepared, paths.image, ctx, { id, kind: 'disk methods', expect: 'disk' }),
      ctx,
      id,
      paths.image,
    );
    // put_Parent's argument: the parent's disk (the disk itself when it has none), taken now
    const parent =
      v.method === 'put_Parent' && paths.base !== undefined
        ? expectDisk(
            await getHardDisk(prepared, paths.base, ctx, {
              id,
              kind: 'disk methods',
              expect: 'disk',
            }),
            ctx,
            id,
            paths.base,
          )
        : disk;
    held = await arrange(prepared, v, paths, ctx, id);
    const before = await prepared.host.snapshot();
    const out: OutParam<ComTask> = { value: undefined };
    const args = argumentsOf(v, paths.target, parent, out);
    const what = `${v.method}(${
      v.method === 'put_Parent'
        ? 'its parent'
        : args
            .slice(0, -1)
            .map((a) => JSON.stringify(a))
            .join(', ')
    }) on a ${v.sizeMB} MB ${v.disk} disk (${v.state}${
      v.method === 'MergeTo' || v.method === 'Convert' ? `, target ${v.target} on ${v.volume}` : ''
    })`;
    const hr = await callMember(
      ctx,
      { id, member: `IVMHardDisk.${v.method}`, what, kind: v.method },
      disk,
      v.method,
      args,
    );
    ctx.exercise(id);
    ctx.expect(
      id,
      hr === predicted,
      () => `${what} gave ${describeHr(hr)}, expected ${describeHr(predicted)}`,
    );
    if (hr !== HR.S_OK) {
      expectNoChange(ctx, REFUSAL, what, before, await prepared.host.snapshot());
      return;
    }
    if (v.method === 'put_Parent') {
      await checkAfter(prepared, v, paths, expected, before, what, ctx);
      return;
    }
    const task = out.value;
    if (task === undefined || task === null) ctx.fail(id, `${what} gave S_OK and no task`);
    ctx.exercise(PROGRESS);
    const early = hundredBeforeDone(task);
    await waitForTask(ctx, id, task, v.method);
    ctx.expect(PROGRESS, !early, () => `${what}: the task read 100% before it was complete`);
    ctx.expect(
      PROGRESS,
      Number(task.PercentCompleted) === 100,
      () => `${what}: the complete task reads ${task.PercentCompleted}%`,
    );
    const error = predictTaskError(v, parentGrows(v));
    const result = error === HR.S_OK ? TASK_RESULT.Success : TASK_RESULT.DiskRelatedError;
    ctx.expect(
      id,
      Number(task.Result) === result && Number(task.Error) === error,
      () =>
        `${what}: the task ended with Result ${task.Result}, Error ${describeHr(task.Error)}; expected Result ${result}, Error ${describeHr(error)}`,
    );
    if (held !== null) await held.close();
    held = null;
    if (error === HR.S_OK) {
      await checkAfter(prepared, v, paths, expected, before, what, ctx);
      return;
    }
    // a failed merge leaves the chain reading as before
    const got = await readChain(prepared, paths.image, SPAN).catch((e: unknown) =>
      ctx.fail(id, `after ${what} failed, ${paths.image} does not open: ${String(e)}`),
    );
    const at = firstDifference(got, expected);
    ctx.expect(id, at < 0, () => `after ${what} failed, the chain reads ${got[at]} at byte ${at}`);
  } finally {
    if (held !== null) await held.close().catch(() => undefined);
    await prepared.dispose();
  }
}

async function checkAfter(
  prepared: Prepared,
  v: MethodCase,
  paths: Paths,
  expected: Uint8Array,
  before: Awaited<ReturnType<Prepared['host']['snapshot']>>,
  what: string,
  ctx: CaseContext,
): Promise<void> {
  const readsId = READS[v.method];
  ctx.exercise(readsId);
  const readPath =
    v.method === 'Merge'
      ? (paths.base as string)
      : v.method === 'Compact' || v.method === 'put_Parent'
        ? paths.image
        : paths.target;
  const got = await readChain(prepared, readPath, SPAN).catch((e: unknown) =>
    ctx.fail(readsId, `after ${what}, ${readPath} does not open: ${String(e)}`),
  );
  const at = firstDifference(got, expected);
  ctx.expect(
    readsId,
    at < 0,
    () =>
      `after ${what}, ${readPath} reads ${got[at]} at byte ${at}, the byte model ${expected[at]}`,
  );
  if (v.method === 'MergeTo' || v.method === 'Convert') {
    const sources = SOURCES[v.method];
    ctx.exercise(sources);
    const diff = diffSnapshots(before, await prepared.host.snapshot());
    ctx.expect(
      sources,
      diff.changed.length + diff.removed.length === 0,
      () => `${what} changed what was there: ${describeDiff({ ...diff, added: [] })}`,
    );
  }
}

const writeArb = (fills: fc.Arbitrary<number>): fc.Arbitrary<SectorWrite> =>
  fc.record({
    // half of them in the first 128 KiB, so that layers often share a block
    sector: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 8191 })),
    sectors: fc.integer({ min: 1, max: 64 }),
    fill: fills,
  });

const STATES: readonly MethodState[] = [
  'as-is',
  'shutdown',
  'deleted',
  'read-only',
  'in-use',
  'unreadable',
  'junk',
  'damaged',
  'saved-state',
  'parent-read-only',
  'parent-in-use',
  'parent-unreadable',
  'parent-deleted',
  'parent-folder-gone',
  'parent-replaced',
  'parent-damaged',
  'parent-saved-state',
  'parent-resized',
  'volume-full',
];
const TARGETS: readonly TargetCase[] = [
  'new',
  'new-folder',
  'file',
  'self',
  'invalid',
  'relative',
  'no-volume',
];

/**
 * A case's new image on a FAT volume with a disk too large for its largest file (MergeTo and
 * Convert of a dynamic or differencing disk only: such a disk is never copied, so it costs
 * nothing); every other case's volume is NTFS when the method writes no new image.
 */
function sized(v: MethodCase & { readonly big: boolean }): MethodCase {
  const { big, ...rest } = v;
  const writesNew = v.method === 'MergeTo' || v.method === 'Convert';
  const volume: TargetVolume = writesNew ? v.volume : 'NTFS';
  const large = writesNew && big && v.disk !== 'fixed' && volume !== 'NTFS';
  const sizeMB = large ? (volume === 'FAT16' ? 2048 : 4096) : v.sizeMB;
  return { ...rest, volume, sizeMB };
}

/**
 * A case of one of `methods`; about half of them in the plain state, on a differencing disk.
 * Without `exactFreeSpace` (real folders: free space cannot be steered) no volume is full.
 */
export function methodCaseArb(
  methods: readonly DiskMethod[] = ['Merge', 'Compact', 'MergeTo', 'Convert', 'put_Parent'],
  exactFreeSpace = true,
): fc.Arbitrary<MethodCase> {
  const states = exactFreeSpace ? STATES : STATES.filter((s) => s !== 'volume-full');
  return fc
    .record({
      method: fc.constantFrom(...methods),
      disk: fc.oneof(
        fc.constant<MethodCase['disk']>('differencing'),
        fc.constantFrom<MethodCase['disk']>('dynamic', 'fixed', 'differencing'),
      ),
      state: fc.oneof(fc.constant<MethodState>('as-is'), fc.constantFrom(...states)),
      target: fc.oneof(
        fc.constantFrom<TargetCase>('new', 'new-folder'),
        fc.constantFrom(...TARGETS),
      ),
      volume: fc.oneof(
        fc.constant<TargetVolume>('NTFS'),
        fc.constantFrom<TargetVolume>('NTFS', 'FAT32', 'FAT16'),
      ),
      big: fc.boolean(),
      type: fc.oneof(fc.constantFrom(0, 1), fc.constantFrom<unknown>(0, 1, 2, 7, '0')),
      sizeMB: fc.integer({ min: 5, max: 9 }),
      folders: foldersArb,
      name: nameArb,
      baseWrites: fc.array(writeArb(fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      childWrites: fc.array(writeArb(fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 3,
      }),
    })
    .map(sized);
}

const METHODS: readonly DiskMethod[] = ['Merge', 'Compact', 'MergeTo', 'Convert', 'put_Parent'];
const CODE_IDS = METHODS.flatMap((m) => CODES[m].map((code) => `${PREFIX[m]}.${code}`));
const EVERY_S_OK = [...Object.values(READS), ...Object.values(SOURCES), PROGRESS];
const IDS = [...CODE_IDS, ...EVERY_S_OK, REFUSAL];

/** The ids only a full volume reaches: real folders cannot be filled (EXACT_FREE_SPACE_IDS). */
export const FULL_VOLUME_IDS: readonly string[] = [
  'MERGE.full-volume',
  'COMPACT.full-volume',
  'MERGETO.E_DISK_FULL',
  'CONVERT.E_DISK_FULL',
];

/**
 * Merge, Compact, MergeTo, Convert and put_Parent: their HRESULTs in generated states, and what
 * they leave.
 */
export const diskMethodModel = defineProperty<MethodCase>({
  name: 'disk.methods.model',
  covers: IDS,
  primary: REFUSAL,
  runsFactor: 2,
  arbitrary: (subject) => methodCaseArb(METHODS, subject.exactFreeSpace !== false),
  aimAt(id, subject) {
    const exact = subject.exactFreeSpace !== false;
    const cases = (methods: readonly DiskMethod[]) => methodCaseArb(methods, exact);
    if (!exact && FULL_VOLUME_IDS.includes(id)) return undefined;
    if (CODE_IDS.includes(id)) {
      const method = METHODS.find((m) => id.startsWith(`${PREFIX[m]}.`)) as DiskMethod;
      return cases([method]).filter((v) => methodIdOf(v) === id);
    }
    const method = METHODS.find((m) => READS[m] === id || SOURCES[m as 'MergeTo'] === id);
    if (method !== undefined) {
      return cases([method]).filter((v) => predictDiskMethod(v) === HR.S_OK);
    }
    if (id === PROGRESS) {
      const tasks = METHODS.filter((m) => m !== 'put_Parent');
      return cases(tasks).filter((v) => predictDiskMethod(v) === HR.S_OK);
    }
    if (id === REFUSAL) return cases(METHODS).filter((v) => predictDiskMethod(v) !== HR.S_OK);
    return undefined;
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
