/**
 * What every operation that changes or copies a disk (merge, convert, compact, rebase, resize,
 * repair) takes besides its files: progress and cancellation.
 * @module
 */

import { type AbortSignalLike, throwIfAborted } from '../image/options.js';

/** Progress and cancellation, shared by every disk operation. */
export interface OperationOptions {
  /**
   * Called as the operation advances: `(done, total)` in the operation's own unit (bytes of
   * virtual disk for copies and merges); ends with `done === total` on success.
   */
  onProgress?: (done: number, total: number) => void;
  /** Cancels the operation: it stops at the next safe point and rejects with `ABORTED`. */
  signal?: AbortSignalLike;
}

/**
 * Reports progress and stops with `ABORTED` when the signal has fired: call between units of
 * work, at points where stopping leaves every file valid.
 */
export function advance(o: OperationOptions, done: number, total: number): void {
  throwIfAborted(o.signal);
  o.onProgress?.(done, total);
}
