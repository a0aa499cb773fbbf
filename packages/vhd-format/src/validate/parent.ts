/**
 * The parent step of the structural pass (differencing disks): the parent name's byte order and
 * the parent locators. Which locators can be read, and the name as it reads, go back to the
 * caller.
 * @module
 */

import { decodeUtf16, guessUtf16Order } from '../codec/utf16.js';
import { PARENT_NAME_SIZE } from '../constants.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { locatorDataSpaceBytes, platformName } from '../structs/parent-locator.js';
import type { FindingSink } from './findings.js';

/** Longest locator data read: 32767 UTF-16 units, the longest Windows path. */
export const MAX_LOCATOR_BYTES = 65_536;

/** Platform codes the tools we know write. */
const KNOWN_PLATFORMS = new Set(['W2ku', 'W2ru', 'Wi2k', 'Wi2r', 'Mac ', 'MacX']);

/** What the header says of the parent, as far as it can be read. */
export interface ParentRecord {
  /** The parent's name, read in the byte order its bytes show. */
  readonly unicodeName: string;
  /** Indexes of the locator entries in use whose data lies inside the file. */
  readonly readableLocators: readonly number[];
}

/**
 * Checks the parent name (`NO_PARENT_NAME`, `PARENT_NAME_BYTE_ORDER`: stored UTF-16LE) and every
 * locator in use (`UNKNOWN_PLATFORM`, `BAD_LOCATOR`: data outside the file or longer than
 * {@link MAX_LOCATOR_BYTES}, `LOCATOR_SPACE`), then that some locator is in use (`NO_LOCATORS`).
 */
export function validateParent(
  header: DynamicHeader,
  fileSize: number,
  sink: FindingSink<unknown>,
): ParentRecord {
  const nameBytes = header.parentUnicodeNameBytes.subarray(0, PARENT_NAME_SIZE);
  let unicodeName = header.parentUnicodeName;
  if (unicodeName.length === 0) {
    sink.report({
      code: 'NO_PARENT_NAME',
      open: 'quiet',
      severity: 'warning',
      message: 'the differencing disk has no parent name',
      field: 'header.parentUnicodeName',
    });
  } else if (guessUtf16Order(nameBytes, 'be') === 'le') {
    unicodeName = decodeUtf16(nameBytes, 'le');
    sink.report({
      code: 'PARENT_NAME_BYTE_ORDER',
      open: 'strict',
      severity: 'warning',
      message: 'the parent name is stored UTF-16LE, not BE',
      repair: 'read in that byte order',
      field: 'header.parentUnicodeName',
      value: unicodeName,
    });
  }
  const readableLocators: number[] = [];
  let used = 0;
  for (const [i, entry] of header.parentLocators.entries()) {
    if (entry.platformCode === 0) continue;
    used++;
    const field = `header.parentLocators[${i}]`;
    const platform = platformName(entry.platformCode);
    if (!KNOWN_PLATFORMS.has(platform)) {
      sink.report({
        code: 'UNKNOWN_PLATFORM',
        open: 'quiet',
        severity: 'warning',
        message: `locator ${i} has unknown platform code ${platform}`,
        field,
      });
    }
    const length = entry.platformDataLength;
    const offset = entry.platformDataOffset;
    if (length > MAX_LOCATOR_BYTES || offset + length > fileSize) {
      sink.report({
        code: 'BAD_LOCATOR',
        open: 'strict',
        severity: 'error',
        message:
          length > MAX_LOCATOR_BYTES
            ? `locator ${i} (${platform}) data of ${length} bytes is longer than the ${MAX_LOCATOR_BYTES} a path can take`
            : `locator ${i} (${platform}) data of ${length} bytes at ${offset} is outside the file`,
        repair: 'ignored',
        field,
        offset,
        value: offset,
      });
      continue;
    }
    readableLocators.push(i);
    const space = locatorDataSpaceBytes(entry);
    if (space < length) {
      sink.report({
        code: 'LOCATOR_SPACE',
        open: 'quiet',
        severity: 'warning',
        message: `locator ${i} (${platform}) holds ${length} bytes in ${space} bytes of space`,
        field,
      });
    }
  }
  if (used === 0) {
    sink.report({
      code: 'NO_LOCATORS',
      open: 'quiet',
      severity: 'warning',
      message: 'the differencing disk has no parent locators',
      field: 'header.parentLocators',
    });
  }
  return { unicodeName, readableLocators };
}
