/**
 * Opening a whole chain (a differencing disk and its ancestors) and reading and writing it.
 * Parents are found by an injected opener, checked by UUID, limited in depth, guarded against
 * cycles, and never opened writable.
 * @module
 */

import { parentTimeDiffers, vhdTimestamp } from '../codec/timestamp.js';
import { formatUuid, sameUuid } from '../codec/uuid.js';
import { BLOCK_UNUSED, DEFAULT_MAX_CHAIN_DEPTH } from '../constants.js';
import { BatPageCache } from '../engine/bat-page-cache.js';
import { VhdFormatError } from '../errors.js';
import type { RandomAccessFile } from '../io.js';
import type { LowerReader, VhdLayer } from './layer.js';
import { openLayer } from './open.js';
import type { ParentReference, VhdImage } from './types.js';

/** A parent file, optionally with its modification time (checked against the child's record). */
export interface OpenedParent {
  /** The parent file, opened for reading. */
  file: RandomAccessFile;
  /** The parent file's modification time; a difference from the recorded one is a warning. */
  modified?: Date;
}

/** Options of {@link openChain}. */
export interface OpenChainOptions {
  /**
   * Opens the parent `ref` names for `child` (at `depth` 1 for the top's parent). Return the
   * file (or `{ file, modified }` to have the timestamp compared), or undefined when it cannot
   * be found. `parentCandidates(ref)` lists where to look. Errors thrown here propagate as-is.
   */
  openParent(
    ref: ParentReference,
    child: VhdImage,
    depth: number,
  ): Promise<RandomAccessFile | OpenedParent | undefined>;
  /** Most parents below the top (default 32); one more is `CHAIN_TOO_DEEP`. */
  maxDepth?: number;
  /** Open the top layer writable (default false). Parents never are. */
  writable?: boolean;
  /** Open every layer strictly (see `OpenImageOptions.strict`). */
  strict?: boolean;
  /** Read every layer's UTF-16LE parent name even when strict (see `OpenImageOptions`). */
  acceptLittleEndianParentName?: boolean;
  /** Read every layer whose trailing footer was never written, even when strict (see `OpenImageOptions`). */
  acceptUnwrittenFooter?: boolean;
}

/** An opened chain: the top layer and every ancestor. */
export interface VhdChain {
  /** Top (the file opened) first. */
  readonly layers: readonly VhdImage[];
  /** The top layer's virtual size. */
  readonly virtualSize: number;
  /** Warnings of every layer (prefixed with the layer's depth) and of the chain itself. */
  readonly warnings: readonly string[];
  /** Whether `write` is allowed. */
  readonly writable: boolean;
  /** Reads any byte range within the virtual size into `buffer`. */
  read(buffer: Uint8Array, offset: number): Promise<void>;
  /** Writes `buffer` at `offset` into the top layer. */
  write(buffer: Uint8Array, offset: number): Promise<void>;
  /**
   * Whether some layer stores data for a byte of `[offset, offset + length)`: a fixed layer
   * always does; a dynamic or differencing layer where a block over the range is allocated in its
   * BAT. `false` means the whole range reads as zeros without a data block being read, so a copy
   * of the disk may skip it (leave a hole in a raw file, not write zeros over it). It answers from
   * the BATs, a few entries per layer, never from the data: an allocated block may hold zeros.
   * @throws VhdFormatError `OUT_OF_RANGE` when the range leaves the disk.
   * @example
   * ```ts
   * if (!(await chain.isAllocated(offset, chunk.length))) skip(chunk.length);
   * ```
   */
  isAllocated(offset: number, length: number): Promise<boolean>;
  /** Makes the top layer's writes durable. */
  sync(): Promise<void>;
  /** Closes every layer (and their files). */
  close(): Promise<void>;
}

/**
 * The checks before following `ref` from a layer at `depth`: a UUID met before is `CHAIN_CYCLE`,
 * a depth past `maxDepth` is `CHAIN_TOO_DEEP`. Returns the parent's UUID as text. Every walk down
 * a chain (opening it, merging it) takes this one step.
 */
export function checkParentStep(
  ref: ParentReference,
  seen: ReadonlySet<string>,
  depth: number,
  maxDepth: number,
): string {
  const wanted = formatUuid(ref.uniqueId);
  if (seen.has(wanted)) {
    throw new VhdFormatError('CHAIN_CYCLE', `the chain leads back to ${wanted}`, {
      field: 'header.parentUniqueId',
      value: wanted,
    });
  }
  if (depth > maxDepth) {
    throw new VhdFormatError('CHAIN_TOO_DEEP', `more than ${maxDepth} parents`, { value: depth });
  }
  return wanted;
}

/** The error for a parent `openParent` could not find (`wanted`: its UUID as text). */
export function parentNotFound(ref: ParentReference, wanted: string): VhdFormatError {
  return new VhdFormatError(
    'PARENT_NOT_FOUND',
    `parent ${JSON.stringify(ref.unicodeName)} (${wanted}) not found`,
    { field: 'header.parentUnicodeName', value: ref.unicodeName },
  );
}

function isOpenedParent(x: RandomAccessFile | OpenedParent): x is OpenedParent {
  return (
    typeof (x as OpenedParent).file === 'object' &&
    typeof (x as RandomAccessFile).read !== 'function'
  );
}

/**
 * The most parents a walk down a chain may take, from options that must give `openParent`:
 * `maxDepth`, else {@link DEFAULT_MAX_CHAIN_DEPTH}. `INVALID_ARGUMENT` without `openParent` or
 * for a `maxDepth` that is not a non-negative integer.
 */
export function chainWalkDepth(o: Pick<OpenChainOptions, 'openParent' | 'maxDepth'>): number {
  if (!o || typeof o.openParent !== 'function') {
    throw new VhdFormatError('INVALID_ARGUMENT', 'openParent is required', { field: 'openParent' });
  }
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_CHAIN_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'maxDepth must be a non-negative integer', {
      field: 'maxDepth',
      value: maxDepth,
    });
  }
  return maxDepth;
}

/**
 * Opens `file` and, while the current layer is differencing, its parent through
 * `o.openParent`. Checks: the parent's UUID equals the recorded one (`PARENT_ID_MISMATCH`),
 * no UUID appears twice (`CHAIN_CYCLE`), at most `maxDepth` parents (`CHAIN_TOO_DEEP`), a
 * parent is found (`PARENT_NOT_FOUND`). A timestamp difference (unless the child records 0,
 * "not recorded") or a size difference is a warning. On failure the parents opened so far are
 * closed; `file` itself is left open.
 */
export async function openChain(file: RandomAccessFile, o: OpenChainOptions): Promise<VhdChain> {
  const maxDepth = chainWalkDepth(o);
  const rules = {
    strict: o.strict === true,
    acceptLittleEndianParentName: o.acceptLittleEndianParentName === true,
    acceptUnwrittenFooter: o.acceptUnwrittenFooter === true,
  };
  // One budget for the BAT pages of every layer, however deep the chain.
  const cache = new BatPageCache();
  const top = await openLayer(file, { writable: o.writable === true, ...rules }, { cache });
  const layers: VhdLayer[] = [top];
  const warnings: string[] = [...top.warnings];
  const seen = new Set<string>([formatUuid(top.footer.uniqueId)]);
  try {
    let current = top;
    while (current.type === 'differencing') {
      const depth = layers.length;
      const ref = current.parent!;
      const wanted = checkParentStep(ref, seen, depth, maxDepth);
      const opened = await o.openParent(ref, current, depth);
      if (!opened) throw parentNotFound(ref, wanted);
      const parentFile = isOpenedParent(opened) ? opened.file : opened;
      const modified = isOpenedParent(opened) ? opened.modified : undefined;
      let parent: VhdLayer;
      try {
        parent = await openLayer(parentFile, { writable: false, ...rules }, { cache });
      } catch (e) {
        await parentFile.close().catch(() => undefined);
        throw e;
      }
      layers.push(parent);
      if (!sameUuid(parent.footer.uniqueId, ref.uniqueId)) {
        throw new VhdFormatError(
          'PARENT_ID_MISMATCH',
          `parent at depth ${depth} is ${formatUuid(parent.footer.uniqueId)}, the child expects ${wanted}`,
          { field: 'header.parentUniqueId', value: formatUuid(parent.footer.uniqueId) },
        );
      }
      seen.add(wanted);
      for (const w of parent.warnings) warnings.push(`parent ${depth}: ${w}`);
      if (modified && parentTimeDiffers(ref.timestamp, modified)) {
        warnings.push(
          `parent ${depth} was modified at VHD time ${vhdTimestamp(modified)}, the child records ${ref.timestamp}`,
        );
      }
      if (parent.virtualSize !== current.virtualSize) {
        warnings.push(
          `parent ${depth} is ${parent.virtualSize} bytes, its child ${current.virtualSize}; bytes past the parent read as zeros`,
        );
      }
      current = parent;
    }
  } catch (e) {
    await Promise.allSettled(layers.slice(1).map((l) => l.close()));
    throw e;
  }
  return new Chain(layers, warnings);
}

/** Reads layer `i` and below, zero-filling past each layer's virtual size. */
function readerFor(layers: readonly VhdLayer[], i: number): LowerReader | undefined {
  const layer = layers[i];
  if (!layer) return undefined;
  const lower = readerFor(layers, i + 1);
  const size = layer.virtualSize;
  return (buffer, offset) => {
    const end = offset + buffer.length;
    if (end <= size) return layer.read(buffer, offset, lower);
    if (offset >= size) {
      buffer.fill(0);
      return Promise.resolve();
    }
    buffer.fill(0, size - offset);
    return layer.read(buffer.subarray(0, size - offset), offset, lower);
  };
}

class Chain implements VhdChain {
  readonly layers: readonly VhdLayer[];
  readonly warnings: readonly string[];
  readonly virtualSize: number;
  readonly #top: LowerReader;
  readonly #below: LowerReader | undefined;

  constructor(layers: VhdLayer[], warnings: string[]) {
    this.layers = layers;
    this.warnings = warnings;
    this.virtualSize = layers[0]!.virtualSize;
    this.#top = readerFor(layers, 0)!;
    this.#below = readerFor(layers, 1);
  }

  get writable(): boolean {
    return this.layers[0]!.writable;
  }

  #checkRange(buffer: Uint8Array, offset: number): void {
    if (!(buffer instanceof Uint8Array)) {
      throw new VhdFormatError('INVALID_ARGUMENT', 'buffer must be a Uint8Array', {
        field: 'buffer',
      });
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + buffer.length > this.virtualSize) {
      throw new VhdFormatError(
        'OUT_OF_RANGE',
        `${buffer.length} bytes at ${offset} reach outside the ${this.virtualSize}-byte disk`,
        { offset, value: buffer.length },
      );
    }
  }

  async read(buffer: Uint8Array, offset: number): Promise<void> {
    this.#checkRange(buffer, offset);
    await this.#top(buffer, offset);
  }

  async write(buffer: Uint8Array, offset: number): Promise<void> {
    if (!this.writable) throw new VhdFormatError('READ_ONLY', 'the chain was opened read-only');
    this.#checkRange(buffer, offset);
    await this.layers[0]!.write(buffer, offset, this.#below);
  }

  async isAllocated(offset: number, length: number): Promise<boolean> {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > this.virtualSize
    ) {
      throw new VhdFormatError(
        'OUT_OF_RANGE',
        `${length} bytes at ${offset} reach outside the ${this.virtualSize}-byte disk`,
        { offset, value: length },
      );
    }
    // Each layer answers within its own size; past it, reads are zeros and go no lower (as reads).
    let end = offset + length;
    for (const layer of this.layers) {
      end = Math.min(end, layer.virtualSize);
      if (end <= offset) return false;
      if (layer.type === 'fixed') return true;
      const blockSize = layer.blockSize as number;
      for (let i = Math.floor(offset / blockSize); i * blockSize < end; i++) {
        if ((await layer.entry(i)) !== BLOCK_UNUSED) return true;
      }
      if (layer.type !== 'differencing') return false;
    }
    return false;
  }

  async sync(): Promise<void> {
    await this.layers[0]!.file.sync();
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.layers.map((l) => l.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
