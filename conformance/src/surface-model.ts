/**
 * The reference model of the disk surface beyond the creation methods: what HRESULT each
 * IVMHardDisk property, CreateFloppyDiskImage, GetFloppyDiskImageType,
 * CreateHostDriveVirtualHardDisk and put_SearchPaths / put_DefaultVMConfigurationPath give in a
 * described host state, and which files a search finds. Written from SEMANTICS.md, in its check
 * orders; pure functions over plain records.
 * @module
 */
import { FLOPPY_TYPE_BY_SIZE, HR } from './hresults.js';

/** How a path argument stands on the host (one condition per path). */
export type PathCase =
  /** Absolute, on a volume, its folder there, nothing at the path. */
  | 'ok'
  /** As `ok`, but its folder (and maybe more) missing. */
  | 'folder-missing'
  | 'null'
  | 'invalid'
  | 'relative'
  | 'long'
  | 'no-volume'
  /** A folder on the way is a file. */
  | 'via-file'
  /** A file is at the path. */
  | 'file'
  /** A folder is at the path. */
  | 'folder';

/** The path checks every creation and lookup share (3-6 of SEMANTICS.md), or `undefined`. */
function pathSyntax(path: PathCase): number | undefined {
  if (path === 'invalid') return HR.E_INVALID_NAME;
  if (path === 'relative') return HR.E_BAD_PATHNAME;
  if (path === 'long') return HR.E_BUFFER_OVERFLOW;
  if (path === 'no-volume' || path === 'via-file') return HR.E_PATH_NOT_FOUND;
  return undefined;
}

/** The checks of a creation's imagePath after E_POINTER: syntax, then E_ALREADY_EXISTS. */
function creationPath(path: PathCase): number | undefined {
  const syntax = pathSyntax(path);
  if (syntax !== undefined) return syntax;
  if (path === 'file' || path === 'folder') return HR.E_ALREADY_EXISTS;
  return undefined;
}

/** The checks of a path that must name an existing file (GetHardDisk's 1-6). */
function existingFilePath(path: PathCase): number | undefined {
  const syntax = pathSyntax(path);
  if (syntax !== undefined) return syntax;
  if (path === 'folder-missing') return HR.E_PATH_NOT_FOUND;
  if (path === 'ok' || path === 'folder') return HR.E_FILE_NOT_FOUND;
  return undefined;
}

/** The checks of a folder argument (put_SearchPaths, put_DefaultVMConfigurationPath). */
export function folderPath(path: PathCase): number | undefined {
  const syntax = pathSyntax(path);
  if (syntax !== undefined) return syntax;
  if (path === 'folder-missing') return HR.E_PATH_NOT_FOUND;
  if (path === 'ok' || path === 'file') return HR.E_FILE_NOT_FOUND;
  return undefined;
}

/** A CreateFloppyDiskImage call in a described state. */
export interface FloppyCall {
  readonly path: PathCase;
  readonly imageType: unknown;
  /** Less free space on the volume than the image occupies in whole clusters. */
  readonly diskFull: boolean;
}

/** CreateFloppyDiskImage's HRESULT (shutdown does not refuse it). */
export function predictCreateFloppy(call: FloppyCall): number {
  if (call.path === 'null') return HR.E_POINTER;
  if (call.imageType !== 1 && call.imageType !== 2) return HR.E_INVALIDARG;
  const path = creationPath(call.path);
  if (path !== undefined) return path;
  return call.diskFull ? HR.E_DISK_FULL : HR.S_OK;
}

/** A GetFloppyDiskImageType call: the path, the out-parameter, and the file's size when there. */
export interface FloppyTypeCall {
  readonly path: PathCase;
  readonly nullOut: boolean;
  readonly sizeBytes: number;
}

/** GetFloppyDiskImageType's HRESULT and, on S_OK, the type. */
export function predictFloppyType(call: FloppyTypeCall): { hr: number; type?: number } {
  if (call.path === 'null' || call.nullOut) return { hr: HR.E_POINTER };
  const path = existingFilePath(call.path);
  if (path !== undefined) return { hr: path };
  const type = FLOPPY_TYPE_BY_SIZE.get(call.sizeBytes);
  return type === undefined ? { hr: HR.DISP_E_EXCEPTION } : { hr: HR.S_OK, type };
}

/** The least and the excluded greatest size a disk may have (SEMANTICS.md "Units and limits"). */
export const SIZE_LIMITS = { min: 3 * 1_048_576, max: 2_088_960 * 1_048_576 } as const;

/** A CreateHostDriveVirtualHardDisk call in a described state. */
export interface HostDriveCall {
  readonly path: PathCase;
  readonly identifier: unknown;
  readonly mountReadOnly: unknown;
  readonly nullTask: boolean;
  readonly shuttingDown: boolean;
  /** The host's drives now. */
  readonly drives: readonly { readonly id: string; readonly sizeBytes: number }[];
  /** Less than 8 MB free on the image's volume. */
  readonly diskFull: boolean;
}

/** The host's drive of `identifier` (compared case-insensitively), if any. */
export function hostDriveOf<T extends { readonly id: string }>(
  drives: readonly T[],
  identifier: unknown,
): T | undefined {
  if (typeof identifier !== 'string' || identifier === '') return undefined;
  return drives.find((drive) => drive.id.toUpperCase() === identifier.toUpperCase());
}

/** CreateHostDriveVirtualHardDisk's HRESULT. */
export function predictCreateHostDrive(call: HostDriveCall): number {
  if (
    call.path === 'null' ||
    call.identifier === null ||
    call.identifier === undefined ||
    call.nullTask
  ) {
    return HR.E_POINTER;
  }
  if (typeof call.identifier !== 'string' || call.identifier.length > 128) return HR.E_INVALIDARG;
  if (typeof call.mountReadOnly !== 'boolean' && typeof call.mountReadOnly !== 'number') {
    return HR.E_INVALIDARG;
  }
  if (call.shuttingDown) return HR.VM_E_APP_SHUTTING_DOWN;
  const path = creationPath(call.path);
  if (path !== undefined) return path;
  const drive = hostDriveOf(call.drives, call.identifier);
  if (drive === undefined) return HR.VM_E_HOST_DRIVE_NOT_FOUND;
  if (drive.sizeBytes >= SIZE_LIMITS.max) return HR.VM_E_IMAGE_SIZE_TOO_LARGE;
  if (drive.sizeBytes < SIZE_LIMITS.min) return HR.VM_E_IMAGE_SIZE_TOO_SMALL;
  return call.diskFull ? HR.E_DISK_FULL : HR.S_OK;
}

/**
 * The IVMHardDisk properties the model judges, in the order the suite reads them: written from
 * the specification, not imported from vs-api (as `hresults.ts` writes the HRESULTs), so a
 * subject cannot agree with the suite by sharing a list.
 */
export const DISK_PROPERTIES = [
  'File',
  'Type',
  'SizeInGuest',
  'SizeOnHost',
  'HostFreeDiskSpace',
  'HostDriveIdentifier',
  'Parent',
] as const;

/** One of {@link DISK_PROPERTIES}. */
export type DiskProperty = (typeof DISK_PROPERTIES)[number];

/** What a disk is. */
export type DiskKind = 'dynamic' | 'fixed' | 'differencing' | 'host-drive';

/** What happened to a disk (or its chain) after GetHardDisk handed it. */
export type DiskState =
  | 'as-is'
  | 'read-only'
  | 'deleted'
  | 'folder'
  | 'in-use'
  | 'unreadable'
  /** The footer's disk type none of fixed, dynamic, differencing (a host-drive image: damaged). */
  | 'bad-type'
  | 'junk'
  | 'parent-deleted'
  | 'parent-replaced'
  | 'parent-in-use'
  | 'grandparent-deleted';

/** A property read in a described state. */
export interface PropertyRead {
  readonly property: DiskProperty;
  readonly disk: DiskKind;
  readonly state: DiskState;
  /** A host-drive image: whether the host has its drive now. */
  readonly driveKnown: boolean;
  readonly nullOut: boolean;
}

/** Steps 1-2 (file there, opens) and 3-4 (decodes) of Type; `badType` Type's own code. */
function lookAt(read: PropertyRead, badType: number): number | undefined {
  if (read.state === 'deleted' || read.state === 'folder') return HR.E_FILE_NOT_FOUND;
  if (read.state === 'in-use' || read.state === 'unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (read.state === 'junk') return HR.VM_E_HD_IMAGE_ACCESS;
  if (read.state === 'bad-type') {
    return read.disk === 'host-drive' ? HR.VM_E_HD_IMAGE_ACCESS : badType;
  }
  return undefined;
}

/** The HRESULT of reading an IVMHardDisk property. */
export function predictProperty(read: PropertyRead): number {
  if (read.nullOut) return HR.E_POINTER;
  switch (read.property) {
    case 'File':
    case 'HostFreeDiskSpace':
      return HR.S_OK;
    case 'SizeOnHost':
      return read.state === 'deleted' || read.state === 'folder' ? HR.E_FILE_NOT_FOUND : HR.S_OK;
    case 'Type':
      return lookAt(read, HR.VM_E_DRIVE_INVALID) ?? HR.S_OK;
    case 'SizeInGuest':
      return lookAt(read, HR.VM_E_HD_IMAGE_ACCESS) ?? HR.S_OK;
    case 'HostDriveIdentifier': {
      const looked = lookAt(read, HR.VM_E_HD_IMAGE_ACCESS);
      if (looked !== undefined) return looked;
      if (read.disk !== 'host-drive') return HR.S_FALSE;
      return read.driveKnown ? HR.S_OK : HR.VM_E_HOST_DRIVE_NOT_FOUND;
    }
    case 'Parent': {
      const looked = lookAt(read, HR.VM_E_HD_IMAGE_ACCESS);
      if (looked !== undefined) return looked;
      if (read.disk !== 'differencing') return HR.S_FALSE;
      if (read.state === 'parent-deleted') return HR.E_FILE_NOT_FOUND;
      if (read.state === 'grandparent-deleted') return HR.E_PATH_NOT_FOUND;
      if (read.state === 'parent-replaced') return HR.VM_E_PARENT_CHILD_ID_MISMATCH;
      if (read.state === 'parent-in-use') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
      return HR.S_OK;
    }
  }
}

/** put_SearchPaths' HRESULT: E_INVALIDARG unless an array of strings, then the first failing path. */
export function predictPutSearchPaths(paths: unknown, cases: readonly PathCase[]): number {
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string')) {
    return HR.E_INVALIDARG;
  }
  for (const path of cases) {
    const hr = folderPath(path);
    if (hr !== undefined) return hr;
  }
  return HR.S_OK;
}

/** put_DefaultVMConfigurationPath's HRESULT. */
export function predictPutDefaultPath(path: unknown, pathCase: PathCase): number {
  if (path === null || path === undefined) return HR.E_POINTER;
  if (typeof path !== 'string') return HR.E_INVALIDARG;
  return folderPath(pathCase) ?? HR.S_OK;
}

/** A file on the host, for a search: its absolute path in the case the host stores. */
export interface SearchEntry {
  readonly path: string;
  readonly kind: 'file' | 'folder';
}

/** The extension each search method reports. */
export const SEARCH_EXTENSION = {
  GetHardDiskFiles: '.vhd',
  GetFloppyDiskFiles: '.vfd',
  GetDVDFiles: '.iso',
} as const;

/** What a search reports: the files below any of `folders` (normalised, stored case) that match. */
export function predictSearch(
  entries: readonly SearchEntry[],
  folders: readonly string[],
  extension: string,
): string[] {
  const found = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind !== 'file') continue;
    const name = entry.path.slice(entry.path.lastIndexOf('\\') + 1);
    if (!name.toLowerCase().endsWith(extension) || /^~vskit-.*\.tmp$/i.test(name)) continue;
    const key = entry.path.toUpperCase();
    if (folders.some((folder) => key.startsWith(`${folder.toUpperCase()}\\`))) {
      if (!found.has(key)) found.set(key, entry.path);
    }
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

/** IVMHardDisk's methods that change disks or write new ones. */
export type DiskMethod = 'Merge' | 'Compact' | 'MergeTo' | 'Convert' | 'put_Parent';

/** How the disk a method is called on, its parent, and the volume it writes stand on the host. */
export type MethodState =
  | 'as-is'
  | 'shutdown'
  | 'deleted'
  | 'read-only'
  | 'in-use'
  /** The host refuses to open the disk's file (access denied). */
  | 'unreadable'
  /** The disk's file replaced by bytes that are no VHD. */
  | 'junk'
  /** Every footer copy of the disk with a wrong checksum. */
  | 'damaged'
  /** The disk's footer has its saved-state flag set. */
  | 'saved-state'
  | 'parent-read-only'
  | 'parent-in-use'
  /** The host refuses to open the parent's file (access denied). */
  | 'parent-unreadable'
  | 'parent-deleted'
  /** The parent lived in a folder of its own, and the folder is gone with it. */
  | 'parent-folder-gone'
  | 'parent-replaced'
  /** Every footer copy of the parent with a wrong checksum. */
  | 'parent-damaged'
  /** The parent's footer has its saved-state flag set. */
  | 'parent-saved-state'
  /** The parent grown by 1 MiB since the disk was made (same UUID, another virtual size). */
  | 'parent-resized'
  /**
   * The volume the method writes (the new image's for MergeTo and Convert, else the disk's)
   * left with 1 MiB free: less than any new image needs, and than one 2 MiB block.
   */
  | 'volume-full';

/** Where MergeTo's or Convert's new image goes. */
export type TargetCase =
  | 'new'
  | 'new-folder'
  | 'file'
  | 'self'
  | 'invalid'
  | 'relative'
  | 'no-volume';

/** The file system of the volume a new image goes to (`new`, `new-folder`, `file` targets). */
export type TargetVolume = 'NTFS' | 'FAT32' | 'FAT16';

/** Each file system's largest file (SEMANTICS.md "Units and limits"). */
export const LARGEST_FILE: Readonly<Record<TargetVolume, number>> = {
  NTFS: 16 * 2 ** 40 - 64 * 1024,
  FAT32: 2 ** 32 - 1,
  FAT16: 2 ** 31 - 1,
};

/** One method call in a described state (a differencing disk's parent is a dynamic disk). */
export interface MethodCall {
  readonly method: DiskMethod;
  readonly disk: 'dynamic' | 'fixed' | 'differencing';
  readonly state: MethodState;
  /** MergeTo and Convert only. */
  readonly target: TargetCase;
  /** MergeTo and Convert only: the new image's volume. */
  readonly volume: TargetVolume;
  readonly type: unknown;
  /** The disk's virtual size. */
  readonly sizeMB: number;
}

/** Whether the state's damage or flag lies on a file the call has: the parent needs one. */
function stateApplies(call: MethodCall): boolean {
  return !call.state.startsWith('parent-') || call.disk === 'differencing';
}

/** The parent's checks (Merge's 9-13, MergeTo's 9), `undefined` when the parent passes. */
function parentCheck(state: MethodState, method: DiskMethod): number | undefined {
  const merge = method === 'Merge';
  if (state === 'parent-deleted' || state === 'parent-folder-gone') {
    return HR.VM_E_PARENT_PATH_NOT_FOUND;
  }
  if (state === 'parent-in-use') return HR.E_SHARING_VIOLATION;
  if (state === 'parent-unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (state === 'parent-damaged') return HR.VM_E_INVALID_HD_FILE;
  if (state === 'parent-replaced') return HR.VM_E_PARENT_CHILD_ID_MISMATCH;
  // a parent of another size is only a warning when the chain is read
  if (state === 'parent-resized' && merge) return HR.VM_E_INVALID_HD_FILE;
  if (state === 'parent-saved-state' && merge) return HR.E_SHARING_VIOLATION;
  if (state === 'parent-read-only' && merge) return HR.VM_E_FILE_READ_ONLY;
  return undefined;
}

/** Merge's or Compact's HRESULT (SEMANTICS.md, their numbered checks after E_POINTER). */
function predictInPlace(call: MethodCall): number {
  if (call.state === 'shutdown') return HR.VM_E_APP_SHUTTING_DOWN;
  if (call.state === 'deleted') return HR.E_FILE_NOT_FOUND;
  if (call.state === 'in-use') return HR.E_SHARING_VIOLATION;
  if (call.state === 'unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (call.state === 'junk' || call.state === 'damaged') return HR.VM_E_INVALID_HD_FILE;
  const wanted = call.method === 'Merge' ? 'differencing' : 'dynamic';
  if (call.disk !== wanted) return HR.VM_E_WRONG_HD_IMAGE_TYPE;
  // Compact does not look at the saved-state flag (decision)
  if (call.state === 'saved-state' && call.method === 'Merge') return HR.E_SHARING_VIOLATION;
  if (call.state === 'read-only') return HR.VM_E_FILE_READ_ONLY;
  if (call.method === 'Compact') return HR.S_OK;
  return parentCheck(call.state, call.method) ?? HR.S_OK;
}

/** Whether the new image can outgrow its volume's largest file (it is at least size + footer). */
export function newImageTooLarge(call: MethodCall): boolean {
  return call.sizeMB * 1_048_576 + 512 > LARGEST_FILE[call.volume];
}

/** MergeTo's or Convert's HRESULT (their 13 checks after E_POINTER). */
function predictNewImage(call: MethodCall): number {
  if (call.state === 'shutdown') return HR.VM_E_APP_SHUTTING_DOWN;
  if (call.target === 'invalid') return HR.E_INVALID_NAME;
  if (call.target === 'relative') return HR.E_BAD_PATHNAME;
  if (call.type !== 0 && call.type !== 1) return HR.VM_E_WRONG_HD_IMAGE_TYPE;
  if (call.state === 'deleted') return HR.E_FILE_NOT_FOUND;
  if (call.state === 'in-use') return HR.E_SHARING_VIOLATION;
  if (call.state === 'unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (call.state === 'junk' || call.state === 'damaged') return HR.VM_E_INVALID_HD_FILE;
  if (call.method === 'MergeTo' && call.disk !== 'differencing') {
    return HR.VM_E_WRONG_HD_IMAGE_TYPE;
  }
  if (call.disk === 'differencing') {
    const parent = parentCheck(call.state, call.method);
    if (parent !== undefined) return parent;
  }
  if (call.target === 'no-volume') return HR.E_PATH_NOT_FOUND;
  if (call.target === 'file' || call.target === 'self') return HR.E_ALREADY_EXISTS;
  if (newImageTooLarge(call)) return HR.VM_E_FILE_TOO_LARGE_FOR_VOLUME;
  if (call.state === 'volume-full') return HR.E_DISK_FULL;
  return HR.S_OK;
}

/**
 * put_Parent's HRESULT, given the IVMHardDisk of the disk's own parent (of the disk itself when
 * it has none) taken before the state was arranged: checks 2-11 of SEMANTICS.md.
 */
function predictPutParent(call: MethodCall): number {
  if (call.state === 'shutdown') return HR.VM_E_APP_SHUTTING_DOWN;
  if (call.state === 'deleted') return HR.E_FILE_NOT_FOUND;
  if (call.state === 'in-use') return HR.E_SHARING_VIOLATION;
  if (call.state === 'unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (call.state === 'junk' || call.state === 'damaged') return HR.VM_E_HD_IMAGE_ACCESS;
  if (call.disk !== 'differencing') return HR.VM_E_WRONG_HD_IMAGE_TYPE;
  if (call.state === 'read-only') return HR.VM_E_FILE_READ_ONLY;
  if (call.state === 'parent-folder-gone') return HR.E_PATH_NOT_FOUND;
  if (call.state === 'parent-deleted') return HR.E_FILE_NOT_FOUND;
  if (call.state === 'parent-in-use') return HR.E_SHARING_VIOLATION;
  if (call.state === 'parent-unreadable') return HR.VM_E_HD_IMAGE_OPEN_FAIL;
  if (call.state === 'parent-damaged') return HR.VM_E_HD_IMAGE_ACCESS;
  if (call.state === 'parent-replaced') return HR.VM_E_PARENT_CHILD_ID_MISMATCH;
  if (call.state === 'parent-resized') return HR.E_INVALIDARG;
  return HR.S_OK;
}

/**
 * The HRESULT a Merge, Compact, MergeTo, Convert (a non-null task out-parameter) or put_Parent
 * call gives.
 */
export function predictDiskMethod(call: MethodCall): number {
  if (call.method === 'put_Parent') return predictPutParent(call);
  return call.method === 'Merge' || call.method === 'Compact'
    ? predictInPlace(call)
    : predictNewImage(call);
}

/**
 * The Error an S_OK call's task ends with (S_OK: Success): a Merge on a full volume whose
 * parent must grow (`parentGrows`: the disk holds a block its parent lacks) ends E_DISK_FULL,
 * as the host answers the growth; every other task ends Success.
 */
export function predictTaskError(call: MethodCall, parentGrows: boolean): number {
  const full = call.method === 'Merge' && call.state === 'volume-full' && parentGrows;
  return full ? HR.E_DISK_FULL : HR.S_OK;
}

/**
 * The requirement that names why a call answers what the model says: the method's code, or a
 * rule of its own for the saved-state flag and a full volume (`undefined`: the code's id).
 */
export function methodRuleOf(call: MethodCall): string | undefined {
  const hr = predictDiskMethod(call);
  const flagged =
    (call.state === 'saved-state' || call.state === 'parent-saved-state') && stateApplies(call);
  if (flagged && hr === HR.E_SHARING_VIOLATION && call.method === 'Merge') return 'saved-state';
  if (flagged && hr === HR.S_OK) return 'saved-state';
  if (call.state === 'volume-full' && hr === HR.S_OK && call.method !== 'put_Parent') {
    return 'full-volume';
  }
  return undefined;
}
