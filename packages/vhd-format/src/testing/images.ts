/**
 * Small in-memory images and chains for this package's tests.
 * @module
 */

import { formatUuid } from '../codec/uuid.js';
import { openChain, type VhdChain } from '../image/chain.js';
import { createDifferencing } from '../image/create-differencing.js';
import { createDynamic } from '../image/create-dynamic.js';
import { createFixed } from '../image/create-fixed.js';
import { openImage } from '../image/open.js';
import { memoryFile, type RandomAccessFile } from '../io.js';

/** Deterministic creation options: fixed clock, UUIDs counted up from `seed`. */
export function deterministic(seed: number) {
  return {
    timestamp: new Date('2026-01-02T03:04:05Z'),
    uniqueId: Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 7) & 0xff),
  };
}

/** A view of `file` whose `close()` leaves `file` open (so a test can reopen it). */
export function shared(file: RandomAccessFile): RandomAccessFile {
  return {
    read: (b, p) => file.read(b, p),
    write: (b, p) => file.write(b, p),
    size: () => file.size(),
    truncate: (n) => file.truncate(n),
    sync: () => file.sync(),
    close: async () => undefined,
  };
}

/** A set of in-memory images found by UUID, for `openParent`. */
export class MemoryImages {
  readonly byUuid = new Map<string, ReturnType<typeof memoryFile>>();

  /** Registers `file` under the UUID of the image it holds. */
  async add(file: ReturnType<typeof memoryFile>): Promise<void> {
    const image = await openImage(shared(file));
    this.byUuid.set(formatUuid(image.footer.uniqueId), file);
  }

  /** An `openParent` that finds parents by the recorded UUID. */
  readonly openParent = async (ref: { uniqueId: Uint8Array }) => {
    const file = this.byUuid.get(formatUuid(ref.uniqueId));
    return file ? shared(file) : undefined;
  };

  /** Opens the chain whose top is `file`. */
  open(file: RandomAccessFile, writable = true): Promise<VhdChain> {
    return openChain(shared(file), { openParent: this.openParent, writable });
  }
}

/** Creates a base image (`dynamic` or `fixed`) of exactly `sizeBytes` in memory. */
export async function baseImage(
  type: 'dynamic' | 'fixed',
  sizeBytes: number,
  blockSizeBytes: number,
  seed = 1,
): Promise<ReturnType<typeof memoryFile>> {
  const file = memoryFile();
  const size = { sizeBytes, exactSize: true };
  if (type === 'fixed') await createFixed(file, { ...size, ...deterministic(seed) });
  else await createDynamic(file, { ...size, blockSizeBytes, ...deterministic(seed) });
  return file;
}

/** Creates a differencing child of the image in `parent` (in memory). */
export async function childImage(
  parent: RandomAccessFile,
  seed: number,
  name = `layer${seed}.vhd`,
): Promise<ReturnType<typeof memoryFile>> {
  const image = await openImage(shared(parent));
  const file = memoryFile();
  await createDifferencing(file, {
    ...deterministic(seed),
    parent: {
      footer: image.footer,
      ...(image.blockSize === undefined ? {} : { blockSizeBytes: image.blockSize }),
      modified: new Date('2026-01-02T03:04:05Z'),
      unicodeName: name,
      absolutePath: `C:\\vms\\${name}`,
      relativePath: `.\\${name}`,
    },
  });
  return file;
}

/** Index of the first byte where `a` and `b` differ, or -1 (cheap on large arrays, unlike toEqual). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Compare four bytes at a time where both arrays allow it.
  while (i < n && (a.byteOffset + i) % 4 !== 0) {
    if (a[i] !== b[i]) return i;
    i++;
  }
  if ((b.byteOffset + i) % 4 === 0) {
    const words = (n - i) >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset + i, words);
    const wb = new Int32Array(b.buffer, b.byteOffset + i, words);
    let w = 0;
    while (w < words && wa[w] === wb[w]) w++;
    i += w * 4;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
