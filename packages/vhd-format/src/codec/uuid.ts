/**
 * UUIDs as the VHD stores them: 16 bytes, shown in byte order as
 * `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lower-case hex).
 * @module
 */
import { VhdFormatError } from '../errors.js';

/** Formats 16 bytes as a UUID string, in stored byte order. */
export function formatUuid(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Parses a UUID string (with or without dashes/braces) into its 16 bytes. */
export function parseUuid(text: string): Uint8Array {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new VhdFormatError('INVALID_ARGUMENT', `not a UUID: ${JSON.stringify(text)}`, {
      field: 'uuid',
      value: text,
    });
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A version 4 (random) UUID drawn from `random`. */
export function randomUuid(random: (n: number) => Uint8Array): Uint8Array {
  const bytes = random(16);
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'random(16) must return 16 bytes', {
      field: 'random',
    });
  }
  const out = Uint8Array.from(bytes);
  out[6] = (out[6]! & 0x0f) | 0x40;
  out[8] = (out[8]! & 0x3f) | 0x80;
  return out;
}

/** Whether two UUIDs hold the same bytes. */
export function sameUuid(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface WebCrypto {
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** Random bytes from `globalThis.crypto.getRandomValues` (Node 20, browsers, Deno). */
export function defaultRandom(n: number): Uint8Array {
  const crypto = (globalThis as { crypto?: WebCrypto }).crypto;
  if (!crypto) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'no globalThis.crypto: pass options.random', {
      field: 'random',
    });
  }
  return crypto.getRandomValues(new Uint8Array(n));
}
