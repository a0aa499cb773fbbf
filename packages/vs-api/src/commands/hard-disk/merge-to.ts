/**
 * IVMHardDisk.MergeTo: flattens this differencing disk and its ancestors into a new image, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import type { VMHardDiskType } from '../../hresult.js';
import type { PathArgument } from '../../paths.js';
import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';
import { type FlattenRules, flattenToNewImage } from './flatten.js';

/** MergeTo's rules: an empty path is E_INVALIDARG; only a differencing disk is merged. */
const MERGE_TO: FlattenRules = {
  member: 'MergeTo',
  pathArgument: 'newDiskImagePath',
  typeArgument: 'newDiskImageType',
  emptyPathIsInvalidArg: true,
  sources: ['differencing'],
};

/**
 * Every check of SEMANTICS.md "IVMHardDisk.MergeTo" in its order, then the task that writes the
 * new image: this disk's chain, flattened, as a Dynamic or FixedSize image. Nothing existing is
 * written.
 */
export function mergeTo(
  context: ServerContext,
  path: WindowsPath,
  newDiskImagePath: PathArgument,
  newDiskImageType: VMHardDiskType,
): Promise<VMTask> {
  return flattenToNewImage(context, MERGE_TO, path, newDiskImagePath, newDiskImageType);
}
