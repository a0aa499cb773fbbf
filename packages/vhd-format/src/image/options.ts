/**
 * Options shared by the create functions, and the footer they all start from.
 * @module
 */

import { checkUint } from '../codec/bytes.js';
import { vhdTimestamp } from '../codec/timestamp.js';
import { defaultRandom, randomUuid } from '../codec/uuid.js';
import {
  DEFAULT_CREATOR_APPLICATION,
  DEFAULT_CREATOR_HOST_OS,
  DEFAULT_CREATOR_VERSION,
  FEATURE_RESERVED,
  FILE_FORMAT_VERSION,
  HOST_OS_CODES,
  MAX_VIRTUAL_SIZE,
  SECTOR_SIZE,
} from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { type Geometry, geometryForSize, roundUpToChs, type SizedGeometry } from '../geometry.js';
import type { Footer } from '../structs/footer.js';

/** What every create function accepts besides its size or parent. */
export interface CreateOptions {
  /** Footer creator application, four 8-bit characters. Default `vsk ` (vskit). */
  creatorApplication?: string;
  /** Footer creator version. Default 0x00010000. */
  creatorVersion?: number;
  /** Footer creator host OS. Default `Wi2k`. */
  creatorHostOs?: 'Wi2k' | 'Mac ' | number;
  /** Creation time for the footer timestamp. Default: now. */
  timestamp?: Date;
  /** The new disk's UUID (16 bytes). Default: a random version 4 UUID drawn from `random`. */
  uniqueId?: Uint8Array;
  /** Source of random bytes. Default: `globalThis.crypto.getRandomValues`. */
  random?: (n: number) => Uint8Array;
  /** Called as bytes are written: `(bytesDone, bytesTotal)`; ends with done = total. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Cancels the creation (rejects with `ABORTED`); the file is left partly written. */
  signal?: AbortSignalLike;
}

/**
 * The part of an `AbortSignal` vhd-format reads (the package has no DOM or Node typings); a
 * DOM or Node `AbortSignal` fits it.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** Rejects with `ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new VhdFormatError('ABORTED', 'operation cancelled');
}

/** Checks a virtual size: a safe integer, a multiple of 512, at most {@link MAX_VIRTUAL_SIZE}. */
export function checkVirtualSize(sizeBytes: number, field = 'sizeBytes'): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes % SECTOR_SIZE !== 0) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      `${field} must be a non-negative multiple of ${SECTOR_SIZE}: ${sizeBytes}`,
      { field, value: sizeBytes },
    );
  }
  if (sizeBytes > MAX_VIRTUAL_SIZE) {
    throw new VhdFormatError('SIZE_TOO_LARGE', `${field} ${sizeBytes} exceeds 2040 GiB`, {
      field,
      value: sizeBytes,
    });
  }
  return sizeBytes;
}

/** The size of a new fixed or dynamic disk. */
export interface DiskSizeOptions {
  /** Virtual size asked for, in bytes (a multiple of 512, at most 2040 GiB). */
  sizeBytes: number;
  /**
   * `false` (default): the size is rounded up as qemu-img and Virtual PC round it
   * ({@link roundUpToChs}), so QEMU, Virtual PC, Hyper-V, libvhdi and vhd-lib all see the disk at
   * the same size (1 GiB becomes 1,073,995,776 bytes, 2081/16/63; sizes above about 127.5 GiB
   * stay as asked, with the maximum geometry). `true`: exactly `sizeBytes`, with the spec's
   * geometry for it; QEMU then shows the CHS capacity (`qemuVirtualSize`), up to a few hundred
   * KiB less, since it sizes images of creators it does not know (`vsk `, `vs  `) by CHS.
   */
  exactSize?: boolean;
}

/** The checked size and the geometry of a new fixed or dynamic disk, per {@link DiskSizeOptions}. */
export function newDiskSize(o: DiskSizeOptions): SizedGeometry {
  const asked = checkVirtualSize(o.sizeBytes);
  if (o.exactSize !== undefined && typeof o.exactSize !== 'boolean') {
    throw new VhdFormatError('INVALID_ARGUMENT', 'exactSize must be a boolean', {
      field: 'exactSize',
      value: o.exactSize,
    });
  }
  if (o.exactSize) return { sizeBytes: asked, geometry: geometryForSize(asked) };
  return roundUpToChs(asked);
}

/** The footer of a new disk, before its type-specific fields are set. */
export function newFooter(
  o: CreateOptions,
  fields: { diskType: number; dataOffset: number; sizeBytes: number; geometry: Geometry },
): Footer {
  const hostOs = o.creatorHostOs ?? DEFAULT_CREATOR_HOST_OS;
  const creatorHostOs =
    typeof hostOs === 'number'
      ? checkUint(hostOs, 32, 'creatorHostOs')
      : (HOST_OS_CODES as Record<string, number>)[hostOs];
  if (creatorHostOs === undefined) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      `unknown creator host OS ${JSON.stringify(hostOs)}`,
      {
        field: 'creatorHostOs',
        value: hostOs,
      },
    );
  }
  let uniqueId = o.uniqueId;
  if (uniqueId === undefined) uniqueId = randomUuid(o.random ?? defaultRandom);
  else if (!(uniqueId instanceof Uint8Array) || uniqueId.length !== 16) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'uniqueId must be 16 bytes', {
      field: 'uniqueId',
    });
  }
  return {
    features: FEATURE_RESERVED,
    fileFormatVersion: FILE_FORMAT_VERSION,
    dataOffset: fields.dataOffset,
    timestamp: vhdTimestamp(o.timestamp ?? new Date()),
    creatorApplication: o.creatorApplication ?? DEFAULT_CREATOR_APPLICATION,
    creatorVersion: o.creatorVersion ?? DEFAULT_CREATOR_VERSION,
    creatorHostOs,
    originalSize: fields.sizeBytes,
    currentSize: fields.sizeBytes,
    geometry: fields.geometry,
    diskType: fields.diskType,
    checksum: 0,
    uniqueId: Uint8Array.from(uniqueId),
    savedState: 0,
    reserved: new Uint8Array(427),
  };
}

/** Empties `file` so a new image starts from nothing (extension then reads as zeros). */
export async function emptyFile(file: {
  size(): Promise<number>;
  truncate(n: number): Promise<void>;
}) {
  if ((await file.size()) !== 0) await file.truncate(0);
}
