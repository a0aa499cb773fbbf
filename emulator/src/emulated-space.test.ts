import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandArbitrary, runCommand, SEED_COMMANDS } from './__fixtures__/host-commands.js';
import type { EmulatedHost } from './emulated-host.js';
import { createEmulatedHost } from './emulated-host.js';

/** Used bytes from the files a snapshot shows, plus the other data the volume started with. */
async function checkAccount(host: EmulatedHost, otherBytes: number): Promise<void> {
  const info = host.volumeInfo('C');
  const snapshot = await host.snapshot();
  const volume = snapshot.volumes[0];
  if (info === undefined || volume === undefined) throw new Error('volume C: is missing');
  const files = volume.entries
    .filter((entry) => entry.kind === 'file')
    .reduce((sum, entry) => sum + Math.ceil(entry.size / info.clusterBytes) * info.clusterBytes, 0);
  expect(info.freeBytes).toBeGreaterThanOrEqual(0);
  expect(files + otherBytes + info.freeBytes).toBe(info.capacityBytes);
  expect(volume.freeBytes).toBe(info.freeBytes);
}

describe('emulated space accounting', () => {
  it('used + free = capacity after any sequence of operations', async () => {
    const volume = fc.record({
      fileSystem: fc.constantFrom('NTFS' as const, 'FAT32' as const, 'FAT16' as const),
      clusterBytes: fc.constantFrom(512, 4096, 32768),
      capacityBytes: fc.integer({ min: 32 * 1024, max: 512 * 1024 }),
      otherFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const scale = { maxPosition: 200_000, maxData: 70_000 };
    await fc.assert(
      fc.asyncProperty(
        volume,
        fc.array(commandArbitrary(scale), { maxLength: 20 }),
        async (v, commands) => {
          const otherBytes = Math.floor(v.capacityBytes * v.otherFraction);
          const host = createEmulatedHost({
            volumes: [
              {
                drive: 'C',
                fileSystem: v.fileSystem,
                capacityBytes: v.capacityBytes,
                freeBytes: v.capacityBytes - otherBytes,
                clusterBytes: v.clusterBytes,
              },
            ],
          });
          for (const c of [...SEED_COMMANDS, ...commands]) {
            await runCommand(host, c);
            await checkAccount(host, otherBytes);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a write or truncate refused with ENOSPC leaves the volume exactly as it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 64 * 1024 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        async (initial, position, length) => {
          const host = createEmulatedHost({
            volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 128 * 1024 }],
          });
          await host.writeFile('C:\\f', new Uint8Array(initial).fill(1));
          const before = await host.snapshot();
          const file = await host.open('C:\\f', 'readWrite');
          const wrote = await file.write(new Uint8Array(length).fill(2), position).then(
            () => 'ok',
            (error: { code?: string }) => error.code,
          );
          await file.close();
          const fits = Math.ceil(Math.max(initial, position + length) / 4096) * 4096 <= 128 * 1024;
          expect(wrote).toBe(fits ? 'ok' : 'ENOSPC');
          if (!fits) expect(await host.snapshot()).toEqual(before);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('emulated names', () => {
  const variant = (text: string) =>
    fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((upper) =>
      [...text]
        // Windows upper-cases one character at a time and never expands one (ß stays ß).
        .map((ch, i) => (upper[i] && ch.toUpperCase().length === 1 ? ch.toUpperCase() : ch))
        .join(''),
    );

  it('names differing only in case are one file, keeping the case it was created with', async () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9äöüßé_ -]{1,12}$/).filter((w) => w.trim() === w);
    await fc.assert(
      fc.asyncProperty(
        word.chain((w) => fc.tuple(fc.constant(w), variant(w), variant(w))),
        fc.uint8Array({ maxLength: 50 }),
        async ([created, other, third], data) => {
          const host = createEmulatedHost({ volumes: [{ drive: 'C', fileSystem: 'FAT32' }] });
          await host.mkdir(`C:\\${created}`);
          await host.writeFile(`C:\\${other}\\${created}.vhd`, data);
          await host.writeFile(`c:\\${third}\\${other}.VHD`, data);
          expect(await host.readdir(`C:\\${third}`)).toEqual([`${created}.vhd`]);
          expect(await host.readdir('C:\\')).toEqual([created]);
          expect([...(await host.readFile(`C:\\${created}\\${third}.vhd`))]).toEqual([...data]);
          expect(
            windowsPath.samePath(
              windowsPath.parseAbsolute(`C:\\${created}`)!,
              windowsPath.parseAbsolute(`C:\\${other}`)!,
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
