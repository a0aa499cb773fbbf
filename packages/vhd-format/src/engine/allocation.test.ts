import { describe, expect, it } from 'vitest';
import { openChain } from '../image/chain.js';
import { memoryFile } from '../io.js';
import { baseImage, firstDifference } from '../testing/images.js';
import { type RecordedCall, recording } from '../testing/recording.js';

const BLOCK = 4096;
const SIZE = 16 * BLOCK;

/** An empty dynamic image and the calls one chain write into it makes. */
async function recordWrite(data: Uint8Array, offset: number) {
  const image = await baseImage('dynamic', SIZE, BLOCK);
  const before = image.bytes();
  const calls: RecordedCall[] = [];
  const chain = await openChain(recording(image, calls), {
    openParent: async () => undefined,
    writable: true,
  });
  await chain.write(data, offset);
  await chain.close();
  return { before, calls, after: image.bytes() };
}

const seeded = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('allocating a dynamic block', () => {
  it('writes the footer, then bitmap and data together, then the BAT entry, with no truncate', async () => {
    const { before, calls, after } = await recordWrite(seeded(1024), 2 * BLOCK);
    expect(calls.map((c) => c.op)).toEqual(['write', 'write', 'write']);
    const [footer, head, entry] = calls as Array<Extract<RecordedCall, { op: 'write' }>>;
    expect(footer!.bytes).toHaveLength(512);
    expect(footer!.position).toBe(after.length - 512);
    expect(head!.position).toBe(before.length - 512);
    expect(head!.bytes).toHaveLength(512 + 1024);
    expect(entry!.bytes).toHaveLength(4);
  });

  it('writes a large first piece after the bitmap and before the BAT entry', async () => {
    const { calls } = await recordWrite(seeded(BLOCK - 512), 3 * BLOCK + 512);
    const writes = calls as Array<Extract<RecordedCall, { op: 'write' }>>;
    expect(writes.map((c) => c.bytes.length)).toEqual([512, 512, BLOCK - 512, 4]);
  });

  it('leaves, after every prefix of its writes, a file that opens strictly and reads old or new bytes', async () => {
    for (const [data, offset] of [
      [seeded(1024), 2 * BLOCK],
      [seeded(BLOCK + 700), 5 * BLOCK + 100],
    ] as const) {
      const { before, calls } = await recordWrite(data, offset);
      for (let k = 0; k <= calls.length; k++) {
        const file = memoryFile(before);
        for (const c of calls.slice(0, k)) {
          if (c.op === 'write') await file.write(c.bytes, c.position);
          else await file.truncate(c.length);
        }
        const chain = await openChain(file, { openParent: async () => undefined, strict: true });
        const back = new Uint8Array(data.length);
        await chain.read(back, offset);
        const zeros = new Uint8Array(data.length);
        // Each block is either still unallocated (zeros) or holds the new bytes.
        for (let at = 0; at < data.length; ) {
          const blockEnd = (Math.floor((offset + at) / BLOCK) + 1) * BLOCK;
          const n = Math.min(blockEnd - offset, data.length) - at;
          const got = back.subarray(at, at + n);
          const ok =
            firstDifference(got, data.subarray(at, at + n)) === -1 ||
            firstDifference(got, zeros.subarray(0, n)) === -1;
          expect(ok, `prefix ${k}, byte ${at}`).toBe(true);
          at += n;
        }
        if (k === calls.length) expect(firstDifference(back, data)).toBe(-1);
        await chain.close();
      }
    }
  });
});
