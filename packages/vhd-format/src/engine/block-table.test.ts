import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED, MAX_TABLE_ENTRIES } from '../constants.js';
import { memoryFile, type RandomAccessFile } from '../io.js';
import { onesFile } from '../testing/ones-file.js';
import { BAT_PAGE_BYTES, BAT_PAGE_ENTRIES, BatPageCache } from './bat-page-cache.js';
import { BAT_PASS_ENTRIES, BlockTable } from './block-table.js';

const AT = 1536;

/** `file`, counting the bytes read through it and the largest single read. */
function counting(file: RandomAccessFile) {
  const stats = { bytes: 0, largest: 0 };
  const wrapped: RandomAccessFile = {
    ...file,
    read: (b, p) => {
      stats.bytes += b.length;
      stats.largest = Math.max(stats.largest, b.length);
      return file.read(b, p);
    },
  };
  return { file: wrapped, stats };
}

/** A file whose table at AT holds `entries` entries, entry i = f(i), big-endian. */
function tableFile(entries: number, f: (i: number) => number) {
  const bytes = new Uint8Array(AT + entries * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < entries; i++) view.setUint32(AT + i * 4, f(i));
  return memoryFile(bytes);
}

describe('BlockTable', () => {
  it('reads entries a page at a time, on demand, big-endian', async () => {
    const { file, stats } = counting(tableFile(4 * BAT_PAGE_ENTRIES, (i) => i * 3 + 0x01020304));
    const table = new BlockTable(file, AT, 4 * BAT_PAGE_ENTRIES);
    expect(table.peek(5)).toBeUndefined();
    expect(await table.get(5)).toBe(5 * 3 + 0x01020304);
    expect(stats.bytes).toBe(BAT_PAGE_BYTES);
    expect(table.peek(1023)).toBe(1023 * 3 + 0x01020304); // same page: no read
    expect(await table.get(3 * BAT_PAGE_ENTRIES)).toBe(3 * BAT_PAGE_ENTRIES * 3 + 0x01020304);
    expect(stats.bytes).toBe(2 * BAT_PAGE_BYTES);
    expect(await table.get(4 * BAT_PAGE_ENTRIES)).toBe(BLOCK_UNUSED); // past the end
  });

  it('holds an all-unused page as one bit: read once, never cached', async () => {
    const { file, stats } = counting(
      tableFile(2 * BAT_PAGE_ENTRIES, (i) => (i < 1024 ? BLOCK_UNUSED : 7)),
    );
    const cache = new BatPageCache();
    const table = new BlockTable(file, AT, 2 * BAT_PAGE_ENTRIES, cache);
    expect(await table.get(10)).toBe(BLOCK_UNUSED);
    expect(table.peek(999)).toBe(BLOCK_UNUSED);
    expect(table.isEmptyPage(0)).toBe(true);
    expect(cache.pages).toBe(0);
    expect(await table.get(1500)).toBe(7);
    expect(cache.pages).toBe(1);
    expect(stats.bytes).toBe(2 * BAT_PAGE_BYTES);
  });

  it('never holds more pages than its cache budget, however many it reads', async () => {
    const pages = 100;
    const { file, stats } = counting(tableFile(pages * BAT_PAGE_ENTRIES, (i) => i));
    const cache = new BatPageCache(16 * BAT_PAGE_BYTES);
    const table = new BlockTable(file, AT, pages * BAT_PAGE_ENTRIES, cache);
    for (let round = 0; round < 2; round++) {
      for (let p = 0; p < pages; p++) {
        expect(await table.get(p * BAT_PAGE_ENTRIES + 17)).toBe(p * BAT_PAGE_ENTRIES + 17);
        expect(cache.bytes).toBeLessThanOrEqual(16 * BAT_PAGE_BYTES);
      }
    }
    // The evicted pages were read again on the second round: 200 page reads in all.
    expect(stats.bytes).toBe(2 * pages * BAT_PAGE_BYTES);
  });

  it('streams a pass through a bounded buffer, counting entries and learning empty pages', async () => {
    // The longest table, all unused but two entries: 64 MiB that take no memory in the file.
    const { file, stats } = counting(onesFile(AT, AT + MAX_TABLE_ENTRIES * 4));
    await file.write(new Uint8Array(AT), 0);
    await file.write(Uint8Array.of(0, 0, 0, 9), AT + 4 * 5_000_000);
    await file.write(Uint8Array.of(0, 0, 0, 8), AT + 4 * (MAX_TABLE_ENTRIES - 1));
    const cache = new BatPageCache();
    const table = new BlockTable(file, AT, MAX_TABLE_ENTRIES, cache);
    const seen: Array<[number, number]> = [];
    await table.forEachAllocated((i, sector) => seen.push([i, sector]));
    expect(seen).toEqual([
      [5_000_000, 9],
      [MAX_TABLE_ENTRIES - 1, 8],
    ]);
    expect(table.allocatedCount).toBe(2);
    expect(stats.largest).toBe(BAT_PASS_ENTRIES * 4);
    expect(stats.bytes).toBe(MAX_TABLE_ENTRIES * 4);
    // Every other page is known empty: lookups there read nothing and hold nothing.
    const used = new Set(
      [5_000_000, MAX_TABLE_ENTRIES - 1].map((i) => Math.floor(i / BAT_PAGE_ENTRIES)),
    );
    for (let i = 0; i < MAX_TABLE_ENTRIES; i += 4099) {
      const page = Math.floor(i / BAT_PAGE_ENTRIES);
      expect(table.isEmptyPage(page)).toBe(!used.has(page));
      if (!used.has(page)) expect(table.peek(i)).toBe(BLOCK_UNUSED);
    }
    expect(stats.bytes).toBe(MAX_TABLE_ENTRIES * 4);
    expect(cache.pages).toBe(0);
    expect(await table.get(5_000_000)).toBe(9);
    expect(cache.pages).toBe(1);
  });

  it('counts an entry one bit short of unused as allocated, in whichever page it sits', async () => {
    const special = new Map([
      [3, 0xfffffffe],
      [BAT_PAGE_ENTRIES + 7, 0x7fffffff],
      [3 * BAT_PAGE_ENTRIES - 1, 0],
    ]);
    const entries = 4 * BAT_PAGE_ENTRIES + 5;
    const table = new BlockTable(
      tableFile(entries, (i) => special.get(i) ?? BLOCK_UNUSED),
      AT,
      entries,
    );
    const seen: Array<[number, number]> = [];
    await table.forEachAllocated((i, sector) => seen.push([i, sector]));
    expect(seen).toEqual([...special]);
    expect(table.allocatedCount).toBe(3);
    expect([0, 1, 2, 3, 4].map((p) => table.isEmptyPage(p))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('passes over two tables in turn each see their own entries', async () => {
    const a = new BlockTable(
      tableFile(3000, (i) => i),
      AT,
      3000,
    );
    const b = new BlockTable(
      tableFile(2000, (i) => 5000 + i),
      AT,
      2000,
    );
    for (const [table, base, n] of [
      [a, 0, 3000],
      [b, 5000, 2000],
      [a, 0, 3000],
    ] as const) {
      const seen: number[] = [];
      await table.forEachAllocated((_, sector) => seen.push(sector));
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => base + i));
    }
  });

  it('writes an entry through; a page read racing with the write never brings back the old value', async () => {
    const inner = tableFile(BAT_PAGE_ENTRIES, (i) => (i === 0 ? 5 : BLOCK_UNUSED));
    // The first read takes the bytes as they are when it starts, then waits to be released.
    let release: (() => void) | undefined;
    let gated = true;
    const file: RandomAccessFile = {
      ...inner,
      read: async (b, p) => {
        const n = await inner.read(b, p);
        if (gated) {
          gated = false;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return n;
      },
    };
    const table = new BlockTable(file, AT, BAT_PAGE_ENTRIES);
    const racing = table.get(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(release).toBeDefined(); // the page read holds the old bytes and waits
    const setting = table.set(7, 42);
    expect(table.peek(7)).toBe(42); // visible from the start of the write
    release!();
    await setting;
    expect(await racing).toBe(BLOCK_UNUSED);
    expect(table.peek(7)).toBe(42); // the page the racing read cached was patched
    expect(table.peek(0)).toBe(5);
    const back = new Uint8Array(4);
    await inner.read(back, AT + 7 * 4);
    expect(Array.from(back)).toEqual([0, 0, 0, 42]);
  });
});
