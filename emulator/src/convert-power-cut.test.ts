/**
 * `vskit convert` writes its target through `createFileAtomically` of `@vskit/host-node`, filled
 * by `convertDisk` of `@vskit/vhd-format`. Here the same procedure runs on an emulated volume
 * (its steps mapped onto the host), reading a chain or a raw file from the same volume, with the
 * power cut (and each write torn) at every operation: afterwards the target is absent or exactly
 * the uninterrupted result, the source files are unchanged, and only a temporary file of the
 * target may be left.
 */
import { createFileAtomically } from '@vskit/host-node';
import {
  type ConvertTargetType,
  convertDisk,
  createDifferencing,
  createDynamic,
  openChain,
  openImage,
  rawDisk,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { entryAt, expectOnlyTemporaryLeft, stepsOn, win } from './__fixtures__/atomic-steps.js';
import { newHost, pattern } from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const KiB = 1024;
const SIZE = 1024 * KiB;
const BASE = 'C:\\src\\base.vhd';
const CHILD = 'C:\\src\\child.vhd';
const RAW = 'C:\\src\\disk.raw';
const TARGET = '/out/disk.out';
const TIME = new Date('2026-01-01T00:00:00Z');
const UUID = Uint8Array.from({ length: 16 }, (_, i) => i + 3);

/** A dynamic base and a differencing child with data in both, and a raw file, all durable. */
async function setUp(): Promise<EmulatedHost> {
  const host = newHost({ capacityBytes: 2 ** 30, now: () => TIME });
  await host.mkdir('C:\\src');
  await host.mkdir('C:\\out');
  const base = await host.open(BASE, 'createNew');
  await createDynamic(base, {
    sizeBytes: SIZE,
    blockSizeBytes: 64 * KiB,
    uniqueId: UUID,
    timestamp: TIME,
  });
  const baseImage = await openImage(base, { writable: true });
  const write = await openChain(base, { openParent: async () => undefined, writable: true });
  await write.write(pattern(100 * KiB, 1), 10 * KiB);
  await write.write(new Uint8Array(64 * KiB), 512 * KiB); // zeros, allocated
  await write.sync();
  const child = await host.open(CHILD, 'createNew');
  await createDifferencing(child, {
    uniqueId: new Uint8Array(16).fill(7),
    timestamp: TIME,
    parent: {
      footer: baseImage.footer,
      blockSizeBytes: 64 * KiB,
      modified: TIME,
      unicodeName: 'base.vhd',
    },
  });
  await write.close();
  await child.sync();
  await child.close();
  const raw = await host.open(RAW, 'createNew');
  await raw.write(pattern(70 * KiB, 2), 300 * KiB);
  await raw.truncate(SIZE - 1000);
  await raw.sync();
  await raw.close();
  const top = await host.open(CHILD, 'readWrite');
  const chain = await openChain(top, {
    openParent: async () => host.open(BASE, 'read'),
    writable: true,
  });
  await chain.write(pattern(5000, 3), 60 * KiB);
  await chain.sync();
  await chain.close();
  await host.syncFolder('C:\\');
  await host.syncFolder('C:\\src');
  return host;
}

/** Converts the chain (or the raw file) into TARGET through createFileAtomically. */
async function convert(host: EmulatedHost, from: 'chain' | 'raw', type: ConvertTargetType) {
  const options = { type, blockSizeBytes: 64 * KiB, uniqueId: UUID, timestamp: TIME };
  await createFileAtomically(
    TARGET,
    async (file) => {
      if (from === 'raw') {
        const raw = await host.open(RAW, 'read');
        try {
          await convertDisk(await rawDisk(raw), file, options);
        } finally {
          await raw.close();
        }
        return;
      }
      const chain = await openChain(await host.open(CHILD, 'read'), {
        openParent: async () => host.open(BASE, 'read'),
      });
      try {
        await convertDisk(chain, file, options);
      } finally {
        await chain.close();
      }
    },
    { steps: stepsOn(host), random: () => new Uint8Array([1, 2, 3, 4]) },
  );
}

const cases: Array<['chain' | 'raw', ConvertTargetType]> = [
  ['chain', 'dynamic'],
  ['chain', 'fixed'],
  ['chain', 'raw'],
  ['raw', 'dynamic'],
  ['raw', 'fixed'],
];

describe('convert through createFileAtomically: a power cut at every operation', () => {
  for (const [from, type] of cases) {
    it(`${from} to ${type}: the target is absent or whole, the source unchanged`, async () => {
      const clean = await setUp();
      const start = await clean.snapshot();
      clean.faults.reset();
      await convert(clean, from, type);
      const ops = clean.faults.log();
      const done = await clean.snapshot();
      const whole = entryAt(done, win(TARGET));
      expect(whole).toBeDefined();
      expect(ops.filter((r) => r.op === 'write').length).toBeGreaterThan(0);
      let absent = 0;
      for (const record of ops) {
        for (const torn of record.op === 'write' ? [false, true] : [false]) {
          const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}`;
          const host = await setUp();
          host.faults.reset();
          host.faults.powerCutAt(record.op, record.n, { torn });
          const ended = await convert(host, from, type).then(
            () => 'ok',
            () => 'failed',
          );
          const cut = await host.reopenAfterPowerCut().snapshot();
          for (const source of [BASE, CHILD, RAW]) {
            expect(entryAt(cut, source), label).toEqual(entryAt(start, source));
          }
          const there = entryAt(cut, win(TARGET));
          if (ended === 'ok') expect(there, label).toBeDefined();
          if (there === undefined) absent++;
          else expect(there, label).toEqual(whole);
          expectOnlyTemporaryLeft(cut, start, TARGET, there, label);
        }
      }
      expect(absent).toBeGreaterThan(0);
    });
  }
});
