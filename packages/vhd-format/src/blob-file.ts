/**
 * A `Blob` (or a `File` a user picked in an `<input type="file">`) as a read-only
 * {@link RandomAccessFile}, for tools that inspect or read images in a web page.
 * @module
 */
import { VhdFormatError } from './errors.js';
import type { RandomAccessFile } from './io.js';

/**
 * What {@link blobFile} needs of a `Blob`: its size, and slices whose bytes can be read. The
 * web's `Blob` and `File`, and Node.js's `Blob`, all have this shape.
 */
export interface BlobLike {
  /** The size in bytes. */
  readonly size: number;
  /** The bytes from `start` up to (not including) `end`, as another blob. */
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Wraps a `Blob` or `File` as a read-only {@link RandomAccessFile}: each read copies one slice of
 * the blob, so a large file is never held in memory whole. `write` and `truncate` reject with
 * `READ_ONLY`; `sync` has nothing to do; after `close()` every call rejects with `CLOSED`.
 * Open it with `openImage`, `openChain` or `check`, which never write unless asked to.
 * Errors from the blob itself (a `File` changed on disk since it was picked reads as a
 * `NotReadableError`) pass through unchanged.
 *
 * @param blob - a `Blob`, a `File`, or anything with `size` and `slice(start, end).arrayBuffer()`;
 *   anything else is `INVALID_ARGUMENT`.
 * @example
 * ```ts
 * const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
 * input.addEventListener('change', async () => {
 *   const picked = input.files?.[0];
 *   if (picked === undefined) return;
 *   const { ok, problems } = await check(blobFile(picked));
 *   const image = await openImage(blobFile(picked));
 *   console.log(ok, problems, inspect(image));
 * });
 * ```
 */
export function blobFile(blob: BlobLike): RandomAccessFile {
  if (
    typeof blob !== 'object' ||
    blob === null ||
    typeof blob.slice !== 'function' ||
    !Number.isSafeInteger(blob.size) ||
    blob.size < 0
  ) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'blob must be a Blob or File', { field: 'blob' });
  }
  const length = blob.size;
  let closed = false;

  const ensureOpen = (op: string) => {
    if (closed) throw new VhdFormatError('CLOSED', `${op} on a closed blob file`);
  };
  const refuse = (op: string) => {
    ensureOpen(op);
    throw new VhdFormatError('READ_ONLY', `${op} on a blob file, which is read-only`);
  };

  return {
    async read(buffer, position) {
      ensureOpen('read');
      if (!(buffer instanceof Uint8Array)) {
        throw new VhdFormatError('INVALID_ARGUMENT', 'buffer must be a Uint8Array', {
          field: 'buffer',
        });
      }
      if (!Number.isSafeInteger(position) || position < 0) {
        throw new VhdFormatError(
          'INVALID_ARGUMENT',
          'position must be a safe non-negative integer',
          {
            field: 'position',
            value: position,
          },
        );
      }
      const end = Math.min(length, position + buffer.length);
      if (end <= position) return 0;
      const bytes = new Uint8Array(await blob.slice(position, end).arrayBuffer());
      buffer.set(bytes.subarray(0, end - position));
      return Math.min(bytes.length, end - position);
    },
    async write() {
      refuse('write');
    },
    async size() {
      ensureOpen('size');
      return length;
    },
    async truncate() {
      refuse('truncate');
    },
    async sync() {
      ensureOpen('sync');
    },
    async close() {
      closed = true;
    },
  };
}
