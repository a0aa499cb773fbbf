/**
 * IVMVirtualServer.CreateFloppyDiskImage: a new, FAT12-formatted floppy image, written before
 * the call returns (no task).
 * @module
 */
import { occupiedBytes } from '@vskit/host';
import { VsError } from '../errors.js';
import { floppyImageBytes, formatFloppy, isCreatableFloppyType } from '../floppy-image.js';
import { checkFreeSpace } from '../limits.js';
import {
  checkCharacters,
  checkGivenLength,
  checkNewImagePath,
  checkResolvedLength,
  type PathArgument,
  requireAbsolute,
  requirePath,
} from '../paths.js';
import { createWithoutTask, type ServerContext } from '../server-context.js';

/**
 * Checks, in order: 1 E_POINTER (imagePath), then E_INVALIDARG (imageType is neither
 * LowDensity 1 nor HighDensity 2); 3 E_INVALID_NAME; 4 E_BAD_PATHNAME; 5 E_BUFFER_OVERFLOW;
 * 6 E_PATH_NOT_FOUND; 7 E_ALREADY_EXISTS; 8 E_DISK_FULL (less free than the image occupies in
 * whole clusters). Shutdown does not refuse it (no such code is documented). Then the image is
 * written as every creation writes (temporary file, sync, no-replace rename, folder sync); a
 * failure there rejects with E_DISK_FULL, E_ALREADY_EXISTS or DISP_E_EXCEPTION and leaves
 * nothing.
 */
export async function createFloppyDiskImage(
  context: ServerContext,
  imagePathArgument: PathArgument,
  imageType: unknown,
): Promise<void> {
  const { host } = context;
  const imagePath = requirePath(imagePathArgument, 'imagePath');
  if (!isCreatableFloppyType(imageType)) {
    throw new VsError(
      'E_INVALIDARG',
      'imageType',
      `${String(imageType)} is not LowDensity (1) or HighDensity (2)`,
    );
  }
  checkCharacters(imagePath, 'imagePath');
  const image = requireAbsolute(imagePath, 'imagePath');
  checkGivenLength(imagePath, 'imagePath');
  checkResolvedLength(image, 'imagePath');
  await createWithoutTask(context, image, async (reserved) => {
    const location = await checkNewImagePath(host, image, reserved);
    const size = floppyImageBytes(imageType);
    checkFreeSpace(location.volume, occupiedBytes(size, location.volume.clusterBytes), 'imagePath');
    const bytes = formatFloppy(imageType, host.randomBytes(4));
    return {
      missingFolders: location.missingFolders,
      write: (file) => file.write(bytes, 0),
    };
  });
}
