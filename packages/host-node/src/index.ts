/**
 * `@vskit/host-node`: vskit on real disks. A host over real folders (each drive letter a folder,
 * confined to it), `openNodeFile`, a real file or block device as a `HostFile`, with share modes
 * and an inter-process writer lock, and atomic creation of new files.
 * @packageDocumentation
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
export type { NodeHostOptions, NodeVolumeOptions } from './node-host.js';
export { createNodeHost } from './node-host.js';
export {
  WRITER_LOCK_STALE_MS,
  WRITER_LOCK_UPDATE_MS,
  writerLockPath,
} from './writer-lock.js';
