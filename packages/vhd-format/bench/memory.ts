/** Peak memory while reading a sparse region of a small and of a 2040 GiB chain. */

import { BAT_CACHE_BYTES } from '../src/engine/bat-page-cache.js';
import { MAX_VIRTUAL_SIZE } from '../src/index.js';
import { seededBytes } from '../src/interop/__fixtures__/content.js';
import {
  createBaseImage,
  createChildImage,
  openChainAt,
  writeImage,
} from '../src/interop/__fixtures__/images.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';
import type { Goal, Row } from './report.js';
import { type MemoryPeak, MemorySampler, settleMemory, timeOnce } from './timing.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const BLOCK = 2 * MiB;
const REGION = 256 * MiB;

/**
 * A dynamic parent of `size` with one block written near the end, a child with one block written
 * before it; then the chain is opened and REGION bytes of its sparse middle are read in `chunk`
 * pieces, sampling memory after every read.
 */
async function peakWhileReading(
  dir: TempDir,
  name: string,
  size: number,
  chunk: number,
): Promise<{ peak: MemoryPeak; retained: MemoryPeak; ms: number }> {
  const parent = dir.file(`${name}-parent.vhd`);
  const child = dir.file(`${name}-child.vhd`);
  await createBaseImage(parent, { type: 'dynamic', sizeBytes: size });
  await writeImage(parent, [{ offset: size - 2 * BLOCK, bytes: seededBytes(BLOCK, 1) }]);
  await createChildImage(child, parent);
  await writeImage(child, [{ offset: size - 4 * BLOCK, bytes: seededBytes(BLOCK, 2) }]);
  const buffer = new Uint8Array(chunk);
  const start = Math.floor(size / 2 / BLOCK) * BLOCK - REGION / 2;
  await settleMemory();
  const sampler = new MemorySampler();
  let retained: MemoryPeak | undefined;
  const ms = await timeOnce(async () => {
    const chain = await openChainAt(child);
    sampler.sample();
    await settleMemory();
    retained = sampler.retained();
    for (let offset = start; offset < start + REGION; offset += chunk) {
      await chain.read(buffer, offset);
      sampler.sample();
    }
    await chain.close();
  });
  return { peak: sampler.peak(), retained: retained!, ms };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/**
 * Memory rows and the bounded-memory goal: the 2040 GiB chain may use more than the 1 GiB chain
 * only by the BAT page budget of a chain (`BAT_CACHE_BYTES`) plus 16 MiB of slack.
 */
export async function measureMemory(
  dir: TempDir,
  chunk: number,
): Promise<{ rows: Row[]; goal: Goal }> {
  const small = await peakWhileReading(dir, 'mem-1g', GiB, chunk);
  const large = await peakWhileReading(dir, 'mem-2040g', MAX_VIRTUAL_SIZE, chunk);
  const row = (label: string, m: Awaited<ReturnType<typeof peakWhileReading>>): Row => ({
    group: 'memory',
    operation: `ours: open a depth-1 ${label} chain, read 256 MiB of its sparse middle`,
    ms: m.ms,
    note: `held open: arrayBuffers +${mib(m.retained.arrayBuffersDelta)}; peak: rss +${mib(m.peak.rssDelta)}, arrayBuffers +${mib(m.peak.arrayBuffersDelta)}`,
  });
  const batBytes = BAT_CACHE_BYTES;
  const allowed = small.peak.arrayBuffersDelta + batBytes + 16 * MiB;
  return {
    rows: [row('1 GiB', small), row('2040 GiB', large)],
    goal: {
      goal: 'reading a 2040 GiB chain takes memory independent of its size (beyond the BAT page budget)',
      measured: `arrayBuffers +${mib(large.peak.arrayBuffersDelta)} vs +${mib(small.peak.arrayBuffersDelta)} at 1 GiB (BAT page budget: ${mib(batBytes)})`,
      pass: large.peak.arrayBuffersDelta <= allowed,
    },
  };
}
