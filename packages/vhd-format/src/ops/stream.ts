/**
 * The streaming face of conversion, for tools that upload and download disks: a virtual disk
 * as an async iterable of byte chunks, and a dynamic image written from such a stream (or a Web
 * `ReadableStream`) with memory bounded by one block and the BAT.
 * @module
 */
import { DEFAULT_BLOCK_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import type { VhdChain } from '../image/chain.js';
import type { CreateOptions } from '../image/options.js';
import type { RandomAccessFile } from '../io.js';
import type { ConvertResult } from './convert.js';
import { diskOf } from './convert.js';
import { DynamicImageWriter } from './dynamic-writer.js';
import { advance, type OperationOptions } from './options.js';
import type { VirtualDisk } from './virtual-disk.js';
import { isAllZero, type ZeroTestOption } from './zero.js';

/** The part of a Web `ReadableStream` of bytes that {@link writeDynamicFromStream} uses. */
export interface ReadableStreamLike {
  /** A reader, as `ReadableStream.getReader()` gives. */
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    releaseLock(): void;
  };
}

/** Bytes in order: an async or sync iterable of chunks, or a Web `ReadableStream`. */
export type ByteStream = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStreamLike;

/** Options of {@link diskChunks}. */
export interface DiskChunksOptions extends OperationOptions {
  /** Bytes per chunk (the last may be shorter); a multiple of 512, default 2 MiB. */
  chunkBytes?: number;
}

/**
 * The virtual disk of `source` (an opened chain, flattened; or a {@link VirtualDisk}) as chunks
 * in order, each a new `Uint8Array` the consumer owns. Ranges no layer holds are yielded as
 * zeros without a read. `ReadableStream.from(diskChunks(chain))` makes a Web stream of it.
 * @example
 * ```ts
 * for await (const chunk of diskChunks(chain)) await upload(chunk);
 * ```
 */
export async function* diskChunks(
  source: VhdChain | VirtualDisk,
  o: DiskChunksOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkBytes = o.chunkBytes ?? 2 * 2 ** 20;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes % 512 !== 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'chunkBytes must be a positive multiple of 512', {
      field: 'chunkBytes',
      value: chunkBytes,
    });
  }
  const disk = diskOf(source);
  const size = disk.virtualSize;
  for (let offset = 0; offset < size; offset += chunkBytes) {
    advance(o, offset, size);
    const chunk = new Uint8Array(Math.min(chunkBytes, size - offset));
    if (disk.mayHoldData === undefined || (await disk.mayHoldData(offset, chunk.length))) {
      await disk.read(chunk, offset);
    }
    yield chunk;
  }
  advance(o, size, size);
}

/** Options of {@link writeDynamicFromStream}. */
export interface WriteFromStreamOptions
  extends OperationOptions,
    ZeroTestOption,
    Omit<CreateOptions, 'onProgress' | 'signal'> {
  /** The disk's size: exactly the bytes the stream holds (a multiple of 512). */
  sizeBytes: number;
  /** Block size (default 2 MiB). */
  blockSizeBytes?: number;
}

function isReadableStream(s: ByteStream): s is ReadableStreamLike {
  return typeof (s as ReadableStreamLike).getReader === 'function';
}

/** The chunks of `s`, whichever form it takes. */
async function* chunksOf(s: ByteStream): AsyncGenerator<Uint8Array, void, undefined> {
  if (!isReadableStream(s)) {
    yield* s;
    return;
  }
  const reader = s.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value !== undefined) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Writes the disk bytes `stream` delivers, in order, as a new dynamic image of `o.sizeBytes`
 * into `target` (emptied first; whole only when the promise resolves). Blocks are written as
 * they fill (one block's write under way while the next fills), after a region reserved for
 * the BAT, which goes in last with the header and footers: memory stays at two blocks plus the
 * BAT (4 bytes per block). All-zero blocks are not
 * allocated. Chunks may be of any size and are copied, never kept.
 * @throws VhdFormatError `TRUNCATED` when the stream ends before `sizeBytes`,
 * `INVALID_ARGUMENT` when it holds more or `sizeBytes` is not a multiple of 512, `ABORTED`.
 * @example
 * ```ts
 * const response = await fetch(url);
 * await writeDynamicFromStream(response.body, file, { sizeBytes: 64 * 2 ** 20 });
 * ```
 */
export async function writeDynamicFromStream(
  stream: ByteStream,
  target: RandomAccessFile,
  o: WriteFromStreamOptions,
): Promise<ConvertResult> {
  const size = o.sizeBytes;
  const writer = await DynamicImageWriter.start(
    target,
    size,
    o.blockSizeBytes ?? DEFAULT_BLOCK_SIZE,
    o,
  );
  const blockSize = writer.blockSize;
  const allZero = o.isAllZero ?? isAllZero;
  // Two block buffers: one fills while the other's write is under way.
  const buffers = [writer.blockBuffer(), writer.blockBuffer()];
  const writing: Array<Promise<void> | undefined> = [undefined, undefined];
  let current = 0;
  let stored = buffers[0]!;
  let data = stored.subarray(writer.bitmapBytes);
  let received = 0;
  let block = 0;
  let filled = 0;
  const flush = async () => {
    if (filled < blockSize) data.fill(0, filled);
    if (!allZero(data, 0, filled)) {
      const write = writer.putBlock(block, stored);
      // A failure is reported when it is waited for; until then it must not go unhandled.
      write.catch(() => undefined);
      writing[current] = write;
      current ^= 1;
      // The other buffer is filled next: its write must be done.
      await writing[current];
      writing[current] = undefined;
      stored = buffers[current]!;
      data = stored.subarray(writer.bitmapBytes);
    }
    block++;
    filled = 0;
  };
  advance(o, 0, size);
  try {
    for await (const chunk of chunksOf(stream)) {
      if (!(chunk instanceof Uint8Array)) {
        throw new VhdFormatError('INVALID_ARGUMENT', 'the stream must deliver Uint8Array chunks', {
          field: 'stream',
        });
      }
      if (received + chunk.length > size) {
        throw new VhdFormatError('INVALID_ARGUMENT', `the stream holds more than ${size} bytes`, {
          field: 'sizeBytes',
          value: size,
        });
      }
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(chunk.length - at, blockSize - filled);
        data.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === blockSize) await flush();
      }
      received += chunk.length;
      advance(o, received, size);
    }
    if (received < size) {
      throw new VhdFormatError('TRUNCATED', `the stream ended after ${received} of ${size} bytes`, {
        field: 'stream',
        offset: received,
      });
    }
    if (filled > 0) await flush();
    for (const write of writing) await write;
  } finally {
    // No write may still be under way when the caller closes the file.
    await Promise.allSettled(writing);
  }
  return writer.finish();
}
