/**
 * The file a host-drive image is: Microsoft never documented what CreateHostDriveVirtualHardDisk
 * writes, so vs-api writes one 512-byte sector of its own *(decision)*, big-endian like a VHD
 * footer, with a VHD-style checksum:
 *
 * | offset | size | field           | value                                                    |
 * | ------ | ---- | --------------- | -------------------------------------------------------- |
 * | 0      | 8    | cookie          | `vslinked`                                               |
 * | 8      | 4    | version         | 0x00010000                                               |
 * | 12     | 4    | flags           | bit 0: the image is read-only; other bits 0              |
 * | 16     | 8    | size            | the host drive's size in bytes when the image was made   |
 * | 24     | 16   | unique id       | the image's UUID                                         |
 * | 40     | 4    | timestamp       | creation time, seconds since 2000-01-01T00:00:00Z        |
 * | 44     | 4    | checksum        | one's complement of the byte sum, this field as zero     |
 * | 48     | 2    | identifier size | bytes of the identifier, even, 2..256                    |
 * | 50     | 14   | reserved        | zeros                                                    |
 * | 64     | 256  | identifier      | the host drive's identifier, UTF-16LE, zero padded       |
 * | 320    | 192  | reserved        | zeros                                                    |
 *
 * The file is exactly 512 bytes; it holds no disk data (the guest reads the host drive).
 * @module
 */
import { decodeUtf16, encodeUtf16, vhdChecksum, vhdTimestamp } from '@vskit/vhd-format';

/** The size of a host-drive image file. */
export const HOST_DRIVE_IMAGE_BYTES = 512;

/** The cookie a host-drive image starts with. */
export const HOST_DRIVE_COOKIE = 'vslinked';

/** The longest identifier a host-drive image holds, in UTF-16 code units. */
export const MAX_HOST_DRIVE_ID_UNITS = 128;

const VERSION = 0x00010000;
const READ_ONLY = 1;
const CHECKSUM_AT = 44;
const ID_SIZE_AT = 48;
const ID_AT = 64;

/** A file starts with the host-drive cookie but is not a valid host-drive image. */
export class HostDriveImageError extends Error {
  override readonly name = 'HostDriveImageError';
}

/** What a host-drive image records. */
export interface HostDriveImage {
  /** The host drive's identifier. */
  readonly hostDriveIdentifier: string;
  /** The host drive's size in bytes when the image was made. */
  readonly sizeBytes: number;
  /** Whether the guest gets the drive read-only. */
  readonly readOnly: boolean;
  /** The image's UUID (16 bytes). */
  readonly uniqueId: Uint8Array;
  /** Creation time, VHD seconds. */
  readonly timestamp: number;
}

/** The sector of a host-drive image. */
export function encodeHostDriveImage(image: {
  hostDriveIdentifier: string;
  sizeBytes: number;
  readOnly: boolean;
  uniqueId: Uint8Array;
  created: Date;
}): Uint8Array {
  const id = encodeUtf16(image.hostDriveIdentifier, 'le');
  if (id.length === 0 || id.length > MAX_HOST_DRIVE_ID_UNITS * 2) {
    throw new RangeError(`a host drive identifier holds 1..${MAX_HOST_DRIVE_ID_UNITS} units`);
  }
  const bytes = new Uint8Array(HOST_DRIVE_IMAGE_BYTES);
  const view = new DataView(bytes.buffer);
  for (const [i, c] of [...HOST_DRIVE_COOKIE].entries()) bytes[i] = c.charCodeAt(0);
  view.setUint32(8, VERSION);
  view.setUint32(12, image.readOnly ? READ_ONLY : 0);
  view.setUint32(16, Math.floor(image.sizeBytes / 2 ** 32));
  view.setUint32(20, image.sizeBytes >>> 0);
  bytes.set(image.uniqueId.subarray(0, 16), 24);
  view.setUint32(40, vhdTimestamp(image.created));
  view.setUint16(ID_SIZE_AT, id.length);
  bytes.set(id, ID_AT);
  view.setUint32(CHECKSUM_AT, vhdChecksum(bytes, CHECKSUM_AT));
  return bytes;
}

/** Whether `bytes` (a file's first bytes) start with the host-drive cookie. */
export function hasHostDriveCookie(bytes: Uint8Array): boolean {
  if (bytes.length < HOST_DRIVE_COOKIE.length) return false;
  return [...HOST_DRIVE_COOKIE].every((c, i) => bytes[i] === c.charCodeAt(0));
}

/**
 * Decodes the whole file of a host-drive image. Throws a {@link HostDriveImageError} naming the field for a
 * file that has the cookie but is not a valid one: its size, version, checksum, flags or
 * identifier size.
 */
export function decodeHostDriveImage(bytes: Uint8Array): HostDriveImage {
  if (!hasHostDriveCookie(bytes)) throw new HostDriveImageError('no host-drive cookie');
  if (bytes.length !== HOST_DRIVE_IMAGE_BYTES) {
    throw new HostDriveImageError(
      `a host-drive image is ${HOST_DRIVE_IMAGE_BYTES} bytes, not ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8);
  if (version !== VERSION)
    throw new HostDriveImageError(`unsupported version 0x${version.toString(16)}`);
  const checksum = view.getUint32(CHECKSUM_AT);
  if (checksum !== vhdChecksum(bytes, CHECKSUM_AT)) throw new HostDriveImageError('bad checksum');
  const flags = view.getUint32(12);
  if ((flags & ~READ_ONLY) !== 0)
    throw new HostDriveImageError(`unknown flags 0x${flags.toString(16)}`);
  const idSize = view.getUint16(ID_SIZE_AT);
  if (idSize === 0 || idSize % 2 !== 0 || idSize > MAX_HOST_DRIVE_ID_UNITS * 2) {
    throw new HostDriveImageError(`bad identifier size ${idSize}`);
  }
  const sizeBytes = view.getUint32(16) * 2 ** 32 + view.getUint32(20);
  if (!Number.isSafeInteger(sizeBytes)) throw new HostDriveImageError('size beyond 2^53');
  return {
    hostDriveIdentifier: decodeUtf16(bytes.subarray(ID_AT, ID_AT + idSize), 'le'),
    sizeBytes,
    readOnly: (flags & READ_ONLY) !== 0,
    uniqueId: bytes.slice(24, 40),
    timestamp: view.getUint32(40),
  };
}
