/**
 * `VirtualServer`: IVMVirtualServer's disk methods on an injected host, as promises. Every
 * synchronous failure rejects with a {@link VsError}; creations resolve to a running
 * {@link VMTask}.
 * @module
 */
import type { Host } from '@vskit/host';
import { createDifferencingVirtualHardDisk } from './commands/create-differencing.js';
import { createDynamicVirtualHardDisk } from './commands/create-dynamic.js';
import { createFixedVirtualHardDisk } from './commands/create-fixed.js';
import { createFloppyDiskImage } from './commands/create-floppy-disk-image.js';
import { createHostDriveVirtualHardDisk } from './commands/create-host-drive.js';
import {
  getDefaultVMConfigurationPath,
  putDefaultVMConfigurationPath,
} from './commands/default-vm-configuration-path.js';
import { getDVDFiles, getFloppyDiskFiles, getHardDiskFiles } from './commands/get-files.js';
import { getFloppyDiskImageType } from './commands/get-floppy-disk-image-type.js';
import { getHardDisk } from './commands/get-hard-disk.js';
import { getHostInfo, type VMHostInfo } from './commands/get-host-info.js';
import { getSearchPaths, putSearchPaths } from './commands/search-paths.js';
import { checkFailure } from './failures.js';
import type { VMHardDisk } from './hard-disk.js';
import type { VMFloppyDiskImageType } from './hresult.js';
import type { PathArgument } from './paths.js';
import { createServerContext, type ServerContext } from './server-context.js';
import type { VMTask } from './task.js';

/** IVMVirtualServer's disk methods, with Virtual Server 2005's exact HRESULT semantics. */
export class VirtualServer {
  /** The host this server runs on. */
  readonly host: Host;
  readonly #context: ServerContext;

  /** A server on `host` (emulated volumes, real folders, or any other {@link Host}). */
  constructor(host: Host) {
    this.host = host;
    this.#context = createServerContext(host);
  }

  /**
   * IVMVirtualServer.CreateDifferencingVirtualHardDisk: a differencing image at `imagePath`
   * whose parent is `parentPath`. A relative path is resolved against the folder of the other
   * path's file. Resolves to the task writing the child; rejects with the VsError of the first
   * failing check, in SEMANTICS.md's order (nothing is written then).
   */
  createDifferencingVirtualHardDisk(
    imagePath: PathArgument,
    parentPath: PathArgument,
  ): Promise<VMTask> {
    return guard(() => createDifferencingVirtualHardDisk(this.#context, imagePath, parentPath));
  }

  /**
   * IVMVirtualServer.CreateDynamicVirtualHardDisk: a dynamically expanding image of `sizeMB` MB
   * (MiB) at the absolute `imagePath`.
   */
  createDynamicVirtualHardDisk(imagePath: PathArgument, sizeMB: number): Promise<VMTask> {
    return guard(() => createDynamicVirtualHardDisk(this.#context, imagePath, sizeMB));
  }

  /**
   * IVMVirtualServer.CreateFixedVirtualHardDisk: a fixed-size image of `sizeMB` MB (MiB) at the
   * absolute `imagePath`; the task reports progress as it writes.
   */
  createFixedVirtualHardDisk(imagePath: PathArgument, sizeMB: number): Promise<VMTask> {
    return guard(() => createFixedVirtualHardDisk(this.#context, imagePath, sizeMB));
  }

  /** IVMVirtualServer.GetHardDisk: the facts of the image at the absolute `path`. */
  getHardDisk(path: PathArgument): Promise<VMHardDisk> {
    return guard(() => getHardDisk(this.#context, path));
  }

  /**
   * IVMVirtualServer.CreateFloppyDiskImage: an empty FAT12-formatted floppy image of
   * `imageType` (LowDensity 720 KB or HighDensity 1.44 MB) at the absolute `imagePath`. No
   * task: resolves once the image is whole and durable.
   */
  createFloppyDiskImage(imagePath: PathArgument, imageType: VMFloppyDiskImageType): Promise<void> {
    return guard(() => createFloppyDiskImage(this.#context, imagePath, imageType));
  }

  /**
   * IVMVirtualServer.CreateHostDriveVirtualHardDisk: an image at the absolute `imagePath` linked
   * to the host drive `hostDriveIdentifier` (one of `getHostInfo().hostDrives`), read-only when
   * `mountReadOnly` or when the host has the drive mounted.
   */
  createHostDriveVirtualHardDisk(
    imagePath: PathArgument,
    hostDriveIdentifier: PathArgument,
    mountReadOnly: boolean,
  ): Promise<VMTask> {
    return guard(() =>
      createHostDriveVirtualHardDisk(this.#context, imagePath, hostDriveIdentifier, mountReadOnly),
    );
  }

  /** IVMVirtualServer.HostInfo: IVMHostInfo, whose `hostDrives` reads the host when asked. */
  async getHostInfo(): Promise<VMHostInfo> {
    return getHostInfo(this.host);
  }

  /**
   * IVMVirtualServer.GetHardDiskFiles: every `.vhd` file in SearchPaths and
   * `additionalSearchPaths` and their subfolders, sorted by path (case-insensitively).
   */
  getHardDiskFiles(additionalSearchPaths?: readonly string[] | null): Promise<string[]> {
    return guard(() => getHardDiskFiles(this.#context, additionalSearchPaths));
  }

  /** IVMVirtualServer.GetFloppyDiskFiles: every `.vfd` file, as `getHardDiskFiles` finds disks. */
  getFloppyDiskFiles(additionalSearchPaths?: readonly string[] | null): Promise<string[]> {
    return guard(() => getFloppyDiskFiles(this.#context, additionalSearchPaths));
  }

  /** IVMVirtualServer.GetDVDFiles: every `.iso` file, as `getHardDiskFiles` finds disks. */
  getDVDFiles(additionalSearchPaths?: readonly string[] | null): Promise<string[]> {
    return guard(() => getDVDFiles(this.#context, additionalSearchPaths));
  }

  /** IVMVirtualServer.SearchPaths (get): the folders searched, normalised. */
  async getSearchPaths(): Promise<string[]> {
    return getSearchPaths(this.#context);
  }

  /** IVMVirtualServer.SearchPaths (put): each must be an existing folder; all or nothing. */
  putSearchPaths(searchPaths: readonly string[]): Promise<void> {
    return guard(() => putSearchPaths(this.#context, searchPaths));
  }

  /** IVMVirtualServer.DefaultVMConfigurationPath (get), ending in a backslash. */
  async getDefaultVMConfigurationPath(): Promise<string> {
    return getDefaultVMConfigurationPath(this.#context);
  }

  /** IVMVirtualServer.DefaultVMConfigurationPath (put): an existing folder. */
  putDefaultVMConfigurationPath(configurationPath: PathArgument): Promise<void> {
    return guard(() => putDefaultVMConfigurationPath(this.#context, configurationPath));
  }

  /** IVMVirtualServer.GetFloppyDiskImageType: the type of the floppy image at `imagePath`, by its size. */
  getFloppyDiskImageType(imagePath: PathArgument): Promise<VMFloppyDiskImageType> {
    return guard(() => getFloppyDiskImageType(this.#context, imagePath));
  }
}

/** Runs a command so that it only ever rejects with a VsError, even on a synchronous throw. */
async function guard<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw checkFailure(error);
  }
}
