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

/** The layers' blocks that overlap a window, with their BAT entries. */
interface HeldBlock {
  readonly blockStart: number;
  readonly entry: number;
}

/**
 * Plans the moves of window `[start, end)` (sector-aligned `start`; every layer's blocks either
 * inside it or covering it): for each sector, the first of `layers` (newest first) whose bitmap
 * has the sector's bit set holds the bytes that move.
 */
export async function planMergeWindow(
  layers: readonly VhdLayer[],
  start: number,
  end: number,
): Promise<MergeWindowPlan> {
  const count = Math.ceil((end - start) / SECTOR_SIZE);
  const owner = new Int16Array(count).fill(-1);
  const blocks: Array<Map<number, HeldBlock>> = [];
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]!;
    const bs = layer.blockSize!;
    const held = new Map<number, HeldBlock>();
    blocks.push(held);
    for (let b = Math.floor(start / bs); b * bs < end; b++) {
      const entry = await layer.entry(b);
      if (entry === BLOCK_UNUSED) continue;
      const blockStart = b * bs;
      held.set(b, { blockStart, entry });
      const bitmap = await layer.bitmap(b, entry);
      const from = (Math.max(start, blockStart) - blockStart) / SECTOR_SIZE;
      const to = Math.ceil((Math.min(end, blockStart + bs) - blockStart) / SECTOR_SIZE);
      for (let i = from; i < to; ) {
        const runTo = runEnd(bitmap, i, to);
        if (isSectorSet(bitmap, i)) {
          const base = (blockStart - start) / SECTOR_SIZE;
          for (let k = i; k < runTo; k++) if (owner[base + k]! < 0) owner[base + k] = li;
        }
        i = runTo;
      }
    }
  }
  const reads: MergeRead[] = [];
  const writes: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < count; ) {
    const li = owner[i]!;
    if (li < 0) {
      i++;
      continue;
    }
    const layer = layers[li]!;
    const bs = layer.blockSize!;
    const at = start + i * SECTOR_SIZE;
    const block = Math.floor(at / bs);
    const { blockStart, entry } = blocks[li]!.get(block)!;
    const limit = Math.min(count, (blockStart + bs - start) / SECTOR_SIZE);
    let j = i + 1;
    while (j < limit && owner[j] === li) j++;
    const runEndAt = Math.min(end, start + j * SECTOR_SIZE);
    reads.push({
      layer: li,
      start: at,
      end: runEndAt,
      filePos: entry * SECTOR_SIZE + layer.bitmapBytes + (at - blockStart),
    });
    const last = writes[writes.length - 1];
    if (last && last.end === at) last.end = runEndAt;
    else writes.push({ start: at, end: runEndAt });
    i = j;
  }
  return { reads, writes };
}
