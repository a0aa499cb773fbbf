/**
 * The images and inputs the CLI bench runs on, made through the public API of vhd-format and
 * host-node (and `vskit create diff` for children, so their locators are the CLI's own):
 * - `flat`: a 1 GiB dynamic disk, every other 2 MiB block written (half allocated);
 * - `chain8`: eight differencing layers over `flat`, each holding 1/32 of the blocks whole and
 *   64 KiB of another 1/32, so most reads walk all eight layers;
 * - `chain8Flat`: one dynamic disk holding what `chain8` reads (the same blocks allocated), so
 *   reading the two compares the same work at depth 8 and depth 0 (`flat`, the layers and
 *   `chain8Flat` are then written again side by side, so both read memory of the same speed);
 * - `huge`: a 2040 GiB dynamic disk holding two blocks (for memory against the virtual size);
 * - `small`: an empty 8 MiB dynamic disk (for start-up);
 * - `input`: 512 MiB of seeded bytes with no zero piece (what `write` and `qemu-io` write);
 * - `halfRaw`: the raw bytes of `flat`, every byte written (its zeros too): what an import reads.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openNodeFile } from '@vskit/host-node/file';
import { createDynamic, MAX_VIRTUAL_SIZE } from '@vskit/vhd-format';
import { openChainAt } from '../src/chain.js';
import { placeSideBySide } from './placement.js';

const MiB = 2 ** 20;
/** Block size of the bench images (the VHD default). */
export const BLOCK = 2 * MiB;

/** Paths of every bench file. */
export interface Workload {
  readonly flat: string;
  readonly chain8: string;
  readonly chain8Flat: string;
  readonly huge: string;
  readonly small: string;
  readonly input: string;
  /** The raw twin of `flat`, zeros written: the import's input. */
  readonly halfRaw: string;
  /** Bytes of `input`. */
  readonly inputBytes: number;
  /** Virtual size of `flat` and `chain8`. */
  readonly virtualSize: number;
  /** What the eight layers of `chain8` hold over `flat`, bottom layer first. */
  readonly chainWrites: readonly Write[];
}

/** Seeded bytes with no zero byte, so no piece of them is all zeros. */
export function seeded(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = (x & 0xff) | 1;
  }
  return bytes;
}

/** A piece of data at a virtual offset. */
export interface Write {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** Writes `writes` into the top of the chain at `path`, each cut at the end of the disk. */
async function writeInto(path: string, writes: readonly Write[]): Promise<void> {
  const { chain } = await openChainAt(path, { writable: true, io: 'sync' });
  try {
    for (const w of writes) {
      const room = chain.virtualSize - w.offset;
      if (room > 0)
        await chain.write(w.bytes.subarray(0, Math.min(room, w.bytes.length)), w.offset);
    }
  } finally {
    await chain.close();
  }
}

async function createDynamicFile(path: string, sizeBytes: number): Promise<void> {
  const file = await openNodeFile(path, 'createNew');
  try {
    await createDynamic(file, { sizeBytes });
  } finally {
    await file.close();
  }
}

/**
 * Writes the raw bytes of `flat` to `path`: `block` in every even block of {@link BLOCK} bytes,
 * zeros written in every odd one (a file with no holes, as a raw disk usually is), `size` bytes.
 */
function writeRawTwin(path: string, size: number, block: Uint8Array): void {
  const zeros = new Uint8Array(BLOCK);
  const fd = openSync(path, 'wx');
  try {
    for (let at = 0, b = 0; at < size; at += BLOCK, b++) {
      const n = Math.min(BLOCK, size - at);
      writeSync(fd, b % 2 === 0 ? block : zeros, 0, n, at);
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs the CLI (untimed setup). */
function vskit(bin: string, args: readonly string[]): void {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vskit ${args.join(' ')} failed: ${result.stderr}`);
}

/** Builds the workload in `dir` with the CLI at `bin`. */
export async function buildWorkload(
  dir: string,
  bin: string,
  virtualSize: number,
): Promise<Workload> {
  const blocks = Math.ceil(virtualSize / BLOCK);
  const block = seeded(BLOCK, 7);
  const flat = join(dir, 'flat.vhd');
  await createDynamicFile(flat, virtualSize);
  const flatWrites: Write[] = [];
  for (let b = 0; b < blocks; b += 2) flatWrites.push({ offset: b * BLOCK, bytes: block });
  await writeInto(flat, flatWrites);

  let parent = flat;
  const layers: string[] = [];
  const chainWrites: Write[] = [];
  const piece = seeded(64 * 1024, 9);
  for (let k = 1; k <= 8; k++) {
    const layer = join(dir, `chain-${k}.vhd`);
    vskit(bin, ['create', 'diff', layer, parent]);
    const writes: Write[] = [];
    for (let b = 4 * k - 1; b < blocks; b += 32) writes.push({ offset: b * BLOCK, bytes: block });
    for (let b = 4 * k - 2; b < blocks; b += 32) {
      writes.push({ offset: b * BLOCK + 128 * 1024 * k, bytes: piece });
    }
    await writeInto(layer, writes);
    layers.push(layer);
    chainWrites.push(...writes);
    parent = layer;
  }

  const chain8Flat = join(dir, 'chain-8-flat.vhd');
  await createDynamicFile(chain8Flat, virtualSize);
  await writeInto(chain8Flat, [...flatWrites, ...chainWrites]);
  // The chain and its flat twin read from memory of the same speed (see placement.ts).
  placeSideBySide([flat, ...layers, chain8Flat]);

  const huge = join(dir, 'huge.vhd');
  await createDynamicFile(huge, MAX_VIRTUAL_SIZE);
  await writeInto(huge, [
    { offset: 0, bytes: block },
    { offset: MAX_VIRTUAL_SIZE - BLOCK, bytes: block },
  ]);

  const small = join(dir, 'small.vhd');
  await createDynamicFile(small, 8 * MiB);

  const inputBytes = 512 * MiB;
  const input = join(dir, 'input.bin');
  const inputData = new Uint8Array(inputBytes);
  for (let at = 0; at < inputBytes; at += BLOCK) inputData.set(seeded(BLOCK, 100 + at / BLOCK), at);
  await writeFile(input, inputData);

  const halfRaw = join(dir, 'half.raw');
  writeRawTwin(halfRaw, virtualSize, block);

  return {
    flat,
    halfRaw,
    chain8: parent,
    chain8Flat,
    huge,
    small,
    input,
    inputBytes,
    virtualSize,
    chainWrites,
  };
}

/** The file name of a workload path, for labels. */
export const nameOf = (path: string) => basename(path);
