/**
 * The `@vskit/host-node/file` entry point: {@link openNodeFile}, its writer lock's path and the
 * atomic creation of new files ({@link createFileAtomically}), for tools that open and create
 * real files and need no node host. It loads neither the host, `node:crypto` nor
 * `node:fs/promises` (and the lock's library only when a writer takes a lock or a rename needs
 * it).
 * @example
 * ```ts
 * import { openNodeFile } from '@vskit/host-node/file';
 * const file = await openNodeFile('disk.vhd', 'read', { io: 'sync' });
 * ```
 * @module
 */

export type { AtomicCreateOptions, CreationSteps } from './atomic.js';
export {
  createFileAtomically,
  NODE_BLOCKING_CREATION_STEPS,
  NODE_CREATION_STEPS,
  renameNoReplace,
  syncFolderAt,
} from './atomic.js';
export type { NodeFileOptions } from './node-file.js';
export { openNodeFile } from './node-file.js';
export { WRITER_LOCK_STALE_MS, WRITER_LOCK_UPDATE_MS, writerLockPath } from './writer-lock.js';
