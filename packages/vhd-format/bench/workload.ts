/**
 * The bench's images: a fully allocated dynamic image, a half-allocated dynamic base, a depth-1
 * child and a depth-8 chain over it, each with a raw file holding the same virtual bytes (for the
 * baseline and to verify reads).
 */
import { copyFile, open, readdir } from 'node:fs/promises';
import { fillSeeded, type Write } from '../src/interop/__fixtures__/content.js';
import {
  createBaseImage,
  createChildImage,
  writeImage,
} from '../src/interop/__fixtures__/images.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';

/** Block size of every bench image (the VHD default). */
export const BLOCK = 2 * 2 ** 20;

/** The files one scenario reads: the image's top layer and the raw twin of its content. */
export interface Scenario {
  readonly name: string;
  readonly image: string;
  readonly raw: string;
  readonly depth: number;
}

/** All bench images. */
export interface Workload {
  readonly virtualSize: number;
  /** Every block written: the image holds every byte the raw file holds. */
  readonly full: Scenario;
  readonly base: Scenario;
  readonly child: Scenario;
  readonly chain8: Scenario;
}

function blockWrite(block: number, start: number, length: number, seed: number): Write {
  return { offset: block * BLOCK + start, bytes: fillSeeded(new Uint8Array(length), seed) };
}

/** Writes `writes` into the raw file at `path` at the same offsets. */
async function writeRaw(path: string, writes: readonly Write[]): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    for (const w of writes) await handle.write(w.bytes, 0, w.bytes.length, w.offset);
  } finally {
    await handle.close();
  }
}

/** A raw file of `size` bytes, every byte written (zeros included), so reads hit the page cache. */
async function zeroRaw(path: string, size: number): Promise<void> {
  const handle = await open(path, 'wx');
  const zeros = new Uint8Array(2 ** 20);
  try {
    for (let p = 0; p < size; p += zeros.length) {
      await handle.write(zeros, 0, Math.min(zeros.length, size - p), p);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Flushes every file in `dir` to disk, so write-back of the freshly built workload does not run
 * during the timed reads (the pages stay cached).
 */
async function syncFolder(dir: TempDir): Promise<void> {
  for (const name of await readdir(dir.path)) {
    const handle = await open(dir.file(name), 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/**
 * Builds the workload in `dir`:
 * - full: dynamic, `virtualSize`, every block written (the same bytes as its raw twin, so reading
 *   the two is the same work);
 * - base: dynamic, `virtualSize`, every even block written whole (half allocated);
 * - child: depth-1 differencing over base; whole blocks 1, 5, 9, ... and a 64 KiB write in
 *   blocks 2, 6, 10, ... (partly written child blocks over allocated parent blocks);
 * - chain8: eight differencing layers over base; layer k writes whole blocks 4k-1 (mod 32) and
 *   64 KiB at 128 KiB * k in blocks 4k-2 (mod 32), so most reads walk all eight layers.
 */
export async function buildWorkload(dir: TempDir, virtualSize: number): Promise<Workload> {
  const blocks = Math.ceil(virtualSize / BLOCK);
  const full: Scenario = {
    name: 'fully allocated dynamic',
    image: dir.file('full.vhd'),
    raw: dir.file('full.raw'),
    depth: 0,
  };
  await createBaseImage(full.image, { type: 'dynamic', sizeBytes: virtualSize });
  const fullWrites: Write[] = [];
  for (let b = 0; b < blocks; b++) fullWrites.push(blockWrite(b, 0, BLOCK, 4000 + b));
  await writeImage(full.image, fullWrites);
  await zeroRaw(full.raw, virtualSize);
  await writeRaw(full.raw, fullWrites);

  const base: Scenario = {
    name: 'dynamic',
    image: dir.file('base.vhd'),
    raw: dir.file('base.raw'),
    depth: 0,
  };
  await createBaseImage(base.image, { type: 'dynamic', sizeBytes: virtualSize });
  const baseWrites: Write[] = [];
  for (let b = 0; b < blocks; b += 2) baseWrites.push(blockWrite(b, 0, BLOCK, 1000 + b));
  await writeImage(base.image, baseWrites);
  await zeroRaw(base.raw, virtualSize);
  await writeRaw(base.raw, baseWrites);

  const child: Scenario = {
    name: 'depth-1 child',
    image: dir.file('child.vhd'),
    raw: dir.file('child.raw'),
    depth: 1,
  };
  await createChildImage(child.image, base.image);
  const childWrites: Write[] = [];
  for (let b = 1; b < blocks; b += 4) childWrites.push(blockWrite(b, 0, BLOCK, 2000 + b));
  for (let b = 2; b < blocks; b += 4) childWrites.push(blockWrite(b, 100 * 1024, 65536, 3000 + b));
  await writeImage(child.image, childWrites);
  await copyFile(base.raw, child.raw);
  await writeRaw(child.raw, childWrites);

  let parent = base.image;
  const chainRaw = dir.file('chain8.raw');
  await copyFile(base.raw, chainRaw);
  for (let k = 1; k <= 8; k++) {
    const layer = dir.file(`chain-${k}.vhd`);
    await createChildImage(layer, parent);
    const writes: Write[] = [];
    for (let b = 4 * k - 1; b < blocks; b += 32)
      writes.push(blockWrite(b, 0, BLOCK, k * 10000 + b));
    for (let b = 4 * k - 2; b < blocks; b += 32)
      writes.push(blockWrite(b, 128 * 1024 * k, 65536, k * 20000 + b));
    await writeImage(layer, writes);
    await writeRaw(chainRaw, writes);
    parent = layer;
  }
  const chain8: Scenario = { name: 'depth-8 chain', image: parent, raw: chainRaw, depth: 8 };
  await syncFolder(dir);
  return { virtualSize, full, base, child, chain8 };
}
