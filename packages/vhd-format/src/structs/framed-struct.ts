/**
 * The checks the footer and the dynamic header both start with, in the fixed order size, cookie,
 * checksum, version. What follows them (the meaning of each field) stays in each structure's
 * module.
 * @module
 */

import { readAscii, viewOf } from '../codec/bytes.js';
import { vhdChecksum } from '../codec/checksum.js';
import { hex32, VhdFormatError } from '../errors.js';

/** How a structure that opens with a cookie and carries a checksum and a version is laid out. */
export interface StructFrame {
  /** Its name in messages and field paths: `footer` or `header`. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The 8-character cookie at offset 0. */
  readonly cookie: string;
  /** The error code for a wrong cookie. */
  readonly cookieCode: 'BAD_COOKIE' | 'BAD_HEADER_COOKIE';
  /** Offset of the 32-bit checksum. */
  readonly checksumOffset: number;
  /** Offset of the 32-bit version, whose major (high 16 bits) must be 1. */
  readonly versionOffset: number;
  /** The version's field name (`fileFormatVersion`, `headerVersion`). */
  readonly versionField: string;
  /** The version's name in messages (`file format version`, `header version`). */
  readonly versionLabel: string;
}

/** A structure's bytes that passed {@link checkFrame}, with the two fields it read. */
export interface FramedBytes {
  /** Exactly `frame.size` bytes (a view of the input, not a copy). */
  readonly bytes: Uint8Array;
  /** A DataView over exactly {@link FramedBytes.bytes}. */
  readonly view: DataView;
  /** The checksum as stored. */
  readonly checksum: number;
  /** The version as stored. */
  readonly version: number;
}

/**
 * Checks, in order: size (`TRUNCATED`), cookie (`frame.cookieCode`), checksum (`BAD_CHECKSUM`,
 * only when `verifyChecksum`), version (`UNSUPPORTED_VERSION`). Each error names the field, its
 * offset and the bad value.
 */
export function checkFrame(
  bytes: Uint8Array,
  frame: StructFrame,
  verifyChecksum: boolean,
): FramedBytes {
  const { name, size } = frame;
  if (bytes.length < size) {
    throw new VhdFormatError('TRUNCATED', `${name} needs ${size} bytes, got ${bytes.length}`, {
      field: name,
      value: bytes.length,
    });
  }
  const b = bytes.length === size ? bytes : bytes.subarray(0, size);
  const view = viewOf(b);
  const cookie = readAscii(b, 0, 8);
  if (cookie !== frame.cookie) {
    throw new VhdFormatError(frame.cookieCode, `${name} cookie is ${JSON.stringify(cookie)}`, {
      field: `${name}.cookie`,
      offset: 0,
      value: cookie,
    });
  }
  const checksum = view.getUint32(frame.checksumOffset);
  if (verifyChecksum) {
    const expected = vhdChecksum(b, frame.checksumOffset);
    if (checksum !== expected) {
      throw new VhdFormatError(
        'BAD_CHECKSUM',
        `${name} checksum is ${hex32(checksum)}, bytes sum to ${hex32(expected)}`,
        { field: `${name}.checksum`, offset: frame.checksumOffset, value: checksum },
      );
    }
  }
  const version = view.getUint32(frame.versionOffset);
  if (version >>> 16 !== 1) {
    throw new VhdFormatError(
      'UNSUPPORTED_VERSION',
      `unsupported ${frame.versionLabel}: ${hex32(version)}`,
      { field: `${name}.${frame.versionField}`, offset: frame.versionOffset, value: version },
    );
  }
  return { bytes: b, view, checksum, version };
}
