/**
 * Opening one image: every structure is validated against the file's size before anything
 * sized by a field is allocated (the BAT must fit inside the file, so its memory is bounded by
 * the file, not by `maxTableEntries`).
 * @module
 */

import { equalBytes } from '../codec/bytes.js';
import { decodeUtf16, guessUtf16Order } from '../codec/utf16.js';
import {
  ALL_ONES_64,
  DISK_TYPE_CODES,
  FOOTER_SIZE,
  HEADER_SIZE,
  MAX_TABLE_ENTRIES,
  PARENT_NAME_SIZE,
  SECTOR_SIZE,
  SHORT_FOOTER_SIZE,
} from '../constants.js';
import { isVhdFormatError, VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import type { DiskType } from '../layout.js';
import { decodeBat } from '../structs/bat.js';
import { type DynamicHeader, decodeDynamicHeader } from '../structs/dynamic-header.js';
import { decodeFooter, encodeFooter, type Footer } from '../structs/footer.js';
import { decodeLocatorPath, platformName } from '../structs/parent-locator.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import { blockProblems, metadataExtents, metadataProblems } from './extents.js';
import { VhdLayer } from './layer.js';
import type { OpenImageOptions, ParentReference, VhdImage } from './types.js';

/** Longest locator data we read: 32767 UTF-16 units, the longest Windows path. */
const MAX_LOCATOR_BYTES = 65_536;

interface FoundFooter {
  footer: Footer;
  /** Where the trailing footer starts (the end of the data). */
  footerPos: number;
}

/** Finds the footer: at EOF-512; leniently a 511-byte footer, or the copy at offset 0. */
async function findFooter(
  file: RandomAccessFile,
  fileSize: number,
  strict: boolean,
  warnings: string[],
): Promise<FoundFooter> {
  if (fileSize < SHORT_FOOTER_SIZE) {
    throw new VhdFormatError('TRUNCATED', `file of ${fileSize} bytes cannot hold a footer`, {
      field: 'footer',
      value: fileSize,
    });
  }
  let firstError: unknown;
  if (fileSize >= FOOTER_SIZE) {
    const bytes = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, bytes, fileSize - FOOTER_SIZE, 'footer');
    try {
      return { footer: decodeFooter(bytes), footerPos: fileSize - FOOTER_SIZE };
    } catch (e) {
      if (!isVhdFormatError(e)) throw e;
      firstError = e;
    }
  }
  // Strict opens stop here; lenient ones try the repairs real tools make.
  if (strict) {
    throw (
      firstError ??
      new VhdFormatError('TRUNCATED', `file of ${fileSize} bytes cannot hold a 512-byte footer`, {
        field: 'footer',
        value: fileSize,
      })
    );
  }
  // A 511-byte footer (tools older than Virtual PC 2004): its missing last byte is reserved.
  if (fileSize % SECTOR_SIZE === SHORT_FOOTER_SIZE) {
    const bytes = await readShortFooter(file, fileSize);
    try {
      const footer = decodeFooter(bytes);
      warnings.push('the footer is 511 bytes long (written before Virtual PC 2004); read as 512');
      return { footer, footerPos: fileSize - SHORT_FOOTER_SIZE };
    } catch (e) {
      if (!isVhdFormatError(e)) throw e;
      firstError ??= e;
    }
  }
  // The copy at offset 0 (dynamic and differencing disks only).
  if (fileSize >= 2 * FOOTER_SIZE) {
    const bytes = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, bytes, 0, 'footer copy');
    try {
      const footer = decodeFooter(bytes);
      if (footer.diskType !== DISK_TYPE_CODES.fixed) {
        warnings.push(
          `the footer at the end is damaged (${(firstError as VhdFormatError).code}); using the copy at offset 0`,
        );
        return { footer, footerPos: fileSize - FOOTER_SIZE };
      }
    } catch {
      // Fall through to the first error.
    }
  }
  throw firstError ?? new VhdFormatError('TRUNCATED', 'no footer found', { field: 'footer' });
}

function diskTypeName(code: number): DiskType {
  return code === DISK_TYPE_CODES.fixed
    ? 'fixed'
    : code === DISK_TYPE_CODES.dynamic
      ? 'dynamic'
      : 'differencing';
}

/**
 * The last 511 bytes of a file as a 512-byte footer (the missing last byte, a reserved one, is
 * zero): how tools older than Virtual PC 2004 wrote it.
 */
export async function readShortFooter(
  file: RandomAccessFile,
  fileSize: number,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(FOOTER_SIZE);
  await readExactly(
    file,
    bytes.subarray(0, SHORT_FOOTER_SIZE),
    fileSize - SHORT_FOOTER_SIZE,
    'footer',
  );
  return bytes;
}

/**
 * Opens one image (without its parent). Validates the footer, header, BAT and locators against
 * the file size; blocks past the end are `BAT_ENTRY_OUT_OF_RANGE`; blocks sharing bytes with
 * each other or the metadata are `OVERLAPPING_BLOCKS` when strict or writable, a warning
 * otherwise. See {@link OpenImageOptions} for what a lenient open tolerates.
 */
export async function openImage(
  file: RandomAccessFile,
  o: OpenImageOptions = {},
): Promise<VhdImage> {
  return openLayer(file, o);
}

/** {@link openImage}, returning the engine's layer class. */
export async function openLayer(
  file: RandomAccessFile,
  o: OpenImageOptions = {},
): Promise<VhdLayer> {
  const strict = o.strict === true;
  const writable = o.writable === true;
  const warnings: string[] = [];
  const fileSize = await file.size();
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'file.size() returned an invalid size', {
      value: fileSize,
    });
  }
  const { footer, footerPos } = await findFooter(file, fileSize, strict, warnings);
  const type = diskTypeName(footer.diskType);
  if ((footer.features & 0x2) === 0) warnings.push('footer features lack the reserved bit 0x2');

  if (type === 'fixed') {
    if (footer.currentSize > footerPos) {
      throw new VhdFormatError(
        'TRUNCATED',
        `fixed disk of ${footer.currentSize} bytes, but only ${footerPos} bytes of data precede the footer`,
        { field: 'footer.currentSize', value: footer.currentSize },
      );
    }
    if (footer.currentSize < footerPos) {
      warnings.push(
        `${footerPos - footer.currentSize} bytes between the data and the footer are ignored`,
      );
    }
    return new VhdLayer({
      file,
      type,
      footer,
      header: undefined,
      bat: new Uint32Array(0),
      footerPos,
      warnings,
      parent: undefined,
      writable,
    });
  }

  // The footer copy at offset 0 should match.
  if (fileSize >= FOOTER_SIZE * 2) {
    const copy = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, copy, 0, 'footer copy');
    if (!equalBytes(copy, encodeFooter(footer)))
      warnings.push('the footer copy at offset 0 differs from the footer');
  }

  const dataOffset = footer.dataOffset;
  if (dataOffset % SECTOR_SIZE !== 0 || dataOffset + HEADER_SIZE > footerPos) {
    throw new VhdFormatError(
      'BAD_DATA_OFFSET',
      `header offset ${dataOffset} is not inside the file`,
      {
        field: 'footer.dataOffset',
        value: dataOffset,
      },
    );
  }
  const headerBytes = new Uint8Array(HEADER_SIZE);
  await readExactly(file, headerBytes, dataOffset, 'header');
  let header: DynamicHeader;
  try {
    header = decodeDynamicHeader(headerBytes);
  } catch (e) {
    if (strict || !isVhdFormatError(e, 'BAD_CHECKSUM')) throw relocate(e, dataOffset);
    header = decodeDynamicHeader(headerBytes, { verifyChecksum: false });
    warnings.push('the header checksum does not match; header read anyway');
  }
  if (header.dataOffset !== ALL_ONES_64) {
    warnings.push('the header data offset is 0xFFFFFFFF, not all 64 bits set');
  }

  const blockSize = header.blockSize;
  const coverage = header.maxTableEntries * blockSize;
  if (coverage < footer.currentSize) {
    throw new VhdFormatError(
      'BAD_FIELD',
      `BAT of ${header.maxTableEntries} entries covers ${coverage} bytes, less than the size ${footer.currentSize}`,
      { field: 'header.maxTableEntries', value: header.maxTableEntries },
    );
  }
  const batLength = header.maxTableEntries * 4;
  if (header.tableOffset + batLength > footerPos) {
    throw new VhdFormatError(
      'BAD_TABLE_OFFSET',
      `BAT of ${header.maxTableEntries} entries at ${header.tableOffset} does not fit in a file of ${fileSize} bytes`,
      { field: 'header.tableOffset', value: header.tableOffset },
    );
  }
  if (header.maxTableEntries > MAX_TABLE_ENTRIES) {
    throw new VhdFormatError(
      'SIZE_TOO_LARGE',
      `BAT of ${header.maxTableEntries} entries is larger than the ${MAX_TABLE_ENTRIES} we hold`,
      { field: 'header.maxTableEntries', value: header.maxTableEntries },
    );
  }
  // Only now is the BAT's size known to be bounded by the file and by MAX_TABLE_ENTRIES.
  const batBytes = new Uint8Array(batLength);
  await readExactly(file, batBytes, header.tableOffset, 'BAT');
  const bat = decodeBat(batBytes, header.maxTableEntries);

  let parent: ParentReference | undefined;
  if (type === 'differencing')
    parent = await readParentReference(file, header, fileSize, strict, warnings);

  const stride = bitmapByteSize(blockSize) + blockSize;
  const extents = metadataExtents(dataOffset, header, footerPos, fileSize, type === 'differencing');
  const problems = [
    ...metadataProblems(extents),
    ...blockProblems(bat, stride, footerPos, extents, header.tableOffset, 1),
  ];
  const problem = problems.find((p) => p.code === 'BAT_ENTRY_OUT_OF_RANGE') ?? problems[0];
  if (problem) {
    if (problem.code === 'BAT_ENTRY_OUT_OF_RANGE' || strict || writable) {
      const { code, message, ...where } = problem;
      throw new VhdFormatError(code, message, where);
    }
    warnings.push(`${problem.message}; opened read-only`);
  }
  return new VhdLayer({ file, type, footer, header, bat, footerPos, warnings, parent, writable });
}

/** Adds the file offset of the header to a header decoding error. */
function relocate(e: unknown, base: number): unknown {
  if (!isVhdFormatError(e)) return e;
  return new VhdFormatError(e.code, e.message.replace(/^[A-Z_]+: /, ''), {
    ...(e.field === undefined ? {} : { field: e.field }),
    offset: base + (e.offset ?? 0),
    value: e.value,
  });
}

/** The parent as the header records it: UUID, timestamp, name (either byte order) and locators. */
async function readParentReference(
  file: RandomAccessFile,
  header: DynamicHeader,
  fileSize: number,
  strict: boolean,
  warnings: string[],
): Promise<ParentReference> {
  const nameBytes = header.parentUnicodeNameBytes.subarray(0, PARENT_NAME_SIZE);
  const order = guessUtf16Order(nameBytes, 'be');
  let unicodeName = header.parentUnicodeName;
  if (order === 'le') {
    unicodeName = decodeUtf16(nameBytes, 'le');
    if (strict) {
      throw new VhdFormatError('BAD_FIELD', 'the parent name is stored UTF-16LE, not BE', {
        field: 'header.parentUnicodeName',
        value: unicodeName,
      });
    }
    warnings.push('the parent name is stored UTF-16LE; read in that byte order');
  }
  const locators: ParentReference['locators'] = [];
  for (const [i, entry] of header.parentLocators.entries()) {
    if (entry.platformCode === 0) continue;
    const platform = platformName(entry.platformCode);
    const length = entry.platformDataLength;
    const offset = entry.platformDataOffset;
    if (length > MAX_LOCATOR_BYTES || offset + length > fileSize) {
      const message = `locator ${i} (${platform}) data of ${length} bytes at ${offset} is outside the file`;
      if (strict) {
        throw new VhdFormatError('BAD_LOCATOR', message, {
          field: `header.parentLocators[${i}]`,
          value: offset,
        });
      }
      warnings.push(`${message}; ignored`);
      continue;
    }
    const data = new Uint8Array(length);
    await readExactly(file, data, offset, `locator ${i} data`);
    locators.push({ platform, path: decodeLocatorPath(entry.platformCode, data), entry: i });
  }
  return {
    uniqueId: Uint8Array.from(header.parentUniqueId),
    timestamp: header.parentTimestamp,
    unicodeName,
    locators,
  };
}
