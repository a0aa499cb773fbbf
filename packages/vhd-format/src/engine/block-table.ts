/**
 * The block allocation table of one layer, read from the file a page at a time: an entry is the
 * sector of the block's bitmap, or {@link BLOCK_UNUSED}. Decoded pages live in a
 * {@link BatPageCache} shared by the layers of a chain; pages whose entries are all unused cost
 * one bit. Nothing holds the whole table: a pass over it (to validate it, count its blocks or
 * list them) streams it through one bounded buffer.
 * @module
 */
import { BLOCK_UNUSED, MAX_TABLE_ENTRIES } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { BAT_PAGE_ENTRIES, BatPageCache } from './bat-page-cache.js';

/** Entries a pass over the table reads at a time: 1 MiB of the table. */
export const BAT_PASS_ENTRIES = 256 * BAT_PAGE_ENTRIES;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** {@link BLOCK_UNUSED} as a local binding, for the hot loops (an import may be a getter). */
const UNUSED = BLOCK_UNUSED;
/** {@link BAT_PAGE_ENTRIES} as a local binding. */
const PAGE = BAT_PAGE_ENTRIES;

/** A pass buffer no pass is using, kept for the next one (passes take it in turn). */
let spareBuffer: Uint8Array | undefined;

/** A buffer of at least `bytes` for one pass: the spare one when it is large enough. */
function takePassBuffer(bytes: number): Uint8Array {
  const spare = spareBuffer;
  if (spare !== undefined && spare.length >= bytes) {
    spareBuffer = undefined;
    return spare;
  }
  return new Uint8Array(bytes);
}

/** Gives a pass's buffer back, to be the spare one if it is the largest seen. */
function givePassBuffer(buffer: Uint8Array): void {
  if (spareBuffer === undefined || spareBuffer.length < buffer.length) spareBuffer = buffer;
}

/**
 * The entry a raw table word holds: `word` is 4 bytes of the table as read into a
 * `Uint32Array` (host byte order), the entry is their big-endian value.
 */
export function entryOf(word: number): number {
  if (!LITTLE_ENDIAN) return word;
  return (
    (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0
  );
}

/**
 * Visits one stretch of a pass: `words` are the raw words of entries `first ..`, in host byte
 * order (decode with {@link entryOf}; {@link BLOCK_UNUSED} reads the same in both orders), valid
 * during the call only (the pass reads the next stretch into the same buffer).
 * Return `false` to end the pass.
 */
export type TableVisitor = (first: number, words: Uint32Array) => unknown;

/** The BAT of one layer. State: which pages are empty, entries being written, the count. */
export class BlockTable {
  /** Number of entries. */
  readonly length: number;
  readonly #file: RandomAccessFile;
  readonly #tableOffset: number;
  /** Where this table's decoded pages are held (shared by the layers of a chain). */
  readonly cache: BatPageCache;
  readonly #base: number;
  readonly #pageCount: number;
  /** One bit per page, set when every entry of the page is known to be unused. */
  readonly #emptyPages: Uint8Array;
  /** Page reads under way. */
  readonly #loading = new Map<number, Promise<Uint32Array | undefined>>();
  /** Entries whose write is under way, with their new values. */
  readonly #pending = new Map<number, number>();
  /** Entries not unused, once a whole pass has counted them. */
  #allocated: number | undefined;

  /**
   * The table of `length` entries at byte `tableOffset` of `file`, whose decoded pages go in
   * `cache` (by default a cache of its own). `length` is at most `MAX_TABLE_ENTRIES`.
   */
  constructor(
    file: RandomAccessFile,
    tableOffset: number,
    length: number,
    cache: BatPageCache = new BatPageCache(),
  ) {
    if (!Number.isSafeInteger(length) || length < 0 || length > MAX_TABLE_ENTRIES) {
      throw new VhdFormatError('SIZE_TOO_LARGE', `a BAT of ${length} entries`, {
        field: 'header.maxTableEntries',
        value: length,
      });
    }
    this.#file = file;
    this.#tableOffset = tableOffset;
    this.length = length;
    this.cache = cache;
    this.#base = cache.newTable();
    this.#pageCount = Math.ceil(length / BAT_PAGE_ENTRIES);
    this.#emptyPages = new Uint8Array(Math.ceil(this.#pageCount / 8));
  }

  /** Entries that are not unused; undefined until a pass has read the whole table. */
  get allocatedCount(): number | undefined {
    return this.#allocated;
  }

  /** Entry `index` when it is known without I/O, else undefined (see {@link get}). */
  peek(index: number): number | undefined {
    if (this.#pending.size > 0) {
      const pending = this.#pending.get(index);
      if (pending !== undefined) return pending;
    }
    if (!(index < this.length)) return BLOCK_UNUSED;
    const p = Math.floor(index / BAT_PAGE_ENTRIES);
    if (this.#isEmpty(p)) return BLOCK_UNUSED;
    return this.cache.get(this.#base + p)?.[index - p * BAT_PAGE_ENTRIES];
  }

  /** Entry `index`: the sector of the block's bitmap, or {@link BLOCK_UNUSED}. */
  async get(index: number): Promise<number> {
    const known = this.peek(index);
    if (known !== undefined) return known;
    const p = Math.floor(index / BAT_PAGE_ENTRIES);
    const page = await this.#load(p);
    return this.#pending.get(index) ?? page?.[index - p * BAT_PAGE_ENTRIES] ?? BLOCK_UNUSED;
  }

  /**
   * Sets entry `index` to `sector` and writes it (4 bytes) to the file. Readers see the new
   * value from the start of the write; if the write fails, the entry keeps its old value.
   */
  async set(index: number, sector: number): Promise<void> {
    const p = Math.floor(index / BAT_PAGE_ENTRIES);
    const known = this.#pending.has(index) ? undefined : this.peek(index);
    this.#pending.set(index, sector);
    this.#markEmpty(p, false);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, sector);
    try {
      const before = known ?? (await this.#load(p))?.[index - p * BAT_PAGE_ENTRIES] ?? BLOCK_UNUSED;
      await this.#file.write(bytes, this.#tableOffset + index * 4);
      // A page read that started before the write may hold the old value: wait for it, then
      // patch what is held (a page read from now on reads the new value from the file).
      const loading = this.#loading.get(p);
      if (loading !== undefined) await loading.catch(() => undefined);
      this.#markEmpty(p, false);
      const page = this.cache.peek(this.#base + p);
      if (page !== undefined) page[index - p * BAT_PAGE_ENTRIES] = sector;
      if (this.#allocated !== undefined) {
        this.#allocated += Number(sector !== BLOCK_UNUSED) - Number(before !== BLOCK_UNUSED);
      }
    } finally {
      this.#pending.delete(index);
    }
  }

  /**
   * One pass over the whole table, in order, through a buffer of {@link BAT_PASS_ENTRIES}
   * entries. The first complete pass also learns which pages are empty and counts the
   * allocated entries.
   */
  async forEachChunk(visit: TableVisitor): Promise<void> {
    const survey = this.#allocated === undefined;
    let allocated = 0;
    const buffer = takePassBuffer(Math.min(this.length, BAT_PASS_ENTRIES) * 4);
    try {
      for (let first = 0; first < this.length; first += BAT_PASS_ENTRIES) {
        const count = Math.min(BAT_PASS_ENTRIES, this.length - first);
        const bytes = buffer.subarray(0, count * 4);
        await readExactly(this.#file, bytes, this.#tableOffset + first * 4, 'BAT');
        const words = new Uint32Array(buffer.buffer, buffer.byteOffset, count);
        if (survey) allocated += this.#survey(first, words);
        if (visit(first, words) === false) return;
      }
    } finally {
      givePassBuffer(buffer);
    }
    if (survey) this.#allocated = allocated;
  }

  /**
   * Calls `visit(index, sector)` for every allocated entry, in table order, streaming the
   * table (pages known to be empty are skipped without a look).
   */
  async forEachAllocated(visit: (index: number, sector: number) => void): Promise<void> {
    await this.forEachChunk((first, words) => {
      for (let k = 0; k < words.length; k++) {
        const w = words[k]!;
        if (w !== UNUSED) visit(first + k, entryOf(w));
      }
    });
  }

  /** Drops this table's pages from the cache. */
  release(): void {
    this.cache.dropRange(this.#base, this.#pageCount);
  }

  /**
   * Marks the empty pages among `words` (entries `first ..`) and counts the allocated ones, in
   * one look at each page: the AND of its words is all ones exactly when every entry is unused,
   * and only a page with entries is counted entry by entry.
   */
  #survey(first: number, words: Uint32Array): number {
    let allocated = 0;
    for (let start = 0; start < words.length; start += PAGE) {
      const end = Math.min(words.length, start + PAGE);
      let all = -1;
      for (let k = start; k < end; k++) all &= words[k]!;
      const empty = all === -1;
      this.#markEmpty((first + start) / PAGE, empty);
      if (empty) continue;
      for (let k = start; k < end; k++) if (words[k] !== UNUSED) allocated++;
    }
    return allocated;
  }

  /** Whether every entry of page `p` (entries `p * BAT_PAGE_ENTRIES ..`) is known to be unused. */
  isEmptyPage(p: number): boolean {
    return this.#isEmpty(p);
  }

  #isEmpty(p: number): boolean {
    return (this.#emptyPages[p >>> 3]! & (1 << (p & 7))) !== 0;
  }

  #markEmpty(p: number, empty: boolean): void {
    if (empty) this.#emptyPages[p >>> 3]! |= 1 << (p & 7);
    else this.#emptyPages[p >>> 3]! &= ~(1 << (p & 7));
  }

  /** Page `p`, read and decoded (once, however many ask); undefined when every entry is unused. */
  #load(p: number): Promise<Uint32Array | undefined> {
    let loading = this.#loading.get(p);
    if (loading === undefined) {
      loading = this.#read(p).finally(() => this.#loading.delete(p));
      this.#loading.set(p, loading);
    }
    return loading;
  }

  async #read(p: number): Promise<Uint32Array | undefined> {
    const first = p * BAT_PAGE_ENTRIES;
    const count = Math.min(BAT_PAGE_ENTRIES, this.length - first);
    const bytes = new Uint8Array(count * 4);
    await readExactly(this.#file, bytes, this.#tableOffset + first * 4, 'BAT');
    const page = new Uint32Array(bytes.buffer);
    let used = 0;
    for (let k = 0; k < count; k++) {
      const w = page[k]!;
      if (w !== BLOCK_UNUSED) {
        page[k] = entryOf(w);
        used++;
      }
    }
    if (used === 0) {
      this.#markEmpty(p, true);
      return undefined;
    }
    this.cache.put(this.#base + p, page);
    return page;
  }
}
