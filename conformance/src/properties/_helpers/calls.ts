/**
 * Calling the subject within budgets, shared by the properties: a creation method (a quick
 * budget when it must refuse, the work budget when it must start a task), waiting for a task,
 * and the task's own quick calls. Every call goes through {@link CaseContext.answer}, so a hang
 * is charged once and never waited on again.
 * @module
 */
import { describeCall } from '../../_internal/describe-value.js';
import { asHresult, type HrName } from '../../hresults.js';
import type { CaseContext, SubjectCall } from '../../property.js';
import type { CreateCall } from '../../state.js';
import type { ComServer, ComTask, OutParam } from '../../subject.js';

/** The member name every IVMTask.WaitForCompletion call is remembered under. */
const WAIT = 'IVMTask.WaitForCompletion';

/**
 * Calls the method a {@link CreateCall} names; the task lands in `task`. `refusal` is the code the
 * call must answer when it must refuse (a quick budget), `undefined` when it must start a task
 * (the work budget); a hang fails `id`.
 */
export async function invoke(
  ctx: CaseContext,
  id: string,
  server: ComServer,
  call: CreateCall,
  task: OutParam<ComTask> | null,
  refusal?: HrName,
): Promise<number> {
  const out = task as OutParam<never> | null;
  const hr = await ctx.answer(
    {
      id,
      what: describeCall(call),
      kind: `${call.method} ${refusal === undefined ? 'starting a task' : `refusing with ${refusal}`}`,
      member: call.method,
      budget: refusal === undefined ? 'work' : 'quick',
    },
    () =>
      call.method === 'CreateDifferencingVirtualHardDisk'
        ? server.CreateDifferencingVirtualHardDisk(call.imagePath, call.parentPath, out)
        : call.method === 'CreateDynamicVirtualHardDisk'
          ? server.CreateDynamicVirtualHardDisk(call.imagePath, call.sizeMB, out)
          : server.CreateFixedVirtualHardDisk(call.imagePath, call.sizeMB, out),
  );
  return asHresult(hr);
}

/** WaitForCompletion(-1) on a task of `method` (the work budget). */
function completion(id: string, method: string, what: string): SubjectCall {
  return {
    id,
    what,
    kind: `WaitForCompletion(-1) on a ${method} task`,
    member: WAIT,
    budget: 'work',
  };
}

/** Waits for a task of `method` with WaitForCompletion(-1); its HRESULT. A hang fails `id`. */
export async function waitForTask(
  ctx: CaseContext,
  id: string,
  task: ComTask,
  method: string,
): Promise<number> {
  const hr = await ctx.answer(
    completion(id, method, `WaitForCompletion(-1) on the ${method} task`),
    () => task.WaitForCompletion(-1),
  );
  return asHresult(hr);
}

/**
 * Waits for a task of `method` by polling WaitForCompletion(1) until it completes, then
 * WaitForCompletion(-1), pushing PercentCompleted after each; all of it within the work budget.
 */
export async function pollTask(
  ctx: CaseContext,
  id: string,
  task: ComTask,
  method: string,
  percents: number[],
): Promise<void> {
  let stop = false;
  try {
    await ctx.answer(
      completion(id, method, `the ${method} task, polled with WaitForCompletion(1),`),
      async () => {
        for (let i = 0; i < 10000 && !task.IsComplete && !stop; i++) {
          await task.WaitForCompletion(1);
          percents.push(Number(task.PercentCompleted));
        }
        if (stop) return;
        await task.WaitForCompletion(-1);
        percents.push(Number(task.PercentCompleted));
      },
    );
  } finally {
    // a poll that outlived its budget stops with the case
    stop = true;
  }
}

/** WaitForCompletion(timeout) with a bounded or bad timeout: it answers at once. */
export async function waitBriefly(
  ctx: CaseContext,
  id: string,
  task: ComTask,
  timeout: number,
  bad: boolean,
): Promise<number> {
  const hr = await ctx.answer(
    {
      id,
      what: `WaitForCompletion(${timeout})`,
      kind: `WaitForCompletion with a ${bad ? 'bad' : 'bounded'} timeout`,
      member: WAIT,
      budget: 'quick',
    },
    () => task.WaitForCompletion(timeout),
  );
  return asHresult(hr);
}

/** Cancel on a task: the work budget while it runs (it may wait for a write), quick once complete. */
export async function cancelTask(
  ctx: CaseContext,
  id: string,
  task: ComTask,
  running: boolean,
): Promise<number> {
  const hr = await ctx.answer(
    {
      id,
      what: `Cancel on a ${running ? 'running' : 'complete'} task`,
      kind: `Cancel on a ${running ? 'running' : 'complete'} task`,
      member: 'IVMTask.Cancel',
      budget: running ? 'work' : 'quick',
    },
    () => task.Cancel(),
  );
  return asHresult(hr);
}
