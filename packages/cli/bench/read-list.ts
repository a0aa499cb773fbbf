/**
 * The file reads a whole-disk read of a chain comes down to, listed for `read-floor.cjs`: which
 * layer file holds each run of the disk (vhd-format's `mapChainBatches`), cut where `vskit cat`
 * cuts its reads (at every 2 MiB of the disk). Runs of zeros are left out; so are the reads of
 * headers, tables and sector bitmaps: the list is the disk's bytes alone.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { mapChainBatches } from '@vskit/vhd-format';
import { openChainAt } from '../src/chain.js';
import { CAT_CHUNK } from '../src/commands/cat.js';

/** One read: `[file, byte offset in it, bytes]`. */
export type FileRead = readonly [path: string, offset: number, length: number];

/** The reads of the chain whose top is `image` (parents found as `vskit cat` finds them). */
export async function readsOf(image: string): Promise<FileRead[]> {
  const { chain, sources } = await openChainAt(image, { io: 'sync' });
  const paths = sources.map((source) => source.path);
  const reads: FileRead[] = [];
  try {
    for await (const batch of mapChainBatches(chain)) {
      for (const run of batch) {
        if (run.offset === undefined) continue;
        const path = paths[run.depth];
        if (path === undefined) throw new Error(`no path for layer ${run.depth} of ${image}`);
        for (let at = run.start; at < run.start + run.length; ) {
          const end = Math.min(
            run.start + run.length,
            (Math.floor(at / CAT_CHUNK) + 1) * CAT_CHUNK,
          );
          reads.push([path, run.offset + (at - run.start), end - at]);
          at = end;
        }
      }
    }
  } finally {
    await chain.close();
  }
  return reads;
}

/** Writes the reads of `image` to `listPath` as JSON, for `read-floor.cjs`. */
export async function writeReadList(image: string, listPath: string): Promise<void> {
  writeFileSync(listPath, JSON.stringify(await readsOf(image)));
}
