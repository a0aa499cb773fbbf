/**
 * The search behind GetHardDiskFiles, GetFloppyDiskFiles and GetDVDFiles *(decisions)*:
 * - the folders are SearchPaths, then the additional paths given; an additional path that is not
 *   a usable absolute path of an existing folder is skipped (the method lists no code for it);
 * - every folder is searched with all its subfolders; a path of 260 characters or more is not
 *   entered or reported, so the walk ends even through a link cycle;
 * - a file matches when its name ends in the extension, in any letter case (`.VHD` too); a
 *   folder never matches, and the temporary files of creations (`~vskit-*.tmp`) never do;
 * - each file is reported once (two search paths that overlap find it once), as an absolute
 *   path whose search-path part is normalised and whose names below keep the case the host
 *   stores, sorted by path compared case-insensitively;
 * - a folder the host cannot list or that vanishes during the search is skipped; any other host
 *   failure is DISP_E_EXCEPTION.
 * @module
 */
import {
  type Host,
  isHostError,
  isTemporaryName,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import { VsError } from './errors.js';
import { statEntry } from './paths.js';
import type { ServerContext } from './server-context.js';

/** Host failures that mean "nothing to search here". */
const SKIPPED = ['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM'] as const;

/** E_INVALIDARG unless `value` is undefined, null (no additional paths) or an array of strings. */
function additionalPaths(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
    throw new VsError('E_INVALIDARG', 'inAdditionalSearchPaths', 'is not an array of path strings');
  }
  return value as string[];
}

/** `path` parsed, when it is a usable absolute path on one of the host's volumes. */
function usable(host: Host, path: string): WindowsPath | undefined {
  if (windowsPath.findInvalidCharacter(path) !== undefined) return undefined;
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined || path.length >= windowsPath.MAX_PATH) return undefined;
  if (windowsPath.format(parsed).length >= windowsPath.MAX_PATH) return undefined;
  return host.volumeInfo(parsed.drive) === undefined ? undefined : parsed;
}

/** The names in `folder`, or none when the host cannot list it. */
async function list(host: Host, folder: WindowsPath): Promise<string[]> {
  try {
    return await host.readdir(windowsPath.format(folder));
  } catch (error) {
    if (isHostError(error, ...SKIPPED)) return [];
    throw error;
  }
}

/**
 * Every file below the search folders whose name ends in `.${extension}` (see the module's
 * rules). `additional` is the method's `inAdditionalSearchPaths`.
 */
export async function searchFiles(
  context: ServerContext,
  additional: unknown,
  extension: 'vhd' | 'vfd' | 'iso',
): Promise<string[]> {
  const { host } = context;
  const extra = additionalPaths(additional);
  const suffix = `.${extension}`;
  const found = new Map<string, string>();
  const walk = async (folder: WindowsPath): Promise<void> => {
    for (const name of await list(host, folder)) {
      const path: WindowsPath = { drive: folder.drive, segments: [...folder.segments, name] };
      const text = windowsPath.format(path);
      if (text.length >= windowsPath.MAX_PATH) continue;
      let stat: Awaited<ReturnType<typeof statEntry>>;
      try {
        stat = await statEntry(host, path);
      } catch (error) {
        if (isHostError(error, ...SKIPPED)) continue;
        throw error;
      }
      if (stat?.kind === 'directory') await walk(path);
      else if (
        stat?.kind === 'file' &&
        name.toLowerCase().endsWith(suffix) &&
        !isTemporaryName(name)
      ) {
        const key = windowsPath.pathKey(path);
        if (!found.has(key)) found.set(key, text);
      }
    }
  };
  for (const text of [...context.settings.searchPaths, ...extra]) {
    const folder = usable(host, text);
    if (folder === undefined) continue;
    const stat =
      folder.segments.length === 0
        ? undefined
        : await statEntry(host, folder).catch(() => undefined);
    if (folder.segments.length > 0 && stat?.kind !== 'directory') continue;
    await walk(folder);
  }
  return [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, path]) => path);
}
