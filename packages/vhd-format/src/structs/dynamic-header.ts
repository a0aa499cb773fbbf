/**
 * The dynamic disk header: 1024 bytes, at the footer's data offset (512) of dynamic and
 * differencing images. Big-endian.
 *
 * | Offset | Size | Field |
 * |---|---|---|
 * | 0 | 8 | cookie `cxsparse` |
 * | 8 | 8 | data offset: all 64 bits set (spec text says 0xFFFFFFFF; MS tools expect all ones) |
 * | 16 | 8 | table (BAT) offset |
 * | 24 | 4 | header version 0x00010000 |
 * | 28 | 4 | max table entries |
 * | 32 | 4 | block size (power of two, default 2 MiB) |
 * | 36 | 4 | checksum |
 * | 40 | 16 | parent unique id |
 * | 56 | 4 | parent timestamp |
 * | 60 | 4 | reserved |
 * | 64 | 512 | parent Unicode name, UTF-16BE, NUL padded |
 * | 576 | 8 x 24 | parent locator entries |
 * | 768 | 256 | reserved |
 * @module
 */

import {
  checkUint,
  copyBytes,
  readUint64,
  setFixedBytes,
  viewOf,
  writeAscii,
  writeUint64,
} from '../codec/bytes.js';
import { vhdChecksum } from '../codec/checksum.js';
import { decodeUtf16, encodeUtf16 } from '../codec/utf16.js';
import {
  ALL_ONES_64,
  HEADER_COOKIE,
  HEADER_SIZE,
  LOCATOR_COUNT,
  LOCATOR_ENTRY_SIZE,
  MAX_BLOCK_SIZE,
  PARENT_NAME_SIZE,
  SECTOR_SIZE,
} from '../constants.js';
import { hex32, VhdFormatError } from '../errors.js';
import { checkFrame, type StructFrame } from './framed-struct.js';
import {
  decodeLocatorEntry,
  encodeLocatorEntry,
  type ParentLocatorEntry,
} from './parent-locator.js';

/** Byte offsets of the dynamic header's fields. */
export const HEADER_OFFSETS = {
  cookie: 0,
  dataOffset: 8,
  tableOffset: 16,
  headerVersion: 24,
  maxTableEntries: 28,
  blockSize: 32,
  checksum: 36,
  parentUniqueId: 40,
  parentTimestamp: 56,
  reserved1: 60,
  parentUnicodeName: 64,
  parentLocators: 576,
  reserved2: 768,
} as const;

/** Every field of the 1024-byte dynamic header, as plain values. */
export interface DynamicHeader {
  /** {@link ALL_ONES_64} as Microsoft writes it, or 0xFFFFFFFF as the spec text says. */
  dataOffset: number;
  /** Byte offset of the BAT. */
  tableOffset: number;
  /** Header version, 0x00010000. */
  headerVersion: number;
  /** Number of BAT entries. */
  maxTableEntries: number;
  /** Block size in bytes. */
  blockSize: number;
  /** Checksum as stored; {@link encodeDynamicHeader} always writes the correct one. */
  checksum: number;
  /** The parent's UUID (zeros for a dynamic disk). */
  parentUniqueId: Uint8Array;
  /** Parent modification time in VHD seconds. */
  parentTimestamp: number;
  /** Reserved 32-bit field at offset 60, kept as stored. */
  reserved1: number;
  /** The parent's file name, decoded as UTF-16BE up to the first NUL. */
  parentUnicodeName: string;
  /**
   * The 512 stored bytes of the name field. Encoding writes them back unchanged while they
   * still decode to `parentUnicodeName` (so bytes after the NUL round-trip); otherwise it
   * encodes `parentUnicodeName` as UTF-16BE padded with zeros.
   */
  parentUnicodeNameBytes: Uint8Array;
  /** The eight parent locator entries. */
  parentLocators: ParentLocatorEntry[];
  /** The 256 reserved bytes at the end, kept byte for byte. */
  reserved2: Uint8Array;
}

/** Options of {@link decodeDynamicHeader}. */
export interface DecodeHeaderOptions {
  /** Verify the checksum (default true). */
  verifyChecksum?: boolean;
}

/** Whether `n` is a block size we accept: a power of two from 512 bytes to 256 MiB. */
export function isValidBlockSize(n: number): boolean {
  return Number.isInteger(n) && n >= SECTOR_SIZE && n <= MAX_BLOCK_SIZE && (n & (n - 1)) === 0;
}

const HEADER_FRAME: StructFrame = {
  name: 'header',
  size: HEADER_SIZE,
  cookie: HEADER_COOKIE,
  cookieCode: 'BAD_HEADER_COOKIE',
  checksumOffset: HEADER_OFFSETS.checksum,
  versionOffset: HEADER_OFFSETS.headerVersion,
  versionField: 'headerVersion',
  versionLabel: 'header version',
};

/**
 * Decodes a 1024-byte dynamic header. Checks in order: size (`TRUNCATED`), cookie
 * (`BAD_HEADER_COOKIE`), checksum (`BAD_CHECKSUM`), version (`UNSUPPORTED_VERSION`), data offset
 * (`BAD_DATA_OFFSET`: all ones or 0xFFFFFFFF), 64-bit fields below 2^53 (`BAD_FIELD`), block
 * size (`BAD_BLOCK_SIZE`), locator entries (`BAD_LOCATOR`).
 */
export function decodeDynamicHeader(
  bytes: Uint8Array,
  options: DecodeHeaderOptions = {},
): DynamicHeader {
  const {
    bytes: b,
    view,
    checksum,
    version: headerVersion,
  } = checkFrame(bytes, HEADER_FRAME, options.verifyChecksum !== false);
  const high = view.getUint32(HEADER_OFFSETS.dataOffset);
  const low = view.getUint32(HEADER_OFFSETS.dataOffset + 4);
  if (low !== 0xffffffff || (high !== 0xffffffff && high !== 0)) {
    throw new VhdFormatError(
      'BAD_DATA_OFFSET',
      `header data offset must have all bits set: ${hex32(high)}${hex32(low).slice(2)}`,
      { field: 'header.dataOffset', offset: HEADER_OFFSETS.dataOffset, value: [high, low] },
    );
  }
  const tableOffset = readUint64(view, HEADER_OFFSETS.tableOffset, 'header.tableOffset');
  if (tableOffset === ALL_ONES_64) {
    throw new VhdFormatError('BAD_TABLE_OFFSET', 'header table offset has all 64 bits set', {
      field: 'header.tableOffset',
      offset: HEADER_OFFSETS.tableOffset,
    });
  }
  const blockSize = view.getUint32(HEADER_OFFSETS.blockSize);
  if (!isValidBlockSize(blockSize)) {
    throw new VhdFormatError('BAD_BLOCK_SIZE', `unsupported block size: ${hex32(blockSize)}`, {
      field: 'header.blockSize',
      offset: HEADER_OFFSETS.blockSize,
      value: blockSize,
    });
  }
  const parentLocators: ParentLocatorEntry[] = [];
  for (let i = 0; i < LOCATOR_COUNT; i++) {
    parentLocators.push(
      decodeLocatorEntry(b, HEADER_OFFSETS.parentLocators + i * LOCATOR_ENTRY_SIZE, i),
    );
  }
  const parentUnicodeNameBytes = copyBytes(b, HEADER_OFFSETS.parentUnicodeName, PARENT_NAME_SIZE);
  return {
    dataOffset: high === 0xffffffff ? ALL_ONES_64 : low,
    tableOffset,
    headerVersion,
    maxTableEntries: view.getUint32(HEADER_OFFSETS.maxTableEntries),
    blockSize,
    checksum,
    parentUniqueId: copyBytes(b, HEADER_OFFSETS.parentUniqueId, 16),
    parentTimestamp: view.getUint32(HEADER_OFFSETS.parentTimestamp),
    reserved1: view.getUint32(HEADER_OFFSETS.reserved1),
    parentUnicodeName: decodeUtf16(parentUnicodeNameBytes, 'be'),
    parentUnicodeNameBytes,
    parentLocators,
    reserved2: copyBytes(b, HEADER_OFFSETS.reserved2, HEADER_SIZE - HEADER_OFFSETS.reserved2),
  };
}

/** Encodes a dynamic header into 1024 bytes, computing the checksum. */
export function encodeDynamicHeader(h: DynamicHeader): Uint8Array {
  const b = new Uint8Array(HEADER_SIZE);
  const view = viewOf(b);
  writeAscii(b, 0, 8, HEADER_COOKIE, 'header.cookie');
  writeUint64(view, HEADER_OFFSETS.dataOffset, h.dataOffset, 'header.dataOffset');
  writeUint64(view, HEADER_OFFSETS.tableOffset, h.tableOffset, 'header.tableOffset');
  view.setUint32(
    HEADER_OFFSETS.headerVersion,
    checkUint(h.headerVersion, 32, 'header.headerVersion'),
  );
  view.setUint32(
    HEADER_OFFSETS.maxTableEntries,
    checkUint(h.maxTableEntries, 32, 'header.maxTableEntries'),
  );
  view.setUint32(HEADER_OFFSETS.blockSize, checkUint(h.blockSize, 32, 'header.blockSize'));
  setFixedBytes(b, HEADER_OFFSETS.parentUniqueId, 16, h.parentUniqueId, 'header.parentUniqueId');
  view.setUint32(
    HEADER_OFFSETS.parentTimestamp,
    checkUint(h.parentTimestamp, 32, 'header.parentTimestamp'),
  );
  view.setUint32(HEADER_OFFSETS.reserved1, checkUint(h.reserved1, 32, 'header.reserved1'));
  b.set(encodeParentName(h), HEADER_OFFSETS.parentUnicodeName);
  if (!Array.isArray(h.parentLocators) || h.parentLocators.length !== LOCATOR_COUNT) {
    throw new VhdFormatError('INVALID_ARGUMENT', `header needs ${LOCATOR_COUNT} parent locators`, {
      field: 'header.parentLocators',
      value: h.parentLocators?.length,
    });
  }
  h.parentLocators.forEach((entry, i) => {
    encodeLocatorEntry(entry, b, HEADER_OFFSETS.parentLocators + i * LOCATOR_ENTRY_SIZE, i);
  });
  setFixedBytes(
    b,
    HEADER_OFFSETS.reserved2,
    HEADER_SIZE - HEADER_OFFSETS.reserved2,
    h.reserved2,
    'header.reserved2',
  );
  view.setUint32(HEADER_OFFSETS.checksum, vhdChecksum(b, HEADER_OFFSETS.checksum));
  return b;
}

/** The 512 bytes of the parent name field for `h` (see `parentUnicodeNameBytes`). */
function encodeParentName(h: DynamicHeader): Uint8Array {
  const stored = h.parentUnicodeNameBytes;
  if (
    stored instanceof Uint8Array &&
    stored.length === PARENT_NAME_SIZE &&
    decodeUtf16(stored, 'be') === h.parentUnicodeName
  ) {
    return stored;
  }
  const encoded = encodeUtf16(h.parentUnicodeName, 'be');
  if (encoded.length > PARENT_NAME_SIZE) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      `parent name is ${h.parentUnicodeName.length} UTF-16 units; at most 256 fit`,
      { field: 'header.parentUnicodeName', value: h.parentUnicodeName },
    );
  }
  const out = new Uint8Array(PARENT_NAME_SIZE);
  out.set(encoded);
  return out;
}
