/**
 * A task hit by an I/O failure: Result DiskRelatedError with Error E_DISK_FULL (out of space) or
 * DISP_E_EXCEPTION (anything else), and the partial file and the folders it created removed.
 * Faults are injected by the suite's probe host, so this holds for any subject.
 * @module
 */
import fc from 'fast-check';
import type { ProbeFault } from '../_internal/probe-host.js';
import { prepare } from '../_internal/setup.js';
import type { Scenario } from '../arbitraries/scenario.js';
import { happyArb } from '../arbitraries/scenario.js';
import { describeHr, HR, TASK_RESULT } from '../hresults.js';
import { defineProperty } from '../property.js';
import type { ComTask, OutParam } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import { happyPrediction } from './_helpers/happy.js';
import { describeDiff, diffSnapshots } from './_helpers/snapshots.js';

const faultArb: fc.Arbitrary<ProbeFault> = fc.record({
  operation: fc.constantFrom('write', 'write', 'write', 'truncate', 'sync', 'mkdir'),
  nth: fc.integer({ min: 1, max: 3 }),
  code: fc.constantFrom('ENOSPC', 'EIO'),
});

/** Injected I/O failures during CreateDifferencingVirtualHardDisk's task. */
export const taskFaults = defineProperty<{ scenario: Scenario; fault: ProbeFault }>({
  name: 'task.faults',
  covers: ['CDVHD.task.disk-full', 'CDVHD.DISP_E_EXCEPTION', 'STATE.no-partial-file'],
  primary: 'CDVHD.DISP_E_EXCEPTION',
  arbitrary: () =>
    fc.record({ scenario: happyArb(['CreateDifferencingVirtualHardDisk']), fault: faultArb }),
  aimAt(id) {
    const code =
      id === 'CDVHD.task.disk-full'
        ? 'ENOSPC'
        : id === 'CDVHD.DISP_E_EXCEPTION'
          ? 'EIO'
          : undefined;
    if (code === undefined) return undefined;
    // the first write always happens: the fault fires
    const fault = fc.constant<ProbeFault>({ operation: 'write', nth: 1, code });
    return fc.record({ scenario: happyArb(['CreateDifferencingVirtualHardDisk']), fault });
  },
  async check(subject, { scenario, fault }, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      if (happyPrediction(scenario, prepared) === undefined) return;
      const id = fault.code === 'ENOSPC' ? 'CDVHD.task.disk-full' : 'CDVHD.DISP_E_EXCEPTION';
      const wanted = fault.code === 'ENOSPC' ? HR.E_DISK_FULL : HR.DISP_E_EXCEPTION;
      const before = await prepared.host.snapshot();
      prepared.probe.injectFault(fault);
      const out: OutParam<ComTask> = { value: undefined };
      const hr = await invoke(ctx, id, prepared.server, scenario.call, out);
      const task = out.value;
      if (hr === HR.S_OK && task) await waitForTask(ctx, id, task, scenario.call.method);
      prepared.probe.injectFault(undefined);
      if (!prepared.probe.faultFired) {
        ctx.expect(
          id,
          hr === HR.S_OK && task?.Result === TASK_RESULT.Success,
          () => `no fault fired, yet ${describeHr(hr)} / Result ${task?.Result}`,
        );
        return;
      }
      ctx.exercise(id);
      ctx.exercise('STATE.no-partial-file');
      const after = await prepared.host.snapshot();
      const diff = diffSnapshots(before, after);
      ctx.expect(
        'STATE.no-partial-file',
        diff.added.length + diff.removed.length + diff.changed.length === 0,
        () => `after a failed creation the volumes changed: ${describeDiff(diff)}`,
      );
      if (hr !== HR.S_OK) {
        ctx.expect(
          id,
          hr === wanted,
          () => `the method failed with ${describeHr(hr)}, expected ${describeHr(wanted)}`,
        );
        return;
      }
      ctx.expect(
        id,
        task?.Result === TASK_RESULT.DiskRelatedError && (task?.Error ?? 0) >>> 0 === wanted,
        () =>
          `${fault.code} at ${fault.operation} #${fault.nth}: Result ${task?.Result}, Error ${describeHr(task?.Error)}`,
      );
    } finally {
      await prepared.dispose();
    }
  },
});
