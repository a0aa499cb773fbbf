/** Creation at the largest size: an empty 2040 GiB dynamic image and a child of a 2040 GiB parent. */
import { open, stat, unlink } from 'node:fs/promises';
import { openNodeFile } from '@vskit/host-node';
import {
  createDifferencing,
  createDynamic,
  MAX_VIRTUAL_SIZE,
  openImage,
  type ParentDescription,
  type RandomAccessFile,
} from '../src/index.js';
import type { Peers } from '../src/interop/__fixtures__/peers.js';
import { runChecked } from '../src/interop/__fixtures__/run.js';
import type { TempDir } from '../src/interop/__fixtures__/temp-dir.js';
import type { Goal, Row } from './report.js';
import { median, timeRuns } from './timing.js';

const RUNS = 41;
const WARMUP = 3;

/** Median and best of a run of timings, and the size of the file made. */
interface CreateTiming {
  readonly median: number;
  readonly min: number;
  readonly whole: number;
  readonly fileSize: number;
}

/**
 * Times `create(file)` alone on a new file at `path` (opening and closing untimed), and the
 * whole of open + create + close, `RUNS` times each after `WARMUP` untimed runs.
 */
async function timeCreate(
  path: string,
  create: (file: RandomAccessFile) => Promise<void>,
): Promise<CreateTiming> {
  let file: RandomAccessFile | undefined;
  const reset = async () => {
    if (file) await file.close();
    file = undefined;
    await unlink(path).catch(() => undefined);
  };
  const call = await timeRuns(
    RUNS,
    () => create(file!),
    async () => {
      await reset();
      file = await openNodeFile(path, 'createNew');
    },
    WARMUP,
  );
  const fileSize = await file!.size();
  await reset();
  const whole = await timeRuns(
    RUNS,
    async () => {
      const f = await openNodeFile(path, 'createNew');
      await create(f);
      await f.close();
    },
    reset,
    WARMUP,
  );
  await reset();
  return { median: median(call), min: Math.min(...call), whole: median(whole), fileSize };
}

/** The raw floor: one `FileHandle.write` of `size` bytes into a new file (open/close untimed). */
async function timeRawWrite(path: string, size: number): Promise<{ median: number; min: number }> {
  const bytes = new Uint8Array(size).fill(0xff);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  const times = await timeRuns(
    RUNS,
    () => handle!.write(bytes, 0, size, 0),
    async () => {
      await handle?.close();
      await unlink(path).catch(() => undefined);
      handle = await open(path, 'wx');
    },
    WARMUP,
  );
  await handle?.close();
  await unlink(path).catch(() => undefined);
  return { median: median(times), min: Math.min(...times) };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB file`;

/** Creation rows and the two creation goals. */
export async function measureCreate(
  dir: TempDir,
  peers: Peers,
): Promise<{ rows: Row[]; goals: Goal[] }> {
  const rows: Row[] = [];
  const dynamic = await timeCreate(dir.file('empty-2040.vhd'), (f) =>
    createDynamic(f, { sizeBytes: MAX_VIRTUAL_SIZE }),
  );
  const rawDynamic = await timeRawWrite(dir.file('raw-create.bin'), dynamic.fileSize);
  rows.push({
    group: 'create',
    operation: 'raw: one FileHandle.write of the same file size into a new file',
    ms: rawDynamic.median,
    note: `${kib(dynamic.fileSize)}; min ${rawDynamic.min.toFixed(2)} ms`,
  });
  rows.push({
    group: 'create',
    operation: 'ours: empty 2040 GiB dynamic, createDynamic call',
    ms: dynamic.median,
    note: `${kib(dynamic.fileSize)}; min ${dynamic.min.toFixed(2)} ms`,
  });
  rows.push({ group: 'create', operation: 'ours: same, open + create + close', ms: dynamic.whole });

  const parentPath = dir.file('parent-2040.vhd');
  const parentFile = await openNodeFile(parentPath, 'createNew');
  await createDynamic(parentFile, { sizeBytes: MAX_VIRTUAL_SIZE });
  await parentFile.close();
  const opened = await openImage(await openNodeFile(parentPath, 'read'));
  const parent: ParentDescription = {
    footer: opened.footer,
    blockSizeBytes: opened.header?.blockSize ?? 2 * 2 ** 20,
    modified: (await stat(parentPath)).mtime,
    unicodeName: 'parent-2040.vhd',
    absolutePath: 'C:\\vskit\\parent-2040.vhd',
    relativePath: '.\\parent-2040.vhd',
  };
  await opened.close();
  const child = await timeCreate(dir.file('child-2040.vhd'), (f) =>
    createDifferencing(f, { parent }),
  );
  rows.push({
    group: 'create',
    operation: 'ours: differencing child of a 2040 GiB parent, createDifferencing call',
    ms: child.median,
    note: `${kib(child.fileSize)}; min ${child.min.toFixed(2)} ms`,
  });
  rows.push({ group: 'create', operation: 'ours: same, open + create + close', ms: child.whole });

  if (peers.qemu.found) {
    const out = dir.file('qemu-2040.vhd');
    const ms = median(
      await timeRuns(
        5,
        () =>
          runChecked(peers.qemuImg, [
            'create',
            '-q',
            '-f',
            'vpc',
            '-o',
            'subformat=dynamic',
            out,
            '2040G',
          ]),
        () => unlink(out).catch(() => undefined),
      ),
    );
    await unlink(out).catch(() => undefined);
    rows.push({ group: 'create', operation: 'qemu-img create 2040G dynamic (whole process)', ms });
  }
  const goals: Goal[] = [
    {
      goal: 'empty 2040 GiB dynamic image created in < 10 ms',
      measured: `${dynamic.median.toFixed(2)} ms (median of ${RUNS})`,
      pass: dynamic.median < 10,
    },
    {
      goal: 'differencing child of a 2040 GiB parent created in < 2 ms',
      measured: `${child.median.toFixed(2)} ms (median of ${RUNS}; raw write of a same-size file: ${rawDynamic.median.toFixed(2)} ms)`,
      pass: child.median < 2,
    },
  ];
  return { rows, goals };
}
