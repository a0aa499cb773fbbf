/**
 * Two concurrent calls for one image path, and shutdown while a task runs.
 * @module
 */
import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import type { Scenario } from '../arbitraries/scenario.js';
import { happyArb } from '../arbitraries/scenario.js';
import { describeHr, HR, TASK_RESULT } from '../hresults.js';
import { defineProperty } from '../property.js';
import type { ComTask, OutParam } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import { happyPrediction, start } from './_helpers/happy.js';

/** Swaps the case of every letter: the same path to Windows. */
const otherCase = (text: string) =>
  [...text].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');

/** Concurrent creation of one path: one S_OK, one E_ALREADY_EXISTS. */
export const concurrentCreation = defineProperty<{ scenario: Scenario; respell: boolean }>({
  name: 'concurrency.same-path',
  covers: ['CDVHD.concurrent-same-path'],
  primary: 'CDVHD.concurrent-same-path',
  arbitrary: () =>
    fc.record({ scenario: happyArb(['CreateDifferencingVirtualHardDisk']), respell: fc.boolean() }),
  async check(subject, { scenario, respell }, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      const prediction = happyPrediction(scenario, prepared);
      if (
        prediction?.image === undefined ||
        scenario.call.method !== 'CreateDifferencingVirtualHardDisk'
      )
        return;
      const image = windowsPath.format(prediction.image);
      const second = { ...scenario.call, imagePath: respell ? otherCase(image) : image };
      const outs: OutParam<ComTask>[] = [{ value: undefined }, { value: undefined }];
      const id = 'CDVHD.concurrent-same-path';
      ctx.exercise(id);
      const hrs = await Promise.all([
        invoke(ctx, id, prepared.server, scenario.call, outs[0] ?? null),
        invoke(ctx, id, prepared.server, second, outs[1] ?? null),
      ]);
      const tasks = outs.map((out) => out.value).filter((task): task is ComTask => !!task);
      for (const task of tasks) await waitForTask(ctx, id, task, second.method);
      const sorted = [...hrs].sort((a, b) => a - b);
      ctx.expect(
        'CDVHD.concurrent-same-path',
        sorted[0] === HR.S_OK &&
          sorted[1] === HR.E_ALREADY_EXISTS &&
          tasks.length === 1 &&
          tasks[0]?.Result === TASK_RESULT.Success,
        () =>
          `the two calls gave ${hrs.map(describeHr).join(' and ')}; ${tasks.length} task(s), Result ${tasks.map((t) => t.Result).join(', ')}`,
      );
    } finally {
      await prepared.dispose();
    }
  },
});

/** Shutdown while a task runs: it finishes; new calls are refused. */
export const shutdownInFlight = defineProperty<Scenario>({
  name: 'concurrency.shutdown',
  covers: ['CDVHD.shutdown.in-flight-finishes'],
  primary: 'CDVHD.shutdown.in-flight-finishes',
  arbitrary: () => happyArb(['CreateDifferencingVirtualHardDisk']),
  async check(subject, scenario, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      const prediction = happyPrediction(scenario, prepared);
      if (prediction?.image === undefined || prediction.parent === undefined) return;
      const id = 'CDVHD.shutdown.in-flight-finishes';
      ctx.exercise(id);
      const task = await start(prepared, scenario, ctx, id);
      prepared.host.beginShutdown();
      const other = windowsPath.format(
        windowsPath.join(windowsPath.dirname(prediction.image), 'after-shutdown.vhd'),
      );
      const out: OutParam<ComTask> = { value: undefined };
      const hr = await invoke(
        ctx,
        id,
        prepared.server,
        {
          method: 'CreateDifferencingVirtualHardDisk',
          imagePath: other,
          parentPath: windowsPath.format(prediction.parent),
          nullTask: false,
        },
        out,
        'VM_E_APP_SHUTTING_DOWN',
      );
      await waitForTask(ctx, id, task, scenario.call.method);
      const exists = await prepared.host.exists(windowsPath.format(prediction.image));
      ctx.expect(
        id,
        hr === HR.VM_E_APP_SHUTTING_DOWN && task.Result === TASK_RESULT.Success && exists,
        () =>
          `new call after shutdown gave ${describeHr(hr)}; the running task ended with Result ${task.Result}, file exists: ${exists}`,
      );
    } finally {
      await prepared.dispose();
    }
  },
});
