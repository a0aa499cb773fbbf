/**
 * Opening one image: the structural pass (`validate/`) checks every structure against the
 * file's size before anything sized by a field is read (the BAT must fit inside the file), and
 * refuses or warns as the open's options say; what it found becomes a layer. The BAT is never
 * held whole: the pass streams it once through a bounded buffer to validate and count the
 * blocks, and the layer reads it a page at a time as blocks are used (`engine/block-table.ts`).
 * @module
 */

import type { BatPageCache } from '../engine/bat-page-cache.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { decodeLocatorPath, platformName } from '../structs/parent-locator.js';
import type { ParentRecord } from '../validate/parent.js';
import { openSink } from '../validate/sinks.js';
import { validateStructure } from '../validate/structure.js';
import { VhdLayer } from './layer.js';
import type { OpenImageOptions, ParentReference, VhdImage } from './types.js';

/**
 * Opens one image (without its parent). Validates the footer, header, BAT and locators against
 * the file size; blocks past the end are `BAT_ENTRY_OUT_OF_RANGE`; blocks sharing bytes with
 * each other or the metadata are `OVERLAPPING_BLOCKS`, structures sharing bytes
 * `OVERLAPPING_METADATA`, when strict or writable, a warning otherwise. See
 * {@link OpenImageOptions} for what a lenient open tolerates. Codes are those `check` reports.
 *
 * @example
 * ```ts
 * const image = await openImage(file, { strict: true, acceptLittleEndianParentName: true });
 * console.log(image.type, image.virtualSize, image.warnings);
 * await image.close();
 * ```
 */
export async function openImage(
  file: RandomAccessFile,
  o: OpenImageOptions = {},
): Promise<VhdImage> {
  return openLayer(file, o);
}

/** How the engine opens a layer, beyond {@link OpenImageOptions}. */
export interface LayerOpening {
  /** Where the layer's BAT pages go (shared by the layers of a chain); default: a cache of its own. */
  cache?: BatPageCache;
  /**
   * Whether to stream the BAT to validate the blocks and count them (default true). Without it,
   * the layer's `allocatedBlockCount` is 0: for callers that only want the footer and header
   * (`check` validates the blocks itself).
   */
  blocks?: boolean;
}

/** {@link openImage}, returning the engine's layer class. */
export async function openLayer(
  file: RandomAccessFile,
  o: OpenImageOptions = {},
  how: LayerOpening = {},
): Promise<VhdLayer> {
  const writable = o.writable === true;
  const warnings: string[] = [];
  const sink = openSink(
    {
      strict: o.strict === true,
      writable,
      acceptLittleEndianParentName: o.acceptLittleEndianParentName === true,
      acceptUnwrittenFooter: o.acceptUnwrittenFooter === true,
    },
    warnings,
  );
  const found = await validateStructure(file, sink, how);
  const { type, footer, footerPos } = found;
  if (found.type === 'fixed') {
    return new VhdLayer({
      file,
      type,
      footer,
      header: undefined,
      table: undefined,
      footerPos,
      warnings,
      parent: undefined,
      writable,
    });
  }
  const { header, table } = found;
  const parent = found.parent && (await readParentReference(file, header, found.parent));
  return new VhdLayer({ file, type, footer, header, table, footerPos, warnings, parent, writable });
}

/** The parent as the header records it: UUID, timestamp, name and the locators inside the file. */
async function readParentReference(
  file: RandomAccessFile,
  header: DynamicHeader,
  record: ParentRecord,
): Promise<ParentReference> {
  const locators: ParentReference['locators'] = [];
  for (const i of record.readableLocators) {
    const entry = header.parentLocators[i]!;
    const data = new Uint8Array(entry.platformDataLength);
    await readExactly(file, data, entry.platformDataOffset, `locator ${i} data`);
    const path = decodeLocatorPath(entry.platformCode, data);
    locators.push({ platform: platformName(entry.platformCode), path, entry: i });
  }
  return {
    uniqueId: Uint8Array.from(header.parentUniqueId),
    timestamp: header.parentTimestamp,
    unicodeName: record.unicodeName,
    locators,
  };
}
