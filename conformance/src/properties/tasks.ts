/**
 * IVMTask: PercentCompleted, the outcome of a successful task, WaitForCompletion's timeouts and
 * Cancel on running and completed tasks.
 * @module
 */
import type { HostSnapshot } from '@vskit/host';
import fc from 'fast-check';
import { type Prepared, prepare } from '../_internal/setup.js';
import type { Scenario } from '../arbitraries/scenario.js';
import { happyArb } from '../arbitraries/scenario.js';
import { CREATE_METHODS } from '../catalogue.js';
import { asHresult, describeHr, HR, TASK_RESULT } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComTask, Subject } from '../subject.js';
import { cancelTask, pollTask, waitBriefly, waitForTask } from './_helpers/calls.js';
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

/** What a case works with once its task has started. */
interface Started {
  readonly prepared: Prepared;
  readonly scenario: Scenario;
  readonly task: ComTask;
  readonly before: HostSnapshot;
  readonly ctx: CaseContext;
}

/** WaitForCompletion with a timeout outside -1..4,000,000 gives E_POINTER. */
async function checkBadTimeout({ task, ctx }: Started, timeout: number): Promise<void> {
  const id = 'TASK.wait.bad-timeout';
  ctx.exercise(id);
  const hr = await waitBriefly(ctx, id, task, timeout, true);
  ctx.expect(id, hr === HR.E_POINTER, () => `WaitForCompletion(${timeout}) gave ${describeHr(hr)}`);
}

/** WaitForCompletion with a timeout of 0..4,000,000 gives S_OK, complete or not. */
async function checkBounded({ task, ctx }: Started, timeout: number): Promise<void> {
  const id = 'TASK.wait.bounded';
  ctx.exercise(id);
  const hr = await waitBriefly(ctx, id, task, timeout, false);
  ctx.expect(id, hr === HR.S_OK, () => `WaitForCompletion(${timeout}) gave ${describeHr(hr)}`);
}

/** Cancel on a running task: S_OK, Result Cancelled, and nothing left on the volumes. */
async function checkCancelRunning({ prepared, scenario, task, before, ctx }: Started) {
  const id = 'TASK.cancel.running';
  ctx.exercise(id);
  // Cancel may wait for the write in flight: let it through once Cancel has been asked
  const cancelling = cancelTask(ctx, id, task, true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  prepared.probe.release();
  const hr = await cancelling;
  await waitForTask(ctx, id, task, scenario.call.method);
  const after = await prepared.host.snapshot();
  const diff = diffSnapshots(before, after);
  ctx.expect(
    id,
    hr === HR.S_OK &&
      task.Result === TASK_RESULT.Cancelled &&
      diff.added.length + diff.changed.length + diff.removed.length === 0,
    () => `Cancel gave ${describeHr(hr)}, Result ${task.Result}, volumes: ${describeDiff(diff)}`,
  );
}

/** The task runs to its end: PercentCompleted climbs to 100 and the task succeeds. */
async function checkCompletion(
  { prepared, scenario, task, ctx }: Started,
  percents: number[],
): Promise<void> {
  prepared.probe.release();
  await pollTask(ctx, 'TASK.success', task, scenario.call.method, percents);
  ctx.exercise('TASK.percent');
  ctx.expect(
    'TASK.percent',
    percents.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= (percents[i - 1] as number))) &&
      percents.at(-1) === 100,
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
    () => `IsComplete ${task.IsComplete}, Result ${task.Result}, Error ${describeHr(task.Error)}`,
  );
}

/** Cancel on a complete task gives E_FAIL and leaves its Result. */
async function checkCancelComplete({ task, ctx }: Started): Promise<void> {
  const id = 'TASK.cancel.complete';
  ctx.exercise(id);
  const hr = await cancelTask(ctx, id, task, false);
  ctx.expect(
    id,
    hr === HR.E_FAIL && task.Result === TASK_RESULT.Success,
    () => `Cancel on a complete task gave ${describeHr(hr)} (Result ${task.Result})`,
  );
}

/** One case: start a held task, do what the mode says, then (unless cancelled) run it to its end. */
async function runCase(subject: Subject, scenario: Scenario, mode: TaskMode, ctx: CaseContext) {
  const prepared = await prepare(subject, scenario.state);
  try {
    if (happyPrediction(scenario, prepared) === undefined) return;
    const before = await prepared.host.snapshot();
    if (mode.kind !== 'cancel-complete') prepared.probe.holdWrites();
    // an implementation that writes before returning the task must not hang the suite
    const task = await within(start(prepared, scenario, ctx, 'TASK.success'), 2000, () =>
      prepared.probe.release(),
    );
    const started: Started = { prepared, scenario, task, before, ctx };
    const percents = [Number(task.PercentCompleted)];
    if (mode.kind === 'bad-timeout') await checkBadTimeout(started, mode.timeout);
    if (mode.kind === 'bounded') await checkBounded(started, mode.timeout);
    if (mode.kind === 'cancel-running' && !task.IsComplete && task.IsCancelable) {
      await checkCancelRunning(started);
      return;
    }
    await checkCompletion(started, percents);
    if (mode.kind === 'cancel-complete') await checkCancelComplete(started);
  } finally {
    prepared.probe.release();
    await prepared.dispose();
  }
}

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
  check: (subject, { scenario, mode }, ctx) => runCase(subject, scenario, mode, ctx),
});
