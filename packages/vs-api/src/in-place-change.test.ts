/**
 * The tasks that change images in place (Merge, Compact), interrupted at every step:
 * - an I/O error at every host operation in turn ends the call with a typed error (at once, or
 *   as the task's DISP_E_EXCEPTION with Result DiskRelatedError), leaving nothing new on the
 *   volume and every file closed;
 * - a power cut at every host operation (writes also torn);
 * - a cancellation at every write, sync and truncate, the progress never going back;
 * and after each, every file opens as vs-api opens it (strictly; after a cut, a trailing
 * footer the cut kept from being written is read through its copy at 0, see SEMANTICS.md,
 * Merge, "A power cut"), the disk reads as before (for Merge: the chain from
 * the child reads as before, which is how it reads after, and the parent alone differs only at
 * merged sectors), and the call made again finishes the job, every file then opening strictly
 * with no such footer left. The host's refusals of a write
 * become their HRESULTs.
 */
import type { EmulatedHost } from '@vskit/emulator';
import type { Host, HostErrorCode, HostFile } from '@vskit/host';
import { openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  compactableDisk,
  expectParentChangedOnlyAtMerged,
  mergeChain,
  sameBytes,
  type Write,
} from './__fixtures__/chains.js';
import { readVirtual, testHost } from './__fixtures__/hosts.js';
import { HRESULT, type HResultName, hresultName, VMTaskResult } from './hresult.js';
import { STRICT_OPEN } from './image-open.js';
import type { VMTask } from './task.js';
import { VirtualServer } from './virtual-server.js';

const MiB = 2 ** 20;

/** How a call ended: S_OK, a code returned at once, or a failed task's code and result. */
interface Outcome {
  readonly at: 'call' | 'task' | 'done';
  readonly name: string;
  readonly result?: VMTaskResult;
}

/** One method on one set of files. */
interface Subject {
  readonly name: string;
  /** The disk the method is called on. */
  readonly disk: string;
  /** Every file the method opens. */
  readonly files: readonly string[];
  /** The method on the disk's IVMHardDisk. */
  readonly start: (disk: Awaited<ReturnType<VirtualServer['getHardDisk']>>) => Promise<VMTask>;
  /** The host before the call, every file durable. */
  readonly setUp: () => Promise<EmulatedHost>;
  /** Checks what the files read now, after an interrupted call. */
  readonly expectAsBefore: (host: EmulatedHost, label: string) => Promise<void>;
  /** Checks what the files read after a call that finished. */
  readonly expectDone: (host: EmulatedHost, label: string) => Promise<void>;
  /** Whether a power cut can leave a file whose trailing footer was never written. */
  readonly cutCanLeaveUnwrittenFooter: boolean;
}

/** Whether the image at `path` opens with `options`. */
async function opens(
  host: EmulatedHost,
  path: string,
  options: Parameters<typeof openImage>[1],
): Promise<boolean> {
  const held = await host.open(path, 'read');
  return openImage(held, options).then(
    (image) => image.close().then(() => true),
    () => held.close().then(() => false),
  );
}

/** Makes the files and folders of `host` durable as they are. */
async function makeDurable(host: EmulatedHost): Promise<EmulatedHost> {
  const snapshot = await host.snapshot();
  for (const entry of snapshot.volumes.flatMap((v) => v.entries)) {
    if (entry.kind === 'directory') await host.syncFolder(entry.path);
    else {
      const file = await host.open(entry.path, 'read');
      await file.sync();
      await file.close();
    }
  }
  await host.syncFolder('C:\\');
  expect(await host.durableSnapshot()).toEqual(await host.snapshot());
  return host;
}

/** Child writes in every 2 MiB block of an 8 MiB disk, some over blocks the parent lacks. */
const SPREAD: Write[] = Array.from({ length: 4 }, (_, i) => [i * 2 * MiB + i * 4608, 3000, 20 + i]);

/** The longest a test interrupting a call at every step may take on a loaded machine. */
const EVERY_STEP = { timeout: 600_000 };

function mergeSubject(parentType: 'dynamic' | 'fixed'): Subject {
  const size = 8 * MiB;
  let chain: Awaited<ReturnType<typeof mergeChain>> | undefined;
  const model = () => chain as NonNullable<typeof chain>;
  const reads = async (host: EmulatedHost, path: string, label: string) => {
    const read = await readVirtual(host, path, 0, size);
    expect(sameBytes(read, model().model), `${label}: ${path}`).toBe(true);
  };
  return {
    name: `Merge into a ${parentType} parent`,
    disk: 'C:\\vms\\child.vhd',
    files: ['C:\\vms\\child.vhd', 'C:\\base\\parent.vhd'],
    start: (disk) => disk.merge(),
    setUp: async () => {
      const { host } = testHost();
      chain = await mergeChain(host, new VirtualServer(host), {
        parentType,
        size,
        parentWrites: [[0, 2 * MiB + 4096, 3]],
        childWrites: SPREAD,
      });
      return makeDurable(host);
    },
    expectAsBefore: async (host, label) => {
      await reads(host, model().child, label);
      await expectParentChangedOnlyAtMerged(host, model(), label);
    },
    cutCanLeaveUnwrittenFooter: parentType === 'dynamic',
    expectDone: async (host, label) => {
      await reads(host, model().child, label);
      await reads(host, model().parent, label);
      const child = await openImage(await host.open(model().child, 'read'), { strict: true });
      expect(child.allocatedBlockCount, `${label}: the child emptied`).toBe(0);
      await child.close();
    },
  };
}

function compactSubject(): Subject {
  const disk = 'C:\\d\\dyn.vhd';
  const size = 8 * MiB;
  let model: Uint8Array = new Uint8Array();
  const reads = async (host: EmulatedHost, label: string): Promise<number> => {
    const image = await openImage(await host.open(disk, 'read'), { strict: true });
    const blocks = image.allocatedBlockCount;
    await image.close();
    expect(sameBytes(await readVirtual(host, disk, 0, size), model), label).toBe(true);
    return blocks;
  };
  return {
    name: 'Compact',
    disk,
    files: [disk],
    start: (hardDisk) => hardDisk.compact(),
    cutCanLeaveUnwrittenFooter: false,
    setUp: async () => {
      const { host } = testHost();
      model = await compactableDisk(host, disk, size);
      return makeDurable(host);
    },
    expectAsBefore: async (host, label) => {
      await reads(host, label);
    },
    expectDone: async (host, label) => {
      expect(await reads(host, label), `${label}: blocks left`).toBe(2);
    },
  };
}

const SUBJECTS = [mergeSubject('dynamic'), mergeSubject('fixed'), compactSubject()];

async function run(s: Subject, host: Host, seen?: (task: VMTask) => void): Promise<Outcome> {
  let task: VMTask;
  try {
    task = await s.start(await new VirtualServer(host).getHardDisk(s.disk));
  } catch (error) {
    return { at: 'call', name: (error as Error).name };
  }
  seen?.(task);
  await task.waitForCompletion(-1);
  if (task.result === VMTaskResult.Success) return { at: 'done', name: 'S_OK' };
  return { at: 'task', name: hresultName(task.error) ?? String(task.error), result: task.result };
}

/**
 * After an interrupted call: as before, every file opening as vs-api opens it, and the call
 * again finishes, after which every file opens strictly with nothing accepted. Whether a file
 * had a trailing footer that was never written (only a power cut may leave one).
 */
async function expectRecovers(s: Subject, host: EmulatedHost, label: string): Promise<boolean> {
  await s.expectAsBefore(host, label);
  let unwritten = false;
  for (const path of s.files) {
    expect(await opens(host, path, STRICT_OPEN), `${label}: ${path} opens`).toBe(true);
    if (!(await opens(host, path, { strict: true }))) unwritten = true;
  }
  expect((await run(s, host)).name, `${label}: again`).toBe('S_OK');
  await s.expectDone(host, `${label}: again`);
  for (const path of s.files) {
    expect(await opens(host, path, { strict: true }), `${label}: ${path} mended`).toBe(true);
  }
  return unwritten;
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

/** The operations of a call that succeeds, on a copy of `prior`. */
async function operationsOf(s: Subject, prior: EmulatedHost) {
  const clean = prior.reopenAfterPowerCut();
  clean.faults.reset();
  expect((await run(s, clean)).name).toBe('S_OK');
  await s.expectDone(clean, 'uninterrupted');
  return clean.faults.log();
}

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

for (const s of SUBJECTS) {
  describe(s.name, () => {
    it(
      'an I/O error at every host operation: a typed error, nothing new, every file closed, reading as before; again finishes',
      EVERY_STEP,
      async () => {
        const prior = await s.setUp();
        const names = await entries(prior);
        const outcomes = new Set<string>();
        for (const record of await operationsOf(s, prior)) {
          const label = `EIO at ${record.op} #${record.n}: ${record.path}`;
          const host = prior.reopenAfterPowerCut();
          host.faults.reset();
          host.faults.failNth(record.op, record.n, 'EIO');
          const outcome = await run(s, host);
          outcomes.add(`${outcome.at} ${outcome.name}`);
          if (outcome.at === 'task') {
            expect(outcome.name, label).toBe('DISP_E_EXCEPTION');
            expect(outcome.result, label).toBe(VMTaskResult.DiskRelatedError);
          } else if (outcome.at === 'call') {
            expect(['VM_E_HD_IMAGE_OPEN_FAIL', 'DISP_E_EXCEPTION'], label).toContain(outcome.name);
          }
          host.faults.clear();
          expect(await entries(host), label).toEqual(names);
          await expectAllClosed(host, s.files, label);
          expect(await expectRecovers(s, host, label), `${label}: footer`).toBe(false);
        }
        expect(outcomes).toContain('task DISP_E_EXCEPTION');
        expect(outcomes).toContain('call VM_E_HD_IMAGE_OPEN_FAIL');
      },
    );

    it(
      'a power cut at every host operation, writes also torn: reading as before, nothing new; again finishes',
      EVERY_STEP,
      async () => {
        const prior = await s.setUp();
        const names = await entries(prior);
        const ops = await operationsOf(s, prior);
        expect(ops.map((r) => r.op)).toEqual(expect.arrayContaining(['write', 'sync', 'truncate']));
        let failed = 0;
        let unwritten = 0;
        for (const record of ops) {
          for (const torn of record.op === 'write' ? [false, true] : [false]) {
            const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}: ${record.path}`;
            const cut = prior.reopenAfterPowerCut();
            cut.faults.reset();
            cut.faults.powerCutAt(record.op, record.n, { torn });
            if ((await run(s, cut)).name !== 'S_OK') failed++;
            const host = cut.reopenAfterPowerCut();
            expect(await entries(host), label).toEqual(names);
            if (await expectRecovers(s, host, label)) unwritten++;
          }
        }
        expect(failed).toBeGreaterThan(ops.length / 2);
        // Only a merge that grows a dynamic parent can leave a footer unwritten, and some cuts do.
        if (s.cutCanLeaveUnwrittenFooter) expect(unwritten).toBeGreaterThan(0);
        else expect(unwritten).toBe(0);
      },
    );

    it(
      'cancelled at every write, sync and truncate: reading as before, progress never going back; again finishes',
      EVERY_STEP,
      async () => {
        const prior = await s.setUp();
        let total = 0;
        const counted = pausingHost(prior.reopenAfterPowerCut(), (n) => {
          total = n;
        });
        expect((await run(s, counted)).name).toBe('S_OK');
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
          expect((await run(s, watched, (t) => (task = t))).at, label).not.toBe('call');
          await cancelling;
          expect([VMTaskResult.Cancelled, VMTaskResult.Success], label).toContain(task?.result);
          if (task?.result === VMTaskResult.Cancelled) {
            cancelled++;
            expect(task.error, label).toBe(HRESULT.S_OK);
          }
          for (let i = 1; i < percents.length; i++) {
            expect(percents[i], label).toBeGreaterThanOrEqual(percents[i - 1] as number);
          }
          expect(Math.max(0, ...percents), label).toBeLessThan(100);
          await expectAllClosed(host, s.files, label);
          await expectRecovers(s, host, label);
        }
        expect(cancelled).toBeGreaterThan(total / 2);
      },
    );

    const refusals: Array<[HostErrorCode, HResultName]> = [
      ['ENOSPC', 'E_DISK_FULL'],
      ['EBUSY', 'E_SHARING_VIOLATION'],
      ['EPERM', 'VM_E_FILE_READ_ONLY'],
      ['EROFS', 'VM_E_FILE_READ_ONLY'],
    ];
    for (const [code, name] of refusals) {
      it(`a write refused with ${code}: the task ends with ${name} and DiskRelatedError`, async () => {
        const host = (await s.setUp()).reopenAfterPowerCut();
        host.faults.failNth('write', 1, code);
        const outcome = await run(s, host);
        expect(outcome).toEqual({ at: 'task', name, result: VMTaskResult.DiskRelatedError });
        await expectRecovers(s, host, code);
      });
    }
  });
}
