/**
 * IVMHardDisk.SizeInGuest, read from the file.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { lookAtLayer } from './look.js';

/**
 * 1 E_FILE_NOT_FOUND, 2 VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS; then the footer's
 * current size (a host-drive image: the drive's size it recorded when it was made).
 */
export async function getSizeInGuest(host: Host, path: WindowsPath): Promise<number> {
  const layer = await lookAtLayer(host, path, 'SizeInGuest');
  return layer.kind === 'host-drive' ? layer.image.sizeBytes : layer.virtualSize;
}
