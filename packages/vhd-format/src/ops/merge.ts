/**
 * Merging a differencing image into its parent, or into an ancestor further down: the sectors
 * the merged layers hold (the newest layer's for each sector) are written into the target, then
 * the merged layers are emptied, bottom layer first, each still pointing at its parent.
 *
 * Order of writes (the package README, "Merge", says why each step is safe):
 * 1. the target: each run of moved sectors written in place (fixed), into its block, or into a
 *    block allocated for it (dynamic, differencing: only the moved sectors' bits are set), in
 *    the engine's order of writes; then the target is synced. The merged layers still hold every
 *    moved sector, so the chain read from the child is the same throughout;
 * 2. for each merged layer, the one just above the target first and the child last: when the
 *    caller gives the parent's modification time, the header's first sector with that time; its
 *    BAT entries cleared (one write per run of BAT sectors), a sync, its footer written where its
 *    first block began, a sync, the file truncated after that footer.
 * @module
 */

import { formatUuid, sameUuid } from '../codec/uuid.js';
import { VhdFormatError } from '../errors.js';
import {
  chainWalkDepth,
  checkParentStep,
  type OpenChainOptions,
  parentNotFound,
} from '../image/chain.js';
import type { VhdLayer } from '../image/layer.js';
import { openLayer } from '../image/open.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { emptyLayer } from './empty-layer.js';
import { planMergeWindow } from './merge-plan.js';
import { advance, type OperationOptions } from './options.js';
import { recordParentTime } from './parent-time.js';

/** Options of {@link merge}. */
export interface MergeOptions extends OperationOptions {
  /**
   * Opens the parent `ref` names for `child`, for each layer strictly between the child and
   * the target (the target itself is never asked for). Those layers are merged and emptied, so
   * return them writable. Undefined when not found (`PARENT_NOT_FOUND`).
   */
  openParent: OpenChainOptions['openParent'];
  /** Most layers below the child before the target (default 32); more is `CHAIN_TOO_DEEP`. */
  maxDepth?: number;
  /** Open every layer strictly (see `OpenImageOptions.strict`). */
  strict?: boolean;
  /**
   * The modification time of the merged layer's parent at `depth` (1: the child's parent), asked
   * once that parent's last write is durable; a differing time is recorded in the layer's header
   * (a recorded 0, "not recorded", stays), so opening the chain does not warn of a modified
   * parent. Without it the recorded times stay as they were.
   */
  parentModified?: (depth: number) => Promise<Date | undefined>;
}

/** What {@link merge} did. */
export interface MergeResult {
  /** Bytes of sectors written into the target. */
  movedBytes: number;
  /** Layers merged and emptied: the child and every layer between it and the target. */
  mergedLayers: number;
  /** The target's disk type. */
  targetType: 'fixed' | 'dynamic' | 'differencing';
}

/** The layers of a merge: the merged ones (child first) and the target. */
interface MergeChain {
  merged: VhdLayer[];
  target: VhdLayer;
}

/**
 * Writes the sectors of differencing image `child` and of every layer between it and `target`
 * into `target` (an ancestor of `child`: its parent, or further down), the newest layer winning
 * each sector, then empties the merged layers. Only sectors whose bit is set move; a target
 * block that was unallocated is allocated (a differencing target gets only the moved sectors'
 * bits). Afterwards the chain from `child` reads exactly as before, through emptied layers
 * that still point at their parents, and `target` alone reads the same.
 *
 * A power cut at any write or sync leaves the chain from `child` reading as before, and
 * running `merge` again finishes it. `child` and `target` must be writable; the layers between
 * come from `o.openParent`, writable too. Every file given or opened is closed at the end.
 * Fails with `NOT_DIFFERENCING` when `child` is not differencing, `NOT_AN_ANCESTOR` when no
 * layer of its chain is `target` (by UUID), `INVALID_ARGUMENT` when a merged layer's virtual
 * size differs from the target's, `ABORTED` when `o.signal` fires (at a point where every file
 * is valid and the chain reads as before).
 *
 * @example
 * ```ts
 * const result = await merge(childFile, parentFile, {
 *   openParent: async (ref) => host.open(`C:\\vms\\${ref.unicodeName}`, 'readWrite'),
 *   onProgress: (done, total) => console.log(`${done} of ${total} bytes`),
 * });
 * console.log(result.movedBytes);
 * ```
 */
export async function merge(
  child: RandomAccessFile,
  target: RandomAccessFile,
  o: MergeOptions,
): Promise<MergeResult> {
  const maxDepth = chainWalkDepth(o);
  const opened: VhdLayer[] = [];
  const openOne = async (file: RandomAccessFile) => {
    try {
      const layer = await openLayer(file, { writable: true, strict: o.strict === true });
      opened.push(layer);
      return layer;
    } catch (e) {
      await file.close().catch(() => undefined);
      throw e;
    }
  };
  try {
    const top = await openOne(child);
    if (top.type !== 'differencing') {
      throw new VhdFormatError('NOT_DIFFERENCING', `the image merged is ${top.type}`, {
        field: 'footer.diskType',
        value: top.type,
      });
    }
    const bottom = await openOne(target);
    const chain = await walk(top, bottom, maxDepth, o, openOne);
    const movedBytes = await copySectors(chain, o);
    await emptyMerged(chain, o, movedBytes);
    return { movedBytes, mergedLayers: chain.merged.length, targetType: bottom.type };
  } finally {
    await Promise.allSettled(opened.map((l) => l.close()));
  }
}

/** Follows the chain from `top` down to `target`, opening the layers between (writable). */
async function walk(
  top: VhdLayer,
  target: VhdLayer,
  maxDepth: number,
  o: MergeOptions,
  openOne: (file: RandomAccessFile) => Promise<VhdLayer>,
): Promise<MergeChain> {
  const targetId = target.footer.uniqueId;
  const merged = [top];
  const seen = new Set<string>([formatUuid(top.footer.uniqueId)]);
  let current = top;
  if (sameUuid(top.footer.uniqueId, targetId)) {
    throw new VhdFormatError('NOT_AN_ANCESTOR', 'the target is the image merged itself', {
      value: formatUuid(targetId),
    });
  }
  while (!sameUuid(current.parent!.uniqueId, targetId)) {
    const ref = current.parent!;
    const depth = merged.length;
    const wanted = checkParentStep(ref, seen, depth, maxDepth);
    const got = await o.openParent(ref, current, depth);
    if (!got) throw parentNotFound(ref, wanted);
    const parent = await openOne('read' in got ? got : got.file);
    if (!sameUuid(parent.footer.uniqueId, ref.uniqueId)) {
      throw new VhdFormatError(
        'PARENT_ID_MISMATCH',
        `parent at depth ${depth} is ${formatUuid(parent.footer.uniqueId)}, the child expects ${wanted}`,
        { field: 'header.parentUniqueId', value: formatUuid(parent.footer.uniqueId) },
      );
    }
    if (parent.type !== 'differencing') {
      throw new VhdFormatError(
        'NOT_AN_ANCESTOR',
        `the chain ends at ${formatUuid(parent.footer.uniqueId)} without reaching the target ${formatUuid(targetId)}`,
        { value: formatUuid(targetId) },
      );
    }
    seen.add(wanted);
    merged.push(parent);
    current = parent;
  }
  for (const layer of merged) {
    if (layer.virtualSize !== target.virtualSize) {
      throw new VhdFormatError(
        'INVALID_ARGUMENT',
        `a merged layer is ${layer.virtualSize} bytes, the target ${target.virtualSize}`,
        { field: 'footer.currentSize', value: layer.virtualSize },
      );
    }
  }
  return { merged, target };
}

/** Windows of the virtual disk, each the largest block size among the merged layers. */
function windowSize(chain: MergeChain): number {
  return Math.max(...chain.merged.map((l) => l.blockSize!));
}

/**
 * Step 1: every window's moved sectors into the target, then a sync. Returns the bytes moved.
 * A first pass over the bitmaps counts them, for progress.
 */
async function copySectors(chain: MergeChain, o: OperationOptions): Promise<number> {
  const size = chain.target.virtualSize;
  const window = windowSize(chain);
  let total = 0;
  for (let start = 0; start < size; start += window) {
    const plan = await planMergeWindow(chain.merged, start, Math.min(size, start + window));
    for (const w of plan.writes) total += w.end - w.start;
  }
  const buffer = new Uint8Array(Math.min(window, size));
  let done = 0;
  advance(o, 0, total);
  for (let start = 0; start < size; start += window) {
    const plan = await planMergeWindow(chain.merged, start, Math.min(size, start + window));
    if (plan.writes.length === 0) continue;
    await Promise.all(
      plan.reads.map((r) => {
        const layer = chain.merged[r.layer]!;
        const sub = buffer.subarray(r.start - start, r.end - start);
        return readExactly(layer.file, sub, r.filePos, 'block data');
      }),
    );
    for (const w of plan.writes) {
      await chain.target.write(buffer.subarray(w.start - start, w.end - start), w.start, undefined);
      done += w.end - w.start;
    }
    advance(o, done, total);
  }
  // A cut during an earlier run of this merge may have kept the target's new size without the
  // footer at its new end; this run may allocate nothing more, so it writes that footer itself.
  await chain.target.mendUnwrittenFooter();
  await chain.target.file.sync();
  return total;
}

/** Step 2: the merged layers emptied, the one above the target first, each made durable. */
async function emptyMerged(chain: MergeChain, o: MergeOptions, moved: number): Promise<void> {
  for (let i = chain.merged.length - 1; i >= 0; i--) {
    advance(o, moved, moved);
    const layer = chain.merged[i]!;
    // The parent is final (the target synced, or emptied just before): its time goes in first,
    // made durable by the emptying's first sync (a sync of its own when nothing is cleared).
    const modified = await o.parentModified?.(i + 1);
    const recorded = modified !== undefined && (await recordParentTime(layer, modified, false));
    if ((await emptyLayer(layer)) === 0 && recorded) await layer.file.sync();
  }
}
