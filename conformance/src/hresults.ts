/**
 * The HRESULT and VMTaskResult numbers the suite expects, written out from the specification
 * (HRESULTS.md) rather than imported from the implementation under test, so a subject cannot
 * agree with the suite by sharing a wrong constant.
 * @module
 */

/** The HRESULTs the conformance suite checks for, as unsigned 32-bit numbers. */
export const HR = {
  S_OK: 0x00000000,
  S_FALSE: 0x00000001,
  E_POINTER: 0x80004003,
  E_FAIL: 0x80004005,
  E_INVALIDARG: 0x80070057,
  DISP_E_EXCEPTION: 0x80020009,
  E_FILE_NOT_FOUND: 0x80070002,
  E_PATH_NOT_FOUND: 0x80070003,
  E_BUFFER_OVERFLOW: 0x8007006f,
  E_DISK_FULL: 0x80070070,
  E_INVALID_NAME: 0x8007007b,
  E_BAD_PATHNAME: 0x800700a1,
  E_ALREADY_EXISTS: 0x800700b7,
  E_SHARING_VIOLATION: 0x80070020,
  VM_E_DRIVE_INVALID: 0xa0040502,
  VM_E_FILE_READ_ONLY: 0xa004067a,
  VM_E_HOST_DRIVE_NOT_FOUND: 0xa004067e,
  VM_E_HD_IMAGE_ACCESS: 0xa0040681,
  VM_E_APP_SHUTTING_DOWN: 0xa0040209,
  VM_E_PARENT_PATH_NOT_FOUND: 0xa0040677,
  VM_E_FILE_TOO_LARGE_FOR_VOLUME: 0xa0040679,
  VM_E_HD_IMAGE_OPEN_FAIL: 0xa004067c,
  VM_E_INVALID_HD_FILE: 0xa0040682,
  VM_E_IMAGE_SIZE_TOO_LARGE: 0xa0040683,
  VM_E_IMAGE_SIZE_TOO_SMALL: 0xa0040684,
  VM_E_PARENT_CHILD_ID_MISMATCH: 0xa0040685,
  VM_E_WRONG_HD_IMAGE_TYPE: 0xa004067b,
} as const;

/** The name of an HRESULT the suite knows. */
export type HrName = keyof typeof HR;

/** VMTaskResult values (IVMTask.Result). */
export const TASK_RESULT = {
  Success: 0,
  Cancelled: 1,
  UnexpectedError: 2,
  DiskRelatedError: 4,
} as const;

/** VMHardDiskType values (IVMHardDisk.Type). */
export const HARD_DISK_TYPE = {
  Dynamic: 0,
  FixedSize: 1,
  Differencing: 2,
  HostDrive: 4,
} as const;

/** VMFloppyDiskImageType values, and the image size in bytes that tells each. */
export const FLOPPY_TYPE_BY_SIZE: ReadonlyMap<number, number> = new Map([
  [368_640, 4],
  [737_280, 1],
  [1_228_800, 5],
  [1_474_560, 2],
  [1_720_320, 3],
  [1_884_160, 6],
]);

/**
 * An HRESULT a subject returned, as an unsigned number; NaN for anything that is not a number
 * (a missing return value must not read as S_OK).
 */
export function asHresult(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value >>> 0 : Number.NaN;
}

/** The name of a known HRESULT (`E_POINTER`), or `undefined`. */
export function nameOfHr(hr: number): HrName | undefined {
  return (Object.keys(HR) as HrName[]).find((key) => HR[key] === hr >>> 0);
}

/** `E_ALREADY_EXISTS (0x800700B7)` for a known code, `0x12345678` otherwise; a value that is not
 * a finite number as itself (`undefined`, `NaN`). */
export function describeHr(hr: unknown): string {
  if (typeof hr !== 'number' || !Number.isFinite(hr)) return String(hr);
  const hex = `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const name = nameOfHr(hr);
  return name === undefined ? hex : `${name} (${hex})`;
}
