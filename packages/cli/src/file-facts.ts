/**
 * What the CLI looks up about paths, with blocking calls: a command owns its thread, and a
 * blocking `stat` costs less than a thread-pool hop (and spares the start the load of
 * `node:fs/promises`).
 * @module
 */
import { realpathSync, type Stats, statSync } from 'node:fs';

/** The facts of `path` (following links), or `undefined` when they cannot be had. */
export function factsOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The facts of `path` (following links); throws node's error (`ENOENT`, ...) when it can't. */
export function factsOrThrow(path: string): Stats {
  return statSync(path);
}

/**
 * The real path of `path` (links resolved, as the kernel sees it); throws node's error when it
 * can't.
 */
export function realPath(path: string): string {
  return realpathSync.native(path);
}

/** The real path of `path`, or `fallback` when it cannot be resolved. */
export function realPathOr(path: string, fallback: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return fallback;
  }
}
