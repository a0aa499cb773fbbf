/**
 * IVMHardDisk.Compact: gives back the space of blocks that hold nothing, as a task.
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';
import { compact as compactImage } from '@vskit/vhd-format';
import { startInPlaceChange } from '../../in-place-change.js';
import { requireRunning, type ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';
import { holdDiskOfType } from './held-disk.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Compact" in its order, then the task that compacts.
 * The file stays open, sharing nothing, from its checks to the end of the task.
 */
export async function compact(context: ServerContext, path: WindowsPath): Promise<VMTask> {
  const { host } = context;
  // 1. E_POINTER: the COM face's out-parameter.
  // 2. VM_E_APP_SHUTTING_DOWN
  requireRunning(host);
  const text = windowsPath.format(path);
  return startInPlaceChange(context, `Compact virtual hard disk ${text}`, async (holder) => {
    // 3-6. E_FILE_NOT_FOUND, E_SHARING_VIOLATION, VM_E_INVALID_HD_FILE, and
    // VM_E_WRONG_HD_IMAGE_TYPE: not dynamic.
    const { disk } = await holdDiskOfType(host, holder, path, 'dynamic');
    // 7. VM_E_FILE_READ_ONLY
    if (disk.readOnly !== undefined) throw disk.readOnly;
    // E_DISK_FULL is no check: the compaction works in place and never grows the file.
    return async (options) => {
      await compactImage(disk.file, { signal: options.signal, onProgress: options.onProgress });
    };
  });
}
