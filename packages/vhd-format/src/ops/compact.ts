/**
 * Compact: gives back the space of blocks that hold nothing (Virtual Server's Compact,
 * Hyper-V's Optimize-VHD). In place: no temporary file, no free space needed.
 * @module
 */
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { roundUpToSector } from '../layout.js';
import { encodeFooter } from '../structs/footer.js';
import { bitmapByteSize, isSectorSet, runEnd } from '../structs/sector-bitmap.js';
import { openSink } from '../validate/sinks.js';
import { type SparseStructure, validateStructure } from '../validate/structure.js';
import { advance, type OperationOptions } from './options.js';
import { metadataRanges, type Range } from './used-space.js';

/** Options of {@link compact}. */
export interface CompactOptions extends OperationOptions {}

/** What {@link compact} did. */
export interface CompactResult {
  /** Blocks allocated before. */
  blocksBefore: number;
  /** Blocks whose BAT entry was cleared: all zeros (dynamic) or no sector set (differencing). */
  blocksRemoved: number;
  /** Blocks copied lower in the file to fill the holes. */
  blocksMoved: number;
  /** The file's size before, in bytes. */
  fileSizeBefore: number;
  /** The file's size after, in bytes. */
  fileSizeAfter: number;
}

/** Bytes copied or checked at a time. */
const CHUNK = 1024 * 1024;

/**
 * Compacts the dynamic or differencing image in `file`, in place: what it reads never changes.
 *
 * 1. **Clear** the BAT entry of every block that holds nothing: in a dynamic image, a block whose
 *    data within the disk is all zeros (it reads as zeros either way); in a differencing image, a
 *    block with no sector set in its bitmap (it reads from the parent either way). A differencing
 *    block whose set sectors hold zeros stays: they hide the parent's bytes. Then sync.
 * 2. **Move** the last block into the lowest hole large enough below it (holes between the
 *    metadata and blocks still in use), as long as there is one: copy it, sync, point its BAT
 *    entry at the copy (4 bytes, one sector), sync. Until the entry is durable the old copy is
 *    read; after, the new one.
 * 3. **Truncate**: the footer after the last byte still in use, sync, the file cut after it.
 *
 * A power cut at any point leaves an image that opens and reads as before. A fixed image is
 * `NOT_SPARSE`; a damaged one is refused as a writable open refuses it. Progress is in bytes of
 * blocks: each block checked, then each block moved (the total grows by the moves once they are
 * planned, after the check); an abort stops between steps, the image valid (maybe not yet
 * truncated).
 *
 * @example
 * ```ts
 * const { fileSizeBefore, fileSizeAfter } = await compact(file);
 * ```
 */
export async function compact(
  file: RandomAccessFile,
  o: CompactOptions = {},
): Promise<CompactResult> {
  const found = await validateStructure(
    file,
    openSink({ strict: false, writable: true, acceptLittleEndianParentName: true }, []),
  );
  if (found.type === 'fixed') {
    throw new VhdFormatError('NOT_SPARSE', 'a fixed image has no blocks to give back', {
      field: 'footer.diskType',
      value: found.footer.diskType,
    });
  }
  const { table, header } = found;
  const count = table.allocatedCount ?? table.length;
  const indexes = new Uint32Array(count);
  const sectors = new Uint32Array(count);
  let n = 0;
  await table.forEachAllocated((index, sector) => {
    indexes[n] = index;
    sectors[n] = sector;
    n++;
  });
  const stride = bitmapByteSize(header.blockSize) + header.blockSize;
  const unit = header.blockSize;
  let total = n * unit;
  let done = 0;
  advance(o, done, total);

  // 1. Clear the blocks that hold nothing.
  const keep = new Uint8Array(n);
  let removed = 0;
  for (let k = 0; k < n; k++) {
    if (await holdsSomething(file, found, indexes[k]!, sectors[k]!)) keep[k] = 1;
    else {
      await table.set(indexes[k]!, BLOCK_UNUSED);
      removed++;
    }
    done += unit;
    advance(o, done, total);
  }
  if (removed > 0) await file.sync();

  // 2. Move the last blocks into the holes below them.
  const order = Array.from({ length: n }, (_, k) => k)
    .filter((k) => keep[k] === 1)
    .sort((a, b) => sectors[a]! - sectors[b]!);
  const used: Range[] = [
    ...metadataRanges(found),
    ...order.map((k): Range => [sectors[k]! * SECTOR_SIZE, sectors[k]! * SECTOR_SIZE + stride]),
  ].sort((a, b) => a[0] - b[0]);
  const moves = planMoves(used, order, sectors, stride);
  total += moves.length * unit;
  for (const [k, to] of moves) {
    await copyBytes(file, sectors[k]! * SECTOR_SIZE, to, stride);
    await file.sync();
    await table.set(indexes[k]!, to / SECTOR_SIZE);
    await file.sync();
    sectors[k] = to / SECTOR_SIZE;
    done += unit;
    advance(o, done, total);
  }

  // 3. Cut the file after the last byte in use.
  let end = 0;
  for (const [, e] of metadataRanges(found)) end = Math.max(end, e);
  for (const k of order) end = Math.max(end, sectors[k]! * SECTOR_SIZE + stride);
  end = roundUpToSector(end);
  let fileSize = found.fileSize;
  if (end + SECTOR_SIZE < fileSize) {
    await file.write(encodeFooter(found.footer), end);
    await file.sync();
    await file.truncate(end + SECTOR_SIZE);
    await file.sync();
    fileSize = end + SECTOR_SIZE;
  }
  o.onProgress?.(total, total);
  return {
    blocksBefore: n,
    blocksRemoved: removed,
    blocksMoved: moves.length,
    fileSizeBefore: found.fileSize,
    fileSizeAfter: fileSize,
  };
}

/**
 * The moves that fill holes from the top: pairs of (block, new byte offset), the highest block
 * into the lowest hole large enough below it, until no hole lies below the highest block left.
 * `used` holds every range in use, sorted; `order` the kept blocks by position.
 */
function planMoves(
  used: readonly Range[],
  order: readonly number[],
  sectors: Uint32Array,
  stride: number,
): Array<[number, number]> {
  const moves: Array<[number, number]> = [];
  let top = order.length - 1;
  let u = 0;
  let cursor = 0;
  // Walk the holes upward while taking blocks from the top.
  while (top >= 0) {
    const highest = sectors[order[top]!]! * SECTOR_SIZE;
    const at = roundUpToSector(cursor);
    if (at + stride > highest) break;
    const next = u < used.length ? used[u]![0] : Number.POSITIVE_INFINITY;
    if (at + stride <= next) {
      moves.push([order[top]!, at]);
      cursor = at + stride;
      top--;
    } else {
      cursor = Math.max(cursor, used[u]![1]);
      u++;
    }
  }
  return moves;
}

/** Whether block `index` (at `sector`) holds anything the image reads. */
async function holdsSomething(
  file: RandomAccessFile,
  found: SparseStructure,
  index: number,
  sector: number,
): Promise<boolean> {
  const blockSize = found.header.blockSize;
  const bitmapBytes = bitmapByteSize(blockSize);
  const at = sector * SECTOR_SIZE;
  if (found.type === 'differencing') {
    const bitmap = new Uint8Array(bitmapBytes);
    await readExactly(file, bitmap, at, `bitmap of block ${index}`);
    const sectors = blockSize / SECTOR_SIZE;
    return isSectorSet(bitmap, 0) || runEnd(bitmap, 0, sectors) < sectors;
  }
  const length = Math.min(blockSize, found.footer.currentSize - index * blockSize);
  const buffer = new Uint8Array(Math.min(CHUNK, length));
  for (let done = 0; done < length; done += buffer.length) {
    const piece = buffer.subarray(0, Math.min(buffer.length, length - done));
    await readExactly(file, piece, at + bitmapBytes + done, `block ${index}`);
    if (!isZero(piece)) return true;
  }
  return false;
}

function isZero(bytes: Uint8Array): boolean {
  const words = bytes.byteOffset % 4 === 0 ? Math.floor(bytes.length / 4) : 0;
  const view = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
  for (let i = 0; i < words; i++) if (view[i] !== 0) return false;
  for (let i = words * 4; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Copies `length` bytes from `from` to `to` in the same file (ranges that do not overlap). */
async function copyBytes(
  file: RandomAccessFile,
  from: number,
  to: number,
  length: number,
): Promise<void> {
  const buffer = new Uint8Array(Math.min(CHUNK, length));
  for (let done = 0; done < length; done += buffer.length) {
    const piece = buffer.subarray(0, Math.min(buffer.length, length - done));
    await readExactly(file, piece, from + done, 'block');
    await file.write(piece, to + done);
  }
}
