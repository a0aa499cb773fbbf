/**
 * `@vskit/host-node`: vskit on real disks. A host over real folders (each drive letter a folder,
 * confined to it), `openNodeFile`, a real file or block device as a `HostFile`, with share modes
 * and an inter-process writer lock, and atomic creation of new files.
 * @packageDocumentation
 */

// Everything of the `@vskit/host-node/file` entry (files, their lock, atomic creation)...
export * from './file.js';
// ...and the host.
export type { NodeHostOptions, NodeVolumeOptions } from './node-host.js';
export { createNodeHost } from './node-host.js';
