/**
 * `@vskit/emulator`: hosts for vs-api. Emulated Windows volumes (NTFS, FAT32, FAT16) in memory,
 * with space accounting, fault injection and power cuts; and a host over real folders.
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
export type { NodeFileOptions } from './node-file.js';
export { openNodeFile } from './node-file.js';
export type { NodeHostOptions, NodeVolumeOptions } from './node-host.js';
export { createNodeHost } from './node-host.js';
export { CHUNK_BYTES } from './sparse-content.js';
export type { EmulatedVolumeOptions } from './volume.js';
export { DEFAULT_CAPACITY_BYTES } from './volume.js';
