/**
 * The work of a creation task. The image is written under a temporary name in its folder, synced,
 * then renamed to its own name (a rename never replaces: of two creations, one wins) and the
 * folder synced, so that after a power cut at any step the image's path holds nothing or the
 * whole image. On failure or cancellation everything it made is removed, newest first: the
 * temporary file (or the renamed image), then the folders it created.
 * @module
 */
import {
  type Host,
  HostError,
  type HostFile,
  isHostError,
  isTemporaryName,
  temporaryName,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
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
  /**
   * Gives up what the checks held for `write` (the files an image is made from). Called once,
   * as soon as `write` settles, or when the creation fails before it.
   */
  readonly release?: () => Promise<void>;
}

/**
 * Where the image is written before it takes its name: a temporary name (see `temporaryName` of
 * `@vskit/host`: `~vskit-<owner>-<random>.tmp`) in the image's folder or, only when that path
 * would reach MAX_PATH, in the nearest folder above it where it fits (same volume).
 */
export function temporaryPathFor(image: WindowsPath, random: Uint8Array): WindowsPath {
  const name = temporaryName(windowsPath.pathKey(image), random);
  let folder = windowsPath.dirname(image);
  for (;;) {
    const path = { drive: folder.drive, segments: [...folder.segments, name] };
    if (windowsPath.format(path).length < windowsPath.MAX_PATH || folder.segments.length === 0) {
      return path;
    }
    folder = windowsPath.dirname(folder);
  }
}

/**
 * Runs `plan` as a task's work. Host operations, in order:
 * 1. `mkdir` per missing folder (an `EEXIST` there means another creation made it: not ours,
 *    kept), then `syncFolder` on the folder holding each one made;
 * 2. `open(temporary, 'createNew', { share: 'none' })` (on `ENOENT`, when a concurrent failed
 *    task removed a shared folder meanwhile, the folders are made again, up to three attempts);
 * 3. the engine's writes (the event loop turns every 32 MiB written, so timers, waits and
 *    `cancel()` run during a long write), `sync`, `close`;
 * 4. `rename(temporary, image)`: `EEXIST` when another process created the image meanwhile
 *    (E_ALREADY_EXISTS; so too when the temporary file vanished and the image is there);
 * 5. `syncFolder` on the image's folder (and on the temporary file's, when it was another);
 * 6. `readdir` of the temporary file's folder and `unlink` of each temporary file that earlier
 *    creations of this path left (a power cut, a killed process, a concurrent loser); failures
 *    here are ignored: the image is already whole and durable.
 * On failure: `close`, `unlink` of the temporary file (or of the image, once renamed), `rmdir`
 * of each folder it created, newest first; cleanup failures are ignored so the original failure
 * is reported. The plan's `release` runs once `write` settles (before the sync), or on failure
 * before it.
 */
export async function runCreation(
  host: Host,
  plan: CreationPlan,
  context: TaskContext,
): Promise<void> {
  const imagePath = windowsPath.format(plan.image);
  const imageFolder = windowsPath.format(windowsPath.dirname(plan.image));
  const createdFolders: string[] = [];
  let file: HostFile | undefined;
  let temporary: string | undefined;
  let temporaryIsOurs = false;
  let renamed = false;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    if (plan.release !== undefined) await ignore(plan.release());
  };
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
      temporary = windowsPath.format(temporaryPathFor(plan.image, host.randomBytes(4)));
      if (attempt === 1) {
        for (const folder of createdFolders) {
          await host.syncFolder(windowsPath.format(windowsPath.dirname(parse(folder))));
        }
      }
      context.throwIfCancelled();
      try {
        file = await host.open(temporary, 'createNew', { share: 'none' });
      } catch (error) {
        // A concurrent task that failed may have just removed a folder it shared with us.
        if (!isHostError(error, 'ENOENT') || attempt >= FOLDER_ATTEMPTS) throw error;
      }
    }
    temporaryIsOurs = true;
    try {
      await plan.write(yieldingFile(file), {
        signal: context.signal,
        onProgress: (d, t) => context.progress(d, t),
      });
    } finally {
      await release();
    }
    context.throwIfCancelled();
    await file.sync();
    const closing = file;
    file = undefined;
    await closing.close();
    context.throwIfCancelled();
    await renameIntoPlace(host, temporary as string, imagePath);
    renamed = true;
    await host.syncFolder(imageFolder);
    const temporaryFolder = windowsPath.format(windowsPath.dirname(parse(temporary as string)));
    if (keyOf(temporaryFolder) !== keyOf(imageFolder)) await host.syncFolder(temporaryFolder);
    // The image is whole and durable: what earlier creations of it left can go.
    await ignore(removeLeftovers(host, temporaryFolder, windowsPath.pathKey(plan.image)));
    context.commit();
  } catch (error) {
    if (file !== undefined) await ignore(file.close());
    if (renamed) await ignore(host.unlink(imagePath));
    else if (temporaryIsOurs) await ignore(host.unlink(temporary as string));
    for (const folder of createdFolders.reverse()) await ignore(host.rmdir(folder));
    await release();
    throw error;
  }
}

/**
 * Renames the temporary file to the image. `EEXIST` when something is at the image now; also
 * when the temporary file is gone and the image is there: another process's creation of the
 * image won and cleared the losers' temporary files.
 */
async function renameIntoPlace(host: Host, temporary: string, image: string): Promise<void> {
  try {
    await host.rename(temporary, image);
  } catch (error) {
    if (isHostError(error, 'ENOENT') && (await host.exists(image).catch(() => false))) {
      throw new HostError('EEXIST', 'rename', image, 'another creation of the image won');
    }
    throw error;
  }
}

/**
 * Removes from `folder` the temporary files that creations of the image keyed `ownerKey` left.
 * A file that cannot be removed (open: a creation still under way) stays.
 */
async function removeLeftovers(host: Host, folder: string, ownerKey: string): Promise<void> {
  const { drive, segments } = parse(folder);
  for (const name of await host.readdir(folder)) {
    if (!isTemporaryName(name, ownerKey)) continue;
    await ignore(host.unlink(windowsPath.format({ drive, segments: [...segments, name] })));
  }
}

function parse(path: string): WindowsPath {
  return windowsPath.parseAbsolute(path) as WindowsPath;
}

function keyOf(path: string): string {
  return windowsPath.pathKey(parse(path));
}

async function ignore(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch {
    // cleanup is best effort: the failure that started it is the one reported
  }
}
