/**
 * The checks of a method that names an existing file (GetHardDisk, GetFloppyDiskImageType), in
 * SEMANTICS.md's order: E_POINTER, E_INVALID_NAME, E_BAD_PATHNAME, E_BUFFER_OVERFLOW,
 * E_PATH_NOT_FOUND, E_FILE_NOT_FOUND.
 * @module
 */
import { type HostStat, type VolumeInfo, type WindowsPath, windowsPath } from '@vskit/host';
import { VsError } from './errors.js';
import {
  checkCharacters,
  checkGivenLength,
  checkResolvedLength,
  type PathArgument,
  requireAbsolute,
  requireFoldersOnTheWay,
  requirePath,
  requireVolume,
  statEntry,
} from './paths.js';
import type { ServerContext } from './server-context.js';

/** An existing file a method was pointed at. */
export interface ExistingFile {
  /** Its parsed path. */
  readonly path: WindowsPath;
  /** Its path, normalised. */
  readonly file: string;
  /** What the host says about it. */
  readonly stat: HostStat;
  /** Its volume. */
  readonly volume: VolumeInfo;
}

/** The argument checks, before the host is asked anything: checks 1 to 4. */
export function checkExistingPath(pathArgument: PathArgument, argument: string): WindowsPath {
  const pathText = requirePath(pathArgument, argument);
  checkCharacters(pathText, argument);
  const path = requireAbsolute(pathText, argument);
  checkGivenLength(pathText, argument);
  checkResolvedLength(path, argument);
  return path;
}

/**
 * Checks, in order: E_POINTER (null path), E_INVALID_NAME, E_BAD_PATHNAME (empty or relative:
 * there is no other path to resolve it against), E_BUFFER_OVERFLOW, E_PATH_NOT_FOUND (no such
 * volume, or a folder on the way is missing or a file), E_FILE_NOT_FOUND (nothing, or a folder,
 * at the path). A host failure while looking rejects as it is (the caller decides its HRESULT).
 */
export async function requireExistingFile(
  context: ServerContext,
  pathArgument: PathArgument,
  argument: string,
): Promise<ExistingFile> {
  const { host } = context;
  const path = checkExistingPath(pathArgument, argument);
  const file = windowsPath.format(path);
  const volume = requireVolume(host, path, argument);
  await requireFoldersOnTheWay(host, path, argument);
  const stat = await statEntry(host, path);
  if (stat?.kind !== 'file') {
    throw new VsError(
      'E_FILE_NOT_FOUND',
      argument,
      `'${file}' ${stat === undefined ? 'does not exist' : 'is a folder'}`,
    );
  }
  return { path, file, stat, volume };
}
