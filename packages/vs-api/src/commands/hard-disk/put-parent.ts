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
import { accessFailure, type HeldImage, holdToChange } from '../../image-access.js';
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
 * Check 8: the parent's volume and every folder on the way to it exist (E_PATH_NOT_FOUND), and
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
 * Check 9: the parent's footer, the file opened `read` (sharing `readWrite`, as the properties
 * open it) and decoded strictly alone: E_SHARING_VIOLATION when a handle held with no sharing
 * refuses the open (the parent in use), VM_E_HD_IMAGE_OPEN_FAIL when the host cannot open or
 * read it otherwise, VM_E_HD_IMAGE_ACCESS when it is not a valid VHD (a host-drive image
 * neither).
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
    throw accessFailure(error, PARENT, false) ?? propertyFailure(error, PARENT);
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

/** What checks 5 and 6 read of this disk. */
interface ChildFacts {
  readonly footer: Footer;
  /** The parent UUID it records. */
  readonly recorded: Uint8Array;
}

/**
 * Checks 5 and 6 on the disk held for the change: it decodes strictly (VM_E_HD_IMAGE_ACCESS; a
 * read the host refuses VM_E_HD_IMAGE_OPEN_FAIL), and it is differencing
 * (VM_E_WRONG_HD_IMAGE_TYPE; a host-drive image is not).
 */
async function readChild(file: HostFile): Promise<ChildFacts> {
  let type: string;
  let facts: ChildFacts | undefined;
  try {
    const head = new Uint8Array(16);
    const count = await file.read(head, 0);
    if (hasHostDriveCookie(head.subarray(0, count))) {
      type = 'a host-drive image';
    } else {
      const image = await openImage(borrowed(file), STRICT_OPEN);
      type = image.type;
      const recorded = image.header?.parentUniqueId;
      if (recorded !== undefined) facts = { footer: image.footer, recorded };
      await image.close();
    }
  } catch (error) {
    // 5. VM_E_HD_IMAGE_ACCESS / VM_E_HD_IMAGE_OPEN_FAIL
    throw propertyFailure(error, DISK);
  }
  // 6. VM_E_WRONG_HD_IMAGE_TYPE
  if (type !== 'differencing' || facts === undefined) {
    throw new VsError('VM_E_WRONG_HD_IMAGE_TYPE', DISK, `the disk is ${type}, not differencing`);
  }
  return facts;
}

/**
 * Checks 10 and 11: `parent` is the disk this one was made from (VM_E_PARENT_CHILD_ID_MISMATCH)
 * and has its virtual size (E_INVALIDARG).
 */
function checkRelation(child: ChildFacts, parent: Footer): void {
  // 10. VM_E_PARENT_CHILD_ID_MISMATCH
  if (!child.recorded.every((byte, i) => byte === parent.uniqueId[i])) {
    throw new VsError(
      'VM_E_PARENT_CHILD_ID_MISMATCH',
      PARENT,
      "the parent's UUID differs from the one the disk records: it is not the disk it was made from",
    );
  }
  // 11. E_INVALIDARG
  if (parent.currentSize !== child.footer.currentSize) {
    throw new VsError(
      'E_INVALIDARG',
      PARENT,
      `the parent's virtual size ${parent.currentSize} differs from the disk's ${child.footer.currentSize}`,
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
  // 4. E_SHARING_VIOLATION: this disk in use; it is held, sharing nothing, to the end
  let held: HeldImage;
  try {
    held = await holdToChange(host, path, DISK);
  } catch (error) {
    throw propertyFailure(error, DISK);
  }
  const { file } = held;
  try {
    // 5. VM_E_HD_IMAGE_ACCESS, 6. VM_E_WRONG_HD_IMAGE_TYPE
    const child = await readChild(file);
    // 7. VM_E_FILE_READ_ONLY
    if (held.readOnly !== undefined) throw held.readOnly;
    // 8. E_PATH_NOT_FOUND / E_FILE_NOT_FOUND: the parent's folder, then its file
    const parentStat = await requireParent(host, parent);
    // 9. E_SHARING_VIOLATION / VM_E_HD_IMAGE_OPEN_FAIL / VM_E_HD_IMAGE_ACCESS: the parent alone
    //    (this disk itself, held here, is read through the handle already open)
    const parentFooter = windowsPath.samePath(parent, path)
      ? child.footer
      : await readParentFooter(host, parent);
    // 10. VM_E_PARENT_CHILD_ID_MISMATCH, 11. E_INVALIDARG
    checkRelation(child, parentFooter);
    // 12. The new parent facts written (a host failure: E_DISK_FULL, ... see ioFailure)
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
