/**
 * The random-access file the engine works on, and an in-memory implementation.
 * @module
 */
import { VhdFormatError } from './errors.js';

/** Random-access file; same shape as `@vskit/host`'s `HostFile`, so host files pass straight in. */
export interface RandomAccessFile {
  /** Reads up to `buffer.length` bytes at `position`; resolves to the count read (short only at EOF). */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Writes all of `buffer` at `position`, growing the file if needed. */
  write(buffer: Uint8Array, position: number): Promise<void>;
  /** The file's size in bytes. */
  size(): Promise<number>;
  /** Sets the file's size; extension reads as zeros. */
  truncate(length: number): Promise<void>;
  /** Makes every write durable. */
  sync(): Promise<void>;
  /** Releases the file. */
  close(): Promise<void>;
}

/** Page size of {@link memoryFile}: untouched pages take no memory. */
const PAGE = 64 * 1024;

/**
 * A sparse in-memory file: pages never written read as zeros and take no memory, so a
 * 2040 GiB image with an empty BAT costs only its metadata. `bytes()` returns a copy of the
 * whole content (use it on small files only). After `close()`, every call rejects with `CLOSED`.
 */
export function memoryFile(initial?: Uint8Array): RandomAccessFile & { bytes(): Uint8Array } {
  const pages = new Map<number, Uint8Array>();
  let length = 0;
  let closed = false;

  const ensureOpen = (op: string) => {
    if (closed) throw new VhdFormatError('CLOSED', `${op} on a closed memory file`);
  };
  const checkPosition = (position: number, field: string) => {
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new VhdFormatError('INVALID_ARGUMENT', `${field} must be a safe non-negative integer`, {
        field,
        value: position,
      });
    }
  };
  const checkBuffer = (buffer: unknown) => {
    if (!(buffer instanceof Uint8Array)) {
      throw new VhdFormatError('INVALID_ARGUMENT', 'buffer must be a Uint8Array', {
        field: 'buffer',
      });
    }
  };
  const writeSync = (buffer: Uint8Array, position: number) => {
    let done = 0;
    while (done < buffer.length) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const within = at - index * PAGE;
      const n = Math.min(PAGE - within, buffer.length - done);
      let page = pages.get(index);
      if (!page) {
        page = new Uint8Array(PAGE);
        pages.set(index, page);
      }
      page.set(buffer.subarray(done, done + n), within);
      done += n;
    }
    length = Math.max(length, position + buffer.length);
  };
  const readSync = (buffer: Uint8Array, position: number): number => {
    const n = Math.max(0, Math.min(buffer.length, length - position));
    let done = 0;
    while (done < n) {
      const at = position + done;
      const index = Math.floor(at / PAGE);
      const within = at - index * PAGE;
      const count = Math.min(PAGE - within, n - done);
      const page = pages.get(index);
      if (page) buffer.set(page.subarray(within, within + count), done);
      else buffer.fill(0, done, done + count);
      done += count;
    }
    return n;
  };
  if (initial) writeSync(initial, 0);

  return {
    async read(buffer, position) {
      ensureOpen('read');
      checkBuffer(buffer);
      checkPosition(position, 'position');
      return readSync(buffer, position);
    },
    async write(buffer, position) {
      ensureOpen('write');
      checkBuffer(buffer);
      checkPosition(position, 'position');
      writeSync(buffer, position);
    },
    async size() {
      ensureOpen('size');
      return length;
    },
    async truncate(newLength) {
      ensureOpen('truncate');
      checkPosition(newLength, 'length');
      if (newLength < length) {
        for (const index of [...pages.keys()]) {
          if (index * PAGE >= newLength) pages.delete(index);
        }
        const last = pages.get(Math.floor(newLength / PAGE));
        if (last) last.fill(0, newLength % PAGE);
      }
      length = newLength;
    },
    async sync() {
      ensureOpen('sync');
    },
    async close() {
      closed = true;
    },
    bytes() {
      const out = new Uint8Array(length);
      readSync(out, 0);
      return out;
    },
  };
}

/**
 * Reads exactly `buffer.length` bytes at `position`, looping over short reads; a read that
 * ends before the buffer is full is a `TRUNCATED` error naming `what`.
 */
export async function readExactly(
  file: RandomAccessFile,
  buffer: Uint8Array,
  position: number,
  what: string,
): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const n = await file.read(done === 0 ? buffer : buffer.subarray(done), position + done);
    if (n <= 0) {
      throw new VhdFormatError(
        'TRUNCATED',
        `${what}: file ends at ${position + done}, ${buffer.length - done} bytes short`,
        { field: what, offset: position + done },
      );
    }
    done += n;
  }
}
