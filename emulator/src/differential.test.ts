import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '@vskit/host';
import { createNodeHost } from '@vskit/host-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandArbitrary, runCommand, SEED_COMMANDS } from './__fixtures__/host-commands.js';
import { createEmulatedHost } from './emulated-host.js';

/** The parts of a snapshot both hosts share (capacity and free space differ by design). */
async function entries(host: Host): Promise<unknown> {
  return (await host.snapshot()).volumes.map((volume) => volume.entries);
}

describe('emulated and node hosts', () => {
  it('agree on every result and on the final tree for random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary({ maxPosition: 500, maxData: 300, drives: ['C', 'D'] }), {
          minLength: 1,
          maxLength: 30,
          size: 'medium',
        }),
        async (commands) => {
          const root = await mkdtemp(join(tmpdir(), 'vskit-differential-'));
          const rootC = join(root, 'c');
          const rootD = join(root, 'd');
          await mkdir(rootC);
          await mkdir(rootD);
          try {
            const emulated = createEmulatedHost({
              volumes: [
                { drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 40 },
                { drive: 'D', fileSystem: 'FAT32', capacityBytes: 2 ** 40 },
              ],
            });
            const real = createNodeHost({
              volumes: [
                { drive: 'C', root: rootC, fileSystem: 'NTFS' },
                { drive: 'D', root: rootD, fileSystem: 'FAT32' },
              ],
            });
            for (const c of [...SEED_COMMANDS, ...commands]) {
              const expected = await runCommand(emulated, c);
              const actual = await runCommand(real, c);
              expect({ command: c, result: actual }).toEqual({ command: c, result: expected });
            }
            expect(await entries(real)).toEqual(await entries(emulated));
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
