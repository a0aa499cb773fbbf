/**
 * `vskit create` writes through `createFileAtomically` of `@vskit/host-node`. Here the same
 * procedure runs on an emulated volume (its steps mapped onto the host) with the fills the CLI
 * passes, and the power is cut at every operation: afterwards the path holds nothing or the whole
 * image, the parent is unchanged, only a temporary file of that path may be left, and the next
 * create of the path ends exactly as an uninterrupted one, free space included.
 */
import type { HostFile } from '@vskit/host';
import { createFileAtomically } from '@vskit/host-node';
import {
  createDifferencing,
  createDynamic,
  createFixed,
  DEFAULT_BLOCK_SIZE,
  openImage,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { entryAt, expectOnlyTemporaryLeft, stepsOn, win } from './__fixtures__/atomic-steps.js';
import { newHost } from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const MiB = 2 ** 20;
const PARENT = '/base/parent.vhd';
const TIME = new Date('2026-01-01T00:00:00Z');
const UUID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

type Fill = (host: EmulatedHost) => (file: HostFile) => Promise<void>;

const fills: Array<[string, Fill]> = [
  [
    'fixed',
    () => (file) => createFixed(file, { sizeBytes: 3 * MiB, uniqueId: UUID, timestamp: TIME }),
  ],
  [
    'dynamic',
    () => (file) =>
      createDynamic(file, {
        sizeBytes: 64 * MiB,
        blockSizeBytes: DEFAULT_BLOCK_SIZE,
        uniqueId: UUID,
        timestamp: TIME,
      }),
  ],
  [
    'diff',
    (host) => async (file) => {
      const parentFile = await host.open(win(PARENT), 'read');
      const parent = await openImage(parentFile);
      try {
        await createDifferencing(file, {
          uniqueId: UUID,
          timestamp: TIME,
          parent: {
            footer: parent.footer,
            ...(parent.header === undefined ? {} : { blockSizeBytes: parent.header.blockSize }),
            modified: TIME,
            unicodeName: 'parent.vhd',
            absolutePath: 'Z:\\base\\parent.vhd',
            relativePath: '..\\base\\parent.vhd',
          },
        });
      } finally {
        await parent.close();
      }
    },
  ],
];

async function setUp(): Promise<EmulatedHost> {
  const host = newHost({ capacityBytes: 2 ** 30, now: () => TIME });
  await host.mkdir('C:\\base');
  await host.mkdir('C:\\vms');
  const file = await host.open(win(PARENT), 'createNew');
  await createDynamic(file, {
    sizeBytes: 16 * MiB,
    uniqueId: new Uint8Array(16).fill(9),
    timestamp: TIME,
  });
  await file.sync();
  await file.close();
  await host.syncFolder('C:\\');
  return host;
}

let draws = 0;
const random = (length: number) =>
  Uint8Array.from({ length }, () => (draws = (draws * 31 + 7) & 0xff));

describe('createFileAtomically (what vskit create runs): a power cut at every operation', () => {
  for (const [kind, fill] of fills) {
    it(`create ${kind}: the image is absent or whole, the parent unchanged, and the next create clears what is left`, async () => {
      const target = '/vms/new.vhd';
      const clean = await setUp();
      const start = await clean.snapshot();
      clean.faults.reset();
      await createFileAtomically(target, fill(clean), { steps: stepsOn(clean), random });
      const ops = clean.faults.log();
      const done = await clean.snapshot();
      expect(await clean.durableSnapshot()).toEqual(done);
      const whole = entryAt(done, win(target));
      expect(ops.map((r) => r.op)).toEqual(
        expect.arrayContaining(['open', 'write', 'sync', 'close', 'rename', 'syncFolder']),
      );
      let absent = 0;
      for (const record of ops) {
        for (const torn of record.op === 'write' ? [false, true] : [false]) {
          const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}`;
          const host = await setUp();
          host.faults.reset();
          host.faults.powerCutAt(record.op, record.n, { torn });
          const ended = await createFileAtomically(target, fill(host), {
            steps: stepsOn(host),
            random,
          }).then(
            () => 'ok',
            () => 'failed',
          );
          const after = host.reopenAfterPowerCut();
          const cut = await after.snapshot();
          expect(entryAt(cut, win(PARENT)), label).toEqual(entryAt(start, win(PARENT)));
          const there = entryAt(cut, win(target));
          if (ended === 'ok') expect(there, label).toBeDefined();
          if (there === undefined) absent++;
          else expect(there, label).toEqual(whole);
          expectOnlyTemporaryLeft(cut, start, target, there, label);
          const again = await createFileAtomically(target, fill(after), {
            steps: stepsOn(after),
            random,
          }).then(
            () => 'ok',
            (error: { code?: string }) => error.code,
          );
          expect(again, label).toBe(there === undefined ? 'ok' : 'EEXIST');
          expect(await after.snapshot(), label).toEqual(done);
        }
      }
      expect(absent).toBeGreaterThan(0);
    });
  }
});
