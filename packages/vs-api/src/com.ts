/**
 * `asCom`: the COM-shaped face of a {@link VirtualServer}. Same implementation, different
 * calling convention: methods resolve to an HRESULT number and fill `{ value }` out-parameters;
 * a null or undefined out-parameter gives E_POINTER before anything else is looked at.
 * @module
 */

import type { VMHostInfo } from './commands/get-host-info.js';
import { hresultOf } from './errors.js';
import type { VMHardDisk } from './hard-disk.js';
import {
  HRESULT,
  type HResult,
  type VMFloppyDiskImageType,
  type VMHardDiskType,
  type VMTaskResult,
} from './hresult.js';
import type { PathArgument } from './paths.js';
import type { VMTask } from './task.js';
import type { VirtualServer } from './virtual-server.js';

/** A COM out-parameter: the callee sets `value`. */
export interface OutParam<T> {
  value: T | undefined | null;
}

/** IVMTask (with IVMTask2's Error and ErrorDescription) as COM sees it. */
export interface ComVMTask {
  /** IVMTask.Description. */
  readonly Description: string;
  /** IVMTask.ID. */
  readonly ID: string;
  /** IVMTask.IsCancelable. */
  readonly IsCancelable: boolean;
  /** IVMTask.IsComplete. */
  readonly IsComplete: boolean;
  /** IVMTask.PercentCompleted (0..100). */
  readonly PercentCompleted: number;
  /** IVMTask.Result. */
  readonly Result: VMTaskResult;
  /** IVMTask2.Error. */
  readonly Error: HResult;
  /** IVMTask2.ErrorDescription. */
  readonly ErrorDescription: string;
  /** IVMTask.WaitForCompletion: S_OK after -1 or 0..4,000,000 ms; E_POINTER for any other value. */
  WaitForCompletion(timeoutMs: number): Promise<HResult>;
  /** IVMTask.Cancel: S_OK when cancelled, E_FAIL when the task is complete. */
  Cancel(): Promise<HResult>;
  /** The promise-face task behind this object. */
  readonly task: VMTask;
}

/** IVMHardDisk as COM sees it. */
export interface ComVMHardDisk {
  /** IVMHardDisk.File, as GetHardDisk read it. */
  readonly File: string;
  /** IVMHardDisk.Type, as GetHardDisk read it. */
  readonly Type: VMHardDiskType;
  /** IVMHardDisk.SizeInGuest in bytes, as GetHardDisk read it. */
  readonly SizeInGuest: number;
  /** IVMHardDisk.SizeOnHost in bytes, as GetHardDisk read it. */
  readonly SizeOnHost: number;
  /** IVMHardDisk.HostFreeDiskSpace in bytes, as GetHardDisk read it. */
  readonly HostFreeDiskSpace: number;
  /** Where GetHardDisk found the parent, or `null` for a disk without a parent. */
  readonly Parent: string | null;
  /** IVMHardDisk.File: S_OK and the path. */
  get_File(file: OutParam<string> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.Type, read from the file now. */
  get_Type(type: OutParam<VMHardDiskType> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.SizeInGuest, read from the file now. */
  get_SizeInGuest(size: OutParam<number> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.SizeOnHost, read from the host now. */
  get_SizeOnHost(size: OutParam<number> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.HostFreeDiskSpace, read from the host now. */
  get_HostFreeDiskSpace(freeBytes: OutParam<number> | null | undefined): Promise<HResult>;
  /**
   * IVMHardDisk.HostDriveIdentifier: S_OK and the identifier for a host-drive image, S_FALSE
   * and `null` for any other disk.
   */
  get_HostDriveIdentifier(id: OutParam<string> | null | undefined): Promise<HResult>;
  /**
   * IVMHardDisk.Parent: S_OK and the parent's `ComVMHardDisk`, or S_FALSE and `null` for a disk
   * without a parent; read from the files now. Every `get_X` answers E_POINTER for a null
   * out-parameter before looking at anything.
   */
  get_Parent(parent: OutParam<ComVMHardDisk> | null | undefined): Promise<HResult>;
  /**
   * IVMHardDisk.Parent (put): re-links this differencing disk to `parent`; E_POINTER for null,
   * VM_E_PARENT_CHILD_ID_MISMATCH when it is not the disk this one was made from.
   */
  put_Parent(parent: ComVMHardDisk | null | undefined): Promise<HResult>;
  /** IVMHardDisk.Merge: the task writing this differencing disk into its parent. */
  Merge(mergeTask: OutParam<ComVMTask> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.MergeTo: the task flattening this disk's chain into a new image. */
  MergeTo(
    newDiskImagePath: string | null | undefined,
    newDiskImageType: VMHardDiskType,
    mergeTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** IVMHardDisk.Compact: the task giving back the space of blocks that hold nothing. */
  Compact(compactTask: OutParam<ComVMTask> | null | undefined): Promise<HResult>;
  /** IVMHardDisk.Convert: the task writing this disk into a new fixed or dynamic image. */
  Convert(
    convertedDiskImagePath: string | null | undefined,
    convertedDiskImageType: VMHardDiskType,
    convertTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** The promise-face disk behind this object. */
  readonly disk: VMHardDisk;
}

/** IVMVirtualServer's disk methods as COM sees them. */
export interface ComVirtualServer {
  /** IVMVirtualServer.CreateDifferencingVirtualHardDisk. */
  CreateDifferencingVirtualHardDisk(
    imagePath: PathArgument,
    parentPath: PathArgument,
    diskTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.CreateDynamicVirtualHardDisk. */
  CreateDynamicVirtualHardDisk(
    imagePath: PathArgument,
    sizeMB: number,
    diskTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.CreateFixedVirtualHardDisk. */
  CreateFixedVirtualHardDisk(
    imagePath: PathArgument,
    sizeMB: number,
    diskTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.GetHardDisk. */
  GetHardDisk(
    path: PathArgument,
    hardDisk: OutParam<ComVMHardDisk> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.CreateFloppyDiskImage: S_OK once the image is written (no task). */
  CreateFloppyDiskImage(
    imagePath: PathArgument,
    imageType: VMFloppyDiskImageType,
  ): Promise<HResult>;
  /** IVMVirtualServer.GetFloppyDiskImageType. */
  GetFloppyDiskImageType(
    imagePath: PathArgument,
    imageType: OutParam<VMFloppyDiskImageType> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.CreateHostDriveVirtualHardDisk. */
  CreateHostDriveVirtualHardDisk(
    imagePath: PathArgument,
    hostDriveIdentifier: PathArgument,
    mountReadOnly: boolean,
    diskTask: OutParam<ComVMTask> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.GetHardDiskFiles: `out.value` is the sorted list of `.vhd` paths. */
  GetHardDiskFiles(
    additionalSearchPaths: readonly string[] | null | undefined,
    files: OutParam<string[]> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.GetFloppyDiskFiles (`.vfd`). */
  GetFloppyDiskFiles(
    additionalSearchPaths: readonly string[] | null | undefined,
    files: OutParam<string[]> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.GetDVDFiles (`.iso`). */
  GetDVDFiles(
    additionalSearchPaths: readonly string[] | null | undefined,
    files: OutParam<string[]> | null | undefined,
  ): Promise<HResult>;
  /** IVMVirtualServer.SearchPaths (get). */
  get_SearchPaths(searchPaths: OutParam<string[]> | null | undefined): Promise<HResult>;
  /** IVMVirtualServer.SearchPaths (put). */
  put_SearchPaths(searchPaths: readonly string[]): Promise<HResult>;
  /** IVMVirtualServer.DefaultVMConfigurationPath (get). */
  get_DefaultVMConfigurationPath(path: OutParam<string> | null | undefined): Promise<HResult>;
  /** IVMVirtualServer.DefaultVMConfigurationPath (put). */
  put_DefaultVMConfigurationPath(path: PathArgument): Promise<HResult>;
  /** IVMVirtualServer.HostInfo (get). */
  get_HostInfo(hostInfo: OutParam<ComVMHostInfo> | null | undefined): Promise<HResult>;
  /** The promise-face server behind this object. */
  readonly server: VirtualServer;
}

/** IVMHostInfo as COM sees it (the disk-related part). */
export interface ComVMHostInfo {
  /** IVMHostInfo.HostDrives: identifiers of the host's physical drives, read when asked. */
  readonly HostDrives: string[];
  /** IVMHostInfo.HostDrives with its HRESULT: S_OK, or E_POINTER for a null out-parameter. */
  get_HostDrives(hostDrives: OutParam<string[]> | null | undefined): Promise<HResult>;
  /** The promise-face host information behind this object. */
  readonly hostInfo: VMHostInfo;
}

/** The COM face of a promise-face host information. */
export function comHostInfo(hostInfo: VMHostInfo): ComVMHostInfo {
  return {
    get HostDrives() {
      return hostInfo.hostDrives;
    },
    get_HostDrives: (out) => property(out, async () => hostInfo.hostDrives, same),
    hostInfo,
  };
}

/**
 * Whether `out` is an object whose `value` can be set. The probe assigns `value` its own value
 * (no change for a plain object); a frozen object, a getter-only or throwing accessor fails it.
 */
function isOutParam(out: unknown): out is OutParam<unknown> {
  if (typeof out !== 'object' || out === null) return false;
  try {
    const target = out as OutParam<unknown>;
    // biome-ignore lint/correctness/noSelfAssign: the assignment itself is the writability probe
    target.value = target.value;
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a promise-face call; S_OK with its value in `out`, or the VsError's HRESULT. An
 * out-parameter that is not an object, or whose `value` cannot be set, is E_POINTER before
 * anything runs. If setting `value` still fails after the call, `undo` takes back what the
 * call started (a task is cancelled, so nothing it wrote stays) and the answer is
 * DISP_E_EXCEPTION.
 */
async function call<T, C>(
  out: OutParam<C> | null | undefined,
  run: () => Promise<T>,
  wrap: (value: T) => C,
  undo?: (value: T) => Promise<void>,
): Promise<HResult> {
  if (!isOutParam(out)) return HRESULT.E_POINTER;
  let value: T;
  try {
    value = await run();
  } catch (error) {
    return hresultOf(error);
  }
  try {
    out.value = wrap(value);
    return HRESULT.S_OK;
  } catch (error) {
    if (undo !== undefined) await undo(value);
    return hresultOf(error);
  }
}

/** Runs a promise-face call without out-parameters: S_OK, or the VsError's HRESULT. */
async function status(run: () => Promise<unknown>): Promise<HResult> {
  try {
    await run();
    return HRESULT.S_OK;
  } catch (error) {
    return hresultOf(error);
  }
}

/** Cancels a task nobody can see (its out-parameter refused it) and waits until it is over. */
async function abandon(task: VMTask): Promise<void> {
  await task.cancel().catch(() => undefined);
  await task.completion;
}

/** The COM face of a promise-face task. */
export function comTask(task: VMTask): ComVMTask {
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
    async WaitForCompletion(timeoutMs) {
      try {
        await task.waitForCompletion(timeoutMs);
        return HRESULT.S_OK;
      } catch (error) {
        return hresultOf(error);
      }
    },
    async Cancel() {
      try {
        await task.cancel();
        return HRESULT.S_OK;
      } catch (error) {
        return hresultOf(error);
      }
    },
    task,
  };
}

/**
 * A property read: E_POINTER for an unusable out-parameter; else S_OK with the value in `out`
 * (S_FALSE when `isFalse` says the value means "none"), or the VsError's HRESULT with `out`
 * untouched.
 */
async function property<T, C>(
  out: OutParam<C> | null | undefined,
  read: () => Promise<T>,
  wrap: (value: T) => C,
  isFalse: (value: T) => boolean = () => false,
): Promise<HResult> {
  if (!isOutParam(out)) return HRESULT.E_POINTER;
  let value: T;
  try {
    value = await read();
  } catch (error) {
    return hresultOf(error);
  }
  try {
    out.value = wrap(value);
  } catch (error) {
    return hresultOf(error);
  }
  return isFalse(value) ? HRESULT.S_FALSE : HRESULT.S_OK;
}

const same = <T>(value: T): T => value;
const isNull = (value: unknown): boolean => value === null;

/** The COM face of a promise-face disk. */
export function comHardDisk(disk: VMHardDisk): ComVMHardDisk {
  return {
    File: disk.file,
    Type: disk.type,
    SizeInGuest: disk.sizeInGuest,
    SizeOnHost: disk.sizeOnHost,
    HostFreeDiskSpace: disk.hostFreeDiskSpace,
    Parent: disk.parent,
    get_File: (out) => property(out, () => disk.getFile(), same),
    get_Type: (out) => property(out, () => disk.getType(), same),
    get_SizeInGuest: (out) => property(out, () => disk.getSizeInGuest(), same),
    get_SizeOnHost: (out) => property(out, () => disk.getSizeOnHost(), same),
    get_HostFreeDiskSpace: (out) => property(out, () => disk.getHostFreeDiskSpace(), same),
    get_HostDriveIdentifier: (out) =>
      property(out, () => disk.getHostDriveIdentifier(), same, isNull),
    get_Parent: (out) =>
      property(
        out,
        () => disk.getParent(),
        (parent) => (parent === null ? null : comHardDisk(parent)),
        isNull,
      ),
    put_Parent: (parent) =>
      status(() => disk.putParent(parent === null || parent === undefined ? parent : parent.disk)),
    Merge: (mergeTask) => call(mergeTask, () => disk.merge(), comTask, abandon),
    MergeTo: (newDiskImagePath, newDiskImageType, mergeTask) =>
      call(mergeTask, () => disk.mergeTo(newDiskImagePath, newDiskImageType), comTask, abandon),
    Compact: (compactTask) => call(compactTask, () => disk.compact(), comTask, abandon),
    Convert: (convertedDiskImagePath, convertedDiskImageType, convertTask) =>
      call(
        convertTask,
        () => disk.convert(convertedDiskImagePath, convertedDiskImageType),
        comTask,
        abandon,
      ),
    disk,
  };
}

/**
 * The COM face of `server`: PascalCase methods resolving to HRESULT numbers, out-parameters as
 * `{ value }` objects. Every method first answers E_POINTER for a null or undefined
 * out-parameter, then calls the promise face and returns S_OK or the HRESULT it failed with.
 */
export function asCom(server: VirtualServer): ComVirtualServer {
  return {
    CreateDifferencingVirtualHardDisk: (imagePath, parentPath, diskTask) =>
      call(
        diskTask,
        () => server.createDifferencingVirtualHardDisk(imagePath, parentPath),
        comTask,
        abandon,
      ),
    CreateDynamicVirtualHardDisk: (imagePath, sizeMB, diskTask) =>
      call(
        diskTask,
        () => server.createDynamicVirtualHardDisk(imagePath, sizeMB),
        comTask,
        abandon,
      ),
    CreateFixedVirtualHardDisk: (imagePath, sizeMB, diskTask) =>
      call(diskTask, () => server.createFixedVirtualHardDisk(imagePath, sizeMB), comTask, abandon),
    GetHardDisk: (path, hardDisk) => call(hardDisk, () => server.getHardDisk(path), comHardDisk),
    CreateFloppyDiskImage: (imagePath, imageType) =>
      status(() => server.createFloppyDiskImage(imagePath, imageType)),
    CreateHostDriveVirtualHardDisk: (imagePath, hostDriveIdentifier, mountReadOnly, diskTask) =>
      call(
        diskTask,
        () => server.createHostDriveVirtualHardDisk(imagePath, hostDriveIdentifier, mountReadOnly),
        comTask,
        abandon,
      ),
    GetHardDiskFiles: (additional, files) =>
      call(files, () => server.getHardDiskFiles(additional), same),
    GetFloppyDiskFiles: (additional, files) =>
      call(files, () => server.getFloppyDiskFiles(additional), same),
    GetDVDFiles: (additional, files) => call(files, () => server.getDVDFiles(additional), same),
    get_SearchPaths: (searchPaths) => call(searchPaths, () => server.getSearchPaths(), same),
    put_SearchPaths: (searchPaths) => status(() => server.putSearchPaths(searchPaths)),
    get_DefaultVMConfigurationPath: (path) =>
      call(path, () => server.getDefaultVMConfigurationPath(), same),
    put_DefaultVMConfigurationPath: (path) =>
      status(() => server.putDefaultVMConfigurationPath(path)),
    get_HostInfo: (hostInfo) => call(hostInfo, () => server.getHostInfo(), comHostInfo),
    GetFloppyDiskImageType: (imagePath, imageType) =>
      call(imageType, () => server.getFloppyDiskImageType(imagePath), same),
    server,
  };
}
