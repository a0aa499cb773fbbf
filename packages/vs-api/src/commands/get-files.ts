/**
 * IVMVirtualServer.GetHardDiskFiles, GetFloppyDiskFiles and GetDVDFiles.
 * @module
 */
import { searchFiles } from '../file-search.js';
import type { ServerContext } from '../server-context.js';

/**
 * GetHardDiskFiles: every `.vhd` file in SearchPaths and `additional` (see `file-search.ts`);
 * E_INVALIDARG unless `additional` is undefined, null or an array of strings.
 */
export function getHardDiskFiles(context: ServerContext, additional: unknown): Promise<string[]> {
  return searchFiles(context, additional, 'vhd');
}

/** GetFloppyDiskFiles: every `.vfd` file, as {@link getHardDiskFiles} finds `.vhd` files. */
export function getFloppyDiskFiles(context: ServerContext, additional: unknown): Promise<string[]> {
  return searchFiles(context, additional, 'vfd');
}

/** GetDVDFiles: every `.iso` file, as {@link getHardDiskFiles} finds `.vhd` files. */
export function getDVDFiles(context: ServerContext, additional: unknown): Promise<string[]> {
  return searchFiles(context, additional, 'iso');
}
