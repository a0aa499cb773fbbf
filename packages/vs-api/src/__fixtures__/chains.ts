/**
 * Test fixtures for the methods that change a chain in place (Merge, Compact): a parent with
 * data and a child made by CreateDifferencingVirtualHardDisk holding writes of its own, the
 * byte model of what the chain reads, and the sectors a merge moves.
 */
import type { Host } from '@vskit/host';
import { FOOTER_OFFSETS, vhdChecksum } from '@vskit/vhd-format';
import { expect } from 'vitest';
import { VMTaskResult } from '../hresult.js';
import type { VMTask } from '../task.js';
import type { VirtualServer } from '../virtual-server.js';
import { counting, type Pattern, readVirtual, writeThrough, writeVhd } from './hosts.js';

/** One write: `length` counting bytes from `seed` at virtual `offset`. */
export type Write = readonly [offset: number, length: number, seed: number];

/** `writes` as the patterns `writeThrough` takes. */
export function patterns(writes: readonly Write[]): Pattern[] {
  return writes.map(([offset, length, seed]) => ({ offset, bytes: counting(length, seed) }));
}

/** What a chain set up for a merge reads and holds. */
export interface MergeChain {
  /** The child's path. */
  readonly child: string;
  /** The parent's path. */
  readonly parent: string;
  /** The virtual size. */
  readonly size: number;
  /** What the chain from the child reads (so, after a merge, the parent alone too). */
  readonly model: Uint8Array;
  /** What the parent alone read before the merge. */
  readonly parentBefore: Uint8Array;
  /** The sectors the child holds: those a merge moves. */
  readonly merged: ReadonlySet<number>;
}

/** Options of {@link mergeChain}. */
export interface MergeChainOptions {
  /** The parent's type. */
  readonly parentType: 'dynamic' | 'fixed';
  /** Virtual size in bytes. */
  readonly size: number;
  /** Written into the parent before the child is made. */
  readonly parentWrites: readonly Write[];
  /** Written into the child. */
  readonly childWrites: readonly Write[];
  /** Where the child goes; default `C:\vms\child.vhd`. */
  readonly child?: string;
  /** Where the parent goes; default `C:\base\parent.vhd`. */
  readonly parent?: string;
}

/** A parent with data and a child of it with data of its own, made through `vs`. */
export async function mergeChain(
  host: Host,
  vs: VirtualServer,
  o: MergeChainOptions,
): Promise<MergeChain> {
  const child = o.child ?? 'C:\\vms\\child.vhd';
  const parent = o.parent ?? 'C:\\base\\parent.vhd';
  await writeVhd(host, parent, { type: o.parentType, sizeBytes: o.size });
  await writeThrough(host, parent, patterns(o.parentWrites));
  const task = await vs.createDifferencingVirtualHardDisk(child, parent);
  await task.waitForCompletion(-1);
  expect(task.result).toBe(VMTaskResult.Success);
  await writeThrough(host, child, patterns(o.childWrites));
  const merged = new Set<number>();
  for (const [offset, length] of o.childWrites) {
    for (let s = Math.floor(offset / 512); s * 512 < offset + length; s++) merged.add(s);
  }
  return {
    child,
    parent,
    size: o.size,
    model: await readVirtual(host, child, 0, o.size),
    parentBefore: await readVirtual(host, parent, 0, o.size),
    merged,
  };
}

/**
 * Checks that the parent alone reads, sector by sector, as before or (only at a merged
 * sector) as the model; returns how many merged sectors already read as the model.
 */
export async function expectParentChangedOnlyAtMerged(
  host: Host,
  c: MergeChain,
  label: string,
): Promise<void> {
  const now = await readVirtual(host, c.parent, 0, c.size);
  for (let s = 0; s * 512 < c.size; s++) {
    const at = s * 512;
    const sector = now.subarray(at, at + 512);
    if (Buffer.compare(sector, c.parentBefore.subarray(at, at + 512)) === 0) continue;
    expect(c.merged.has(s), `${label}: sector ${s} of the parent changed`).toBe(true);
    expect(Buffer.compare(sector, c.model.subarray(at, at + 512)), `${label}: sector ${s}`).toBe(0);
  }
}

/** Whether `a` and `b` hold the same bytes (as buffers: fast over megabytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Rewrites the footer (and its copy at 0, when there is one) of the file at `path` with `edit`. */
export async function editFooter(
  host: Host,
  path: string,
  edit: (footer: Uint8Array) => void,
): Promise<void> {
  const bytes = await host.readFile(path);
  const ends = [bytes.length - 512];
  if (new TextDecoder().decode(bytes.subarray(0, 8)) === 'conectix') ends.push(0);
  for (const at of ends) {
    const footer = bytes.subarray(at, at + 512);
    edit(footer);
    new DataView(footer.buffer, footer.byteOffset).setUint32(FOOTER_OFFSETS.checksum, 0);
    const sum = vhdChecksum(footer, FOOTER_OFFSETS.checksum);
    new DataView(footer.buffer, footer.byteOffset).setUint32(FOOTER_OFFSETS.checksum, sum);
  }
  const file = await host.open(path, 'readWrite');
  await file.write(bytes, 0);
  await file.close();
}

/** Waits for `task` and expects it to have succeeded. */
export async function expectSuccess(task: VMTask): Promise<void> {
  await task.waitForCompletion(-1);
  expect(task.errorDescription).toBe('');
  expect(task.result).toBe(VMTaskResult.Success);
  expect(task.percentCompleted).toBe(100);
}

/**
 * A dynamic disk of `size` bytes (at least 8 MiB) at `path` with 2 MiB blocks: blocks 1 and 3
 * hold data, blocks 0 and 2 were written and then zeroed (allocated, all zeros: what Compact
 * drops, block 3 then moving down into block 0's place), the others never written. Returns what
 * it reads.
 */
export async function compactableDisk(host: Host, path: string, size: number): Promise<Uint8Array> {
  const MiB = 2 ** 20;
  await writeVhd(host, path, { type: 'dynamic', sizeBytes: size });
  await writeThrough(
    host,
    path,
    patterns([
      [0, 4096, 1],
      [2 * MiB + 100, 5000, 2],
      [4 * MiB, 512, 3],
      [6 * MiB + 4096, 2 * MiB - 8192, 4],
    ]),
  );
  await writeThrough(host, path, [
    { offset: 0, bytes: new Uint8Array(4096) },
    { offset: 4 * MiB, bytes: new Uint8Array(512) },
  ]);
  return readVirtual(host, path, 0, size);
}
