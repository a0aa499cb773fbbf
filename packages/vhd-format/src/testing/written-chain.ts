/**
 * Random chains for the disk operations' properties: one to four layers over a small disk, each
 * written while it was the top (random partial writes, zero writes included), with the byte
 * model of what the chain reads.
 * @module
 */
import fc from 'fast-check';
import type { VhdChain } from '../image/chain.js';
import type { memoryFile } from '../io.js';
import { arbWrite } from './arbitraries.js';
import { baseImage, childImage, MemoryImages, shared } from './images.js';

/** What {@link writeChain} builds. */
export interface ChainPlan {
  /** The bottom layer's kind. */
  base: 'dynamic' | 'fixed';
  /** Block size of the dynamic layers. */
  blockSize: number;
  /** Virtual size in bytes. */
  size: number;
  /** Writes per layer, bottom first (1 to 4 layers). */
  layers: Array<Array<{ offset: number; data: Uint8Array }>>;
}

/** Plans of one to four layers (`minDepth` at least) over a disk of 16 blocks of 4 or 8 KiB. */
export function arbChainPlan(minDepth = 1): fc.Arbitrary<ChainPlan> {
  return fc
    .record({
      base: fc.constantFrom('dynamic' as const, 'fixed' as const),
      blockSize: fc.constantFrom(4096, 8192),
      depth: fc.integer({ min: minDepth, max: 4 }),
    })
    .chain(({ base, blockSize, depth }) => {
      const size = 16 * blockSize;
      return fc.record({
        base: fc.constant(base),
        blockSize: fc.constant(blockSize),
        size: fc.constant(size),
        layers: fc.array(fc.array(arbWrite(size, 3 * blockSize), { maxLength: 6 }), {
          minLength: depth,
          maxLength: depth,
        }),
      });
    });
}

/** A chain written as planned, in memory. */
export interface WrittenChain {
  /** The images, found by UUID. */
  images: MemoryImages;
  /** The layers' files, bottom first. */
  files: Array<ReturnType<typeof memoryFile>>;
  /** What the whole chain reads. */
  model: Uint8Array;
  /** Opens the chain whose top is layer `index` (default the top). */
  open(index?: number, writable?: boolean): Promise<VhdChain>;
}

/** Builds `plan`: each layer created over the one below and written while it is the top. */
export async function writeChain(plan: ChainPlan): Promise<WrittenChain> {
  const images = new MemoryImages();
  const files: Array<ReturnType<typeof memoryFile>> = [];
  const model = new Uint8Array(plan.size);
  for (const [i, writes] of plan.layers.entries()) {
    const file =
      i === 0
        ? await baseImage(plan.base, plan.size, plan.blockSize, 1)
        : await childImage(files[i - 1]!, i + 1);
    files.push(file);
    await images.add(file);
    const chain = await images.open(file, true);
    for (const w of writes) {
      await chain.write(w.data, w.offset);
      model.set(w.data, w.offset);
    }
    await chain.close();
  }
  return {
    images,
    files,
    model,
    open: (index = files.length - 1, writable = false) =>
      images.open(shared(files[index]!), writable),
  };
}

/** Everything `chain` reads. */
export async function readWhole(chain: VhdChain): Promise<Uint8Array> {
  const out = new Uint8Array(chain.virtualSize);
  await chain.read(out, 0);
  return out;
}
