/**
 * The checks Merge and Compact open with, in their SEMANTICS.md order: the disk is there, is not
 * in use, is a valid VHD, and is of the type the method works on.
 * @module
 */
import { type Host, type WindowsPath, windowsPath } from '@vskit/host';
import { VsError } from '../../errors.js';
import {
  type HeldContents,
  type HeldForChange,
  type ImageHolder,
  readHeld,
} from '../../in-place-change.js';
import { requireImageFile } from './look.js';

/** What a held VHD holds. */
export type HeldVhd = Extract<HeldContents, { kind: 'vhd' }>;

/**
 * Checks 3 to 6 of Merge and Compact: E_FILE_NOT_FOUND (nothing, or a folder, at `path` now),
 * E_SHARING_VIOLATION (the disk in use; it is then held, sharing nothing), VM_E_INVALID_HD_FILE
 * or VM_E_HD_IMAGE_OPEN_FAIL (see `readHeld`), and VM_E_WRONG_HD_IMAGE_TYPE when it is not a VHD
 * of `type`. Gives the held disk and what it holds.
 */
export async function holdDiskOfType(
  host: Host,
  holder: ImageHolder,
  path: WindowsPath,
  type: HeldVhd['type'],
): Promise<{ disk: HeldForChange; contents: HeldVhd }> {
  // 3. E_FILE_NOT_FOUND
  await requireImageFile(host, path, 'disk', 'VM_E_HD_IMAGE_OPEN_FAIL');
  // 4. E_SHARING_VIOLATION
  const disk = await holder.hold(path, 'disk');
  // 5. VM_E_INVALID_HD_FILE / VM_E_HD_IMAGE_OPEN_FAIL
  const contents = await readHeld(disk, 'disk');
  // 6. VM_E_WRONG_HD_IMAGE_TYPE
  if (contents.kind !== 'vhd' || contents.type !== type) {
    const is = contents.kind === 'vhd' ? contents.type : 'a host-drive image';
    throw new VsError('VM_E_WRONG_HD_IMAGE_TYPE', 'disk', `'${windowsPath.format(path)}' is ${is}`);
  }
  return { disk, contents };
}
