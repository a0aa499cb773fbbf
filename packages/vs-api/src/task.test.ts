import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVsError, VsError } from './errors.js';
import { HRESULT, VMTaskResult } from './hresult.js';
import { formatGuid, MAX_WAIT_MS, type TaskContext, VMTask } from './task.js';

/** A task whose work waits until the test lets it go. */
function gatedTask(options: { fail?: unknown; onSettled?: () => void } = {}) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let context: TaskContext | undefined;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const task = new VMTask({
    description: 'test',
    id: 'id',
    work: async (c) => {
      context = c;
      markStarted();
      await gate;
      if (options.fail !== undefined) throw options.fail;
      c.commit();
    },
    classify: (error) => ({
      hresult: error instanceof VsError ? error.hresult : HRESULT.DISP_E_EXCEPTION,
      result: VMTaskResult.DiskRelatedError,
      description: String(error),
    }),
    ...(options.onSettled ? { onSettled: options.onSettled } : {}),
  });
  return { task, started, open, context: () => context as TaskContext };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('VMTask', () => {
  it('starts incomplete and cancelable, with Result Success and Error S_OK', async () => {
    const { task, started, open } = gatedTask();
    await started;
    expect(task.isComplete).toBe(false);
    expect(task.isCancelable).toBe(true);
    expect(task.percentCompleted).toBe(0);
    expect(task.result).toBe(VMTaskResult.Success);
    expect(task.error).toBe(HRESULT.S_OK);
    expect(task.errorDescription).toBe('');
    open();
    await task.waitForCompletion(-1);
    expect(task.isComplete).toBe(true);
    expect(task.isCancelable).toBe(false);
    expect(task.percentCompleted).toBe(100);
    expect(task.result).toBe(VMTaskResult.Success);
  });

  it('percentCompleted never decreases, stays below 100 while running, is 100 when complete', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: 0, max: 1000 })), { maxLength: 30 }),
        async (reports) => {
          const { task, started, open, context } = gatedTask();
          await started;
          let last = 0;
          for (const [done, total] of reports) {
            context().progress(done, total);
            expect(task.percentCompleted).toBeGreaterThanOrEqual(last);
            expect(task.percentCompleted).toBeLessThanOrEqual(99);
            last = task.percentCompleted;
          }
          open();
          await task.waitForCompletion(-1);
          expect(task.percentCompleted).toBe(100);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a failure ends with the classified Result, Error and ErrorDescription', async () => {
    const { task, open } = gatedTask({ fail: new VsError('E_DISK_FULL', 'imagePath') });
    open();
    await task.waitForCompletion(-1);
    expect(task.isComplete).toBe(true);
    expect(task.result).toBe(VMTaskResult.DiskRelatedError);
    expect(task.error).toBe(HRESULT.E_DISK_FULL);
    expect(task.errorDescription).toContain('E_DISK_FULL');
    expect(task.percentCompleted).toBe(100);
  });

  it('waitForCompletion refuses values other than -1 and 0..4,000,000 with E_POINTER', async () => {
    const { task, started, open } = gatedTask();
    await started;
    for (const bad of [-2, MAX_WAIT_MS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
      const error = await rejection(task.waitForCompletion(bad));
      expect(isVsError(error, 'E_POINTER')).toBe(true);
    }
    open();
    await task.waitForCompletion(-1);
  });

  it('waitForCompletion(0) and a short wait return while the task runs, telling it is not complete', async () => {
    const { task, started, open } = gatedTask();
    await started;
    expect(await task.waitForCompletion(0)).toBe(false);
    expect(await task.waitForCompletion(5)).toBe(false);
    expect(task.isComplete).toBe(false);
    open();
    expect(await task.waitForCompletion(MAX_WAIT_MS)).toBe(true);
  });

  it('cancel stops a running task: signal aborted, Result Cancelled, Error S_OK', async () => {
    const { task, started, open, context } = gatedTask();
    await started;
    const cancelling = task.cancel();
    expect(context().signal.aborted).toBe(true);
    expect(context().cancelRequested).toBe(true);
    open();
    await cancelling;
    expect(task.isComplete).toBe(true);
    expect(task.result).toBe(VMTaskResult.Cancelled);
    expect(task.error).toBe(HRESULT.S_OK);
    expect(task.percentCompleted).toBe(100);
  });

  it('cancel of a complete task rejects with E_FAIL and changes nothing', async () => {
    const { task, open } = gatedTask();
    open();
    await task.waitForCompletion(-1);
    const error = await rejection(task.cancel());
    expect(isVsError(error, 'E_FAIL')).toBe(true);
    expect(task.result).toBe(VMTaskResult.Success);
  });

  it('onSettled runs before the task shows as complete', async () => {
    let completeWhenSettled: boolean | undefined;
    const holder: { task?: VMTask } = {};
    const gated = gatedTask({
      onSettled: () => {
        completeWhenSettled = holder.task?.isComplete;
      },
    });
    holder.task = gated.task;
    gated.open();
    await gated.task.waitForCompletion(-1);
    expect(completeWhenSettled).toBe(false);
  });

  it('formatGuid prints 16 bytes as a GUID', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(formatGuid(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
  });
});
