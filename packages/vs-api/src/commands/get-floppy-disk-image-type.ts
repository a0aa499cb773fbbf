/**
 * IVMVirtualServer.GetFloppyDiskImageType: the type of a floppy image, told by its size.
 * @module
 */
import { VsError } from '../errors.js';
import { requireExistingFile } from '../existing-file.js';
import { floppyTypeOfSize } from '../floppy-image.js';
import type { VMFloppyDiskImageType } from '../hresult.js';
import type { PathArgument } from '../paths.js';
import type { ServerContext } from '../server-context.js';

/**
 * Checks 1-6 of GetHardDisk on `imagePath` (E_POINTER, E_INVALID_NAME, E_BAD_PATHNAME,
 * E_BUFFER_OVERFLOW, E_PATH_NOT_FOUND, E_FILE_NOT_FOUND); then the type whose image has the
 * file's size, or DISP_E_EXCEPTION (documented: the file is not a floppy image). The content is
 * not read.
 */
export async function getFloppyDiskImageType(
  context: ServerContext,
  imagePath: PathArgument,
): Promise<VMFloppyDiskImageType> {
  const { stat, file } = await requireExistingFile(context, imagePath, 'imagePath');
  const type = floppyTypeOfSize(stat.size);
  if (type === undefined) {
    throw new VsError(
      'DISP_E_EXCEPTION',
      'imagePath',
      `'${file}' is not a floppy image: no floppy holds ${stat.size} bytes`,
    );
  }
  return type;
}
