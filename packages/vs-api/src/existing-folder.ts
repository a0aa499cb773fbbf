/**
 * The checks of a path that must name an existing folder (SearchPaths,
 * DefaultVMConfigurationPath): E_INVALID_NAME, E_BAD_PATHNAME, E_BUFFER_OVERFLOW,
 * E_PATH_NOT_FOUND, E_FILE_NOT_FOUND.
 * @module
 */
import { type Host, type WindowsPath, windowsPath } from '@vskit/host';
import { VsError } from './errors.js';
import {
  checkCharacters,
  checkGivenLength,
  checkResolvedLength,
  requireAbsolute,
  requireFoldersOnTheWay,
  requireVolume,
  statEntry,
} from './paths.js';

/**
 * Checks `path` in order: E_INVALID_NAME, E_BAD_PATHNAME (empty or relative), E_BUFFER_OVERFLOW
 * (given or normalised), E_PATH_NOT_FOUND (no such volume, or a folder on the way is missing or
 * a file), E_FILE_NOT_FOUND (the folder itself is missing, or a file is there: "the directory
 * does not exist"). Resolves to the parsed path.
 */
export async function requireExistingFolder(
  host: Host,
  path: string,
  argument: string,
): Promise<WindowsPath> {
  checkCharacters(path, argument);
  const parsed = requireAbsolute(path, argument);
  checkGivenLength(path, argument);
  checkResolvedLength(parsed, argument);
  requireVolume(host, parsed, argument);
  await requireFoldersOnTheWay(host, parsed, argument);
  const stat = parsed.segments.length === 0 ? undefined : await statEntry(host, parsed);
  if (parsed.segments.length > 0 && stat?.kind !== 'directory') {
    throw new VsError(
      'E_FILE_NOT_FOUND',
      argument,
      `'${windowsPath.format(parsed)}' ${stat === undefined ? 'does not exist' : 'is a file, not a folder'}`,
    );
  }
  return parsed;
}
