import {
  FILE_SYSTEM_KINDS,
  FILE_SYSTEM_LIMITS,
  type FileSystemKind,
  HostError,
  occupiedBytes,
  type VolumeInfo,
} from '@vskit/host';
import { normaliseDrive } from '@vskit/host/kit';

/** How to set up one emulated volume. */
export interface EmulatedVolumeOptions {
  /** Drive letter (`'C'`, `'c'` or `'C:'`). */
  readonly drive: string;
  /** File system; sets the largest file and the default cluster size. */
  readonly fileSystem: FileSystemKind;
  /** Total size in bytes; default {@link DEFAULT_CAPACITY_BYTES} for the file system. */
  readonly capacityBytes?: number;
  /**
   * Free bytes at the start; default `capacityBytes`. Anything less is taken by "other data"
   * that the host never shows as files.
   */
  readonly freeBytes?: number;
  /** Allocation unit in bytes, a power of two from 512; default the file system's. */
  readonly clusterBytes?: number;
}

/** Capacity of a volume whose options do not give one. */
export const DEFAULT_CAPACITY_BYTES: Readonly<Record<FileSystemKind, number>> = {
  NTFS: 64 * 2 ** 30,
  FAT32: 32 * 2 ** 30,
  FAT16: 2 * 2 ** 30,
};

/** The fixed facts of one volume and its space account. */
export class VolumeAccount {
  /** Upper-case drive letter. */
  readonly drive: string;
  /** The volume's file system. */
  readonly fileSystem: FileSystemKind;
  /** Total bytes. */
  readonly capacityBytes: number;
  /** Allocation unit. */
  readonly clusterBytes: number;
  /** The file system's largest file. */
  readonly maxFileSizeBytes: number;
  /** Bytes taken by data that is not a visible file. */
  readonly otherBytes: number;
  /** Bytes taken by files (each file's size rounded up to clusters). */
  fileBytes = 0;

  constructor(options: EmulatedVolumeOptions) {
    const fail = (detail: string) => new HostError('EINVAL', 'createHost', undefined, detail);
    const drive = normaliseDrive(options.drive);
    if (drive === undefined) throw fail(`bad drive letter ${JSON.stringify(options.drive)}`);
    if (!FILE_SYSTEM_KINDS.includes(options.fileSystem)) {
      throw fail(`unknown file system ${JSON.stringify(options.fileSystem)}`);
    }
    const limits = FILE_SYSTEM_LIMITS[options.fileSystem];
    const capacity = options.capacityBytes ?? DEFAULT_CAPACITY_BYTES[options.fileSystem];
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw fail(`bad capacity ${capacity} on ${drive}:`);
    }
    const free = options.freeBytes ?? capacity;
    if (!Number.isSafeInteger(free) || free < 0 || free > capacity) {
      throw fail(`free bytes ${free} must lie within 0..${capacity} on ${drive}:`);
    }
    const cluster = options.clusterBytes ?? limits.defaultClusterBytes;
    if (!Number.isSafeInteger(cluster) || cluster < 512 || (cluster & (cluster - 1)) !== 0) {
      throw fail(`cluster size ${cluster} is not a power of two from 512 on ${drive}:`);
    }
    this.drive = drive;
    this.fileSystem = options.fileSystem;
    this.capacityBytes = capacity;
    this.clusterBytes = cluster;
    this.maxFileSizeBytes = limits.maxFileSizeBytes;
    this.otherBytes = capacity - free;
  }

  /** Bytes still free. */
  get freeBytes(): number {
    return this.capacityBytes - this.otherBytes - this.fileBytes;
  }

  /** The space a file of `size` bytes occupies: whole clusters. */
  allocation(size: number): number {
    return occupiedBytes(size, this.clusterBytes);
  }

  /**
   * Checks that a file may go from `from` to `to` bytes: `EFBIG` beyond the file system's largest
   * file, `ENOSPC` when the extra clusters are not free. Changes nothing.
   */
  checkResize(from: number, to: number, syscall: string, path: string): void {
    if (to > this.maxFileSizeBytes) {
      throw new HostError(
        'EFBIG',
        syscall,
        path,
        `${to} bytes exceed the ${this.fileSystem} limit of ${this.maxFileSizeBytes}`,
      );
    }
    const extra = this.allocation(to) - this.allocation(from);
    if (extra > this.freeBytes) {
      throw new HostError(
        'ENOSPC',
        syscall,
        path,
        `${extra} more bytes needed, ${this.freeBytes} free on ${this.drive}:`,
      );
    }
  }

  /** Books a file's change of size (after {@link checkResize}). */
  resize(from: number, to: number): void {
    this.fileBytes += this.allocation(to) - this.allocation(from);
  }

  /** What the host reports. */
  info(): VolumeInfo {
    return {
      drive: this.drive,
      fileSystem: this.fileSystem,
      capacityBytes: this.capacityBytes,
      freeBytes: this.freeBytes,
      maxFileSizeBytes: this.maxFileSizeBytes,
      clusterBytes: this.clusterBytes,
    };
  }

  /** The options that rebuild this volume empty of files but with the same other data. */
  options(): EmulatedVolumeOptions {
    return {
      drive: this.drive,
      fileSystem: this.fileSystem,
      capacityBytes: this.capacityBytes,
      freeBytes: this.capacityBytes - this.otherBytes,
      clusterBytes: this.clusterBytes,
    };
  }
}
