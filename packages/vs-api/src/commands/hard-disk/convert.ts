/**
 * IVMHardDisk.Convert: writes this disk (flattened) into a new fixed or dynamic image, as a task.
 * @module
 */
import type { WindowsPath } from '@vskit/host';
import type { VMHardDiskType } from '../../hresult.js';
import type { PathArgument } from '../../paths.js';
import type { ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';
import { type FlattenRules, flattenToNewImage } from './flatten.js';

/**
 * Convert's rules: an empty path is E_BAD_PATHNAME (Virtual Server's page; no `.vhd` rule);
 * a fixed, dynamic or differencing disk (flattened) is converted.
 */
const CONVERT: FlattenRules = {
  member: 'Convert',
  pathArgument: 'convertedDiskImagePath',
  typeArgument: 'convertedDiskImageType',
  emptyPathIsInvalidArg: false,
  sources: ['fixed', 'dynamic', 'differencing'],
};

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Convert" in its order, then the task that writes the
 * new image: this disk (a chain flattened) as a Dynamic or FixedSize image. This disk is only
 * read.
 */
export function convert(
  context: ServerContext,
  path: WindowsPath,
  convertedDiskImagePath: PathArgument,
  convertedDiskImageType: VMHardDiskType,
): Promise<VMTask> {
  return flattenToNewImage(context, CONVERT, path, convertedDiskImagePath, convertedDiskImageType);
}
