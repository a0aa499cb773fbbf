/**
 * What the suite runs against. A subject builds a host from a generated state and a server on
 * that host; the server may speak COM (`asCom`) or promises (`VirtualServer`). The suite speaks
 * COM only: {@link toCom} turns a promise face into a COM face.
 * @module
 */
import type { Host } from '@vskit/host';
import { HR } from './hresults.js';
import type { HostState } from './state.js';

/** A COM out-parameter: the callee sets `value`. */
export interface OutParam<T> {
  value: T | null | undefined;
}

/** IVMTask as the suite reads it. Properties may be plain values or getters. */
export interface ComTask {
  readonly Description: string;
  readonly ID: string;
  readonly IsCancelable: boolean;
  readonly IsComplete: boolean;
  readonly PercentCompleted: number;
  readonly Result: number;
  readonly Error: number;
  readonly ErrorDescription: string;
  WaitForCompletion(timeoutMs: number): Promise<number> | number;
  Cancel(): Promise<number> | number;
}

/**
 * IVMHardDisk as the suite reads it (what GetHardDisk fills in). Properties may be plain values
 * or getters.
 */
export interface ComHardDisk {
  readonly File: string;
  /** VMHardDiskType: 0 Dynamic, 1 FixedSize, 2 Differencing. */
  readonly Type: number;
  /** The virtual size in bytes. */
  readonly SizeInGuest: number;
  /** The image file's size in bytes. */
  readonly SizeOnHost: number;
  /** Bytes free on the image's volume. */
  readonly HostFreeDiskSpace: number;
  /** The parent's path, or `null` for a disk without a parent. */
  readonly Parent: string | null;
  /**
   * S_OK and the parent's IVMHardDisk (the suite reads its `File`) or path, or S_FALSE and `null`
   * for a disk without a parent.
   */
  get_Parent(parent: OutParam<string> | null): Promise<number> | number;
  /*
   * The IVMHardDisk properties read when asked (each answers E_POINTER for a null out-parameter,
   * then the HRESULT SEMANTICS.md gives). Optional so older subjects load; without one, the
   * `HDP.*` requirements of that property fail.
   */
  /** IVMHardDisk.File. */
  get_File?(file: OutParam<string> | null): Promise<number> | number;
  /** IVMHardDisk.Type, read from the file now. */
  get_Type?(type: OutParam<number> | null): Promise<number> | number;
  /** IVMHardDisk.SizeInGuest, read from the file now. */
  get_SizeInGuest?(size: OutParam<number> | null): Promise<number> | number;
  /** IVMHardDisk.SizeOnHost, read from the host now. */
  get_SizeOnHost?(size: OutParam<number> | null): Promise<number> | number;
  /** IVMHardDisk.HostFreeDiskSpace, read from the host now. */
  get_HostFreeDiskSpace?(free: OutParam<number> | null): Promise<number> | number;
  /** IVMHardDisk.HostDriveIdentifier: S_OK and the id, or S_FALSE and null. */
  get_HostDriveIdentifier?(id: OutParam<string> | null): Promise<number> | number;
  /** IVMHardDisk.Parent (put): re-links this differencing disk to `parent`. */
  put_Parent?(parent: unknown): Promise<number> | number;
  /** IVMHardDisk.Merge: the task writing this differencing disk into its parent. */
  Merge?(mergeTask: OutParam<never> | null): Promise<number> | number;
  /** IVMHardDisk.MergeTo: the task flattening this disk's chain into a new image. */
  MergeTo?(
    newDiskImagePath: string | null | undefined,
    newDiskImageType: unknown,
    mergeTask: OutParam<never> | null,
  ): Promise<number> | number;
  /** IVMHardDisk.Compact: the task giving back the space of blocks that hold nothing. */
  Compact?(compactTask: OutParam<never> | null): Promise<number> | number;
  /** IVMHardDisk.Convert: the task writing this disk into a new fixed or dynamic image. */
  Convert?(
    convertedDiskImagePath: string | null | undefined,
    convertedDiskImageType: unknown,
    convertTask: OutParam<never> | null,
  ): Promise<number> | number;
}

/** IVMHostInfo as the suite reads it. */
export interface ComHostInfo {
  /** IVMHostInfo.HostDrives: the identifiers of the host's drives. */
  readonly HostDrives: readonly string[];
}

/**
 * The IVMVirtualServer disk methods the suite calls, COM-shaped. The out-parameter is typed
 * `OutParam<never>` so any implementation's own task type fits; the suite reads it as
 * {@link ComTask}.
 */
export interface ComServer {
  CreateDifferencingVirtualHardDisk(
    imagePath: string | null | undefined,
    parentPath: string | null | undefined,
    diskTask: OutParam<never> | null,
  ): Promise<number> | number;
  CreateDynamicVirtualHardDisk(
    imagePath: string | null | undefined,
    sizeMB: number,
    diskTask: OutParam<never> | null,
  ): Promise<number> | number;
  CreateFixedVirtualHardDisk(
    imagePath: string | null | undefined,
    sizeMB: number,
    diskTask: OutParam<never> | null,
  ): Promise<number> | number;
  /**
   * IVMVirtualServer.GetHardDisk; the out-parameter receives a {@link ComHardDisk}. Optional so
   * older subjects still load; without it every `GHD.*` and subject-level `OPEN.*` requirement
   * fails.
   */
  GetHardDisk?(
    path: string | null | undefined,
    hardDisk: OutParam<never> | null,
  ): Promise<number> | number;
  /*
   * The rest of IVMVirtualServer's disk surface. Optional so older subjects load; without one,
   * the requirements of that member (`FLOPPY.*`, `FTYPE.*`, `HDRV.*`, `SEARCH.*`, `SPATH.*`,
   * `DEFCFG.*`) fail.
   */
  /** IVMVirtualServer.CreateFloppyDiskImage (no task). */
  CreateFloppyDiskImage?(
    imagePath: string | null | undefined,
    imageType: unknown,
  ): Promise<number> | number;
  /** IVMVirtualServer.GetFloppyDiskImageType. */
  GetFloppyDiskImageType?(
    imagePath: string | null | undefined,
    imageType: OutParam<never> | null,
  ): Promise<number> | number;
  /** IVMVirtualServer.CreateHostDriveVirtualHardDisk. */
  CreateHostDriveVirtualHardDisk?(
    imagePath: string | null | undefined,
    hostDriveIdentifier: unknown,
    mountReadOnly: unknown,
    diskTask: OutParam<never> | null,
  ): Promise<number> | number;
  /** IVMVirtualServer.HostInfo (get); the out-parameter receives a {@link ComHostInfo}. */
  get_HostInfo?(hostInfo: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.GetHardDiskFiles. */
  GetHardDiskFiles?(additional: unknown, files: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.GetFloppyDiskFiles. */
  GetFloppyDiskFiles?(additional: unknown, files: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.GetDVDFiles. */
  GetDVDFiles?(additional: unknown, files: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.SearchPaths (get). */
  get_SearchPaths?(searchPaths: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.SearchPaths (put). */
  put_SearchPaths?(searchPaths: unknown): Promise<number> | number;
  /** IVMVirtualServer.DefaultVMConfigurationPath (get). */
  get_DefaultVMConfigurationPath?(path: OutParam<never> | null): Promise<number> | number;
  /** IVMVirtualServer.DefaultVMConfigurationPath (put). */
  put_DefaultVMConfigurationPath?(path: unknown): Promise<number> | number;
}

/** A promise-face hard disk (vs-api's `VMHardDisk` shape). */
export interface PromiseHardDisk {
  readonly file: string;
  readonly type: number;
  readonly sizeInGuest: number;
  readonly sizeOnHost: number;
  readonly hostFreeDiskSpace: number;
  readonly parent: string | null;
}

/** A promise-face task (vs-api's `VMTask` shape). */
export interface PromiseTask {
  readonly description: string;
  readonly id: string;
  readonly isCancelable: boolean;
  readonly isComplete: boolean;
  readonly percentCompleted: number;
  readonly result: number;
  readonly error: number;
  readonly errorDescription: string;
  waitForCompletion(timeoutMs: number): Promise<unknown>;
  cancel(): Promise<unknown>;
}

/** A promise-face server (vs-api's `VirtualServer` shape): failures reject with `{ hresult }`. */
export interface PromiseServer {
  createDifferencingVirtualHardDisk(imagePath: unknown, parentPath: unknown): Promise<PromiseTask>;
  createDynamicVirtualHardDisk(imagePath: unknown, sizeMB: number): Promise<PromiseTask>;
  createFixedVirtualHardDisk(imagePath: unknown, sizeMB: number): Promise<PromiseTask>;
  /** IVMVirtualServer.GetHardDisk (optional, see {@link ComServer.GetHardDisk}). */
  getHardDisk?(path: unknown): Promise<PromiseHardDisk>;
}

/** An implementation under test. */
export interface Subject {
  /** Shown in the report. */
  readonly name: string;
  /**
   * A fresh host with the state's volumes (drive, file system, capacity, free bytes). The suite
   * then writes the state's files and folders through the {@link Host} methods. A host that also
   * offers power cuts (`PowerCutHost` of `power-cuts.ts`, found at run time; the emulated host
   * does) has `STATE.power-cut` checked; without them it is reported not applicable.
   */
  createHost(state: HostState): Host | Promise<Host>;
  /** A server on `host` (the suite may hand a wrapper of the host it created). */
  createServer(host: Host): ComServer | PromiseServer | Promise<ComServer | PromiseServer>;
  /**
   * Whether free space is exactly the volume's capacity less the clusters of its files, so the
   * suite can steer it to an edge and account for every byte (default true). Hosts over real
   * file systems say false: folders and metadata take space there too.
   */
  readonly exactFreeSpace?: boolean;
  /** Releases a host (temporary folders, handles); optional. */
  disposeHost?(host: Host): void | Promise<void>;
}

/** Whether `value` has what the suite needs of a {@link Subject}: `createHost` and `createServer`. */
export function isSubject(value: unknown): value is Subject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Subject).createHost === 'function' &&
    typeof (value as Subject).createServer === 'function'
  );
}

/** The HRESULT carried by a rejection, or DISP_E_EXCEPTION for anything else. */
export function hresultOfError(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'hresult' in error) {
    const hr = (error as { hresult: unknown }).hresult;
    if (typeof hr === 'number') return hr >>> 0;
  }
  return HR.DISP_E_EXCEPTION;
}

async function settle(run: () => Promise<unknown>): Promise<number> {
  try {
    await run();
    return HR.S_OK;
  } catch (error) {
    return hresultOfError(error);
  }
}

function comTaskOf(task: PromiseTask): ComTask {
  return {
    get Description() {
      return task.description;
    },
    get ID() {
      return task.id;
    },
    get IsCancelable() {
      return task.isCancelable;
    },
    get IsComplete() {
      return task.isComplete;
    },
    get PercentCompleted() {
      return task.percentCompleted;
    },
    get Result() {
      return task.result;
    },
    get Error() {
      return task.error;
    },
    get ErrorDescription() {
      return task.errorDescription;
    },
    WaitForCompletion: (timeoutMs) => settle(() => task.waitForCompletion(timeoutMs)),
    Cancel: () => settle(() => task.cancel()),
  };
}

function comHardDiskOf(disk: PromiseHardDisk): ComHardDisk {
  return {
    File: disk.file,
    Type: disk.type,
    SizeInGuest: disk.sizeInGuest,
    SizeOnHost: disk.sizeOnHost,
    HostFreeDiskSpace: disk.hostFreeDiskSpace,
    Parent: disk.parent,
    get_Parent(parent) {
      if (parent === null || typeof parent !== 'object') return HR.E_POINTER;
      parent.value = disk.parent;
      return disk.parent === null ? HR.S_FALSE : HR.S_OK;
    },
  };
}

function isComServer(server: ComServer | PromiseServer): server is ComServer {
  return typeof (server as ComServer).CreateDifferencingVirtualHardDisk === 'function';
}

/** The COM face of a server: a COM server as is, a promise server wrapped. */
export function toCom(server: ComServer | PromiseServer): ComServer {
  if (isComServer(server)) return server;
  const call = async (
    out: OutParam<ComTask> | null,
    run: () => Promise<PromiseTask>,
  ): Promise<number> => {
    if (out === null || typeof out !== 'object') return HR.E_POINTER;
    try {
      out.value = comTaskOf(await run());
      return HR.S_OK;
    } catch (error) {
      return hresultOfError(error);
    }
  };
  const getHardDisk = server.getHardDisk?.bind(server);
  return {
    ...(getHardDisk === undefined
      ? {}
      : {
          async GetHardDisk(path, out) {
            const disk = out as OutParam<ComHardDisk> | null;
            if (disk === null || typeof disk !== 'object') return HR.E_POINTER;
            try {
              disk.value = comHardDiskOf(await getHardDisk(path));
              return HR.S_OK;
            } catch (error) {
              return hresultOfError(error);
            }
          },
        }),
    CreateDifferencingVirtualHardDisk: (imagePath, parentPath, out) =>
      call(out, () => server.createDifferencingVirtualHardDisk(imagePath, parentPath)),
    CreateDynamicVirtualHardDisk: (imagePath, sizeMB, out) =>
      call(out, () => server.createDynamicVirtualHardDisk(imagePath, sizeMB)),
    CreateFixedVirtualHardDisk: (imagePath, sizeMB, out) =>
      call(out, () => server.createFixedVirtualHardDisk(imagePath, sizeMB)),
  };
}
