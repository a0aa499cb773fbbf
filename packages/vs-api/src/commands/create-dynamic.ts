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
  write: (file, o) => createDynamic(file, { ...o, exactSize: true }),
};

/**
 * Checks every argument in SEMANTICS.md's order and returns the task that writes a dynamically
 * expanding image of exactly `sizeMB` MB, not rounded to a CHS capacity (SEMANTICS.md,
 * *(decision)*), with 2 MiB blocks and nothing allocated.
 */
export function createDynamicVirtualHardDisk(
  context: ServerContext,
  imagePath: PathArgument,
  sizeMB: unknown,
): Promise<VMTask> {
  return createSizedImage(context, DYNAMIC, imagePath, sizeMB);
}
