/**
 * Atomic, durable steps on real paths: a rename that never replaces, syncing a folder, and the
 * creation of a new file that appears whole under its name or not at all.
 * @module
 */
import { constants } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HostError, type HostFile, isTemporaryName, temporaryName } from '@vskit/host';
import { BLOCKING_CALLS, type FsCalls, THREAD_POOL_CALLS } from './fs-calls.js';
import { nodeErrorCode, toHostError } from './node-errors.js';
import { openNodeFile } from './node-file.js';
import { WRITER_LOCK_STALE_MS } from './writer-lock.js';

/** Errors of `link` that mean "this file system has no hard links", not "refused". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Renames the real path `from` to `to` (one file system) without ever replacing what is at `to`:
 * `EEXIST` when anything is there, decided in one step even against other processes. A file is
 * hard-linked to its new name, then its old name is removed (a crash in between leaves both
 * names, of one file). A folder, or a file on a file system without hard links (FAT), is
 * renamed under a `proper-lockfile` lock on `to`, after checking that nothing is there: atomic
 * against every caller that renames this way, not against a program that writes `to` plainly.
 */
export function renameNoReplace(from: string, to: string): Promise<void> {
  return renameNoReplaceWith(THREAD_POOL_CALLS, from, to);
}

async function renameNoReplaceWith(calls: FsCalls, from: string, to: string): Promise<void> {
  const facts = await calls.lstat(from).catch((error: unknown) => {
    throw toHostError(error, 'rename', from);
  });
  if (!facts.isDirectory()) {
    try {
      await calls.link(from, to);
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === undefined || !NO_HARD_LINKS.has(code)) throw toHostError(error, 'rename', to);
      return lockedRename(calls, from, to);
    }
    await calls.unlink(from).catch(async (error: unknown) => {
      // Someone else removed the old name meanwhile: the file has its new name, as asked.
      if (nodeErrorCode(error) === 'ENOENT') return;
      await calls.unlink(to).catch(() => undefined);
      throw toHostError(error, 'rename', from);
    });
    return;
  }
  return lockedRename(calls, from, to);
}

async function lockedRename(calls: FsCalls, from: string, to: string): Promise<void> {
  let release: () => Promise<void>;
  // Imported here, as the writer lock does: a process that never renames into place never loads it.
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(to, {
      realpath: false,
      stale: WRITER_LOCK_STALE_MS,
      retries: { retries: 20, minTimeout: 5, maxTimeout: 200 },
    });
  } catch (error) {
    const code = nodeErrorCode(error) === 'ELOCKED' ? 'EBUSY' : undefined;
    throw code === undefined ? toHostError(error, 'rename', to) : new HostError(code, 'rename', to);
  }
  try {
    if (await existsWith(calls, to, 'rename')) throw new HostError('EEXIST', 'rename', to);
    await calls.rename(from, to).catch((error: unknown) => {
      throw toHostError(error, 'rename', from);
    });
  } finally {
    await release().catch(() => undefined);
  }
}

/** Whether anything is at `path` (`lstat`: a dangling link counts). */
function existsWith(calls: FsCalls, path: string, syscall: string): Promise<boolean> {
  return calls.lstat(path).then(
    () => true,
    (error: unknown) => {
      if (nodeErrorCode(error) === 'ENOENT') return false;
      throw toHostError(error, syscall, path);
    },
  );
}

/**
 * Makes the names in the real folder `path` durable (`fsync` on the folder): files created,
 * renamed into it or removed from it before the call survive a power cut.
 */
export function syncFolderAt(path: string): Promise<void> {
  return syncFolderWith(THREAD_POOL_CALLS, path);
}

async function syncFolderWith(calls: FsCalls, path: string): Promise<void> {
  let fd: number;
  try {
    fd = await calls.open(path, constants.O_RDONLY);
  } catch (error) {
    throw toHostError(error, 'syncFolder', path);
  }
  try {
    if (!(await calls.fstat(fd)).isDirectory()) throw new HostError('ENOTDIR', 'syncFolder', path);
    await calls.fsync(fd);
  } catch (error) {
    // Windows opens no folder for fsync; its renames are journaled: nothing to do there.
    if (!(process.platform === 'win32' && nodeErrorCode(error) === 'EPERM')) {
      throw toHostError(error, 'syncFolder', path);
    }
  } finally {
    await calls.close(fd).catch(() => undefined);
  }
}

/**
 * The steps {@link createFileAtomically} takes, on paths of this platform's form. The default,
 * {@link NODE_CREATION_STEPS}, is `node:fs`; another (an emulated volume, in tests) lets the same
 * procedure run where power cuts can be injected.
 */
export interface CreationSteps {
  /** Whether anything is at `path`. */
  exists(path: string): Promise<boolean>;
  /** Creates `path` exclusively and opens it, sharing nothing. */
  createNew(path: string): Promise<HostFile>;
  /** Renames without replacing (`EEXIST` when `to` is taken). */
  renameNoReplace(from: string, to: string): Promise<void>;
  /** Makes the names in a folder durable. */
  syncFolder(path: string): Promise<void>;
  /** The names in a folder. */
  readdir(path: string): Promise<string[]>;
  /** Removes a file. */
  unlink(path: string): Promise<void>;
}

/** The creation steps over one kind of `node:fs` calls; the new file does I/O the same way. */
function nodeCreationSteps(calls: FsCalls): CreationSteps {
  return {
    exists: (path) => existsWith(calls, path, 'create'),
    createNew: (path) => openNodeFile(path, 'createNew', { share: 'none', io: calls.io }),
    renameNoReplace: (from, to) => renameNoReplaceWith(calls, from, to),
    syncFolder: (path) => syncFolderWith(calls, path),
    readdir: (path) => calls.readdir(path),
    unlink: (path) => calls.unlink(path),
  };
}

/** {@link CreationSteps} on real files, through `node:fs` calls on the libuv thread pool. */
export const NODE_CREATION_STEPS: CreationSteps = nodeCreationSteps(THREAD_POOL_CALLS);

/**
 * {@link CreationSteps} on real files through blocking `node:fs` calls, the new file opened with
 * `io: 'sync'`: no thread-pool hop per step, for command-line tools that own their thread (the
 * `vskit` CLI), not for servers. The steps and their order are those of
 * {@link NODE_CREATION_STEPS}.
 */
export const NODE_BLOCKING_CREATION_STEPS: CreationSteps = nodeCreationSteps(BLOCKING_CALLS);

/** Options of {@link createFileAtomically}. */
export interface AtomicCreateOptions {
  /** Where the steps run; default `node:fs`. */
  readonly steps?: CreationSteps;
  /**
   * Random bytes for the temporary name; default `Math.random`. The name need not be secret,
   * only unlikely to be taken (the temporary file is created exclusively): `node:crypto` would
   * cost every creating command its load.
   */
  readonly random?: (length: number) => Uint8Array;
  /**
   * Checked after the fill, the sync and the close: once aborted, the creation stops before the
   * rename (the temporary file is removed) and rejects with the signal's reason.
   */
  readonly signal?: { readonly aborted: boolean; readonly reason?: unknown };
}

function stopIfAborted(signal: AtomicCreateOptions['signal']): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/**
 * Removes, from `folder`, the temporary files that creations of `path` left (a power cut, a
 * killed process, a concurrent loser). Best effort: a file that cannot be removed stays.
 */
async function removeLeftovers(steps: CreationSteps, folder: string, path: string): Promise<void> {
  const names = await steps.readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (isTemporaryName(name, path)) await steps.unlink(join(folder, name)).catch(() => undefined);
  }
}

/**
 * Creates the real file `path` whole or not at all: `EEXIST` (before anything is written) when
 * something is there; then `fill` writes the new file under a temporary name in the same folder
 * (`~vskit-XXXXXXXX-XXXXXXXX.tmp`, see `@vskit/host`), which is synced, closed, renamed to `path`
 * without replacing ({@link renameNoReplace}: `EEXIST` when another creation won meanwhile) and
 * the folder synced; last, the temporary files earlier creations of `path` left (a crash, a
 * concurrent loser) are removed. After a crash at any step, `path` is absent or complete. On
 * failure the temporary file is removed (and `path`, when only the folder sync failed).
 *
 * @example
 * ```ts
 * await createFileAtomically('/srv/vms/base.vhd', (file) => createDynamic(file, { sizeBytes }));
 * ```
 */
export async function createFileAtomically(
  path: string,
  fill: (file: HostFile) => Promise<void>,
  options: AtomicCreateOptions = {},
): Promise<void> {
  const steps = options.steps ?? NODE_CREATION_STEPS;
  const random = options.random ?? mathRandomBytes;
  const target = resolve(path);
  const folder = dirname(target);
  if (await steps.exists(target)) {
    throw new HostError('EEXIST', 'create', target, 'something is there already');
  }
  const temporary = join(folder, temporaryName(target, random(4)));
  const file = await steps.createNew(temporary);
  try {
    try {
      await fill(file);
      stopIfAborted(options.signal);
      await file.sync();
      stopIfAborted(options.signal);
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    await file.close();
    stopIfAborted(options.signal);
    await steps.renameNoReplace(temporary, target).catch(async (error: unknown) => {
      // Our temporary file gone and the file there: another creation won and cleared it.
      const gone = nodeErrorCode(error) === 'ENOENT' || isHostErrorWith(error, 'ENOENT');
      if (gone && (await steps.exists(target).catch(() => false))) {
        throw new HostError(
          'EEXIST',
          'create',
          target,
          `another creation of ${basename(target)} won`,
        );
      }
      throw rehomed(error, target);
    });
  } catch (error) {
    await steps.unlink(temporary).catch(() => undefined);
    throw error;
  }
  try {
    await steps.syncFolder(folder);
  } catch (error) {
    await steps.unlink(target).catch(() => undefined);
    throw error;
  }
  // The file is whole and durable: what earlier creations of it left can go.
  await removeLeftovers(steps, folder, target);
}

/** `length` bytes from `Math.random`. */
function mathRandomBytes(length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(Math.random() * 256));
}

function isHostErrorWith(error: unknown, code: string): boolean {
  return error instanceof HostError && error.code === code;
}

/** A failure of the final rename, said of the file being created. */
function rehomed(error: unknown, target: string): HostError {
  const host = toHostError(error, 'create', target);
  if (host.code === 'EEXIST') {
    return new HostError('EEXIST', 'create', target, `another creation of ${basename(target)} won`);
  }
  return host;
}
