/**
 * What a merge moves in one window of the virtual disk: for each sector, the newest merged
 * layer whose bit is set; coalesced into one read per run of sectors a layer holds contiguously
 * in its file, and one write per run of moved sectors.
 * @module
 */
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import type { VhdLayer } from '../image/layer.js';
import { isSectorSet, runEnd } from '../structs/sector-bitmap.js';

/** A read of the moved bytes `[start, end)` (virtual) from layer `layer`'s file at `filePos`. */
export interface MergeRead {
  /** Index of the layer in the merged layers (0: the child). */
  readonly layer: number;
  /** Virtual offset of the first byte. */
  readonly start: number;
  /** Virtual offset after the last byte. */
  readonly end: number;
  /** Where the bytes are in the layer's file. */
  readonly filePos: number;
}

/** The moves of one window: reads from the merged layers, writes of `[start, end)` to the target. */
export interface MergeWindowPlan {
  /** One per run of sectors held contiguously by one layer. */
  readonly reads: MergeRead[];
  /** One per run of moved sectors (virtual ranges), in order. */
  readonly writes: Array<{ readonly start: number; readonly end: number }>;
}

/** A run of sectors `[from, to)` (window-relative) that layer `layer` holds from `filePos`. */
interface Held {
  readonly from: number;
  readonly to: number;
  readonly layer: number;
  readonly filePos: number;
}

/** Sectors `[from, to)` of run `run` (inside it). */
function cut(run: Held, from: number, to: number): Held {
  return { from, to, layer: run.layer, filePos: run.filePos + (from - run.from) * SECTOR_SIZE };
}

/**
 * The parts of `runs` that no run of `taken` covers (both sorted and disjoint), in order: what
 * an older layer still gives once the newer layers took theirs.
 */
function uncovered(runs: readonly Held[], taken: readonly Held[]): Held[] {
  const out: Held[] = [];
  let k = 0;
  for (const run of runs) {
    while (k < taken.length && taken[k]!.to <= run.from) k++;
    let at = run.from;
    for (let j = k; at < run.to; j++) {
      const t = taken[j];
      if (t === undefined || t.from >= run.to) {
        out.push(cut(run, at, run.to));
        break;
      }
      if (t.from > at) out.push(cut(run, at, t.from));
      at = Math.max(at, t.to);
    }
  }
  return out;
}

/** The runs of set sectors layer `li` holds in window `[start, end)`, in order. */
async function heldRuns(layer: VhdLayer, li: number, start: number, end: number): Promise<Held[]> {
  const bs = layer.blockSize!;
  const runs: Held[] = [];
  for (let b = Math.floor(start / bs); b * bs < end; b++) {
    const entry = await layer.entry(b);
    if (entry === BLOCK_UNUSED) continue;
    const blockStart = b * bs;
    const bitmap = await layer.bitmap(b, entry);
    const from = (Math.max(start, blockStart) - blockStart) / SECTOR_SIZE;
    const to = Math.ceil((Math.min(end, blockStart + bs) - blockStart) / SECTOR_SIZE);
    const base = (blockStart - start) / SECTOR_SIZE;
    const data = entry * SECTOR_SIZE + layer.bitmapBytes;
    for (let i = from; i < to; ) {
      const runTo = runEnd(bitmap, i, to);
      if (isSectorSet(bitmap, i)) {
        runs.push({ from: base + i, to: base + runTo, layer: li, filePos: data + i * SECTOR_SIZE });
      }
      i = runTo;
    }
  }
  return runs;
}

/**
 * Plans the moves of window `[start, end)` (sector-aligned `start`; every layer's blocks either
 * inside it or covering it): for each sector, the first of `layers` (newest first) whose bitmap
 * has the sector's bit set holds the bytes that move. Works on runs of bits, never per sector.
 */
export async function planMergeWindow(
  layers: readonly VhdLayer[],
  start: number,
  end: number,
): Promise<MergeWindowPlan> {
  let taken: Held[] = [];
  for (let li = 0; li < layers.length; li++) {
    const runs = await heldRuns(layers[li]!, li, start, end);
    if (li === 0) taken = runs;
    else if (runs.length > 0) {
      taken = [...taken, ...uncovered(runs, taken)].sort((a, b) => a.from - b.from);
    }
  }
  const reads: MergeRead[] = [];
  const writes: Array<{ start: number; end: number }> = [];
  const at = (sector: number) => Math.min(end, start + sector * SECTOR_SIZE);
  for (const run of taken) {
    const from = at(run.from);
    const to = at(run.to);
    const read = reads[reads.length - 1];
    if (
      read &&
      read.layer === run.layer &&
      read.end === from &&
      read.filePos + (from - read.start) === run.filePos
    ) {
      reads[reads.length - 1] = { ...read, end: to };
    } else reads.push({ layer: run.layer, start: from, end: to, filePos: run.filePos });
    const last = writes[writes.length - 1];
    if (last && last.end === from) last.end = to;
    else writes.push({ start: from, end: to });
  }
  return { reads, writes };
}
