/**
 * Byte counts on the command line: `512MB`, `64MiB`, `10GiB`, `4k`, `1.5GiB`, or plain bytes,
 * in decimal or in hex (`0x100000`).
 * Every unit is binary, as Virtual Server counts: `MB` = `MiB` = 1,048,576 bytes.
 * @module
 */
import { CliError, EXIT_USAGE } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  tib: 2 ** 40,
};

const SIZE = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/i;
const HEX = /^0x([0-9a-f]+)$/i;

/**
 * Parses a byte count. Units (case-insensitive): B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, all
 * powers of 1024; no unit means bytes. A fraction is allowed when the result is a whole number of
 * bytes (`1.5KiB` = 1536, `0.5B` is refused). `0x` and hex digits is a number of bytes
 * (`0x100000` = 1 MiB), without a unit.
 * @throws CliError `INVALID_SIZE` (exit status 2) for anything else (empty, negative, unknown unit, not a whole
 *   number of bytes, above 2^53).
 */
export function parseSize(text: string, what = 'size'): number {
  const hex = HEX.exec(text.trim());
  if (hex !== null) return safeBytes(BigInt(`0x${hex[1]}`), text, what);
  const match = SIZE.exec(text.trim());
  const unit = match === null ? undefined : UNITS[(match[3] ?? '').toLowerCase()];
  if (match === null || unit === undefined) {
    throw new CliError(
      'INVALID_SIZE',
      `${what} '${text}' is not a size (examples: 512MB, 64MiB, 10GiB, 4096, 0x100000)`,
      EXIT_USAGE,
    );
  }
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  // Exact arithmetic: (whole . fraction) * unit, in BigInt, so 1.1GiB is judged exactly.
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole + fraction) * BigInt(unit);
  if (numerator % scale !== 0n) {
    throw new CliError(
      'INVALID_SIZE',
      `${what} '${text}' is not a whole number of bytes`,
      EXIT_USAGE,
    );
  }
  return safeBytes(numerator / scale, text, what);
}

function safeBytes(bytes: bigint, text: string, what: string): number {
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CliError('INVALID_SIZE', `${what} '${text}' is too large`, EXIT_USAGE);
  }
  return Number(bytes);
}

const NAMES = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count for people: `512 B`, `64 MiB`, `1.5 GiB` (at most two decimals, trailing zeros cut). */
export function formatSize(bytes: number): string {
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < NAMES.length - 1) {
    value /= 1024;
    index++;
  }
  const text = index === 0 ? String(value) : String(Number(value.toFixed(2)));
  return `${text} ${NAMES[index]}`;
}
