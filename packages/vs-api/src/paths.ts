/**
 * Argument checks on paths, in the words of SEMANTICS.md: null (E_POINTER), invalid characters
 * (E_INVALID_NAME), no absolute path (E_BAD_PATHNAME), length (E_BUFFER_OVERFLOW), and what exists
 * on the host (E_PATH_NOT_FOUND, E_FILE_NOT_FOUND, E_ALREADY_EXISTS). Every path rule itself comes
 * from `windowsPath` of `@vskit/host`; this module only decides which HRESULT a violation gets.
 * @module
 */
import {
  type Host,
  type HostStat,
  isHostError,
  type VolumeInfo,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import { VsError } from './errors.js';

/** A path argument, as a caller may pass it over COM (a BSTR may be null). */
export type PathArgument = string | null | undefined;

/** E_POINTER when `value` is null or undefined; E_INVALIDARG when it is not a string. */
export function requirePath(value: unknown, argument: string): string {
  if (value === null || value === undefined) throw new VsError('E_POINTER', argument, 'is null');
  if (typeof value !== 'string') throw new VsError('E_INVALIDARG', argument, 'is not a string');
  return value;
}

/** E_INVALID_NAME when `path` holds a character Windows refuses. */
export function checkCharacters(path: string, argument: string): void {
  const bad = windowsPath.findInvalidCharacter(path);
  if (bad !== undefined) {
    const shown =
      bad.char.charCodeAt(0) < 0x20
        ? `\\x${bad.char.charCodeAt(0).toString(16).padStart(2, '0')}`
        : bad.char;
    throw new VsError(
      'E_INVALID_NAME',
      argument,
      `invalid character '${shown}' at index ${bad.index}`,
    );
  }
}

/** The image and parent paths of a differencing disk, both resolved to absolute paths. */
export interface ResolvedPair {
  /** The new image's path. */
  readonly image: WindowsPath;
  /** The parent's path. */
  readonly parent: WindowsPath;
}

/**
 * Resolves the two paths of CreateDifferencingVirtualHardDisk: an absolute path stands alone; a
 * relative one (rooted `\x` and the empty string too) is resolved against the folder holding the
 * OTHER path's file. E_BAD_PATHNAME when neither is absolute.
 */
export function resolvePair(imagePath: string, parentPath: string): ResolvedPair {
  const image = windowsPath.parseAbsolute(imagePath);
  if (image !== undefined) {
    return { image, parent: windowsPath.resolve(parentPath, windowsPath.dirname(image)) };
  }
  const parent = windowsPath.parseAbsolute(parentPath);
  if (parent !== undefined) {
    return { image: windowsPath.resolve(imagePath, windowsPath.dirname(parent)), parent };
  }
  throw new VsError(
    'E_BAD_PATHNAME',
    'imagePath',
    'neither imagePath nor parentPath is an absolute path (X:\\...)',
  );
}

/** E_BAD_PATHNAME unless `path` is absolute (`X:\...`); the parsed path otherwise. */
export function requireAbsolute(path: string, argument: string): WindowsPath {
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined) {
    throw new VsError('E_BAD_PATHNAME', argument, `'${path}' is empty or relative`);
  }
  return parsed;
}

/** E_BUFFER_OVERFLOW when `path` has MAX_PATH (260) characters or more. */
export function checkGivenLength(path: string, argument: string): void {
  if (path.length >= windowsPath.MAX_PATH) {
    throw new VsError(
      'E_BUFFER_OVERFLOW',
      argument,
      `is ${path.length} characters long; it must be shorter than ${windowsPath.MAX_PATH}`,
    );
  }
}

/** E_BUFFER_OVERFLOW when `path`, once resolved, has MAX_PATH (260) characters or more. */
export function checkResolvedLength(path: WindowsPath, argument: string): void {
  const text = windowsPath.format(path);
  if (text.length >= windowsPath.MAX_PATH) {
    throw new VsError(
      'E_BUFFER_OVERFLOW',
      argument,
      `resolves to ${text.length} characters; it must be shorter than ${windowsPath.MAX_PATH}`,
    );
  }
}

/** The folders on the way to `path`, outermost first: `C:\a`, `C:\a\b` for `C:\a\b\x.vhd`. */
export function foldersOnTheWay(path: WindowsPath): WindowsPath[] {
  const { drive, segments } = windowsPath.dirname(path);
  return segments.map((_, index) => ({ drive, segments: segments.slice(0, index + 1) }));
}

/**
 * E_PATH_NOT_FOUND, naming the first of them, unless every folder on the way to `path` is a
 * folder on the host (none missing, none a file).
 */
export async function requireFoldersOnTheWay(
  host: Host,
  path: WindowsPath,
  argument: string,
): Promise<void> {
  for (const prefix of foldersOnTheWay(path)) {
    const stat = await statEntry(host, prefix);
    if (stat?.kind !== 'directory') {
      throw new VsError(
        'E_PATH_NOT_FOUND',
        argument,
        `'${windowsPath.format(prefix)}' ${stat === undefined ? 'does not exist' : 'is a file'}`,
      );
    }
  }
}

/**
 * What is at `path`, or `undefined` when nothing is (also when a component of its folder is
 * missing or a file: the host then reports ENOENT or ENOTDIR).
 */
export async function statEntry(host: Host, path: WindowsPath): Promise<HostStat | undefined> {
  try {
    return await host.stat(windowsPath.format(path));
  } catch (error) {
    if (isHostError(error, 'ENOENT', 'ENOTDIR')) return undefined;
    throw error;
  }
}

/** E_PATH_NOT_FOUND when the host has no volume for `path`'s drive; the volume otherwise. */
export function requireVolume(host: Host, path: WindowsPath, argument: string): VolumeInfo {
  const volume = host.volumeInfo(path.drive);
  if (volume === undefined) {
    throw new VsError('E_PATH_NOT_FOUND', argument, `the host has no volume ${path.drive}:`);
  }
  return volume;
}

/**
 * The parent of a differencing disk must be an existing file on a host volume: E_PATH_NOT_FOUND
 * when the volume or the file is missing, or a folder is there. Resolves to the file's facts.
 * A host failure other than "not there" is VM_E_HD_IMAGE_OPEN_FAIL.
 */
export async function requireParentFile(host: Host, parent: WindowsPath): Promise<HostStat> {
  requireVolume(host, parent, 'parentPath');
  let stat: HostStat | undefined;
  try {
    stat = await statEntry(host, parent);
  } catch (error) {
    throw new VsError('VM_E_HD_IMAGE_OPEN_FAIL', 'parentPath', 'the parent cannot be examined', {
      cause: error,
    });
  }
  const shown = windowsPath.format(parent);
  if (stat === undefined)
    throw new VsError('E_PATH_NOT_FOUND', 'parentPath', `'${shown}' does not exist`);
  if (stat.kind !== 'file') {
    throw new VsError('E_PATH_NOT_FOUND', 'parentPath', `'${shown}' is a folder, not a file`);
  }
  return stat;
}

/** Where a new image goes: its volume and the folders the creation must make. */
export interface ImageLocation {
  /** The image volume. */
  readonly volume: VolumeInfo;
  /** Folders on the way to the image that do not exist yet, outermost first. */
  readonly missingFolders: readonly WindowsPath[];
}

/**
 * Checks 6 and 7 for the new image (the argument `argument`, default `imagePath`), in that
 * order: its location, then that nothing is there. Resolves to where it goes.
 */
export async function checkNewImagePath(
  host: Host,
  image: WindowsPath,
  reserved: boolean,
  argument = 'imagePath',
): Promise<ImageLocation> {
  const location = await checkImageLocation(host, image, argument);
  await checkImageFree(host, image, location, reserved, argument);
  return location;
}

/**
 * Checks the new image's location: E_PATH_NOT_FOUND when its volume is missing or a component
 * of its folder exists as a file. Missing folders are fine: the creation makes them.
 */
async function checkImageLocation(
  host: Host,
  image: WindowsPath,
  argument: string,
): Promise<ImageLocation> {
  const volume = requireVolume(host, image, argument);
  const folders = foldersOnTheWay(image);
  for (const [index, prefix] of folders.entries()) {
    const stat = await statEntry(host, prefix);
    if (stat === undefined) return { volume, missingFolders: folders.slice(index) };
    if (stat.kind === 'file') {
      throw new VsError(
        'E_PATH_NOT_FOUND',
        argument,
        `'${windowsPath.format(prefix)}' is a file, so it cannot hold a folder`,
      );
    }
  }
  return { volume, missingFolders: [] };
}

/**
 * E_ALREADY_EXISTS when a file or folder exists at `image` (a drive root always does), or
 * `reserved` says another creation of this path is under way.
 */
async function checkImageFree(
  host: Host,
  image: WindowsPath,
  location: ImageLocation,
  reserved: boolean,
  argument: string,
): Promise<void> {
  const shown = windowsPath.format(image);
  if (reserved) {
    throw new VsError('E_ALREADY_EXISTS', argument, `'${shown}' is already being created`);
  }
  if (image.segments.length === 0) {
    throw new VsError('E_ALREADY_EXISTS', argument, `'${shown}' is a drive root`);
  }
  if (location.missingFolders.length > 0) return;
  const stat = await statEntry(host, image);
  if (stat !== undefined) {
    throw new VsError(
      'E_ALREADY_EXISTS',
      argument,
      `a ${stat.kind === 'file' ? 'file' : 'folder'} exists at '${shown}'`,
    );
  }
}
