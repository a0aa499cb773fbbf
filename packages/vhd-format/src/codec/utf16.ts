/**
 * UTF-16 in either byte order. Strings are JavaScript code units, so unpaired surrogates
 * survive a decode/encode round trip unchanged.
 * @module
 */

/** Byte order of UTF-16 data: `be` for the header's parent name, `le` for W2ku/W2ru data. */
export type ByteOrder = 'be' | 'le';

/** Encodes each code unit of `text` as two bytes in `order`. */
export function encodeUtf16(text: string, order: ByteOrder): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const hi = unit >>> 8;
    const lo = unit & 0xff;
    out[2 * i] = order === 'be' ? hi : lo;
    out[2 * i + 1] = order === 'be' ? lo : hi;
  }
  return out;
}

/**
 * Decodes code units in `order`, stopping at the first NUL unit (names are NUL-padded).
 * A trailing odd byte is ignored.
 */
export function decodeUtf16(bytes: Uint8Array, order: ByteOrder): string {
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    const unit = order === 'be' ? (a << 8) | b : (b << 8) | a;
    if (unit === 0) break;
    units.push(unit);
  }
  let out = '';
  for (let i = 0; i < units.length; i += 4096) {
    out += String.fromCharCode(...units.slice(i, i + 4096));
  }
  return out;
}

/**
 * Guesses the byte order of UTF-16 text expected in `preferred` order: when most code units
 * read in `preferred` order have a zero low byte and a non-zero high byte (what Latin text
 * stored in the other order looks like), the other order wins. Names and paths are
 * overwhelmingly Latin, so this tells apart real-world BE and LE names.
 */
export function guessUtf16Order(bytes: Uint8Array, preferred: ByteOrder): ByteOrder {
  let swapped = 0;
  let straight = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const first = bytes[i]!;
    const second = bytes[i + 1]!;
    if (first === 0 && second === 0) break;
    // In `be`, Latin text has the zero byte first; in `le`, second.
    const zeroFirst = first === 0 && second !== 0;
    const zeroSecond = second === 0 && first !== 0;
    if (preferred === 'be' ? zeroFirst : zeroSecond) straight++;
    else if (preferred === 'be' ? zeroSecond : zeroFirst) swapped++;
  }
  if (swapped > straight) return preferred === 'be' ? 'le' : 'be';
  return preferred;
}
