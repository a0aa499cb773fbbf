import { describe, expect, it } from 'vitest';
import { BAT_PAGE_BYTES, BAT_PAGE_ENTRIES, BatPageCache } from './bat-page-cache.js';

const page = (v: number) => new Uint32Array(BAT_PAGE_ENTRIES).fill(v);

describe('BatPageCache', () => {
  it('holds at most its budget, dropping the least recently used page first', () => {
    const cache = new BatPageCache(3 * BAT_PAGE_BYTES);
    for (let k = 0; k < 3; k++) cache.put(k, page(k));
    expect(cache.get(0)?.[0]).toBe(0); // 0 is now the most recent
    cache.put(3, page(3));
    expect(cache.pages).toBe(3);
    expect(cache.bytes).toBe(3 * BAT_PAGE_BYTES);
    expect(cache.peek(1)).toBeUndefined();
    expect(cache.peek(0)).toBeDefined();
    // A short last page counts its own bytes.
    cache.put(4, new Uint32Array(10));
    expect(cache.bytes).toBe(2 * BAT_PAGE_BYTES + 40);
  });

  it('gives each table its own keys and drops only a closed table’s pages', () => {
    const cache = new BatPageCache();
    const a = cache.newTable();
    const b = cache.newTable();
    cache.put(a + 5, page(1));
    cache.put(b + 5, page(2));
    cache.dropRange(a, 16384);
    expect(cache.peek(a + 5)).toBeUndefined();
    expect(cache.peek(b + 5)?.[0]).toBe(2);
  });

  it('refuses a budget smaller than one page', () => {
    expect(() => new BatPageCache(100)).toThrow(/INVALID_ARGUMENT/);
  });
});
