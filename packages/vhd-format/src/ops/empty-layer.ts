/**
 * Emptying a differencing layer whose sectors the layers below now hold (a merge's last step):
 * its BAT entries cleared, then its file cut after its metadata, in an order that keeps the
 * layer valid and reading through to its parent at every point a power cut can hit.
 * @module
 */
import { FOOTER_SIZE, SECTOR_SIZE } from '../constants.js';
import { entryOf } from '../engine/block-table.js';
import type { VhdLayer } from '../image/layer.js';
import { encodeFooter } from '../structs/footer.js';
import { metadataExtents } from '../validate/extents.js';

const UNUSED_WORD = 0xffffffff;
/**
 * Clean BAT sectors (every entry already unused, all 0xFF bytes) a clearing write may span to
 * join two runs of sectors it clears: rewriting them changes no byte.
 */
const JOIN_GAP_SECTORS = 8;

/**
 * Empties `layer` (dynamic or differencing, writable). In this order:
 * 1. every BAT sector that holds an allocated entry is rewritten with those entries unused, in
 *    one write per run of such sectors (runs a few clean sectors apart joined: those are all
 *    0xFF already). A sector reaches the disk whole or not at all, a torn write keeps whole
 *    leading sectors, and each cleared entry alone leaves the layer valid; then a sync;
 * 2. when no metadata lies past the first block: the footer written where that block began, a
 *    sync, the file truncated just after it. Until the truncation the old trailing footer is
 *    still the file's last 512 bytes, so the file opens at every step; a truncation the disk
 *    loses leaves the file long, still ending in a valid footer (no sync is needed after it).
 *
 * Returns the number of entries cleared. The layer's caches are stale afterwards: close it.
 */
export async function emptyLayer(layer: VhdLayer): Promise<number> {
  const header = layer.header!;
  const table = layer.table!;
  const file = layer.file;
  const tableStart = header.tableOffset;
  const tableEnd = tableStart + header.maxTableEntries * 4;
  const sectors: number[] = [];
  let cleared = 0;
  let firstBlock = Number.POSITIVE_INFINITY;
  await table.forEachChunk((first, words) => {
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      if (w === UNUSED_WORD) continue;
      cleared++;
      firstBlock = Math.min(firstBlock, entryOf(w) * SECTOR_SIZE);
      const sector = Math.floor((tableStart + (first + k) * 4) / SECTOR_SIZE);
      if (sectors[sectors.length - 1] !== sector) sectors.push(sector);
    }
  });
  if (cleared === 0) return 0;
  const runs = sectorRuns(sectors);
  const longest = runs.reduce((most, [first, last]) => Math.max(most, last - first + 1), 0);
  const unused = new Uint8Array(longest * SECTOR_SIZE).fill(0xff);
  for (const [first, last] of runs) {
    const from = Math.max(tableStart, first * SECTOR_SIZE);
    const to = Math.min(tableEnd, (last + 1) * SECTOR_SIZE);
    await file.write(unused.subarray(0, to - from), from);
  }
  await file.sync();
  const fileSize = await file.size();
  const metadataEnd = Math.max(
    ...metadataExtents(layer.footer.dataOffset, header, layer.footerPosition, fileSize, true)
      .filter((e) => e.what !== 'footer')
      .map((e) => e.end),
  );
  if (firstBlock >= metadataEnd && firstBlock < layer.footerPosition) {
    await file.write(encodeFooter(layer.footer), firstBlock);
    await file.sync();
    await file.truncate(firstBlock + FOOTER_SIZE);
  }
  return cleared;
}

/** Ascending sector numbers as runs `[first, last]`, joining runs at most a short gap apart. */
function sectorRuns(sectors: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const sector of sectors) {
    const run = runs[runs.length - 1];
    if (run && sector - run[1] <= JOIN_GAP_SECTORS + 1) run[1] = sector;
    else runs.push([sector, sector]);
  }
  return runs;
}
