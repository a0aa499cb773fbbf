import { HostError } from './errors.js';
import type { WindowsPath } from './windows-path.js';
import * as windowsPath from './windows-path.js';

/**
 * Parses a path a host method was given: absolute Windows path, valid characters, fewer than
 * `MAX_PATH` characters once normalised. Relative paths and invalid characters are `EINVAL`, too
 * long a path `ENAMETOOLONG`.
 */
export function parseHostPath(path: unknown, syscall: string): WindowsPath {
  if (typeof path !== 'string') {
    throw new HostError('EINVAL', syscall, undefined, 'the path is not a string');
  }
  const invalid = windowsPath.findInvalidCharacter(path);
  if (invalid !== undefined) {
    throw new HostError(
      'EINVAL',
      syscall,
      path,
      `invalid character ${JSON.stringify(invalid.char)} at ${invalid.index}`,
    );
  }
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined)
    throw new HostError('EINVAL', syscall, path, 'the path is not absolute');
  if (windowsPath.format(parsed).length >= windowsPath.MAX_PATH) {
    throw new HostError('ENAMETOOLONG', syscall, path);
  }
  return parsed;
}

/** A drive letter as a host method may receive it (`'C'`, `'c'`, `'C:'`), upper-cased, or `undefined`. */
export function normaliseDrive(drive: unknown): string | undefined {
  if (typeof drive !== 'string') return undefined;
  const match = /^([A-Za-z]):?\\?$/.exec(drive);
  return match?.[1]?.toUpperCase();
}

/** Orders names (or paths) case-insensitively, as the hosts list them. */
export function compareNames(a: string, b: string): number {
  const fa = windowsPath.foldCase(a);
  const fb = windowsPath.foldCase(b);
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
