/**
 * The shared checks of CreateDynamicVirtualHardDisk and CreateFixedVirtualHardDisk, in
 * SEMANTICS.md's order, then the task that writes the image.
 * @module
 */
import type { HostFile } from '@vskit/host';
import { occupiedBytes, windowsPath } from '@vskit/host';
import { type CreateOptions, expandedFileSize } from '@vskit/vhd-format';
import {
  checkFileFitsVolume,
  checkFreeSpace,
  checkVirtualSize,
  MB,
  MIN_FREE_BYTES,
  requireSizeMB,
} from '../limits.js';
import {
  checkCharacters,
  checkGivenLength,
  checkNewImagePath,
  checkResolvedLength,
  type PathArgument,
  requireAbsolute,
  requirePath,
} from '../paths.js';
import { requireRunning, type ServerContext, startCreation } from '../server-context.js';
import type { VMTask } from '../task.js';
import { creationOptions } from './creator.js';

/** How one kind of sized image is written. */
export interface SizedImageKind {
  /** `'dynamic'` or `'fixed'`. */
  readonly type: 'dynamic' | 'fixed';
  /** Words for the task's description: `'dynamically expanding'`, `'fixed-size'`. */
  readonly label: string;
  /** Writes an image of `sizeBytes` into `file`, with the engine options of every creation. */
  readonly write: (file: HostFile, o: CreateOptions & { sizeBytes: number }) => Promise<void>;
}

/**
 * Checks, in order: 1 E_POINTER (imagePath), E_INVALIDARG (sizeMB), 2 VM_E_APP_SHUTTING_DOWN,
 * 3 E_INVALID_NAME, 4 E_BAD_PATHNAME (empty or relative), 5 E_BUFFER_OVERFLOW, 6 E_PATH_NOT_FOUND,
 * 7 E_ALREADY_EXISTS, 9 VM_E_IMAGE_SIZE_TOO_LARGE / TOO_SMALL on sizeMB,
 * 10 VM_E_FILE_TOO_LARGE_FOR_VOLUME (dynamic: fully expanded; fixed: file size),
 * 11 E_DISK_FULL (dynamic: below 8 MB free; fixed: below the file's size in whole clusters).
 */
export async function createSizedImage(
  context: ServerContext,
  kind: SizedImageKind,
  imagePathArgument: PathArgument,
  sizeMBArgument: unknown,
): Promise<VMTask> {
  const { host } = context;
  const imagePath = requirePath(imagePathArgument, 'imagePath');
  const sizeMB = requireSizeMB(sizeMBArgument);
  requireRunning(host);
  checkCharacters(imagePath, 'imagePath');
  const image = requireAbsolute(imagePath, 'imagePath');
  checkGivenLength(imagePath, 'imagePath');
  checkResolvedLength(image, 'imagePath');

  const sizeBytes = sizeMB * MB;
  return startCreation(
    context,
    image,
    `Create ${kind.label} virtual hard disk ${windowsPath.format(image)}`,
    async (reserved) => {
      const location = await checkNewImagePath(host, image, reserved);
      checkVirtualSize(sizeBytes, 'sizeMB');
      const fileBytes = expandedFileSize({ type: kind.type, sizeBytes });
      checkFileFitsVolume(location.volume, fileBytes, 'sizeMB');
      checkFreeSpace(
        location.volume,
        kind.type === 'fixed'
          ? occupiedBytes(fileBytes, location.volume.clusterBytes)
          : MIN_FREE_BYTES,
        'imagePath',
      );
      return (uniqueId) => ({
        missingFolders: location.missingFolders,
        write: (file, options) =>
          kind.write(file, { ...creationOptions(host.now(), uniqueId, options), sizeBytes }),
      });
    },
  );
}
