/**
 * IVMVirtualServer.GetHardDisk: the facts of an existing image and its chain.
 * @module
 */
import { isChainFailure, readDiskChain } from '../disk-files.js';
import { requireExistingFile } from '../existing-file.js';
import { checkFailure, imageFailure } from '../failures.js';
import { hardDiskOf, type VMHardDisk } from '../hard-disk.js';
import type { PathArgument } from '../paths.js';
import type { ServerContext } from '../server-context.js';

/**
 * Checks, in order: E_POINTER (null path), E_INVALID_NAME, E_BAD_PATHNAME (empty or relative:
 * there is no other path to resolve it against), E_BUFFER_OVERFLOW, E_PATH_NOT_FOUND (no such
 * volume, or a folder on the way is missing or a file), E_FILE_NOT_FOUND (nothing, or a folder,
 * at the path). Then a host-drive image is read as one (VM_E_INVALID_HD_FILE when damaged), and
 * anything else opens as a chain, strictly (see `STRICT_OPEN`):
 * VM_E_HD_IMAGE_OPEN_FAIL (the host cannot open or read a layer), VM_E_INVALID_HD_FILE (a layer
 * is not a valid VHD, the chain is too deep or has a cycle), VM_E_PARENT_PATH_NOT_FOUND (no
 * parent candidate is a file on the host), VM_E_PARENT_CHILD_ID_MISMATCH (a parent's UUID
 * differs from the one its child records). Shutdown does not refuse it: it changes nothing.
 */
export async function getHardDisk(
  context: ServerContext,
  pathArgument: PathArgument,
): Promise<VMHardDisk> {
  try {
    const { path, stat } = await requireExistingFile(context, pathArgument, 'path');
    try {
      return hardDiskOf(context, await readDiskChain(context.host, path, stat));
    } catch (failure) {
      throw imageFailure(isChainFailure(failure) ? failure.error : failure, 'path');
    }
  } catch (error) {
    throw checkFailure(error);
  }
}
