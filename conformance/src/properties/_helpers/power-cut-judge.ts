/**
 * Power cuts in the stateful sequences: the cut a command may be given, and the judgment after
 * it fired. The suite restarts on the durable state (a new host from the reopen, a new server on
 * it), checks that every disk reads as the model before the command or as the model after it,
 * and hands back the model to go on from. Everything found wrong is charged to `STATE.power-cut`.
 * @module
 */
import type { SnapshotEntry } from '@vskit/host';
import fc from 'fast-check';
import { firstDifference } from '../../_internal/bytes.js';
import { openHostChain } from '../../_internal/chain-access.js';
import { type Prepared, serve } from '../../_internal/setup.js';
import { isTemporaryName, type PowerCutHost, type PowerCutOperation } from '../../power-cuts.js';
import type { CaseContext } from '../../property.js';
import type { Subject } from '../../subject.js';
import {
  type ChainModel,
  cloneModel,
  type Extent,
  expectedBytes,
  key,
  parentKeys,
  writtenExtents,
} from './chain-model.js';
import { entriesOf } from './snapshots.js';

/** The requirement every finding after a power cut is charged to. */
export const POWER_CUT = 'STATE.power-cut';

/** Why `STATE.power-cut` is not applicable to a subject whose host lacks the capability. */
export const NO_POWER_CUTS =
  "this subject's host offers no power cuts (faults.powerCutAt, reopenAfterPowerCut)";

/** Where a command's power fails: the `n`-th write, sync or truncate it makes; a write may tear. */
export interface CutPlan {
  readonly op: PowerCutOperation;
  readonly n: number;
  readonly torn: boolean;
}

/**
 * A cut for one command in about one in three: at one of its first writes (whole or torn),
 * syncs or truncates, drawn small so a short command is cut too.
 */
export const cutArb: fc.Arbitrary<CutPlan | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('write' as const),
          n: fc.integer({ min: 1, max: 6 }),
          torn: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('sync' as const),
          n: fc.integer({ min: 1, max: 3 }),
          torn: fc.constant(false),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('truncate' as const),
          n: fc.constant(1),
          torn: fc.constant(false),
        }),
      },
    ),
  },
);

/** How a cut plan reads in a command's name. */
export function describeCut(cut: CutPlan): string {
  return ` with the power cut at ${cut.op} #${cut.n}${cut.torn ? ' (torn)' : ''}`;
}

/** What a command's cut may leave, besides reading as the model before or after it. */
export interface CutScope {
  /** A new image the command makes: absent, or whole and reading as the model after says. */
  readonly target?: string;
  /** The parent a Merge writes into: each sector reads as before or as after. */
  readonly mergeTarget?: string;
  /** The disk put_Parent re-links: its parent is the one before or the one after. */
  readonly relinked?: string;
}

/** What the judgment needs. */
export interface CutCase {
  /** The server restarted on the durable state. */
  readonly prepared: Prepared;
  readonly before: Readonly<ChainModel>;
  readonly after: Readonly<ChainModel>;
  readonly scope: CutScope;
  readonly ctx: CaseContext;
  /** The command, as the report names it. */
  readonly what: string;
}

/**
 * A new host holding what was durable when the power failed, and a server of `subject` on it (as
 * an application restarting); `keep` gets the host's release first, whatever happens next.
 */
export async function restartAfterCut(
  subject: Subject,
  cuts: PowerCutHost,
  keep: (release: () => Promise<void>) => void,
): Promise<Prepared> {
  const host = await cuts.reopenAfterPowerCut();
  keep(async () => {
    await subject.disposeHost?.(host);
  });
  return serve(subject, host);
}

/**
 * Judges the durable state a cut left, through the restarted server's host; returns the model to
 * go on from (each disk as before or as after, whichever it reads as).
 */
export async function judgeCut(c: CutCase): Promise<ChainModel> {
  const { ctx, prepared } = c;
  const host = prepared.host;
  ctx.exercise(POWER_CUT);
  const entries = entriesOf(await host.snapshot());
  const model = cloneModel(c.before);
  // a new application: shutdown, if it had begun, is over
  model.shuttingDown = false;
  const read = (path: string, extents: readonly Extent[]) =>
    readExtents(prepared, path, extents).catch((e: unknown) =>
      ctx.fail(POWER_CUT, `after ${c.what}, ${path} does not open strictly: ${String(e)}`),
    );
  const { target, mergeTarget, relinked } = c.scope;
  if (target !== undefined && entries.has(key(target))) {
    const made =
      c.after.disks.get(key(target)) ??
      ctx.fail(POWER_CUT, `${c.what}: the model after knows no ${target}`);
    const got = await read(target, writtenExtents([c.after], target));
    expectExtents(ctx, got, c.after, target, `${c.what} left ${target}, but not as a whole image`);
    model.disks.set(key(target), { ...made, writes: [...made.writes] });
  }
  if (mergeTarget !== undefined)
    adoptMerged(
      ctx,
      c,
      model,
      await read(mergeTarget, writtenExtents([c.before, c.after], mergeTarget)),
      mergeTarget,
    );
  if (relinked !== undefined) {
    // put_Parent's disk leads to its parent before or after; the model goes on with that one
    const parent = (await read(relinked, [])).paths[1];
    const was = c.before.disks.get(key(relinked))?.parent;
    const now = c.after.disks.get(key(relinked))?.parent;
    const at = parent === undefined ? undefined : key(parent);
    ctx.expect(
      POWER_CUT,
      at === was || at === now,
      () => `after ${c.what}, ${relinked} leads to ${parent}, neither its parent before nor after`,
    );
    (model.disks.get(key(relinked)) as { parent: string | undefined }).parent = at;
  }
  reconcileEntries(ctx, c, model, entries);
  for (const disk of model.disks.values()) {
    const extents = writtenExtents([c.before, c.after, model], disk.path);
    const got = await read(disk.path, extents);
    const parent = got.paths[1];
    ctx.expect(
      POWER_CUT,
      (parent === undefined ? undefined : key(parent)) === disk.parent,
      () =>
        `after ${c.what}, ${disk.path} leads to ${parent ?? 'no parent'}, the model to ${disk.parent ?? 'none'}`,
    );
    expectExtents(
      ctx,
      got,
      model,
      disk.path,
      `after ${c.what}, ${disk.path} reads neither as before nor as after`,
    );
  }
  return model;
}

/** What a chain reads at each extent, and the path of each of its layers (top first). */
type ReadExtents = Array<{ extent: Extent; bytes: Uint8Array }> & { paths: readonly string[] };

/** The bytes a chain reads at each extent. */
async function readExtents(
  prepared: Prepared,
  path: string,
  extents: readonly Extent[],
): Promise<ReadExtents> {
  const opened = await openHostChain(prepared.host, path, { strict: true });
  try {
    const out = [];
    for (const extent of extents) {
      const bytes = new Uint8Array(extent.length);
      await opened.chain.read(bytes, extent.offset);
      out.push({ extent, bytes });
    }
    return Object.assign(out, { paths: opened.paths });
  } finally {
    await opened.chain.close();
  }
}

/** Fails unless every extent read equals what `model` says the chain from `path` reads. */
function expectExtents(
  ctx: CaseContext,
  got: ReadonlyArray<{ extent: Extent; bytes: Uint8Array }>,
  model: Readonly<ChainModel>,
  path: string,
  message: string,
): void {
  for (const { extent, bytes } of got) {
    const want = expectedBytes(model, path, extent.offset, extent.length);
    const at = firstDifference(bytes, want);
    ctx.expect(
      POWER_CUT,
      at < 0,
      () => `${message}: byte ${extent.offset + at} reads ${bytes[at]}, the model ${want[at]}`,
    );
  }
}

/**
 * A merge target reads, sector by sector, as before or as after (only the merged sectors may
 * have changed); the model goes on with the bytes it reads.
 */
function adoptMerged(
  ctx: CaseContext,
  c: CutCase,
  model: ChainModel,
  got: ReadonlyArray<{ extent: Extent; bytes: Uint8Array }>,
  path: string,
): void {
  const disk = model.disks.get(key(path));
  if (disk === undefined) return;
  for (const { extent, bytes } of got) {
    const was = expectedBytes(c.before, path, extent.offset, extent.length);
    const now = expectedBytes(c.after, path, extent.offset, extent.length);
    for (let s = 0; s < bytes.length; s += 512) {
      const sector = bytes.subarray(s, s + 512);
      const same = (model: Uint8Array) => firstDifference(sector, model.subarray(s, s + 512)) < 0;
      ctx.expect(
        POWER_CUT,
        same(was) || same(now),
        () =>
          `after ${c.what}, the merge target ${path} reads at sector ${(extent.offset + s) / 512} neither as before nor as after`,
      );
    }
    if (bytes.some((b, i) => b !== was[i])) {
      disk.writes.push({ offset: extent.offset, bytes: bytes.slice() });
    }
  }
}

/**
 * Every entry is one the model (before or after) knows, or a temporary file a cut may leave;
 * nothing the model before knew is gone; ancestors are unchanged but for a merge target.
 */
function reconcileEntries(
  ctx: CaseContext,
  c: CutCase,
  model: ChainModel,
  entries: ReadonlyMap<string, SnapshotEntry>,
): void {
  for (const [k, entry] of entries) {
    if (model.disks.has(k) || model.folders.has(k)) continue;
    if (entry.kind === 'directory' && c.after.folders.has(k)) {
      model.folders.add(k);
      continue;
    }
    const name = entry.path.slice(entry.path.lastIndexOf('\\') + 1);
    ctx.expect(
      POWER_CUT,
      entry.kind === 'file' && isTemporaryName(name),
      () =>
        `after ${c.what}, ${entry.path} is there: neither the model before nor after has it, and it has no temporary name (~*.tmp)`,
    );
    model.leftovers.add(k);
  }
  for (const k of model.leftovers) if (!entries.has(k)) model.leftovers.delete(k);
  const missing = [...model.disks.keys(), ...model.folders].filter((k) => !entries.has(k));
  ctx.expect(
    POWER_CUT,
    missing.length === 0,
    () => `after ${c.what}, ${missing.join(', ')} is gone`,
  );
  const parents = parentKeys(model);
  for (const k of parents) {
    const digest = entries.get(k)?.digest ?? '';
    const recorded = model.ancestors.get(k);
    ctx.expect(
      POWER_CUT,
      recorded === undefined || recorded === digest || k === key(c.scope.mergeTarget ?? ''),
      () => `after ${c.what}, ancestor ${k} changed`,
    );
    model.ancestors.set(k, digest);
  }
  for (const k of model.ancestors.keys()) if (!parents.has(k)) model.ancestors.delete(k);
}
