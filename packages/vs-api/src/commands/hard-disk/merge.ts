/**
 * IVMHardDisk.Merge: writes this differencing disk into its immediate parent, as a task.
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';
import { formatUuid, merge as mergeLayers } from '@vskit/vhd-format';
import { VsError } from '../../errors.js';
import { readHeld, startInPlaceChange } from '../../in-place-change.js';
import { findParent } from '../../parent-resolution.js';
import { requireRunning, type ServerContext } from '../../server-context.js';
import type { VMTask } from '../../task.js';
import { type HeldVhd, holdDiskOfType } from './held-disk.js';

/** Steps 7 and 12: E_SHARING_VIOLATION when the footer says the disk belongs to a saved state. */
function requireNoSavedState(contents: HeldVhd, argument: string): void {
  if (contents.footer.savedState !== 0) {
    throw new VsError('E_SHARING_VIOLATION', argument, 'the disk belongs to a saved state');
  }
}

/**
 * Every check of SEMANTICS.md "IVMHardDisk.Merge" in its order, then the task that merges.
 * Both files stay open, sharing nothing, from their checks to the end of the task.
 */
export async function merge(context: ServerContext, path: WindowsPath): Promise<VMTask> {
  const { host } = context;
  // 1. E_POINTER: the COM face's out-parameter.
  // 2. VM_E_APP_SHUTTING_DOWN
  requireRunning(host);
  const text = windowsPath.format(path);
  return startInPlaceChange(context, `Merge virtual hard disk ${text}`, async (holder) => {
    // 3-6. E_FILE_NOT_FOUND, E_SHARING_VIOLATION, VM_E_INVALID_HD_FILE, and
    // VM_E_WRONG_HD_IMAGE_TYPE: not differencing.
    const { disk: child, contents } = await holdDiskOfType(host, holder, path, 'differencing');
    // 7. E_SHARING_VIOLATION: this disk belongs to a saved state.
    requireNoSavedState(contents, 'disk');
    // 8. VM_E_FILE_READ_ONLY: this disk (the merge empties it).
    if (child.readOnly !== undefined) throw child.readOnly;
    // 9. VM_E_PARENT_PATH_NOT_FOUND
    const ref = contents.parent;
    const parentPath = ref === undefined ? undefined : await findParent(host, ref, path);
    if (ref === undefined || parentPath === undefined) {
      throw new VsError('VM_E_PARENT_PATH_NOT_FOUND', 'disk', `the parent of '${text}'`);
    }
    if (windowsPath.pathKey(parentPath) === windowsPath.pathKey(path)) {
      throw new VsError('VM_E_INVALID_HD_FILE', 'disk', `'${text}' names itself as its parent`);
    }
    // 10. E_SHARING_VIOLATION: the parent in use.
    const parent = await holder.hold(parentPath, 'parent');
    // 11. VM_E_INVALID_HD_FILE / VM_E_HD_IMAGE_OPEN_FAIL; VM_E_PARENT_CHILD_ID_MISMATCH; the
    //     parent's virtual size.
    const parentContents = await readHeld(parent, 'parent');
    if (parentContents.kind !== 'vhd') {
      throw new VsError('VM_E_INVALID_HD_FILE', 'parent', 'the parent is a host-drive image');
    }
    const found = formatUuid(parentContents.footer.uniqueId);
    if (found !== formatUuid(ref.uniqueId)) {
      throw new VsError(
        'VM_E_PARENT_CHILD_ID_MISMATCH',
        'parent',
        `the parent found is ${found}, the disk records ${formatUuid(ref.uniqueId)}`,
      );
    }
    if (parentContents.virtualSize !== contents.virtualSize) {
      throw new VsError(
        'VM_E_INVALID_HD_FILE',
        'disk',
        `the disk is ${contents.virtualSize} bytes, its parent ${parentContents.virtualSize}`,
      );
    }
    // 12. E_SHARING_VIOLATION: the parent belongs to a saved state.
    requireNoSavedState(parentContents, 'parent');
    // 13. VM_E_FILE_READ_ONLY: the parent.
    if (parent.readOnly !== undefined) throw parent.readOnly;

    const parentText = windowsPath.format(parentPath);
    return async (options) => {
      await mergeLayers(child.file, parent.file, {
        // The parent is the target: nothing lies between, so no other layer is opened.
        openParent: async () => undefined,
        maxDepth: 0,
        signal: options.signal,
        onProgress: options.onProgress,
        // The parent's time as the host has it once its last write is durable.
        parentModified: async () => (await host.stat(parentText))?.mtime,
      });
    };
  });
}
