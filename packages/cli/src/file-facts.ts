/**
 * What the CLI looks up about paths when a failure only means "not there": blocking calls (a
 * command owns its thread, and a blocking `stat` costs less than a thread-pool hop and spares
 * the start the load of `node:fs/promises`). Where a failure is the answer, commands call
 * `statSync` and `realpathSync.native` themselves.
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

/** The real path of `path`, or `fallback` when it cannot be resolved. */
export function realPathOr(path: string, fallback: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return fallback;
  }
}
