/**
 * IVMHardDisk.Parent (put): re-links this differencing disk to the parent disk given, in
 * place and without a task (vhd-format's `rebase`: parent UUID checked, parent time, Unicode
 * name and the W2ku / W2ru locators rewritten).
 * @module
 */
import {
  type Host,
  type HostFile,
  type HostStat,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import { type Footer, openImage, type RandomAccessFile, rebase } from '@vskit/vhd-format';
import { VsError } from '../../errors.js';
import { ioFailure } from '../../failures.js';
import { hasHostDriveCookie } from '../../host-drive-image.js';
import { openToChange } from '../../image-access.js';
import { STRICT_OPEN } from '../../image-open.js';
import { parentNames } from '../../parent-names.js';
import { statEntry } from '../../paths.js';
import { requireRunning, type ServerContext } from '../../server-context.js';
import { propertyFailure, requireImageFile } from './look.js';

/** The argument name of this disk in failures. */
const DISK = 'disk';
/** The argument name of the parent given. */
const PARENT = 'parent';

/**
 * Check 4: the parent's volume and every folder on the way to it exist (E_PATH_NOT_FOUND), and
 * a file is at its path (E_FILE_NOT_FOUND). A host failure while looking is
 * VM_E_HD_IMAGE_OPEN_FAIL. Resolves to the parent's facts (its mtime is the recorded time).
 */
async function requireParent(host: Host, parent: WindowsPath): Promise<HostStat> {
  const shown = windowsPath.format(parent);
  if (host.volumeInfo(parent.drive) === undefined) {
    throw new VsError('E_PATH_NOT_FOUND', PARENT, `the host has no volume ${parent.drive}:`);
  }
  const folder = windowsPath.dirname(parent);
  let folderThere = true;
  let file: HostStat | undefined;
  try {
    if (folder.segments.length > 0) {
      folderThere = (await statEntry(host, folder))?.kind === 'directory';
    }
    if (folderThere) file = await statEntry(host, parent);
  } catch (error) {
    throw new VsError('VM_E_HD_IMAGE_OPEN_FAIL', PARENT, `'${shown}' cannot be examined`, {
      cause: error,
    });
  }
  if (!folderThere) {
    throw new VsError('E_PATH_NOT_FOUND', PARENT, `the folder of '${shown}' does not exist`);
  }
  if (file?.kind !== 'file') {
    throw new VsError(
      'E_FILE_NOT_FOUND',
      PARENT,
      `'${shown}' ${file === undefined ? 'no longer exists' : 'is a folder now'}`,
    );
  }
  return file;
}

/**
 * Check 5: the parent's footer, the file opened `read` (sharing `readWrite`, as the properties
 * open it) and decoded strictly alone: VM_E_HD_IMAGE_OPEN_FAIL when the host cannot open or read
 * it, VM_E_HD_IMAGE_ACCESS when it is not a valid VHD (a host-drive image neither).
 */
async function readParentFooter(host: Host, parent: WindowsPath): Promise<Footer> {
  let file: HostFile | undefined;
  try {
    file = await host.open(windowsPath.format(parent), 'read');
    const image = await openImage(file, STRICT_OPEN);
    file = undefined;
    // The footer is read: a failed close of a file only read changes nothing.
    await image.close().catch(() => {});
    return image.footer;
  } catch (error) {
    throw propertyFailure(error, PARENT);
  } finally {
    await file?.close().catch(() => {});
  }
}

/** `file` as a RandomAccessFile whose `close` leaves it open (a look before the change). */
function borrowed(file: HostFile): RandomAccessFile {
  return {
    read: (buffer, position) => file.read(buffer, position),
    write: (buffer, position) => file.write(buffer, position),
    size: () => file.size(),
    truncate: (length) => file.truncate(length),
    sync: () => file.sync(),
    close: async () => {},
  };
}

/**
 * Checks 7 to 10 on the child opened to change: it decodes strictly (VM_E_HD_IMAGE_ACCESS; a
 * read the host refuses VM_E_HD_IMAGE_OPEN_FAIL), it is differencing (VM_E_WRONG_HD_IMAGE_TYPE;
 * a host-drive image is not), it records `parent`'s UUID (VM_E_PARENT_CHILD_ID_MISMATCH) and has
 * its virtual size (E_INVALIDARG).
 */
async function checkChild(file: HostFile, parent: Footer): Promise<void> {
  let type: string;
  let recorded: Uint8Array | undefined;
  let size: number;
  try {
    const head = new Uint8Array(16);
    const count = await file.read(head, 0);
    if (hasHostDriveCookie(head.subarray(0, count))) {
      type = 'a host-drive image';
      recorded = undefined;
      size = 0;
    } else {
      const image = await openImage(borrowed(file), STRICT_OPEN);
      type = image.type;
      recorded = image.header?.parentUniqueId;
      size = image.virtualSize;
      await image.close();
    }
  } catch (error) {
    // 7. VM_E_HD_IMAGE_ACCESS / VM_E_HD_IMAGE_OPEN_FAIL
    throw propertyFailure(error, DISK);
  }
  // 8. VM_E_WRONG_HD_IMAGE_TYPE
  if (type !== 'differencing' || recorded === undefined) {
    throw new VsError('VM_E_WRONG_HD_IMAGE_TYPE', DISK, `the disk is ${type}, not differencing`);
  }
  // 9. VM_E_PARENT_CHILD_ID_MISMATCH
  if (!recorded.every((byte, i) => byte === parent.uniqueId[i])) {
    throw new VsError(
      'VM_E_PARENT_CHILD_ID_MISMATCH',
      PARENT,
      "the parent's UUID differs from the one the disk records: it is not the disk it was made from",
    );
  }
  // 10. E_INVALIDARG
  if (parent.currentSize !== size) {
    throw new VsError(
      'E_INVALIDARG',
      PARENT,
      `the parent's virtual size ${parent.currentSize} differs from the disk's ${size}`,
    );
  }
}

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Parent (put)" in its order, then the child's header
 * rewritten to name `parent` (its place now, its file time, its name); rejects with the VsError
 * of the first failing check, and then nothing on any volume has changed.
 */
export async function putParent(
  context: ServerContext,
  path: WindowsPath,
  parent: WindowsPath,
): Promise<void> {
  const { host } = context;
  // (1. E_POINTER is the faces': a null parent disk.)
  // 2. VM_E_APP_SHUTTING_DOWN
  requireRunning(host);
  // 3. E_FILE_NOT_FOUND: this disk's file
  await requireImageFile(host, path, DISK, 'VM_E_HD_IMAGE_OPEN_FAIL');
  // 4. E_PATH_NOT_FOUND / E_FILE_NOT_FOUND: the parent's folder, then its file
  const parentStat = await requireParent(host, parent);
  // 5. VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS: the parent alone
  const parentFooter = await readParentFooter(host, parent);
  // 6. E_SHARING_VIOLATION / VM_E_FILE_READ_ONLY / VM_E_HD_IMAGE_OPEN_FAIL: this disk opened to
  //    change, sharing nothing, until the end
  let file: HostFile;
  try {
    file = await openToChange(host, path, DISK);
  } catch (error) {
    throw propertyFailure(error, DISK);
  }
  try {
    // 7-10 (the child decodes, is differencing, names this parent, has its size)
    await checkChild(file, parentFooter);
    // 11. The new parent facts written (a host failure: E_DISK_FULL, ... see ioFailure)
    try {
      await rebase(file, {
        parent: { footer: parentFooter, modified: parentStat.mtime, ...parentNames(path, parent) },
      });
    } catch (error) {
      throw ioFailure(error, DISK);
    }
  } finally {
    // The change is durable before the close (rebase syncs): a failed close changes nothing.
    await file.close().catch(() => {});
  }
}
