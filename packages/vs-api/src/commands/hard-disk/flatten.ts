/**
 * What IVMHardDisk.MergeTo and IVMHardDisk.Convert share: every check of SEMANTICS.md
 * "IVMHardDisk.MergeTo / IVMHardDisk.Convert" in its order, then a creation task that writes
 * this disk's chain, flattened, into a new fixed or dynamic image. The two differ only in the
 * rules of {@link FlattenRules}.
 * @module
 */
import {
  type Host,
  type HostFile,
  occupiedBytes,
  type VolumeInfo,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import {
  convertDisk,
  DEFAULT_BLOCK_SIZE,
  type DiskType,
  expandedFileSize,
  openChain,
  SECTOR_SIZE,
  type VhdChain,
  type VhdImage,
} from '@vskit/vhd-format';
import { readHostDrive } from '../../disk-files.js';
import { VsError } from '../../errors.js';
import { imageFailure } from '../../failures.js';
import { VMHardDiskType } from '../../hresult.js';
import { openToRead } from '../../image-access.js';
import { STRICT_OPEN } from '../../image-open.js';
import { checkFileFitsVolume, checkFreeSpace, MIN_FREE_BYTES } from '../../limits.js';
import { parentResolver } from '../../parent-resolution.js';
import {
  checkCharacters,
  checkGivenLength,
  checkNewImagePath,
  checkResolvedLength,
  type PathArgument,
  requireAbsolute,
  requirePath,
} from '../../paths.js';
import { requireRunning, type ServerContext, startCreation } from '../../server-context.js';
import type { VMTask } from '../../task.js';
import { creationOptions } from '../creator.js';
import { requireImageFile } from './look.js';

/** How MergeTo and Convert differ. */
export interface FlattenRules {
  /** The member's name, for the task's description: `'MergeTo'`, `'Convert'`. */
  readonly member: string;
  /** The name of the new image's path argument. */
  readonly pathArgument: string;
  /** The name of the new image's type argument. */
  readonly typeArgument: string;
  /** Whether an empty path is E_INVALIDARG (MergeTo) rather than E_BAD_PATHNAME (Convert). */
  readonly emptyPathIsInvalidArg: boolean;
  /** The VHD types this disk may have (anything else: VM_E_WRONG_HD_IMAGE_TYPE). */
  readonly sources: readonly DiskType[];
}

/** The argument name failures of this disk and its ancestors carry. */
const SOURCE = 'disk';

/** Bytes one 2 MiB block takes in a dynamic image: the block and its one-sector bitmap. */
const STORED_BLOCK_BYTES = DEFAULT_BLOCK_SIZE + SECTOR_SIZE;

/** The target type argument as vhd-format names it: only the numbers 0 and 1 are accepted. */
function requireTargetType(value: unknown, argument: string): 'dynamic' | 'fixed' {
  if (value === VMHardDiskType.Dynamic) return 'dynamic';
  if (value === VMHardDiskType.FixedSize) return 'fixed';
  throw new VsError(
    'VM_E_WRONG_HD_IMAGE_TYPE',
    argument,
    `must be Dynamic (0) or FixedSize (1), got ${String(value)}`,
  );
}

/** This disk's chain, opened to read with reads shared only, and how to give it up. */
interface OpenedSource {
  readonly chain: VhdChain;
  close(): Promise<void>;
}

/**
 * Checks 8 and 9: opens this disk and every ancestor with `openToRead` (read, sharing reads
 * only, so nobody writes them while the new image is written), strictly. A host-drive image,
 * or a VHD of a type `sources` lacks, is VM_E_WRONG_HD_IMAGE_TYPE (a non-differencing disk has
 * no parent, so the type is known before any parent is looked for). Other failures are named as
 * every open of an existing image names them (`imageFailure`), E_SHARING_VIOLATION first.
 */
async function openSource(
  host: Host,
  path: WindowsPath,
  sources: readonly DiskType[],
): Promise<OpenedSource> {
  const opened: HostFile[] = [];
  const resolver = parentResolver(host, path, (at) => openToRead(host, at, SOURCE));
  let chain: VhdChain | undefined;
  const close = async () => {
    if (chain !== undefined) {
      try {
        // Closing the chain closes every layer's file.
        await chain.close();
        return;
      } catch {
        // A layer's close failed: close each file, so none stays open.
      }
    }
    for (const file of opened) await file.close().catch(() => {});
  };
  try {
    const top = await openToRead(host, path, SOURCE);
    opened.push(top);
    if ((await readHostDrive(top)) !== undefined) {
      throw new VsError('VM_E_WRONG_HD_IMAGE_TYPE', SOURCE, 'a host-drive image has no data');
    }
    try {
      chain = await openChain(top, { openParent: resolver.openParent, ...STRICT_OPEN });
    } finally {
      opened.push(...resolver.opened);
    }
    // A disk of another type than differencing has no parent: none was looked for.
    requireSourceType((chain.layers[0] as VhdImage).type, sources);
    return { chain, close };
  } catch (error) {
    await close();
    throw imageFailure(error, SOURCE);
  }
}

/** VM_E_WRONG_HD_IMAGE_TYPE unless `type` is one of `sources`. */
function requireSourceType(type: DiskType, sources: readonly DiskType[]): void {
  if (!sources.includes(type)) {
    throw new VsError(
      'VM_E_WRONG_HD_IMAGE_TYPE',
      SOURCE,
      `this is a ${type} disk; it must be ${sources.join(' or ')}`,
    );
  }
}

/**
 * The largest the new image's file can be when the task ends: a fixed image's whole file; a
 * dynamic one's headers, BAT and footer with a block for every 2 MiB of the disk over which a
 * layer of the chain holds a block (only blocks holding a non-zero byte are written, so it is
 * often smaller).
 */
async function largestResult(chain: VhdChain, type: 'dynamic' | 'fixed'): Promise<number> {
  const sizeBytes = chain.virtualSize;
  const whole = expandedFileSize({ type, sizeBytes });
  if (type === 'fixed') return whole;
  let empty = 0;
  for (let offset = 0; offset < sizeBytes; offset += DEFAULT_BLOCK_SIZE) {
    const length = Math.min(DEFAULT_BLOCK_SIZE, sizeBytes - offset);
    if (!(await chain.isAllocated(offset, length))) empty++;
  }
  return whole - empty * STORED_BLOCK_BYTES;
}

/**
 * Checks 12 and 13 on the new image's volume: VM_E_FILE_TOO_LARGE_FOR_VOLUME when the image
 * can outgrow the volume's largest file (a dynamic one fully expanded, as the creations judge
 * it); E_DISK_FULL when the volume has less free than the file can take when the task ends,
 * in whole clusters (a dynamic image: at least 8 MB, as its creation needs).
 */
async function checkRoom(
  volume: VolumeInfo,
  chain: VhdChain,
  type: 'dynamic' | 'fixed',
  argument: string,
): Promise<void> {
  checkFileFitsVolume(volume, expandedFileSize({ type, sizeBytes: chain.virtualSize }), argument);
  const needed = occupiedBytes(await largestResult(chain, type), volume.clusterBytes);
  checkFreeSpace(volume, type === 'dynamic' ? Math.max(MIN_FREE_BYTES, needed) : needed, argument);
}

/**
 * Checks every argument and the disk at `path` in SEMANTICS.md's order and returns the task
 * that writes the new image, or rejects with the VsError of the first failing check (nothing on
 * any volume changes then). The disk and its ancestors stay open for reading, sharing reads
 * only, from the checks until the new image is written; they are never written.
 */
export async function flattenToNewImage(
  context: ServerContext,
  rules: FlattenRules,
  path: WindowsPath,
  pathValue: PathArgument,
  typeValue: unknown,
): Promise<VMTask> {
  const { host } = context;
  const argument = rules.pathArgument;
  // 1. E_POINTER (a null path); E_INVALIDARG (not a string; MergeTo: empty)
  const text = requirePath(pathValue, argument);
  if (rules.emptyPathIsInvalidArg && text === '') {
    throw new VsError('E_INVALIDARG', argument, 'is empty');
  }
  // 2. VM_E_APP_SHUTTING_DOWN
  requireRunning(host);
  // 3. E_INVALID_NAME
  checkCharacters(text, argument);
  // 4. E_BAD_PATHNAME: empty or relative (never resolved against this disk's folder)
  const target = requireAbsolute(text, argument);
  // 5. E_BUFFER_OVERFLOW, given then resolved
  checkGivenLength(text, argument);
  checkResolvedLength(target, argument);
  // 6. VM_E_WRONG_HD_IMAGE_TYPE: the requested type is neither Dynamic (0) nor FixedSize (1)
  const type = requireTargetType(typeValue, rules.typeArgument);

  const description = `${rules.member} ${windowsPath.format(path)} to ${type} ${windowsPath.format(target)}`;
  return startCreation(context, target, description, async (reserved) => {
    // 7. E_FILE_NOT_FOUND: nothing, or a folder, at this disk's path now
    await requireImageFile(host, path, SOURCE, 'DISP_E_EXCEPTION');
    // 8. this disk: E_SHARING_VIOLATION, VM_E_HD_IMAGE_OPEN_FAIL, VM_E_WRONG_HD_IMAGE_TYPE,
    //    VM_E_INVALID_HD_FILE; 9. each ancestor, nearest first: VM_E_PARENT_PATH_NOT_FOUND,
    //    E_SHARING_VIOLATION, VM_E_PARENT_CHILD_ID_MISMATCH, VM_E_INVALID_HD_FILE, ...
    const source = await openSource(host, path, rules.sources);
    try {
      // 10. E_PATH_NOT_FOUND, 11. E_ALREADY_EXISTS (this disk's own path too)
      const location = await checkNewImagePath(host, target, reserved, argument);
      // 12. VM_E_FILE_TOO_LARGE_FOR_VOLUME, 13. E_DISK_FULL
      await checkRoom(location.volume, source.chain, type, argument);
      return (uniqueId) => ({
        missingFolders: location.missingFolders,
        write: async (file, options) => {
          await convertDisk(source.chain, file, {
            ...creationOptions(host.now(), uniqueId, options),
            type,
          });
        },
        release: () => source.close(),
      });
    } catch (error) {
      await source.close();
      throw error;
    }
  });
}
