/**
 * Reading what a hard disk image is, from its file: one layer alone (what IVMHardDisk's Type,
 * SizeInGuest and HostDriveIdentifier look at) or its whole chain (GetHardDisk, Parent). A
 * host-drive image (see `host-drive-image.ts`) is recognised by its cookie before anything
 * tries it as a VHD. Both readers open every file `read`, sharing `readWrite`, and close it.
 * Failures reject raw (HostError, VhdFormatError, HostDriveImageError): the caller names them.
 * @module
 */
import {
  type Host,
  type HostFile,
  type HostStat,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import { type DiskType, openChain, openImage, type VhdChain } from '@vskit/vhd-format';
import {
  decodeHostDriveImage,
  HOST_DRIVE_IMAGE_BYTES,
  type HostDriveImage,
  hasHostDriveCookie,
} from './host-drive-image.js';
import { VMHardDiskType } from './hresult.js';
import { STRICT_OPEN } from './image-open.js';
import { parentResolver } from './parent-resolution.js';
import { statEntry } from './paths.js';

/** The VMHardDiskType of each VHD disk type. */
export const DISK_TYPES: Readonly<Record<DiskType, VMHardDiskType>> = {
  dynamic: VMHardDiskType.Dynamic,
  fixed: VMHardDiskType.FixedSize,
  differencing: VMHardDiskType.Differencing,
};

/** One image file, read alone. */
export type Layer =
  | { readonly kind: 'host-drive'; readonly image: HostDriveImage }
  | { readonly kind: 'vhd'; readonly type: DiskType; readonly virtualSize: number };

/** What GetHardDisk reports of one disk of a chain. */
export interface DiskFacts {
  /** Where the disk is. */
  readonly path: WindowsPath;
  /** Its type. */
  readonly type: VMHardDiskType;
  /** Its virtual size in bytes (a host-drive image: the drive's size when it was made). */
  readonly sizeInGuest: number;
  /** Its file's size in bytes. */
  readonly sizeOnHost: number;
  /** Bytes free on its volume. */
  readonly hostFreeDiskSpace: number;
  /** Where its parent was found, or `null`. */
  readonly parent: WindowsPath | null;
}

/** A chain could not be read: the raw failure and how many parents had been found. */
export interface ChainFailure {
  /** What failed. */
  readonly error: unknown;
  /** Parents found before it failed (0: the disk's own parent was not found). */
  readonly parentsFound: number;
}

/** The host-drive image in `file`, or `undefined` when it does not start with the cookie. */
export async function readHostDrive(file: HostFile): Promise<HostDriveImage | undefined> {
  const head = new Uint8Array(HOST_DRIVE_IMAGE_BYTES + 1);
  const count = await file.read(head, 0);
  if (!hasHostDriveCookie(head.subarray(0, count))) return undefined;
  return decodeHostDriveImage(head.subarray(0, count));
}

/** Reads the image at `path` alone (its parent is not looked for). */
export async function readLayer(host: Host, path: WindowsPath): Promise<Layer> {
  const file = await host.open(windowsPath.format(path), 'read');
  try {
    const hostDrive = await readHostDrive(file);
    if (hostDrive !== undefined) return { kind: 'host-drive', image: hostDrive };
    const image = await openImage(file, STRICT_OPEN);
    await image.close();
    return { kind: 'vhd', type: image.type, virtualSize: image.virtualSize };
  } finally {
    await file.close().catch(() => {});
  }
}

/**
 * Reads the disk at `path` (whose stat is `stat`) and every ancestor, nearest first, opening
 * the chain strictly. Rejects with a {@link ChainFailure}.
 */
export async function readDiskChain(
  host: Host,
  path: WindowsPath,
  stat: HostStat,
): Promise<DiskFacts[]> {
  const free = (at: WindowsPath) => host.volumeInfo(at.drive)?.freeBytes ?? 0;
  const opened: HostFile[] = [];
  const resolver = parentResolver(host, path);
  try {
    const top = await host.open(windowsPath.format(path), 'read');
    opened.push(top);
    const hostDrive = await readHostDrive(top);
    if (hostDrive !== undefined) {
      return [
        {
          path,
          type: VMHardDiskType.HostDrive,
          sizeInGuest: hostDrive.sizeBytes,
          sizeOnHost: stat.size,
          hostFreeDiskSpace: free(path),
          parent: null,
        },
      ];
    }
    let chain: VhdChain;
    try {
      chain = await openChain(top, { openParent: resolver.openParent, ...STRICT_OPEN });
    } finally {
      opened.push(...resolver.opened);
    }
    try {
      const paths = [path, ...resolver.found];
      const facts: DiskFacts[] = [];
      for (const [index, layer] of chain.layers.entries()) {
        const at = paths[index] as WindowsPath;
        const size = index === 0 ? stat.size : ((await statEntry(host, at))?.size ?? 0);
        facts.push({
          path: at,
          type: DISK_TYPES[layer.type],
          sizeInGuest: layer.virtualSize,
          sizeOnHost: size,
          hostFreeDiskSpace: free(at),
          parent: paths[index + 1] ?? null,
        });
      }
      return facts;
    } finally {
      // Closing the chain closes every layer's file; only a failed close leaves any to close.
      const closed = await chain.close().then(
        () => true,
        () => false,
      );
      if (closed) opened.length = 0;
    }
  } catch (error) {
    const failure: ChainFailure = { error, parentsFound: resolver.found.length };
    throw failure;
  } finally {
    // Files a failed open left behind (openChain leaves the top file open when it fails).
    for (const f of opened) await f.close().catch(() => {});
  }
}

/** Whether `value` is a {@link ChainFailure}. */
export function isChainFailure(value: unknown): value is ChainFailure {
  return typeof value === 'object' && value !== null && 'parentsFound' in value;
}
