/**
 * The footer step of the structural pass: which footer an image is read by (the one at the
 * end, a 511-byte one, the copy at offset 0, or one whose checksum is stale), what is wrong with
 * the others, and the footer's own fields.
 * @module
 */

import { equalBytes } from '../codec/bytes.js';
import {
  ALL_ONES_64,
  DISK_TYPE_CODES,
  FEATURE_RESERVED,
  FIXED_GROW_STEP,
  FOOTER_COOKIE,
  FOOTER_SIZE,
  SECTOR_SIZE,
  SHORT_FOOTER_SIZE,
} from '../constants.js';
import { hex32, isVhdFormatError, type VhdFormatError } from '../errors.js';
import { chsCapacity, isMaxGeometry } from '../geometry.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { decodeFooter, type Footer } from '../structs/footer.js';
import { type FindingSink, fromDecodeError } from './findings.js';

/** The footer an image is read by, and where the data before the trailing footer ends. */
export interface FoundFooter {
  /** The footer in use. */
  readonly footer: Footer;
  /** Where the trailing footer starts. */
  readonly footerPos: number;
  /** The file's size in bytes. */
  readonly fileSize: number;
}

/** One footer's bytes, decoded if they can be (`verified` when the checksum matched too). */
interface Attempt {
  readonly bytes: Uint8Array;
  readonly footer: Footer | undefined;
  readonly verified: boolean;
  readonly error: VhdFormatError | undefined;
}

function attempt(bytes: Uint8Array): Attempt {
  try {
    return { bytes, footer: decodeFooter(bytes), verified: true, error: undefined };
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    let footer: Footer | undefined;
    if (e.code === 'BAD_CHECKSUM') {
      try {
        footer = decodeFooter(bytes, { verifyChecksum: false });
      } catch {
        // Damaged beyond the checksum too.
      }
    }
    return { bytes, footer, verified: false, error: e };
  }
}

async function readAt(file: RandomAccessFile, at: number, what: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(FOOTER_SIZE);
  await readExactly(file, bytes, at, what);
  return bytes;
}

/**
 * The last 511 bytes of a file as a 512-byte footer (the missing last byte, a reserved one, is
 * zero): how tools older than Virtual PC 2004 wrote it.
 */
async function readShortFooter(file: RandomAccessFile, fileSize: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(FOOTER_SIZE);
  const at = fileSize - SHORT_FOOTER_SIZE;
  await readExactly(file, bytes.subarray(0, SHORT_FOOTER_SIZE), at, 'footer');
  return bytes;
}

const isFixed = (f: Footer | undefined) => f?.diskType === DISK_TYPE_CODES.fixed;

/**
 * Finds the footer of a file of `fileSize` bytes, in order of preference: the 512 bytes at the
 * end; a 511-byte footer (`SHORT_FOOTER`); the copy at offset 0 of a dynamic or differencing
 * disk; the footer at the end, then the copy, whose only fault is a stale checksum; last, when
 * the file ends in zeros, a fixed disk's footer before them (a grow cut short, see
 * `footerBeforeZeros`). Reports what
 * is wrong with each footer it reads and whether the copy differs (`FOOTER_COPY_MISMATCH`).
 * Stops when no footer can be read.
 */
export async function validateFooter<S>(
  file: RandomAccessFile,
  fileSize: number,
  sink: FindingSink<S>,
): Promise<FoundFooter | S> {
  if (fileSize < SHORT_FOOTER_SIZE) {
    return sink.stop({
      code: 'TRUNCATED',
      open: 'refuse',
      severity: 'error',
      message: `file of ${fileSize} bytes cannot hold a footer`,
      field: 'footer',
      value: fileSize,
    });
  }
  const endPos = fileSize - FOOTER_SIZE;
  const end = fileSize >= FOOTER_SIZE ? attempt(await readAt(file, endPos, 'footer')) : undefined;
  let short: Attempt | undefined;
  if (!end?.verified && fileSize % SECTOR_SIZE === SHORT_FOOTER_SIZE) {
    const candidate = attempt(await readShortFooter(file, fileSize));
    if (candidate.verified) short = candidate;
  }
  // The trailing footer, decoded even if its checksum is stale.
  const trailing = short ?? (end?.footer ? end : undefined);
  let copy: Attempt | undefined;
  if (fileSize >= 2 * FOOTER_SIZE && !isFixed(trailing?.footer)) {
    copy = attempt(await readAt(file, 0, 'footer copy'));
    // A fixed disk has no copy: with nothing at the end, a fixed footer at 0 says nothing.
    if (!trailing && isFixed(copy.footer)) copy = undefined;
  }
  // The copy may stand in for the trailing footer only as a dynamic or differencing one.
  const copyUsable = copy?.footer !== undefined && !isFixed(copy.footer);

  // Choose, then report in file order: the trailing footer, the copy, how they compare.
  const endError = end?.error;
  let footer: Footer;
  let footerPos = endPos;
  let usingCopy = false;
  // Last resort: a fixed disk's footer before a run of zeros (only read when the end is zeros).
  const tail =
    endError && !copyUsable ? await footerBeforeZeros(file, endPos, end?.bytes) : undefined;
  if (short) {
    footer = short.footer!;
    footerPos = fileSize - SHORT_FOOTER_SIZE;
    sink.report({
      code: 'SHORT_FOOTER',
      open: 'strict',
      severity: 'warning',
      message: 'the footer is 511 bytes long (written before Virtual PC 2004)',
      repair: 'read as 512',
      offset: footerPos,
    });
  } else if (end?.verified) {
    footer = end.footer!;
  } else if (copyUsable && copy?.verified && endError) {
    footer = copy.footer!;
    usingCopy = true;
    const unwritten = end !== undefined && end.bytes.every((b) => b === 0);
    sink.report(
      fromDecodeError(
        endError,
        { base: endPos },
        unwritten ? 'unwritten' : 'strict',
        'using the copy at offset 0',
      ),
    );
  } else if (end?.footer && endError) {
    footer = end.footer;
    sink.report(fromDecodeError(endError, { base: endPos }, 'strict', 'read anyway'));
  } else if (copyUsable && copy?.footer && endError) {
    footer = copy.footer;
    usingCopy = true;
    sink.report(
      fromDecodeError(endError, { base: endPos }, 'strict', 'using the copy at offset 0'),
    );
  } else if (tail) {
    footer = tail.footer;
    footerPos = tail.at;
    copy = undefined; // a fixed disk has none: its first sector is data
    sink.report(
      fromDecodeError(
        endError!,
        { base: endPos },
        'strict',
        `using the fixed disk's footer at ${tail.at}, before ${fileSize - tail.at - FOOTER_SIZE} bytes of zeros (a grow cut short)`,
      ),
    );
  } else {
    const first = endError
      ? fromDecodeError(endError, { base: endPos }, 'refuse')
      : {
          code: 'TRUNCATED' as const,
          open: 'refuse' as const,
          severity: 'error' as const,
          message: `file of ${fileSize} bytes cannot hold a 512-byte footer`,
          field: 'footer',
          value: fileSize,
        };
    if (!copy?.error) return sink.stop(first);
    sink.report(first);
    return sink.stop(fromDecodeError(copy.error, { base: 0, label: 'footer copy' }, 'refuse'));
  }
  if (copy?.error) {
    const where = { base: 0, label: 'footer copy' };
    // The copy is in use only when a stale checksum is all that is wrong with it.
    sink.report(
      usingCopy
        ? fromDecodeError(copy.error, where, 'strict', 'read anyway')
        : fromDecodeError(copy.error, where, 'warn'),
    );
  }
  if (trailing && copy?.footer && !equalBytes(trailing.bytes, copy.bytes)) {
    sink.report({
      code: 'FOOTER_COPY_MISMATCH',
      // An open reading the copy has said the trailing footer is damaged already.
      open: usingCopy ? 'quiet' : 'warn',
      severity: 'error',
      message: 'the footer copy at offset 0 differs from the footer',
      offset: 0,
    });
  }
  validateFooterFields(footer, sink);
  return { footer, footerPos, fileSize };
}

/**
 * The footer of a fixed disk whose file grew and whose new end never reached the disk (a power
 * cut in `resize`): the last sector is zeros, and the last byte that is not lies within
 * `FIXED_GROW_STEP` bytes before it, in a sound fixed footer (checksum verified) with its data
 * before it (current size at most its offset). Undefined otherwise.
 */
async function footerBeforeZeros(
  file: RandomAccessFile,
  endPos: number,
  last: Uint8Array | undefined,
): Promise<{ footer: Footer; at: number } | undefined> {
  if (last === undefined || !isZero(last)) return undefined;
  // The last byte that is not zero, looking back at most one grow step.
  const lowest = Math.max(0, endPos - FIXED_GROW_STEP);
  const chunk = new Uint8Array(Math.min(2 ** 20, endPos - lowest));
  let z = -1;
  for (let hi = endPos; hi > lowest && z < 0; ) {
    const lo = Math.max(lowest, hi - chunk.length);
    const piece = chunk.subarray(0, hi - lo);
    await readExactly(file, piece, lo, 'footer');
    for (let i = piece.length - 1; i >= 0 && z < 0; i--) if (piece[i] !== 0) z = lo + i;
    hi = lo;
  }
  if (z < 0) return undefined;
  // The footer holding it starts at most 511 bytes before it; the highest sound one is taken.
  const from = Math.max(0, z - (FOOTER_SIZE - 1));
  const bytes = new Uint8Array(z + FOOTER_SIZE - from);
  await readExactly(file, bytes, from, 'footer');
  for (let at = z; at >= from; at--) {
    const candidate = bytes.subarray(at - from, at - from + FOOTER_SIZE);
    if (!startsWithCookie(candidate)) continue;
    const found = attempt(candidate.slice());
    if (found.verified && isFixed(found.footer) && found.footer!.currentSize <= at) {
      return { footer: found.footer!, at };
    }
  }
  return undefined;
}

function startsWithCookie(bytes: Uint8Array): boolean {
  for (let i = 0; i < FOOTER_COOKIE.length; i++) {
    if (bytes[i] !== FOOTER_COOKIE.charCodeAt(i)) return false;
  }
  return true;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Remarks on the footer's fields: features, size alignment, geometry, saved state. */
function validateFooterFields(f: Footer, sink: FindingSink<unknown>): void {
  if ((f.features & FEATURE_RESERVED) === 0) {
    sink.report({
      code: 'BAD_FEATURES',
      open: 'warn',
      severity: 'warning',
      message: `footer features ${hex32(f.features)} lack the reserved bit 0x2`,
      field: 'footer.features',
    });
  }
  if (f.currentSize % SECTOR_SIZE !== 0) {
    sink.report({
      code: 'UNALIGNED_SIZE',
      open: 'quiet',
      severity: 'warning',
      message: `current size ${f.currentSize} is not a multiple of 512`,
      field: 'footer.currentSize',
    });
  }
  // The largest geometry means "use the current size" (Disk2vhd, QEMU's force_size).
  if (!isMaxGeometry(f.geometry) && chsCapacity(f.geometry) > f.currentSize) {
    sink.report({
      code: 'GEOMETRY_EXCEEDS_SIZE',
      open: 'quiet',
      severity: 'warning',
      message: `CHS capacity ${chsCapacity(f.geometry)} is larger than the current size ${f.currentSize}`,
      field: 'footer.geometry',
    });
  }
  if (f.savedState !== 0) {
    sink.report({
      code: 'SAVED_STATE',
      open: 'quiet',
      severity: 'warning',
      message: 'the disk is marked as being in a saved state',
      field: 'footer.savedState',
    });
  }
}

/**
 * The fixed-disk step: the data must fill `footerPos` bytes up to the current size
 * (`TRUNCATED`); bytes beyond it are ignored (`BYTES_BEFORE_FOOTER`); the data offset should
 * be all ones.
 */
export function validateFixed(found: FoundFooter, sink: FindingSink<unknown>): void {
  const { footer, footerPos } = found;
  if (footer.currentSize > footerPos) {
    sink.report({
      code: 'TRUNCATED',
      open: 'refuse',
      severity: 'error',
      message: `fixed disk of ${footer.currentSize} bytes, but only ${footerPos} bytes of data precede the footer`,
      field: 'footer.currentSize',
      value: footer.currentSize,
    });
  } else if (footer.currentSize < footerPos) {
    sink.report({
      code: 'BYTES_BEFORE_FOOTER',
      open: 'warn',
      severity: 'warning',
      message: `${footerPos - footer.currentSize} bytes between the data and the footer are ignored`,
      offset: footer.currentSize,
    });
  }
  if (footer.dataOffset !== ALL_ONES_64 && footer.dataOffset !== 0xffffffff) {
    sink.report({
      code: 'BAD_DATA_OFFSET',
      open: 'quiet',
      severity: 'warning',
      message: `fixed disk data offset is ${footer.dataOffset}, not all ones`,
      field: 'footer.dataOffset',
    });
  }
}
