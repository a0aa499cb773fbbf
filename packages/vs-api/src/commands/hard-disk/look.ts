/**
 * How an IVMHardDisk property looks at its file when it is read: the steps the properties
 * share, each with its HRESULT (SEMANTICS.md "IVMHardDisk properties").
 * @module
 */
import type { Host, HostStat, WindowsPath } from '@vskit/host';
import { windowsPath } from '@vskit/host';
import { isVhdFormatError } from '@vskit/vhd-format';
import { type Layer, readLayer } from '../../disk-files.js';
import { VsError } from '../../errors.js';
import { hostErrorIn } from '../../failures.js';
import { HostDriveImageError } from '../../host-drive-image.js';
import type { HResultName } from '../../hresult.js';
import { statEntry } from '../../paths.js';

/**
 * Step 1: E_FILE_NOT_FOUND when nothing, or a folder, is at the disk's path now (a folder on
 * the way gone too). A host failure while looking is `onHostFailure`.
 */
export async function requireImageFile(
  host: Host,
  path: WindowsPath,
  property: string,
  onHostFailure: HResultName,
): Promise<HostStat> {
  const file = windowsPath.format(path);
  let stat: HostStat | undefined;
  try {
    stat = await statEntry(host, path);
  } catch (error) {
    throw new VsError(onHostFailure, property, `'${file}' cannot be examined`, { cause: error });
  }
  if (stat?.kind !== 'file') {
    throw new VsError(
      'E_FILE_NOT_FOUND',
      property,
      `'${file}' ${stat === undefined ? 'no longer exists' : 'is a folder now'}`,
    );
  }
  return stat;
}

/**
 * The HRESULT of a failure to read an image file for a property: VM_E_HD_IMAGE_OPEN_FAIL when
 * the host cannot open or read it (in use with no sharing, access refused, I/O error);
 * VM_E_DRIVE_INVALID for a footer whose disk type is none of fixed, dynamic and differencing
 * when `badType` says so (Type); VM_E_HD_IMAGE_ACCESS for any other way it is not a valid image.
 */
export function propertyFailure(error: unknown, property: string, badType = false): VsError {
  if (error instanceof VsError) return error;
  const host = hostErrorIn(error);
  if (host !== undefined) {
    return new VsError('VM_E_HD_IMAGE_OPEN_FAIL', property, host.message, { cause: error });
  }
  if (badType && isVhdFormatError(error, 'BAD_DISK_TYPE')) {
    return new VsError('VM_E_DRIVE_INVALID', property, error.message, { cause: error });
  }
  if (isVhdFormatError(error) || error instanceof HostDriveImageError) {
    return new VsError('VM_E_HD_IMAGE_ACCESS', property, error.message, { cause: error });
  }
  return new VsError('VM_E_HD_IMAGE_OPEN_FAIL', property, String(error), { cause: error });
}

/**
 * Steps 1 and 2 of Type, SizeInGuest and HostDriveIdentifier: the file is there
 * (E_FILE_NOT_FOUND), then it opens and decodes alone ({@link propertyFailure}).
 */
export async function lookAtLayer(
  host: Host,
  path: WindowsPath,
  property: string,
  badType = false,
): Promise<Layer> {
  await requireImageFile(host, path, property, 'VM_E_HD_IMAGE_OPEN_FAIL');
  try {
    return await readLayer(host, path);
  } catch (error) {
    throw propertyFailure(error, property, badType);
  }
}
