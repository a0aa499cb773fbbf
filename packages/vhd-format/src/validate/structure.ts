/**
 * The one structural pass `openImage` and `check` share. It reads the structures in file order
 * (footer, its copy, header, BAT bounds, parent name and locators, shared bytes, BAT, blocks),
 * checking each against the file's size before anything sized by a field is allocated, and
 * reports every finding to a sink. The sink decides what a finding means: an open throws at the
 * first it refuses, `check` lists them all.
 * @module
 */

import { DISK_TYPE_CODES } from '../constants.js';
import type { BlockTable } from '../engine/block-table.js';
import { VhdFormatError } from '../errors.js';
import type { RandomAccessFile } from '../io.js';
import type { DiskType } from '../layout.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { type TableOptions, validateLayout } from './blocks.js';
import type { FindingSink } from './findings.js';
import { type FoundFooter, validateFixed, validateFooter } from './footer.js';
import { validateHeader } from './header.js';
import { type ParentRecord, validateParent } from './parent.js';

/** A fixed disk as the pass found it. */
export interface FixedStructure extends FoundFooter {
  /** Always `fixed`. */
  readonly type: 'fixed';
}

/** A dynamic or differencing disk as the pass found it. */
export interface SparseStructure extends FoundFooter {
  /** `dynamic` or `differencing`. */
  readonly type: 'dynamic' | 'differencing';
  /** The dynamic header (read without its checksum when only that was wrong). */
  readonly header: DynamicHeader;
  /** The BAT, read a page at a time (its blocks counted when the pass streamed it). */
  readonly table: BlockTable;
  /** The parent as recorded (differencing only). */
  readonly parent: ParentRecord | undefined;
}

/** What the pass found. */
export type Structure = FixedStructure | SparseStructure;

function diskTypeName(code: number): DiskType {
  return code === DISK_TYPE_CODES.fixed
    ? 'fixed'
    : code === DISK_TYPE_CODES.dynamic
      ? 'dynamic'
      : 'differencing';
}

/**
 * Runs the structural pass over `file`, reporting to `sink`. Resolves to the structures found,
 * or to what `sink.stop` returned where the pass could not go on. Rejects only when the file
 * itself fails (or reports an invalid size: `INVALID_ARGUMENT`) or when the sink throws.
 * `table` says where the BAT's pages go and whether its blocks are looked at.
 */
export async function validateStructure<S extends undefined>(
  file: RandomAccessFile,
  sink: FindingSink<S>,
  table: TableOptions = {},
): Promise<Structure | S> {
  const fileSize = await file.size();
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'file.size() returned an invalid size', {
      value: fileSize,
    });
  }
  const found = await validateFooter(file, fileSize, sink);
  if (found === undefined) return found;
  const type = diskTypeName(found.footer.diskType);
  if (type === 'fixed') {
    validateFixed(found, sink);
    return { ...found, type };
  }
  const header = await validateHeader(file, found, sink);
  if (header === undefined) return header;
  const parent = type === 'differencing' ? validateParent(header, fileSize, sink) : undefined;
  const bat = await validateLayout(file, found, header, sink, table);
  return { ...found, type, header, table: bat, parent };
}
