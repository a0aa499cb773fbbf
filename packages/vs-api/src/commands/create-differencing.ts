/**
 * IVMVirtualServer.CreateDifferencingVirtualHardDisk: every check of SEMANTICS.md in its order,
 * then a task that writes the child.
 * @module
 */
import { type Host, type WindowsPath, windowsPath } from '@vskit/host';
import {
  createDifferencing,
  expandedFileSize,
  type Footer,
  locatorSpaceFor,
  openImage,
} from '@vskit/vhd-format';

import { imageFailure } from '../failures.js';
import { STRICT_OPEN } from '../image-open.js';
import {
  checkFileFitsVolume,
  checkFreeSpace,
  checkVirtualSize,
  MIN_FREE_BYTES,
} from '../limits.js';
import { parentNames } from '../parent-names.js';
import {
  checkCharacters,
  checkGivenLength,
  checkNewImagePath,
  checkResolvedLength,
  type PathArgument,
  requireParentFile,
  requirePath,
  resolvePair,
} from '../paths.js';
import { requireRunning, type ServerContext, startCreation } from '../server-context.js';
import type { VMTask } from '../task.js';
import { creationOptions } from './creator.js';

/** What check 8 learns from the parent. */
interface ParentFacts {
  readonly footer: Footer;
  readonly blockSizeBytes: number | undefined;
  readonly virtualSize: number;
}

/**
 * Check 8: the parent opens read-only and decodes as a VHD, strictly (see `STRICT_OPEN`).
 * VM_E_HD_IMAGE_OPEN_FAIL when the host cannot open or read it, VM_E_INVALID_HD_FILE when it is
 * not structurally valid. Only the parent file itself is read: its own ancestors are not needed
 * to create a child of it.
 */
async function readParent(host: Host, parent: WindowsPath): Promise<ParentFacts> {
  let file: Awaited<ReturnType<Host['open']>>;
  try {
    file = await host.open(windowsPath.format(parent), 'read');
  } catch (error) {
    throw imageFailure(error, 'parentPath');
  }
  try {
    const image = await openImage(file, STRICT_OPEN);
    const facts: ParentFacts = {
      footer: image.footer,
      blockSizeBytes: image.header?.blockSize,
      virtualSize: image.virtualSize,
    };
    await image.close();
    return facts;
  } catch (error) {
    await file.close().catch(() => {});
    throw imageFailure(error, 'parentPath');
  }
}

/**
 * Checks every argument in SEMANTICS.md's order and returns the task that writes the child, or
 * rejects with the VsError of the first failing check (nothing on any volume changes then).
 */
export async function createDifferencingVirtualHardDisk(
  context: ServerContext,
  imagePathArgument: PathArgument,
  parentPathArgument: PathArgument,
): Promise<VMTask> {
  const { host } = context;
  // 1. E_POINTER
  const imagePath = requirePath(imagePathArgument, 'imagePath');
  const parentPath = requirePath(parentPathArgument, 'parentPath');
  // 2. VM_E_APP_SHUTTING_DOWN
  requireRunning(host);
  // 3. E_INVALID_NAME
  checkCharacters(imagePath, 'imagePath');
  checkCharacters(parentPath, 'parentPath');
  // 4. E_BAD_PATHNAME (both relative); resolution of the relative one against the other's folder
  const { image, parent } = resolvePair(imagePath, parentPath);
  // 5. E_BUFFER_OVERFLOW, given then resolved
  checkGivenLength(imagePath, 'imagePath');
  checkGivenLength(parentPath, 'parentPath');
  checkResolvedLength(image, 'imagePath');
  checkResolvedLength(parent, 'parentPath');

  const imageText = windowsPath.format(image);
  return startCreation(
    context,
    image,
    `Create differencing virtual hard disk ${imageText}`,
    async (reserved) => {
      // 6. E_PATH_NOT_FOUND: the parent's volume and file, then (with 7. E_ALREADY_EXISTS) the
      //    image's volume and folder
      const parentStat = await requireParentFile(host, parent);
      const location = await checkNewImagePath(host, image, reserved);
      // 8. VM_E_INVALID_HD_FILE / VM_E_HD_IMAGE_OPEN_FAIL
      const facts = await readParent(host, parent);
      // 9. VM_E_IMAGE_SIZE_TOO_LARGE / VM_E_IMAGE_SIZE_TOO_SMALL on the parent's virtual size
      checkVirtualSize(facts.virtualSize, 'parentPath');
      // 10. VM_E_FILE_TOO_LARGE_FOR_VOLUME on the child fully expanded
      const names = parentNames(image, parent);
      const blockSize =
        facts.blockSizeBytes === undefined ? {} : { blockSizeBytes: facts.blockSizeBytes };
      const expanded = expandedFileSize({
        type: 'differencing',
        sizeBytes: facts.footer.currentSize,
        ...blockSize,
        locatorDataBytes:
          locatorSpaceFor(names.absolutePath.length) +
          (names.relativePath === undefined ? 0 : locatorSpaceFor(names.relativePath.length)),
      });
      checkFileFitsVolume(location.volume, expanded, 'imagePath');
      // 11. E_DISK_FULL below 8 MB free
      checkFreeSpace(location.volume, MIN_FREE_BYTES, 'imagePath');

      return (uniqueId) => ({
        missingFolders: location.missingFolders,
        write: (file, options) =>
          createDifferencing(file, {
            ...creationOptions(host.now(), uniqueId, options),
            keepParentGeometry: true,
            parent: {
              footer: facts.footer,
              ...blockSize,
              modified: parentStat.mtime,
              ...names,
            },
          }),
      });
    },
  );
}
