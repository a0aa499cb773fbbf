/**
 * IVMHardDisk.Parent (put): re-links this differencing disk to the parent disk given.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';

import type { ServerContext } from '../../server-context.js';

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Parent (put)" in its order, then the child's header rewritten to name `parent`.
 */
export async function putParent(
  context: ServerContext,
  path: WindowsPath,
  parent: WindowsPath,
): Promise<void> {
  void context;
  void path;
  throw new VsError('DISP_E_EXCEPTION', undefined, 'putParent: not implemented yet');
}
