/**
 * IVMHardDisk.Parent (get), read from the files.
 * @module
 */
import type { Host, WindowsPath } from '@vskit/host';
import { isVhdFormatError } from '@vskit/vhd-format';
import { type DiskFacts, isChainFailure, readDiskChain } from '../../disk-files.js';
import { VsError } from '../../errors.js';
import { lookAtLayer, propertyFailure, requireImageFile } from './look.js';

/**
 * 1 E_FILE_NOT_FOUND (this disk's file), 2 VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS
 * (this disk alone), 3 `null` (S_FALSE) when it is not a differencing disk, 4 the chain from
 * this disk opens as GetHardDisk opens it: E_FILE_NOT_FOUND when no candidate of the parent is
 * a file, E_PATH_NOT_FOUND when one further up is missing (the parent's own chain is broken),
 * VM_E_PARENT_CHILD_ID_MISMATCH when a parent's UUID differs from what its child records,
 * VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS for a parent the host cannot read or that is
 * not valid. Resolves to the facts of the parent and its ancestors, nearest first.
 */
export async function getParent(host: Host, path: WindowsPath): Promise<DiskFacts[] | null> {
  const stat = await requireImageFile(host, path, 'Parent', 'VM_E_HD_IMAGE_OPEN_FAIL');
  const layer = await lookAtLayer(host, path, 'Parent');
  if (layer.kind !== 'vhd' || layer.type !== 'differencing') return null;
  try {
    return (await readDiskChain(host, path, stat)).slice(1);
  } catch (failure) {
    if (!isChainFailure(failure)) throw propertyFailure(failure, 'Parent');
    const { error, parentsFound } = failure;
    if (isVhdFormatError(error, 'PARENT_NOT_FOUND')) {
      throw new VsError(
        parentsFound === 0 ? 'E_FILE_NOT_FOUND' : 'E_PATH_NOT_FOUND',
        'Parent',
        error.message,
        { cause: error },
      );
    }
    if (isVhdFormatError(error, 'PARENT_ID_MISMATCH')) {
      throw new VsError('VM_E_PARENT_CHILD_ID_MISMATCH', 'Parent', error.message, { cause: error });
    }
    throw propertyFailure(error, 'Parent');
  }
}
