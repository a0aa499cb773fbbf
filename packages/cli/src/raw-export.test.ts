import type { HostFile } from '@vskit/host';
import { createDynamic, memoryFile, openChain } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { EXPORT_CHUNK, exportRaw, HOLE_GRAIN, writeNonZeroRuns } from './raw-export.js';

/** Single-layer chains only. */
const noParent = async () => {
  throw new Error('no parent here');
};

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
    const result = await exportRaw(chain, target.file, new AbortController().signal, (done) =>
      progress.push(done),
    );
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
});
