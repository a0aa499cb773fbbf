/**
 * In-process exclusivity for image paths. The checks of one path run one call at a time (a
 * per-path lock), and a path stays reserved from the moment its checks pass until its task is
 * complete, so of two concurrent creations of one path exactly one gets S_OK and the other
 * E_ALREADY_EXISTS. Creation itself still opens the file with `createNew`, which guards against
 * other processes.
 * @module
 */

/** Per-path locks and reservations, keyed by `windowsPath.pathKey`. */
export class PathReservations {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #reserved = new Set<string>();

  /** Waits until no other check of `key` runs; resolves to the function that releases the lock. */
  async lock(key: string): Promise<() => void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }

  /** Whether a creation of `key` is under way. */
  isReserved(key: string): boolean {
    return this.#reserved.has(key);
  }

  /** Marks `key` as being created. */
  reserve(key: string): void {
    this.#reserved.add(key);
  }

  /** `key` is no longer being created. */
  release(key: string): void {
    this.#reserved.delete(key);
  }

  /** How many paths are being created now. */
  get size(): number {
    return this.#reserved.size;
  }
}
