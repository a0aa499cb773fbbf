/**
 * Creating a differencing disk, laid out exactly as SEMANTICS.md "What the child file holds"
 * says: footer (type 4, size of the parent, geometry per {@link childGeometry}) with its copy at 0, a header naming the
 * parent (UUID, file modification time, UTF-16BE name), W2ku then W2ru locators (UTF-16LE,
 * data space in bytes, a multiple of 512, data after the BAT), and a BAT of unused entries.
 * @module
 */

import { vhdTimestamp } from '../codec/timestamp.js';
import {
  DEFAULT_BLOCK_SIZE,
  DISK_TYPE_CODES,
  MAX_LOCATOR_PATH_UNITS,
  MAX_VIRTUAL_SIZE,
  PARENT_NAME_SIZE,
  PLATFORM_CODES,
} from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { chsCapacity, type Geometry, isMaxGeometry, MAX_GEOMETRY } from '../geometry.js';
import type { RandomAccessFile } from '../io.js';
import { locatorSpaceFor, TABLE_OFFSET } from '../layout.js';
import { batByteSize } from '../structs/bat.js';
import type { Footer } from '../structs/footer.js';
import { encodeLocatorPath } from '../structs/parent-locator.js';
import { checkBlockSize, newSparseMetadata, writeSparseImage } from './create-dynamic.js';
import type { CreateOptions } from './options.js';

/** What a child needs to know about its parent. */
export interface ParentDescription {
  /** The parent's footer: size, geometry and UUID come from it. */
  footer: Footer;
  /** The parent's block size (dynamic/differencing parent); default 2 MiB. */
  blockSizeBytes?: number;
  /** The parent FILE's modification time: becomes the header's parent timestamp. */
  modified: Date;
  /** The parent's file name: the header's parent Unicode name (UTF-16BE, at most 256 units). */
  unicodeName: string;
  /** Absolute parent path: the W2ku locator (UTF-16LE). */
  absolutePath?: string;
  /** Parent path relative to the child's folder (`.\x` or `..\x`): the W2ru locator. Omit when none exists. */
  relativePath?: string;
}

/** Options of {@link createDifferencing}. */
export interface CreateDifferencingOptions extends CreateOptions {
  /** The parent. */
  parent: ParentDescription;
  /**
   * `false` (default): the geometry {@link childGeometry} picks, so QEMU shows the child at the
   * parent's size whatever the parent's creator. `true`: the parent's geometry, always (as
   * Virtual Server does); QEMU then shows the child at the parent geometry's CHS capacity,
   * which is less than the parent's size when that size is not a CHS capacity (Hyper-V's).
   */
  keepParentGeometry?: boolean;
}

/**
 * The geometry of a child of a parent with this footer. The parent's own when it addresses
 * exactly the parent's size, or is the 65535/16/255 maximum (QEMU takes the current size then);
 * otherwise (a Hyper-V parent of 127 GiB, an exact-size one of ours, one whose geometry
 * addresses more than its size) the maximum, so QEMU shows the child at the parent's size
 * instead of sizing it by a CHS capacity that differs from it. Readers that take the current
 * size (Hyper-V, libvhdi, vhd-lib) see the parent's size either way.
 */
export function childGeometry(parent: Pick<Footer, 'currentSize' | 'geometry'>): Geometry {
  const g = parent.geometry;
  if (isMaxGeometry(g) || chsCapacity(g) === parent.currentSize) return { ...g };
  return { ...MAX_GEOMETRY };
}

/**
 * Creates an empty differencing disk over `o.parent` on an empty (or emptied) `file`. Nothing
 * is allocated, so the child reads exactly as its parent.
 */
export async function createDifferencing(
  file: RandomAccessFile,
  o: CreateDifferencingOptions,
): Promise<void> {
  const parent = o.parent;
  if (!parent?.footer) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'parent.footer is required', { field: 'parent' });
  }
  const size = parent.footer.currentSize;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'parent footer current size is invalid', {
      field: 'parent.footer.currentSize',
      value: size,
    });
  }
  if (size > MAX_VIRTUAL_SIZE) {
    throw new VhdFormatError('SIZE_TOO_LARGE', `parent size ${size} exceeds 2040 GiB`, {
      field: 'parent.footer.currentSize',
      value: size,
    });
  }
  checkParentFacts(parent);
  const blockSize = checkBlockSize(parent.blockSizeBytes ?? DEFAULT_BLOCK_SIZE);
  if (o.keepParentGeometry !== undefined && typeof o.keepParentGeometry !== 'boolean') {
    throw new VhdFormatError('INVALID_ARGUMENT', 'keepParentGeometry must be a boolean', {
      field: 'keepParentGeometry',
      value: o.keepParentGeometry,
    });
  }
  const geometry = o.keepParentGeometry
    ? { ...parent.footer.geometry }
    : childGeometry(parent.footer);
  const { footer, header } = newSparseMetadata(
    o,
    DISK_TYPE_CODES.differencing,
    size,
    geometry,
    blockSize,
  );
  header.parentUniqueId = Uint8Array.from(parent.footer.uniqueId);
  header.parentTimestamp = vhdTimestamp(parent.modified);
  header.parentUnicodeName = parent.unicodeName;

  const dataStart = TABLE_OFFSET + batByteSize(header.maxTableEntries);
  const locators = parentLocatorData(parent);
  const extra = new Uint8Array(locators.reduce((a, l) => a + l.space, 0));
  let at = 0;
  locators.forEach((l, i) => {
    extra.set(l.data, at);
    header.parentLocators[i] = {
      platformCode: l.code,
      platformDataSpace: l.space,
      platformDataLength: l.data.length,
      reserved: 0,
      platformDataOffset: dataStart + at,
    };
    at += l.space;
  });
  await writeSparseImage(file, footer, header, extra, o);
}

/**
 * Checks what a child records of its parent besides the locators: a valid `modified` date and a
 * Unicode name of at most 256 UTF-16 units (`INVALID_ARGUMENT` naming the field). Shared by
 * creation and rebase.
 */
export function checkParentFacts(
  parent: Pick<ParentDescription, 'modified' | 'unicodeName'>,
): void {
  if (!(parent.modified instanceof Date) || Number.isNaN(parent.modified.getTime())) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'parent.modified must be a valid Date', {
      field: 'parent.modified',
    });
  }
  if (typeof parent.unicodeName !== 'string' || parent.unicodeName.length * 2 > PARENT_NAME_SIZE) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      'parent.unicodeName must be at most 256 UTF-16 units',
      {
        field: 'parent.unicodeName',
        value: parent.unicodeName,
      },
    );
  }
}

/** One locator a child records: its platform code, encoded data and the data space it gets. */
export interface LocatorData {
  /** `W2ku` or `W2ru`. */
  code: number;
  /** The path as the locator stores it (UTF-16LE). */
  data: Uint8Array;
  /** Bytes reserved for it: {@link locatorSpaceFor} of the path. */
  space: number;
}

/**
 * The locators a child records for `parent`, in the order they are written: W2ku (absolute
 * path) then W2ru (relative path), each present when its path is given. Paths are strings of 1
 * to `MAX_LOCATOR_PATH_UNITS` UTF-16 units (`INVALID_ARGUMENT`). Shared by creation and rebase.
 */
export function parentLocatorData(
  parent: Pick<ParentDescription, 'absolutePath' | 'relativePath'>,
): LocatorData[] {
  const paths: Array<[number, string]> = [];
  if (parent.absolutePath !== undefined) paths.push([PLATFORM_CODES.W2ku, parent.absolutePath]);
  if (parent.relativePath !== undefined) paths.push([PLATFORM_CODES.W2ru, parent.relativePath]);
  for (const [code, path] of paths) {
    if (typeof path !== 'string' || path.length === 0 || path.length > MAX_LOCATOR_PATH_UNITS) {
      throw new VhdFormatError(
        'INVALID_ARGUMENT',
        `parent paths must be strings of 1 to ${MAX_LOCATOR_PATH_UNITS} UTF-16 units`,
        {
          field: code === PLATFORM_CODES.W2ku ? 'parent.absolutePath' : 'parent.relativePath',
          value: path,
        },
      );
    }
  }
  return paths.map(([code, path]) => ({
    code,
    data: encodeLocatorPath(code, path),
    space: locatorSpaceFor(path.length),
  }));
}
