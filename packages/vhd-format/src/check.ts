/**
 * A thorough consistency check of one image file (and its link to its parent), in the spirit
 * of `vhd-util check`: footer and its copy, checksums, header, BAT entries past the end,
 * blocks that overlap each other or the metadata, locators out of range, the parent's UUID.
 * @module
 */

import { equalBytes } from './codec/bytes.js';
import { vhdTimestamp } from './codec/timestamp.js';
import { guessUtf16Order } from './codec/utf16.js';
import { formatUuid, sameUuid } from './codec/uuid.js';
import {
  ALL_ONES_64,
  DISK_TYPE_CODES,
  FEATURE_RESERVED,
  FOOTER_SIZE,
  HEADER_SIZE,
  MAX_TABLE_ENTRIES,
  SECTOR_SIZE,
  SHORT_FOOTER_SIZE,
} from './constants.js';
import { hex32, isVhdFormatError, VhdFormatError } from './errors.js';
import { chsCapacity } from './geometry.js';
import type { OpenChainOptions } from './image/chain.js';
import { blockProblems, metadataExtents } from './image/extents.js';
import { openImage, readShortFooter } from './image/open.js';
import { type RandomAccessFile, readExactly } from './io.js';
import { decodeBat } from './structs/bat.js';
import { type DynamicHeader, decodeDynamicHeader } from './structs/dynamic-header.js';
import { decodeFooter, type Footer } from './structs/footer.js';
import { locatorDataSpaceBytes, platformName } from './structs/parent-locator.js';
import { bitmapByteSize } from './structs/sector-bitmap.js';

/** One problem found by {@link check}. Codes are stable (the error codes, plus a few check-only ones). */
export interface CheckProblem {
  /** Stable code, e.g. `BAD_CHECKSUM`, `FOOTER_COPY_MISMATCH`, `OVERLAPPING_BLOCKS`. */
  code: string;
  /** `error`: the image is damaged; `warning`: unusual but readable. */
  severity: 'error' | 'warning';
  /** What is wrong, in plain words. */
  message: string;
  /** The field concerned, if one is. */
  field?: string;
  /** Byte offset in the file, if known. */
  offset?: number;
}

/** Options of {@link check}. */
export interface CheckOptions {
  /** Opens the parent of a differencing image, to compare its UUID, time and size. */
  openParent?: OpenChainOptions['openParent'];
}

/** The result of {@link check}: `ok` when no problem is an error. */
export interface CheckResult {
  /** True when no problem is an error. */
  ok: boolean;
  /** Every problem found, in the order found. */
  problems: CheckProblem[];
}

const KNOWN_PLATFORMS = new Set(['W2ku', 'W2ru', 'Wi2k', 'Wi2r', 'Mac ', 'MacX']);

class Problems {
  readonly list: CheckProblem[] = [];
  add(
    severity: 'error' | 'warning',
    code: string,
    message: string,
    where: { field?: string | undefined; offset?: number | undefined } = {},
  ): void {
    const p: CheckProblem = { code, severity, message };
    if (where.field !== undefined) p.field = where.field;
    if (where.offset !== undefined) p.offset = where.offset;
    this.list.push(p);
  }
  fromError(e: VhdFormatError, base = 0, prefix = ''): void {
    this.add('error', e.code, prefix + e.message.replace(/^[A-Z_]+: /, ''), {
      field: e.field,
      offset: e.offset === undefined ? undefined : base + e.offset,
    });
  }
}

/** Decodes a footer strictly; on failure records the problem and decodes without the checksum. */
function footerAt(
  bytes: Uint8Array,
  at: number,
  what: string,
  problems: Problems,
): Footer | undefined {
  try {
    return decodeFooter(bytes);
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.fromError(e, at, `${what}: `);
    if (e.code !== 'BAD_CHECKSUM') return undefined;
    try {
      return decodeFooter(bytes, { verifyChecksum: false });
    } catch {
      return undefined;
    }
  }
}

/**
 * Checks `file` thoroughly and lists every problem found; never throws for a damaged image
 * (only for failures of the file itself or errors thrown by `openParent`). With `openParent`, a differencing image's parent is
 * opened to compare its UUID (`PARENT_ID_MISMATCH`), modification time and size.
 */
export async function check(file: RandomAccessFile, o: CheckOptions = {}): Promise<CheckResult> {
  const problems = new Problems();
  try {
    await checkInto(file, o, problems);
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.fromError(e);
  }
  return { ok: problems.list.every((p) => p.severity !== 'error'), problems: problems.list };
}

async function checkInto(
  file: RandomAccessFile,
  o: CheckOptions,
  problems: Problems,
): Promise<void> {
  const fileSize = await file.size();
  if (fileSize < SHORT_FOOTER_SIZE) {
    problems.add('error', 'TRUNCATED', `file of ${fileSize} bytes cannot hold a footer`);
    return;
  }
  // The footer at the end (or a 511-byte one).
  let footerPos = fileSize - FOOTER_SIZE;
  let footer: Footer | undefined;
  if (fileSize >= FOOTER_SIZE) {
    const end = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, end, footerPos, 'footer');
    footer = footerAt(end, footerPos, 'footer', problems);
    if (!footer && fileSize % SECTOR_SIZE === SHORT_FOOTER_SIZE) {
      const short = await readShortFooter(file, fileSize);
      try {
        footer = decodeFooter(short);
        problems.list.pop();
        footerPos = fileSize - SHORT_FOOTER_SIZE;
        problems.add(
          'warning',
          'SHORT_FOOTER',
          'the footer is 511 bytes long (written before Virtual PC 2004)',
          {
            offset: footerPos,
          },
        );
      } catch {
        // Keep the first problem.
      }
    }
  }
  // The copy at 0 (dynamic and differencing).
  let copy: Footer | undefined;
  const copyBytes = new Uint8Array(FOOTER_SIZE);
  if (fileSize >= 2 * FOOTER_SIZE && footer?.diskType !== DISK_TYPE_CODES.fixed) {
    await readExactly(file, copyBytes, 0, 'footer copy');
    const before = problems.list.length;
    copy = footerAt(copyBytes, 0, 'footer copy', problems);
    if (!footer && copy && copy.diskType === DISK_TYPE_CODES.fixed) {
      copy = undefined;
      problems.list.length = before;
    }
  }
  if (footer && copy) {
    const end = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, end.subarray(0, fileSize - footerPos), footerPos, 'footer');
    if (!equalBytes(end, copyBytes)) {
      problems.add(
        'error',
        'FOOTER_COPY_MISMATCH',
        'the footer copy at offset 0 differs from the footer',
        {
          offset: 0,
        },
      );
    }
  }
  const f = footer ?? copy;
  if (!f) return;
  checkFooterFields(f, problems);

  if (f.diskType === DISK_TYPE_CODES.fixed) {
    if (f.currentSize > footerPos) {
      problems.add(
        'error',
        'TRUNCATED',
        `fixed disk of ${f.currentSize} bytes has only ${footerPos} bytes of data`,
        {
          field: 'footer.currentSize',
        },
      );
    }
    if (f.dataOffset !== ALL_ONES_64 && f.dataOffset !== 0xffffffff) {
      problems.add(
        'warning',
        'BAD_DATA_OFFSET',
        `fixed disk data offset is ${f.dataOffset}, not all ones`,
        {
          field: 'footer.dataOffset',
        },
      );
    }
    return;
  }
  await checkSparse(file, f, fileSize, footerPos, o, problems);
}

function checkFooterFields(f: Footer, problems: Problems): void {
  if ((f.features & FEATURE_RESERVED) === 0) {
    problems.add(
      'warning',
      'BAD_FEATURES',
      `footer features ${hex32(f.features)} lack the reserved bit 0x2`,
      {
        field: 'footer.features',
      },
    );
  }
  if (f.currentSize % SECTOR_SIZE !== 0) {
    problems.add(
      'warning',
      'UNALIGNED_SIZE',
      `current size ${f.currentSize} is not a multiple of 512`,
      {
        field: 'footer.currentSize',
      },
    );
  }
  if (chsCapacity(f.geometry) > f.currentSize) {
    problems.add(
      'warning',
      'GEOMETRY_EXCEEDS_SIZE',
      `CHS capacity ${chsCapacity(f.geometry)} is larger than the current size ${f.currentSize}`,
      { field: 'footer.geometry' },
    );
  }
  if (f.savedState !== 0) {
    problems.add('warning', 'SAVED_STATE', 'the disk is marked as being in a saved state', {
      field: 'footer.savedState',
    });
  }
}

async function checkSparse(
  file: RandomAccessFile,
  f: Footer,
  fileSize: number,
  footerPos: number,
  o: CheckOptions,
  problems: Problems,
): Promise<void> {
  const dataOffset = f.dataOffset;
  if (dataOffset % SECTOR_SIZE !== 0 || dataOffset + HEADER_SIZE > footerPos) {
    problems.add('error', 'BAD_DATA_OFFSET', `header offset ${dataOffset} is not inside the file`, {
      field: 'footer.dataOffset',
    });
    return;
  }
  const bytes = new Uint8Array(HEADER_SIZE);
  await readExactly(file, bytes, dataOffset, 'header');
  let header: DynamicHeader;
  try {
    header = decodeDynamicHeader(bytes);
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.fromError(e, dataOffset, 'header: ');
    if (e.code !== 'BAD_CHECKSUM') return;
    header = decodeDynamicHeader(bytes, { verifyChecksum: false });
  }
  if (header.dataOffset !== ALL_ONES_64) {
    problems.add(
      'warning',
      'BAD_DATA_OFFSET',
      'header data offset is 0xFFFFFFFF, not all 64 bits set',
      {
        field: 'header.dataOffset',
        offset: dataOffset + 8,
      },
    );
  }
  if (header.tableOffset % SECTOR_SIZE !== 0) {
    problems.add(
      'warning',
      'UNALIGNED_TABLE',
      `BAT offset ${header.tableOffset} is not sector aligned`,
      {
        field: 'header.tableOffset',
      },
    );
  }
  if (header.maxTableEntries * header.blockSize < f.currentSize) {
    problems.add(
      'error',
      'BAD_FIELD',
      `BAT of ${header.maxTableEntries} entries does not cover the disk`,
      {
        field: 'header.maxTableEntries',
      },
    );
  }
  const batLength = header.maxTableEntries * 4;
  if (header.tableOffset + batLength > footerPos) {
    problems.add(
      'error',
      'BAD_TABLE_OFFSET',
      `BAT at ${header.tableOffset} does not fit in the file`,
      {
        field: 'header.tableOffset',
      },
    );
    return;
  }
  if (header.maxTableEntries > MAX_TABLE_ENTRIES) {
    problems.add(
      'error',
      'SIZE_TOO_LARGE',
      `BAT of ${header.maxTableEntries} entries is larger than the ${MAX_TABLE_ENTRIES} we hold`,
      { field: 'header.maxTableEntries' },
    );
    return;
  }
  const differencing = f.diskType === DISK_TYPE_CODES.differencing;
  if (differencing) checkLocators(header, fileSize, problems);
  const metadata = metadataExtents(dataOffset, header, footerPos, fileSize, differencing);
  for (let i = 0; i < metadata.length; i++) {
    for (let j = i + 1; j < metadata.length; j++) {
      const a = metadata[i]!;
      const b = metadata[j]!;
      if (a.start < b.end && b.start < a.end && a.end > a.start && b.end > b.start) {
        problems.add(
          'error',
          'OVERLAPPING_METADATA',
          `the ${a.what} and the ${b.what} share bytes`,
          {
            offset: Math.max(a.start, b.start),
          },
        );
      }
    }
  }
  const batBytes = new Uint8Array(batLength);
  await readExactly(file, batBytes, header.tableOffset, 'BAT');
  const bat = decodeBat(batBytes, header.maxTableEntries);
  const stride = bitmapByteSize(header.blockSize) + header.blockSize;
  for (const p of blockProblems(bat, stride, footerPos, metadata, header.tableOffset, 1000)) {
    problems.add('error', p.code, p.message, p);
  }
  if (differencing) await checkParent(file, header, o, problems);
}

function checkLocators(header: DynamicHeader, fileSize: number, problems: Problems): void {
  const nameOrder = guessUtf16Order(header.parentUnicodeNameBytes, 'be');
  if (header.parentUnicodeName.length === 0) {
    problems.add('warning', 'NO_PARENT_NAME', 'the differencing disk has no parent name', {
      field: 'header.parentUnicodeName',
    });
  } else if (nameOrder === 'le') {
    problems.add(
      'warning',
      'PARENT_NAME_BYTE_ORDER',
      'the parent name is stored UTF-16LE, not BE',
      {
        field: 'header.parentUnicodeName',
      },
    );
  }
  let used = 0;
  header.parentLocators.forEach((l, i) => {
    if (l.platformCode === 0) return;
    used++;
    const field = `header.parentLocators[${i}]`;
    const platform = platformName(l.platformCode);
    if (!KNOWN_PLATFORMS.has(platform)) {
      problems.add(
        'warning',
        'UNKNOWN_PLATFORM',
        `locator ${i} has unknown platform code ${platform}`,
        { field },
      );
    }
    if (l.platformDataOffset + l.platformDataLength > fileSize) {
      problems.add(
        'error',
        'BAD_LOCATOR',
        `locator ${i} (${platform}) data lies past the end of the file`,
        {
          field,
          offset: l.platformDataOffset,
        },
      );
    } else if (locatorDataSpaceBytes(l) < l.platformDataLength) {
      problems.add(
        'warning',
        'LOCATOR_SPACE',
        `locator ${i} (${platform}) holds ${l.platformDataLength} bytes in ${locatorDataSpaceBytes(l)} bytes of space`,
        { field },
      );
    }
  });
  if (used === 0) {
    problems.add('warning', 'NO_LOCATORS', 'the differencing disk has no parent locators', {
      field: 'header.parentLocators',
    });
  }
}

async function checkParent(
  file: RandomAccessFile,
  header: DynamicHeader,
  o: CheckOptions,
  problems: Problems,
): Promise<void> {
  if (!o.openParent) return;
  let child: Awaited<ReturnType<typeof openImage>>;
  try {
    child = await openImage(shareOf(file));
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    return; // Already reported above; the parent link cannot be followed.
  }
  const ref = child.parent!;
  const opened = await o.openParent(ref, child, 1);
  if (!opened) {
    problems.add(
      'error',
      'PARENT_NOT_FOUND',
      `parent ${JSON.stringify(ref.unicodeName)} not found`,
      {
        field: 'header.parentUnicodeName',
      },
    );
    return;
  }
  const parentFile = 'read' in opened ? opened : opened.file;
  const modified = 'read' in opened ? undefined : opened.modified;
  try {
    const parent = await openImage(parentFile);
    if (!sameUuid(parent.footer.uniqueId, header.parentUniqueId)) {
      problems.add(
        'error',
        'PARENT_ID_MISMATCH',
        `parent is ${formatUuid(parent.footer.uniqueId)}, the child expects ${formatUuid(header.parentUniqueId)}`,
        { field: 'header.parentUniqueId' },
      );
    }
    if (modified && vhdTimestamp(modified) !== header.parentTimestamp) {
      problems.add(
        'warning',
        'PARENT_TIMESTAMP_MISMATCH',
        `parent modified at VHD time ${vhdTimestamp(modified)}, the child records ${header.parentTimestamp}`,
        { field: 'header.parentTimestamp' },
      );
    }
    if (parent.virtualSize !== child.virtualSize) {
      problems.add(
        'warning',
        'PARENT_SIZE_MISMATCH',
        `parent is ${parent.virtualSize} bytes, the child ${child.virtualSize}`,
      );
    }
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.fromError(e, 0, 'parent: ');
  } finally {
    await parentFile.close().catch(() => undefined);
  }
}

/** A view of `file` whose close does nothing (check never closes the caller's file). */
function shareOf(file: RandomAccessFile): RandomAccessFile {
  return {
    read: (b, p) => file.read(b, p),
    write: () => Promise.reject(new VhdFormatError('READ_ONLY', 'check never writes')),
    size: () => file.size(),
    truncate: () => Promise.reject(new VhdFormatError('READ_ONLY', 'check never writes')),
    sync: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
