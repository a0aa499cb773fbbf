import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED } from '../constants.js';
import { setSectors } from '../structs/sector-bitmap.js';
import { directPiece, type PlanSource, planRead, type ReadPiece } from './read-plan.js';

const BLOCK = 4096;

/** A plan source over `entries` whose bitmaps are `bitmaps` (loaded on demand unless `cached`). */
function source(
  entries: number[],
  bitmaps: Map<number, Uint8Array>,
  differencing: boolean,
  cached = new Set<number>(),
): PlanSource & { loads: number[] } {
  const loads: number[] = [];
  return {
    blockSize: BLOCK,
    bitmapBytes: 512,
    differencing,
    loads,
    entry: (b) => entries[b] ?? BLOCK_UNUSED,
    loadEntry: async (b) => entries[b] ?? BLOCK_UNUSED,
    cachedBitmap: (b) => (cached.has(b) ? bitmaps.get(b) : undefined),
    bitmap: async (b) => {
      loads.push(b);
      return bitmaps.get(b)!;
    },
  };
}

function bitmapOf(...runs: Array<[number, number]>): Uint8Array {
  const b = new Uint8Array(512);
  for (const [first, count] of runs) setSectors(b, first, count);
  return b;
}

async function plan(src: PlanSource, offset: number, end: number): Promise<ReadPiece[]> {
  const out: ReadPiece[] = [];
  await planRead(src, offset, end, (p) => out.push(p));
  return out;
}

describe('planRead', () => {
  it('merges touching runs from below across blocks into one piece', async () => {
    // Block 0 unallocated, block 1 allocated with only sector 2 here, block 2 unallocated.
    const src = source([BLOCK_UNUSED, 100, BLOCK_UNUSED], new Map([[1, bitmapOf([2, 1])]]), true);
    expect(await plan(src, 0, 3 * BLOCK)).toEqual([
      { source: 'lower', start: 0, end: BLOCK + 1024 },
      { source: 'file', start: BLOCK + 1024, end: BLOCK + 1536, filePos: 100 * 512 + 512 + 1024 },
      { source: 'lower', start: BLOCK + 1536, end: 3 * BLOCK },
    ]);
  });

  it('reads a dynamic layer without bitmaps, one file piece per allocated block', async () => {
    const src = source([7, 20], new Map(), false);
    expect(await plan(src, 100, 2 * BLOCK - 100)).toEqual([
      { source: 'file', start: 100, end: BLOCK, filePos: 7 * 512 + 512 + 100 },
      { source: 'file', start: BLOCK, end: 2 * BLOCK - 100, filePos: 20 * 512 + 512 },
    ]);
    expect(src.loads).toEqual([]);
  });

  it('cuts pieces at sector runs but keeps byte offsets inside the first and last sector', async () => {
    const src = source([3], new Map([[0, bitmapOf([0, 2])]]), true);
    expect(await plan(src, 700, 1300)).toEqual([
      { source: 'file', start: 700, end: 1024, filePos: 3 * 512 + 512 + 700 },
      { source: 'lower', start: 1024, end: 1300 },
    ]);
  });
});

describe('directPiece', () => {
  it('answers a range inside one block whose source is known, and nothing otherwise', () => {
    const bitmaps = new Map([[0, bitmapOf([0, 4])]]);
    const diff = source([3, BLOCK_UNUSED], bitmaps, true, new Set([0]));
    expect(directPiece(diff, 512, 1024)).toEqual({
      source: 'file',
      start: 512,
      end: 1024,
      filePos: 3 * 512 + 512 + 512,
    });
    expect(directPiece(diff, BLOCK, BLOCK + 10)).toEqual({
      source: 'lower',
      start: BLOCK,
      end: BLOCK + 10,
    });
    // Across the end of the run of set bits, across blocks, or with the bitmap not cached.
    expect(directPiece(diff, 1024, 3000)).toBeUndefined();
    expect(directPiece(diff, BLOCK - 1, BLOCK + 1)).toBeUndefined();
    expect(directPiece(source([3], bitmaps, true), 0, 512)).toBeUndefined();
  });
});
