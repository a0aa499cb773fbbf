/**
 * The lock a writer holds on a real file so that writers in other processes are refused: a
 * `proper-lockfile` lock, which is a folder named `<file>.lock` beside the file (created with
 * one atomic `mkdir`, so it works on local and network file systems alike), whose modification
 * time the holder refreshes every {@link WRITER_LOCK_UPDATE_MS}.
 *
 * A lock left by a process that was killed (or by a power cut) stays until it is stale: once its
 * folder has not been refreshed for {@link WRITER_LOCK_STALE_MS}, the next writer removes it
 * and takes the file. Until then every writer is refused (`EBUSY`), as if the dead one were
 * still writing. A process that exits normally, or on a signal, removes its locks.
 *
 * `proper-lockfile` is imported by the first lock taken, so a process that only reads never
 * loads it.
 * @module
 */
import { HostError } from '@vskit/host';
import { nodeErrorCode, toHostError } from './node-errors.js';

/** A lock not refreshed for this long belongs to a dead process and may be taken over. */
export const WRITER_LOCK_STALE_MS = 10_000;

/** How often a holder refreshes its lock. */
export const WRITER_LOCK_UPDATE_MS = 2_000;

/** The lock's folder for the real file `path` (links resolved by `proper-lockfile` first). */
export function writerLockPath(path: string): string {
  return `${path}.lock`;
}

/** A held writer lock. */
export interface WriterLock {
  /** Whether the lock was lost (its folder removed or not refreshed in time by this process). */
  readonly compromised: boolean;
  /** Gives the lock up; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Takes the writer lock of the existing real file `path`, at once or not at all: `EBUSY` when
 * another process (or another handle of this one) holds it and it is not stale.
 */
export async function acquireWriterLock(path: string): Promise<WriterLock> {
  let compromised = false;
  let release: () => Promise<void>;
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(path, {
      stale: WRITER_LOCK_STALE_MS,
      update: WRITER_LOCK_UPDATE_MS,
      retries: 0,
      onCompromised: () => {
        compromised = true;
      },
    });
  } catch (error) {
    if (nodeErrorCode(error) === 'ELOCKED') {
      throw new HostError('EBUSY', 'open', path, 'another process has it open for writing');
    }
    throw toHostError(error, 'open', path);
  }
  let released = false;
  return {
    get compromised() {
      return compromised;
    },
    async release() {
      if (released) return;
      released = true;
      // A compromised lock is no longer ours to remove.
      if (!compromised) await release().catch(() => undefined);
    },
  };
}
