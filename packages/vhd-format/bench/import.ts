/**
 * The import bench: a raw file of half zeros (every other 2 MiB block written with data, the
 * others with zeros) made a dynamic VHD by `convertDisk(await rawDisk(file), ...)`, in-process,
 * against node doing the least the same work needs (`readSync` of the whole file in 2 MiB
 * pieces, `writeSync` of the non-zero half; it knows where the zeros are, so it checks nothing)
 * and against `qemu-img convert -f raw -O vpc` (a whole process: its start-up is in its time, so
 * the CLI bench, packages/cli/bench, compares whole processes on both sides). The default zero
 * scan and the CLI's (`isAllZero` on `Buffer.compare`) each have a row. Interleaved rounds,
 * medians; input and outputs on tmpfs (`/dev/shm` where there is one, as in the CLI bench: no
 * write-back of earlier rounds lands in a later one), outputs removed before each run, no sync.
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { openNodeFile } from '@vskit/host-node';
import { convertDisk, rawDisk, type ZeroTest } from '../src/index.js';
import { seededBytes } from '../src/interop/__fixtures__/content.js';
import type { Peers } from '../src/interop/__fixtures__/peers.js';
import { runChecked } from '../src/interop/__fixtures__/run.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';
import type { Row } from './report.js';
import { median, mibPerSecond, timeOnce } from './timing.js';

const MiB = 2 ** 20;
const PIECE = 2 * MiB;
const ROUNDS = Number(process.env.VSKIT_BENCH_IMPORT_ROUNDS ?? 9);

/** Zeros {@link memcmpZeroTest} compares against. */
const ZEROS = Buffer.alloc(64 * 1024);

/** The zero test the CLI gives `convertDisk`: `Buffer.compare` (memcmp) against zeros. */
const memcmpZeroTest: ZeroTest = (bytes, start, end) => {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  for (let at = 0; at < view.length; at += ZEROS.length) {
    const n = Math.min(ZEROS.length, view.length - at);
    if (view.compare(ZEROS, 0, n, at, at + n) !== 0) return false;
  }
  return true;
};

/** Every even 2 MiB block seeded bytes, every odd one zeros written (not a hole). */
function halfZeroRaw(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const zeros = new Uint8Array(PIECE);
  try {
    for (let at = 0, block = 0; at < size; at += PIECE, block++) {
      writeSync(fd, block % 2 === 0 ? seededBytes(PIECE, block + 1) : zeros, 0, PIECE, at);
    }
  } finally {
    closeSync(fd);
  }
}

/** Import of a half-zero raw file: ours (both I/O modes), node's floor, qemu-img. */
export async function measureImport(dir: TempDir, size: number, peers: Peers): Promise<Row[]> {
  const folder = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/vskit-import-') : dir.path;
  try {
    return await measureIn((name) => join(folder, name), size, peers);
  } finally {
    if (folder !== dir.path) rmSync(folder, { recursive: true, force: true });
  }
}

async function measureIn(
  file: (name: string) => string,
  size: number,
  peers: Peers,
): Promise<Row[]> {
  const raw = file('import-half.raw');
  halfZeroRaw(raw, size);
  const out = file('import-out.vhd');
  const floorOut = file('import-floor.bin');
  const piece = new Uint8Array(PIECE);
  const ours = (io: 'sync' | 'default', isAllZero?: ZeroTest) => async () => {
    const options = io === 'sync' ? { io: 'sync' as const } : {};
    const source = await openNodeFile(raw, 'read', options);
    const target = await openNodeFile(out, 'createNew', options);
    try {
      await convertDisk(await rawDisk(source), target, {
        type: 'dynamic',
        ...(isAllZero === undefined ? {} : { isAllZero }),
      });
    } finally {
      await source.close();
      await target.close();
    }
  };
  const floor = () => {
    const from = openSync(raw, 'r');
    const to = openSync(floorOut, 'wx');
    try {
      for (let at = 0, block = 0; at < size; at += PIECE, block++) {
        readSync(from, piece, 0, PIECE, at);
        if (block % 2 === 0) writeSync(to, piece, 0, PIECE, at / 2);
      }
    } finally {
      closeSync(from);
      closeSync(to);
    }
  };
  const cases: Array<{ id: string; run: () => unknown; out: string }> = [
    { id: 'floor', run: floor, out: floorOut },
    { id: 'default', run: ours('default'), out },
    { id: 'sync', run: ours('sync'), out },
    { id: 'memcmp', run: ours('default', memcmpZeroTest), out },
  ];
  if (peers.qemu.found) {
    cases.push({
      id: 'qemu',
      run: () => runChecked(peers.qemuImg, ['convert', '-f', 'raw', '-O', 'vpc', raw, out]),
      out,
    });
  }
  const times = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  const sizes = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, so no case always follows the same neighbour.
    const order = cases.map((_, i) => cases[(i + round) % cases.length]!);
    for (const c of order) {
      rmSync(c.out, { force: true });
      times.get(c.id)!.push(await timeOnce(c.run));
      sizes.set(c.id, statSync(c.out).size);
    }
  }
  rmSync(out, { force: true });
  rmSync(floorOut, { force: true });
  rmSync(raw, { force: true });
  const ms = (id: string) => median(times.get(id)!);
  const floorMs = ms('floor');
  const row = (id: string, operation: string, note: string): Row => ({
    group: 'import',
    operation,
    ms: ms(id),
    mibPerSecond: mibPerSecond(size, ms(id)),
    note: `${(ms(id) / floorMs).toFixed(2)}x node's floor; ${note}; ${size / MiB} MiB raw file, median of ${ROUNDS}`,
  });
  const rows: Row[] = [
    row(
      'floor',
      'node: readSync of the raw file + writeSync of its non-zero half, 2 MiB',
      'floor: no zero check, no image',
    ),
    row(
      'default',
      'ours: convertDisk(rawDisk) to dynamic, default non-blocking I/O',
      `${sizes.get('default')} bytes out`,
    ),
    row(
      'sync',
      "ours: convertDisk(rawDisk) to dynamic, io: 'sync'",
      `${sizes.get('sync')} bytes out`,
    ),
    row(
      'memcmp',
      'ours: convertDisk(rawDisk) to dynamic, default I/O, isAllZero on Buffer.compare (as the CLI)',
      `${sizes.get('memcmp')} bytes out`,
    ),
  ];
  if (times.has('qemu')) {
    rows.push(
      row(
        'qemu',
        'qemu-img convert -f raw -O vpc (whole process)',
        `${sizes.get('qemu')} bytes out; ours (default I/O, in-process) ${(ms('default') / ms('qemu')).toFixed(2)}x of it`,
      ),
    );
  }
  return rows;
}
