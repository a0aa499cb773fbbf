/**
 * The real-disk adapters that moved to `@vskit/host-node`, re-exported under their old names so
 * that code importing them from `@vskit/emulator` keeps working. Each is deprecated: import it
 * from `@vskit/host-node`, which does not load memfs.
 * @module
 */
import {
  type NodeFileOptions as HostNodeFileOptions,
  type NodeHostOptions as HostNodeHostOptions,
  type NodeVolumeOptions as HostNodeVolumeOptions,
  createNodeHost as hostNodeCreateNodeHost,
  openNodeFile as hostNodeOpenNodeFile,
} from '@vskit/host-node';

/**
 * Creates a host over real folders; see `createNodeHost` of `@vskit/host-node`.
 * @deprecated Import `createNodeHost` from `@vskit/host-node`; this re-export will be removed.
 */
export const createNodeHost: typeof hostNodeCreateNodeHost = hostNodeCreateNodeHost;

/**
 * Opens a real file as a `HostFile`; see `openNodeFile` of `@vskit/host-node`.
 * @deprecated Import `openNodeFile` from `@vskit/host-node`; this re-export will be removed.
 */
export const openNodeFile: typeof hostNodeOpenNodeFile = hostNodeOpenNodeFile;

/**
 * Options of {@link openNodeFile}.
 * @deprecated Import `NodeFileOptions` from `@vskit/host-node`.
 */
export type NodeFileOptions = HostNodeFileOptions;

/**
 * How to set up a host over real folders.
 * @deprecated Import `NodeHostOptions` from `@vskit/host-node`.
 */
export type NodeHostOptions = HostNodeHostOptions;

/**
 * One volume of a node host.
 * @deprecated Import `NodeVolumeOptions` from `@vskit/host-node`.
 */
export type NodeVolumeOptions = HostNodeVolumeOptions;
