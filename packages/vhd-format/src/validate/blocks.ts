/**
 * The layout step of the structural pass: structures that share bytes, then the BAT (read only
 * now that its size is known to be bounded) and the blocks it places.
 * @module
 */

import { DISK_TYPE_CODES } from '../constants.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { decodeBat } from '../structs/bat.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import { blockProblems, metadataExtents, metadataProblems } from './extents.js';
import type { FindingSink } from './findings.js';
import type { FoundFooter } from './footer.js';

/**
 * Reports metadata sharing bytes (`OVERLAPPING_METADATA`), reads the BAT, and reports entries
 * placing a block past the data (`BAT_ENTRY_OUT_OF_RANGE`) and blocks sharing bytes
 * (`OVERLAPPING_BLOCKS`), at most `sink.blockLimit` of them. Resolves to the BAT.
 */
export async function validateLayout(
  file: RandomAccessFile,
  found: FoundFooter,
  header: DynamicHeader,
  sink: FindingSink<unknown>,
): Promise<Uint32Array> {
  const { footer, footerPos, fileSize } = found;
  const differencing = footer.diskType === DISK_TYPE_CODES.differencing;
  const metadata = metadataExtents(footer.dataOffset, header, footerPos, fileSize, differencing);
  for (const p of metadataProblems(metadata)) {
    sink.report({ ...p, open: 'writable', severity: 'error', repair: 'opened read-only' });
  }
  const batBytes = new Uint8Array(header.maxTableEntries * 4);
  await readExactly(file, batBytes, header.tableOffset, 'BAT');
  const bat = decodeBat(batBytes, header.maxTableEntries);
  const stride = bitmapByteSize(header.blockSize) + header.blockSize;
  for (const p of blockProblems(
    bat,
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
  return bat;
}
