/**
 * Long chains of layers with the longest tables we open (2^24 BAT entries, 64 MiB each): the
 * time and peak memory of opening such a chain (`vskit info`), reading 512 bytes through it
 * (`vskit cat --length 512`) and checking every layer (`vskit check`). Each operation runs in a
 * process of its own, so its peak RSS is its own.
 *
 * Two kinds of table: "holes", whose table bytes were never written (a sparse file: 33 layers
 * take a few hundred KiB on disk; the entries read as zero, every block at sector 0, so a
 * lenient open warns of overlapping blocks and opens read-only), and "unused", written as
 * `createDynamic` writes it (every entry 0xFFFFFFFF, 64 MiB on disk per layer).
 *
 * `VSKIT_BENCH_BAT_LAYERS` sets the number of layers (default 33: a base and 32 parents below
 * the top, the default `maxDepth`).
 */
import { execFileSync } from 'node:child_process';
import { open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDifferencing, createDynamic, memoryFile, openImage } from '../src/index.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';
import { widenTable } from '../src/testing/wide-table.js';
import type { Goal, Row } from './report.js';
import { median } from './timing.js';

const MiB = 2 ** 20;
const KiB = 1024;
const BLOCK = 128 * KiB;
/** The virtual size: 2040 GiB, 16,711,680 blocks of 128 KiB; each table is widened to 2^24. */
const SIZE = 2040 * 2 ** 30;
const TIME_GOAL_MS = 5000;
const MEMORY_GOAL = 256 * MiB;
/** Timed runs of each operation (after one untimed warm-up read); the median is reported. */
const RUNS = 3;

/** What a worker reports for one operation. */
export interface WorkerResult {
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly note: string;
}

/** The kinds of table the chains are built with. */
export type TableKind = 'holes' | 'unused';

/** Writes `image` to a new file at `path` with its table widened to 2^24 entries: holes or 0xFF. */
async function writeLayer(path: string, image: Uint8Array, kind: TableKind): Promise<void> {
  const { head, tableOffset, tableEnd, tail } = widenTable(image);
  const handle = await open(path, 'wx');
  try {
    await handle.truncate(tableEnd + tail.length);
    await handle.write(head, 0, head.length, 0);
    if (kind === 'unused') {
      const ones = new Uint8Array(MiB).fill(0xff);
      for (let at = tableOffset; at < tableEnd; at += MiB) {
        await handle.write(ones, 0, Math.min(MiB, tableEnd - at), at);
      }
    }
    await handle.write(tail, 0, tail.length, tableEnd);
  } finally {
    await handle.close();
  }
}

/**
 * Builds a chain of `layers` layers in `dir` (`<kind>0.vhd`, the base, to `<kind>{layers-1}.vhd`,
 * the top; each child names its parent by file name) and returns the top's path.
 */
export async function buildBatChain(
  dir: TempDir,
  kind: TableKind,
  layers: number,
): Promise<string> {
  const modified = new Date('2026-01-01T00:00:00Z');
  let parentBytes: Uint8Array | undefined;
  let path = '';
  for (let k = 0; k < layers; k++) {
    const file = memoryFile();
    if (parentBytes === undefined) {
      await createDynamic(file, { sizeBytes: SIZE, blockSizeBytes: BLOCK });
    } else {
      const parent = await openImage(memoryFile(parentBytes));
      const name = `${kind}${k - 1}.vhd`;
      await createDifferencing(file, {
        parent: {
          footer: parent.footer,
          blockSizeBytes: BLOCK,
          modified,
          unicodeName: name,
          absolutePath: `C:\\vskit\\${name}`,
          relativePath: `.\\${name}`,
        },
      });
    }
    parentBytes = file.bytes();
    path = dir.file(`${kind}${k}.vhd`);
    await writeLayer(path, parentBytes, kind);
  }
  return path;
}

const worker = join(dirname(fileURLToPath(import.meta.url)), 'bat-chain-worker.ts');

/** Runs `op` on the chain whose top is `top` in a process of its own. */
export function runWorker(op: string, top: string): WorkerResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', worker, op, top], {
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as WorkerResult;
}

/** Disk blocks a file takes (what `du` counts), in bytes. */
function diskBytes(paths: readonly string[]): number {
  const out = execFileSync('du', ['-c', '-B1', ...paths], { encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1)!.split(/\s+/)[0]);
}

/** Rows and goals of the long-chain case. */
export async function measureBatChain(dir: TempDir): Promise<{ rows: Row[]; goals: Goal[] }> {
  const layers = Number(process.env.VSKIT_BENCH_BAT_LAYERS ?? 33);
  const rows: Row[] = [];
  const goals: Goal[] = [];
  const floor = runWorker('none', '');
  rows.push({
    group: 'bat',
    operation: 'a worker process that does nothing (node, tsx and our modules loaded)',
    ms: floor.ms,
    note: `peak RSS ${(floor.maxRssBytes / MiB).toFixed(0)} MiB: the floor of the rows below`,
  });
  for (const kind of ['holes', 'unused'] as const) {
    const top = await buildBatChain(dir, kind, layers);
    const paths = Array.from({ length: layers }, (_, k) => dir.file(`${kind}${k}.vhd`));
    const onDisk = diskBytes(paths);
    // Warm the page cache (a first read of a hole makes the kernel zero its pages), untimed.
    runWorker('read', top);
    for (const [op, label] of [
      ['info', 'open the chain and inspect it (vskit info)'],
      ['read', 'open the chain and read 512 bytes (vskit cat --length 512)'],
      ['check', 'check every layer against its parent (vskit check)'],
    ] as const) {
      const runs = Array.from({ length: RUNS }, () => runWorker(op, top));
      const ms = median(runs.map((r) => r.ms));
      const r = runs.find((x) => x.ms === ms) ?? runs[0]!;
      const peak = Math.max(...runs.map((x) => x.maxRssBytes));
      rows.push({
        group: 'bat',
        operation: `ours: ${layers} layers, 2^24-entry tables (${kind}, ${(onDisk / KiB).toFixed(0)} KiB on disk): ${label}`,
        ms,
        note: `peak RSS ${(peak / MiB).toFixed(0)} MiB (whole process); ${r.note}; median of ${RUNS}`,
      });
      if (kind === 'holes') {
        goals.push({
          goal: `${layers}-layer chain of sparse 2^24-entry tables: ${op} in < 5 s and < 256 MiB`,
          measured: `${(ms / 1000).toFixed(2)} s, peak RSS ${(peak / MiB).toFixed(0)} MiB`,
          pass: ms < TIME_GOAL_MS && peak < MEMORY_GOAL,
        });
      }
    }
    for (const p of paths) await unlink(p);
  }
  return { rows, goals };
}
