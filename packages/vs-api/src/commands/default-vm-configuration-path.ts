/**
 * IVMVirtualServer.DefaultVMConfigurationPath (get and put).
 * @module
 */
import { windowsPath } from '@vskit/host';
import { requireExistingFolder } from '../existing-folder.js';
import { requirePath } from '../paths.js';
import type { ServerContext } from '../server-context.js';

/** get_DefaultVMConfigurationPath: the folder, ending in a backslash. It is not looked at. */
export function getDefaultVMConfigurationPath(context: ServerContext): string {
  return context.settings.defaultVMConfigurationPath;
}

/**
 * put_DefaultVMConfigurationPath. Checks: E_POINTER (null), E_INVALIDARG (not a string), then
 * those of `requireExistingFolder` (E_INVALID_NAME, E_BAD_PATHNAME, E_BUFFER_OVERFLOW,
 * E_PATH_NOT_FOUND, E_FILE_NOT_FOUND). Stored normalised with a trailing backslash.
 */
export async function putDefaultVMConfigurationPath(
  context: ServerContext,
  pathArgument: unknown,
): Promise<void> {
  const path = requirePath(pathArgument, 'configurationPath');
  const parsed = await requireExistingFolder(context.host, path, 'configurationPath');
  const text = windowsPath.format(parsed);
  context.settings.defaultVMConfigurationPath = text.endsWith('\\') ? text : `${text}\\`;
}
