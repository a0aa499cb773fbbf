/**
 * Command sequences (fast-check `commands`): create dynamic, fixed and differencing disks
 * (chains of any depth), write through the top of a chain, read, copy a disk, Merge, MergeTo,
 * Convert, Compact and put_Parent, shut down, inject faults and cut the power, against a
 * separate model of the volume. After every command: no ancestor has changed (but a merge
 * target, at the merged sectors), no file or folder exists that the model does not know, and
 * free space plus the clusters of every file stays constant. After a power cut the suite
 * restarts on the durable state and every disk reads as before the command or as after it.
 * @module
 */
import fc from 'fast-check';
import { firstDifference, repeating256 } from '../_internal/bytes.js';
import { openHostChain } from '../_internal/chain-access.js';
import type { ProbeFault } from '../_internal/probe-host.js';
import { type Prepared, prepare } from '../_internal/setup.js';
import { MIB, TIB } from '../_internal/units.js';
import { describeHr, HR, type HrName, TASK_RESULT } from '../hresults.js';
import { type PowerCutHost, powerCutsOf } from '../power-cuts.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { CreateCall, HostState } from '../state.js';
import type { ComTask, OutParam, Subject } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import {
  type ChainModel,
  chainWrites,
  cloneModel,
  emptyModel,
  expectedBytes,
  key,
  type ModelDisk,
  parentKeys,
} from './_helpers/chain-model.js';
import { expectDisk, getHardDisk } from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import {
  type CutPlan,
  type CutScope,
  cutArb,
  describeCut,
  judgeCut,
  NO_POWER_CUTS,
  POWER_CUT,
  restartAfterCut,
} from './_helpers/power-cut-judge.js';
import { entriesOf } from './_helpers/snapshots.js';

export type { ChainModel } from './_helpers/chain-model.js';

const FOLDERS = ['s', 's\\deep', 'T'];
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

/** The real side: the host and server the sequence runs on, and the case context. */
export interface ChainReal {
  /** The host and server now: a power cut replaces them with a restarted pair. */
  prepared: Prepared;
  readonly subject: Subject;
  readonly ctx: CaseContext;
  /** Free bytes plus the clusters of every file, at the start. */
  readonly budget: number;
  /** Whether the subject accounts free space exactly. */
  readonly exactFreeSpace: boolean;
  /** The release of every host of the sequence (one more per power cut), run when it ends. */
  readonly releases: Array<() => Promise<void>>;
}

async function usedBudget(prepared: Prepared): Promise<number> {
  const info = prepared.host.volumeInfo('C');
  const cluster = info?.clusterBytes ?? 4096;
  const snapshot = await prepared.host.snapshot();
  let used = 0;
  for (const entry of snapshot.volumes.find((v) => v.drive === 'C')?.entries ?? []) {
    if (entry.kind === 'file') used += Math.ceil(entry.size / cluster) * cluster;
  }
  return (info?.freeBytes ?? 0) + used;
}

/** The entries the host has that the model does not know, and the other way round; only what is there. */
export function describeEntryDrift(stray: readonly string[], missing: readonly string[]): string {
  return [
    stray.length > 0 ? `unexpected entries ${stray.join(', ')}` : '',
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * Checks the invariants after a command, each charged to its own requirement, or all to
 * `charge` (right after a power cut, to `STATE.power-cut`). A temporary file a cut left is
 * known until it goes.
 */
async function checkInvariants(model: ChainModel, real: ChainReal, charge?: string): Promise<void> {
  const { prepared, ctx } = real;
  const snapshot = await prepared.host.snapshot();
  const entries = entriesOf(snapshot);
  const as = (id: string) => charge ?? id;
  ctx.exercise('STATE.ancestors-unchanged');
  for (const [ancestor, digest] of model.ancestors) {
    const now = entries.get(ancestor);
    ctx.expect(
      as('STATE.ancestors-unchanged'),
      now?.digest === digest,
      () => `ancestor ${ancestor} changed`,
    );
  }
  ctx.exercise('STATE.no-partial-file');
  for (const k of model.leftovers) if (!entries.has(k)) model.leftovers.delete(k);
  const known = new Set([...model.disks.keys(), ...model.folders, ...model.leftovers]);
  const stray = [...entries.keys()].filter((k) => !known.has(k));
  const missing = [...known].filter((k) => !entries.has(k));
  ctx.expect(as('STATE.no-partial-file'), stray.length === 0 && missing.length === 0, () =>
    describeEntryDrift(stray, missing),
  );
  if (!real.exactFreeSpace) return;
  ctx.exercise('STATE.free-space-exact');
  const budget = await usedBudget(prepared);
  ctx.expect(
    as('STATE.free-space-exact'),
    budget === real.budget,
    () => `free space + file clusters went from ${real.budget} to ${budget}`,
  );
}

/**
 * Makes every disk some disk is made over an ancestor (with its digest now) and drops those
 * that no longer are one (put_Parent re-linked their last child elsewhere).
 */
async function noteAncestors(model: ChainModel, real: ChainReal): Promise<void> {
  const parents = parentKeys(model);
  const fresh = [...parents].filter((k) => !model.ancestors.has(k));
  if (fresh.length > 0) {
    const entries = entriesOf(await real.prepared.host.snapshot());
    for (const k of fresh) model.ancestors.set(k, entries.get(k)?.digest ?? '');
  }
  for (const k of model.ancestors.keys()) if (!parents.has(k)) model.ancestors.delete(k);
}

/** A cut armed on the host for one command, and the model before it. */
interface ArmedCut {
  readonly cuts: PowerCutHost;
  readonly before: ChainModel;
}

/**
 * Arms `cut` when the subject's host offers power cuts (noting `STATE.power-cut` not applicable
 * when it does not). Armed only for a command the model says succeeds.
 */
function armCut(
  model: ChainModel,
  real: ChainReal,
  cut: CutPlan | undefined,
  succeeds: boolean,
): ArmedCut | undefined {
  if (cut === undefined || !succeeds) return undefined;
  const cuts = powerCutsOf(real.prepared.host);
  if (cuts === undefined) {
    real.ctx.inapplicable(POWER_CUT, NO_POWER_CUTS);
    return undefined;
  }
  const before = cloneModel(model);
  cuts.faults.powerCutAt(cut.op, cut.n, { torn: cut.torn });
  return { cuts, before };
}

/**
 * After the command ran with `armed`: when the power failed, restarts on the durable state,
 * judges it against the model before and after (`effect` turns the one into the other), goes on
 * from what the disks read as, and returns true; otherwise disarms and returns false.
 */
async function settleCut(
  armed: ArmedCut | undefined,
  model: ChainModel,
  real: ChainReal,
  effect: (after: ChainModel) => void,
  scope: CutScope,
  what: string,
): Promise<boolean> {
  if (armed === undefined) return false;
  if (!armed.cuts.faults.poweredOff) {
    armed.cuts.faults.clear();
    return false;
  }
  const after = cloneModel(armed.before);
  effect(after);
  real.prepared = await restartAfterCut(real.subject, armed.cuts, (release) =>
    real.releases.push(release),
  );
  const recovered = await judgeCut({
    prepared: real.prepared,
    before: armed.before,
    after,
    scope,
    ctx: real.ctx,
    what,
  });
  Object.assign(model, recovered);
  await checkInvariants(model, real, POWER_CUT);
  return true;
}

/** Reads the chain from `path` over its first `length` bytes and compares it with the model. */
async function expectChainReads(
  model: ChainModel,
  real: ChainReal,
  path: string,
  what: string,
): Promise<void> {
  const disk = model.disks.get(key(path)) as ModelDisk;
  const length = Math.min(disk.sizeBytes, 6160 * 512);
  const opened = await openHostChain(real.prepared.host, path);
  const bytes = new Uint8Array(length);
  try {
    await opened.chain.read(bytes, 0);
  } finally {
    await opened.chain.close();
  }
  const want = expectedBytes(model, path, 0, length);
  real.ctx.exercise('STATE.chain-reads');
  real.ctx.expect(
    'STATE.chain-reads',
    firstDifference(bytes, want) < 0,
    () => `after ${what}, ${path} reads other bytes than the model`,
  );
}

type CreateKind = 'dynamic' | 'fixed' | 'differencing';

const PREFIX: Readonly<Record<CreateKind, string>> = {
  dynamic: 'CDYN',
  fixed: 'CFIX',
  differencing: 'CDVHD',
};

class CreateCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  constructor(
    readonly kind: CreateKind,
    readonly folder: string,
    readonly name: string,
    readonly sizeMB: number,
    readonly parentIndex: number,
    readonly fault: ProbeFault | undefined,
    readonly cut: CutPlan | undefined = undefined,
  ) {}
  private path(): string {
    return `C:\\${this.folder}\\${this.name}.vhd`;
  }
  private parent(model: ChainModel): ModelDisk | undefined {
    const disks = [...model.disks.values()];
    return disks[this.parentIndex % Math.max(1, disks.length)];
  }
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return this.kind !== 'differencing' || model.disks.size > 0;
  }
  /** The creation call this command makes. */
  private call(parent: ModelDisk | undefined): CreateCall {
    const path = this.path();
    if (this.kind === 'differencing') {
      return {
        method: 'CreateDifferencingVirtualHardDisk',
        imagePath: path,
        parentPath: parent?.path ?? '',
        nullTask: false,
      };
    }
    return {
      method:
        this.kind === 'dynamic' ? 'CreateDynamicVirtualHardDisk' : 'CreateFixedVirtualHardDisk',
      imagePath: path,
      sizeMB: this.sizeMB,
      nullTask: false,
    };
  }
  /** What the call must answer in the model's state, and the requirement that says so. */
  private expectation(model: ChainModel): { code: HrName; id: string } {
    const path = this.path();
    const prefix = PREFIX[this.kind];
    if (model.shuttingDown) {
      return { code: 'VM_E_APP_SHUTTING_DOWN', id: `${prefix}.VM_E_APP_SHUTTING_DOWN` };
    }
    if (model.disks.has(key(path)) || model.folders.has(key(path))) {
      const what = model.folders.has(key(path)) ? 'folder' : 'file';
      return { code: 'E_ALREADY_EXISTS', id: `${prefix}.E_ALREADY_EXISTS.${what}` };
    }
    return { code: 'S_OK', id: `${prefix}.S_OK` };
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const { ctx } = real;
    const prepared = real.prepared;
    const parent = this.kind === 'differencing' ? this.parent(model) : undefined;
    const expected = this.expectation(model);
    const call = this.call(parent);
    const out: OutParam<ComTask> = { value: undefined };
    if (this.fault) prepared.probe.injectFault(this.fault);
    const armed = armCut(model, real, this.fault ? undefined : this.cut, expected.code === 'S_OK');
    const refusal = expected.code === 'S_OK' ? undefined : expected.code;
    const hr = await invoke(ctx, expected.id, prepared.server, call, out, refusal);
    const task = out.value;
    if (hr === HR.S_OK && task) await waitForTask(ctx, expected.id, task, call.method);
    const effect = (after: ChainModel) => this.record(after, parent);
    if (await settleCut(armed, model, real, effect, { target: this.path() }, this.toString())) {
      return;
    }
    const fired = this.fault !== undefined && prepared.probe.faultFired;
    prepared.probe.injectFault(undefined);
    ctx.exercise(expected.id);
    if (hr !== HR[expected.code]) {
      ctx.fail(
        expected.id,
        `${this.toString()} gave ${describeHr(hr)}, expected ${describeHr(HR[expected.code])}`,
      );
    }
    if (hr === HR.S_OK && fired && this.kind === 'differencing' && this.fault) {
      this.judgeFault(this.fault, task, ctx);
    }
    if (hr === HR.S_OK && !fired) {
      ctx.expect(
        expected.id,
        task?.Result === TASK_RESULT.Success,
        () => `${this.toString()} task ended with Result ${task?.Result}`,
      );
      this.record(model, parent);
      await noteAncestors(model, real);
    }
    await checkInvariants(model, real);
  }
  /** A fault that fired during the task: DiskRelatedError with E_DISK_FULL or DISP_E_EXCEPTION. */
  private judgeFault(fault: ProbeFault, task: ComTask | null | undefined, ctx: CaseContext): void {
    const failureId = fault.code === 'ENOSPC' ? 'CDVHD.task.disk-full' : 'CDVHD.DISP_E_EXCEPTION';
    const wanted = fault.code === 'ENOSPC' ? HR.E_DISK_FULL : HR.DISP_E_EXCEPTION;
    ctx.exercise(failureId);
    ctx.expect(
      failureId,
      task?.Result === TASK_RESULT.DiskRelatedError && (task?.Error ?? 0) >>> 0 === wanted,
      () => `${this.toString()}: Result ${task?.Result}, Error ${describeHr(task?.Error)}`,
    );
  }
  /** The model after a successful creation: the folders and the disk (its parent an ancestor). */
  private record(model: ChainModel, parent: ModelDisk | undefined): void {
    const path = this.path();
    const folderKeys = this.folder
      .split('\\')
      .map((_, i, all) => key(`C:\\${all.slice(0, i + 1).join('\\')}`));
    for (const folder of folderKeys) model.folders.add(folder);
    model.disks.set(key(path), {
      path,
      sizeBytes: parent?.sizeBytes ?? this.sizeMB * MIB,
      parent: parent ? key(parent.path) : undefined,
      kind: this.kind,
      uuid: key(path),
      parentUuid: parent?.uuid,
      writes: [],
    });
  }
  toString(): string {
    const what =
      this.kind === 'differencing'
        ? `differencing(parent #${this.parentIndex})`
        : `${this.kind}(${this.sizeMB} MB)`;
    const fault = this.fault
      ? ` with ${this.fault.code} at ${this.fault.operation} #${this.fault.nth}`
      : this.cut
        ? describeCut(this.cut)
        : '';
    return `create ${what} C:\\${this.folder}\\${this.name}.vhd${fault}`;
  }
}

class WriteCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  constructor(
    readonly diskIndex: number,
    readonly sector: number,
    readonly sectors: number,
    readonly fill: number,
  ) {}
  private leaf(model: ChainModel): ModelDisk | undefined {
    const leaves = [...model.disks.values()].filter((d) => !model.ancestors.has(key(d.path)));
    return leaves[this.diskIndex % Math.max(1, leaves.length)];
  }
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return [...model.disks.values()].some((d) => !model.ancestors.has(key(d.path)));
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const disk = this.leaf(model);
    if (disk === undefined) return;
    const offset = Math.min(this.sector * 512, disk.sizeBytes - this.sectors * 512);
    const bytes = repeating256(this.sectors * 512, (i) => (this.fill + i * 13) & 0xff);
    const opened = await openHostChain(real.prepared.host, disk.path, { writable: true });
    try {
      await opened.chain.write(bytes, offset);
      await opened.chain.sync();
    } finally {
      await opened.chain.close();
    }
    disk.writes.push({ offset, bytes });
    await checkInvariants(model, real);
  }
  toString(): string {
    return `write ${this.sectors} sectors at sector ${this.sector} of leaf #${this.diskIndex}`;
  }
}

/** A disk method of the sequences. */
type DiskOp = 'Merge' | 'MergeTo' | 'Convert' | 'Compact' | 'put_Parent';

const OP_PREFIX: Readonly<Record<DiskOp, string>> = {
  Merge: 'MERGE',
  MergeTo: 'MERGETO',
  Convert: 'CONVERT',
  Compact: 'COMPACT',
  put_Parent: 'PUTPARENT',
};

/**
 * put_Parent's argument: the disk's own parent where it is (`own`), another disk with the
 * parent's identity, a byte copy (`twin`, the parent where there is none), or any disk (`any`).
 */
type ParentPick = 'own' | 'twin' | 'any';

/** Merge, MergeTo, Convert (to a new dynamic image in C:\\T), Compact or put_Parent on a disk. */
class DiskOpCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  /** The cut (put_Parent's never tears: SEMANTICS.md accepts a torn header there). */
  readonly cut: CutPlan | undefined;
  constructor(
    readonly op: DiskOp,
    readonly diskIndex: number,
    readonly name: string,
    cut: CutPlan | undefined = undefined,
    readonly pick: ParentPick = 'own',
    readonly pickIndex = 0,
  ) {
    this.cut = op === 'put_Parent' && cut?.torn ? { ...cut, torn: false } : cut;
  }
  /** The disks it may be called on: a disk that changes in place is never an ancestor. */
  private disk(model: Readonly<ChainModel>): ModelDisk | undefined {
    const inPlace = this.op === 'Merge' || this.op === 'Compact' || this.op === 'put_Parent';
    const disks = [...model.disks.values()].filter(
      (d) => !inPlace || !model.ancestors.has(key(d.path)),
    );
    // a method of differencing disks is drawn on one three times in four, where there is one
    const differencing = disks.filter((d) => d.kind === 'differencing');
    const forDifferencing =
      this.op === 'Merge' || this.op === 'MergeTo' || this.op === 'put_Parent';
    const from =
      forDifferencing && this.diskIndex % 4 !== 0 && differencing.length > 0 ? differencing : disks;
    return from[this.diskIndex % Math.max(1, from.length)];
  }
  /** put_Parent's argument for `disk`. */
  private parentArgument(model: Readonly<ChainModel>, disk: ModelDisk): ModelDisk {
    const all = [...model.disks.values()];
    const own = disk.parent === undefined ? undefined : model.disks.get(disk.parent);
    if (this.pick === 'any' || own === undefined) {
      return all[this.pickIndex % all.length] as ModelDisk;
    }
    if (this.pick === 'own') return own;
    const twins = all.filter((d) => d.uuid === disk.parentUuid && d !== own);
    return twins[this.pickIndex % Math.max(1, twins.length)] ?? own;
  }
  private target(): string {
    return `C:\\T\\${this.name}-new.vhd`;
  }
  /** Run only where its target is free (E_ALREADY_EXISTS is judged by disk.methods.model). */
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    const target = key(this.target());
    const taken =
      (this.op === 'MergeTo' || this.op === 'Convert') &&
      (model.disks.has(target) || model.folders.has(target) || model.leftovers.has(target));
    return this.disk(model) !== undefined && !taken;
  }
  private expectation(model: ChainModel, disk: ModelDisk, parent: ModelDisk | undefined): HrName {
    if (model.shuttingDown) return 'VM_E_APP_SHUTTING_DOWN';
    if (this.op === 'Merge' || this.op === 'MergeTo' || this.op === 'put_Parent') {
      if (disk.kind !== 'differencing') return 'VM_E_WRONG_HD_IMAGE_TYPE';
    }
    if (this.op === 'put_Parent' && parent?.uuid !== disk.parentUuid) {
      return 'VM_E_PARENT_CHILD_ID_MISMATCH';
    }
    if (this.op === 'Compact' && disk.kind !== 'dynamic') return 'VM_E_WRONG_HD_IMAGE_TYPE';
    return 'S_OK';
  }
  /** The disk's IVMHardDisk; GetHardDisk's own failure (or hang) is charged to GetHardDisk. */
  private async handleOf(real: ChainReal, path: string): Promise<object> {
    const got = await getHardDisk(real.prepared, path, real.ctx, {
      id: 'GHD.file',
      kind: 'disk methods',
      expect: 'disk',
    });
    return expectDisk(got, real.ctx, 'GHD.file', path);
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const { ctx } = real;
    const disk = this.disk(model) as ModelDisk;
    const parent = this.op === 'put_Parent' ? this.parentArgument(model, disk) : undefined;
    const expected = this.expectation(model, disk, parent);
    const id = `${OP_PREFIX[this.op]}.${expected}`;
    const handle = await this.handleOf(real, disk.path);
    const parentHandle = parent === undefined ? undefined : await this.handleOf(real, parent.path);
    const out: OutParam<ComTask> = { value: undefined };
    const args =
      this.op === 'put_Parent'
        ? [parentHandle]
        : this.op === 'Merge' || this.op === 'Compact'
          ? [out]
          : [this.target(), 0, out];
    const armed = armCut(model, real, this.cut, expected === 'S_OK');
    const hr = await callMember(
      ctx,
      {
        id,
        member: `IVMHardDisk.${this.op}`,
        what: this.toString(),
        kind: this.op,
        ...(this.op === 'put_Parent' ? { budget: 'work' as const } : {}),
      },
      handle,
      this.op,
      args,
    );
    const task = out.value;
    if (hr === HR.S_OK && task) await waitForTask(ctx, id, task, this.op);
    const effect = (after: ChainModel) => this.record(after, disk.path, parent?.path);
    if (await settleCut(armed, model, real, effect, this.cutScope(disk), this.toString())) return;
    ctx.exercise(id);
    if (hr !== HR[expected]) {
      ctx.fail(id, `${this.toString()} gave ${describeHr(hr)}, expected ${expected}`);
    }
    if (hr === HR.S_OK && task) {
      ctx.expect(
        id,
        task.Result === TASK_RESULT.Success,
        () => `${this.toString()} task ended with Result ${task.Result}`,
      );
    }
    if (hr === HR.S_OK) {
      const changed = this.record(model, disk.path, parent?.path);
      await expectChainReads(model, real, changed, this.toString());
      // a merge target changes, at the merged sectors only (its reads were just checked)
      if (this.op === 'Merge' && model.ancestors.has(key(changed))) {
        const snapshot = entriesOf(await real.prepared.host.snapshot());
        model.ancestors.set(key(changed), snapshot.get(key(changed))?.digest ?? '');
      }
      await noteAncestors(model, real);
    }
    await checkInvariants(model, real);
  }
  /** What a cut in this command may leave besides the disks as before or after. */
  private cutScope(disk: ModelDisk): CutScope {
    if (this.op === 'Merge') return { mergeTarget: disk.parent as string };
    if (this.op === 'MergeTo' || this.op === 'Convert') return { target: this.target() };
    if (this.op === 'put_Parent') return { relinked: disk.path };
    return {};
  }
  /**
   * The model after a successful call on the disk at `path` (`parent`: put_Parent's argument);
   * returns the path of the disk it changed or made.
   */
  private record(model: ChainModel, path: string, parent: string | undefined): string {
    const disk = model.disks.get(key(path)) as ModelDisk;
    if (this.op === 'Merge') {
      const into = model.disks.get(disk.parent as string) as ModelDisk;
      into.writes = [...into.writes, ...disk.writes];
      disk.writes = [];
      return into.path;
    }
    if (this.op === 'put_Parent') {
      disk.parent = key(parent as string);
      return disk.path;
    }
    if (this.op === 'MergeTo' || this.op === 'Convert') {
      const target = this.target();
      model.folders.add(key('C:\\T'));
      model.disks.set(key(target), {
        path: target,
        sizeBytes: disk.sizeBytes,
        parent: undefined,
        kind: 'dynamic',
        uuid: key(target),
        parentUuid: undefined,
        writes: chainWrites(model, disk.path),
      });
      return target;
    }
    return disk.path;
  }
  toString(): string {
    const to =
      this.op === 'MergeTo' || this.op === 'Convert'
        ? `("${this.target()}", 0)`
        : this.op === 'put_Parent'
          ? `(${this.pick} #${this.pickIndex})`
          : '()';
    return `${this.op}${to} on disk #${this.diskIndex}${this.cut ? describeCut(this.cut) : ''}`;
  }
}

/**
 * A byte copy of a dynamic or fixed disk at `C:\\T\\<name>-copy.vhd` (as a user copies an
 * image): a disk with the same identity, put_Parent's argument elsewhere.
 */
class CopyCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  constructor(
    readonly diskIndex: number,
    readonly name: string,
  ) {}
  private source(model: Readonly<ChainModel>): ModelDisk | undefined {
    const disks = [...model.disks.values()].filter((d) => d.kind !== 'differencing');
    return disks[this.diskIndex % Math.max(1, disks.length)];
  }
  private target(): string {
    return `C:\\T\\${this.name}-copy.vhd`;
  }
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    const target = key(this.target());
    return (
      this.source(model) !== undefined && !model.disks.has(target) && !model.leftovers.has(target)
    );
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const source = this.source(model) as ModelDisk;
    const host = real.prepared.host;
    const bytes = await host.readFile(source.path);
    await host.mkdir('C:\\T', { recursive: true });
    const file = await host.open(this.target(), 'createNew');
    try {
      await file.write(bytes, 0);
      await file.sync();
    } finally {
      await file.close();
    }
    model.folders.add(key('C:\\T'));
    model.disks.set(key(this.target()), {
      ...source,
      path: this.target(),
      parent: undefined,
      writes: [...source.writes],
    });
    await checkInvariants(model, real);
  }
  toString(): string {
    return `copy disk #${this.diskIndex} to ${this.target()}`;
  }
}

class ReadCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  constructor(
    readonly diskIndex: number,
    readonly sector: number,
    readonly sectors: number,
  ) {}
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return model.disks.size > 0;
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const disks = [...model.disks.values()];
    const disk = disks[this.diskIndex % disks.length] as ModelDisk;
    const offset = Math.min(this.sector * 512, disk.sizeBytes - this.sectors * 512);
    const opened = await openHostChain(real.prepared.host, disk.path);
    const got = new Uint8Array(this.sectors * 512);
    try {
      await opened.chain.read(got, offset);
    } finally {
      await opened.chain.close();
    }
    const want = expectedBytes(model, disk.path, offset, got.length);
    real.ctx.exercise('STATE.chain-reads');
    real.ctx.expect(
      'STATE.chain-reads',
      firstDifference(got, want) < 0,
      () => `${disk.path} at ${offset} reads other bytes than were written`,
    );
  }
  toString(): string {
    return `read ${this.sectors} sectors at sector ${this.sector} of disk #${this.diskIndex}`;
  }
}

/**
 * The power fails between two commands, and the suite restarts on what was durable: every disk
 * must read as the model says (what a command completed must have been durable when it said so).
 */
class PowerCutCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return model.disks.size > 0;
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const cuts = powerCutsOf(real.prepared.host);
    if (cuts === undefined) {
      real.ctx.inapplicable(POWER_CUT, NO_POWER_CUTS);
      return;
    }
    cuts.faults.powerCut();
    await settleCut(
      { cuts, before: cloneModel(model) },
      model,
      real,
      () => {},
      {},
      this.toString(),
    );
  }
  toString(): string {
    return 'power cut between commands';
  }
}

class ShutdownCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  /** Once three disks exist, so chains grow first. */
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return !model.shuttingDown && model.disks.size >= 3;
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    real.prepared.host.beginShutdown();
    model.shuttingDown = true;
  }
  toString(): string {
    return 'begin shutdown';
  }
}

const faultArb: fc.Arbitrary<ProbeFault | undefined> = fc.option(
  fc.record({
    operation: fc.constantFrom('write', 'truncate', 'mkdir'),
    nth: fc.integer({ min: 1, max: 2 }),
    code: fc.constantFrom('ENOSPC', 'EIO'),
  }),
  { freq: 5, nil: undefined },
);

/** Creating a dynamic or fixed disk of 3 to `maxMB` MB (a fault or a power cut in some). */
const sizedCreateArb = (kind: 'dynamic' | 'fixed', maxMB: number) =>
  fc
    .tuple(
      fc.constantFrom(...FOLDERS),
      fc.constantFrom(...NAMES),
      fc.integer({ min: 3, max: maxMB }),
      faultArb,
      cutArb,
    )
    .map(
      ([folder, name, size, fault, cut]) =>
        new CreateCommand(kind, folder, name, size, 0, fault, cut),
    );

/** Creating a differencing disk over any disk (a fault or a power cut in some). */
const differencingArb = fc
  .tuple(fc.constantFrom(...FOLDERS), fc.constantFrom(...NAMES), fc.nat(20), faultArb, cutArb)
  .map(
    ([folder, name, parent, fault, cut]) =>
      new CreateCommand('differencing', folder, name, 0, parent, fault, cut),
  );

/** Merge, MergeTo, Convert, Compact or put_Parent on a disk (a power cut in some). */
const diskOpArb = fc
  .tuple(
    fc.constantFrom<DiskOp>('Merge', 'MergeTo', 'Convert', 'Compact', 'put_Parent'),
    fc.nat(20),
    fc.constantFrom(...NAMES),
    cutArb,
    fc.constantFrom<ParentPick>('own', 'twin', 'any'),
    fc.nat(20),
  )
  .map(
    ([op, disk, name, cut, pick, pickIndex]) =>
      new DiskOpCommand(op, disk, name, cut, pick, pickIndex),
  );

/** The power failing between two commands. */
const powerCutArb = fc.constant(new PowerCutCommand());

// a chain method, a differencing creation and a power cut between commands are drawn twice as
// often as shutdown and the rest
const commandsArb = fc.commands<ChainModel, ChainReal, true>(
  [
    sizedCreateArb('dynamic', 64),
    sizedCreateArb('fixed', 6),
    differencingArb,
    differencingArb,
    fc
      .tuple(fc.nat(20), fc.nat(6143), fc.integer({ min: 1, max: 16 }), fc.nat(255))
      .map(([disk, sector, sectors, fill]) => new WriteCommand(disk, sector, sectors, fill)),
    fc
      .tuple(fc.nat(20), fc.nat(6143), fc.integer({ min: 1, max: 16 }))
      .map(([disk, sector, sectors]) => new ReadCommand(disk, sector, sectors)),
    fc.constant(new ShutdownCommand()),
    powerCutArb,
    powerCutArb,
    diskOpArb,
    diskOpArb,
    fc
      .tuple(fc.nat(20), fc.constantFrom(...NAMES))
      .map(([disk, name]) => new CopyCommand(disk, name)),
  ],
  { maxCommands: 30, size: '+1' },
);

/** A chain C:\\s\\a.vhd <- C:\\s\\b.vhd <- C:\\s\\c.vhd and a dynamic C:\\s\\d.vhd (not in the chain). */
function chainOfThree(): Array<fc.AsyncCommand<ChainModel, ChainReal, true>> {
  return [
    new CreateCommand('dynamic', 's', 'a', 3, 0, undefined),
    new CreateCommand('differencing', 's', 'b', 0, 0, undefined),
    new CreateCommand('differencing', 's', 'c', 0, 1, undefined),
    new CreateCommand('dynamic', 's', 'd', 3, 0, undefined),
  ];
}

/**
 * Sequences aimed at what random ones reach least: each chain method during shutdown,
 * put_Parent given a disk of another identity, and a power cut (between commands, or in a merge
 * at its first sync). Elsewhere `undefined`.
 */
function aimedCommands(
  id: string,
): fc.Arbitrary<Iterable<fc.AsyncCommand<ChainModel, ChainReal, true>>> | undefined {
  const op = (Object.keys(OP_PREFIX) as DiskOp[]).find(
    (o) => id === `${OP_PREFIX[o]}.VM_E_APP_SHUTTING_DOWN`,
  );
  if (op !== undefined) {
    return fc
      .nat(20)
      .map((disk) => [...chainOfThree(), new ShutdownCommand(), new DiskOpCommand(op, disk, 'a')]);
  }
  if (id === 'PUTPARENT.VM_E_PARENT_CHILD_ID_MISMATCH') {
    // the disks in order a, b, c, d: the top, c, given d instead of its parent b
    return fc.constant([
      ...chainOfThree(),
      new DiskOpCommand('put_Parent', 1, 'a', undefined, 'any', 3),
    ]);
  }
  if (id === POWER_CUT) {
    return fc.constantFrom(
      [...chainOfThree(), new PowerCutCommand()],
      [
        ...chainOfThree(),
        new WriteCommand(0, 8, 4, 7),
        new DiskOpCommand('Merge', 1, 'a', { op: 'sync', n: 1, torn: false }),
      ],
    );
  }
  return undefined;
}

const STATE: HostState = {
  volumes: [
    {
      drive: 'C',
      fileSystem: 'NTFS',
      capacityBytes: TIB,
      freeBytes: TIB / 2,
      free: { kind: 'plenty' },
    },
  ],
  entries: [],
  shuttingDown: false,
  now: '2026-01-01T00:00:00.000Z',
};

async function runCommands(
  subject: Subject,
  commands: Iterable<fc.AsyncCommand<ChainModel, ChainReal, true>>,
  ctx: CaseContext,
): Promise<void> {
  const prepared = await prepare(subject, STATE);
  const releases = [() => prepared.dispose()];
  try {
    const budget = await usedBudget(prepared);
    await fc.asyncModelRun(
      () => ({
        model: emptyModel(),
        real: {
          prepared,
          subject,
          ctx,
          budget,
          exactFreeSpace: subject.exactFreeSpace !== false,
          releases,
        },
      }),
      commands,
    );
  } finally {
    // newest first: a host reopened after a cut may stand on its predecessor's resources
    for (const release of [...releases].reverse()) await release();
  }
}

/** Command sequences over chains. */
export const statefulChains = defineProperty({
  name: 'stateful.chains',
  covers: [
    'STATE.ancestors-unchanged',
    'STATE.chain-reads',
    'STATE.no-partial-file',
    'STATE.free-space-exact',
    'STATE.power-cut',
    ...['CDVHD', 'CDYN', 'CFIX'].flatMap((p) => [
      `${p}.S_OK`,
      `${p}.VM_E_APP_SHUTTING_DOWN`,
      `${p}.E_ALREADY_EXISTS.file`,
    ]),
    'CDVHD.task.disk-full',
    'CDVHD.DISP_E_EXCEPTION',
    ...(['MERGE', 'MERGETO', 'CONVERT', 'COMPACT'] as const).flatMap((p) => [
      `${p}.S_OK`,
      `${p}.VM_E_APP_SHUTTING_DOWN`,
    ]),
    'MERGE.VM_E_WRONG_HD_IMAGE_TYPE',
    'MERGETO.VM_E_WRONG_HD_IMAGE_TYPE',
    'COMPACT.VM_E_WRONG_HD_IMAGE_TYPE',
    'PUTPARENT.S_OK',
    'PUTPARENT.VM_E_APP_SHUTTING_DOWN',
    'PUTPARENT.VM_E_WRONG_HD_IMAGE_TYPE',
    'PUTPARENT.VM_E_PARENT_CHILD_ID_MISMATCH',
    'GHD.file',
  ],
  primary: 'STATE.chain-reads',
  arbitrary: () => commandsArb,
  aimAt: aimedCommands,
  check: (subject, commands, ctx) => runCommands(subject, commands, ctx),
});
