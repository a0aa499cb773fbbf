import type { FileSystemKind } from './host.js';

/** The limits of one file system, as Windows Server 2003 enforces them. */
export interface FileSystemLimits {
  /** The largest file, in bytes. */
  readonly maxFileSizeBytes: number;
  /** The default cluster size for a volume of a typical size, in bytes. */
  readonly defaultClusterBytes: number;
}

/** Limits per file system: FAT16 2 GiB - 1, FAT32 4 GiB - 1, NTFS 16 TiB - 64 KiB. */
export const FILE_SYSTEM_LIMITS: Readonly<Record<FileSystemKind, FileSystemLimits>> = {
  FAT16: { maxFileSizeBytes: 2 ** 31 - 1, defaultClusterBytes: 32 * 1024 },
  FAT32: { maxFileSizeBytes: 2 ** 32 - 1, defaultClusterBytes: 4 * 1024 },
  NTFS: { maxFileSizeBytes: 2 ** 44 - 64 * 1024, defaultClusterBytes: 4 * 1024 },
};

/** Every file system kind. */
export const FILE_SYSTEM_KINDS: readonly FileSystemKind[] = ['NTFS', 'FAT32', 'FAT16'];

/**
 * The space a file of `fileBytes` occupies on a volume whose allocation unit is `clusterBytes`:
 * its size rounded up to whole clusters, whether or not its bytes were written. A cluster size
 * below 1 counts as 1 byte (no rounding).
 *
 * @example
 * ```ts
 * occupiedBytes(4097, 4096); // 8192
 * occupiedBytes(0, 4096); // 0
 * ```
 */
export function occupiedBytes(fileBytes: number, clusterBytes: number): number {
  const cluster = clusterBytes > 0 ? clusterBytes : 1;
  return Math.ceil(fileBytes / cluster) * cluster;
}
