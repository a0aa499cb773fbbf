/**
 * Size limits: virtual size (3 MB to < 2,088,960 MB), host file-size limits per file system, and
 * the free space a creation needs. "MB" is MiB (1,048,576 bytes).
 * @module
 */
import type { VolumeInfo } from '@vskit/host';
import { VsError } from './errors.js';

/** One MB as Virtual Server counts it: 1,048,576 bytes. */
export const MB = 1_048_576;
/** The smallest virtual size, in bytes (3 MB). */
export const MIN_VIRTUAL_SIZE_BYTES = 3 * MB;
/** Virtual sizes must be strictly below this many MB (2040 GiB). */
export const MAX_VIRTUAL_SIZE_MB = 2_088_960;
/** Virtual sizes must be strictly below this many bytes. */
export const MAX_VIRTUAL_SIZE_BYTES = MAX_VIRTUAL_SIZE_MB * MB;
/** Free space a dynamic or differencing creation needs on the image volume (8 MB). */
export const MIN_FREE_BYTES = 8 * MB;

/**
 * The `sizeMB` argument: E_INVALIDARG unless it is a finite integer above 0 (a fraction, NaN,
 * an infinity and a non-number are refused too).
 */
export function requireSizeMB(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new VsError(
      'E_INVALIDARG',
      'sizeMB',
      `must be a whole number of MB, got ${String(value)}`,
    );
  }
  if (value <= 0) throw new VsError('E_INVALIDARG', 'sizeMB', `must be above 0, got ${value}`);
  return value;
}

/**
 * VM_E_IMAGE_SIZE_TOO_LARGE at 2,088,960 MB or more, VM_E_IMAGE_SIZE_TOO_SMALL below 3 MB.
 * @param sizeBytes the virtual size in bytes
 * @param argument the argument the size comes from (`'sizeMB'`, `'parentPath'`)
 */
export function checkVirtualSize(sizeBytes: number, argument: string): void {
  if (sizeBytes >= MAX_VIRTUAL_SIZE_BYTES) {
    throw new VsError(
      'VM_E_IMAGE_SIZE_TOO_LARGE',
      argument,
      `virtual size ${sizeBytes} bytes is not below ${MAX_VIRTUAL_SIZE_MB} MB`,
    );
  }
  if (sizeBytes < MIN_VIRTUAL_SIZE_BYTES) {
    throw new VsError(
      'VM_E_IMAGE_SIZE_TOO_SMALL',
      argument,
      `virtual size ${sizeBytes} bytes is below 3 MB (${MIN_VIRTUAL_SIZE_BYTES} bytes)`,
    );
  }
}

/** VM_E_FILE_TOO_LARGE_FOR_VOLUME when a file of `fileBytes` exceeds the volume's largest file. */
export function checkFileFitsVolume(volume: VolumeInfo, fileBytes: number, argument: string): void {
  if (fileBytes > volume.maxFileSizeBytes) {
    throw new VsError(
      'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
      argument,
      `the image can grow to ${fileBytes} bytes; ${volume.fileSystem} volume ${volume.drive}: holds files of at most ${volume.maxFileSizeBytes} bytes`,
    );
  }
}

/** E_DISK_FULL when `volume` has fewer than `neededBytes` free. */
export function checkFreeSpace(volume: VolumeInfo, neededBytes: number, argument: string): void {
  if (volume.freeBytes < neededBytes) {
    throw new VsError(
      'E_DISK_FULL',
      argument,
      `volume ${volume.drive}: has ${volume.freeBytes} bytes free; ${neededBytes} are needed`,
    );
  }
}
