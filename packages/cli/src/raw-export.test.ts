import type { HostFile } from '@vskit/host';
import { createDynamic, memoryFile, openChain } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_CHUNK,
  EXPORT_DEPTH,
  exportRaw,
  HOLE_GRAIN,
  writeNonZeroRuns,
} from './raw-export.js';

/** Single-layer chains only. */
const noParent = async () => {
  throw new Error('no parent here');
};

/** A one-layer chain of `pieces` export pieces, each holding data (one run of pages each). */
async function fullChain(pieces: number) {
  const base = memoryFile();
  await createDynamic(base, { sizeBytes: pieces * EXPORT_CHUNK });
  const chain = await openChain(base, { openParent: noParent, writable: true });
  for (let p = 0; p < pieces; p++) {
    await chain.write(new Uint8Array(EXPORT_CHUNK).fill(p + 1), p * EXPORT_CHUNK);
  }
  return chain;
}

/**
 * A file whose writes stay under way until the test ends them, one by one or all: `pending`
 * lists them in the order they started, `started` counts them, `busiest` is the most ever under
 * way at once.
 */
function heldFile() {
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

describe('writeNonZeroRuns', () => {
  it('writes each run of pages holding data once, at its place, and skips all-zero pages', async () => {
    const piece = new Uint8Array(6 * HOLE_GRAIN + 100);
    piece[5] = 1; // page 0
    piece[HOLE_GRAIN + 7] = 2; // page 1: one run with page 0
    piece[4 * HOLE_GRAIN + HOLE_GRAIN - 1] = 3; // page 4, alone
    piece[6 * HOLE_GRAIN + 99] = 4; // the short last page
    const target = recordingFile(10 * HOLE_GRAIN);
    const written = await writeNonZeroRuns(target.file, piece, 1000);
    expect(target.writes).toEqual([
      [1000, 2 * HOLE_GRAIN],
      [1000 + 4 * HOLE_GRAIN, HOLE_GRAIN],
      [1000 + 6 * HOLE_GRAIN, 100],
    ]);
    expect(written).toBe(3 * HOLE_GRAIN + 100);
    expect(target.bytes.subarray(1000, 1000 + piece.length)).toEqual(piece);
  });

  it('reads a view that does not start on a word boundary byte by byte, with the same result', async () => {
    const backing = new Uint8Array(3 * HOLE_GRAIN + 1);
    const piece = backing.subarray(1);
    piece[2 * HOLE_GRAIN + 3] = 9;
    const target = recordingFile(3 * HOLE_GRAIN);
    expect(await writeNonZeroRuns(target.file, piece, 0)).toBe(HOLE_GRAIN);
    expect(target.writes).toEqual([[2 * HOLE_GRAIN, HOLE_GRAIN]]);
  });

  it('writes nothing for all zeros', async () => {
    const target = recordingFile(HOLE_GRAIN * 2);
    expect(await writeNonZeroRuns(target.file, new Uint8Array(HOLE_GRAIN * 2), 0)).toBe(0);
    expect(target.writes).toEqual([]);
  });
});

describe('exportRaw', () => {
  it("copies a chain's disk: no write over blocks no layer holds or zero pages, the size set at the end", async () => {
    const base = memoryFile();
    await createDynamic(base, { sizeBytes: 3 * EXPORT_CHUNK + 512 * 3 });
    const chain = await openChain(base, { openParent: noParent, writable: true });
    const size = chain.virtualSize; // a last, short piece
    expect(size % EXPORT_CHUNK).not.toBe(0);
    const data = new Uint8Array(EXPORT_CHUNK).fill(0x5a);
    data.fill(0, HOLE_GRAIN, 3 * HOLE_GRAIN); // zero pages inside an allocated block
    await chain.write(data, EXPORT_CHUNK);
    await chain.write(new Uint8Array(1536).fill(7), 3 * EXPORT_CHUNK);
    const target = recordingFile(size);
    const progress: number[] = [];
    const result = await exportRaw(chain, target.file, new AbortController().signal, {
      onProgress: (done) => progress.push(done),
    });
    const expected = new Uint8Array(size);
    expected.set(data, EXPORT_CHUNK);
    expected.fill(7, 3 * EXPORT_CHUNK, 3 * EXPORT_CHUNK + 1536);
    expect(Buffer.compare(target.bytes, expected)).toBe(0);
    expect(target.length()).toBe(size);
    expect(target.writes.every(([at]) => at >= EXPORT_CHUNK)).toBe(true);
    // Whole pages: the last piece's 1536 bytes go out as the page that holds them.
    expect(result).toEqual({
      fileSize: size,
      dataBytes: EXPORT_CHUNK - 2 * HOLE_GRAIN + HOLE_GRAIN,
    });
    expect(progress.at(-1)).toBe(size);
    await chain.close();
  });

  it('stops with the signal’s reason once it fires', async () => {
    const base = memoryFile();
    await createDynamic(base, { sizeBytes: 4 * EXPORT_CHUNK });
    const chain = await openChain(base, { openParent: noParent });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(exportRaw(chain, recordingFile(1).file, controller.signal)).rejects.toThrow(
      'stop',
    );
    await chain.close();
  });

  it('keeps as many pieces under way as its depth, and never more, whatever the disk size', async () => {
    for (const asked of [undefined, 1, 3, 5]) {
      const depth = asked ?? EXPORT_DEPTH;
      const chain = await fullChain(8);
      const target = heldFile();
      const exported = exportRaw(
        chain,
        target.file,
        new AbortController().signal,
        asked === undefined ? {} : { depth: asked },
      );
      let written = 0;
      while (written < 8) {
        await settle();
        expect(target.pending.length).toBe(Math.min(depth, 8 - written));
        written += target.pending.length;
        for (const write of [...target.pending]) write.resolve();
      }
      expect(await exported).toEqual({ fileSize: chain.virtualSize, dataBytes: 8 * EXPORT_CHUNK });
      expect(target.state.busiest).toBe(depth);
      expect(target.state.started).toBe(8);
      await chain.close();
    }
  });

  it('reports a write that fails while others are under way, once all of them have ended, and starts no other', async () => {
    const chain = await fullChain(8);
    const target = heldFile();
    let outcome: unknown;
    const exported = exportRaw(chain, target.file, new AbortController().signal, {
      depth: 3,
    }).then(
      () => 'resolved',
      (error: unknown) => {
        outcome = { error, underWay: target.pending.length };
      },
    );
    await settle();
    expect(target.pending.map((w) => w.position)).toEqual([0, EXPORT_CHUNK, 2 * EXPORT_CHUNK]);
    const full = new Error('ENOSPC: no room');
    target.pending[1]!.reject(full);
    await settle();
    expect(outcome).toBeUndefined(); // two writes are still under way
    target.pending[0]!.resolve();
    await settle();
    expect(outcome).toBeUndefined();
    target.pending[0]!.resolve();
    await exported;
    expect(outcome).toEqual({ error: full, underWay: 0 });
    expect(target.state.started).toBe(3);
    expect(target.state.truncated).toBe(false);
    await chain.close();
  });

  it('stops taking pieces once the signal fires, waits for the writes under way, then throws its reason', async () => {
    const chain = await fullChain(8);
    const target = heldFile();
    const controller = new AbortController();
    const exported = exportRaw(chain, target.file, controller.signal, { depth: 2 });
    const failed = expect(exported).rejects.toThrow('stop');
    await settle();
    expect(target.pending).toHaveLength(2);
    controller.abort(new Error('stop'));
    for (const write of [...target.pending]) write.resolve();
    await failed;
    expect(target.pending).toHaveLength(0);
    expect(target.state.started).toBe(2);
    expect(target.state.truncated).toBe(false);
    await chain.close();
  });

  it('reports a read that fails, and writes nothing after it', async () => {
    const chain = await fullChain(4);
    const broken = new Error('EIO: bad sector');
    let reads = 0;
    const failing = new Proxy(chain, {
      get(target, key, receiver) {
        if (key === 'read') {
          return (buffer: Uint8Array, at: number) =>
            ++reads === 2 ? Promise.reject(broken) : target.read(buffer, at);
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const target = recordingFile(4 * EXPORT_CHUNK);
    await expect(
      exportRaw(failing, target.file, new AbortController().signal, { depth: 2 }),
    ).rejects.toBe(broken);
    expect(target.writes.length).toBeLessThanOrEqual(1);
    expect(target.length()).toBeLessThan(4 * EXPORT_CHUNK);
    await chain.close();
  });
});
