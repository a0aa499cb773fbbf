/**
 * Creating a fixed disk: the data area (zeros) followed by the footer.
 * @module
 */
import { ALL_ONES_64, DISK_TYPE_CODES, FOOTER_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import type { RandomAccessFile } from '../io.js';
import { encodeFooter } from '../structs/footer.js';
import {
  type CreateOptions,
  type DiskSizeOptions,
  emptyFile,
  newDiskSize,
  newFooter,
  throwIfAborted,
} from './options.js';

/** Options of {@link createFixed}. */
export interface CreateFixedOptions extends CreateOptions, DiskSizeOptions {
  /**
   * How the zeros are made. `truncate` (default) extends the file, which reads as zeros and
   * takes no time or memory; `write` writes zeros in 1 MiB chunks, reporting progress per chunk
   * (for hosts that must really allocate the space).
   */
  zeroFill?: 'truncate' | 'write';
}

const CHUNK = 2 ** 20;

/** The zeros `zeroFill: 'write'` writes: one buffer for every disk, only ever handed to `write`. */
let sharedZeros: Uint8Array | undefined;

function zeroChunk(): Uint8Array {
  sharedZeros ??= new Uint8Array(CHUNK);
  return sharedZeros;
}

/**
 * Creates a fixed disk of `sizeBytes` (rounded up to a size every reader agrees on unless
 * `exactSize`) on an empty (or emptied) `file`: zeros, then a footer with data offset all ones,
 * the CHS geometry of that size and the creator from `o`.
 */
export async function createFixed(file: RandomAccessFile, o: CreateFixedOptions): Promise<void> {
  const { sizeBytes: size, geometry } = newDiskSize(o);
  if (o.zeroFill !== undefined && o.zeroFill !== 'truncate' && o.zeroFill !== 'write') {
    throw new VhdFormatError('INVALID_ARGUMENT', 'zeroFill must be truncate or write', {
      field: 'zeroFill',
      value: o.zeroFill,
    });
  }
  const footer = encodeFooter(
    newFooter(o, {
      diskType: DISK_TYPE_CODES.fixed,
      dataOffset: ALL_ONES_64,
      sizeBytes: size,
      geometry,
    }),
  );
  const total = size + FOOTER_SIZE;
  throwIfAborted(o.signal);
  await emptyFile(file);
  o.onProgress?.(0, total);
  if (o.zeroFill === 'write') {
    const zeros = zeroChunk();
    for (let done = 0; done < size; ) {
      throwIfAborted(o.signal);
      const n = Math.min(CHUNK, size - done);
      await file.write(n === zeros.length ? zeros : zeros.subarray(0, n), done);
      done += n;
      o.onProgress?.(done, total);
    }
  } else {
    await file.truncate(size);
    o.onProgress?.(size, total);
  }
  throwIfAborted(o.signal);
  await file.write(footer, size);
  o.onProgress?.(total, total);
}
