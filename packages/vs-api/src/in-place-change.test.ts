/**
 * The tasks that change images in place (Merge, Compact) under host failures and cancellation:
 * an I/O error at every host operation in turn ends the call with a typed error, leaves
 * nothing new on the volume, every file closed and the disk reading as before; the next call
 * finishes. The host's refusals become their HRESULTs. A cancellation at any write, sync or
 * truncate (and, for Compact, a power cut at any operation: Merge's is merge-power-cut.test.ts)
 * leaves the disk reading as before, and the progress never goes back.
 */
import type { EmulatedHost, OperationRecord } from '@vskit/emulator';
import type { Host, HostErrorCode, HostFile } from '@vskit/host';
import { openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  compactableDisk,
  expectParentChangedOnlyAtMerged,
  type MergeChain,
  mergeChain,
  sameBytes,
  type Write,
} from './__fixtures__/chains.js';
import { readVirtual, testHost } from './__fixtures__/hosts.js';
import { HRESULT, type HResultName, hresultName, VMTaskResult } from './hresult.js';
import type { VMTask } from './task.js';
import { VirtualServer } from './virtual-server.js';

const MiB = 2 ** 20;
const SIZE = 4 * MiB;

/** Child writes in every 2 MiB block of a 16 MiB disk, some over blocks the parent lacks. */
const SPREAD: Write[] = Array.from({ length: 8 }, (_, i) => [i * 2 * MiB + i * 4608, 3000, 20 + i]);

/** A durable host holding a chain to merge (of `size` bytes, the child holding `writes`). */
async function setUp(size = SIZE, writes?: readonly Write[]): Promise<[EmulatedHost, MergeChain]> {
  const { host } = testHost();
  const chain = await mergeChain(host, new VirtualServer(host), {
    parentType: 'dynamic',
    size,
    parentWrites: [[0, 2 * MiB + 4096, 3]],
    childWrites: writes ?? [
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
  return [host, chain];
}

/** How a call ended: S_OK, a code returned at once, or a failed task's code and result. */
interface Outcome {
  readonly at: 'call' | 'task' | 'done';
  readonly name: string;
  readonly result?: VMTaskResult;
}

async function runMerge(host: Host, child: string, seen?: (task: VMTask) => void) {
  let task: VMTask;
  try {
    task = await (await new VirtualServer(host).getHardDisk(child)).merge();
  } catch (error) {
    return { at: 'call', name: (error as Error).name } satisfies Outcome;
  }
  seen?.(task);
  await task.waitForCompletion(-1);
  if (task.result === VMTaskResult.Success) return { at: 'done', name: 'S_OK' } satisfies Outcome;
  return {
    at: 'task',
    name: hresultName(task.error) ?? String(task.error),
    result: task.result,
  } satisfies Outcome;
}

async function entries(host: EmulatedHost): Promise<string[]> {
  const s = await host.snapshot();
  return s.volumes.flatMap((v) => v.entries.map((e) => e.path));
}

/** Every file can be held with no sharing: the call left none open. */
async function expectAllClosed(host: EmulatedHost, paths: readonly string[], label: string) {
  for (const path of paths) {
    const file = await host.open(path, 'read', { share: 'none' }).catch((e: Error) => e);
    expect(file, `${label}: ${path} still open`).not.toBeInstanceOf(Error);
    await (file as HostFile).close();
  }
}

describe('Merge under a host failure at every operation', () => {
  it('ends with a typed error, the chain reading as before, nothing left open or new; Merge again finishes', async () => {
    const [prior, chain] = await setUp();
    const names = await entries(prior);
    const clean = prior.reopenAfterPowerCut();
    clean.faults.reset();
    expect((await runMerge(clean, chain.child)).name).toBe('S_OK');
    const ops: OperationRecord[] = [...clean.faults.log()];
    const outcomes = new Set<string>();
    for (const record of ops) {
      const label = `EIO at ${record.op} #${record.n}: ${record.path}`;
      const host = prior.reopenAfterPowerCut();
      host.faults.reset();
      host.faults.failNth(record.op, record.n, 'EIO');
      const outcome = await runMerge(host, chain.child);
      outcomes.add(`${outcome.at} ${outcome.name}`);
      if (outcome.at === 'task') {
        expect(outcome.name, label).toBe('DISP_E_EXCEPTION');
        expect(outcome.result, label).toBe(VMTaskResult.DiskRelatedError);
      } else if (outcome.at === 'call') {
        expect(['VM_E_HD_IMAGE_OPEN_FAIL', 'DISP_E_EXCEPTION'], label).toContain(outcome.name);
      }
      host.faults.clear();
      expect(await entries(host), label).toEqual(names);
      await expectAllClosed(host, [chain.child, chain.parent], label);
      expect(sameBytes(await readVirtual(host, chain.child, 0, SIZE), chain.model), label).toBe(
        true,
      );
      await expectParentChangedOnlyAtMerged(host, chain, label);
      expect((await runMerge(host, chain.child)).name, `${label}: again`).toBe('S_OK');
      const parent = await readVirtual(host, chain.parent, 0, SIZE);
      expect(sameBytes(parent, chain.model), `${label}: parent after`).toBe(true);
    }
    expect(outcomes).toContain('task DISP_E_EXCEPTION');
    expect(outcomes).toContain('call VM_E_HD_IMAGE_OPEN_FAIL');
  });

  const refusals: Array<[HostErrorCode, HResultName]> = [
    ['ENOSPC', 'E_DISK_FULL'],
    ['EBUSY', 'E_SHARING_VIOLATION'],
    ['EPERM', 'VM_E_FILE_READ_ONLY'],
    ['EROFS', 'VM_E_FILE_READ_ONLY'],
    ['EIO', 'DISP_E_EXCEPTION'],
  ];
  for (const [code, name] of refusals) {
    it(`a write refused with ${code} ends the task with ${name} and DiskRelatedError`, async () => {
      const [prior, chain] = await setUp();
      const host = prior.reopenAfterPowerCut();
      host.faults.failNth('write', 1, code);
      const outcome = await runMerge(host, chain.child);
      expect(outcome).toEqual({ at: 'task', name, result: VMTaskResult.DiskRelatedError });
      expect(HRESULT[name]).toBeDefined();
      expect(sameBytes(await readVirtual(host, chain.child, 0, SIZE), chain.model)).toBe(true);
    });
  }
});

/**
 * `host`, whose files wait for a turn of the event loop before each write, sync and truncate,
 * then call `onChange` with the number of them so far: a test can cancel a task at any one.
 */
function pausingHost(host: EmulatedHost, onChange: (n: number) => void): Host {
  let changes = 0;
  const pause = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    onChange(++changes);
  };
  return new Proxy(host, {
    get(target, property) {
      if (property === 'open') {
        return async (...args: Parameters<Host['open']>) => {
          const file = await target.open(...args);
          return {
            ...file,
            read: file.read.bind(file),
            size: file.size.bind(file),
            close: file.close.bind(file),
            truncate: async (length: number) => {
              await pause();
              await file.truncate(length);
            },
            sync: async () => {
              await pause();
              await file.sync();
            },
            write: async (buffer: Uint8Array, position: number) => {
              await pause();
              await file.write(buffer, position);
            },
          } satisfies HostFile;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('Merge cancelled at every write, sync and truncate', () => {
  it('leaves the chain reading as before and the parent changed only at merged sectors; progress never goes back; Merge again finishes', async () => {
    const [prior, chain] = await setUp(16 * MiB, SPREAD);
    const size = chain.size;
    const clean = prior.reopenAfterPowerCut();
    let total = 0;
    expect(
      (
        await runMerge(
          pausingHost(clean, (n) => (total = n)),
          chain.child,
        )
      ).name,
    ).toBe('S_OK');
    expect(total).toBeGreaterThan(30);
    const results = new Map<VMTaskResult, number>();
    for (let k = 1; k <= total; k++) {
      const label = `cancelled at change ${k} of ${total}`;
      const host = prior.reopenAfterPowerCut();
      let task: VMTask | undefined;
      const percents: number[] = [];
      let cancelling: Promise<unknown> | undefined;
      const watched = pausingHost(host, (n) => {
        if (task === undefined) return;
        percents.push(task.percentCompleted);
        if (n === k) cancelling = task.cancel().catch((e: Error) => e);
      });
      const outcome = await runMerge(watched, chain.child, (t) => {
        task = t;
      });
      await cancelling;
      const result = task?.result as VMTaskResult;
      results.set(result, (results.get(result) ?? 0) + 1);
      expect([VMTaskResult.Cancelled, VMTaskResult.Success], label).toContain(result);
      if (result === VMTaskResult.Cancelled) expect(task?.error, label).toBe(HRESULT.S_OK);
      expect(outcome.at, label).not.toBe('call');
      for (let i = 1; i < percents.length; i++) {
        expect(percents[i], label).toBeGreaterThanOrEqual(percents[i - 1] as number);
      }
      expect(Math.max(...percents), label).toBeLessThan(100);
      await expectAllClosed(host, [chain.child, chain.parent], label);
      expect(sameBytes(await readVirtual(host, chain.child, 0, size), chain.model), label).toBe(
        true,
      );
      await expectParentChangedOnlyAtMerged(host, chain, label);
      expect((await runMerge(host, chain.child)).name, `${label}: again`).toBe('S_OK');
      const parent = await readVirtual(host, chain.parent, 0, size);
      expect(sameBytes(parent, chain.model), `${label}: parent after`).toBe(true);
    }
    expect(results.get(VMTaskResult.Cancelled) ?? 0).toBeGreaterThan(total / 2);
  });
});

const DYN = 'C:\\d\\dyn.vhd';
const DYN_SIZE = 16 * MiB;

/** A durable host holding a dynamic disk whose zeroed blocks Compact drops. */
async function compactSetUp(): Promise<[EmulatedHost, Uint8Array]> {
  const { host } = testHost();
  const model = await compactableDisk(host, DYN, DYN_SIZE);
  const file = await host.open(DYN, 'readWrite');
  await file.sync();
  await file.close();
  for (const folder of ['C:\\', 'C:\\d']) await host.syncFolder(folder);
  return [host, model];
}

async function runCompact(host: Host, seen?: (task: VMTask) => void): Promise<Outcome> {
  let task: VMTask;
  try {
    task = await (await new VirtualServer(host).getHardDisk(DYN)).compact();
  } catch (error) {
    return { at: 'call', name: (error as Error).name };
  }
  seen?.(task);
  await task.waitForCompletion(-1);
  if (task.result === VMTaskResult.Success) return { at: 'done', name: 'S_OK' };
  return { at: 'task', name: hresultName(task.error) ?? String(task.error), result: task.result };
}

/** The disk opens strictly, reads as `model`; Compact again leaves three blocks. */
async function expectCompactable(host: EmulatedHost, model: Uint8Array, label: string) {
  await (await openImage(await host.open(DYN, 'read'), { strict: true })).close();
  expect(sameBytes(await readVirtual(host, DYN, 0, DYN_SIZE), model), label).toBe(true);
  expect((await runCompact(host)).name, `${label}: again`).toBe('S_OK');
  const image = await openImage(await host.open(DYN, 'read'), { strict: true });
  expect(image.allocatedBlockCount, `${label}: again`).toBe(3);
  await image.close();
  expect(sameBytes(await readVirtual(host, DYN, 0, DYN_SIZE), model), `${label}: after`).toBe(true);
}

describe('Compact under a host failure at every operation', () => {
  it('ends with a typed error, the disk reading as before, nothing left open or new; Compact again finishes', async () => {
    const [prior, model] = await compactSetUp();
    const names = await entries(prior);
    const clean = prior.reopenAfterPowerCut();
    clean.faults.reset();
    expect((await runCompact(clean)).name).toBe('S_OK');
    const outcomes = new Set<string>();
    for (const record of clean.faults.log()) {
      const label = `EIO at ${record.op} #${record.n}: ${record.path}`;
      const host = prior.reopenAfterPowerCut();
      host.faults.reset();
      host.faults.failNth(record.op, record.n, 'EIO');
      const outcome = await runCompact(host);
      outcomes.add(`${outcome.at} ${outcome.name}`);
      if (outcome.at === 'task') {
        expect(outcome.name, label).toBe('DISP_E_EXCEPTION');
        expect(outcome.result, label).toBe(VMTaskResult.DiskRelatedError);
      } else if (outcome.at === 'call') {
        expect(['VM_E_HD_IMAGE_OPEN_FAIL', 'DISP_E_EXCEPTION'], label).toContain(outcome.name);
      }
      host.faults.clear();
      expect(await entries(host), label).toEqual(names);
      await expectAllClosed(host, [DYN], label);
      await expectCompactable(host, model, label);
    }
    expect(outcomes).toContain('task DISP_E_EXCEPTION');
    expect(outcomes).toContain('call VM_E_HD_IMAGE_OPEN_FAIL');
  });

  it('a write refused with ENOSPC ends the task with E_DISK_FULL, the disk reading as before', async () => {
    const [prior, model] = await compactSetUp();
    const host = prior.reopenAfterPowerCut();
    host.faults.failNth('write', 1, 'ENOSPC');
    const outcome = await runCompact(host);
    expect(outcome).toEqual({
      at: 'task',
      name: 'E_DISK_FULL',
      result: VMTaskResult.DiskRelatedError,
    });
    await expectCompactable(host, model, 'ENOSPC');
  });

  it('a power cut at every operation leaves the disk reading as before; Compact again finishes', async () => {
    const [prior, model] = await compactSetUp();
    const clean = prior.reopenAfterPowerCut();
    clean.faults.reset();
    expect((await runCompact(clean)).name).toBe('S_OK');
    for (const record of clean.faults.log()) {
      for (const torn of record.op === 'write' ? [false, true] : [false]) {
        const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}`;
        const host = prior.reopenAfterPowerCut();
        host.faults.reset();
        host.faults.powerCutAt(record.op, record.n, { torn });
        await runCompact(host);
        await expectCompactable(host.reopenAfterPowerCut(), model, label);
      }
    }
  });
});

describe('Compact cancelled at every write, sync and truncate', () => {
  it('leaves the disk reading as before; progress never goes back; Compact again finishes', async () => {
    const [prior, model] = await compactSetUp();
    let total = 0;
    const clean = prior.reopenAfterPowerCut();
    expect((await runCompact(pausingHost(clean, (n) => (total = n)))).name).toBe('S_OK');
    expect(total).toBeGreaterThan(5);
    let cancelled = 0;
    for (let k = 1; k <= total; k++) {
      const label = `cancelled at change ${k} of ${total}`;
      const host = prior.reopenAfterPowerCut();
      let task: VMTask | undefined;
      const percents: number[] = [];
      let cancelling: Promise<unknown> | undefined;
      const watched = pausingHost(host, (n) => {
        if (task === undefined) return;
        percents.push(task.percentCompleted);
        if (n === k) cancelling = task.cancel().catch((e: Error) => e);
      });
      await runCompact(watched, (t) => {
        task = t;
      });
      await cancelling;
      if (task?.result === VMTaskResult.Cancelled) cancelled++;
      expect([VMTaskResult.Cancelled, VMTaskResult.Success], label).toContain(task?.result);
      for (let i = 1; i < percents.length; i++) {
        expect(percents[i], label).toBeGreaterThanOrEqual(percents[i - 1] as number);
      }
      await expectAllClosed(host, [DYN], label);
      await expectCompactable(host, model, label);
    }
    expect(cancelled).toBeGreaterThan(total / 2);
  });
});
