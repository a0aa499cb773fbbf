/**
 * A task that changes existing images in place (IVMHardDisk's Merge and Compact): the images
 * are held from the checks to the end of the task, sharing nothing, so no virtual machine,
 * other method or other process opens them meanwhile; the engine's operation runs on them with
 * the task's signal and progress; then each is synced and closed. A failure of the checks
 * closes what they held and changes nothing.
 * @module
 */
import type { Host, HostFile, WindowsPath } from '@vskit/host';
import { type Footer, openImage, type ParentReference } from '@vskit/vhd-format';
import { readHostDrive } from './disk-files.js';
import type { VsError } from './errors.js';
import { checkFailure, creationFailure, imageFailure } from './failures.js';
import { holdToChange } from './image-access.js';
import { STRICT_OPEN } from './image-open.js';
import type { ServerContext } from './server-context.js';
import { type AbortSignalLike, formatGuid, VMTask } from './task.js';
import { yieldingFile } from './yielding-file.js';

/** An image the checks hold for the change. */
export interface HeldForChange {
  /**
   * The file for the engine: its writes let the event loop turn (see `yieldingFile`) and its
   * `close` does nothing, as the task closes the handle itself once it has synced it.
   */
  readonly file: HostFile;
  /** VM_E_FILE_READ_ONLY when the host refused writing the image, for the check that answers it. */
  readonly readOnly: VsError | undefined;
}

/** What an image held for a change holds, read from its file. */
export type HeldContents =
  | { readonly kind: 'host-drive' }
  | {
      readonly kind: 'vhd';
      readonly type: 'fixed' | 'dynamic' | 'differencing';
      readonly footer: Footer;
      readonly virtualSize: number;
      readonly parent: ParentReference | undefined;
    };

/** Holds images for the change: what the checks are given. */
export interface ImageHolder {
  /**
   * Opens the image at `path` (see `holdToChange`: E_SHARING_VIOLATION when it is in use) and
   * keeps it until the task ends. Any other host failure is VM_E_HD_IMAGE_OPEN_FAIL.
   */
  hold(path: WindowsPath, argument: string): Promise<HeldForChange>;
}

/** What the engine's operation is given besides the held files. */
export interface ChangeOptions {
  /** Aborted when the task is cancelled. */
  readonly signal: AbortSignalLike;
  /** Progress in the operation's own unit. */
  readonly onProgress: (done: number, total: number) => void;
}

/** The change the checks settled on: runs the engine's operation over the held files. */
export type InPlaceChange = (options: ChangeOptions) => Promise<void>;

/**
 * Reads what the held image is: a host-drive image (by its cookie), or a VHD opened strictly
 * (see `STRICT_OPEN`). VM_E_INVALID_HD_FILE when it is not a valid VHD, VM_E_HD_IMAGE_OPEN_FAIL
 * when the host cannot read it (see `imageFailure`).
 */
export async function readHeld(held: HeldForChange, argument: string): Promise<HeldContents> {
  try {
    if ((await readHostDrive(held.file)) !== undefined) return { kind: 'host-drive' };
    const image = await openImage(held.file, STRICT_OPEN);
    await image.close();
    return {
      kind: 'vhd',
      type: image.type,
      footer: image.footer,
      virtualSize: image.virtualSize,
      parent: image.parent,
    };
  } catch (error) {
    throw imageFailure(error, argument);
  }
}

/** The engine's face of a held handle: writes yield now and then, close is the task's. */
function engineFace(file: HostFile): HostFile {
  const yielding = yieldingFile(file);
  return { ...yielding, close: async () => {} };
}

async function closeAll(files: readonly HostFile[]): Promise<void> {
  for (const file of files) await file.close().catch(() => {});
}

/**
 * Runs `checks` (which hold the images they need through the {@link ImageHolder}) and, when
 * they pass, starts the task that runs the change they return. Every failure of the checks is a
 * VsError (see `checkFailure`), and the images held are closed then, unchanged. The task:
 * the change, then `sync` and `close` of every held handle in the order held, then Success
 * (atomically with a last cancellation check). When the change fails or is cancelled the
 * handles are closed and the task ends with Result DiskRelatedError and the HRESULT
 * `creationFailure` names (E_DISK_FULL, E_SHARING_VIOLATION, VM_E_FILE_READ_ONLY,
 * DISP_E_EXCEPTION), or Cancelled; what the images read is then the change's own promise.
 */
export async function startInPlaceChange(
  context: ServerContext,
  description: string,
  checks: (holder: ImageHolder) => Promise<InPlaceChange>,
): Promise<VMTask> {
  const { host } = context;
  const handles: HostFile[] = [];
  const holder: ImageHolder = {
    async hold(path, argument) {
      const held = await holdImage(host, path, argument);
      handles.push(held.file);
      return { file: engineFace(held.file), readOnly: held.readOnly };
    },
  };
  let change: InPlaceChange;
  let id: string;
  try {
    change = await checks(holder);
    id = formatGuid(host.randomBytes(16));
  } catch (error) {
    await closeAll(handles);
    throw checkFailure(error);
  }
  try {
    return new VMTask({
      description,
      id,
      work: async (task) => {
        try {
          await change({ signal: task.signal, onProgress: (d, t) => task.progress(d, t) });
          for (const file of handles) await file.sync();
          while (handles.length > 0) await (handles.shift() as HostFile).close();
          task.commit();
        } finally {
          await closeAll(handles);
        }
      },
      classify: creationFailure,
    });
  } catch (error) {
    await closeAll(handles);
    throw checkFailure(error);
  }
}

async function holdImage(host: Host, path: WindowsPath, argument: string) {
  try {
    return await holdToChange(host, path, argument);
  } catch (error) {
    throw imageFailure(error, argument);
  }
}
