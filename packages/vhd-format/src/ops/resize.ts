/**
 * Resize: a fixed or dynamic image grows, or shrinks when the part cut off holds only zeros
 * (Hyper-V's Resize-VHD, `vhd-util resize`, `qemu-img resize`).
 * @module
 */
import { BLOCK_UNUSED, FIXED_GROW_STEP, FOOTER_SIZE, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { checkVirtualSize, type DiskSizeOptions, newDiskSize } from '../image/options.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { batCoverage, batEntriesFor, roundUpToSector } from '../layout.js';
import { encodeDynamicHeader } from '../structs/dynamic-header.js';
import { encodeFooter, type Footer } from '../structs/footer.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import { openSink } from '../validate/sinks.js';
import {
  type FixedStructure,
  type SparseStructure,
  validateStructure,
} from '../validate/structure.js';
import { advance, type OperationOptions } from './options.js';
import { metadataRanges } from './used-space.js';

/**
 * Options of {@link resize}: the new size as creation takes it (`sizeBytes`, a positive multiple
 * of 512 at most 2040 GiB, rounded up as creation rounds it unless `exactSize`).
 */
export interface ResizeOptions extends OperationOptions, DiskSizeOptions {}

/** What {@link resize} did. */
export interface ResizeResult {
  /** The virtual size before. */
  sizeBefore: number;
  /** The virtual size after. */
  sizeAfter: number;
  /** Whether the BAT moved to the end of the file (it had no room for the new entries). */
  tableMoved: boolean;
}

/** Bytes checked or written at a time. */
const CHUNK = 1024 * 1024;

/**
 * Resizes the fixed or dynamic image in `file` to `o.sizeBytes`, its size, geometry and BAT as
 * creation makes them for that size (`newDiskSize`: rounded up to a size every reader agrees on
 * unless `exactSize`; `batCoverage`). Growing: the new
 * part reads as zeros. Shrinking: refused with `WOULD_LOSE_DATA`, nothing written, unless every
 * byte cut off reads as zero. A differencing disk keeps its parent's size (`INVALID_ARGUMENT`);
 * a damaged image is refused as a writable open refuses it. The UUID stays.
 *
 * Order of writes (each step leaves an image that reads as before or as after):
 * - dynamic, growing: (1) zeros over the data of an allocated last block past the old size;
 *   (2) the new BAT entries (unused) in the table's own space when they fit, else a copy of
 *   the whole table with them after the last block, the footer moved first; (3) sync; (4) the
 *   header (entries, table offset); (5) sync; (6) the trailing footer (new size, geometry);
 *   (7) the copy at 0; (8) sync.
 * - dynamic, shrinking: (1) the entries of blocks wholly past the new size cleared; (2) sync;
 *   (3) the trailing footer; (4) the copy; (5) sync; (6) the header (fewer entries); (7) sync.
 *   The blocks' space is given back by `compact`.
 * - fixed, growing (the new footer's place past the end of the file): (1) in steps of at most
 *   `FIXED_GROW_STEP` bytes, zeros after the end then the old footer again at the new end, and
 *   sync; (2) zeros over the old footer, its copies and any bytes it made the reader ignore;
 *   (3) sync; (4) the new footer at the end; (5) sync. The old footer is the one read until the
 *   new one is durable. A cut after the file grew and before its sync can leave the end zeros
 *   (the size is durable before the bytes): an open then finds the last footer before them
 *   (within one step) and reads as before, a strict open refusing it with `BAD_COOKIE` as it
 *   refuses a dynamic image read through its copy at 0; `repair` or `resize` again cut the
 *   zeros off first.
 * - fixed, shrinking (or growing within bytes the footer made the reader ignore): (1) the zeros
 *   of the new part (growing); (2) sync; (3) the new footer over the old one at the end: the
 *   bytes after the new size are ignored from now on; (4) sync; (5) the new footer after the
 *   new size; (6) sync; (7) truncate; (8) sync. Every step reads as before or as after.
 *
 * @example
 * ```ts
 * const { sizeBefore, sizeAfter } = await resize(file, { sizeBytes: 20 * 2 ** 30 });
 * ```
 */
export async function resize(file: RandomAccessFile, o: ResizeOptions): Promise<ResizeResult> {
  const asked = checkVirtualSize(o?.sizeBytes);
  if (asked === 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'sizeBytes must be positive', {
      field: 'sizeBytes',
      value: asked,
    });
  }
  const { sizeBytes: size, geometry } = newDiskSize(o);
  const found = await validateStructure(
    file,
    openSink({ strict: false, writable: true, acceptLittleEndianParentName: true }, []),
  );
  if (found.type === 'differencing') {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      'a differencing disk has its parent’s size: resize the parent, then the children stay its size only if rebased onto copies made at that size',
      { field: 'footer.diskType', value: found.footer.diskType },
    );
  }
  const before = found.footer.currentSize;
  const footer: Footer = {
    ...found.footer,
    currentSize: size,
    geometry,
  };
  let tableMoved = false;
  advance(o, 0, 1);
  if (found.type === 'fixed') {
    // The same size finishes a cut resize: bytes after the data or zeros after the footer go.
    if (size !== before || found.footerPos !== size || found.fileSize !== size + FOOTER_SIZE) {
      await resizeFixed(file, found, footer, o);
    }
  } else if (size !== before) {
    tableMoved = await resizeDynamic(file, found, footer, o);
  }
  o.onProgress?.(1, 1);
  return { sizeBefore: before, sizeAfter: size, tableMoved };
}

async function resizeFixed(
  file: RandomAccessFile,
  found: FixedStructure,
  footer: Footer,
  o: OperationOptions,
): Promise<void> {
  const before = found.footer.currentSize;
  const size = footer.currentSize;
  const old = encodeFooter(found.footer);
  const next = encodeFooter(footer);
  const end = found.footerPos;
  // A grow cut short left zeros after the footer in use: the file is cut back to it first.
  if (found.fileSize > end + FOOTER_SIZE) {
    await file.truncate(end + FOOTER_SIZE);
    await file.sync();
  }
  if (size <= end) {
    // The new footer's place is in the file already.
    if (size < before) {
      // The part cut off reads zeros; its first sector may hold the new footer already (a
      // shrink cut short by an earlier version, which wrote the footer there first).
      const first = new Uint8Array(FOOTER_SIZE);
      await readExactly(file, first, size, 'data');
      const done = first.every((b, i) => b === next[i]);
      await requireZeros(file, done ? size + FOOTER_SIZE : size, before, (at) => at);
    }
    advance(o, 0, 1);
    if (size > before) {
      // Bytes the old footer made the reader ignore become disk: zeros.
      await writeZeros(file, before, size - before);
      await file.sync();
    }
    // The footer at the end says the new size first: what follows the data is ignored.
    await file.write(next, end);
    await file.sync();
    if (end > size) {
      await file.write(next, size);
      await file.sync();
      await file.truncate(size + FOOTER_SIZE);
      await file.sync();
    }
    return;
  }
  // Growing past the end: the file grows a step at a time, zeros then the old footer again at
  // its new end, synced before the next step, so a cut leaves the last footer within one step.
  const copies: number[] = [];
  for (let at = end; at < size; ) {
    advance(o, 0, 1);
    const to = Math.min(size, at + FIXED_GROW_STEP);
    await writeZeros(file, at + FOOTER_SIZE, to - at - FOOTER_SIZE);
    await file.write(old, to);
    await file.sync();
    if (to < size) copies.push(to);
    at = to;
  }
  // Then the old footer and its copies become zeros of the disk, and last the new footer.
  await writeZeros(file, before, end + FOOTER_SIZE - before);
  for (const at of copies) await writeZeros(file, at, FOOTER_SIZE);
  await file.sync();
  await file.write(next, size);
  await file.sync();
}

async function resizeDynamic(
  file: RandomAccessFile,
  found: SparseStructure,
  footer: Footer,
  o: OperationOptions,
): Promise<boolean> {
  const { header, table } = found;
  const before = found.footer.currentSize;
  const size = footer.currentSize;
  const blockSize = header.blockSize;
  const bitmapBytes = bitmapByteSize(blockSize);
  const entries = batEntriesFor(batCoverage(size, footer.geometry), blockSize);
  const dataAt = async (index: number) => {
    const sector = await table.get(index);
    return sector === BLOCK_UNUSED ? undefined : sector * SECTOR_SIZE + bitmapBytes;
  };
  /** File position of virtual byte `v`, in an allocated block; undefined when unallocated. */
  const positionOf = async (v: number) => {
    const block = Math.floor(v / blockSize);
    const at = await dataAt(block);
    return at === undefined ? undefined : at + (v - block * blockSize);
  };
  const writeFooters = async () => {
    const bytes = encodeFooter(footer);
    await file.write(bytes, found.footerPos);
    await file.write(bytes, 0);
  };

  if (size < before) {
    await requireZeros(file, size, before, positionOf, blockSize);
    advance(o, 0, 1);
    const firstGone = Math.ceil(size / blockSize);
    let cleared = 0;
    for (let i = firstGone; i < header.maxTableEntries; i++) {
      if ((await table.get(i)) !== BLOCK_UNUSED) {
        await table.set(i, BLOCK_UNUSED);
        cleared++;
      }
    }
    if (cleared > 0) await file.sync();
    await writeFooters();
    await file.sync();
    if (entries < header.maxTableEntries) {
      await file.write(
        encodeDynamicHeader({ ...header, maxTableEntries: entries }),
        found.footer.dataOffset,
      );
      await file.sync();
    }
    return false;
  }

  // Growing: the bytes of the last block past the old size read as zeros from now on.
  const tail = before % blockSize;
  if (tail !== 0) {
    const at = await positionOf(before);
    if (at !== undefined) await writeZeros(file, at, blockSize - tail);
  }
  let tableOffset = header.tableOffset;
  let tableMoved = false;
  if (entries > header.maxTableEntries) {
    const room = await tableRoom(found);
    const extra = new Uint8Array((entries - header.maxTableEntries) * 4).fill(0xff);
    if (entries * 4 <= room) {
      await file.write(extra, header.tableOffset + header.maxTableEntries * 4);
    } else {
      // The table moves after the last block: the footer first goes to the new end.
      const bytes = new Uint8Array(roundUpToSector(entries * 4)).fill(0xff);
      await readExactly(
        file,
        bytes.subarray(0, header.maxTableEntries * 4),
        header.tableOffset,
        'BAT',
      );
      tableOffset = roundUpToSector(found.footerPos);
      const end = tableOffset + bytes.length;
      await file.write(encodeFooter(found.footer), end);
      await file.write(bytes, tableOffset);
      found = { ...found, footerPos: end };
      tableMoved = true;
    }
  }
  await file.sync();
  if (entries > header.maxTableEntries) {
    await file.write(
      encodeDynamicHeader({ ...header, maxTableEntries: entries, tableOffset }),
      found.footer.dataOffset,
    );
    await file.sync();
  }
  await writeFooters();
  await file.sync();
  return tableMoved;
}

/** Bytes the BAT may take at its offset without reaching the next structure or block. */
async function tableRoom(found: SparseStructure): Promise<number> {
  const start = found.header.tableOffset;
  let limit = found.footerPos;
  for (const [s] of metadataRanges(found)) if (s > start) limit = Math.min(limit, s);
  await found.table.forEachAllocated((_, sector) => {
    const at = sector * SECTOR_SIZE;
    if (at >= start) limit = Math.min(limit, at);
  });
  return limit - start;
}

/**
 * Refuses (`WOULD_LOSE_DATA`) unless the virtual bytes `[from, to)` all read as zero;
 * `positionOf(v)` is where virtual byte `v` lies in the file (undefined: unallocated, zeros),
 * constant within a `run` of bytes.
 */
async function requireZeros(
  file: RandomAccessFile,
  from: number,
  to: number,
  positionOf: (v: number) => number | undefined | Promise<number | undefined>,
  run = CHUNK,
): Promise<void> {
  const buffer = new Uint8Array(CHUNK);
  let v = from;
  while (v < to) {
    const n = Math.min(CHUNK, to - v, run - (v % run));
    const at = await positionOf(v);
    if (at !== undefined) {
      const piece = buffer.subarray(0, n);
      await readExactly(file, piece, at, 'data');
      const bad = piece.findIndex((b) => b !== 0);
      if (bad >= 0) {
        throw new VhdFormatError(
          'WOULD_LOSE_DATA',
          `byte ${v + bad} of the disk is not zero; shrinking to ${from} bytes would lose it`,
          { field: 'sizeBytes', offset: v + bad, value: from },
        );
      }
    }
    v += n;
  }
}

async function writeZeros(file: RandomAccessFile, at: number, length: number): Promise<void> {
  if (length <= 0) return;
  const zeros = new Uint8Array(Math.min(CHUNK, length));
  for (let done = 0; done < length; done += zeros.length) {
    await file.write(zeros.subarray(0, Math.min(zeros.length, length - done)), at + done);
  }
}
