/**
 * Big-endian field access over a `DataView` spanning exactly one structure's bytes.
 * @module
 */
import { ALL_ONES_64 } from '../constants.js';
import { VhdFormatError } from '../errors.js';

/** A DataView over exactly `bytes` (never the whole underlying buffer). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a big-endian unsigned 64-bit field as a safe number. All 64 bits set decodes to
 * {@link ALL_ONES_64}; any other value at or above 2^53 is a `BAD_FIELD` error naming `field`.
 */
export function readUint64(view: DataView, offset: number, field: string): number {
  const high = view.getUint32(offset);
  const low = view.getUint32(offset + 4);
  if (high === 0xffffffff && low === 0xffffffff) return ALL_ONES_64;
  if (high >= 0x200000) {
    throw new VhdFormatError('BAD_FIELD', `${field} is not below 2^53: 0x${hex(high)}${hex(low)}`, {
      field,
      offset,
      value: `0x${hex(high)}${hex(low)}`,
    });
  }
  return high * 2 ** 32 + low;
}

/** Writes a safe number (or {@link ALL_ONES_64}) as a big-endian unsigned 64-bit field. */
export function writeUint64(view: DataView, offset: number, value: number, field: string): void {
  if (value === ALL_ONES_64) {
    view.setUint32(offset, 0xffffffff);
    view.setUint32(offset + 4, 0xffffffff);
    return;
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', `${field} must be a safe non-negative integer`, {
      field,
      value,
    });
  }
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value >>> 0);
}

/** Checks that `value` fits an unsigned field of `bits` bits (8, 16 or 32). */
export function checkUint(value: number, bits: 8 | 16 | 32, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      `${field} must be an unsigned ${bits}-bit integer`,
      {
        field,
        value,
      },
    );
  }
  return value;
}

/** Reads `length` bytes as 8-bit characters (cookies, creator application, platform codes). */
export function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(bytes[offset + i] ?? 0);
  return out;
}

/** Writes an 8-bit string of exactly `length` characters. */
export function writeAscii(
  bytes: Uint8Array,
  offset: number,
  length: number,
  text: string,
  field: string,
): void {
  if (text.length !== length) {
    throw new VhdFormatError('INVALID_ARGUMENT', `${field} must be ${length} characters`, {
      field,
      value: text,
    });
  }
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) {
      throw new VhdFormatError('INVALID_ARGUMENT', `${field} must hold 8-bit characters`, {
        field,
        value: text,
      });
    }
    bytes[offset + i] = code;
  }
}

/** Copies `value` (exactly `length` bytes) into `b` at `offset`. */
export function setFixedBytes(
  b: Uint8Array,
  offset: number,
  length: number,
  value: Uint8Array,
  field: string,
): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new VhdFormatError('INVALID_ARGUMENT', `${field} must be ${length} bytes`, {
      field,
      value: value?.length,
    });
  }
  b.set(value, offset);
}

/** Copies `length` bytes starting at `offset` into a new array. */
export function copyBytes(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  return bytes.slice(offset, offset + length);
}

/** Whether two byte arrays hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
