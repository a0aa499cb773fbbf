/**
 * IVMHardDisk.Type, read from the file.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { DISK_TYPES } from '../../disk-files.js';
import { VMHardDiskType } from '../../hresult.js';
import { lookAtLayer } from './look.js';

/**
 * 1 E_FILE_NOT_FOUND, 2 VM_E_HD_IMAGE_OPEN_FAIL (the host cannot open or read it),
 * VM_E_DRIVE_INVALID (a footer of another disk type), VM_E_HD_IMAGE_ACCESS (not a valid
 * image otherwise); then HostDrive for a host-drive image, else the footer's type.
 */
export async function getType(host: Host, path: WindowsPath): Promise<VMHardDiskType> {
  const layer = await lookAtLayer(host, path, 'Type', true);
  return layer.kind === 'host-drive' ? VMHardDiskType.HostDrive : DISK_TYPES[layer.type];
}
