/**
 * IVMHardDisk.Merge: writes this differencing disk into its immediate parent, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';

import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Merge" in its order, then the task that merges.
 */
export async function merge(context: ServerContext, path: WindowsPath): Promise<VMTask> {
  void context;
  void path;
  throw new VsError('DISP_E_EXCEPTION', undefined, 'merge: not implemented yet');
}
