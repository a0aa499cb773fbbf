/**
 * Which HRESULT a failure of the host or of the VHD engine becomes: while opening an existing
 * image (a parent, or `getHardDisk`), and when a creation task fails.
 * @module
 */
import { type HostError, isHostError } from '@vskit/host';
import { isVhdFormatError } from '@vskit/vhd-format';
import { VsError } from './errors.js';
import { HostDriveImageError } from './host-drive-image.js';
import { HRESULT, VMTaskResult } from './hresult.js';
import type { TaskFailure } from './task.js';

/** The first {@link HostError} in `error` or its chain of causes. */
export function hostErrorIn(error: unknown): HostError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (isHostError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The VsError for a failure while opening or reading an existing image (or its chain):
 * - PARENT_ID_MISMATCH -> VM_E_PARENT_CHILD_ID_MISMATCH;
 * - PARENT_NOT_FOUND -> VM_E_PARENT_PATH_NOT_FOUND;
 * - a host failure (can't open, can't read) -> VM_E_HD_IMAGE_OPEN_FAIL;
 * - any other VhdFormatError (cookie, checksum, header, truncated, chain too deep, cycle), or a
 *   damaged host-drive image -> VM_E_INVALID_HD_FILE;
 * - a VsError stays as it is; anything else -> VM_E_HD_IMAGE_OPEN_FAIL.
 */
export function imageFailure(error: unknown, argument: string): VsError {
  if (error instanceof VsError) return error;
  if (isVhdFormatError(error, 'PARENT_ID_MISMATCH')) {
    return new VsError('VM_E_PARENT_CHILD_ID_MISMATCH', argument, error.message, { cause: error });
  }
  if (isVhdFormatError(error, 'PARENT_NOT_FOUND')) {
    return new VsError('VM_E_PARENT_PATH_NOT_FOUND', argument, error.message, { cause: error });
  }
  const host = hostErrorIn(error);
  if (host !== undefined) {
    return new VsError('VM_E_HD_IMAGE_OPEN_FAIL', argument, host.message, { cause: error });
  }
  if (isVhdFormatError(error) || error instanceof HostDriveImageError) {
    return new VsError('VM_E_INVALID_HD_FILE', argument, error.message, { cause: error });
  }
  return new VsError('VM_E_HD_IMAGE_OPEN_FAIL', argument, String(error), { cause: error });
}

/**
 * How a failed task is reported, a creation's or a change in place (Merge, Compact). Result is
 * always DiskRelatedError (4); Error is
 * - E_DISK_FULL when the host ran out of space (ENOSPC);
 * - VM_E_FILE_TOO_LARGE_FOR_VOLUME when the host refused the file's size (EFBIG);
 * - E_ALREADY_EXISTS when another process created the image first (EEXIST);
 * - E_SHARING_VIOLATION when another handle's share mode refused an open (EBUSY);
 * - VM_E_FILE_READ_ONLY when the host refused a write to a read-only file or volume (EPERM,
 *   EROFS);
 * - DISP_E_EXCEPTION for anything else.
 */
export function creationFailure(error: unknown): TaskFailure {
  const host = hostErrorIn(error);
  let hresult: number = HRESULT.DISP_E_EXCEPTION;
  if (error instanceof VsError) hresult = error.hresult;
  else if (host?.code === 'ENOSPC') hresult = HRESULT.E_DISK_FULL;
  else if (host?.code === 'EFBIG') hresult = HRESULT.VM_E_FILE_TOO_LARGE_FOR_VOLUME;
  else if (host?.code === 'EEXIST') hresult = HRESULT.E_ALREADY_EXISTS;
  else if (host?.code === 'EBUSY') hresult = HRESULT.E_SHARING_VIOLATION;
  else if (host?.code === 'EPERM' || host?.code === 'EROFS') {
    hresult = HRESULT.VM_E_FILE_READ_ONLY;
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    hresult,
    result: VMTaskResult.DiskRelatedError,
    description: new VsError(hresult, 'imagePath', message).message,
  };
}

/**
 * The VsError for a host failure while a method changes an existing image in place, without a
 * task (IVMHardDisk's Parent put): the HRESULT a task's failure gets ({@link creationFailure}:
 * E_DISK_FULL for ENOSPC, E_SHARING_VIOLATION for EBUSY, VM_E_FILE_READ_ONLY for EPERM, ...,
 * DISP_E_EXCEPTION for anything else); a VsError stays as it is.
 */
export function ioFailure(error: unknown, argument: string | undefined): VsError {
  if (error instanceof VsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VsError(creationFailure(error).hresult, argument, message, { cause: error });
}

/** A check phase failure as a VsError: VsErrors as they are, anything else DISP_E_EXCEPTION. */
export function checkFailure(error: unknown): VsError {
  if (error instanceof VsError) return error;
  return new VsError(
    'DISP_E_EXCEPTION',
    undefined,
    error instanceof Error ? error.message : String(error),
    { cause: error },
  );
}
