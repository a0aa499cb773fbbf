/**
 * Images whose BAT is widened to the longest we open (2^24 entries, a 64 MiB table), for tests
 * and benches of BAT memory: the table only grows (its new entries unused), so the image's
 * content does not change.
 * @module
 */
import { HEADER_SIZE, MAX_TABLE_ENTRIES } from '../constants.js';
import { HEADER_OFFSET } from '../layout.js';
import { batByteSize } from '../structs/bat.js';
import { decodeDynamicHeader, encodeDynamicHeader } from '../structs/dynamic-header.js';
import { onesFile } from './ones-file.js';

/** An image split around its widened table. */
export interface WideTable {
  /** The bytes before the table (footer copy, header with the new entry count). */
  readonly head: Uint8Array;
  /** Where the table starts and ends (the end padded to a sector). */
  readonly tableOffset: number;
  readonly tableEnd: number;
  /** The bytes after the table (locator data, blocks, footer), to be placed at `tableEnd`. */
  readonly tail: Uint8Array;
}

/**
 * Splits `image` (a dynamic or differencing image whose table is followed by everything else,
 * as `createDynamic` and `createDifferencing` lay it out, with no blocks yet) around a table of
 * `entries` entries: the header records the new count and the moved locator data.
 */
export function widenTable(image: Uint8Array, entries = MAX_TABLE_ENTRIES): WideTable {
  const header = decodeDynamicHeader(image.subarray(HEADER_OFFSET, HEADER_OFFSET + HEADER_SIZE));
  const tableOffset = header.tableOffset;
  const oldEnd = tableOffset + batByteSize(header.maxTableEntries);
  const tableEnd = tableOffset + batByteSize(entries);
  const shift = tableEnd - oldEnd;
  header.maxTableEntries = entries;
  for (const l of header.parentLocators) {
    if (l.platformCode !== 0) l.platformDataOffset += shift;
  }
  const head = image.slice(0, tableOffset);
  head.set(encodeDynamicHeader(header), HEADER_OFFSET);
  return { head, tableOffset, tableEnd, tail: image.slice(oldEnd) };
}

/**
 * A file holding `image` with its table widened to `entries` unused entries; the table reads as
 * 0xFF and takes no memory until written.
 */
export async function wideTableFile(
  image: Uint8Array,
  entries = MAX_TABLE_ENTRIES,
): Promise<ReturnType<typeof onesFile>> {
  const w = widenTable(image, entries);
  const file = onesFile(w.tableOffset, w.tableEnd);
  await file.write(w.head, 0);
  await file.write(w.tail, w.tableEnd);
  return file;
}
