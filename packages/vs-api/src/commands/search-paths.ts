/**
 * IVMVirtualServer.SearchPaths (get and put).
 * @module
 */
import { windowsPath } from '@vskit/host';
import { VsError } from '../errors.js';
import { requireExistingFolder } from '../existing-folder.js';
import type { ServerContext } from '../server-context.js';

/** get_SearchPaths: a copy of the folders searched for disk, floppy and DVD files. */
export function getSearchPaths(context: ServerContext): string[] {
  return [...context.settings.searchPaths];
}

/**
 * put_SearchPaths. Checks: E_INVALIDARG unless `paths` is an array of strings (null and
 * undefined too); then each path in its order gets every check of `requireExistingFolder`
 * (E_INVALID_NAME, E_BAD_PATHNAME, E_BUFFER_OVERFLOW, E_PATH_NOT_FOUND, E_FILE_NOT_FOUND), the
 * first failing path deciding. All or nothing: a failure keeps the paths as they were. Stored
 * normalised, a folder named twice (in any case or spelling) kept once, first place.
 */
export async function putSearchPaths(context: ServerContext, paths: unknown): Promise<void> {
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) {
    throw new VsError('E_INVALIDARG', 'searchPaths', 'is not an array of path strings');
  }
  const kept = new Map<string, string>();
  for (const path of paths as string[]) {
    const parsed = await requireExistingFolder(context.host, path, 'searchPaths');
    const key = windowsPath.pathKey(parsed);
    if (!kept.has(key)) kept.set(key, windowsPath.format(parsed));
  }
  context.settings.searchPaths = [...kept.values()];
}
