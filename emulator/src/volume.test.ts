import {
  FILE_SYSTEM_KINDS,
  FILE_SYSTEM_LIMITS,
  type HostErrorCode,
  isHostError,
} from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmulatedHost } from './emulated-host.js';
import { DEFAULT_CAPACITY_BYTES, type EmulatedVolumeOptions } from './volume.js';

const code = (expected: HostErrorCode) => (error: unknown) => isHostError(error, expected);

function build(volumes: EmulatedVolumeOptions[]) {
  return () => createEmulatedHost({ volumes });
}

describe('emulated volume options', () => {
  it('default capacity, free space and cluster size per file system', () => {
    const host = createEmulatedHost({
      volumes: [
        { drive: 'f:', fileSystem: 'FAT16' },
        { drive: 'c', fileSystem: 'NTFS' },
        { drive: 'E', fileSystem: 'FAT32' },
      ],
    });
    expect(host.volumes()).toEqual(
      [
        ['C', 'NTFS'],
        ['E', 'FAT32'],
        ['F', 'FAT16'],
      ].map(([drive, fs]) => {
        const kind = fs as keyof typeof FILE_SYSTEM_LIMITS;
        return {
          drive,
          fileSystem: kind,
          capacityBytes: DEFAULT_CAPACITY_BYTES[kind],
          freeBytes: DEFAULT_CAPACITY_BYTES[kind],
          maxFileSizeBytes: FILE_SYSTEM_LIMITS[kind].maxFileSizeBytes,
          clusterBytes: FILE_SYSTEM_LIMITS[kind].defaultClusterBytes,
        };
      }),
    );
  });

  it('refuses bad options with EINVAL', () => {
    expect(build([{ drive: 'CC', fileSystem: 'NTFS' }])).toThrow(/EINVAL.*drive/);
    expect(build([{ drive: '1', fileSystem: 'NTFS' }])).toThrow(/EINVAL/);
    expect(build([{ drive: 'C', fileSystem: 'EXT4' as 'NTFS' }])).toThrow(/file system/);
    expect(
      build([
        { drive: 'C', fileSystem: 'NTFS' },
        { drive: 'c:', fileSystem: 'FAT32' },
      ]),
    ).toThrow(/twice/);
    expect(build([{ drive: 'C', fileSystem: 'NTFS', capacityBytes: -1 }])).toThrow(/capacity/);
    expect(build([{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 10, freeBytes: 11 }])).toThrow(
      /free bytes/,
    );
    expect(build([{ drive: 'C', fileSystem: 'NTFS', clusterBytes: 3000 }])).toThrow(/cluster/);
    expect(() => createEmulatedHost({} as never)).toThrow(/volumes/);
  });

  it('accepts every size up to the file system limit and refuses every size above with EFBIG', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FILE_SYSTEM_KINDS),
        fc.integer({ min: -4096, max: 4096 }),
        fc.boolean(),
        async (fileSystem, offset, viaWrite) => {
          const max = FILE_SYSTEM_LIMITS[fileSystem].maxFileSizeBytes;
          const host = createEmulatedHost({
            volumes: [{ drive: 'C', fileSystem, capacityBytes: 2 ** 45 }],
          });
          const before = host.volumeInfo('C')?.freeBytes;
          const file = await host.open('C:\\f', 'createNew');
          const size = max + offset;
          const attempt = viaWrite ? file.write(Uint8Array.of(1), size - 1) : file.truncate(size);
          if (size <= max) {
            await attempt;
            expect(await file.size()).toBe(size);
          } else {
            await expect(attempt).rejects.toSatisfy(code('EFBIG'));
            expect(await file.size()).toBe(0);
            expect(host.volumeInfo('C')?.freeBytes).toBe(before);
          }
          await file.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
