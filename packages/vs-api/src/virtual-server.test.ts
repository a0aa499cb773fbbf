/**
 * Behaviour across calls: exclusive creation under concurrency, cancellation, shutdown during
 * work, progress, and fault injection at every host operation a creation performs.
 */
import type { EmulatedHost, OperationRecord } from '@vskit/emulator';
import type { HostErrorCode } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settledName } from './__fixtures__/error-names.js';
import { expectChild, temporaryFileOf, testHost, writeVhd } from './__fixtures__/hosts.js';
import { isVsError } from './errors.js';
import { HRESULT, hresultName, VMTaskResult } from './hresult.js';
import type { VMTask } from './task.js';
import { VirtualServer } from './virtual-server.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const PARENT = 'C:\\base\\parent.vhd';

async function withParent(): Promise<EmulatedHost> {
  const { host } = testHost();
  await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 3 * GiB });
  return host;
}

type Call = 'differencing' | 'dynamic' | 'fixed';
function create(vs: VirtualServer, call: Call, path: string): Promise<VMTask> {
  if (call === 'differencing') return vs.createDifferencingVirtualHardDisk(path, PARENT);
  if (call === 'dynamic') return vs.createDynamicVirtualHardDisk(path, 8);
  return vs.createFixedVirtualHardDisk(path, 8);
}

describe('exclusive creation', () => {
  it('two VirtualServers on one host share the lock: one S_OK, one E_ALREADY_EXISTS', async () => {
    const { host } = testHost();
    const first = new VirtualServer(host);
    const second = new VirtualServer(host);
    const outcomes = await Promise.allSettled([
      first.createFixedVirtualHardDisk('C:\\x.vhd', 8),
      second.createFixedVirtualHardDisk('c:\\X.VHD', 8),
    ]);
    const tasks = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(tasks).toHaveLength(1);
    expect(refused.map((e) => (isVsError(e) ? e.name : String(e)))).toEqual(['E_ALREADY_EXISTS']);
    await tasks[0]!.waitForCompletion(-1);
    expect(tasks[0]!.result).toBe(VMTaskResult.Success);
  });

  it('N concurrent creations of one path (any case, any method): exactly one S_OK, the rest E_ALREADY_EXISTS', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom<Call>('differencing', 'dynamic', 'fixed'),
            fc.constantFrom('C:\\vms\\new\\x.vhd', 'c:\\VMS\\New\\X.VHD', 'C:\\vms\\.\\new\\x.vhd'),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        async (calls) => {
          const host = await withParent();
          const vs = new VirtualServer(host);
          const settled = await Promise.allSettled(
            calls.map(([call, path]) => create(vs, call, path)),
          );
          const codes = settled.map((r) =>
            r.status === 'fulfilled'
              ? 'S_OK'
              : isVsError(r.reason)
                ? r.reason.name
                : String(r.reason),
          );
          expect(codes.filter((c) => c === 'S_OK')).toHaveLength(1);
          expect(codes.filter((c) => c !== 'S_OK').every((c) => c === 'E_ALREADY_EXISTS')).toBe(
            true,
          );
          const task = settled.find((r) => r.status === 'fulfilled')?.value as VMTask;
          await task.waitForCompletion(-1);
          expect(task.result).toBe(VMTaskResult.Success);
          const names = await host.readdir('C:\\vms\\new');
          expect(names.map((n) => n.toLowerCase())).toEqual(['x.vhd']);
          // Once the task is complete the file itself answers.
          expect(await settledName(create(vs, 'dynamic', 'C:\\vms\\new\\x.vhd'))).toBe(
            'E_ALREADY_EXISTS',
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('concurrent creations of different files in one new folder all succeed', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const tasks = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n, i) =>
        create(
          vs,
          (['differencing', 'dynamic', 'fixed'] as const)[i % 3]!,
          `C:\\new\\deep\\${n}.vhd`,
        ),
      ),
    );
    await Promise.all(tasks.map((t) => t.waitForCompletion(-1)));
    expect(tasks.map((t) => t.result)).toEqual([0, 0, 0, 0]);
    expect(await host.readdir('C:\\new\\deep')).toEqual(['a.vhd', 'b.vhd', 'c.vhd', 'd.vhd']);
  });

  it('a failed check releases the path: the next call is judged on its own', async () => {
    const { host } = testHost({
      volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 64 * GiB, freeBytes: 4 * MiB }],
    });
    const vs = new VirtualServer(host);
    expect(await settledName(vs.createDynamicVirtualHardDisk('C:\\a.vhd', 8))).toBe('E_DISK_FULL');
    expect(await settledName(vs.createDynamicVirtualHardDisk('C:\\a.vhd', 8))).toBe('E_DISK_FULL');
  });

  it('a folder removed under the task before its file is created is made again', async () => {
    const { host } = testHost();
    const vs = new VirtualServer(host);
    host.faults.failNth('open', 1, 'ENOENT');
    const task = await vs.createDynamicVirtualHardDisk('C:\\new\\x.vhd', 8);
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    expect(host.faults.counts().open).toBe(2);
    expect(await host.exists('C:\\new\\x.vhd')).toBe(true);
  });

  it('a file created by someone else between the checks and the task: the task fails with E_ALREADY_EXISTS and leaves it alone', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const theirs = new TextEncoder().encode('another process was first');
    const rename = host.rename.bind(host);
    host.rename = async (from, to) => {
      await host.writeFile(to, theirs);
      return rename(from, to);
    };
    const task = await vs.createDynamicVirtualHardDisk('C:\\vms\\x.vhd', 8);
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.DiskRelatedError);
    expect(task.error).toBe(HRESULT.E_ALREADY_EXISTS);
    expect(await host.readFile('C:\\vms\\x.vhd')).toEqual(theirs);
    expect(await host.readdir('C:\\vms')).toEqual(['x.vhd']);
  });
});

describe('tasks', () => {
  it('tasks run concurrently and each reports its own result', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const ok = await vs.createDynamicVirtualHardDisk('C:\\ok.vhd', 8);
    host.faults.failPath('write', temporaryFileOf('C:\\bad.vhd'), 'ENOSPC', { times: 1 });
    const bad = await vs.createDynamicVirtualHardDisk('C:\\bad.vhd', 8);
    await Promise.all([ok.waitForCompletion(-1), bad.waitForCompletion(-1)]);
    expect(ok.result).toBe(VMTaskResult.Success);
    expect(bad.result).toBe(VMTaskResult.DiskRelatedError);
    expect(hresultName(bad.error)).toBe('E_DISK_FULL');
    expect(bad.errorDescription).toContain('E_DISK_FULL');
    expect(await host.exists('C:\\bad.vhd')).toBe(false);
    expect(ok.id).not.toBe(bad.id);
    expect(ok.description).toContain('C:\\ok.vhd');
  });

  it('a fixed image reports progress as it is written, never decreasing, 100 at the end', async () => {
    const { host } = testHost();
    const vs = new VirtualServer(host);
    const seen: number[] = [];
    const holder: { task?: VMTask } = {};
    const open = host.open.bind(host);
    host.open = async (path, mode) => {
      const file = await open(path, mode);
      const write = file.write.bind(file);
      file.write = async (buffer, position) => {
        if (holder.task) seen.push(holder.task.percentCompleted);
        return write(buffer, position);
      };
      return file;
    };
    holder.task = await vs.createFixedVirtualHardDisk('C:\\big.vhd', 64);
    await holder.task.waitForCompletion(-1);
    expect(holder.task.percentCompleted).toBe(100);
    expect(seen.length).toBeGreaterThan(32);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
  });

  it('a caller polling with timers sees a gigabyte fixed image in progress and can cancel it', async () => {
    // The emulated host answers in microtasks; without turns of the event loop the whole image
    // would be written before any timer (waitForCompletion's, a caller's) could fire.
    const { host } = testHost();
    const vs = new VirtualServer(host);
    const before = await host.snapshot();
    const task = await vs.createFixedVirtualHardDisk('C:\\new\\big.vhd', 1024);
    expect(await task.waitForCompletion(1)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(task.isComplete).toBe(false);
    expect(task.percentCompleted).toBeGreaterThan(0);
    expect(task.percentCompleted).toBeLessThan(100);
    await task.cancel();
    expect(task.result).toBe(VMTaskResult.Cancelled);
    expect(await host.snapshot()).toEqual(before);
  });

  it('cancel removes the partial file and the folders the task made; Result Cancelled', async () => {
    const { host } = testHost();
    const vs = new VirtualServer(host);
    const before = await host.snapshot();
    const task = await vs.createFixedVirtualHardDisk('C:\\new\\deep\\big.vhd', 256);
    await task.cancel();
    expect(task.isComplete).toBe(true);
    expect(task.result).toBe(VMTaskResult.Cancelled);
    expect(task.error).toBe(HRESULT.S_OK);
    expect(await host.snapshot()).toEqual(before);
    expect(await settledName(task.cancel())).toBe('E_FAIL');
  });

  it('cancel after some progress still removes everything', async () => {
    const { host } = testHost();
    const vs = new VirtualServer(host);
    await host.mkdir('C:\\keep');
    const before = await host.snapshot();
    let writes = 0;
    const holder: { cancelled?: Promise<void> } = {};
    const open = host.open.bind(host);
    const taskRef: { task?: VMTask } = {};
    host.open = async (path, mode) => {
      const file = await open(path, mode);
      const write = file.write.bind(file);
      file.write = async (buffer, position) => {
        writes++;
        if (writes === 10 && taskRef.task) holder.cancelled = taskRef.task.cancel();
        return write(buffer, position);
      };
      return file;
    };
    taskRef.task = await vs.createFixedVirtualHardDisk('C:\\keep\\big.vhd', 128);
    await taskRef.task.waitForCompletion(-1);
    await holder.cancelled;
    expect(taskRef.task.result).toBe(VMTaskResult.Cancelled);
    expect(writes).toBeLessThan(128);
    expect(await host.snapshot()).toEqual(before);
  });

  it('shutdown during work: the work finishes; new calls get VM_E_APP_SHUTTING_DOWN', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const task = await vs.createDifferencingVirtualHardDisk('C:\\vms\\child.vhd', PARENT);
    host.beginShutdown();
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    await expectChild(host, {
      child: 'C:\\vms\\child.vhd',
      parent: PARENT,
      relative: '..\\base\\parent.vhd',
      created: host.now(),
    });
    expect(
      await settledName(vs.createDifferencingVirtualHardDisk('C:\\vms\\other.vhd', PARENT)),
    ).toBe('VM_E_APP_SHUTTING_DOWN');
    expect(await settledName(vs.createDynamicVirtualHardDisk('C:\\vms\\other.vhd', 8))).toBe(
      'VM_E_APP_SHUTTING_DOWN',
    );
    expect(await settledName(vs.createFixedVirtualHardDisk('C:\\vms\\other.vhd', 8))).toBe(
      'VM_E_APP_SHUTTING_DOWN',
    );
  });

  it('the parent is opened read-only and never modified', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const parentBytes = await host.readFile(PARENT);
    const parentStat = await host.stat(PARENT);
    host.faults.reset();
    const task = await vs.createDifferencingVirtualHardDisk('C:\\vms\\child.vhd', PARENT);
    await task.waitForCompletion(-1);
    const opens = host.faults.log().filter((r) => r.op === 'open');
    expect(opens.length).toBe(2);
    const onParent = host.faults.log().filter((r) => /parent\.vhd$/i.test(r.path));
    expect(
      onParent.every(
        (r) =>
          r.op === 'open' ||
          r.op === 'read' ||
          r.op === 'stat' ||
          r.op === 'close' ||
          r.op === 'size',
      ),
    ).toBe(true);
    expect(await host.readFile(PARENT)).toEqual(parentBytes);
    expect(await host.stat(PARENT)).toEqual(parentStat);
  });
});

describe('no file is left open', () => {
  /** Every file is closed: the emulated host refuses to unlink an open file (EBUSY). */
  async function expectAllClosed(host: EmulatedHost, paths: string[]) {
    for (const path of paths) if (await host.exists(path)) await host.unlink(path);
  }

  it('after creations that succeed or are refused, and after getHardDisk answers or fails', async () => {
    const host = await withParent();
    const vs = new VirtualServer(host);
    const task = await vs.createDifferencingVirtualHardDisk('C:\\vms\\a.vhd', PARENT);
    await task.waitForCompletion(-1);
    const grandchild = await vs.createDifferencingVirtualHardDisk(
      'C:\\vms\\b.vhd',
      'C:\\vms\\a.vhd',
    );
    await grandchild.waitForCompletion(-1);
    expect(grandchild.result).toBe(VMTaskResult.Success);
    await host.writeFile('C:\\junk.vhd', new Uint8Array(4096).fill(7));
    expect(
      await settledName(vs.createDifferencingVirtualHardDisk('C:\\vms\\c.vhd', 'C:\\junk.vhd')),
    ).toBe('VM_E_INVALID_HD_FILE');
    expect(await settledName(vs.getHardDisk('C:\\junk.vhd'))).toBe('VM_E_INVALID_HD_FILE');
    expect(await settledName(vs.getHardDisk('C:\\vms\\a.vhd'))).toBe('S_OK');
    // The grandchild's chain: b -> a -> parent; then a mismatch in the middle.
    const b = await vs.getHardDisk('C:\\vms\\b.vhd');
    expect(b.parent).toBe('C:\\vms\\a.vhd');
    const wrong = await vs.createDynamicVirtualHardDisk('C:\\other.vhd', 3072);
    await wrong.waitForCompletion(-1);
    await host.unlink(PARENT);
    await host.rename('C:\\other.vhd', PARENT);
    expect(await settledName(vs.getHardDisk('C:\\vms\\b.vhd'))).toBe(
      'VM_E_PARENT_CHILD_ID_MISMATCH',
    );
    await expectAllClosed(host, [PARENT, 'C:\\vms\\a.vhd', 'C:\\vms\\b.vhd', 'C:\\junk.vhd']);
    expect(await host.readdir('C:\\vms')).toEqual([]);
  });
});

describe('fault injection at every host operation of a creation', () => {
  type Setup = { name: string; path: string; create: (vs: VirtualServer) => Promise<VMTask> };
  const setups: Setup[] = [
    {
      name: 'CreateDifferencingVirtualHardDisk',
      path: 'C:\\vms\\sub\\child.vhd',
      create: (vs) => vs.createDifferencingVirtualHardDisk('C:\\vms\\sub\\child.vhd', PARENT),
    },
    {
      name: 'CreateDynamicVirtualHardDisk',
      path: 'C:\\vms\\sub\\dyn.vhd',
      create: (vs) => vs.createDynamicVirtualHardDisk('C:\\vms\\sub\\dyn.vhd', 16),
    },
    {
      name: 'CreateFixedVirtualHardDisk',
      path: 'C:\\vms\\sub\\fix.vhd',
      create: (vs) => vs.createFixedVirtualHardDisk('C:\\vms\\sub\\fix.vhd', 4),
    },
  ];

  /** The operations of one fault-free run, split into the checks and the task. */
  async function operations(
    setup: Setup,
  ): Promise<{ checks: OperationRecord[]; task: OperationRecord[] }> {
    const host = await withParent();
    const vs = new VirtualServer(host);
    // The checks end where the server draws the new disk's UUID, just before the task starts.
    let checks: number | undefined;
    const randomBytes = host.randomBytes.bind(host);
    host.randomBytes = (length) => {
      checks ??= host.faults.log().length;
      return randomBytes(length);
    };
    host.faults.reset();
    const task = await setup.create(vs);
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    const log = host.faults.log();
    return { checks: log.slice(0, checks), task: log.slice(checks) };
  }

  for (const setup of setups) {
    it(`${setup.name}: a failure at any task operation ends with DiskRelatedError and the right Error, host unchanged`, async () => {
      const { task: ops } = await operations(setup);
      expect(ops.map((r) => r.op)).toEqual(
        expect.arrayContaining(['mkdir', 'open', 'write', 'sync', 'close']),
      );
      const cases: Array<[OperationRecord, HostErrorCode, string]> = [];
      // The last `readdir` looks for what earlier creations left, once the image is whole and
      // durable: its failure is ignored (a test below pins that).
      for (const record of ops.filter((r) => r.op !== 'readdir')) {
        cases.push([record, 'EIO', 'DISP_E_EXCEPTION']);
        cases.push([record, 'ENOSPC', 'E_DISK_FULL']);
        if (record.op === 'write') cases.push([record, 'EFBIG', 'VM_E_FILE_TOO_LARGE_FOR_VOLUME']);
      }
      for (const [record, code, expected] of cases) {
        const host = await withParent();
        const vs = new VirtualServer(host);
        const before = await host.snapshot();
        host.faults.reset();
        // Skip past the checks' calls of this operation: `record.n` counts from the reset.
        host.faults.failNth(record.op, record.n, code);
        const task = await setup.create(vs);
        await task.waitForCompletion(-1);
        const label = `${record.op} #${record.n} failing with ${code}`;
        expect(task.result, label).toBe(VMTaskResult.DiskRelatedError);
        expect(hresultName(task.error), label).toBe(expected);
        expect(task.isComplete, label).toBe(true);
        expect(await host.snapshot(), label).toEqual(before);
      }
    });

    it(`${setup.name}: a failure during the checks is the call's own error, and nothing changes`, async () => {
      const { checks } = await operations(setup);
      for (const record of checks) {
        const host = await withParent();
        const vs = new VirtualServer(host);
        const before = await host.snapshot();
        host.faults.reset();
        host.faults.failNth(record.op, record.n, 'EIO');
        const code = await settledName(setup.create(vs));
        const label = `${record.op} #${record.n} (${record.path})`;
        expect(code, label).not.toBe('S_OK');
        expect(['DISP_E_EXCEPTION', 'VM_E_HD_IMAGE_OPEN_FAIL'], label).toContain(code);
        expect(await host.snapshot(), label).toEqual(before);
      }
    });
  }
});
