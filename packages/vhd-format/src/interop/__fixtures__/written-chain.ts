/** A chain of our images on real files, written layer by layer, and the bytes it should read. */
import { applyWrites, type Write } from './content.js';
import { type BaseImageSpec, createBaseImage, createChildImage, writeImage } from './images.js';

/** The layers (top first, base last) and what the chain from the top reads. */
export interface WrittenChain {
  readonly paths: string[];
  readonly model: Uint8Array;
}

/**
 * Creates `base` at `file(`${name}-l0.vhd`)` and `depth` differencing layers over it
 * (`${name}-l1.vhd`, ...), writing `writes(k, size)` into layer `k` (the base is layer 0) just
 * after creating it. `base` must be of its exact size (no `roundUpToChs`).
 */
export async function writeChainAt(
  file: (name: string) => string,
  name: string,
  o: {
    readonly base: BaseImageSpec;
    readonly depth: number;
    readonly writes: (k: number, size: number) => Write[];
  },
): Promise<WrittenChain> {
  const size = o.base.sizeBytes;
  const paths = [file(`${name}-l0.vhd`)];
  await createBaseImage(paths[0]!, o.base);
  const model = new Uint8Array(size);
  for (let k = 0; k <= o.depth; k++) {
    if (k > 0) {
      const layer = file(`${name}-l${k}.vhd`);
      await createChildImage(layer, paths[0]!);
      paths.unshift(layer);
    }
    const writes = o.writes(k, size);
    await writeImage(paths[0]!, writes);
    applyWrites(model, writes);
  }
  return { paths, model };
}
