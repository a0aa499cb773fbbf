/**
 * What a dynamic or differencing image's metadata occupies in its file, for the operations
 * that look for free space in it or move blocks (rebase, compact, resize).
 * @module
 */
import { FOOTER_SIZE, HEADER_SIZE } from '../constants.js';
import { roundUpToSector } from '../layout.js';
import { locatorDataSpaceBytes } from '../structs/parent-locator.js';
import type { SparseStructure } from '../validate/structure.js';

/** A byte range `[start, end)` of the file. */
export type Range = readonly [start: number, end: number];

/**
 * The ranges the metadata occupies, sorted by start: the footer copy, the header, the BAT
 * (rounded up to whole sectors) and the data space of every locator in use. The trailing
 * footer is not among them.
 */
export function metadataRanges(found: SparseStructure): Range[] {
  const { header } = found;
  const out: Range[] = [
    [0, FOOTER_SIZE],
    [found.footer.dataOffset, found.footer.dataOffset + HEADER_SIZE],
    [header.tableOffset, header.tableOffset + roundUpToSector(header.maxTableEntries * 4)],
  ];
  for (const entry of header.parentLocators) {
    if (entry.platformCode === 0) continue;
    const space = Math.max(locatorDataSpaceBytes(entry), entry.platformDataLength);
    out.push([entry.platformDataOffset, entry.platformDataOffset + roundUpToSector(space)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * The first sector-aligned hole of `need` bytes below `limit` that none of `used` (sorted by
 * start) covers; undefined when there is none.
 */
export function firstHole(used: readonly Range[], need: number, limit: number): number | undefined {
  let cursor = 0;
  for (const [start, end] of [...used, [limit, limit] as Range]) {
    const candidate = roundUpToSector(cursor);
    if (Math.min(start, limit) - candidate >= need) return candidate;
    cursor = Math.max(cursor, end);
  }
  return undefined;
}
