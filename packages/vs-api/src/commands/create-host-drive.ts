/**
 * IVMVirtualServer.CreateHostDriveVirtualHardDisk: an image linked to a physical drive of the
 * host (see `host-drive-image.ts` for the file it writes).
 * @module
 */
import { type HostDriveInfo, windowsPath } from '@vskit/host';
import { VsError } from '../errors.js';
import {
  encodeHostDriveImage,
  HOST_DRIVE_IMAGE_BYTES,
  MAX_HOST_DRIVE_ID_UNITS,
} from '../host-drive-image.js';
import {
  checkFileFitsVolume,
  checkFreeSpace,
  checkVirtualSize,
  MIN_FREE_BYTES,
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

/**
 * `mountReadOnly` as COM's VARIANT_BOOL: a boolean, or a number (0 false, anything else true);
 * E_INVALIDARG for anything else.
 */
function requireBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value !== 0;
  throw new VsError('E_INVALIDARG', 'mountReadOnly', 'is not a boolean');
}

/** Check 8: the host drive of that identifier (case-insensitive), or VM_E_HOST_DRIVE_NOT_FOUND. */
function findHostDrive(drives: readonly HostDriveInfo[], id: string): HostDriveInfo {
  const key = id.toUpperCase();
  const drive = drives.find((d) => d.id.toUpperCase() === key);
  if (drive === undefined) {
    throw new VsError(
      'VM_E_HOST_DRIVE_NOT_FOUND',
      'hostDriveIdentifier',
      `the host has no drive '${id}'`,
    );
  }
  return drive;
}

/**
 * Checks, in order: 1 E_POINTER (imagePath, hostDriveIdentifier), then E_INVALIDARG
 * (hostDriveIdentifier not a string or longer than 128 UTF-16 units, mountReadOnly not a
 * boolean or number); 2 VM_E_APP_SHUTTING_DOWN; 3 E_INVALID_NAME; 4 E_BAD_PATHNAME;
 * 5 E_BUFFER_OVERFLOW; 6 E_PATH_NOT_FOUND; 7 E_ALREADY_EXISTS; 8 VM_E_HOST_DRIVE_NOT_FOUND;
 * 9 VM_E_IMAGE_SIZE_TOO_LARGE / TOO_SMALL on the drive's size; 10 VM_E_FILE_TOO_LARGE_FOR_VOLUME
 * (never: the file is one sector); 11 E_DISK_FULL below 8 MB free. The image is read-only when
 * `mountReadOnly` asks for it or the host has the drive mounted.
 */
export async function createHostDriveVirtualHardDisk(
  context: ServerContext,
  imagePathArgument: PathArgument,
  hostDriveIdentifierArgument: PathArgument,
  mountReadOnlyArgument: unknown,
): Promise<VMTask> {
  const { host } = context;
  const imagePath = requirePath(imagePathArgument, 'imagePath');
  const id = requirePath(hostDriveIdentifierArgument, 'hostDriveIdentifier');
  if (id.length > MAX_HOST_DRIVE_ID_UNITS) {
    throw new VsError(
      'E_INVALIDARG',
      'hostDriveIdentifier',
      `is ${id.length} characters long; at most ${MAX_HOST_DRIVE_ID_UNITS}`,
    );
  }
  const mountReadOnly = requireBool(mountReadOnlyArgument);
  requireRunning(host);
  checkCharacters(imagePath, 'imagePath');
  const image = requireAbsolute(imagePath, 'imagePath');
  checkGivenLength(imagePath, 'imagePath');
  checkResolvedLength(image, 'imagePath');

  return startCreation(
    context,
    image,
    `Create host drive virtual hard disk ${windowsPath.format(image)}`,
    async (reserved) => {
      const location = await checkNewImagePath(host, image, reserved);
      const drive = findHostDrive(host.hostDrives?.() ?? [], id);
      checkVirtualSize(drive.sizeBytes, 'hostDriveIdentifier');
      checkFileFitsVolume(location.volume, HOST_DRIVE_IMAGE_BYTES, 'imagePath');
      checkFreeSpace(location.volume, MIN_FREE_BYTES, 'imagePath');
      return (uniqueId) => ({
        missingFolders: location.missingFolders,
        write: (file) =>
          file.write(
            encodeHostDriveImage({
              hostDriveIdentifier: drive.id,
              sizeBytes: drive.sizeBytes,
              readOnly: mountReadOnly || drive.mounted,
              uniqueId,
              created: host.now(),
            }),
            0,
          ),
      });
    },
  );
}
