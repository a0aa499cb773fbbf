/**
 * Which layer of a chain holds each range of the virtual disk (`qemu-img map`): a stream of
 * runs, and a per-block summary for pictures. Nothing is read but BAT pages and sector bitmaps,
 * and memory stays bounded however large the disk: runs are found a window at a time.
 * @module
 */
import type { ReadPiece } from '../engine/read-plan.js';
import { VhdFormatError } from '../errors.js';
import type { VhdChain } from '../image/chain.js';
import { VhdLayer } from '../image/layer.js';
import { advance, type OperationOptions } from './options.js';

/** One run of the virtual disk whose bytes come from one place. */
export interface MapRun {
  /** First byte of the run in the virtual disk. */
  readonly start: number;
  /** Bytes in the run (a multiple of 512, except at the end of an odd-sized disk). */
  readonly length: number;
  /**
   * The layer whose file holds the run's bytes, 0 being the top; `chain.layers.length` when no
   * layer holds them and they read as zeros (unallocated in every layer, or past the end of the
   * layer that would supply them).
   */
  readonly depth: number;
  /** Byte offset in that layer's file of the run's first byte; absent for zeros. */
  readonly offset?: number;
}

/** Options of {@link mapChain}: progress (bytes of virtual disk mapped) and cancellation. */
export interface MapOptions extends OperationOptions {
  /** Bytes of virtual disk looked at per step (default 32 MiB); bounds memory and progress steps. */
  readonly window?: number;
}

/** Default bytes of virtual disk mapped per step. */
const DEFAULT_WINDOW = 32 * 2 ** 20;

/** The chain's layers as the engine's layers (every chain `openChain` returns holds them). */
function engineLayers(chain: VhdChain): readonly VhdLayer[] {
  const layers = chain?.layers;
  if (!Array.isArray(layers) || !layers.every((l) => l instanceof VhdLayer)) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'chain must be a chain openChain returned', {
      field: 'chain',
    });
  }
  return layers as readonly VhdLayer[];
}

/** Resolves `[start, end)` from layer `depth` down, calling `emit` with each run in order. */
async function resolve(
  layers: readonly VhdLayer[],
  depth: number,
  start: number,
  end: number,
  emit: (run: MapRun) => void,
): Promise<void> {
  const layer = layers[depth];
  if (layer === undefined) {
    emit({ start, length: end - start, depth: layers.length });
    return;
  }
  // A read stops at a layer's end: what lies past it reads as zeros, not as the parent's bytes.
  const inside = Math.min(end, Math.max(start, layer.virtualSize));
  const pieces: ReadPiece[] = [];
  if (inside > start) await layer.plan(start, inside, (p) => pieces.push(p));
  for (const p of pieces) {
    if (p.source === 'file') {
      emit({ start: p.start, length: p.end - p.start, depth, offset: p.filePos });
    } else if (layer.differencing) {
      await resolve(layers, depth + 1, p.start, p.end, emit);
    } else {
      emit({ start: p.start, length: p.end - p.start, depth: layers.length });
    }
  }
  if (end > inside) emit({ start: inside, length: end - inside, depth: layers.length });
}

/** Whether `next` continues `run`: same layer, and the file bytes follow on (or both zeros). */
function continues(run: MapRun, next: MapRun): boolean {
  if (run.depth !== next.depth || run.start + run.length !== next.start) return false;
  if (run.offset === undefined || next.offset === undefined) {
    return run.offset === undefined && next.offset === undefined;
  }
  return run.offset + run.length === next.offset;
}

/**
 * The runs of `chain`'s virtual disk, in order, covering `[0, chain.virtualSize)` exactly once:
 * for each, the layer whose file holds it (0 = top) and where in that file, or zeros held by no
 * layer. Adjacent runs of the same layer whose file bytes follow on are one run. Only BAT pages
 * and sector bitmaps are read, a window of the disk at a time, so a 2040 GiB disk costs no more
 * memory than a small one. Progress is in bytes of virtual disk.
 *
 * @example
 * ```ts
 * const chain = await openChain(file, { openParent });
 * for await (const run of mapChain(chain)) {
 *   console.log(run.start, run.length, run.depth, run.offset ?? 'zero');
 * }
 * ```
 * @throws VhdFormatError `INVALID_ARGUMENT` for a chain `openChain` did not open, `ABORTED`,
 * `CLOSED`, or the errors of reading a BAT page or a bitmap (`TRUNCATED`).
 */
export async function* mapChain(chain: VhdChain, o: MapOptions = {}): AsyncGenerator<MapRun> {
  for await (const runs of mapChainBatches(chain, o)) yield* runs;
}

/**
 * The runs of {@link mapChain}, the same ones in the same order, a window of the disk at a time:
 * one batch per window looked at, holding the runs known to be whole by then (a run is whole
 * once the next one starts; the last run comes in a batch of its own, and a batch may be empty).
 * For a consumer that handles many runs (a copy of the disk), one wait per window instead of one
 * per run.
 *
 * @example
 * ```ts
 * for await (const runs of mapChainBatches(chain)) {
 *   for (const run of runs) console.log(run.start, run.length, run.depth);
 * }
 * ```
 * @throws VhdFormatError as {@link mapChain} does.
 */
export async function* mapChainBatches(
  chain: VhdChain,
  o: MapOptions = {},
): AsyncGenerator<readonly MapRun[]> {
  const layers = engineLayers(chain);
  const window = o.window ?? DEFAULT_WINDOW;
  if (!Number.isSafeInteger(window) || window < 512 || window % 512 !== 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'window must be a positive multiple of 512', {
      field: 'window',
      value: window,
    });
  }
  const total = chain.virtualSize;
  let pending: MapRun | undefined;
  advance(o, 0, total);
  for (let start = 0; start < total; start += window) {
    const end = Math.min(total, start + window);
    const found: MapRun[] = [];
    await resolve(layers, 0, start, end, (run) => {
      if (pending !== undefined && continues(pending, run)) {
        pending = { ...pending, length: pending.length + run.length };
      } else {
        if (pending !== undefined) found.push(pending);
        pending = run;
      }
    });
    yield found;
    advance(o, end, total);
  }
  if (pending !== undefined) yield [pending];
}

/** One block (or group of blocks) of the virtual disk, and how much of it each layer supplies. */
export interface BlockHolding {
  /** Index of the block (of the unit given to {@link mapBlocks}). */
  readonly index: number;
  /** First byte of the block in the virtual disk. */
  readonly start: number;
  /** Bytes in the block (the last one may be short). */
  readonly length: number;
  /**
   * Bytes of the block each layer supplies when the disk is read through the chain, by depth
   * (0 = top); the last entry, at `chain.layers.length`, counts zeros no layer holds. The
   * entries add up to `length`; a layer holds the block fully when its entry is `length`, partly
   * when between.
   */
  readonly bytes: readonly number[];
  /**
   * Bytes of the block each layer's own file holds, by depth (0 = top), whether or not a layer
   * above hides them: at least `bytes[depth]`; more where a layer above holds the same sectors
   * (what a merge would overwrite).
   */
  readonly stored: readonly number[];
}

/** Options of {@link mapBlocks}. */
export interface MapBlocksOptions extends MapOptions {
  /**
   * Bytes per block summarised (a multiple of 512): by default the top layer's block size, or
   * the bottom's, or 2 MiB when every layer is fixed. A multiple of it groups blocks for a
   * picture of a bounded number of cells.
   */
  readonly unit?: number;
}

/** The block size a summary of `chain` uses by default. */
export function mapUnit(chain: VhdChain): number {
  for (const layer of chain.layers) if (layer.blockSize !== undefined) return layer.blockSize;
  return 2 * 2 ** 20;
}

/**
 * Per block of `unit` bytes, in order, how many bytes each layer supplies when read through the
 * chain (summed from {@link mapChain}'s runs; one block's counts in memory at a time).
 *
 * @example
 * ```ts
 * for await (const block of mapBlocks(chain)) {
 *   const top = block.bytes[0]!;
 *   console.log(block.index, top === block.length ? 'top holds it' : top > 0 ? 'partly' : '-');
 * }
 * ```
 * @throws VhdFormatError `INVALID_ARGUMENT` for a bad unit, and those of {@link mapChain}.
 */
export async function* mapBlocks(
  chain: VhdChain,
  o: MapBlocksOptions = {},
): AsyncGenerator<BlockHolding> {
  const unit = o.unit ?? mapUnit(chain);
  if (!Number.isSafeInteger(unit) || unit < 512 || unit % 512 !== 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'unit must be a positive multiple of 512', {
      field: 'unit',
      value: unit,
    });
  }
  const layers = engineLayers(chain);
  const depths = layers.length + 1;
  const total = chain.virtualSize;
  let index = 0;
  let bytes = new Array<number>(depths).fill(0);
  const blockOf = async (i: number): Promise<BlockHolding> => {
    const start = i * unit;
    const length = Math.min(unit, total - start);
    return {
      index: i,
      start,
      length,
      bytes,
      stored: await storedBytes(layers, start, start + length),
    };
  };
  for await (const run of mapChain(chain, o)) {
    let at = run.start;
    const end = run.start + run.length;
    while (at < end) {
      const i = Math.floor(at / unit);
      while (index < i) {
        yield await blockOf(index++);
        bytes = new Array<number>(depths).fill(0);
      }
      const upTo = Math.min(end, (i + 1) * unit);
      bytes[run.depth]! += upTo - at;
      at = upTo;
    }
  }
  if (total > 0) yield await blockOf(index);
}

/** Bytes of `[start, end)` each layer's own file holds (nothing is read but tables and bitmaps). */
async function storedBytes(
  layers: readonly VhdLayer[],
  start: number,
  end: number,
): Promise<number[]> {
  const out: number[] = [];
  for (const layer of layers) {
    let held = 0;
    const stop = Math.min(end, layer.virtualSize);
    if (stop > start) {
      await layer.plan(start, stop, (p) => {
        if (p.source === 'file') held += p.end - p.start;
      });
    }
    out.push(held);
  }
  return out;
}
