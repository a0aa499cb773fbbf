/**
 * What the power-cut tests share (`*-power-cut.test.ts`: a chain write, merge, compact, rebase,
 * resize, repair, convert): a host, images and chains on it, their reads, and a runner that cuts
 * the power, or tears the write under way, at every write, sync and truncate an operation makes.
 */
import {
  createDifferencing,
  createDynamic,
  openChain,
  openImage,
  type RandomAccessFile,
} from '@vskit/vhd-format';
import { expect } from 'vitest';
import { createEmulatedHost, type EmulatedHost } from '../emulated-host.js';

/** How a chain is opened: strictly or not, writable or not. */
interface ChainOptions {
  readonly strict?: boolean;
  readonly writable?: boolean;
}

/** Where the chain's layers live. */
export const TOP = 'C:\\top.vhd';
/** The parent of {@link TOP} in a differencing case. */
export const PARENT = 'C:\\parent.vhd';

/** Deterministic bytes, different for each `seed`. */
export const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => ((i * 31 + seed * 97 + (i >> 9)) & 0xff) | 1);

/** A new host with an NTFS drive C: (of `capacityBytes`, its clock `now`, when given). */
export function newHost(o: { capacityBytes?: number; now?: () => Date } = {}): EmulatedHost {
  return createEmulatedHost({
    volumes: [
      {
        drive: 'C',
        fileSystem: 'NTFS',
        ...(o.capacityBytes === undefined ? {} : { capacityBytes: o.capacityBytes }),
      },
    ],
    ...(o.now === undefined ? {} : { now: o.now }),
  });
}

/** Creates `path` on `host` with `make`, synced and closed. */
export async function createOn(
  host: EmulatedHost,
  path: string,
  make: (f: RandomAccessFile) => Promise<void>,
): Promise<void> {
  const f = await host.open(path, 'createNew');
  await make(f);
  await f.sync();
  await f.close();
}

/** Opens the chain whose top is `path` (parents found by their recorded name in C:\). */
export async function openChainOn(host: EmulatedHost, path: string, o: ChainOptions = {}) {
  const top = await host.open(path, o.writable ? 'readWrite' : 'read');
  try {
    return await openChain(top, {
      ...o,
      openParent: async (ref) => host.open(`C:\\${ref.unicodeName}`, 'read'),
    });
  } catch (e) {
    await top.close();
    throw e;
  }
}

/** Everything the chain whose top is `path` reads. */
export async function readChainOn(
  host: EmulatedHost,
  path: string,
  o: { strict?: boolean } = {},
): Promise<Uint8Array> {
  const chain = await openChainOn(host, path, o);
  try {
    const out = new Uint8Array(chain.virtualSize);
    await chain.read(out, 0);
    return out;
  } finally {
    await chain.close();
  }
}

/** Opens the chain whose top is TOP. */
export function openTop(host: EmulatedHost, o: ChainOptions = {}) {
  return openChainOn(host, TOP, o);
}

/** Everything the chain over TOP reads. */
export function readTop(host: EmulatedHost, o: { strict?: boolean } = {}): Promise<Uint8Array> {
  return readChainOn(host, TOP, o);
}

/** Writes each `[offset, bytes]` into the chain over TOP, then syncs. */
export async function writeTop(
  host: EmulatedHost,
  writes: ReadonlyArray<readonly [number, Uint8Array]>,
): Promise<void> {
  const chain = await openTop(host, { writable: true });
  for (const [at, bytes] of writes) await chain.write(bytes, at);
  await chain.sync();
  await chain.close();
}

/**
 * A host holding TOP: a dynamic image, or a differencing one over PARENT, of `blocks` blocks of
 * `block` bytes, nothing written in TOP yet. PARENT is a dynamic image holding `parentWrites`
 * (by default, data in every block).
 */
export async function prepareChain(
  kind: 'dynamic' | 'differencing',
  block: number,
  blocks: number,
  parentWrites?: ReadonlyArray<readonly [number, Uint8Array]>,
): Promise<EmulatedHost> {
  const host = newHost();
  const sizeBytes = block * blocks;
  const dynamic = (f: RandomAccessFile) =>
    createDynamic(f, { sizeBytes, blockSizeBytes: block, exactSize: true });
  if (kind === 'dynamic') {
    await createOn(host, TOP, dynamic);
    return host;
  }
  await createOn(host, PARENT, dynamic);
  const parentChain = await openChainOn(host, PARENT, { writable: true });
  for (const [at, bytes] of parentWrites ?? [[0, pattern(sizeBytes, 99)]]) {
    await parentChain.write(bytes, at);
  }
  await parentChain.sync();
  await parentChain.close();
  const pf = await host.open(PARENT, 'read');
  const parent = await openImage(pf);
  await createOn(host, TOP, (f) =>
    createDifferencing(f, {
      parent: {
        footer: parent.footer,
        blockSizeBytes: block,
        modified: new Date('2026-01-01T00:00:00Z'),
        unicodeName: 'parent.vhd',
        relativePath: '.\\parent.vhd',
      },
    }),
  );
  await parent.close();
  return host;
}

/** Runs `op` over TOP opened for writing (closing it after, whatever happens). */
export async function onTop(
  host: EmulatedHost,
  op: (file: RandomAccessFile) => Promise<unknown>,
): Promise<void> {
  const file = await host.open(TOP, 'readWrite');
  try {
    await op(file);
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** What an operation made, counted on a run without a cut. */
export interface CutCounts {
  readonly write: number;
  readonly sync: number;
  readonly truncate: number;
}

/**
 * Runs `op` on `prior` once whole, then once per cut: the power cut at each write (whole and
 * torn), each sync and each truncate it makes; `verify` gets the host as the cut left it.
 * Returns the counts.
 */
export async function atEveryCut(
  prior: EmulatedHost,
  op: (host: EmulatedHost) => Promise<void>,
  verify: (after: EmulatedHost, label: string) => Promise<void>,
): Promise<CutCounts> {
  const dry = prior.reopenAfterPowerCut();
  dry.faults.reset();
  await op(dry);
  const all = dry.faults.counts();
  const counts = { write: all.write, sync: all.sync, truncate: all.truncate };
  const cuts = cutPoints(counts);
  for (const [kind, n, torn] of cuts) {
    const host = prior.reopenAfterPowerCut();
    host.faults.reset();
    host.faults.powerCutAt(kind, n, { torn });
    await expect(op(host), `${kind} ${n}`).rejects.toThrow();
    const label = `${kind} ${n}${torn ? ' torn' : ''} of ${counts.write} writes, ${counts.sync} syncs`;
    await verify(host.reopenAfterPowerCut(), label);
  }
  return counts;
}

/** Every cut of a run that made `counts`: each write whole and torn, each sync and truncate. */
export function cutPoints(
  counts: CutCounts,
): ReadonlyArray<readonly ['write' | 'sync' | 'truncate', number, boolean]> {
  return [
    ...Array.from({ length: counts.write }, (_, i) => ['write', i + 1, false] as const),
    ...Array.from({ length: counts.write }, (_, i) => ['write', i + 1, true] as const),
    ...Array.from({ length: counts.sync }, (_, i) => ['sync', i + 1, false] as const),
    ...Array.from({ length: counts.truncate }, (_, i) => ['truncate', i + 1, false] as const),
  ];
}

/** Index of the first byte where `a` and `b` differ, or -1 (four bytes at a time where it can). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
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
