/**
 * IVMHardDisk.HostDriveIdentifier, read from the file.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';
import { lookAtLayer } from './look.js';

/**
 * 1 E_FILE_NOT_FOUND, 2 VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS (a damaged host-drive
 * image, or a damaged VHD), 3 `null` (S_FALSE) when it is not a host-drive image,
 * 4 VM_E_HOST_DRIVE_NOT_FOUND when the host no longer has the drive (identifiers compare
 * case-insensitively); then the identifier the image records.
 */
export async function getHostDriveIdentifier(
  host: Host,
  path: WindowsPath,
): Promise<string | null> {
  const layer = await lookAtLayer(host, path, 'HostDriveIdentifier');
  if (layer.kind !== 'host-drive') return null;
  const id = layer.image.hostDriveIdentifier;
  const key = id.toUpperCase();
  if (!(host.hostDrives?.() ?? []).some((drive) => drive.id.toUpperCase() === key)) {
    throw new VsError(
      'VM_E_HOST_DRIVE_NOT_FOUND',
      'HostDriveIdentifier',
      `the host has no drive ${id}`,
    );
  }
  return id;
}
