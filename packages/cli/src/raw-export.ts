/**
 * A chain's virtual disk into a new raw file, sparse: what no layer stores is not read, and
 * nothing is written over all-zero pages (the file's size is set at the end, so a sparse file
 * system leaves holes), as `qemu-img convert -O raw` does.
 *
 * The copy follows the chain's map (`mapChainBatches` of vhd-format: which layer's file holds
 * each run of the disk, and where) and reads the layers' files directly, a few runs per read:
 * runs of one layer that lie close together in its file (a dynamic disk's blocks, with only a
 * bitmap between them) come in one read of up to {@link EXPORT_SPAN} bytes, and each run is then
 * written at its place in the disk. Fewer reads mean fewer thread-pool hops and event-loop turns between the
 * writes, which are what the copy waits on.
 *
 * The next read is under way while one read's runs are written (see {@link exportRaw}), with no
 * more than {@link EXPORT_DEPTH} reads' bytes in memory. `convert` opens the layers with
 * thread-pool reads and the new file with blocking writes: writes into the page cache cost about
 * twice the reads, and a file takes one write at a time (its lock), so the main thread writes
 * run after run while the next read is under way on the thread pool. Writes on the thread pool
 * instead (with blocking reads on the main thread) queue on that lock: measured on a 1 GiB disk,
 * that took more CPU and more time. So did copiers taking reads in turn (each reading, then
 * writing): one loop that starts the next read before writing measured 5% faster.
 * @module
 */
import type { HostFile } from '@vskit/host';
import {
  dataRuns,
  HOLE_GRAIN,
  type MapRun,
  mapChainBatches,
  type RandomAccessFile,
  readExactly,
  type VhdChain,
} from '@vskit/vhd-format';

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

/** Bytes of a default dynamic disk's block. */
const DEFAULT_BLOCK = 2 * 2 ** 20;

/**
 * The most file bytes between two runs of one layer that a read takes in (and leaves unused) to
 * bring both in one read: a dynamic disk's sector bitmaps lie between its blocks' data (512
 * bytes for 2 MiB blocks). Reading 64 KiB more costs less than a read of its own.
 */
export const EXPORT_GAP = 64 * 1024;

/**
 * The most file bytes one read takes: two default blocks and what lies between them. Two
 * measured fastest on a 1 GiB disk (one per read: 4% slower; four: 7% slower, the buffers
 * outgrowing the processor's cache).
 */
export const EXPORT_SPAN = 2 * DEFAULT_BLOCK + EXPORT_GAP;

/**
 * Buffers of the copy: the read being written and the reads under way, so memory stays at this
 * many {@link EXPORT_SPAN}s whatever the disk's size. Two suffice where a read takes less time
 * than its writes (from the page cache, about half): the next read is under way while one is
 * written. A third measured no faster.
 */
export const EXPORT_DEPTH = 2;

/** One run of the disk that a read brings in. */
export interface ExportRun {
  /** First byte of the run in the virtual disk. */
  readonly start: number;
  /** Bytes in the run. */
  readonly length: number;
  /** Where the run starts in its layer's file. */
  readonly offset: number;
}

/** One read of a layer's file, and the runs of the disk it brings in. */
export interface ExportRead {
  /** The layer read, 0 being the top. */
  readonly depth: number;
  /** Where the read starts in the layer's file: the first run's offset. */
  readonly offset: number;
  /** Bytes read: up to the end of the last run. */
  readonly length: number;
  /** The runs, in the disk's order, each at `run.offset - offset` in the bytes read. */
  readonly runs: readonly ExportRun[];
}

/**
 * The reads that bring in every run of `batches` holding data (runs of zeros are left out), in
 * the disk's order, a batch of reads per batch of runs (a read still open at a batch's end goes
 * with a later batch): consecutive runs of one layer go in one read while each lies after the
 * one before in the file, at most `gap` bytes on, and the read spans at most `span` bytes; a run
 * longer than `span` is read in pieces of `span` bytes.
 */
export async function* exportReads(
  batches: AsyncIterable<readonly MapRun[]>,
  span: number = EXPORT_SPAN,
  gap: number = EXPORT_GAP,
): AsyncGenerator<readonly ExportRead[]> {
  let open: { depth: number; offset: number; end: number; runs: ExportRun[] } | undefined;
  const close = (): ExportRead => {
    const read = open!;
    open = undefined;
    return {
      depth: read.depth,
      offset: read.offset,
      length: read.end - read.offset,
      runs: read.runs,
    };
  };
  for await (const runs of batches) {
    const reads: ExportRead[] = [];
    for (const run of runs) {
      if (run.offset === undefined) continue;
      for (let done = 0; done < run.length; ) {
        const length = Math.min(span, run.length - done);
        const piece: ExportRun = { start: run.start + done, length, offset: run.offset + done };
        done += length;
        if (
          open !== undefined &&
          open.depth === run.depth &&
          piece.offset >= open.end &&
          piece.offset - open.end <= gap &&
          piece.offset + length - open.offset <= span
        ) {
          open.runs.push(piece);
          open.end = piece.offset + length;
          continue;
        }
        if (open !== undefined) reads.push(close());
        open = {
          depth: run.depth,
          offset: piece.offset,
          end: piece.offset + length,
          runs: [piece],
        };
      }
    }
    yield reads;
  }
  if (open !== undefined) yield [close()];
}

/** Options of {@link exportRaw}. */
export interface RawExportOptions {
  /** Reports progress in bytes of disk. */
  readonly onProgress?: (done: number) => void;
  /** Buffers of reads under way or being written (default {@link EXPORT_DEPTH}); at least 1. */
  readonly depth?: number;
}

/**
 * Copies the whole virtual disk of `chain` into the empty file `file`, sparse (see the module's
 * text); `layerFiles` are the files of the chain's layers, top first (what the chain was opened
 * from). Stops by throwing `signal`'s reason when it fires.
 *
 * The reads of {@link exportReads} are started in order, each into a buffer of its own, with
 * `depth` buffers in all; their runs are written in the same order, one write at a time (the
 * non-zero page runs of each run), each read's writes once it has ended. Before a read's writes
 * the next reads start (up to `depth - 1` of them), so that they are under way while the writes
 * are. The first failure (a read, a write, the signal) stops the copy, and is what this throws
 * once every read under way has ended: nothing is left reading into a buffer or from a file the
 * caller may close.
 */
export async function exportRaw(
  chain: VhdChain,
  layerFiles: readonly RandomAccessFile[],
  file: HostFile,
  signal: AbortSignal,
  options: RawExportOptions = {},
): Promise<RawExport> {
  const onProgress = options.onProgress ?? (() => undefined);
  const depth = Math.max(1, Math.floor(options.depth ?? EXPORT_DEPTH));
  const size = chain.virtualSize;
  if (layerFiles.length !== chain.layers.length) {
    throw new RangeError(`${chain.layers.length} layers, ${layerFiles.length} files`);
  }
  const batches = exportReads(mapChainBatches(chain));
  let batch: readonly ExportRead[] = [];
  let taken = 0;
  /** The next read, or undefined once there are none. */
  const nextRead = async (): Promise<ExportRead | undefined> => {
    while (taken === batch.length) {
      const next = await batches.next();
      if (next.done) return undefined;
      batch = next.value;
      taken = 0;
    }
    return batch[taken++];
  };
  const spare: Uint8Array[] = [];
  /** Reads started and not yet written, oldest first. */
  const underWay: Array<{
    read: ExportRead;
    buffer: Uint8Array;
    bytes: Uint8Array;
    done: Promise<void>;
  }> = [];
  const start = async (): Promise<boolean> => {
    signal.throwIfAborted();
    const read = await nextRead();
    if (read === undefined) return false;
    const buffer = spare.pop() ?? new Uint8Array(EXPORT_SPAN);
    const bytes = buffer.subarray(0, read.length);
    const done = readExactly(layerFiles[read.depth]!, bytes, read.offset, `layer ${read.depth}`);
    // Seen here or by the copy below; never left unhandled.
    done.catch(() => undefined);
    underWay.push({ read, buffer, bytes, done });
    return true;
  };
  let dataBytes = 0;
  try {
    // Reads under way while one read's runs are written: the rest of the `depth` buffers.
    const ahead = depth - 1;
    let more = await start();
    while (underWay.length > 0) {
      signal.throwIfAborted();
      const oldest = underWay.shift()!;
      await oldest.done;
      while (more && underWay.length < ahead) more = await start();
      onProgress(oldest.read.runs[0]!.start);
      for (const run of oldest.read.runs) {
        const at = run.offset - oldest.read.offset;
        const part = oldest.bytes.subarray(at, at + run.length);
        dataBytes += await writeNonZeroRuns(file, part, run.start);
      }
      spare.push(oldest.buffer);
      if (more && underWay.length === 0) more = await start();
    }
  } finally {
    await Promise.allSettled(underWay.map((u) => u.done));
    await batches.return(undefined);
  }
  await file.truncate(size);
  onProgress(size);
  return { fileSize: size, dataBytes };
}
