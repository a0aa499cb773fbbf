/**
 * The merge bench: a child holding half of a 2 MiB-block disk (every other block whole, and a
 * partly written block every 16) merged into its fully allocated dynamic parent, against raw
 * I/O doing the same work: `readSync` of the moved bytes from the child's file plus `writeSync`
 * of them into the parent's, in 1 MiB pieces, one `fsync` (a merge syncs its target before it
 * touches the child), then the child's file cut to the size the merge leaves it (a merge frees
 * the moved bytes' space: the file system dropping 257 MiB of pages and blocks is most of what
 * emptying costs). The ratio to the copy alone (without the cut) is kept beside it. Every round
 * starts from fresh copies with no dirty pages; the two sides alternate which goes first. Both
 * use blocking calls (`openNodeFile(..., { io: 'sync' })`).
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { openNodeFile } from '@vskit/host-node';
import { merge } from '../src/index.js';
import { seededBytes } from '../src/interop/__fixtures__/content.js';
import {
  createBaseImage,
  createChildImage,
  openChainAt,
  readImage,
} from '../src/interop/__fixtures__/images.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';
import type { Goal, Row } from './report.js';
import { median, mibPerSecond, timeOnce } from './timing.js';

const MiB = 2 ** 20;
const BLOCK = 2 * MiB;
const ROUNDS = Number(process.env.VSKIT_BENCH_MERGE_ROUNDS ?? 9);

/** Writes `bytes` at each offset of `at` into the top layer of the chain at `path`. */
async function fill(path: string, at: readonly number[], bytes: Uint8Array): Promise<void> {
  const chain = await openChainAt(path, { writable: true });
  try {
    for (const offset of at) await chain.write(bytes, offset);
  } finally {
    await chain.close();
  }
}

/** Merge of a half-written child against raw reads and writes of the moved bytes. */
export async function measureMerge(dir: TempDir): Promise<{ rows: Row[]; goals: Goal[] }> {
  const size = Number(process.env.VSKIT_BENCH_MERGE_MIB ?? 512) * MiB;
  const base = dir.file('merge-base.vhd');
  const child = dir.file('merge-child.vhd');
  await createBaseImage(base, { type: 'dynamic', sizeBytes: size });
  const blocks = size / BLOCK;
  await fill(
    base,
    Array.from({ length: size / MiB }, (_, i) => i * MiB),
    seededBytes(MiB, 1),
  );
  await createChildImage(child, base);
  const whole = Array.from({ length: blocks / 2 }, (_, i) => 2 * i * BLOCK);
  await fill(
    child,
    whole.flatMap((b) => [b, b + MiB]),
    seededBytes(MiB, 2),
  );
  const partial = Array.from(
    { length: Math.floor(blocks / 16) },
    (_, i) => (16 * i + 1) * BLOCK + 4096,
  );
  await fill(child, partial, seededBytes(64 * 1024, 3));
  const moved = whole.length * BLOCK + partial.length * 64 * 1024;
  const expected = await readImage(child);

  const workBase = dir.file('merge-work-base.vhd');
  const workChild = dir.file('merge-work-child.vhd');
  const fresh = () => {
    copyFileSync(base, workBase);
    copyFileSync(child, workChild);
    execFileSync('sync');
  };
  const ours: number[] = [];
  const moving: number[] = [];
  const raw: number[] = [];
  const rawCopy: number[] = [];
  const piece = new Uint8Array(MiB);
  // The child's size after a merge, learned in the first round (raw rounds cut to it).
  let emptied = 0;
  const runOurs = async (round: number) => {
    fresh();
    const start = performance.now();
    let lastReport = start;
    ours.push(
      await timeOnce(async () => {
        const result = await merge(
          await openNodeFile(workChild, 'readWrite', { io: 'sync' }),
          await openNodeFile(workBase, 'readWrite', { io: 'sync' }),
          {
            // The last report comes when the emptying starts, the target synced.
            onProgress: () => {
              lastReport = performance.now();
            },
            openParent: async (ref) =>
              openNodeFile(join(dirname(workChild), ref.unicodeName), 'readWrite', { io: 'sync' }),
          },
        );
        if (result.movedBytes !== moved)
          throw new Error(`moved ${result.movedBytes}, not ${moved}`);
      }),
    );
    moving.push(lastReport - start);
    if (round === 0) {
      // The merged parent reads as the child did (checked once, outside the timing).
      const merged = await readImage(workBase);
      if (Buffer.compare(merged, expected) !== 0) throw new Error('the merged parent differs');
      emptied = statSync(workChild).size;
    }
  };
  const runRaw = () => {
    fresh();
    const start = performance.now();
    // The moved bytes' worth: read from the child file, written over the parent's data, synced;
    // then the child's file cut as a merge cuts it.
    const from = openSync(workChild, 'r+');
    const to = openSync(workBase, 'r+');
    try {
      for (let done = 0; done < moved; done += MiB) {
        const n = Math.min(MiB, moved - done);
        readSync(from, piece, 0, n, 4096 + done);
        writeSync(to, piece, 0, n, 4096 + done);
      }
      fsyncSync(to);
      rawCopy.push(performance.now() - start);
      ftruncateSync(from, emptied);
    } finally {
      closeSync(from);
      closeSync(to);
    }
    raw.push(performance.now() - start);
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      await runOurs(round);
      runRaw();
    } else {
      runRaw();
      await runOurs(round);
    }
  }
  const oursMs = median(ours);
  const movingMs = median(moving);
  const rawMs = median(raw);
  const copyMs = median(rawCopy);
  const ratio = oursMs / rawMs;
  const copyRatio = oursMs / copyMs;
  const movingRatio = movingMs / copyMs;
  const rows: Row[] = [
    {
      group: 'merge',
      operation: 'raw: readSync + writeSync of the moved bytes, 1 MiB, one fsync, the source cut',
      ms: rawMs,
      mibPerSecond: mibPerSecond(moved, rawMs),
      note: `baseline: the same work as the merge; ${moved / MiB} MiB moved of a ${size / MiB} MiB disk, the child's file then cut to ${emptied} bytes`,
    },
    {
      group: 'merge',
      operation: 'raw: of which the copy and the fsync (the source left whole)',
      ms: copyMs,
      mibPerSecond: mibPerSecond(moved, copyMs),
      note: 'the moved bytes alone, without freeing their space',
    },
    {
      group: 'merge',
      operation: "ours: merge a half-written child into its parent, io: 'sync'",
      ms: oursMs,
      mibPerSecond: mibPerSecond(moved, oursMs),
      note: `${ratio.toFixed(2)}x the raw time (${copyRatio.toFixed(2)}x the copy alone); median of ${ROUNDS}`,
    },
    {
      group: 'merge',
      operation: 'ours: of which moving the sectors (reads, writes, the target synced)',
      ms: movingMs,
      mibPerSecond: mibPerSecond(moved, movingMs),
      note: `${movingRatio.toFixed(2)}x the raw copy and fsync; the rest is emptying the child, mostly the file system freeing its blocks`,
    },
  ];
  const goals: Goal[] = [
    {
      goal: 'merge at most 1.2x the time of raw pread + pwrite of the moved bytes (same work: synced, the source cut)',
      measured: `${ratio.toFixed(2)}x (${oursMs.toFixed(0)} ms vs ${rawMs.toFixed(0)} ms); against the copy alone ${copyRatio.toFixed(2)}x; moving the sectors alone ${movingRatio.toFixed(2)}x the copy`,
      pass: ratio <= 1.2,
    },
  ];
  return { rows, goals };
}
