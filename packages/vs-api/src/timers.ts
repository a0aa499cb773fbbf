/**
 * The two timer functions every JavaScript runtime has, typed here because vs-api compiles
 * without Node or DOM types.
 * @module
 */

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const timers = globalThis as unknown as Timers;

/** Resolves after `ms` milliseconds, or as soon as `cancel` is called (which returns the timer). */
export function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let handle: unknown;
  let resolveEarly: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    resolveEarly = resolve;
    handle = timers.setTimeout(resolve, ms);
  });
  return {
    promise,
    cancel: () => {
      timers.clearTimeout(handle);
      resolveEarly();
    },
  };
}
