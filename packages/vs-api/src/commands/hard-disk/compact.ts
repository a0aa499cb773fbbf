/**
 * IVMHardDisk.Compact: gives back the space of blocks that hold nothing, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';

import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Compact" in its order, then the task that compacts.
 */
export async function compact(context: ServerContext, path: WindowsPath): Promise<VMTask> {
  void context;
  void path;
  throw new VsError('DISP_E_EXCEPTION', undefined, 'compact: not implemented yet');
}
