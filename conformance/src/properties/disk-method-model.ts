/**
 * Merge, Compact, MergeTo, Convert and put_Parent (given the disk's own parent) against the
 * surface model: each is called on a dynamic,
 * fixed or differencing disk holding generated writes, in a generated host state (shutdown, the
 * disk or its parent read-only, in use, deleted or replaced, a target that exists, is not a path
 * or lies on no volume, a wrong type value). The HRESULT is the model's; a refusal changes
 * nothing on any volume; an S_OK task reports 100 only once complete, ends Success, and the
 * disks read as a byte model says: a merged parent as the chain read before, a new image as the
 * source chain, a compacted disk as before, with every source of a new image unchanged.
 * @module
 */
import type { HostFile } from '@vskit/host';
import fc from 'fast-check';
import { openHostChain } from '../_internal/chain-access.js';
import { type Prepared, prepare } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import { describeHr, HR, nameOfHr, TASK_RESULT } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComTask, OutParam, Subject } from '../subject.js';
import {
  type DiskMethod,
  type MethodCall,
  type MethodState,
  predictDiskMethod,
  type TargetCase,
} from '../surface-model.js';
import { waitForTask } from './_helpers/calls.js';
import {
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  nameArb,
  pathOf,
  plainState,
  sizedCall,
} from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { aimByModel } from './_helpers/model-aims.js';
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

/** The HRESULTs the model gives each method, named as its ids are. */
const CODES: Record<DiskMethod, readonly string[]> = {
  Merge: [...IN_PLACE, 'VM_E_PARENT_PATH_NOT_FOUND', 'VM_E_PARENT_CHILD_ID_MISMATCH'],
  Compact: IN_PLACE,
  MergeTo: NEW_IMAGE,
  Convert: NEW_IMAGE,
  put_Parent: [...IN_PLACE, 'VM_E_PARENT_CHILD_ID_MISMATCH'],
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
  readonly sizeMB: number;
  readonly folders: readonly string[];
  readonly name: string;
  /** Written into the disk (a differencing disk's parent, alone) before the child exists. */
  readonly baseWrites: readonly SectorWrite[];
  /** Written through a differencing disk's chain (nothing for another disk). */
  readonly childWrites: readonly SectorWrite[];
}

/** The id a case's HRESULT is judged by. */
export function methodIdOf(v: MethodCall): string {
  return `${PREFIX[v.method]}.${nameOfHr(predictDiskMethod(v)) ?? 'S_OK'}`;
}

const bytesOf = (w: SectorWrite): Uint8Array =>
  w.fill === 0
    ? new Uint8Array(w.sectors * 512)
    : Uint8Array.from({ length: w.sectors * 512 }, (_, i) => (w.fill + i * 7) & 0xff || 1);

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
  const base = v.disk === 'differencing' ? pathOf('C', v.folders, `b-${v.name}.vhd`) : undefined;
  const target = ((): string => {
    switch (v.target) {
      case 'new':
      case 'file':
        return pathOf('C', v.folders, 'new.vhd');
      case 'new-folder':
        return pathOf('C', [...v.folders, 'made'], 'new.vhd');
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
  if (v.target === 'file') await host.writeFile(paths.target, new Uint8Array(512).fill(7));
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
  const prepared = await prepare(subject, plainState());
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
    }) on a ${v.disk} disk (${v.state}${
      v.method === 'MergeTo' || v.method === 'Convert' ? `, target ${v.target}` : ''
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
    ctx.expect(
      id,
      Number(task.Result) === TASK_RESULT.Success,
      () => `${what}: the task ended with Result ${task.Result}, Error ${describeHr(task.Error)}`,
    );
    if (held !== null) await held.close();
    held = null;
    await checkAfter(prepared, v, paths, expected, before, what, ctx);
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
  const at = got.findIndex((b, i) => b !== expected[i]);
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
  'parent-read-only',
  'parent-in-use',
  'parent-deleted',
  'parent-replaced',
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

/** A case of one of `methods`; about half of them in the plain state, on a differencing disk. */
export function methodCaseArb(
  methods: readonly DiskMethod[] = ['Merge', 'Compact', 'MergeTo', 'Convert', 'put_Parent'],
): fc.Arbitrary<MethodCase> {
  return fc.record({
    method: fc.constantFrom(...methods),
    disk: fc.oneof(
      fc.constant<MethodCase['disk']>('differencing'),
      fc.constantFrom<MethodCase['disk']>('dynamic', 'fixed', 'differencing'),
    ),
    state: fc.oneof(fc.constant<MethodState>('as-is'), fc.constantFrom(...STATES)),
    target: fc.oneof(fc.constantFrom<TargetCase>('new', 'new-folder'), fc.constantFrom(...TARGETS)),
    type: fc.oneof(fc.constantFrom(0, 1), fc.constantFrom<unknown>(0, 1, 2, 7, '0')),
    sizeMB: fc.integer({ min: 5, max: 9 }),
    folders: foldersArb,
    name: nameArb,
    baseWrites: fc.array(writeArb(fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    childWrites: fc.array(writeArb(fc.integer({ min: 1, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    }),
  });
}

const METHODS: readonly DiskMethod[] = ['Merge', 'Compact', 'MergeTo', 'Convert', 'put_Parent'];
const CODE_IDS = METHODS.flatMap((m) => CODES[m].map((code) => `${PREFIX[m]}.${code}`));
const EVERY_S_OK = [...Object.values(READS), ...Object.values(SOURCES), PROGRESS];
const IDS = [...CODE_IDS, ...EVERY_S_OK, REFUSAL];

const aimCode = aimByModel(CODE_IDS, methodCaseArb, methodIdOf);

/**
 * Merge, Compact, MergeTo, Convert and put_Parent: their HRESULTs in generated states, and what
 * they leave.
 */
export const diskMethodModel = defineProperty<MethodCase>({
  name: 'disk.methods.model',
  covers: IDS,
  primary: REFUSAL,
  runsFactor: 2,
  arbitrary: () => methodCaseArb(),
  aimAt(id) {
    if (CODE_IDS.includes(id)) {
      const method = METHODS.find((m) => id.startsWith(`${PREFIX[m]}.`)) as DiskMethod;
      return methodCaseArb([method]).filter((v) => methodIdOf(v) === id);
    }
    const method = METHODS.find((m) => READS[m] === id || SOURCES[m as 'MergeTo'] === id);
    if (method !== undefined) {
      return methodCaseArb([method]).filter((v) => predictDiskMethod(v) === HR.S_OK);
    }
    if (id === PROGRESS) {
      const tasks = METHODS.filter((m) => m !== 'put_Parent');
      return methodCaseArb(tasks).filter((v) => predictDiskMethod(v) === HR.S_OK);
    }
    if (id === REFUSAL) return methodCaseArb().filter((v) => predictDiskMethod(v) !== HR.S_OK);
    return aimCode(id);
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
