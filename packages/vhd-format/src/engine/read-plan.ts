/**
 * Planning a read of a dynamic or differencing layer: which runs of the requested bytes come
 * from the layer's file and which from the layers below (or zeros). Runs with the same source
 * that touch are merged, so each becomes one read; a range inside one block whose source is
 * known without I/O is answered at once.
 * @module
 */
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import { isSectorSet, runEnd } from '../structs/sector-bitmap.js';

/** One run `[start, end)` of virtual bytes and where it comes from. */
export type ReadPiece =
  | {
      /** From the layer's file, at `filePos`. */
      readonly source: 'file';
      readonly start: number;
      readonly end: number;
      /** Byte offset in the file of the run's first byte. */
      readonly filePos: number;
    }
  | {
      /** From the layers below (differencing) or zeros (dynamic, unallocated). */
      readonly source: 'lower';
      readonly start: number;
      readonly end: number;
    };

/** What a read plan needs to know of a layer. */
export interface PlanSource {
  /** Block size in bytes. */
  readonly blockSize: number;
  /** Bytes of each block's bitmap (before its data). */
  readonly bitmapBytes: number;
  /** Whether sector bitmaps decide the source (a differencing layer). */
  readonly differencing: boolean;
  /** BAT entry of `block` when it is known without I/O, else undefined. */
  entry(block: number): number | undefined;
  /** BAT entry of `block`, read if need be. */
  loadEntry(block: number): Promise<number>;
  /** The bitmap of `block` if it is at hand without I/O. */
  cachedBitmap(block: number): Uint8Array | undefined;
  /** The bitmap of allocated `block`, whose entry is `entry`. */
  bitmap(block: number, entry: number): Promise<Uint8Array>;
}

/**
 * The one piece `[offset, end)` is, when the range lies inside one block and its source is
 * known without I/O (the usual case: its BAT page and bitmap are cached); otherwise undefined
 * and {@link planRead} decides.
 */
export function directPiece(src: PlanSource, offset: number, end: number): ReadPiece | undefined {
  const blockSize = src.blockSize;
  const block = Math.floor(offset / blockSize);
  const blockStart = block * blockSize;
  if (end > blockStart + blockSize) return undefined;
  const entry = src.entry(block);
  if (entry === undefined) return undefined;
  if (entry === BLOCK_UNUSED) return { source: 'lower', start: offset, end };
  const filePos = entry * SECTOR_SIZE + src.bitmapBytes + (offset - blockStart);
  if (!src.differencing) return { source: 'file', start: offset, end, filePos };
  const bitmap = src.cachedBitmap(block);
  if (bitmap === undefined) return undefined;
  const s = Math.floor((offset - blockStart) / SECTOR_SIZE);
  const sEnd = Math.ceil((end - blockStart) / SECTOR_SIZE);
  if (runEnd(bitmap, s, sEnd) !== sEnd) return undefined;
  return isSectorSet(bitmap, s)
    ? { source: 'file', start: offset, end, filePos }
    : { source: 'lower', start: offset, end };
}

/**
 * Plans the read of `[offset, end)`: calls `emit` with each piece in order. Touching pieces
 * from below are merged into one; a piece from the file is emitted as soon as it is known, so
 * its read can start while later bitmaps load.
 */
export async function planRead(
  src: PlanSource,
  offset: number,
  end: number,
  emit: (piece: ReadPiece) => void,
): Promise<void> {
  const blockSize = src.blockSize;
  let lowerStart = 0;
  let lowerEnd = 0;
  const flushLower = () => {
    if (lowerEnd > lowerStart) emit({ source: 'lower', start: lowerStart, end: lowerEnd });
    lowerStart = lowerEnd = 0;
  };
  const addLower = (a: number, b: number) => {
    if (lowerEnd === a && lowerEnd > lowerStart) lowerEnd = b;
    else {
      flushLower();
      lowerStart = a;
      lowerEnd = b;
    }
  };
  const addFile = (a: number, b: number, filePos: number) => {
    flushLower();
    emit({ source: 'file', start: a, end: b, filePos });
  };
  let pos = offset;
  while (pos < end) {
    const block = Math.floor(pos / blockSize);
    const blockStart = block * blockSize;
    const pieceEnd = Math.min(end, blockStart + blockSize);
    const entry = src.entry(block) ?? (await src.loadEntry(block));
    if (entry === BLOCK_UNUSED) {
      addLower(pos, pieceEnd);
    } else {
      const dataPos = entry * SECTOR_SIZE + src.bitmapBytes;
      if (!src.differencing) {
        addFile(pos, pieceEnd, dataPos + (pos - blockStart));
      } else {
        const bitmap = await src.bitmap(block, entry);
        let s = Math.floor((pos - blockStart) / SECTOR_SIZE);
        const sEnd = Math.ceil((pieceEnd - blockStart) / SECTOR_SIZE);
        while (s < sEnd) {
          const e = runEnd(bitmap, s, sEnd);
          const a = Math.max(pos, blockStart + s * SECTOR_SIZE);
          const b = Math.min(pieceEnd, blockStart + e * SECTOR_SIZE);
          if (isSectorSet(bitmap, s)) addFile(a, b, dataPos + (a - blockStart));
          else addLower(a, b);
          s = e;
        }
      }
    }
    pos = pieceEnd;
  }
  flushLower();
}
