/**
 * How vs-api opens existing images: strictly, so any structural defect (cookie, checksum,
 * header, truncation, locator data outside the file, overlapping blocks, a 511-byte footer or a
 * footer only readable from its copy) is an invalid file, except what SEMANTICS.md "Opening a
 * chain" says to accept: a parent name stored in the other UTF-16 byte order.
 * @module
 */
import { isVhdFormatError } from '@vskit/vhd-format';

/**
 * Runs `open(true)` (strict); when it fails only because a parent name is stored UTF-16LE,
 * runs `open(false)` (lenient) instead. Any other failure is rethrown.
 */
export async function openStrictly<T>(open: (strict: boolean) => Promise<T>): Promise<T> {
  try {
    return await open(true);
  } catch (error) {
    if (isVhdFormatError(error) && error.field === 'header.parentUnicodeName') return open(false);
    throw error;
  }
}
