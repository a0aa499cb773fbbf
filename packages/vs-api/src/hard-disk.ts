/**
 * IVMHardDisk on the promise face: what GetHardDisk read (plain fields), and every property
 * read again from the files when asked (`getType()`, ...).
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';
import { compact } from './commands/hard-disk/compact.js';
import { convert } from './commands/hard-disk/convert.js';
import { getHostDriveIdentifier } from './commands/hard-disk/get-host-drive-identifier.js';
import { getHostFreeDiskSpace } from './commands/hard-disk/get-host-free-disk-space.js';
import { getParent } from './commands/hard-disk/get-parent.js';
import { getSizeInGuest } from './commands/hard-disk/get-size-in-guest.js';
import { getSizeOnHost } from './commands/hard-disk/get-size-on-host.js';
import { getType } from './commands/hard-disk/get-type.js';
import { merge } from './commands/hard-disk/merge.js';
import { mergeTo } from './commands/hard-disk/merge-to.js';
import { putParent } from './commands/hard-disk/put-parent.js';
import type { DiskFacts } from './disk-files.js';
import { VsError } from './errors.js';
import { checkFailure } from './failures.js';
import type { VMHardDiskType } from './hresult.js';
import type { PathArgument } from './paths.js';
import type { ServerContext } from './server-context.js';
import type { VMTask } from './task.js';

/**
 * IVMHardDisk. The plain fields are what GetHardDisk read; the `get*` methods are the
 * properties, each looking at the file when called (a file deleted since gives
 * E_FILE_NOT_FOUND, one that can no longer be read VM_E_HD_IMAGE_OPEN_FAIL; SEMANTICS.md
 * "IVMHardDisk properties" has every check).
 */
export interface VMHardDisk {
  /** IVMHardDisk.File: the image's absolute path, normalised. */
  readonly file: string;
  /** IVMHardDisk.Type when GetHardDisk read it. */
  readonly type: VMHardDiskType;
  /** IVMHardDisk.SizeInGuest when GetHardDisk read it: the virtual size in bytes. */
  readonly sizeInGuest: number;
  /** IVMHardDisk.SizeOnHost when GetHardDisk read it: the file's size in bytes. */
  readonly sizeOnHost: number;
  /** IVMHardDisk.HostFreeDiskSpace when GetHardDisk read it: bytes free on the volume. */
  readonly hostFreeDiskSpace: number;
  /** Where GetHardDisk found the parent (a differencing disk), or `null`. */
  readonly parent: string | null;
  /** IVMHardDisk.File: the path; it does not look at the file. */
  getFile(): Promise<string>;
  /** IVMHardDisk.Type, read now: Dynamic, FixedSize, Differencing or HostDrive. */
  getType(): Promise<VMHardDiskType>;
  /** IVMHardDisk.SizeInGuest, read now, in bytes. */
  getSizeInGuest(): Promise<number>;
  /** IVMHardDisk.SizeOnHost, read now, in bytes. */
  getSizeOnHost(): Promise<number>;
  /** IVMHardDisk.HostFreeDiskSpace, read now, in bytes. */
  getHostFreeDiskSpace(): Promise<number>;
  /** IVMHardDisk.HostDriveIdentifier, read now; `null` (COM: S_FALSE) unless a host-drive image. */
  getHostDriveIdentifier(): Promise<string | null>;
  /** IVMHardDisk.Parent, read now: the parent's disk, or `null` (COM: S_FALSE) without one. */
  getParent(): Promise<VMHardDisk | null>;
  /**
   * IVMHardDisk.Parent (put): re-links this differencing disk to `parent`, which must be the
   * disk it was made from (VM_E_PARENT_CHILD_ID_MISMATCH otherwise); E_POINTER without one.
   */
  putParent(parent: VMHardDisk | null | undefined): Promise<void>;
  /** IVMHardDisk.Merge: writes this differencing disk into its immediate parent. */
  merge(): Promise<VMTask>;
  /**
   * IVMHardDisk.MergeTo: flattens this differencing disk and every ancestor into a new image of
   * `newDiskImageType` (Dynamic or FixedSize) at `newDiskImagePath`.
   */
  mergeTo(newDiskImagePath: PathArgument, newDiskImageType: VMHardDiskType): Promise<VMTask>;
  /** IVMHardDisk.Compact: gives back the space of blocks that hold nothing. */
  compact(): Promise<VMTask>;
  /**
   * IVMHardDisk.Convert: writes this disk (a chain flattened) into a new image of
   * `convertedDiskImageType` (Dynamic or FixedSize) at `convertedDiskImagePath`; this disk is
   * only read.
   */
  convert(
    convertedDiskImagePath: PathArgument,
    convertedDiskImageType: VMHardDiskType,
  ): Promise<VMTask>;
}

/** Runs a property read so that it only ever rejects with a VsError. */
async function guard<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw checkFailure(error);
  }
}

class HardDisk implements VMHardDisk {
  readonly file: string;
  readonly type: VMHardDiskType;
  readonly sizeInGuest: number;
  readonly sizeOnHost: number;
  readonly hostFreeDiskSpace: number;
  readonly parent: string | null;
  readonly #context: ServerContext;
  readonly #path: WindowsPath;

  constructor(context: ServerContext, facts: DiskFacts) {
    this.#context = context;
    this.#path = facts.path;
    this.file = windowsPath.format(facts.path);
    this.type = facts.type;
    this.sizeInGuest = facts.sizeInGuest;
    this.sizeOnHost = facts.sizeOnHost;
    this.hostFreeDiskSpace = facts.hostFreeDiskSpace;
    this.parent = facts.parent === null ? null : windowsPath.format(facts.parent);
  }

  async getFile(): Promise<string> {
    return this.file;
  }

  getType(): Promise<VMHardDiskType> {
    return guard(() => getType(this.#context.host, this.#path));
  }

  getSizeInGuest(): Promise<number> {
    return guard(() => getSizeInGuest(this.#context.host, this.#path));
  }

  getSizeOnHost(): Promise<number> {
    return guard(() => getSizeOnHost(this.#context.host, this.#path));
  }

  getHostFreeDiskSpace(): Promise<number> {
    return guard(() => getHostFreeDiskSpace(this.#context.host, this.#path));
  }

  getHostDriveIdentifier(): Promise<string | null> {
    return guard(() => getHostDriveIdentifier(this.#context.host, this.#path));
  }

  getParent(): Promise<VMHardDisk | null> {
    return guard(async () => {
      const chain = await getParent(this.#context.host, this.#path);
      return chain === null ? null : hardDiskOf(this.#context, chain);
    });
  }

  putParent(parent: VMHardDisk | null | undefined): Promise<void> {
    return guard(async () => {
      if (parent === null || parent === undefined) {
        throw new VsError('E_POINTER', 'parent', 'no parent disk was given');
      }
      const parentPath = windowsPath.parseAbsolute(parent.file);
      if (parentPath === undefined) {
        throw new VsError('E_INVALIDARG', 'parent', `'${parent.file}' is not a disk's path`);
      }
      await putParent(this.#context, this.#path, parentPath);
    });
  }

  merge(): Promise<VMTask> {
    return guard(() => merge(this.#context, this.#path));
  }

  mergeTo(newDiskImagePath: PathArgument, newDiskImageType: VMHardDiskType): Promise<VMTask> {
    return guard(() => mergeTo(this.#context, this.#path, newDiskImagePath, newDiskImageType));
  }

  compact(): Promise<VMTask> {
    return guard(() => compact(this.#context, this.#path));
  }

  convert(
    convertedDiskImagePath: PathArgument,
    convertedDiskImageType: VMHardDiskType,
  ): Promise<VMTask> {
    return guard(() =>
      convert(this.#context, this.#path, convertedDiskImagePath, convertedDiskImageType),
    );
  }
}

/** The disk of the first facts of `chain` (a disk and its ancestors, nearest first). */
export function hardDiskOf(context: ServerContext, chain: readonly DiskFacts[]): VMHardDisk {
  const facts = chain[0];
  if (facts === undefined) throw new Error('an empty chain has no disk');
  return new HardDisk(context, facts);
}
