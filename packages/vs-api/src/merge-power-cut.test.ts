/**
 * A power cut at every host operation of IVMHardDisk.Merge (the writes also torn): afterwards
 * every file opens strictly, the chain from the child reads as before the merge (which is also
 * how it reads after), the parent alone differs from what it was only at sectors the child
 * holds, and those read as the chain does; nothing new is left on the volume; and Merge called
 * again on the disk finishes it: the parent alone reads as the chain did, the child is empty.
 */
import type { EmulatedHost, OperationRecord } from '@vskit/emulator';
import { openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  expectParentChangedOnlyAtMerged,
  expectSuccess,
  type MergeChain,
  mergeChain,
  sameBytes,
} from './__fixtures__/chains.js';
import { readVirtual, testHost } from './__fixtures__/hosts.js';
import { VirtualServer } from './virtual-server.js';

const MiB = 2 ** 20;
const SIZE = 4 * MiB;

async function setUp(parentType: 'dynamic' | 'fixed'): Promise<[EmulatedHost, MergeChain]> {
  const { host } = testHost();
  const chain = await mergeChain(host, new VirtualServer(host), {
    parentType,
    size: SIZE,
    parentWrites: [[0, 2 * MiB + 4096, 3]],
    childWrites: [
      [700, 2000, 11],
      [2 * MiB - 1024, 2048, 12],
      [3 * MiB + 512, 512, 13],
    ],
  });
  for (const path of [chain.parent, chain.child]) {
    const file = await host.open(path, 'readWrite');
    await file.sync();
    await file.close();
  }
  for (const folder of ['C:\\', 'C:\\base', 'C:\\vms']) await host.syncFolder(folder);
  expect(await host.durableSnapshot()).toEqual(await host.snapshot());
  return [host, chain];
}

/** Runs Merge on the child to its end; the power may be cut meanwhile. */
async function attempt(host: EmulatedHost, child: string): Promise<string> {
  try {
    const task = await (await new VirtualServer(host).getHardDisk(child)).merge();
    await task.waitForCompletion(-1);
    return task.error === 0 ? 'S_OK' : `task ${task.error}`;
  } catch (error) {
    return (error as Error).name;
  }
}

function paths(host: EmulatedHost): Promise<string[]> {
  return host.snapshot().then((s) => s.volumes.flatMap((v) => v.entries.map((e) => e.path)));
}

describe('a power cut at every operation of Merge', () => {
  for (const parentType of ['dynamic', 'fixed'] as const) {
    it(`into a ${parentType} parent: the chain reads as before and as after, the parent changes only at merged sectors, and Merge again finishes it`, async () => {
      const [prior, chain] = await setUp(parentType);
      const entries = await paths(prior);
      const clean = prior.reopenAfterPowerCut();
      clean.faults.reset();
      expect(await attempt(clean, chain.child)).toBe('S_OK');
      const ops: OperationRecord[] = [...clean.faults.log()];
      expect(ops.map((r) => r.op)).toEqual(
        expect.arrayContaining(['open', 'write', 'sync', 'truncate', 'close']),
      );
      let failed = 0;
      for (const record of ops) {
        for (const torn of record.op === 'write' ? [false, true] : [false]) {
          const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}: ${record.path}`;
          const host = prior.reopenAfterPowerCut();
          host.faults.reset();
          host.faults.powerCutAt(record.op, record.n, { torn });
          if ((await attempt(host, chain.child)) !== 'S_OK') failed++;
          const after = host.reopenAfterPowerCut();
          for (const path of [chain.child, chain.parent]) {
            await (await openImage(await after.open(path, 'read'), { strict: true })).close();
          }
          const read = await readVirtual(after, chain.child, 0, SIZE);
          expect(sameBytes(read, chain.model), label).toBe(true);
          await expectParentChangedOnlyAtMerged(after, chain, label);
          expect(await paths(after), label).toEqual(entries);
          // Merge again finishes it.
          expect(await attempt(after, chain.child), label).toBe('S_OK');
          const parent = await readVirtual(after, chain.parent, 0, SIZE);
          expect(sameBytes(parent, chain.model), `${label}: parent after`).toBe(true);
          const child = await openImage(await after.open(chain.child, 'read'), { strict: true });
          expect(child.allocatedBlockCount, `${label}: child emptied`).toBe(0);
          await child.close();
        }
      }
      expect(failed).toBeGreaterThan(ops.length / 2);
    });
  }
});
