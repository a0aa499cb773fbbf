/**
 * `@vskit/host/kit`: building blocks for writing a `Host`, shared by the emulated host
 * (`@vskit/emulator`) and the node host (`@vskit/host-node`): the common base class, path parsing,
 * open-handle counting, `withFile` and the snapshot content digest. Nothing here is needed to use
 * a host; it is for implementing one.
 * @packageDocumentation
 */

export type { Sha256 } from './content-digest.js';
export { contentDigest, DIGEST_PIECE_BYTES, isAllZero } from './content-digest.js';
export type { HostBaseOptions } from './host-base.js';
export { HostBase } from './host-base.js';
export { compareNames, normaliseDrive, parseHostPath } from './host-paths.js';
export type { ShareRequest } from './open-handles.js';
export { defaultShare, OpenHandles, shareConflict } from './open-handles.js';
export { withFile } from './with-file.js';
