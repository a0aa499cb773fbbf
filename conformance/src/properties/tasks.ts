/**
 * IVMTask: PercentCompleted, the outcome of a successful task, WaitForCompletion's timeouts and
 * Cancel on running and completed tasks.
 * @module
 */
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import type { Scenario } from '../arbitraries/scenario.js';
import { happyArb } from '../arbitraries/scenario.js';
import { CREATE_METHODS } from '../catalogue.js';
import { asHresult, describeHr, HR, TASK_RESULT } from '../hresults.js';
import { defineProperty } from '../property.js';
import { happyPrediction, start, within } from './_helpers/happy.js';
import { describeDiff, diffSnapshots } from './_helpers/snapshots.js';

/** What a task case does besides waiting. */
type TaskMode =
  | { kind: 'bad-timeout'; timeout: number }
  | { kind: 'bounded'; timeout: number }
  | { kind: 'cancel-running' }
  | { kind: 'cancel-complete' };

const modeArb: fc.Arbitrary<TaskMode> = fc.oneof(
  fc.record({
    kind: fc.constant('bad-timeout' as const),
    timeout: fc.oneof(
      fc.constantFrom(-2, 4_000_001, -(2 ** 31), 2 ** 31 - 1),
      fc.integer({ min: -(2 ** 31), max: -2 }),
      fc.integer({ min: 4_000_001, max: 2 ** 31 - 1 }),
    ),
  }),
  fc.record({ kind: fc.constant('bounded' as const), timeout: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('cancel-running' as const) }),
  fc.record({ kind: fc.constant('cancel-complete' as const) }),
);

/** The mode that exercises a requirement (the others are exercised by every case). */
const MODE_OF: Readonly<Record<string, TaskMode['kind']>> = {
  'TASK.wait.bounded': 'bounded',
  'TASK.wait.bad-timeout': 'bad-timeout',
  'TASK.cancel.complete': 'cancel-complete',
  'TASK.cancel.running': 'cancel-running',
};

/** IVMTask behaviour on tasks of every creation method. */
export const taskLifecycle = defineProperty<{ scenario: Scenario; mode: TaskMode }>({
  name: 'task.lifecycle',
  covers: [
    'TASK.percent',
    'TASK.success',
    'TASK.wait.bounded',
    'TASK.wait.bad-timeout',
    'TASK.cancel.complete',
    'TASK.cancel.running',
  ],
  primary: 'TASK.success',
  arbitrary: () => fc.record({ scenario: happyArb(CREATE_METHODS), mode: modeArb }),
  aimAt(id) {
    const kind = MODE_OF[id];
    if (kind === undefined) return undefined;
    const mode = modeArb.filter((m) => m.kind === kind);
    return fc.record({ scenario: happyArb(CREATE_METHODS), mode });
  },
  async check(subject, { scenario, mode }, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      if (happyPrediction(scenario, prepared) === undefined) return;
      const before = await prepared.host.snapshot();
      const holding = mode.kind !== 'cancel-complete';
      if (holding) prepared.probe.holdWrites();
      // an implementation that writes before returning the task must not hang the suite
      const task = await within(start(prepared, scenario, ctx, 'TASK.success'), 2000, () =>
        prepared.probe.release(),
      );
      const percents = [Number(task.PercentCompleted)];
      if (mode.kind === 'bad-timeout') {
        ctx.exercise('TASK.wait.bad-timeout');
        const hr = asHresult(await task.WaitForCompletion(mode.timeout));
        ctx.expect(
          'TASK.wait.bad-timeout',
          hr === HR.E_POINTER,
          () => `WaitForCompletion(${mode.timeout}) gave ${describeHr(hr)}`,
        );
      }
      if (mode.kind === 'bounded') {
        ctx.exercise('TASK.wait.bounded');
        const hr = asHresult(await task.WaitForCompletion(mode.timeout));
        ctx.expect(
          'TASK.wait.bounded',
          hr === HR.S_OK,
          () => `WaitForCompletion(${mode.timeout}) gave ${describeHr(hr)}`,
        );
      }
      if (mode.kind === 'cancel-running' && !task.IsComplete && task.IsCancelable) {
        ctx.exercise('TASK.cancel.running');
        // Cancel may wait for the write in flight: let it through once Cancel has been asked
        const cancelling = Promise.resolve(task.Cancel());
        await new Promise((resolve) => setTimeout(resolve, 0));
        prepared.probe.release();
        const hr = asHresult(await cancelling);
        await task.WaitForCompletion(-1);
        const after = await prepared.host.snapshot();
        const diff = diffSnapshots(before, after);
        ctx.expect(
          'TASK.cancel.running',
          hr === HR.S_OK &&
            task.Result === TASK_RESULT.Cancelled &&
            diff.added.length + diff.changed.length + diff.removed.length === 0,
          () =>
            `Cancel gave ${describeHr(hr)}, Result ${task.Result}, volumes: ${describeDiff(diff)}`,
        );
        return;
      }
      prepared.probe.release();
      for (let i = 0; i < 10000 && !task.IsComplete; i++) {
        await task.WaitForCompletion(1);
        percents.push(Number(task.PercentCompleted));
      }
      await task.WaitForCompletion(-1);
      percents.push(Number(task.PercentCompleted));
      ctx.exercise('TASK.percent');
      ctx.expect(
        'TASK.percent',
        percents.every(
          (p, i) => p >= 0 && p <= 100 && (i === 0 || p >= (percents[i - 1] as number)),
        ) && percents.at(-1) === 100,
        () => `PercentCompleted went ${percents.join(', ')}`,
      );
      ctx.exercise('TASK.success');
      ctx.expect(
        'TASK.success',
        task.IsComplete === true &&
          task.Result === TASK_RESULT.Success &&
          asHresult(task.Error) === HR.S_OK &&
          typeof task.ID === 'string' &&
          typeof task.Description === 'string',
        () =>
          `IsComplete ${task.IsComplete}, Result ${task.Result}, Error ${describeHr(task.Error)}`,
      );
      if (mode.kind === 'cancel-complete') {
        ctx.exercise('TASK.cancel.complete');
        const hr = asHresult(await task.Cancel());
        ctx.expect(
          'TASK.cancel.complete',
          hr === HR.E_FAIL && task.Result === TASK_RESULT.Success,
          () => `Cancel on a complete task gave ${describeHr(hr)} (Result ${task.Result})`,
        );
      }
    } finally {
      prepared.probe.release();
      await prepared.dispose();
    }
  },
});
