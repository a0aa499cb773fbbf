/**
 * `@vskit/host-node`: vskit on real disks. A host over real folders (each drive letter a folder,
 * confined to it) and `openNodeFile`, a real file or block device as a `HostFile`.
 * @packageDocumentation
 */

export type { NodeFileOptions } from './node-file.js';
export { openNodeFile } from './node-file.js';
export type { NodeHostOptions, NodeVolumeOptions } from './node-host.js';
export { createNodeHost } from './node-host.js';
