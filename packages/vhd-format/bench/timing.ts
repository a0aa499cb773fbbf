/** Timing and memory sampling for the benches. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Wall-clock milliseconds of one call. */
export async function timeOnce(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed (each run after `before`, untimed),
 * and returns every timed duration in ms, so callers report the median.
 */
export async function timeRuns(
  runs: number,
  fn: () => Promise<unknown> | unknown,
  before?: () => Promise<unknown> | unknown,
  warmup = 0,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    if (before) await before();
    const ms = await timeOnce(fn);
    if (i >= warmup) times.push(ms);
  }
  return times;
}

/** MiB per second for `bytes` in `ms`. */
export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / 2 ** 20 / (ms / 1000);
}

let gcFunction: (() => void) | undefined;

/** A full garbage collection, so memory deltas start from a settled heap. */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/**
 * Collects garbage twice around a short pause, so ArrayBuffer backing stores freed by the first
 * collection (released after it, off the main thread) are gone before a baseline is taken.
 */
export async function settleMemory(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 20));
  collectGarbage();
}

/** Peak growth of RSS and ArrayBuffer memory over a baseline, in bytes. */
export interface MemoryPeak {
  readonly rssDelta: number;
  readonly arrayBuffersDelta: number;
}

/** Samples `process.memoryUsage()` and keeps the peak growth over the values at creation. */
export class MemorySampler {
  readonly #baseRss: number;
  readonly #baseArrayBuffers: number;
  #peakRss = 0;
  #peakArrayBuffers = 0;

  constructor() {
    collectGarbage();
    const usage = process.memoryUsage();
    this.#baseRss = usage.rss;
    this.#baseArrayBuffers = usage.arrayBuffers;
  }

  /** Takes one sample. */
  sample(): void {
    const usage = process.memoryUsage();
    this.#peakRss = Math.max(this.#peakRss, usage.rss - this.#baseRss);
    this.#peakArrayBuffers = Math.max(
      this.#peakArrayBuffers,
      usage.arrayBuffers - this.#baseArrayBuffers,
    );
  }

  /** Collects garbage, then the growth still held (what the code under test retains). */
  retained(): MemoryPeak {
    collectGarbage();
    const usage = process.memoryUsage();
    return {
      rssDelta: usage.rss - this.#baseRss,
      arrayBuffersDelta: usage.arrayBuffers - this.#baseArrayBuffers,
    };
  }

  /** The peak growth seen so far. */
  peak(): MemoryPeak {
    return { rssDelta: this.#peakRss, arrayBuffersDelta: this.#peakArrayBuffers };
  }
}
