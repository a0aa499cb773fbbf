/**
 * A sparse in-memory file whose bytes in one range read as 0xFF until written: a whole BAT of
 * unused entries (64 MiB for 2^24 entries) that costs no memory, so tests can build long chains
 * of the longest tables.
 * @module
 */
import type { RandomAccessFile } from '../io.js';

const PAGE = 4096;

/**
 * A file that reads as 0xFF in `[from, to)` and as zeros elsewhere until written. Pages are
 * stored only when a write makes them differ from that fill. `storedBytes()` is the memory held.
 */
export function onesFile(from: number, to: number): RandomAccessFile & { storedBytes(): number } {
  const pages = new Map<number, Uint8Array>();
  let length = 0;
  /** Fills `out` with the unwritten bytes of the file at `position`. */
  const fill = (out: Uint8Array, position: number) => {
    out.fill(0);
    const a = Math.max(from, position);
    const b = Math.min(to, position + out.length);
    if (b > a) out.fill(0xff, a - position, b - position);
  };
  const each = (
    position: number,
    count: number,
    f: (page: number, at: number, n: number, done: number) => void,
  ) => {
    for (let done = 0; done < count; ) {
      const page = Math.floor((position + done) / PAGE);
      const at = position + done - page * PAGE;
      const n = Math.min(PAGE - at, count - done);
      f(page, at, n, done);
      done += n;
    }
  };
  return {
    async read(buffer, position) {
      const count = Math.max(0, Math.min(buffer.length, length - position));
      const out = buffer.subarray(0, count);
      fill(out, position);
      if (pages.size > 0) {
        each(position, count, (page, at, n, done) => {
          const stored = pages.get(page);
          if (stored) out.set(stored.subarray(at, at + n), done);
        });
      }
      return count;
    },
    async write(buffer, position) {
      each(position, buffer.length, (page, at, n, done) => {
        const piece = buffer.subarray(done, done + n);
        let stored = pages.get(page);
        if (!stored) {
          const unwritten = new Uint8Array(n);
          fill(unwritten, page * PAGE + at);
          if (unwritten.every((b, i) => b === piece[i])) return;
          stored = new Uint8Array(PAGE);
          fill(stored, page * PAGE);
          pages.set(page, stored);
        }
        stored.set(piece, at);
      });
      length = Math.max(length, position + buffer.length);
    },
    async size() {
      return length;
    },
    async truncate(n) {
      for (const page of [...pages.keys()]) if (page * PAGE >= n) pages.delete(page);
      length = n;
    },
    async sync() {},
    async close() {},
    storedBytes: () => pages.size * PAGE,
  };
}
