/**
 * IVMVirtualServer.CreateDynamicVirtualHardDisk.
 * @module
 */
import { createDynamic } from '@vskit/vhd-format';
import type { PathArgument } from '../paths.js';
import type { ServerContext } from '../server-context.js';
import type { VMTask } from '../task.js';
import { createSizedImage, type SizedImageKind } from './sized-image.js';

const DYNAMIC: SizedImageKind = {
  type: 'dynamic',
  label: 'dynamically expanding',
  write: createDynamic,
};

/**
 * Checks every argument in SEMANTICS.md's order and returns the task that writes a dynamically
 * expanding image of `sizeMB` MB (2 MiB blocks, nothing allocated).
 */
export function createDynamicVirtualHardDisk(
  context: ServerContext,
  imagePath: PathArgument,
  sizeMB: unknown,
): Promise<VMTask> {
  return createSizedImage(context, DYNAMIC, imagePath, sizeMB);
}
