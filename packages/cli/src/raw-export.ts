/**
 * A chain's virtual disk into a new raw file, sparse: what no layer stores is not read, and
 * nothing is written over all-zero pages (the file's size is set at the end, so a sparse file
 * system leaves holes), as `qemu-img convert -O raw` does.
 *
 * The copy follows the chain's map (`mapChainBatches` of vhd-format: which layer's file holds
 * each run of the disk, and where) and reads the layers' files directly, a few runs per read:
 * runs of one layer that lie close together in its file (a dynamic disk's blocks, with only a
 * bitmap between them) come in one read of up to {@link EXPORT_SPAN} bytes, and each run is then
 * written at its place in the disk: half the reads of one block each (4% faster when the reads
 * ran on the thread pool; as fast as one block per read with the blocking reads of now).
 *
 * The writes of one read's runs are under way while the next read is made, with no more than
 * {@link EXPORT_DEPTH} reads' bytes in memory (see {@link exportRaw}). `convert` reads the
 * layers with blocking calls on the main thread and writes on the thread pool, sized to one
 * thread for it: a file takes one write at a time (its lock), and from one thread the next write
 * starts as the last one ends, with no turn of the event loop between them; the reads (about
 * half the time of the writes) fit in while the writes run. Measured on a 1 GiB disk against the
 * reverse (reads on the thread pool, blocking writes on the main thread, which waits for an
 * event-loop turn and a thread-pool hop between writes): 3% faster. Writes on several threads
 * at once wait on the file's lock: slower, and more CPU. Copiers taking reads in turn (each
 * reading, then writing) measured 5% slower than one loop.
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
  type ZeroTest,
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

/** Bytes of a default dynamic disk's block. */
const DEFAULT_BLOCK = 2 * 2 ** 20;

/**
 * The most file bytes between two runs of one layer that a read takes in (and leaves unused) to
 * bring both in one read: a dynamic disk's sector bitmaps lie between its blocks' data (512
 * bytes for 2 MiB blocks). Reading 64 KiB more costs less than a read of its own.
 */
export const EXPORT_GAP = 64 * 1024;

/**
 * The most file bytes one read takes: two default blocks and what lies between them. On a 1 GiB
 * disk, one or two blocks per read measured the same, three 3% slower and four 10% slower (the
 * buffers outgrowing the processor's cache).
 */
export const EXPORT_SPAN = 2 * DEFAULT_BLOCK + EXPORT_GAP;

/**
 * Buffers of the copy: the one read into and those whose writes are under way, so memory stays
 * at this many {@link EXPORT_SPAN}s whatever the disk's size. Two suffice where reading takes
 * less time than writing (from the page cache, about half): the next read is made while one
 * read's writes run. A third measured 2% slower.
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
  /** Buffers: the one read into and those being written (default {@link EXPORT_DEPTH}); at least 1. */
  readonly depth?: number;
  /** Whether a page is all zeros (default vhd-format's scan), as `convertDisk` takes it. */
  readonly isAllZero?: ZeroTest;
}

/**
 * Copies the whole virtual disk of `chain` into the empty file `file`, sparse (see the module's
 * text); `layerFiles` are the files of the chain's layers, top first (what the chain was opened
 * from). Stops by throwing `signal`'s reason when it fires.
 *
 * The reads of {@link exportReads} are made one after another, each into a buffer of its own,
 * and the writes of each read's runs (the non-zero page runs of each run) are started without
 * waiting for them: they run while the next read is made. `depth` buffers in all: before a read
 * into a buffer whose writes are still under way, the copy waits for them. The first failure (a
 * read, a write, the signal) stops the copy, and is what this throws once every write started
 * has ended: nothing is left writing from a buffer or into a file the caller may close.
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
  /** Buffers whose writes were started, oldest first, with what those writes end on. */
  const writing: Array<{ buffer: Uint8Array; written: Promise<void> }> = [];
  const spare: Uint8Array[] = [];
  let dataBytes = 0;
  try {
    for await (const reads of batches) {
      for (const read of reads) {
        signal.throwIfAborted();
        if (writing.length >= depth) {
          const oldest = writing.shift()!;
          await oldest.written;
          spare.push(oldest.buffer);
          signal.throwIfAborted();
        }
        const buffer = spare.pop() ?? new Uint8Array(EXPORT_SPAN);
        const bytes = buffer.subarray(0, read.length);
        await readExactly(layerFiles[read.depth]!, bytes, read.offset, `layer ${read.depth}`);
        onProgress(read.runs[0]!.start);
        const writes: Promise<void>[] = [];
        for (const run of read.runs) {
          const at = run.offset - read.offset;
          const part = bytes.subarray(at, at + run.length);
          const pages = dataRuns(part, HOLE_GRAIN, options.isAllZero);
          for (let r = 0; r < pages.length; r += 2) {
            const from = pages[r]!;
            const to = pages[r + 1]!;
            writes.push(file.write(part.subarray(from, to), run.start + from));
            dataBytes += to - from;
          }
        }
        const written = Promise.all(writes).then(() => undefined);
        // Seen when the buffer is wanted again or at the end; never left unhandled.
        written.catch(() => undefined);
        writing.push({ buffer, written });
      }
    }
    for (const { written } of writing) await written;
  } finally {
    await Promise.allSettled(writing.map((w) => w.written));
    await batches.return(undefined);
  }
  await file.truncate(size);
  onProgress(size);
  return { fileSize: size, dataBytes };
}
