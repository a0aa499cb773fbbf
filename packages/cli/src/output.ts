/**
 * Output for people and for tools: aligned `label  value` blocks, and JSON (one document,
 * two-space indented, ending in a newline).
 * @module
 */
import type { Writable } from 'node:stream';
import { writeText } from './command.js';
import { printable, printableJson } from './printable.js';
import { formatSize } from './sizes.js';

/** One row of a human block: a label and one value, or several (one per line). */
export type Row = readonly [label: string, value: string | readonly string[]];

/**
 * Renders rows as `  label   value`, labels padded to the widest, continuation lines aligned.
 * Values may come from files: each is {@link printable}.
 */
export function renderRows(rows: readonly Row[], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  const lines: string[] = [];
  for (const [label, value] of rows) {
    const values = typeof value === 'string' ? [value] : value.length === 0 ? ['-'] : value;
    values.forEach((text, i) => {
      lines.push(`${indent}${(i === 0 ? label : '').padEnd(width)}  ${printable(text)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** A value ready for `JSON.stringify`: byte arrays become hex, big integers strings, dates ISO. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = jsonSafe(field);
    return out;
  }
  return value;
}

/** Writes `value` as a JSON document to `stream`, terminal controls escaped ({@link printableJson}). */
export function writeJson(stream: Writable, value: unknown): Promise<void> {
  return writeText(stream, `${printableJson(JSON.stringify(jsonSafe(value), null, 2))}\n`);
}

/** `64 MiB (67108864 bytes)`. */
export function sizeWithBytes(bytes: number): string {
  return `${formatSize(bytes)} (${bytes} bytes)`;
}
