/**
 * How IVMHardDisk's methods open the images they read or change, and what each refusal of the
 * host becomes: a disk "in use" is a handle another holder opened without sharing (EBUSY:
 * E_SHARING_VIOLATION); a write-open of a file with the read-only attribute is EPERM
 * (VM_E_FILE_READ_ONLY). One place for these rules, so Merge, Compact, Convert, MergeTo and
 * put_Parent answer alike.
 * @module
 */
import { type Host, type HostFile, type WindowsPath, windowsPath } from '@vskit/host';
import { VsError } from './errors.js';
import { hostErrorIn } from './failures.js';

/**
 * The VsError for a host refusal while opening an image to read or change it, or `undefined`
 * when `error` is none of them (the caller names it):
 * - EBUSY (another handle's share mode refuses this one) -> E_SHARING_VIOLATION;
 * - EPERM (the read-only attribute) or EROFS (a read-only volume) on a write-open ->
 *   VM_E_FILE_READ_ONLY. EACCES is not among them: the hosts use it for a path leading outside
 *   a volume.
 */
export function accessFailure(
  error: unknown,
  argument: string | undefined,
  writing: boolean,
): VsError | undefined {
  if (error instanceof VsError) return error;
  const host = hostErrorIn(error);
  if (host === undefined) return undefined;
  if (host.code === 'EBUSY') {
    return new VsError('E_SHARING_VIOLATION', argument, host.message, { cause: error });
  }
  if (writing && (host.code === 'EPERM' || host.code === 'EROFS')) {
    return new VsError('VM_E_FILE_READ_ONLY', argument, host.message, { cause: error });
  }
  return undefined;
}

/**
 * Opens the image at `path` to change it in place: `readWrite`, sharing nothing, so no virtual
 * machine or other method uses it meanwhile. Rejects with {@link accessFailure}'s VsError, or
 * with the host's failure as it is for the caller to name.
 */
export async function openToChange(
  host: Host,
  path: WindowsPath,
  argument: string | undefined,
): Promise<HostFile> {
  try {
    return await host.open(windowsPath.format(path), 'readWrite', { share: 'none' });
  } catch (error) {
    throw accessFailure(error, argument, true) ?? error;
  }
}

/**
 * Opens the image at `path` to read it while a method works from it: `read`, sharing reads
 * only, so nobody writes it meanwhile. Rejects like {@link openToChange}.
 */
export async function openToRead(
  host: Host,
  path: WindowsPath,
  argument: string | undefined,
): Promise<HostFile> {
  try {
    return await host.open(windowsPath.format(path), 'read', { share: 'read' });
  } catch (error) {
    throw accessFailure(error, argument, false) ?? error;
  }
}

/** An image held for a change in place: no other handle can open it while it is held. */
export interface HeldImage {
  /** The handle: `readWrite`, or `read` when the host refuses writing it; sharing nothing. */
  readonly file: HostFile;
  /**
   * The VM_E_FILE_READ_ONLY to answer when the host refused writing it (its read-only
   * attribute, or a read-only volume); `undefined` when it is held writable.
   */
  readonly readOnly: VsError | undefined;
}

/**
 * Opens the image at `path` for a change in place, sharing nothing, so that a method can read
 * it, answer its checks in their order and then change it with nobody else in the file:
 * `readWrite` ({@link openToChange}); when the host refuses writing (VM_E_FILE_READ_ONLY),
 * `read` sharing nothing instead, with that refusal kept in {@link HeldImage.readOnly} for the
 * check that answers it. A disk in use is E_SHARING_VIOLATION either way, so it comes before
 * anything read from the file. Rejects like {@link openToChange}.
 */
export async function holdToChange(
  host: Host,
  path: WindowsPath,
  argument: string | undefined,
): Promise<HeldImage> {
  try {
    return { file: await openToChange(host, path, argument), readOnly: undefined };
  } catch (error) {
    if (!(error instanceof VsError) || error.name !== 'VM_E_FILE_READ_ONLY') throw error;
    try {
      const file = await host.open(windowsPath.format(path), 'read', { share: 'none' });
      return { file, readOnly: error };
    } catch (reading) {
      throw accessFailure(reading, argument, false) ?? reading;
    }
  }
}
