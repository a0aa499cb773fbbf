/**
 * How many handles are open per entry, keyed by a path string in which `separator` parts a folder
 * from its children (so that a folder can tell whether any file below it is open).
 */
export class OpenHandles {
  readonly #counts = new Map<string, number>();
  readonly #separator: string;

  /** Counts handles of paths whose folders end at `separator` (`'\\'` or the real `sep`). */
  constructor(separator: string) {
    this.#separator = separator;
  }

  /** Counts one more handle of `key` and returns the function that releases it (once). */
  add(key: string): () => void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.#counts.get(key) ?? 1) - 1;
      if (count <= 0) this.#counts.delete(key);
      else this.#counts.set(key, count);
    };
  }

  /** Whether `key` itself is open. */
  has(key: string): boolean {
    return this.#counts.has(key);
  }

  /** Whether `key` or anything below it is open. */
  holdsAnyUnder(key: string): boolean {
    if (this.#counts.has(key)) return true;
    const prefix = key + this.#separator;
    for (const open of this.#counts.keys()) if (open.startsWith(prefix)) return true;
    return false;
  }
}
