import { vhdChecksum } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  decodeHostDriveImage,
  encodeHostDriveImage,
  HOST_DRIVE_IMAGE_BYTES,
  HostDriveImageError,
  hasHostDriveCookie,
} from './host-drive-image.js';

const IMAGE = {
  hostDriveIdentifier: 'PhysicalDrive1',
  sizeBytes: 5 * 2 ** 40 + 512,
  readOnly: true,
  uniqueId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  created: new Date('2026-01-01T00:00:00Z'),
};

/** `bytes` with `edit` applied and the checksum made right again. */
function edited(edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = encodeHostDriveImage(IMAGE);
  const view = new DataView(bytes.buffer);
  edit(view, bytes);
  view.setUint32(44, vhdChecksum(bytes, 44));
  return bytes;
}

describe('host-drive image', () => {
  it('encodes one sector that decodes to what it records', () => {
    const bytes = encodeHostDriveImage(IMAGE);
    expect(bytes.length).toBe(HOST_DRIVE_IMAGE_BYTES);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('vslinked');
    expect(hasHostDriveCookie(bytes)).toBe(true);
    expect(decodeHostDriveImage(bytes)).toEqual({
      hostDriveIdentifier: 'PhysicalDrive1',
      sizeBytes: IMAGE.sizeBytes,
      readOnly: true,
      uniqueId: IMAGE.uniqueId,
      timestamp: 820_540_800,
    });
    expect([...bytes.subarray(64, 92)]).toEqual([
      ...new Uint8Array(Buffer.from('PhysicalDrive1', 'utf16le')),
    ]);
  });

  it.each([
    [
      'a bad checksum',
      (b: Uint8Array) => {
        const copy = b.slice();
        copy[100] = 1;
        return copy;
      },
    ],
    ['a short file', (b: Uint8Array) => b.subarray(0, 511)],
    ['another version', () => edited((v) => v.setUint32(8, 0x00020000))],
    ['unknown flags', () => edited((v) => v.setUint32(12, 2))],
    ['an odd identifier size', () => edited((v) => v.setUint16(48, 3))],
    ['an empty identifier', () => edited((v) => v.setUint16(48, 0))],
    ['an identifier of 258 bytes', () => edited((v) => v.setUint16(48, 258))],
  ])('refuses %s', (_, damage) => {
    expect(() => decodeHostDriveImage(damage(encodeHostDriveImage(IMAGE)))).toThrow(
      HostDriveImageError,
    );
  });

  it('refuses to encode an identifier that does not fit', () => {
    expect(() => encodeHostDriveImage({ ...IMAGE, hostDriveIdentifier: 'x'.repeat(129) })).toThrow(
      RangeError,
    );
    expect(hasHostDriveCookie(new TextEncoder().encode('conectix'))).toBe(false);
  });
});
