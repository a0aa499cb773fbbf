/**
 * IVMHardDisk.MergeTo: flattens this differencing disk and its ancestors into a new image, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';
import type { VMHardDiskType } from '../../hresult.js';
import type { PathArgument } from '../../paths.js';
import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.MergeTo" in its order, then the task that writes the new image.
 */
export async function mergeTo(
  context: ServerContext,
  path: WindowsPath,
  newDiskImagePath: PathArgument,
  newDiskImageType: VMHardDiskType,
): Promise<VMTask> {
  void context;
  void path;
  throw new VsError('DISP_E_EXCEPTION', undefined, 'mergeTo: not implemented yet');
}
