/**
 * `@vskit/emulator`: the emulated host for vs-api. Emulated Windows volumes (NTFS, FAT32, FAT16)
 * in memory, with space accounting, fault injection and power cuts. The host over real folders
 * and `openNodeFile` are `@vskit/host-node`'s; the names re-exported here are deprecated.
 * @packageDocumentation
 */

export { contentDigest } from './content-digest.js';
export type { EmulatedHost, EmulatedHostOptions } from './emulated-host.js';
export { createEmulatedHost } from './emulated-host.js';
export type {
  FaultInjector,
  FaultOperation,
  OperationRecord,
  PathPattern,
  PowerCutOptions,
} from './faults.js';
export { FAULT_OPERATIONS } from './faults.js';
export type { NodeFileOptions, NodeHostOptions, NodeVolumeOptions } from './node-reexports.js';
export { createNodeHost, openNodeFile } from './node-reexports.js';
export { CHUNK_BYTES } from './sparse-content.js';
export type { EmulatedVolumeOptions } from './volume.js';
export { DEFAULT_CAPACITY_BYTES } from './volume.js';
