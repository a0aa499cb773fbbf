/**
 * `@vskit/vs-api`: IVMVirtualServer's disk members (the Create*VirtualHardDisk methods,
 * GetHardDisk, floppy images, host drives, the file search, SearchPaths,
 * DefaultVMConfigurationPath, HostInfo), IVMHardDisk's properties and IVMTask, with
 * Virtual Server 2005's exact HRESULT semantics, on an injected host. Two faces of one
 * implementation: promises that reject with {@link VsError}, and {@link asCom}'s COM shape.
 * @packageDocumentation
 */

export type {
  ComVirtualServer,
  ComVMHardDisk,
  ComVMHostInfo,
  ComVMTask,
  OutParam,
} from './com.js';
export { asCom, comHardDisk, comHostInfo, comTask } from './com.js';
export type { VMHostInfo } from './commands/get-host-info.js';
export { isVsError, VsError } from './errors.js';
export type { VMHardDisk } from './hard-disk.js';
export type { HardDiskProperty, HResult, HResultName } from './hresult.js';
export {
  formatHresult,
  formatHresultHex,
  HARD_DISK_PROPERTIES,
  HRESULT,
  HRESULT_TEXT,
  hresultName,
  isHresultValue,
  succeeded,
  VMFloppyDiskImageType,
  VMHardDiskType,
  VMTaskResult,
} from './hresult.js';
export {
  MAX_VIRTUAL_SIZE_BYTES,
  MAX_VIRTUAL_SIZE_MB,
  MB,
  MIN_FREE_BYTES,
  MIN_VIRTUAL_SIZE_BYTES,
} from './limits.js';
export type { PathArgument } from './paths.js';
export type { AbortSignalLike } from './task.js';
export { MAX_WAIT_MS, VMTask } from './task.js';
export { VirtualServer } from './virtual-server.js';
