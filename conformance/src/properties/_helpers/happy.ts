/**
 * What the task, fault, concurrency and image properties share about happy-path scenarios (every
 * check passes): the model's confirmation, and starting the call.
 * @module
 */

import type { Prepared } from '../../_internal/setup.js';
import type { Scenario } from '../../arbitraries/scenario.js';
import { describeHr, HR } from '../../hresults.js';
import { type Prediction, predict } from '../../model.js';
import type { CaseContext } from '../../property.js';
import type { ComTask, OutParam } from '../../subject.js';
import { invoke } from './calls.js';

/** The model's prediction when it is S_OK, else `undefined` (the case is then not a happy one). */
export function happyPrediction(scenario: Scenario, prepared: Prepared): Prediction | undefined {
  const prediction = predict(scenario.state, scenario.call, prepared.facts);
  return prediction.decided === undefined && prediction.image !== undefined
    ? prediction
    : undefined;
}

/** Starts the scenario's call; fails `id` unless it returns S_OK with a task. */
export async function start(
  prepared: Prepared,
  scenario: Scenario,
  ctx: CaseContext,
  id: string,
): Promise<ComTask> {
  const out: OutParam<ComTask> = { value: undefined };
  const hr = await invoke(ctx, id, prepared.server, scenario.call, out);
  if (hr !== HR.S_OK || out.value === undefined || out.value === null) {
    ctx.fail(id, `expected S_OK and a task, got ${describeHr(hr)}`);
  }
  return out.value;
}

/** Resolves `promise`, or `fallback()` after `ms` milliseconds. */
export async function within<T>(promise: Promise<T>, ms: number, fallback: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      fallback();
      resolve();
    }, ms);
  });
  try {
    const [value] = await Promise.all([
      promise,
      Promise.race([promise.then(() => undefined), guard]),
    ]);
    return value;
  } finally {
    clearTimeout(timer);
  }
}
