/**
 * A choice sequence: generators draw a fixed-length list of naturals from fast-check and build
 * values from it with plain code. Shrinking the list towards zero walks every choice towards its
 * first (simplest) option.
 * @module
 */
import fc from 'fast-check';

/** Draws choices from a list of naturals, wrapping around when it runs out. */
export class Chooser {
  private index = 0;
  private readonly draws: readonly number[];

  constructor(draws: readonly number[]) {
    this.draws = draws;
  }

  /** A number in `0..n-1`. */
  int(n: number): number {
    if (n <= 1) return 0;
    const draw = this.draws[this.index % Math.max(1, this.draws.length)] ?? 0;
    this.index++;
    return draw % n;
  }

  /** One of `options` (the first is the simplest). */
  pick<T>(options: readonly T[]): T {
    return options[this.int(options.length)] as T;
  }

  /** True with probability 1/n (false is the simple answer). */
  oneIn(n: number): boolean {
    return this.int(n) === n - 1;
  }
}

/** An arbitrary of choice sequences. */
export const choicesArb = (length = 48): fc.Arbitrary<number[]> =>
  fc.array(fc.nat({ max: 1_000_000 }), { minLength: length, maxLength: length });
