/**
 * Reads of one image or chain through vskit and the peers, each held against the model of what
 * it should read.
 */
import { expect } from 'vitest';
import { firstDifference } from './content.js';
import { readImage } from './images.js';
import { type PyvhdiRead, pyvhdiReadChain } from './pyvhdi.js';
import { qemuReadAll } from './qemu.js';

/**
 * What qemu-img reads of the image at `path` (via a raw copy at `raw`), and `model` cut to the
 * same length: QEMU presents the CHS capacity of our images, which may differ from the size a
 * little (VHD.md pitfall 16); past the model it must read zeros.
 */
export async function qemuReadsBeside(
  path: string,
  raw: string,
  model: Uint8Array,
): Promise<[Uint8Array, Uint8Array]> {
  const all = await qemuReadAll(path, raw);
  expect(Math.abs(all.length - model.length)).toBeLessThan(64 * 1024);
  expect(all.subarray(model.length).every((b) => b === 0)).toBe(true);
  const n = Math.min(all.length, model.length);
  return [all.subarray(0, n), model.subarray(0, n)];
}

/**
 * Expects the chain `paths` (top first) to read as `model` through vskit and through pyvhdi
 * (via a raw copy at `raw`), with the model's size; returns what pyvhdi read.
 */
export async function expectOursAndPyvhdiRead(
  paths: readonly string[],
  raw: string,
  model: Uint8Array,
): Promise<PyvhdiRead> {
  expect(firstDifference(await readImage(paths[0]!), model)).toBeUndefined();
  const theirs = await pyvhdiReadChain(paths, raw);
  expect(theirs.mediaSize).toBe(model.length);
  expect(firstDifference(theirs.bytes, model)).toBeUndefined();
  return theirs;
}
