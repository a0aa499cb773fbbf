/**
 * The work of a creation task: make the missing folders, create the file exclusively, let the
 * VHD engine write it, sync and close. On failure or cancellation everything it made is removed,
 * newest first: the partial file, then the folders it created.
 * @module
 */
import { type Host, type HostFile, isHostError, type WindowsPath, windowsPath } from '@vskit/host';
import type { AbortSignalLike, TaskContext } from './task.js';
import { yieldingFile } from './yielding-file.js';

/** How often the folders are made again when they vanish before the file is created. */
const FOLDER_ATTEMPTS = 3;

/** What the engine is given to write an image into its new, empty file. */
export interface WriteOptions {
  /** Aborted when the task is cancelled. */
  readonly signal: AbortSignalLike;
  /** Progress in bytes. */
  readonly onProgress: (bytesDone: number, bytesTotal: number) => void;
}

/** One image to create. */
export interface CreationPlan {
  /** Where the image goes. */
  readonly image: WindowsPath;
  /** Folders to create first, outermost first (they were missing when the checks ran). */
  readonly missingFolders: readonly WindowsPath[];
  /** Writes the image into `file`. */
  readonly write: (file: HostFile, options: WriteOptions) => Promise<void>;
}

/**
 * Runs `plan` as a task's work. Host operations, in order: `mkdir` per missing folder (an
 * `EEXIST` there means another creation made it: not ours, kept), `open(image, 'createNew')`
 * (on `ENOENT`, when a concurrent failed task removed a shared folder meanwhile, the folders are
 * made again, up to three attempts),
 * the engine's writes (the event loop turns every 32 MiB written, so timers, waits and
 * `cancel()` run during a long write), `sync`, `close`. On failure: `close`, `unlink(image)` if the file is
 * ours, `rmdir` of each folder it created, newest first; cleanup failures are ignored so the
 * original failure is reported.
 */
export async function runCreation(
  host: Host,
  plan: CreationPlan,
  context: TaskContext,
): Promise<void> {
  const imagePath = windowsPath.format(plan.image);
  const createdFolders: string[] = [];
  let file: HostFile | undefined;
  let fileIsOurs = false;
  try {
    for (let attempt = 1; file === undefined; attempt++) {
      for (const folder of plan.missingFolders) {
        const path = windowsPath.format(folder);
        try {
          await host.mkdir(path);
          createdFolders.push(path);
        } catch (error) {
          if (!isHostError(error, 'EEXIST')) throw error;
        }
      }
      context.throwIfCancelled();
      try {
        file = await host.open(imagePath, 'createNew');
      } catch (error) {
        // A concurrent task that failed may have just removed a folder it shared with us.
        if (!isHostError(error, 'ENOENT') || attempt >= FOLDER_ATTEMPTS) throw error;
      }
    }
    fileIsOurs = true;
    await plan.write(yieldingFile(file), {
      signal: context.signal,
      onProgress: (d, t) => context.progress(d, t),
    });
    context.throwIfCancelled();
    await file.sync();
    const closing = file;
    file = undefined;
    await closing.close();
    context.commit();
  } catch (error) {
    if (file !== undefined) await ignore(file.close());
    if (fileIsOurs) await ignore(host.unlink(imagePath));
    for (const folder of createdFolders.reverse()) await ignore(host.rmdir(folder));
    throw error;
  }
}

async function ignore(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch {
    // cleanup is best effort: the failure that started it is the one reported
  }
}
