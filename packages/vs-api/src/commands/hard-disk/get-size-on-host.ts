/**
 * IVMHardDisk.SizeOnHost, read from the host.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { requireImageFile } from './look.js';

/**
 * 1 E_FILE_NOT_FOUND (as Windows Virtual PC documents it), a host failure while looking
 * DISP_E_EXCEPTION; then the file's size. The file is not opened, so a file in use still
 * answers.
 */
export async function getSizeOnHost(host: Host, path: WindowsPath): Promise<number> {
  return (await requireImageFile(host, path, 'SizeOnHost', 'DISP_E_EXCEPTION')).size;
}
