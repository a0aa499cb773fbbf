/**
 * The model of the stateful sequences: the disks on drive C: (their chains, their identities
 * and the bytes written through them), the folders, the ancestors that must not change, and
 * what a power cut left that the suite tolerates.
 * @module
 */

/** One disk of the model. */
export interface ModelDisk {
  readonly path: string;
  readonly sizeBytes: number;
  /** The key of the parent, for a differencing disk. */
  parent: string | undefined;
  readonly kind: 'dynamic' | 'fixed' | 'differencing';
  /** The disk's identity (its footer UUID): a byte copy shares it. */
  readonly uuid: string;
  /** The identity of the parent it was made over (a differencing disk's recorded parent UUID). */
  readonly parentUuid: string | undefined;
  /** The bytes written into this layer, oldest first. */
  writes: Array<{ offset: number; bytes: Uint8Array }>;
}

/** The model: the disks that exist, which are ancestors, and whether shutdown began. */
export interface ChainModel {
  disks: Map<string, ModelDisk>;
  /** Keys of every folder that exists. */
  folders: Set<string>;
  /** The key of every disk some disk is made over, with the file's digest when it became one. */
  ancestors: Map<string, string>;
  shuttingDown: boolean;
  /** Keys of temporary files a power cut left (tolerated until they go). */
  leftovers: Set<string>;
}

/** The model's key of a path (case-folded). */
export const key = (path: string) => path.toUpperCase();

/** An empty model. */
export function emptyModel(): ChainModel {
  return {
    disks: new Map(),
    folders: new Set(),
    ancestors: new Map(),
    shuttingDown: false,
    leftovers: new Set(),
  };
}

/** A copy of `model` that later changes to either leave alone. */
export function cloneModel(model: Readonly<ChainModel>): ChainModel {
  return {
    disks: new Map([...model.disks].map(([k, d]) => [k, { ...d, writes: [...d.writes] }] as const)),
    folders: new Set(model.folders),
    ancestors: new Map(model.ancestors),
    shuttingDown: model.shuttingDown,
    leftovers: new Set(model.leftovers),
  };
}

/** The disks of the chain from `path`, its deepest ancestor first. */
export function chainOf(model: Readonly<ChainModel>, path: string): ModelDisk[] {
  const chain: ModelDisk[] = [];
  const seen = new Set<string>();
  for (let at: string | undefined = key(path); at !== undefined && !seen.has(at); ) {
    seen.add(at);
    const disk = model.disks.get(at);
    if (disk === undefined) break;
    chain.unshift(disk);
    at = disk.parent;
  }
  return chain;
}

/** The writes that make the chain from `path` read as it reads, oldest first. */
export function chainWrites(model: Readonly<ChainModel>, path: string): ModelDisk['writes'] {
  return chainOf(model, path).flatMap((d) => d.writes);
}

/** The bytes the chain from `path` reads at `offset`, as the model says. */
export function expectedBytes(
  model: Readonly<ChainModel>,
  path: string,
  offset: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length);
  for (const w of chainWrites(model, path)) {
    const from = Math.max(offset, w.offset);
    const to = Math.min(offset + length, w.offset + w.bytes.length);
    if (from < to) out.set(w.bytes.subarray(from - w.offset, to - w.offset), from - offset);
  }
  return out;
}

/** A byte range `[offset, offset + length)`. */
export interface Extent {
  readonly offset: number;
  readonly length: number;
}

/**
 * The ranges the chain from `path` was written at in any of `models`, merged and in order:
 * everywhere else every one of them reads zeros.
 */
export function writtenExtents(models: readonly Readonly<ChainModel>[], path: string): Extent[] {
  const spans = models
    .flatMap((m) => chainWrites(m, path))
    .map((w) => [w.offset, w.offset + w.bytes.length] as const)
    .sort((a, b) => a[0] - b[0]);
  const out: Array<{ offset: number; length: number }> = [];
  for (const [from, to] of spans) {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last.offset + last.length) {
      last.length = Math.max(last.length, to - last.offset);
    } else {
      out.push({ offset: from, length: to - from });
    }
  }
  return out;
}

/** The keys of every disk some model disk is made over. */
export function parentKeys(model: Readonly<ChainModel>): Set<string> {
  return new Set(
    [...model.disks.values()].flatMap((d) => (d.parent === undefined ? [] : [d.parent])),
  );
}
