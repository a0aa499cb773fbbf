/**
 * The `@vskit/host-node/file` entry point: {@link openNodeFile} and its writer lock's path, for
 * tools that open real files and need no node host. It loads neither the host nor `node:crypto`
 * (and the lock's library only when a writer takes a lock).
 * @example
 * ```ts
 * import { openNodeFile } from '@vskit/host-node/file';
 * const file = await openNodeFile('disk.vhd', 'read', { io: 'sync' });
 * ```
 * @module
 */

export type { NodeFileOptions } from './node-file.js';
export { openNodeFile } from './node-file.js';
export { WRITER_LOCK_STALE_MS, WRITER_LOCK_UPDATE_MS, writerLockPath } from './writer-lock.js';
