/**
 * Command sequences (fast-check `commands`): create dynamic, fixed and differencing disks
 * (chains of any depth), write through the top of a chain, read, shut down and inject faults,
 * against a separate model of the volume. After every command: no ancestor has changed, no
 * file or folder exists that the model does not know, and free space plus the clusters of every
 * file stays constant.
 * @module
 */
import fc from 'fast-check';
import { openHostChain } from '../_internal/chain-access.js';
import type { ProbeFault } from '../_internal/probe-host.js';
import { type Prepared, prepare } from '../_internal/setup.js';
import { MIB, TIB } from '../_internal/units.js';
import { describeHr, HR, type HrName, TASK_RESULT } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { CreateCall, HostState } from '../state.js';
import type { ComTask, OutParam, Subject } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import { expectDisk, getHardDisk } from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { entriesOf } from './_helpers/snapshots.js';

const FOLDERS = ['s', 's\\deep', 'T'];
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

interface ModelDisk {
  readonly path: string;
  readonly sizeBytes: number;
  readonly parent: string | undefined;
  readonly kind: 'dynamic' | 'fixed' | 'differencing';
  writes: Array<{ offset: number; bytes: Uint8Array }>;
}

/** The model: the disks that exist, which are ancestors, and whether shutdown began. */
export interface ChainModel {
  disks: Map<string, ModelDisk>;
  /** Keys of every folder that exists. */
  folders: Set<string>;
  ancestors: Map<string, string>;
  shuttingDown: boolean;
}

/** The real side: a prepared host and the case context. */
export interface ChainReal {
  readonly prepared: Prepared;
  readonly ctx: CaseContext;
  /** Free bytes plus the clusters of every file, at the start. */
  readonly budget: number;
  /** Whether the subject accounts free space exactly. */
  readonly exactFreeSpace: boolean;
}

const key = (path: string) => path.toUpperCase();

/** The disks of the chain from `path`, its deepest ancestor first. */
function chainOf(model: ChainModel, path: string): ModelDisk[] {
  const chain: ModelDisk[] = [];
  for (let at: string | undefined = key(path); at !== undefined; ) {
    const disk = model.disks.get(at);
    if (disk === undefined) break;
    chain.unshift(disk);
    at = disk.parent;
  }
  return chain;
}

function expectedBytes(
  model: ChainModel,
  path: string,
  offset: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  for (const disk of chainOf(model, path)) {
    for (const w of disk.writes) {
      const from = Math.max(offset, w.offset);
      const to = Math.min(offset + length, w.offset + w.bytes.length);
      if (from < to) out.set(w.bytes.subarray(from - w.offset, to - w.offset), from - offset);
    }
  }
  return out;
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

/** Checks the invariants after a command. */
async function checkInvariants(model: ChainModel, real: ChainReal): Promise<void> {
  const { prepared, ctx } = real;
  const snapshot = await prepared.host.snapshot();
  const entries = entriesOf(snapshot);
  ctx.exercise('STATE.ancestors-unchanged');
  for (const [ancestor, digest] of model.ancestors) {
    const now = entries.get(ancestor);
    ctx.expect(
      'STATE.ancestors-unchanged',
      now?.digest === digest,
      () => `ancestor ${ancestor} changed`,
    );
  }
  ctx.exercise('STATE.no-partial-file');
  const known = new Set([...model.disks.keys(), ...model.folders]);
  const stray = [...entries.keys()].filter((k) => !known.has(k));
  const missing = [...known].filter((k) => !entries.has(k));
  ctx.expect('STATE.no-partial-file', stray.length === 0 && missing.length === 0, () =>
    describeEntryDrift(stray, missing),
  );
  if (!real.exactFreeSpace) return;
  ctx.exercise('STATE.free-space-exact');
  const budget = await usedBudget(prepared);
  ctx.expect(
    'STATE.free-space-exact',
    budget === real.budget,
    () => `free space + file clusters went from ${real.budget} to ${budget}`,
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
    const { prepared, ctx } = real;
    const parent = this.kind === 'differencing' ? this.parent(model) : undefined;
    const expected = this.expectation(model);
    const call = this.call(parent);
    const out: OutParam<ComTask> = { value: undefined };
    if (this.fault) prepared.probe.injectFault(this.fault);
    const refusal = expected.code === 'S_OK' ? undefined : expected.code;
    const hr = await invoke(ctx, expected.id, prepared.server, call, out, refusal);
    const task = out.value;
    if (hr === HR.S_OK && task) await waitForTask(ctx, expected.id, task, call.method);
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
      await this.record(model, real, parent);
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
  /** The model after a successful creation: the folders, the disk, and its parent as an ancestor. */
  private async record(
    model: ChainModel,
    real: ChainReal,
    parent: ModelDisk | undefined,
  ): Promise<void> {
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
      writes: [],
    });
    if (parent && !model.ancestors.has(key(parent.path))) {
      const snapshot = entriesOf(await real.prepared.host.snapshot());
      model.ancestors.set(key(parent.path), snapshot.get(key(parent.path))?.digest ?? '');
    }
  }
  toString(): string {
    const what =
      this.kind === 'differencing'
        ? `differencing(parent #${this.parentIndex})`
        : `${this.kind}(${this.sizeMB} MB)`;
    return `create ${what} C:\\${this.folder}\\${this.name}.vhd${this.fault ? ` with ${this.fault.code} at ${this.fault.operation} #${this.fault.nth}` : ''}`;
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
    const bytes = Uint8Array.from(
      { length: this.sectors * 512 },
      (_, i) => (this.fill + i * 13) & 0xff,
    );
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
type DiskOp = 'Merge' | 'MergeTo' | 'Convert' | 'Compact';

const OP_PREFIX: Readonly<Record<DiskOp, string>> = {
  Merge: 'MERGE',
  MergeTo: 'MERGETO',
  Convert: 'CONVERT',
  Compact: 'COMPACT',
};

/** The writes that make the chain from `path` read as it reads, oldest first. */
function chainWrites(model: ChainModel, path: string): ModelDisk['writes'] {
  return chainOf(model, path).flatMap((d) => d.writes);
}

/** Merge, MergeTo, Convert (to a new dynamic image in C:\\T) or Compact on a disk. */
class DiskOpCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  constructor(
    readonly op: DiskOp,
    readonly diskIndex: number,
    readonly name: string,
  ) {}
  /** The disks it may be called on: a disk that changes in place is never an ancestor. */
  private disk(model: Readonly<ChainModel>): ModelDisk | undefined {
    const inPlace = this.op === 'Merge' || this.op === 'Compact';
    const disks = [...model.disks.values()].filter(
      (d) => !inPlace || !model.ancestors.has(key(d.path)),
    );
    return disks[this.diskIndex % Math.max(1, disks.length)];
  }
  private target(): string {
    return `C:\\T\\${this.name}-new.vhd`;
  }
  /** Run only where its target is free (E_ALREADY_EXISTS is judged by disk.methods.model). */
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    const target = key(this.target());
    const taken =
      (this.op === 'MergeTo' || this.op === 'Convert') &&
      (model.disks.has(target) || model.folders.has(target));
    return this.disk(model) !== undefined && !taken;
  }
  private expectation(model: ChainModel, disk: ModelDisk): HrName {
    if (model.shuttingDown) return 'VM_E_APP_SHUTTING_DOWN';
    if (this.op === 'Merge' || this.op === 'MergeTo') {
      if (disk.kind !== 'differencing') return 'VM_E_WRONG_HD_IMAGE_TYPE';
    }
    if (this.op === 'Compact' && disk.kind !== 'dynamic') return 'VM_E_WRONG_HD_IMAGE_TYPE';
    return 'S_OK';
  }
  async run(model: ChainModel, real: ChainReal): Promise<void> {
    const { prepared, ctx } = real;
    const disk = this.disk(model) as ModelDisk;
    const expected = this.expectation(model, disk);
    const id = `${OP_PREFIX[this.op]}.${expected}`;
    // GetHardDisk's own failure (or hang) is charged to GetHardDisk, not to the method
    const got = await getHardDisk(prepared, disk.path, ctx, {
      id: 'GHD.file',
      kind: 'disk methods',
      expect: 'disk',
    });
    const handle = expectDisk(got, ctx, 'GHD.file', disk.path);
    const out: OutParam<ComTask> = { value: undefined };
    const args = this.op === 'Merge' || this.op === 'Compact' ? [out] : [this.target(), 0, out];
    const hr = await callMember(
      ctx,
      { id, member: `IVMHardDisk.${this.op}`, what: this.toString(), kind: this.op },
      handle,
      this.op,
      args,
    );
    ctx.exercise(id);
    if (hr !== HR[expected]) {
      ctx.fail(id, `${this.toString()} gave ${describeHr(hr)}, expected ${expected}`);
    }
    const task = out.value;
    if (hr === HR.S_OK && task) {
      await waitForTask(ctx, id, task, this.op);
      ctx.expect(
        id,
        task.Result === TASK_RESULT.Success,
        () => `${this.toString()} task ended with Result ${task.Result}`,
      );
      await this.record(model, real, disk);
    }
    await checkInvariants(model, real);
  }
  /** The model after a successful task; the disks it changed or made read as the model says. */
  private async record(model: ChainModel, real: ChainReal, disk: ModelDisk): Promise<void> {
    let changed = disk.path;
    if (this.op === 'Merge') {
      const parent = model.disks.get(disk.parent as string) as ModelDisk;
      parent.writes = [...parent.writes, ...disk.writes];
      disk.writes = [];
      changed = parent.path;
    } else if (this.op === 'MergeTo' || this.op === 'Convert') {
      const path = this.target();
      model.folders.add(key('C:\\T'));
      model.disks.set(key(path), {
        path,
        sizeBytes: disk.sizeBytes,
        parent: undefined,
        kind: 'dynamic',
        writes: chainWrites(model, disk.path),
      });
      changed = path;
    }
    const length = Math.min(disk.sizeBytes, 6160 * 512);
    const opened = await openHostChain(real.prepared.host, changed);
    const bytes = new Uint8Array(length);
    try {
      await opened.chain.read(bytes, 0);
    } finally {
      await opened.chain.close();
    }
    const want = expectedBytes(model, changed, 0, length);
    real.ctx.exercise('STATE.chain-reads');
    real.ctx.expect(
      'STATE.chain-reads',
      bytes.every((b, i) => b === want[i]),
      () => `after ${this.toString()}, ${changed} reads other bytes than the model`,
    );
    // a merge target changes, at the merged sectors only (its reads were just checked)
    if (this.op === 'Merge' && model.ancestors.has(key(changed))) {
      const snapshot = entriesOf(await real.prepared.host.snapshot());
      model.ancestors.set(key(changed), snapshot.get(key(changed))?.digest ?? '');
    }
  }
  toString(): string {
    const to = this.op === 'MergeTo' || this.op === 'Convert' ? `("${this.target()}", 0)` : '()';
    return `${this.op}${to} on disk #${this.diskIndex}`;
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
      got.every((b, i) => b === want[i]),
      () => `${disk.path} at ${offset} reads other bytes than were written`,
    );
  }
  toString(): string {
    return `read ${this.sectors} sectors at sector ${this.sector} of disk #${this.diskIndex}`;
  }
}

class ShutdownCommand implements fc.AsyncCommand<ChainModel, ChainReal, true> {
  async check(model: Readonly<ChainModel>): Promise<boolean> {
    return !model.shuttingDown;
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

const commandsArb = fc.commands<ChainModel, ChainReal, true>(
  [
    fc
      .tuple(
        fc.constantFrom(...FOLDERS),
        fc.constantFrom(...NAMES),
        fc.integer({ min: 3, max: 64 }),
        faultArb,
      )
      .map(
        ([folder, name, size, fault]) => new CreateCommand('dynamic', folder, name, size, 0, fault),
      ),
    fc
      .tuple(
        fc.constantFrom(...FOLDERS),
        fc.constantFrom(...NAMES),
        fc.integer({ min: 3, max: 6 }),
        faultArb,
      )
      .map(
        ([folder, name, size, fault]) => new CreateCommand('fixed', folder, name, size, 0, fault),
      ),
    fc
      .tuple(fc.constantFrom(...FOLDERS), fc.constantFrom(...NAMES), fc.nat(20), faultArb)
      .map(
        ([folder, name, parent, fault]) =>
          new CreateCommand('differencing', folder, name, 0, parent, fault),
      ),
    fc
      .tuple(fc.nat(20), fc.nat(6143), fc.integer({ min: 1, max: 16 }), fc.nat(255))
      .map(([disk, sector, sectors, fill]) => new WriteCommand(disk, sector, sectors, fill)),
    fc
      .tuple(fc.nat(20), fc.nat(6143), fc.integer({ min: 1, max: 16 }))
      .map(([disk, sector, sectors]) => new ReadCommand(disk, sector, sectors)),
    fc.constant(new ShutdownCommand()),
    fc
      .tuple(
        fc.constantFrom<DiskOp>('Merge', 'MergeTo', 'Convert', 'Compact'),
        fc.nat(20),
        fc.constantFrom(...NAMES),
      )
      .map(([op, disk, name]) => new DiskOpCommand(op, disk, name)),
  ],
  { maxCommands: 20, size: '+1' },
);

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
  try {
    const budget = await usedBudget(prepared);
    await fc.asyncModelRun(
      () => ({
        model: {
          disks: new Map<string, ModelDisk>(),
          folders: new Set<string>(),
          ancestors: new Map<string, string>(),
          shuttingDown: false,
        },
        real: { prepared, ctx, budget, exactFreeSpace: subject.exactFreeSpace !== false },
      }),
      commands,
    );
  } finally {
    await prepared.dispose();
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
    'GHD.file',
  ],
  primary: 'STATE.chain-reads',
  arbitrary: () => commandsArb,
  check: (subject, commands, ctx) => runCommands(subject, commands, ctx),
});
