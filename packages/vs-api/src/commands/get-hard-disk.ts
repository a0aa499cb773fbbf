/**
 * IVMVirtualServer.GetHardDisk: the facts of an existing image and its chain.
 * @module
 */
import { type HostFile, type HostStat, type WindowsPath, windowsPath } from '@vskit/host';
import { type DiskType, openChain, type VhdChain } from '@vskit/vhd-format';
import { VsError } from '../errors.js';
import { checkFailure, imageFailure } from '../failures.js';
import { VMHardDiskType } from '../hresult.js';
import { STRICT_OPEN } from '../image-open.js';
import { parentResolver } from '../parent-resolution.js';
import {
  checkCharacters,
  checkGivenLength,
  checkResolvedLength,
  foldersOnTheWay,
  type PathArgument,
  requireAbsolute,
  requirePath,
  requireVolume,
  statEntry,
} from '../paths.js';
import type { ServerContext } from '../server-context.js';

/** IVMHardDisk: what `getHardDisk` reports about an image, read when it was called. */
export interface VMHardDisk {
  /** IVMHardDisk.File: the image's absolute path, normalised. */
  readonly file: string;
  /** IVMHardDisk.Type: Dynamic (0), FixedSize (1) or Differencing (2). */
  readonly type: VMHardDiskType;
  /** IVMHardDisk.SizeInGuest: the virtual size in bytes. */
  readonly sizeInGuest: number;
  /** IVMHardDisk.SizeOnHost: the image file's size in bytes. */
  readonly sizeOnHost: number;
  /** IVMHardDisk.HostFreeDiskSpace: bytes free on the image's volume. */
  readonly hostFreeDiskSpace: number;
  /**
   * IVMHardDisk.Parent: the absolute path where the parent was found (a differencing disk), or
   * `null` (the COM face answers S_FALSE then).
   */
  readonly parent: string | null;
}

const TYPES: Readonly<Record<DiskType, VMHardDiskType>> = {
  dynamic: VMHardDiskType.Dynamic,
  fixed: VMHardDiskType.FixedSize,
  differencing: VMHardDiskType.Differencing,
};

/** E_PATH_NOT_FOUND when a folder on the way to `path` is missing or is a file. */
async function requireFolder(context: ServerContext, path: WindowsPath): Promise<void> {
  for (const prefix of foldersOnTheWay(path)) {
    const stat = await statEntry(context.host, prefix);
    if (stat?.kind !== 'directory') {
      throw new VsError(
        'E_PATH_NOT_FOUND',
        'path',
        `'${windowsPath.format(prefix)}' ${stat === undefined ? 'does not exist' : 'is a file'}`,
      );
    }
  }
}

/**
 * Checks, in order: E_POINTER (null path), E_INVALID_NAME, E_BAD_PATHNAME (empty or relative:
 * there is no other path to resolve it against), E_BUFFER_OVERFLOW, E_PATH_NOT_FOUND (no such
 * volume, or a folder on the way is missing or a file), E_FILE_NOT_FOUND (nothing, or a folder,
 * at the path). Then the image opens as a chain, strictly (see `STRICT_OPEN`):
 * VM_E_HD_IMAGE_OPEN_FAIL (the host cannot open or read a layer), VM_E_INVALID_HD_FILE (a layer
 * is not a valid VHD, the chain is too deep or has a cycle), VM_E_PARENT_PATH_NOT_FOUND (no
 * parent candidate is a file on the host), VM_E_PARENT_CHILD_ID_MISMATCH (a parent's UUID
 * differs from the one its child records). Shutdown does not refuse it: it changes nothing.
 */
export async function getHardDisk(
  context: ServerContext,
  pathArgument: PathArgument,
): Promise<VMHardDisk> {
  const { host } = context;
  const pathText = requirePath(pathArgument, 'path');
  checkCharacters(pathText, 'path');
  const path = requireAbsolute(pathText, 'path');
  checkGivenLength(pathText, 'path');
  checkResolvedLength(path, 'path');
  const file = windowsPath.format(path);
  let stat: HostStat | undefined;
  try {
    const volume = requireVolume(host, path, 'path');
    await requireFolder(context, path);
    stat = await statEntry(host, path);
    if (stat?.kind !== 'file') {
      throw new VsError(
        'E_FILE_NOT_FOUND',
        'path',
        `'${file}' ${stat === undefined ? 'does not exist' : 'is a folder'}`,
      );
    }
    const opened: HostFile[] = [];
    try {
      const top = await host.open(file, 'read');
      opened.push(top);
      const resolver = parentResolver(host, path);
      let chain: VhdChain;
      try {
        chain = await openChain(top, { openParent: resolver.openParent, ...STRICT_OPEN });
      } finally {
        opened.push(...resolver.opened);
      }
      try {
        const layer = chain.layers[0];
        if (layer === undefined)
          throw new VsError('VM_E_INVALID_HD_FILE', 'path', 'the chain is empty');
        const parent = resolver.found[0];
        return {
          file,
          type: TYPES[layer.type],
          sizeInGuest: chain.virtualSize,
          sizeOnHost: stat.size,
          hostFreeDiskSpace: (host.volumeInfo(volume.drive) ?? volume).freeBytes,
          parent: parent === undefined ? null : windowsPath.format(parent),
        };
      } finally {
        // Closing the chain closes every layer's file; only a failed close leaves any to close.
        const closed = await chain.close().then(
          () => true,
          () => false,
        );
        if (closed) opened.length = 0;
      }
    } catch (error) {
      throw imageFailure(error, 'path');
    } finally {
      // Files a failed open left behind (openChain leaves the top file open when it fails).
      for (const f of opened) await f.close().catch(() => {});
    }
  } catch (error) {
    throw checkFailure(error);
  }
}
