/**
 * `@vskit/host`: the interface vs-api needs from a host, its error type, file-system limits and
 * the Windows path rules every host and vs-api share.
 * @packageDocumentation
 */

export type { HostErrorCode } from './errors.js';
export { HOST_ERROR_CODES, HostError, isHostError } from './errors.js';
export type { FileSystemLimits } from './file-systems.js';
export { FILE_SYSTEM_KINDS, FILE_SYSTEM_LIMITS, occupiedBytes } from './file-systems.js';
export type {
  FileSystemKind,
  Host,
  HostDriveInfo,
  HostFile,
  HostSnapshot,
  HostStat,
  OpenMode,
  OpenOptions,
  ShareMode,
  SnapshotEntry,
  VolumeInfo,
} from './host.js';
export {
  isTemporaryName,
  TEMPORARY_NAME_LENGTH,
  TEMPORARY_NAME_PATTERN,
  temporaryName,
  temporaryOwnerTag,
} from './temporary-names.js';
export type { InvalidCharacter, WindowsPath } from './windows-path.js';
export * as windowsPath from './windows-path.js';
