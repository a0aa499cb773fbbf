/**
 * HRESULT values, the enumerations of Virtual Server 2005's COM interfaces and the names of
 * IVMHardDisk's properties, as published in Microsoft's documentation and winerror.h. Every value is an unsigned 32-bit number
 * (`0..0xFFFFFFFF`), so `HRESULT.E_POINTER === 0x80004003`.
 *
 * Also the package's `@vskit/vs-api/hresult` entry point: it imports nothing, so a tool that only
 * names or prints HRESULTs loads this module alone.
 * @example
 * ```ts
 * import { formatHresultHex } from '@vskit/vs-api/hresult';
 * formatHresultHex(0x800700b7); // '0x800700B7'
 * ```
 * @module
 */

/** Every HRESULT vs-api returns or documents, by name, as unsigned 32-bit numbers. */
export const HRESULT = {
  /** Success. */
  S_OK: 0x00000000,
  /** Success, "no" (e.g. `Parent` of a non-differencing disk). */
  S_FALSE: 0x00000001,
  /** A required argument or out-parameter is null or undefined. */
  E_POINTER: 0x80004003,
  /** `IVMTask.Cancel` on a task that cannot be cancelled. */
  E_FAIL: 0x80004005,
  /** A bad non-path argument (e.g. a size <= 0). */
  E_INVALIDARG: 0x80070057,
  /** An unexpected error. */
  DISP_E_EXCEPTION: 0x80020009,
  /** Win32 2: the file does not exist. */
  E_FILE_NOT_FOUND: 0x80070002,
  /** Win32 3: the path does not exist. */
  E_PATH_NOT_FOUND: 0x80070003,
  /** Win32 15: the drive does not exist. */
  E_INVALID_DRIVE: 0x8007000f,
  /** Win32 32: the file is in use. */
  E_SHARING_VIOLATION: 0x80070020,
  /** Win32 111: a path is 260 characters or longer. */
  E_BUFFER_OVERFLOW: 0x8007006f,
  /** Win32 112: not enough free space on the volume. */
  E_DISK_FULL: 0x80070070,
  /** Win32 123: a path holds an invalid character. */
  E_INVALID_NAME: 0x8007007b,
  /** Win32 161: no usable absolute path was given. */
  E_BAD_PATHNAME: 0x800700a1,
  /** Win32 183: something already exists at the path. */
  E_ALREADY_EXISTS: 0x800700b7,
  /** Timed out. */
  VM_E_TIMED_OUT: 0xa0040202,
  /** Unknown virtual machine. */
  VM_E_VM_UNKNOWN: 0xa0040207,
  /** The application has started shutting down. */
  VM_E_APP_SHUTTING_DOWN: 0xa0040209,
  /** Invalid drive. */
  VM_E_DRIVE_INVALID: 0xa0040502,
  /** Invalid differencing drive parent path. */
  VM_E_PARENT_PATH_NOT_FOUND: 0xa0040677,
  /** The host volume cannot hold a file of this size. */
  VM_E_FILE_TOO_LARGE_FOR_VOLUME: 0xa0040679,
  /** The file is read-only. */
  VM_E_FILE_READ_ONLY: 0xa004067a,
  /** Wrong hard disk image type for this operation. */
  VM_E_WRONG_HD_IMAGE_TYPE: 0xa004067b,
  /** The hard disk image could not be opened. */
  VM_E_HD_IMAGE_OPEN_FAIL: 0xa004067c,
  /** Host drive not found. */
  VM_E_HOST_DRIVE_NOT_FOUND: 0xa004067e,
  /** Hard disk image access error. */
  VM_E_HD_IMAGE_ACCESS: 0xa0040681,
  /** Not a valid virtual hard disk file. */
  VM_E_INVALID_HD_FILE: 0xa0040682,
  /** Image size too large. */
  VM_E_IMAGE_SIZE_TOO_LARGE: 0xa0040683,
  /** Image size too small. */
  VM_E_IMAGE_SIZE_TOO_SMALL: 0xa0040684,
  /** The parent's identifier differs from the one the child records. */
  VM_E_PARENT_CHILD_ID_MISMATCH: 0xa0040685,
  /** Drive in use. */
  VM_E_DRIVE_IN_USE: 0xa0040727,
} as const;

/** The name of an HRESULT vs-api knows: `'E_ALREADY_EXISTS'`. */
export type HResultName = keyof typeof HRESULT;

/** An HRESULT: an unsigned 32-bit number. */
export type HResult = number;

/** What each HRESULT means, in the words of HRESULTS.md. */
export const HRESULT_TEXT: Readonly<Record<HResultName, string>> = {
  S_OK: 'success',
  S_FALSE: 'success, no',
  E_POINTER: 'a required argument or out-parameter is null',
  E_FAIL: 'the operation failed',
  E_INVALIDARG: 'an argument is invalid',
  DISP_E_EXCEPTION: 'an unexpected error occurred',
  E_FILE_NOT_FOUND: 'the file does not exist',
  E_PATH_NOT_FOUND: 'the path does not exist',
  E_INVALID_DRIVE: 'the drive does not exist',
  E_SHARING_VIOLATION: 'the file is in use',
  E_BUFFER_OVERFLOW: 'the path is too long',
  E_DISK_FULL: 'not enough free space on the host volume',
  E_INVALID_NAME: 'the path holds an invalid character',
  E_BAD_PATHNAME: 'no absolute path was given',
  E_ALREADY_EXISTS: 'something already exists at the path',
  VM_E_TIMED_OUT: 'timed out',
  VM_E_VM_UNKNOWN: 'unknown virtual machine',
  VM_E_APP_SHUTTING_DOWN: 'the application has started shutting down',
  VM_E_DRIVE_INVALID: 'invalid drive',
  VM_E_PARENT_PATH_NOT_FOUND: 'invalid differencing drive parent path',
  VM_E_FILE_TOO_LARGE_FOR_VOLUME: 'host volume cannot hold a file of this size',
  VM_E_FILE_READ_ONLY: 'file is read-only',
  VM_E_WRONG_HD_IMAGE_TYPE: 'wrong hard disk image type for this operation',
  VM_E_HD_IMAGE_OPEN_FAIL: 'hard disk image could not be opened',
  VM_E_HOST_DRIVE_NOT_FOUND: 'host drive not found',
  VM_E_HD_IMAGE_ACCESS: 'hard disk image access error',
  VM_E_INVALID_HD_FILE: 'not a valid virtual hard disk file',
  VM_E_IMAGE_SIZE_TOO_LARGE: 'image size too large',
  VM_E_IMAGE_SIZE_TOO_SMALL: 'image size too small',
  VM_E_PARENT_CHILD_ID_MISMATCH: "parent's identifier differs from the one the child records",
  VM_E_DRIVE_IN_USE: 'drive in use',
};

const NAMES: ReadonlyMap<number, HResultName> = new Map(
  (Object.entries(HRESULT) as Array<[HResultName, number]>).map(([name, value]) => [value, name]),
);

/** The name of `hresult` (`'E_ALREADY_EXISTS'`), or `undefined` for a value vs-api does not know. */
export function hresultName(hresult: number): HResultName | undefined {
  return isHresultValue(hresult) ? NAMES.get(hresult >>> 0) : undefined;
}

/**
 * Whether `value` can be an HRESULT: a whole number within -2^31..2^32-1 (signed or unsigned
 * 32 bits). `NaN`, fractions, larger numbers and non-numbers are not (they never read as S_OK).
 */
export function isHresultValue(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 32;
}

/**
 * `hresult` as `0x%08X`: `0x800700B7`. Negative (signed) values are read as unsigned; a value
 * that cannot be an HRESULT reads `not an HRESULT: NaN`.
 */
export function formatHresultHex(hresult: number): string {
  if (!isHresultValue(hresult)) return `not an HRESULT: ${String(hresult)}`;
  return `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** `hresult` with its name: `E_ALREADY_EXISTS (0x800700B7)`; just the hex for unknown values. */
export function formatHresult(hresult: number): string {
  const name = hresultName(hresult);
  const hex = formatHresultHex(hresult);
  return name === undefined ? hex : `${name} (${hex})`;
}

/** Whether `hresult` reports success (severity bit clear): S_OK, S_FALSE. */
export function succeeded(hresult: number): boolean {
  return isHresultValue(hresult) && hresult >>> 0 < 0x80000000;
}

/** `IVMTask.Result`: how a task ended. */
export const VMTaskResult = {
  /** The task succeeded (also the value while it runs). */
  Success: 0,
  /** The task was cancelled. */
  Cancelled: 1,
  /** An unexpected error. */
  UnexpectedError: 2,
  /** Out of memory. */
  OutOfMemoryError: 3,
  /** A disk-related error (I/O failure, volume full). */
  DiskRelatedError: 4,
  /** Incompatible saved state. */
  IncompatibleSavedStateError: 5,
  /** Timed out. */
  TimeOutError: 6,
  /** An illegal value. */
  IllegalValueError: 7,
  /** A worker thread crashed. */
  ThreadCrashError: 8,
} as const;

/** One value of {@link VMTaskResult}. */
export type VMTaskResult = (typeof VMTaskResult)[keyof typeof VMTaskResult];

/** `IVMHardDisk.Type`: the kind of a virtual hard disk. */
export const VMHardDiskType = {
  /** A dynamically expanding image. */
  Dynamic: 0,
  /** A fixed-size image. */
  FixedSize: 1,
  /** A differencing image. */
  Differencing: 2,
  /** A physical host drive. */
  HostDrive: 4,
} as const;

/** One value of {@link VMHardDiskType}. */
export type VMHardDiskType = (typeof VMHardDiskType)[keyof typeof VMHardDiskType];

/** `VMFloppyDiskImageType`: the kind of a floppy image (only 1 and 2 can be created). */
export const VMFloppyDiskImageType = {
  /** Not known. */
  Unknown: 0,
  /** 720 KB. */
  LowDensity: 1,
  /** 1.44 MB. */
  HighDensity: 2,
  /** 1.68 MB, Distribution Media Format. */
  DMF: 3,
  /** Single-sided low density (360 KB). */
  LowDensitySingleSided: 4,
  /** 1.2 MB. */
  MediumDensity: 5,
  /** High density with multiple sector sizes (XDF). */
  HighDensityMSS: 6,
} as const;

/** One value of {@link VMFloppyDiskImageType}. */
export type VMFloppyDiskImageType =
  (typeof VMFloppyDiskImageType)[keyof typeof VMFloppyDiskImageType];

/**
 * The names of IVMHardDisk's readable properties, in the order of its documentation, for tools
 * that walk them (the CLI's `vskit vs disk <path> <Property>`). The conformance suite writes its
 * own list from the specification, as it does every HRESULT: a subject cannot agree with it by
 * sharing a constant.
 */
export const HARD_DISK_PROPERTIES = [
  'File',
  'Type',
  'SizeInGuest',
  'SizeOnHost',
  'HostFreeDiskSpace',
  'HostDriveIdentifier',
  'Parent',
] as const;

/** One of {@link HARD_DISK_PROPERTIES}. */
export type HardDiskProperty = (typeof HARD_DISK_PROPERTIES)[number];
