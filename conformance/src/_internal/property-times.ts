/**
 * Where a run's time goes, per property: `VSKIT_CONFORMANCE_TIMES=1` has the command line print
 * it to stderr after the report, slowest first.
 * @module
 */

/** The environment variable that asks for the table. */
export const TIMES_VARIABLE = 'VSKIT_CONFORMANCE_TIMES';

/** The time each property took, measured between calls of `RunOptions.onProgress`. */
export class PropertyTimes {
  readonly #now: () => number;
  readonly #rows: Array<{ name: string; ms: number }> = [];
  #last: number;

  /** Starts the clock (`now`: a monotonic clock in ms). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#last = now();
  }

  /** Notes that `name` has finished (pass as `onProgress`). */
  readonly finished = (name: string): void => {
    const at = this.#now();
    this.#rows.push({ name, ms: at - this.#last });
    this.#last = at;
  };

  /**
   * The table: one line per property, slowest first, with its share of `totalMs` (the run's
   * duration), then what the run spent after the last property (aimed cases, cause tracing).
   */
  table(totalMs: number): string {
    const spent = this.#rows.reduce((sum, row) => sum + row.ms, 0);
    const rows = [
      ...this.#rows,
      { name: '(aimed cases, causes)', ms: Math.max(0, totalMs - spent) },
    ];
    rows.sort((a, b) => b.ms - a.ms);
    const share = (ms: number) => (totalMs > 0 ? Math.round((100 * ms) / totalMs) : 0);
    const lines = rows.map(
      (row) =>
        `${Math.round(row.ms).toString().padStart(7)} ms ${share(row.ms).toString().padStart(3)}%  ${row.name}`,
    );
    return `time per property:\n${lines.join('\n')}\n`;
  }
}
