import { HostError } from './errors.js';
import type { HostDriveInfo, HostFile, OpenMode, OpenOptions } from './host.js';
import { withFile } from './with-file.js';

/** What every host built on {@link HostBase} takes besides its volumes. */
export interface HostBaseOptions {
  /** The host clock; default the real time. */
  readonly now?: () => Date;
  /** Source of random bytes; default the platform's `crypto.getRandomValues`. */
  readonly random?: (length: number) => Uint8Array;
  /** The physical drives {@link HostBase.hostDrives} reports; default none. */
  readonly hostDrives?: readonly HostDriveInfo[];
}

/** The largest file `readFile` reads whole (the largest `Uint8Array` it allocates). */
const MAX_WHOLE_FILE = 2 ** 31 - 1;

/** The most bytes `crypto.getRandomValues` fills in one call. */
const RANDOM_STEP = 65_536;

/** The Web Crypto `getRandomValues` of Node.js 20, browsers and Deno. */
interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/** `length` bytes from the platform's cryptographic random source. */
function platformRandom(length: number): Uint8Array {
  const crypto = (globalThis as { crypto?: RandomSource }).crypto;
  if (crypto === undefined) {
    throw new HostError('EIO', 'randomBytes', undefined, 'no crypto.getRandomValues here');
  }
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += RANDOM_STEP) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(length, at + RANDOM_STEP)));
  }
  return bytes;
}

/** `drives` as frozen copies, or `EINVAL` for a malformed entry or an identifier given twice. */
function checkHostDrives(drives: unknown): readonly HostDriveInfo[] {
  const bad = (detail: string) => new HostError('EINVAL', 'createHost', undefined, detail);
  if (!Array.isArray(drives)) throw bad('options.hostDrives must be an array');
  const seen = new Set<string>();
  return drives.map((drive: Partial<HostDriveInfo> | null) => {
    const { id, sizeBytes, mounted } = drive ?? {};
    if (typeof id !== 'string' || id.length === 0) throw bad('a host drive needs an id');
    if (!Number.isSafeInteger(sizeBytes) || (sizeBytes as number) < 0) {
      throw bad(`host drive ${id}: sizeBytes must be a whole number of bytes`);
    }
    if (typeof mounted !== 'boolean') throw bad(`host drive ${id}: mounted must be a boolean`);
    const key = id.toUpperCase();
    if (seen.has(key)) throw bad(`host drive ${id}: twice`);
    seen.add(key);
    return Object.freeze({ id, sizeBytes: sizeBytes as number, mounted });
  });
}

/**
 * What hosts do alike: the shutdown flag, the clock, checked random bytes and `readFile` over
 * `open`. A subclass supplies `open` and the rest of `Host`. The emulated host and the node host
 * both extend it.
 *
 * @example
 * ```ts
 * class MyHost extends HostBase implements Host {
 *   constructor(options: HostBaseOptions & { volumes: readonly MyVolume[] }) {
 *     super(options);
 *   }
 *   async open(path: string, mode: OpenMode): Promise<HostFile> { ... }
 *   // volumes, volumeInfo, stat, exists, mkdir, ...
 * }
 * ```
 */
export abstract class HostBase {
  readonly #clock: () => Date;
  readonly #random: (length: number) => Uint8Array;
  readonly #hostDrives: readonly HostDriveInfo[];
  #shuttingDown = false;

  /**
   * Checks that `options` is an object with a `volumes` array (`EINVAL` otherwise) and takes its
   * clock, random source and host drives (`EINVAL` for a drive without a non-empty `id`, a safe
   * whole `sizeBytes` of 0 or more and a boolean `mounted`, or for one `id` twice in any case).
   */
  constructor(options: HostBaseOptions & { readonly volumes: readonly unknown[] }) {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.volumes)) {
      throw new HostError('EINVAL', 'createHost', undefined, 'options.volumes must be an array');
    }
    this.#clock = options.now ?? (() => new Date());
    this.#random = options.random ?? platformRandom;
    this.#hostDrives = checkHostDrives(options.hostDrives ?? []);
  }

  /** The host drives given at construction, as copies, in their order. */
  hostDrives(): HostDriveInfo[] {
    return this.#hostDrives.map((drive) => ({ ...drive }));
  }

  /** Opens a file; what `readFile` reads through. */
  abstract open(path: string, mode: OpenMode, options?: OpenOptions): Promise<HostFile>;

  /** Whether {@link HostBase.beginShutdown} was called. */
  isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Marks the host as shutting down, for good. */
  beginShutdown(): void {
    this.#shuttingDown = true;
  }

  /** The host clock's time. */
  now(): Date {
    return this.#clock();
  }

  /**
   * `length` bytes from the random source: `EINVAL` for a length that is not a safe integer of 0
   * or more, `EIO` when the source gives a wrong length.
   */
  randomBytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new HostError('EINVAL', 'randomBytes', undefined, `bad length ${length}`);
    }
    const bytes = this.#random(length);
    if (bytes.length !== length) {
      throw new HostError('EIO', 'randomBytes', undefined, 'the random source gave a wrong length');
    }
    return bytes;
  }

  /** The whole file at `path`, read through one `open`; `EFBIG` beyond 2 GiB - 1 bytes. */
  async readFile(path: string): Promise<Uint8Array> {
    return withFile(await this.open(path, 'read'), async (file) => {
      const size = await file.size();
      if (size > MAX_WHOLE_FILE) {
        throw new HostError('EFBIG', 'readFile', path, `${size} bytes are too many to read whole`);
      }
      const bytes = new Uint8Array(size);
      const count = await file.read(bytes, 0);
      return count === size ? bytes : bytes.subarray(0, count);
    });
  }
}
