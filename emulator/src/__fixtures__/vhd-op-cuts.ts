/**
 * The power-cut matrix of the disk operations (compact, rebase, resize, repair): a small chain on
 * an emulated host, and a runner that cuts the power, or tears the write under way, at every
 * write, sync and truncate an operation makes.
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

/** Where the chain's layers live. */
export const TOP = 'C:\\top.vhd';
/** The parent of {@link TOP} in a differencing case. */
export const PARENT = 'C:\\parent.vhd';

/** Deterministic bytes, different for each `seed`. */
export const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => ((i * 31 + seed * 97 + (i >> 9)) & 0xff) | 1);

/** A new host with drive C:. */
export function newHost(): EmulatedHost {
  return createEmulatedHost({ volumes: [{ drive: 'C', fileSystem: 'NTFS' }] });
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

/** Opens the chain whose top is TOP (parents found by their recorded name in C:\). */
export async function openTop(
  host: EmulatedHost,
  o: { strict?: boolean; writable?: boolean } = {},
) {
  const top = await host.open(TOP, o.writable ? 'readWrite' : 'read');
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

/** Everything the chain over TOP reads. */
export async function readTop(
  host: EmulatedHost,
  o: { strict?: boolean } = {},
): Promise<Uint8Array> {
  const chain = await openTop(host, o);
  try {
    const out = new Uint8Array(chain.virtualSize);
    await chain.read(out, 0);
    return out;
  } finally {
    await chain.close();
  }
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
 * A host holding TOP: a dynamic image, or a differencing one over PARENT (a dynamic image of
 * data in every block), of `blocks` blocks of `block` bytes, nothing written in TOP yet.
 */
export async function prepareChain(
  kind: 'dynamic' | 'differencing',
  block: number,
  blocks: number,
): Promise<EmulatedHost> {
  const host = newHost();
  const sizeBytes = block * blocks;
  if (kind === 'dynamic') {
    await createOn(host, TOP, (f) =>
      createDynamic(f, { sizeBytes, blockSizeBytes: block, exactSize: true }),
    );
    return host;
  }
  await createOn(host, PARENT, (f) =>
    createDynamic(f, { sizeBytes, blockSizeBytes: block, exactSize: true }),
  );
  const p = await host.open(PARENT, 'readWrite');
  const parentChain = await openChain(p, { openParent: async () => undefined, writable: true });
  await parentChain.write(pattern(sizeBytes, 99), 0);
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
  const cuts = [
    ...Array.from({ length: counts.write }, (_, i) => ['write', i + 1, false] as const),
    ...Array.from({ length: counts.write }, (_, i) => ['write', i + 1, true] as const),
    ...Array.from({ length: counts.sync }, (_, i) => ['sync', i + 1, false] as const),
    ...Array.from({ length: counts.truncate }, (_, i) => ['truncate', i + 1, false] as const),
  ];
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

/** Index of the first byte where `a` and `b` differ, or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
