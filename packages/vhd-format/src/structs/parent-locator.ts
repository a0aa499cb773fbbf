/**
 * Parent locator entries (24 bytes each, eight in the dynamic header) and the platform data
 * they point at.
 *
 * | Offset | Size | Field |
 * |---|---|---|
 * | +0 | 4 | platform code (`W2ku`, `W2ru`, `Wi2k`, `Wi2r`, `Mac `, `MacX`, or 0) |
 * | +4 | 4 | platform data space (spec: sectors; Microsoft's tools: bytes) |
 * | +8 | 4 | platform data length, bytes |
 * | +12 | 4 | reserved |
 * | +16 | 8 | platform data offset, absolute byte offset in the file |
 *
 * Platform data: W2ku/W2ru are UTF-16LE Windows paths (BE accepted when the bytes say so),
 * Wi2k/Wi2r deprecated 8-bit paths, MacX a `file://` URL in UTF-8, Mac an alias record
 * (decoded as 8-bit text, never used to find a parent).
 * @module
 */

import { checkUint, readAscii, readUint64, viewOf, writeUint64 } from '../codec/bytes.js';
import { decodeUtf8, encodeUtf8 } from '../codec/utf8.js';
import { decodeUtf16, encodeUtf16, guessUtf16Order } from '../codec/utf16.js';
import { ALL_ONES_64, LOCATOR_ENTRY_SIZE, PLATFORM_CODES, SECTOR_SIZE } from '../constants.js';
import { hex32, VhdFormatError } from '../errors.js';

/** One parent locator entry, as stored. */
export interface ParentLocatorEntry {
  /** Platform code; 0 for an unused entry. */
  platformCode: number;
  /** Space reserved for the data, as stored (see {@link locatorDataSpaceBytes}). */
  platformDataSpace: number;
  /** Length of the data in bytes. */
  platformDataLength: number;
  /** Reserved 32-bit field, kept as stored. */
  reserved: number;
  /** Absolute byte offset of the data in the file. */
  platformDataOffset: number;
}

/** An unused locator entry (all zeros). */
export function emptyLocatorEntry(): ParentLocatorEntry {
  return {
    platformCode: 0,
    platformDataSpace: 0,
    platformDataLength: 0,
    reserved: 0,
    platformDataOffset: 0,
  };
}

/** Decodes the 24-byte entry at `offset` of `bytes`; `index` names it in errors. */
export function decodeLocatorEntry(
  bytes: Uint8Array,
  offset: number,
  index: number,
): ParentLocatorEntry {
  if (bytes.length < offset + LOCATOR_ENTRY_SIZE) {
    throw new VhdFormatError('TRUNCATED', `parent locator ${index} is cut short`, {
      field: `parentLocators[${index}]`,
      offset,
    });
  }
  const view = viewOf(bytes);
  const field = `parentLocators[${index}].platformDataOffset`;
  const platformDataOffset = readUint64(view, offset + 16, field);
  if (platformDataOffset === ALL_ONES_64) {
    throw new VhdFormatError('BAD_LOCATOR', `${field} has all 64 bits set`, {
      field,
      offset: offset + 16,
    });
  }
  return {
    platformCode: view.getUint32(offset),
    platformDataSpace: view.getUint32(offset + 4),
    platformDataLength: view.getUint32(offset + 8),
    reserved: view.getUint32(offset + 12),
    platformDataOffset,
  };
}

/** Encodes an entry into `bytes` at `offset`. */
export function encodeLocatorEntry(
  entry: ParentLocatorEntry,
  bytes: Uint8Array,
  offset: number,
  index: number,
): void {
  const view = viewOf(bytes);
  const name = `parentLocators[${index}]`;
  view.setUint32(offset, checkUint(entry.platformCode, 32, `${name}.platformCode`));
  view.setUint32(offset + 4, checkUint(entry.platformDataSpace, 32, `${name}.platformDataSpace`));
  view.setUint32(offset + 8, checkUint(entry.platformDataLength, 32, `${name}.platformDataLength`));
  view.setUint32(offset + 12, checkUint(entry.reserved, 32, `${name}.reserved`));
  writeUint64(view, offset + 16, entry.platformDataOffset, `${name}.platformDataOffset`);
}

/** The four-character name of a platform code (`W2ku`, `Mac `, ...), or its hex for unknown codes. */
export function platformName(code: number): string {
  if (code === 0) return 'None';
  const text = readAscii(
    new Uint8Array([code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff]),
    0,
    4,
  );
  return /^[\x20-\x7e]{4}$/.test(text) ? text : hex32(code);
}

/** The platform code for a four-character name (`W2ku`, `W2ru`, `Wi2k`, `Wi2r`, `Mac `/`Mac`, `MacX`). */
export function platformCode(name: string): number {
  const key = name === 'Mac ' ? 'Mac' : name;
  const code = (PLATFORM_CODES as Record<string, number>)[key];
  if (code === undefined) {
    throw new VhdFormatError('INVALID_ARGUMENT', `unknown platform code ${JSON.stringify(name)}`, {
      field: 'platformCode',
      value: name,
    });
  }
  return code;
}

/**
 * Bytes reserved for a locator's data. The specification counts data space in sectors;
 * Microsoft's tools (and blktap, VirtualBox) store bytes. Rule *(decision, blktap's)*: a value
 * below 512 is a sector count, anything else is bytes. A byte count is never below 512 for
 * non-empty data (it is a multiple of 512), and a sector count of 512 or more would reserve
 * 256 KiB for one path.
 */
export function locatorDataSpaceBytes(entry: ParentLocatorEntry): number {
  return entry.platformDataSpace < SECTOR_SIZE
    ? entry.platformDataSpace * SECTOR_SIZE
    : entry.platformDataSpace;
}

/** Decodes a locator's platform data into a path (or URL, for MacX). */
export function decodeLocatorPath(code: number, data: Uint8Array): string {
  switch (code) {
    case PLATFORM_CODES.W2ku:
    case PLATFORM_CODES.W2ru:
      return decodeUtf16(data, guessUtf16Order(data, 'le'));
    case PLATFORM_CODES.MacX:
      return stripNul(decodeUtf8(data));
    default:
      return stripNul(readAscii(data, 0, data.length));
  }
}

/** Encodes a path as a locator's platform data: UTF-16LE for W2ku/W2ru, UTF-8 for MacX, 8-bit otherwise. */
export function encodeLocatorPath(code: number, path: string): Uint8Array {
  switch (code) {
    case PLATFORM_CODES.W2ku:
    case PLATFORM_CODES.W2ru:
      return encodeUtf16(path, 'le');
    case PLATFORM_CODES.MacX:
      return encodeUtf8(path);
    default: {
      const out = new Uint8Array(path.length);
      for (let i = 0; i < path.length; i++) {
        const c = path.charCodeAt(i);
        if (c > 0xff) {
          throw new VhdFormatError(
            'INVALID_ARGUMENT',
            `${platformName(code)} paths hold 8-bit characters only`,
            {
              field: 'path',
              value: path,
            },
          );
        }
        out[i] = c;
      }
      return out;
    }
  }
}

function stripNul(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}
