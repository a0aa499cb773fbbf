/**
 * A chain's virtual disk into a new raw file, sparse: what no layer stores is not read, and
 * nothing is written over all-zero pages (the file's size is set at the end, so a sparse file
 * system leaves holes), as `qemu-img convert -O raw` does.
 *
 * A few copiers share the pieces (see {@link exportRaw}), so that reads of some pieces overlap
 * the writes of others, with no more than {@link EXPORT_DEPTH} pieces in memory. `convert`
 * opens the chain with thread-pool reads and the new file with blocking writes: writes into the
 * page cache cost about twice the reads, and a file takes one write at a time (its lock), so the
 * main thread writes piece after piece while the next pieces are read on the thread pool.
 * Writes on the thread pool instead (with blocking reads on the main thread) queue on that lock:
 * measured on a 1 GiB disk, that took more CPU and more time.
 * @module
 */
import type { HostFile } from '@vskit/host';
import { dataRuns, HOLE_GRAIN, type VhdChain } from '@vskit/vhd-format';

/** The smallest all-zero piece left as a hole (a page): vhd-format's, as its copies leave. */
export { HOLE_GRAIN };

/** What {@link exportRaw} wrote. */
export interface RawExport {
  /** The file's size: the disk's. */
  readonly fileSize: number;
  /** Bytes written; all-zero pages and what no layer holds are left out. */
  readonly dataBytes: number;
}

/**
 * Writes each run of pages of `bytes` holding a non-zero byte to `file` at `position` plus the
 * run's start; returns the bytes written. Pages are {@link HOLE_GRAIN} bytes from the start of
 * `bytes` (the last may be shorter).
 */
export async function writeNonZeroRuns(
  file: HostFile,
  bytes: Uint8Array,
  position: number,
): Promise<number> {
  // Runs of pages holding data: [start, end, start, end, ...].
  const runs = dataRuns(bytes, HOLE_GRAIN);
  let written = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r]!;
    const end = runs[r + 1]!;
    await file.write(bytes.subarray(start, end), position + start);
    written += end - start;
  }
  return written;
}

/** Bytes read through the chain per step: one block of a default dynamic disk. */
export const EXPORT_CHUNK = 2 * 2 ** 20;

/**
 * Pieces under way at once, each in a buffer of its own, so memory stays at this many
 * {@link EXPORT_CHUNK}s whatever the disk's size. Two suffice where a read takes less time than
 * a write (from the page cache, about half): the next piece is read while one is written. A
 * third measured no faster, and 2 MiB more at the peak.
 */
export const EXPORT_DEPTH = 2;

/** Options of {@link exportRaw}. */
export interface RawExportOptions {
  /** Reports progress in bytes of disk. */
  readonly onProgress?: (done: number) => void;
  /** Pieces under way at once (default {@link EXPORT_DEPTH}); at least 1. */
  readonly depth?: number;
}

/**
 * Copies the whole virtual disk of `chain` into the empty file `file`, sparse (see the module's
 * text); stops by throwing `signal`'s reason when it fires.
 *
 * `depth` copiers share the pieces of {@link EXPORT_CHUNK} bytes, in order: each takes the
 * next one, reads it into its own buffer and writes its non-zero page runs, then takes another.
 * Where the chain's reads block and `file`'s writes do not (or the reverse), one piece is read
 * while the writes of others are under way. Pieces land at their own positions, so the order in
 * which their writes end does not matter. The first failure (a read, a write, the signal) stops
 * every copier from taking another piece, and is what this throws once all of them have
 * stopped: no write is left under way.
 */
export async function exportRaw(
  chain: VhdChain,
  file: HostFile,
  signal: AbortSignal,
  options: RawExportOptions = {},
): Promise<RawExport> {
  const onProgress = options.onProgress ?? (() => undefined);
  const depth = Math.max(1, Math.floor(options.depth ?? EXPORT_DEPTH));
  const size = chain.virtualSize;
  const length = Math.min(EXPORT_CHUNK, size);
  let next = 0;
  let failure: { error: unknown } | undefined;
  let dataBytes = 0;
  const copier = async () => {
    let buffer: Uint8Array | undefined;
    try {
      while (failure === undefined && next < size) {
        signal.throwIfAborted();
        const at = next;
        const n = Math.min(EXPORT_CHUNK, size - at);
        next += n;
        onProgress(at);
        if (!(await chain.isAllocated(at, n))) continue;
        buffer ??= new Uint8Array(length);
        const view = buffer.subarray(0, n);
        await chain.read(view, at);
        if (failure !== undefined) return;
        // Not `dataBytes += await ...`: that reads the total before the wait, and other
        // copiers add to it meanwhile.
        const written = await writeNonZeroRuns(file, view, at);
        dataBytes += written;
      }
    } catch (error) {
      failure ??= { error };
    }
  };
  // Each copier catches its own failure: none rejects, and all have stopped past this line.
  await Promise.all(Array.from({ length: depth }, copier));
  if (failure !== undefined) throw failure.error;
  await file.truncate(size);
  onProgress(size);
  return { fileSize: size, dataBytes };
}
