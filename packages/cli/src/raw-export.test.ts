import type { HostFile } from '@vskit/host';
import {
  createDifferencing,
  createDynamic,
  type MapRun,
  memoryFile,
  openChain,
  type RandomAccessFile,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_DEPTH,
  EXPORT_GAP,
  EXPORT_SPAN,
  type ExportRead,
  exportRaw,
  exportReads,
  HOLE_GRAIN,
} from './raw-export.js';

/** Single-layer chains only. */
const noParent = async () => {
  throw new Error('no parent here');
};

const BLOCK = 2 * 2 ** 20;

/**
 * A one-layer dynamic disk of `blocks` default blocks, every `every`th one written whole (with
 * non-zero bytes): its blocks' data lie one after the other in the file, a bitmap between each.
 */
async function writtenDisk(blocks: number, every = 1) {
  const base = memoryFile();
  await createDynamic(base, { sizeBytes: blocks * BLOCK });
  const chain = await openChain(base, { openParent: noParent, writable: true });
  for (let b = 0; b < blocks; b += every) {
    await chain.write(new Uint8Array(BLOCK).fill(b + 1), b * BLOCK);
  }
  return { base, chain };
}

/**
 * A target file whose writes stay under way until the test ends them: `pending` lists them in
 * the order they started, `busiest` is the most ever under way at once.
 */
function heldWrites() {
  const pending: Array<{ position: number; resolve: () => void; reject: (e: unknown) => void }> =
    [];
  const state = { started: 0, busiest: 0, truncated: false };
  const file = {
    write(_buffer: Uint8Array, position: number) {
      state.started++;
      return new Promise<void>((resolve, reject) => {
        const entry = {
          position,
          resolve: () => {
            pending.splice(pending.indexOf(entry), 1);
            resolve();
          },
          reject: (e: unknown) => {
            pending.splice(pending.indexOf(entry), 1);
            reject(e);
          },
        };
        pending.push(entry);
        state.busiest = Math.max(state.busiest, pending.length);
      });
    },
    async truncate() {
      state.truncated = true;
    },
  } as unknown as HostFile;
  return { file, pending, state };
}

/** Lets every queued callback and promise reaction run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A file that records its writes and its final size, holding the bytes written. */
function recordingFile(size: number) {
  const bytes = new Uint8Array(size);
  const writes: Array<[number, number]> = [];
  let length = 0;
  const file = {
    async write(buffer: Uint8Array, position: number) {
      writes.push([position, buffer.length]);
      bytes.set(buffer, position);
      length = Math.max(length, position + buffer.length);
    },
    async truncate(to: number) {
      length = to;
    },
  } as unknown as HostFile;
  return { file, bytes, writes, length: () => length };
}

describe('exportReads', () => {
  const run = (start: number, length: number, depth: number, offset?: number): MapRun =>
    offset === undefined ? { start, length, depth } : { start, length, depth, offset };
  async function* batches(...list: MapRun[][]) {
    yield* list;
  }
  const reads = async (list: MapRun[][], span = 100, gap = 10) => {
    const out: ExportRead[] = [];
    for await (const batch of exportReads(batches(...list), span, gap)) out.push(...batch);
    return out;
  };

  it('takes runs of one layer that follow in its file, a small gap apart, in one read, and leaves zeros out', async () => {
    expect(await reads([[run(0, 20, 0, 500), run(20, 30, 1), run(50, 20, 0, 530)]])).toEqual([
      {
        depth: 0,
        offset: 500,
        length: 50,
        runs: [
          { start: 0, length: 20, offset: 500 },
          { start: 50, length: 20, offset: 530 },
        ],
      },
    ]);
  });

  it('starts another read for another layer, a larger gap, a run earlier in the file, or past the span', async () => {
    const starts = async (list: MapRun[]) =>
      (await reads([list])).map((r) => r.runs.map((x) => x.start));
    expect(await starts([run(0, 10, 0, 0), run(10, 10, 1, 10)])).toEqual([[0], [10]]);
    expect(await starts([run(0, 10, 0, 0), run(10, 10, 0, 21)])).toEqual([[0], [10]]);
    expect(await starts([run(0, 10, 0, 0), run(10, 10, 0, 20)])).toEqual([[0, 10]]);
    expect(await starts([run(0, 10, 0, 50), run(10, 10, 0, 0)])).toEqual([[0], [10]]);
    expect(await starts([run(0, 60, 0, 0), run(60, 40, 0, 60)])).toEqual([[0, 60]]);
    expect(await starts([run(0, 60, 0, 0), run(60, 41, 0, 60)])).toEqual([[0], [60]]);
  });

  it('reads a run longer than the span in pieces of the span, and joins across batches', async () => {
    const got = await reads([[run(0, 250, 0, 1000)], [run(250, 30, 0, 1255)]]);
    expect(got.map((r) => [r.offset, r.length, r.runs.length])).toEqual([
      [1000, 100, 1],
      [1100, 100, 1],
      [1200, 85, 2],
    ]);
    expect(got[2]!.runs).toEqual([
      { start: 200, length: 50, offset: 1200 },
      { start: 250, length: 30, offset: 1255 },
    ]);
  });

  it('with the defaults, one read takes two default blocks of a dynamic disk', () => {
    expect(EXPORT_SPAN).toBe(2 * BLOCK + EXPORT_GAP);
    expect(EXPORT_GAP).toBeGreaterThanOrEqual(512);
  });
});

describe('exportRaw', () => {
  it("copies a chain's disk: no write over blocks no layer holds or zero pages, the size set at the end", async () => {
    const base = memoryFile();
    await createDynamic(base, { sizeBytes: 3 * BLOCK + 512 * 3 });
    const chain = await openChain(base, { openParent: noParent, writable: true });
    const size = chain.virtualSize; // a last, short block
    expect(size % BLOCK).not.toBe(0);
    const data = new Uint8Array(BLOCK).fill(0x5a);
    data.fill(0, HOLE_GRAIN, 3 * HOLE_GRAIN); // zero pages inside an allocated block
    await chain.write(data, BLOCK);
    await chain.write(new Uint8Array(1536).fill(7), 3 * BLOCK);
    const target = recordingFile(size);
    const progress: number[] = [];
    const result = await exportRaw(chain, [base], target.file, new AbortController().signal, {
      onProgress: (done) => progress.push(done),
    });
    const expected = new Uint8Array(size);
    expected.set(data, BLOCK);
    expected.fill(7, 3 * BLOCK, 3 * BLOCK + 1536);
    expect(Buffer.compare(target.bytes, expected)).toBe(0);
    expect(target.length()).toBe(size);
    expect(target.writes.every(([at]) => at >= BLOCK)).toBe(true);
    // Whole pages: the last block's 1536 bytes go out as the page that holds them.
    expect(result).toEqual({
      fileSize: size,
      dataBytes: BLOCK - 2 * HOLE_GRAIN + HOLE_GRAIN,
    });
    expect(progress.at(-1)).toBe(size);
    await chain.close();
  });

  it('copies a differencing chain as it reads, each run from the layer that holds it', async () => {
    const base = memoryFile();
    await createDynamic(base, { sizeBytes: 4 * BLOCK });
    const parent = await openChain(base, { openParent: noParent, writable: true });
    await parent.write(new Uint8Array(3 * BLOCK).fill(1), 0);
    const footer = parent.layers[0]!.footer;
    await parent.close();
    const child = memoryFile();
    await createDifferencing(child, {
      parent: { footer, modified: new Date(), unicodeName: 'base.vhd' },
    });
    const again = memoryFile(base.bytes()); // closing the parent's chain closed its file
    const chain = await openChain(child, { openParent: async () => again, writable: true });
    await chain.write(new Uint8Array(5000).fill(2), BLOCK - 1000);
    await chain.write(new Uint8Array(512).fill(3), 3 * BLOCK + 512);
    const expected = new Uint8Array(chain.virtualSize);
    await chain.read(expected, 0);
    const target = recordingFile(chain.virtualSize);
    await exportRaw(chain, [child, again], target.file, new AbortController().signal);
    expect(Buffer.compare(target.bytes, expected)).toBe(0);
    await chain.close();
  });

  it('reads two blocks that follow in the file at once, and no more than the span', async () => {
    const { base, chain } = await writtenDisk(9, 2); // blocks 0, 2, 4, 6, 8
    const sizes: number[] = [];
    const counting: RandomAccessFile = {
      ...base,
      read: (buffer, position) => {
        sizes.push(buffer.length);
        return base.read(buffer, position);
      },
    };
    const target = recordingFile(chain.virtualSize);
    await exportRaw(chain, [counting], target.file, new AbortController().signal);
    expect(sizes).toEqual([2 * BLOCK + 512, 2 * BLOCK + 512, BLOCK]);
    expect(sizes.every((n) => n <= EXPORT_SPAN)).toBe(true);
    expect(target.writes.map(([at]) => at / BLOCK)).toEqual([0, 2, 4, 6, 8]);
    await chain.close();
  });

  it('stops with the signal’s reason once it fires', async () => {
    const { base, chain } = await writtenDisk(4);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      exportRaw(chain, [base], recordingFile(1).file, controller.signal),
    ).rejects.toThrow('stop');
    await chain.close();
  });

  it('keeps the writes of as many reads under way as its depth, and never more, whatever the disk size', async () => {
    for (const asked of [undefined, 1, 3, 5]) {
      const depth = asked ?? EXPORT_DEPTH;
      const { base, chain } = await writtenDisk(16); // 8 reads of two blocks each
      const reads: number[] = [];
      const layer: RandomAccessFile = {
        ...base,
        read: (buffer, position) => {
          reads.push(position);
          return base.read(buffer, position);
        },
      };
      const target = heldWrites();
      const exported = exportRaw(
        chain,
        [layer],
        target.file,
        new AbortController().signal,
        asked === undefined ? {} : { depth: asked },
      );
      let ended = 0;
      while (ended < 16) {
        await settle();
        // Each read's two writes start together; the next read waits for a buffer.
        expect(target.pending.length).toBe(Math.min(2 * depth, 16 - ended));
        expect(reads.length).toBe(Math.min(8, ended / 2 + depth));
        // The oldest read's writes end; its buffer serves the next read.
        target.pending[0]!.resolve();
        target.pending[0]!.resolve();
        ended += 2;
      }
      expect(await exported).toEqual({ fileSize: chain.virtualSize, dataBytes: 16 * BLOCK });
      expect(target.state.busiest).toBe(Math.min(16, 2 * depth));
      expect(target.state.truncated).toBe(true);
      await chain.close();
    }
  });

  it('reports a write that fails once every write started has ended, reading nothing more', async () => {
    const { base, chain } = await writtenDisk(16);
    let reads = 0;
    const layer: RandomAccessFile = {
      ...base,
      read: (buffer, position) => {
        reads++;
        return base.read(buffer, position);
      },
    };
    const target = heldWrites();
    let outcome: unknown;
    const exported = exportRaw(chain, [layer], target.file, new AbortController().signal, {
      depth: 2,
    }).catch((error: unknown) => {
      outcome = { error, underWay: target.pending.length };
    });
    await settle();
    expect(target.pending.map((w) => w.position / BLOCK)).toEqual([0, 1, 2, 3]);
    const full = new Error('ENOSPC: no room');
    target.pending[1]!.reject(full); // block 1 of the first read
    await settle();
    expect(outcome).toBeUndefined(); // three writes are still under way
    target.pending[0]!.resolve();
    await settle();
    expect(outcome).toBeUndefined();
    expect(reads).toBe(2); // nothing read once the failure was seen
    target.pending[0]!.resolve();
    target.pending[0]!.resolve();
    await exported;
    expect(outcome).toEqual({ error: full, underWay: 0 });
    expect(target.state.started).toBe(4);
    expect(target.state.truncated).toBe(false);
    await chain.close();
  });

  it('stops before the next read once the signal fires, waits for the writes under way, then throws its reason', async () => {
    const { base, chain } = await writtenDisk(16);
    const target = heldWrites();
    const controller = new AbortController();
    const exported = exportRaw(chain, [base], target.file, controller.signal, { depth: 2 });
    const failed = expect(exported).rejects.toThrow('stop');
    await settle();
    expect(target.pending).toHaveLength(4);
    controller.abort(new Error('stop'));
    target.pending[0]!.resolve();
    target.pending[0]!.resolve();
    await settle();
    expect(target.state.started).toBe(4); // no read, so no write, after the signal
    target.pending[0]!.resolve();
    target.pending[0]!.resolve();
    await failed;
    expect(target.pending).toHaveLength(0);
    expect(target.state.truncated).toBe(false);
    await chain.close();
  });

  it('reports a read that fails, and writes nothing after it', async () => {
    const { base, chain } = await writtenDisk(8);
    const broken = new Error('EIO: bad sector');
    let reads = 0;
    const failing: RandomAccessFile = {
      ...base,
      read: (buffer, position) =>
        ++reads === 2 ? Promise.reject(broken) : base.read(buffer, position),
    };
    const target = recordingFile(8 * BLOCK);
    await expect(
      exportRaw(chain, [failing], target.file, new AbortController().signal, { depth: 2 }),
    ).rejects.toBe(broken);
    expect(target.writes.length).toBeLessThanOrEqual(2);
    expect(target.length()).toBeLessThan(8 * BLOCK);
    await chain.close();
  });

  it('refuses layer files that are not one per layer', async () => {
    const { base, chain } = await writtenDisk(1);
    await expect(
      exportRaw(chain, [base, base], recordingFile(BLOCK).file, new AbortController().signal),
    ).rejects.toThrow(RangeError);
    await chain.close();
  });
});
