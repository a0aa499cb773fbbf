/**
 * `VMTask`: the IVMTask (and IVMTask2) a creation returns. It runs its work at once, concurrently
 * with other tasks, reports progress, can be waited for and cancelled.
 * @module
 */
import { hresultOf, VsError } from './errors.js';
import { HRESULT, type HResult, VMTaskResult } from './hresult.js';
import { delay } from './timers.js';

/** The longest finite wait `waitForCompletion` accepts, in milliseconds. */
export const MAX_WAIT_MS = 4_000_000;

/** What a task's work can see and report while it runs. */
export interface TaskContext {
  /** Whether `cancel()` has been called. */
  readonly cancelRequested: boolean;
  /** Aborted when `cancel()` is called; hand it to long operations. */
  readonly signal: AbortSignalLike;
  /** Reports progress as a fraction done (0..1); the task keeps its percentage non-decreasing. */
  progress(done: number, total: number): void;
  /** Throws {@link TaskCancelled} when `cancel()` has been called. */
  throwIfCancelled(): void;
  /**
   * Ends the task with Success, atomically with a last cancellation check: throws
   * {@link TaskCancelled} (and changes nothing) when `cancel()` has been called. After it,
   * `cancel()` fails with E_FAIL.
   */
  commit(): void;
}

/** The part of `AbortSignal` tasks use, so vs-api compiles without DOM or Node types. */
export interface AbortSignalLike {
  /** Whether the task was cancelled. */
  readonly aborted: boolean;
  /** Why (a {@link TaskCancelled}). */
  readonly reason?: unknown;
  /** Calls `listener` when the task is cancelled. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Stops calling `listener`. */
  removeEventListener(type: 'abort', listener: () => void): void;
}

interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(reason?: unknown): void;
}

const CANCELLED = 'the task was cancelled';

/** Thrown inside a task's work when it stops because it was cancelled. */
export class TaskCancelled extends Error {
  override readonly name = 'TaskCancelled';
  constructor() {
    super('the task was cancelled');
  }
}

/** How a task's work failed: the HRESULT for `error` and the `VMTaskResult`. */
export interface TaskFailure {
  /** IVMTask2.Error. */
  readonly hresult: HResult;
  /** IVMTask.Result. */
  readonly result: VMTaskResult;
  /** IVMTask2.ErrorDescription. */
  readonly description: string;
}

/** What a {@link VMTask} needs to start. */
export interface TaskOptions {
  /** IVMTask.Description. */
  readonly description: string;
  /** IVMTask.ID. */
  readonly id: string;
  /** The work; it removes whatever it wrote when it fails or is cancelled. */
  readonly work: (context: TaskContext) => Promise<void>;
  /** How a failure of the work is reported. */
  readonly classify: (error: unknown) => TaskFailure;
  /** Called once the task is complete, whatever its result. */
  readonly onSettled?: () => void;
}

/** A running or finished creation: IVMTask with IVMTask2's Error and ErrorDescription. */
export class VMTask {
  /** IVMTask.Description: what the task does. */
  readonly description: string;
  /** IVMTask.ID: a GUID string naming the task. */
  readonly id: string;
  #complete = false;
  #percent = 0;
  #result: VMTaskResult = VMTaskResult.Success;
  #error: HResult = HRESULT.S_OK;
  #errorDescription = '';
  #cancelRequested = false;
  readonly #controller: AbortControllerLike;
  readonly #done: Promise<void>;
  #onSettled: (() => void) | undefined;

  /** Starts `options.work` at once; the task completes when it settles. */
  constructor(options: TaskOptions) {
    this.description = options.description;
    this.id = options.id;
    const Controller = (globalThis as unknown as { AbortController: new () => AbortControllerLike })
      .AbortController;
    this.#controller = new Controller();
    this.#onSettled = options.onSettled;
    const task = this;
    const context: TaskContext = {
      get cancelRequested() {
        return task.#cancelRequested;
      },
      signal: this.#controller.signal,
      progress: (done, total) => this.#progress(done, total),
      throwIfCancelled: () => {
        if (this.#cancelRequested) throw new TaskCancelled();
      },
      commit: () => {
        if (this.#cancelRequested) throw new TaskCancelled();
        this.#settle(VMTaskResult.Success, HRESULT.S_OK, '');
      },
    };
    this.#done = Promise.resolve()
      .then(() => options.work(context))
      .then(
        () => {
          if (this.#complete) return;
          if (this.#cancelRequested) this.#settle(VMTaskResult.Cancelled, HRESULT.S_OK, CANCELLED);
          else this.#settle(VMTaskResult.Success, HRESULT.S_OK, '');
        },
        (error: unknown) => {
          if (this.#complete) return;
          if (this.#cancelRequested) {
            this.#settle(VMTaskResult.Cancelled, HRESULT.S_OK, CANCELLED);
            return;
          }
          let failure: TaskFailure;
          try {
            failure = options.classify(error);
          } catch {
            failure = {
              hresult: hresultOf(error),
              result: VMTaskResult.UnexpectedError,
              description: String(error),
            };
          }
          this.#settle(failure.result, failure.hresult, failure.description);
        },
      );
  }

  /** IVMTask.IsCancelable: true while the task runs. */
  get isCancelable(): boolean {
    return !this.#complete;
  }

  /** IVMTask.IsComplete. */
  get isComplete(): boolean {
    return this.#complete;
  }

  /** IVMTask.PercentCompleted: 0..100, never decreasing, 100 once complete. */
  get percentCompleted(): number {
    return this.#percent;
  }

  /** IVMTask.Result: Success while running and on success; see {@link VMTaskResult}. */
  get result(): VMTaskResult {
    return this.#result;
  }

  /** IVMTask2.Error: the HRESULT of a failure; S_OK while running, on success and when cancelled. */
  get error(): HResult {
    return this.#error;
  }

  /** IVMTask2.ErrorDescription: why the task failed; empty while running and on success. */
  get errorDescription(): string {
    return this.#errorDescription;
  }

  /** Resolves when the task is complete (never rejects). */
  get completion(): Promise<void> {
    return this.#done;
  }

  /**
   * IVMTask.WaitForCompletion. `-1` waits until the task is complete; `0..4,000,000` waits at
   * most that many milliseconds. Resolves to whether the task is complete. Any other value
   * (negative, fraction, NaN, above 4,000,000, not a number) rejects with E_POINTER, as Virtual
   * Server does.
   */
  async waitForCompletion(timeoutMs: number): Promise<boolean> {
    if (timeoutMs === -1) {
      await this.#done;
      return true;
    }
    if (
      typeof timeoutMs !== 'number' ||
      !Number.isInteger(timeoutMs) ||
      timeoutMs < 0 ||
      timeoutMs > MAX_WAIT_MS
    ) {
      throw new VsError(
        'E_POINTER',
        'timeout',
        `must be -1 or 0..${MAX_WAIT_MS}, got ${String(timeoutMs)}`,
      );
    }
    if (this.#complete || timeoutMs === 0) return this.#complete;
    const timer = delay(timeoutMs);
    await Promise.race([this.#done, timer.promise]);
    timer.cancel();
    return this.#complete;
  }

  /**
   * IVMTask.Cancel. Stops the work, removes what it wrote and resolves once the task is complete
   * with Result Cancelled. Rejects with E_FAIL when the task is already complete (or completed
   * before the cancellation could take effect).
   */
  async cancel(): Promise<void> {
    if (this.#complete) throw new VsError('E_FAIL', 'task', 'the task is already complete');
    this.#cancelRequested = true;
    this.#controller.abort(new TaskCancelled());
    await this.#done;
    if (this.#result !== VMTaskResult.Cancelled) {
      throw new VsError('E_FAIL', 'task', 'the task completed before it could be cancelled');
    }
  }

  #progress(done: number, total: number): void {
    if (this.#complete || !(total > 0)) return;
    const percent = Math.min(99, Math.max(0, Math.floor((done / total) * 100)));
    if (percent > this.#percent) this.#percent = percent;
  }

  #settle(result: VMTaskResult, error: HResult, description: string): void {
    const onSettled = this.#onSettled;
    this.#onSettled = undefined;
    try {
      onSettled?.();
    } finally {
      this.#finish(result, error, description);
    }
  }

  #finish(result: VMTaskResult, error: HResult, description: string): void {
    this.#result = result;
    this.#error = error;
    this.#errorDescription = description;
    this.#percent = 100;
    this.#complete = true;
  }
}

/** A GUID string (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`) from 16 bytes. */
export function formatGuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
