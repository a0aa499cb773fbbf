/**
 * IVMHardDisk.HostFreeDiskSpace, read from the host.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';

/**
 * E_BAD_PATHNAME when the host no longer has the image's volume; else the bytes free on it
 * now. The file itself is not looked at: the volume answers even when the file is gone.
 */
export async function getHostFreeDiskSpace(host: Host, path: WindowsPath): Promise<number> {
  const volume = host.volumeInfo(path.drive);
  if (volume === undefined) {
    throw new VsError(
      'E_BAD_PATHNAME',
      'HostFreeDiskSpace',
      `the host has no volume ${path.drive}:`,
    );
  }
  return volume.freeBytes;
}
