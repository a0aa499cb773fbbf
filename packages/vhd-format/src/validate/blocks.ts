/**
 * The layout step of the structural pass: structures that share bytes, then the BAT (read only
 * now that its size is known to be bounded, and streamed, never held) and the blocks it places.
 * @module
 */

import { DISK_TYPE_CODES } from '../constants.js';
import type { BatPageCache } from '../engine/bat-page-cache.js';
import { BlockTable } from '../engine/block-table.js';
import type { RandomAccessFile } from '../io.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import { blockProblems, metadataExtents, metadataProblems } from './extents.js';
import type { FindingSink } from './findings.js';
import type { FoundFooter } from './footer.js';

/** Where the pass puts the BAT, and whether it looks at the blocks. */
export interface TableOptions {
  /** Where the table's pages go (shared by the layers of a chain); default: a cache of its own. */
  readonly cache?: BatPageCache | undefined;
  /** Whether to stream the BAT and report its blocks (default true). */
  readonly blocks?: boolean | undefined;
}

/**
 * Reports metadata sharing bytes (`OVERLAPPING_METADATA`), then streams the BAT once and reports
 * entries placing a block past the data (`BAT_ENTRY_OUT_OF_RANGE`) and blocks sharing bytes
 * (`OVERLAPPING_BLOCKS`), at most `sink.blockLimit` of them. Resolves to the BAT, read a page at
 * a time from then on (its blocks counted when they were streamed).
 */
export async function validateLayout(
  file: RandomAccessFile,
  found: FoundFooter,
  header: DynamicHeader,
  sink: FindingSink<unknown>,
  o: TableOptions = {},
): Promise<BlockTable> {
  const { footer, footerPos, fileSize } = found;
  const differencing = footer.diskType === DISK_TYPE_CODES.differencing;
  const metadata = metadataExtents(footer.dataOffset, header, footerPos, fileSize, differencing);
  for (const p of metadataProblems(metadata)) {
    sink.report({ ...p, open: 'writable', severity: 'error', repair: 'opened read-only' });
  }
  const table = new BlockTable(file, header.tableOffset, header.maxTableEntries, o.cache);
  if (o.blocks === false) return table;
  const stride = bitmapByteSize(header.blockSize) + header.blockSize;
  for (const p of await blockProblems(
    table,
    stride,
    footerPos,
    metadata,
    header.tableOffset,
    sink.blockLimit,
  )) {
    sink.report(
      p.code === 'BAT_ENTRY_OUT_OF_RANGE'
        ? { ...p, open: 'refuse', severity: 'error' }
        : { ...p, open: 'writable', severity: 'error', repair: 'opened read-only' },
    );
  }
  return table;
}
