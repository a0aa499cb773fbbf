import { DIGEST_PIECE_BYTES } from '@vskit/host/kit';
import { contentDigest } from './content-digest.js';
import { sharedUniformChunk } from './uniform-chunks.js';
import { isZeroPiece } from './zero-piece.js';

/** Bytes per storage chunk: file contents are kept as a map of chunks of this size. */
export const CHUNK_BYTES = DIGEST_PIECE_BYTES;

/**
 * The bytes of one emulated file, stored sparsely: a map of {@link CHUNK_BYTES} chunks, where a
 * missing chunk reads as zeros, so a 2040 GiB file costs memory only for what was written.
 *
 * It also remembers what is durable: the first write to a chunk after {@link sync} keeps the
 * chunk's synced bytes aside, so {@link durable} can rebuild the content as of the last sync (the
 * file's size is metadata and is always durable).
 */
export class SparseContent {
  /** Logical size in bytes. */
  size = 0;
  readonly #chunks: Map<number, Uint8Array>;
  /** The synced version of every chunk written since the last sync (`null`: it was a hole). */
  readonly #saved = new Map<number, Uint8Array | null>();
  /**
   * Chunks that are shared read-only with other contents (a chunk of one repeated byte, see
   * `sharedUniformChunk`): copied before any change.
   */
  readonly #shared = new Set<number>();
  /** Bumped by every change of the bytes, so an unchanged file's digest is computed once. */
  #version = 0;
  #digest: { readonly version: number; readonly size: number; readonly value: string } | undefined;

  constructor(size = 0, chunks: Map<number, Uint8Array> = new Map()) {
    this.size = size;
    this.#chunks = chunks;
  }

  /** Bytes of memory held by chunks (for tests and benches). */
  get storedBytes(): number {
    return this.#chunks.size * CHUNK_BYTES;
  }

  /** Copies bytes at `position` into `buffer`; returns the count (short at the end). */
  read(buffer: Uint8Array, position: number): number {
    if (position >= this.size) return 0;
    const count = Math.min(buffer.length, this.size - position);
    for (let done = 0; done < count; ) {
      const at = position + done;
      const index = Math.floor(at / CHUNK_BYTES);
      const offset = at - index * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - offset, count - done);
      const chunk = this.#chunks.get(index);
      if (chunk === undefined) buffer.fill(0, done, done + n);
      else if (n === CHUNK_BYTES) buffer.set(chunk, done);
      else buffer.set(chunk.subarray(offset, offset + n), done);
      done += n;
    }
    return count;
  }

  /** Writes all of `buffer` at `position`, growing the size if needed. The caller checks space. */
  write(buffer: Uint8Array, position: number): void {
    this.#version++;
    const count = buffer.length;
    for (let done = 0; done < count; ) {
      const at = position + done;
      const index = Math.floor(at / CHUNK_BYTES);
      const offset = at - index * CHUNK_BYTES;
      const n = Math.min(CHUNK_BYTES - offset, count - done);
      const piece = buffer.subarray(done, done + n);
      done += n;
      let chunk = this.#chunks.get(index);
      if (chunk === undefined) {
        if (!isZeroPiece(piece)) {
          this.#rememberHole(index);
          if (n === CHUNK_BYTES) {
            chunk = sharedUniformChunk(piece);
            if (chunk === undefined) chunk = piece.slice();
            else this.#shared.add(index);
          } else {
            chunk = new Uint8Array(CHUNK_BYTES);
            chunk.set(piece, offset);
          }
          this.#chunks.set(index, chunk);
        }
      } else {
        if (!this.#saved.has(index)) {
          this.#saved.set(index, chunk);
          chunk = this.#own(index, chunk);
        } else if (this.#shared.has(index)) chunk = this.#own(index, chunk);
        chunk.set(piece, offset);
      }
    }
    if (position + count > this.size) this.size = position + count;
  }

  /** A private copy of `chunk` in place of chunk `index`, free to change. */
  #own(index: number, chunk: Uint8Array): Uint8Array {
    const copy = chunk.slice();
    this.#chunks.set(index, copy);
    this.#shared.delete(index);
    return copy;
  }

  /** Notes that chunk `index` was a hole when it was last synced. */
  #rememberHole(index: number): void {
    if (!this.#saved.has(index)) this.#saved.set(index, null);
  }

  /**
   * Sets the size. Cut bytes are gone (and read as zeros if the file grows again); the change is
   * durable at once, like the file system's metadata.
   */
  truncate(length: number): void {
    this.#version++;
    if (length < this.size) {
      this.#cut(length);
      for (const [index, chunk] of this.#saved) {
        if (chunk === null) continue;
        const start = index * CHUNK_BYTES;
        if (start >= length) this.#saved.set(index, null);
        else if (start + CHUNK_BYTES > length) {
          const copy = chunk.slice();
          copy.fill(0, length - start);
          this.#saved.set(index, copy);
        }
      }
    }
    this.size = length;
  }

  /** Drops the chunks past `length` and zeros the tail of the one it falls in. */
  #cut(length: number): void {
    const last = Math.floor(length / CHUNK_BYTES);
    for (const [index, chunk] of this.#chunks) {
      const start = index * CHUNK_BYTES;
      if (start >= length) {
        this.#chunks.delete(index);
        this.#shared.delete(index);
      } else if (index === last) {
        const own = this.#shared.has(index) ? this.#own(index, chunk) : chunk;
        own.fill(0, length - start);
      }
    }
  }

  /** Everything written so far becomes durable. */
  sync(): void {
    this.#saved.clear();
  }

  /**
   * A new, independent content holding only what is durable: the bytes as of the last sync, at
   * today's size. Chunks are shared, not copied: each content copies a shared chunk before its
   * first change to it, so neither content's later writes reach the other.
   */
  durable(): SparseContent {
    const chunks = new Map<number, Uint8Array>();
    const copy = new SparseContent(this.size, chunks);
    for (const [index, chunk] of this.#chunks) {
      if (this.#saved.has(index)) continue;
      chunks.set(index, chunk);
      this.#shared.add(index);
      copy.#shared.add(index);
    }
    // a kept synced version is never changed in place (truncate replaces it)
    for (const [index, chunk] of this.#saved) {
      if (chunk === null) continue;
      chunks.set(index, chunk);
      copy.#shared.add(index);
    }
    return copy;
  }

  /**
   * Digest of the bytes (see `contentDigest`): equal bytes, equal digests. Computed once per
   * version of the bytes: snapshots of a file nothing wrote since take the cached one.
   */
  digest(): string {
    const cached = this.#digest;
    if (cached !== undefined && cached.version === this.#version && cached.size === this.size) {
      return cached.value;
    }
    const value = this.#computeDigest();
    this.#digest = { version: this.#version, size: this.size, value };
    return value;
  }

  #computeDigest(): string {
    const indexes = [...this.#chunks.keys()].sort((a, b) => a - b);
    const size = this.size;
    const chunks = this.#chunks;
    function* pieces(): Generator<readonly [number, Uint8Array]> {
      for (const index of indexes) {
        const start = index * CHUNK_BYTES;
        if (start >= size) continue;
        const chunk = chunks.get(index) as Uint8Array;
        yield [index, chunk.subarray(0, Math.min(CHUNK_BYTES, size - start))];
      }
    }
    return contentDigest(size, pieces());
  }
}
