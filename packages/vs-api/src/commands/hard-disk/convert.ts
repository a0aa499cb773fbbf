/**
 * IVMHardDisk.Convert: writes this disk (flattened) into a new fixed or dynamic image, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';
import type { VMHardDiskType } from '../../hresult.js';
import type { PathArgument } from '../../paths.js';
import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Convert" in its order, then the task that writes the new image.
 */
export async function convert(
  context: ServerContext,
  path: WindowsPath,
  convertedDiskImagePath: PathArgument,
  convertedDiskImageType: VMHardDiskType,
): Promise<VMTask> {
  void context;
  void path;
  throw new VsError('DISP_E_EXCEPTION', undefined, 'convert: not implemented yet');
}
