/**
 * The dynamic-header step of the structural pass: where the header is, whether it decodes, and
 * whether the BAT it describes covers the disk, fits in the file and is small enough to hold.
 * @module
 */

import { ALL_ONES_64, HEADER_SIZE, MAX_TABLE_ENTRIES, SECTOR_SIZE } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { type DynamicHeader, decodeDynamicHeader } from '../structs/dynamic-header.js';
import { type FindingSink, fromDecodeError } from './findings.js';
import type { FoundFooter } from './footer.js';

/**
 * Reads and checks the header the footer points to: inside the file (`BAD_DATA_OFFSET`),
 * decodable (a stale checksum only is read anyway), its data offset, then the BAT it describes:
 * covering the disk (`BAD_FIELD`), fitting before the trailing footer (`BAD_TABLE_OFFSET`), at
 * most `MAX_TABLE_ENTRIES` entries (`SIZE_TOO_LARGE`). Stops where the BAT cannot be read.
 */
export async function validateHeader<S>(
  file: RandomAccessFile,
  found: FoundFooter,
  sink: FindingSink<S>,
): Promise<DynamicHeader | S> {
  const { footer, footerPos } = found;
  const dataOffset = footer.dataOffset;
  if (dataOffset % SECTOR_SIZE !== 0 || dataOffset + HEADER_SIZE > footerPos) {
    return sink.stop({
      code: 'BAD_DATA_OFFSET',
      open: 'refuse',
      severity: 'error',
      message: `header offset ${dataOffset} is not inside the file`,
      field: 'footer.dataOffset',
      value: dataOffset,
    });
  }
  const bytes = new Uint8Array(HEADER_SIZE);
  await readExactly(file, bytes, dataOffset, 'header');
  const where = { base: dataOffset };
  let header: DynamicHeader;
  try {
    header = decodeDynamicHeader(bytes);
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    if (!isVhdFormatError(e, 'BAD_CHECKSUM')) return sink.stop(fromDecodeError(e, where, 'refuse'));
    sink.report(fromDecodeError(e, where, 'strict', 'read anyway'));
    try {
      header = decodeDynamicHeader(bytes, { verifyChecksum: false });
    } catch (again) {
      if (!isVhdFormatError(again)) throw again;
      return sink.stop(fromDecodeError(again, where, 'refuse'));
    }
  }
  if (header.dataOffset !== ALL_ONES_64) {
    sink.report({
      code: 'BAD_DATA_OFFSET',
      open: 'warn',
      severity: 'warning',
      message: 'the header data offset is 0xFFFFFFFF, not all 64 bits set',
      field: 'header.dataOffset',
      offset: dataOffset + 8,
    });
  }
  if (header.tableOffset % SECTOR_SIZE !== 0) {
    sink.report({
      code: 'UNALIGNED_TABLE',
      open: 'quiet',
      severity: 'warning',
      message: `BAT offset ${header.tableOffset} is not sector aligned`,
      field: 'header.tableOffset',
    });
  }
  const entries = header.maxTableEntries;
  const coverage = entries * header.blockSize;
  if (coverage < footer.currentSize) {
    sink.report({
      code: 'BAD_FIELD',
      open: 'refuse',
      severity: 'error',
      message: `BAT of ${entries} entries covers ${coverage} bytes, less than the size ${footer.currentSize}`,
      field: 'header.maxTableEntries',
      value: entries,
    });
  }
  if (header.tableOffset + entries * 4 > footerPos) {
    return sink.stop({
      code: 'BAD_TABLE_OFFSET',
      open: 'refuse',
      severity: 'error',
      message: `BAT of ${entries} entries at ${header.tableOffset} does not fit in a file of ${found.fileSize} bytes`,
      field: 'header.tableOffset',
      value: header.tableOffset,
    });
  }
  if (entries > MAX_TABLE_ENTRIES) {
    return sink.stop({
      code: 'SIZE_TOO_LARGE',
      open: 'refuse',
      severity: 'error',
      message: `BAT of ${entries} entries is larger than the ${MAX_TABLE_ENTRIES} we hold`,
      field: 'header.maxTableEntries',
      value: entries,
    });
  }
  return header;
}
