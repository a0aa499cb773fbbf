/**
 * The memory budget for BAT pages: one least-recently-used cache of decoded pages shared by
 * every layer of an opened chain, so the BAT memory of a chain stays within one budget however
 * deep the chain and however long its tables.
 * @module
 */
import { MAX_TABLE_ENTRIES } from '../constants.js';
import { VhdFormatError } from '../errors.js';

/** BAT entries per page: 4 KiB of the table on disk (and in memory once decoded). */
export const BAT_PAGE_ENTRIES = 1024;
/** Bytes of one full page. */
export const BAT_PAGE_BYTES = BAT_PAGE_ENTRIES * 4;
/**
 * Bytes of decoded BAT pages an opened image or chain keeps (all its layers together): 4 MiB,
 * 1024 pages, the whole table of a 2 TiB disk in 2 MiB blocks. Pages whose entries are all
 * unused are never held.
 */
export const BAT_CACHE_BYTES = 4 * 2 ** 20;
/** Pages of the longest table we open: the key space each table takes in a cache. */
const PAGES_PER_TABLE = MAX_TABLE_ENTRIES / BAT_PAGE_ENTRIES;

/** Decoded BAT pages of several tables, least recently used first. State: the map and its size. */
export class BatPageCache {
  /** Most bytes of pages held. */
  readonly budgetBytes: number;
  readonly #pages = new Map<number, Uint32Array>();
  #bytes = 0;
  #tables = 0;
  /** The key used last (already the most recent in the map). */
  #last = -1;

  /** A cache holding at most `budgetBytes` of pages (at least one page). */
  constructor(budgetBytes: number = BAT_CACHE_BYTES) {
    if (!Number.isSafeInteger(budgetBytes) || budgetBytes < BAT_PAGE_BYTES) {
      throw new VhdFormatError('INVALID_ARGUMENT', `a BAT cache holds at least one page`, {
        field: 'budgetBytes',
        value: budgetBytes,
      });
    }
    this.budgetBytes = budgetBytes;
  }

  /** Bytes of pages held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Pages held now. */
  get pages(): number {
    return this.#pages.size;
  }

  /** The first key of a new table's pages (page `p` of the table is key `base + p`). */
  newTable(): number {
    return this.#tables++ * PAGES_PER_TABLE;
  }

  /** The page under `key`, marked most recently used; undefined when not held. */
  get(key: number): Uint32Array | undefined {
    const page = this.#pages.get(key);
    if (page !== undefined && this.#last !== key) {
      this.#pages.delete(key);
      this.#pages.set(key, page);
      this.#last = key;
    }
    return page;
  }

  /** The page under `key` without marking it used. */
  peek(key: number): Uint32Array | undefined {
    return this.#pages.get(key);
  }

  /** Holds `page` under `key`, evicting the least recently used pages beyond the budget. */
  put(key: number, page: Uint32Array): void {
    this.delete(key);
    while (this.#pages.size > 0 && this.#bytes + page.byteLength > this.budgetBytes) {
      const oldest = this.#pages.keys().next().value as number;
      this.delete(oldest);
    }
    this.#pages.set(key, page);
    this.#bytes += page.byteLength;
    this.#last = key;
  }

  /** Drops the page under `key`. */
  delete(key: number): void {
    const page = this.#pages.get(key);
    if (page === undefined) return;
    this.#pages.delete(key);
    this.#bytes -= page.byteLength;
    if (this.#last === key) this.#last = -1;
  }

  /** Drops the pages of keys `[base, base + count)` (a closed table's). */
  dropRange(base: number, count: number): void {
    if (this.#pages.size < count) {
      for (const key of [...this.#pages.keys()])
        if (key >= base && key < base + count) this.delete(key);
    } else {
      for (let key = base; key < base + count; key++) this.delete(key);
    }
  }
}
