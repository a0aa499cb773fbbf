/**
 * A host-drive image built by the suite from SEMANTICS.md's table ("What a host-drive image
 * holds"), not by the implementation under test: one 512-byte sector, big-endian, with a
 * VHD-style checksum.
 * @module
 */
import { checksum } from './vhd-bytes.js';

/** The cookie at offset 0. */
export const HOST_DRIVE_COOKIE = 'vslinked';

/** The 512 bytes of a host-drive image linked to `identifier`. */
export function hostDriveImage(
  identifier: string,
  sizeBytes: number,
  readOnly: boolean,
  uniqueId: Uint8Array,
  timestamp: number,
): Uint8Array {
  const bytes = new Uint8Array(512);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < HOST_DRIVE_COOKIE.length; i++) bytes[i] = HOST_DRIVE_COOKIE.charCodeAt(i);
  view.setUint32(8, 0x00010000);
  view.setUint32(12, readOnly ? 1 : 0);
  view.setUint32(16, Math.floor(sizeBytes / 2 ** 32));
  view.setUint32(20, sizeBytes >>> 0);
  bytes.set(uniqueId.subarray(0, 16), 24);
  view.setUint32(40, timestamp >>> 0);
  view.setUint16(48, identifier.length * 2);
  for (let i = 0; i < identifier.length; i++) {
    view.setUint16(64 + 2 * i, identifier.charCodeAt(i), true);
  }
  view.setUint32(44, checksum(bytes, 44));
  return bytes;
}
