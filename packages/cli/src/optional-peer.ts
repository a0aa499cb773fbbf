/**
 * Loading an optional peer dependency only when the command that needs it runs, so that the
 * other commands neither load it nor need it installed.
 * @module
 */
import { CliError } from './errors.js';

/** Whether `error` says that the package `name` itself is not installed. */
function isMissingPackage(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${name}'`)
  );
}

/**
 * Runs `load` (a dynamic `import()` of the peer `name`) and returns the module.
 * @throws CliError `MISSING_PEER` when `name` is not installed, naming the command that needs it
 * and how to install it; any other failure (a dependency of the peer missing, an error while the
 * peer loads) as it is.
 */
export async function loadOptionalPeer<T>(
  name: string,
  command: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, name)) throw error;
    throw new CliError(
      'MISSING_PEER',
      `vskit ${command} needs ${name}, an optional peer of @vskit/cli that is not installed: install it beside @vskit/cli (npm install ${name})`,
    );
  }
}
