/**
 * The hard disk footer: 512 bytes at the end of every image (and a copy at offset 0 of
 * dynamic and differencing images). Big-endian.
 *
 * | Offset | Size | Field |
 * |---|---|---|
 * | 0 | 8 | cookie `conectix` |
 * | 8 | 4 | features (0x2 reserved, always set; 0x1 temporary) |
 * | 12 | 4 | file format version 0x00010000 |
 * | 16 | 8 | data offset: 512 for dynamic/differencing, all ones for fixed |
 * | 24 | 4 | timestamp, seconds since 2000-01-01T00:00:00Z |
 * | 28 | 4 | creator application |
 * | 32 | 4 | creator version |
 * | 36 | 4 | creator host OS |
 * | 40 | 8 | original size |
 * | 48 | 8 | current size |
 * | 56 | 4 | geometry: cylinders u16, heads u8, sectors per track u8 |
 * | 60 | 4 | disk type: 2 fixed, 3 dynamic, 4 differencing |
 * | 64 | 4 | checksum |
 * | 68 | 16 | unique id |
 * | 84 | 1 | saved state |
 * | 85 | 427 | reserved (kept byte for byte) |
 * @module
 */

import {
  checkUint,
  copyBytes,
  readAscii,
  readUint64,
  setFixedBytes,
  viewOf,
  writeAscii,
  writeUint64,
} from '../codec/bytes.js';
import { vhdChecksum } from '../codec/checksum.js';
import { ALL_ONES_64, DISK_TYPE_CODES, FOOTER_COOKIE, FOOTER_SIZE } from '../constants.js';
import { hex32, VhdFormatError } from '../errors.js';
import type { Geometry } from '../geometry.js';
import { checkFrame, type StructFrame } from './framed-struct.js';

/** Byte offsets of the footer's fields. */
export const FOOTER_OFFSETS = {
  cookie: 0,
  features: 8,
  fileFormatVersion: 12,
  dataOffset: 16,
  timestamp: 24,
  creatorApplication: 28,
  creatorVersion: 32,
  creatorHostOs: 36,
  originalSize: 40,
  currentSize: 48,
  geometry: 56,
  diskType: 60,
  checksum: 64,
  uniqueId: 68,
  savedState: 84,
  reserved: 85,
} as const;

/** Every field of the 512-byte footer, as plain values. */
export interface Footer {
  /** Feature bits: 0x2 reserved (always set), 0x1 temporary. */
  features: number;
  /** File format version, 0x00010000. */
  fileFormatVersion: number;
  /** Offset of the dynamic header (512), or {@link ALL_ONES_64} for fixed disks. */
  dataOffset: number;
  /** Creation time, VHD seconds since 2000-01-01T00:00:00Z. */
  timestamp: number;
  /** Creator application, four 8-bit characters (`vs  `, `qemu`, `vsk `...). */
  creatorApplication: string;
  /** Creator version, major in the high 16 bits. */
  creatorVersion: number;
  /** Creator host OS code (`Wi2k` 0x5769326B, `Mac ` 0x4D616320). */
  creatorHostOs: number;
  /** Size of the disk at creation, bytes. */
  originalSize: number;
  /** Virtual size of the disk, bytes. */
  currentSize: number;
  /** CHS geometry. */
  geometry: Geometry;
  /** Disk type code: 2 fixed, 3 dynamic, 4 differencing. */
  diskType: number;
  /** Checksum as stored; {@link encodeFooter} always writes the correct one. */
  checksum: number;
  /** The disk's UUID, 16 bytes. */
  uniqueId: Uint8Array;
  /** Saved-state flag (1 when the disk is in a saved state). */
  savedState: number;
  /** The 427 reserved bytes (some tools keep flags here, e.g. byte 85 "hidden"). */
  reserved: Uint8Array;
}

/** Options of {@link decodeFooter}. */
export interface DecodeFooterOptions {
  /** Verify the checksum (default true). `check()` and lenient opens turn it off to inspect. */
  verifyChecksum?: boolean;
}

const FOOTER_FRAME: StructFrame = {
  name: 'footer',
  size: FOOTER_SIZE,
  cookie: FOOTER_COOKIE,
  cookieCode: 'BAD_COOKIE',
  checksumOffset: FOOTER_OFFSETS.checksum,
  versionOffset: FOOTER_OFFSETS.fileFormatVersion,
  versionField: 'fileFormatVersion',
  versionLabel: 'file format version',
};

/**
 * Decodes a 512-byte footer. Checks in order: size (`TRUNCATED`), cookie (`BAD_COOKIE`),
 * checksum (`BAD_CHECKSUM`), version (`UNSUPPORTED_VERSION`), disk type (`BAD_DISK_TYPE`),
 * 64-bit fields below 2^53 (`BAD_FIELD`), data offset (`BAD_DATA_OFFSET`: dynamic and
 * differencing disks need a real offset).
 */
export function decodeFooter(bytes: Uint8Array, options: DecodeFooterOptions = {}): Footer {
  const {
    bytes: b,
    view,
    checksum,
    version: fileFormatVersion,
  } = checkFrame(bytes, FOOTER_FRAME, options.verifyChecksum !== false);
  const diskType = view.getUint32(FOOTER_OFFSETS.diskType);
  if (
    diskType !== DISK_TYPE_CODES.fixed &&
    diskType !== DISK_TYPE_CODES.dynamic &&
    diskType !== DISK_TYPE_CODES.differencing
  ) {
    throw new VhdFormatError('BAD_DISK_TYPE', `unsupported disk type: ${hex32(diskType)}`, {
      field: 'footer.diskType',
      offset: FOOTER_OFFSETS.diskType,
      value: diskType,
    });
  }
  const dataOffset = readUint64(view, FOOTER_OFFSETS.dataOffset, 'footer.dataOffset');
  const originalSize = readSize(view, FOOTER_OFFSETS.originalSize, 'footer.originalSize');
  const currentSize = readSize(view, FOOTER_OFFSETS.currentSize, 'footer.currentSize');
  if (diskType !== DISK_TYPE_CODES.fixed && dataOffset === ALL_ONES_64) {
    throw new VhdFormatError('BAD_DATA_OFFSET', 'a dynamic disk footer has no header offset', {
      field: 'footer.dataOffset',
      offset: FOOTER_OFFSETS.dataOffset,
      value: '0xffffffffffffffff',
    });
  }
  return {
    features: view.getUint32(FOOTER_OFFSETS.features),
    fileFormatVersion,
    dataOffset,
    timestamp: view.getUint32(FOOTER_OFFSETS.timestamp),
    creatorApplication: readAscii(b, FOOTER_OFFSETS.creatorApplication, 4),
    creatorVersion: view.getUint32(FOOTER_OFFSETS.creatorVersion),
    creatorHostOs: view.getUint32(FOOTER_OFFSETS.creatorHostOs),
    originalSize,
    currentSize,
    geometry: {
      cylinders: view.getUint16(FOOTER_OFFSETS.geometry),
      heads: view.getUint8(FOOTER_OFFSETS.geometry + 2),
      sectorsPerTrack: view.getUint8(FOOTER_OFFSETS.geometry + 3),
    },
    diskType,
    checksum,
    uniqueId: copyBytes(b, FOOTER_OFFSETS.uniqueId, 16),
    savedState: view.getUint8(FOOTER_OFFSETS.savedState),
    reserved: copyBytes(b, FOOTER_OFFSETS.reserved, FOOTER_SIZE - FOOTER_OFFSETS.reserved),
  };
}

/** Encodes a footer into 512 bytes, computing the checksum (the `checksum` field is ignored). */
export function encodeFooter(f: Footer): Uint8Array {
  const b = new Uint8Array(FOOTER_SIZE);
  const view = viewOf(b);
  writeAscii(b, 0, 8, FOOTER_COOKIE, 'footer.cookie');
  view.setUint32(FOOTER_OFFSETS.features, checkUint(f.features, 32, 'footer.features'));
  view.setUint32(
    FOOTER_OFFSETS.fileFormatVersion,
    checkUint(f.fileFormatVersion, 32, 'footer.fileFormatVersion'),
  );
  writeUint64(view, FOOTER_OFFSETS.dataOffset, f.dataOffset, 'footer.dataOffset');
  view.setUint32(FOOTER_OFFSETS.timestamp, checkUint(f.timestamp, 32, 'footer.timestamp'));
  writeAscii(
    b,
    FOOTER_OFFSETS.creatorApplication,
    4,
    f.creatorApplication,
    'footer.creatorApplication',
  );
  view.setUint32(
    FOOTER_OFFSETS.creatorVersion,
    checkUint(f.creatorVersion, 32, 'footer.creatorVersion'),
  );
  view.setUint32(
    FOOTER_OFFSETS.creatorHostOs,
    checkUint(f.creatorHostOs, 32, 'footer.creatorHostOs'),
  );
  writeUint64(view, FOOTER_OFFSETS.originalSize, f.originalSize, 'footer.originalSize');
  writeUint64(view, FOOTER_OFFSETS.currentSize, f.currentSize, 'footer.currentSize');
  view.setUint16(
    FOOTER_OFFSETS.geometry,
    checkUint(f.geometry.cylinders, 16, 'footer.geometry.cylinders'),
  );
  view.setUint8(
    FOOTER_OFFSETS.geometry + 2,
    checkUint(f.geometry.heads, 8, 'footer.geometry.heads'),
  );
  view.setUint8(
    FOOTER_OFFSETS.geometry + 3,
    checkUint(f.geometry.sectorsPerTrack, 8, 'footer.geometry.sectorsPerTrack'),
  );
  view.setUint32(FOOTER_OFFSETS.diskType, checkUint(f.diskType, 32, 'footer.diskType'));
  setFixedBytes(b, FOOTER_OFFSETS.uniqueId, 16, f.uniqueId, 'footer.uniqueId');
  view.setUint8(FOOTER_OFFSETS.savedState, checkUint(f.savedState, 8, 'footer.savedState'));
  setFixedBytes(
    b,
    FOOTER_OFFSETS.reserved,
    FOOTER_SIZE - FOOTER_OFFSETS.reserved,
    f.reserved,
    'footer.reserved',
  );
  view.setUint32(FOOTER_OFFSETS.checksum, vhdChecksum(b, FOOTER_OFFSETS.checksum));
  return b;
}

function readSize(view: DataView, offset: number, field: string): number {
  const value = readUint64(view, offset, field);
  if (value === ALL_ONES_64) {
    throw new VhdFormatError('BAD_FIELD', `${field} has all 64 bits set`, {
      field,
      offset,
      value: '0xffffffffffffffff',
    });
  }
  return value;
}
