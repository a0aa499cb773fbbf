/**
 * IVMVirtualServer.CreateFixedVirtualHardDisk.
 * @module
 */
import { createFixed } from '@vskit/vhd-format';
import type { PathArgument } from '../paths.js';
import type { ServerContext } from '../server-context.js';
import type { VMTask } from '../task.js';
import { createSizedImage, type SizedImageKind } from './sized-image.js';

const FIXED: SizedImageKind = {
  type: 'fixed',
  label: 'fixed-size',
  write: (file, o) => createFixed(file, { ...o, exactSize: true, zeroFill: 'write' }),
};

/**
 * Checks every argument in SEMANTICS.md's order and returns the task that writes a fixed-size
 * image of exactly `sizeMB` MB, not rounded to a CHS capacity (SEMANTICS.md, *(decision)*): the
 * data, zeros, then the footer. The zeros are really written, 1 MiB at
 * a time, so the space is allocated and the task reports progress as it writes *(decision)*.
 */
export function createFixedVirtualHardDisk(
  context: ServerContext,
  imagePath: PathArgument,
  sizeMB: unknown,
): Promise<VMTask> {
  return createSizedImage(context, FIXED, imagePath, sizeMB);
}
