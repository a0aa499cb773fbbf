import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CHAIN_DEPTH, MAX_TABLE_ENTRIES } from '../constants.js';
import { BAT_CACHE_BYTES, BAT_PAGE_BYTES, BatPageCache } from '../engine/bat-page-cache.js';
import { BAT_PASS_ENTRIES } from '../engine/block-table.js';
import { memoryFile, type RandomAccessFile } from '../io.js';
import { deterministic, shared } from '../testing/images.js';
import { wideTableFile } from '../testing/wide-table.js';
import { openChain } from './chain.js';
import { createDifferencing } from './create-differencing.js';
import { createDynamic } from './create-dynamic.js';
import type { VhdLayer } from './layer.js';
import { openImage, openLayer } from './open.js';

const MiB = 2 ** 20;
const BLOCK = 128 * 1024;
const TABLE_BYTES = MAX_TABLE_ENTRIES * 4;

/** Bytes read from each file's table region, and the largest single read there. */
interface TableReads {
  bytes: number;
  largest: number;
}

function counting(file: RandomAccessFile, reads: TableReads): RandomAccessFile {
  return {
    ...file,
    read: (b, p) => {
      const from = Math.max(p, 1536);
      const to = Math.min(p + b.length, 1536 + TABLE_BYTES);
      if (to > from) {
        reads.bytes += to - from;
        reads.largest = Math.max(reads.largest, b.length);
      }
      return file.read(b, p);
    },
  };
}

/**
 * A chain of `layers` layers (a dynamic base and differencing children) whose tables all have
 * 2^24 unused entries, held in memory without their tables; `top` is the top layer's file.
 */
async function longTableChain(layers: number) {
  const files = new Map<string, RandomAccessFile>();
  const reads: TableReads = { bytes: 0, largest: 0 };
  let parentBytes: Uint8Array | undefined;
  let top: RandomAccessFile | undefined;
  for (let k = 0; k < layers; k++) {
    const file = memoryFile();
    if (parentBytes === undefined) {
      await createDynamic(file, {
        sizeBytes: 64 * MiB,
        blockSizeBytes: BLOCK,
        ...deterministic(k),
      });
    } else {
      const parent = await openImage(memoryFile(parentBytes));
      await createDifferencing(file, {
        ...deterministic(k),
        parent: {
          footer: parent.footer,
          blockSizeBytes: BLOCK,
          modified: new Date('2026-01-02T03:04:05Z'),
          unicodeName: `layer${k - 1}.vhd`,
        },
      });
    }
    parentBytes = file.bytes();
    top = counting(await wideTableFile(parentBytes), reads);
    files.set(`layer${k}.vhd`, top);
  }
  return { top: top!, files, reads };
}

describe('BAT memory of a chain', () => {
  it('opens 33 layers of 2^24-entry tables holding no table page, each table streamed once', async () => {
    const layers = DEFAULT_MAX_CHAIN_DEPTH + 1;
    const { top, files, reads } = await longTableChain(layers);
    const chain = await openChain(top, {
      openParent: async (ref) => files.get(ref.unicodeName),
      writable: true,
    });
    expect(chain.layers).toHaveLength(layers);
    // Each table was read once, in pieces no larger than one pass buffer: no copy of a table.
    expect(reads.bytes).toBe(layers * TABLE_BYTES);
    expect(reads.largest).toBe(BAT_PASS_ENTRIES * 4);
    const tables = (chain.layers as VhdLayer[]).map((l) => l.table!);
    expect(tables.every((t) => t.allocatedCount === 0)).toBe(true);
    // Every page is unused: none is held, and reading through all 33 layers reads no table.
    const cache = tables[0]!.cache;
    expect(tables.every((t) => t.cache === cache)).toBe(true);
    const out = new Uint8Array(512);
    for (const offset of [0, 32 * MiB + 512, 64 * MiB - 512]) await chain.read(out, offset);
    expect(reads.bytes).toBe(layers * TABLE_BYTES);
    expect(cache.pages).toBe(0);
    // Blocks written into the top fill pages of its table, within the one budget.
    await chain.write(Uint8Array.of(1), 0);
    await chain.write(Uint8Array.of(2), 60 * MiB);
    const back = new Uint8Array(1);
    await chain.read(back, 60 * MiB);
    expect(back[0]).toBe(2);
    expect(cache.pages).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(BAT_CACHE_BYTES);
    expect((chain.layers[0] as VhdLayer).allocatedBlockCount).toBe(2);
    await chain.close();
  });

  it('keeps a layer’s table pages within its cache however many blocks are read', async () => {
    // 512-byte blocks: a 64 MiB disk has 128 pages of entries; one sector written in 40 of them.
    const file = memoryFile();
    await createDynamic(file, { sizeBytes: 64 * MiB, blockSizeBytes: 512, ...deterministic(1) });
    const w = await openChain(shared(file), { openParent: async () => undefined, writable: true });
    for (let p = 0; p < 40; p++) await w.write(Uint8Array.of(p + 1), p * 1024 * 512);
    await w.close();
    const cache = new BatPageCache(16 * BAT_PAGE_BYTES);
    const layer = await openLayer(file, {}, { cache });
    const one = new Uint8Array(1);
    for (let round = 0; round < 2; round++) {
      for (let p = 0; p < 40; p++) {
        await layer.read(one, p * 1024 * 512, undefined);
        expect(one[0]).toBe(p + 1);
        expect(cache.pages).toBeLessThanOrEqual(16);
      }
    }
    expect(layer.allocatedBlockCount).toBe(40);
    await layer.close();
    expect(cache.pages).toBe(0);
  });
});
