import { describe, expect, it } from 'vitest';
import { openChain } from '../image/chain.js';
import { baseImage, childImage, MemoryImages, shared } from '../testing/images.js';
import { type RecordedCall, recording } from '../testing/recording.js';

const BLOCK = 4096;

/** A child over a parent of 0x11 bytes, with block 0 already allocated in the child. */
async function childWithBlock() {
  const images = new MemoryImages();
  const base = await baseImage('dynamic', 4 * BLOCK, BLOCK);
  const w = await images.open(base);
  await w.write(new Uint8Array(4 * BLOCK).fill(0x11), 0);
  await w.close();
  await images.add(base);
  const child = await childImage(base, 2);
  const c = await images.open(child);
  await c.write(Uint8Array.of(0x22), 3000); // allocates block 0; sector 5 holds 0x11.. + 0x22
  await c.close();
  return { images, child };
}

async function recordChildWrite(bytes: Uint8Array, offset: number) {
  const { images, child } = await childWithBlock();
  const calls: RecordedCall[] = [];
  const chain = await openChain(recording(shared(child), calls), {
    openParent: images.openParent,
    writable: true,
  });
  await chain.write(bytes, offset);
  const back = new Uint8Array(BLOCK);
  await chain.read(back, 0);
  await chain.close();
  return { calls: calls as Array<Extract<RecordedCall, { op: 'write' }>>, back };
}

describe('writeDifferencing', () => {
  it('writes the data, a partly written sector completed from below, then the bitmap last', async () => {
    const { calls, back } = await recordChildWrite(new Uint8Array(1000).fill(0x33), 100);
    // Sectors 0 and 2 are written partly: each is completed from the parent and written whole,
    // then sector 1 goes straight to the file, and the bitmap sector goes last.
    expect(calls.map((c) => c.bytes.length)).toEqual([512, 512, 512, 512]);
    expect(calls[0]!.bytes[99]).toBe(0x11);
    expect(calls[0]!.bytes[100]).toBe(0x33);
    expect(calls[1]!.bytes[1099 - 1024]).toBe(0x33);
    expect(calls[1]!.bytes[1100 - 1024]).toBe(0x11);
    expect(calls[2]!.bytes.every((b) => b === 0x33)).toBe(true);
    expect(calls[3]!.bytes[0]).toBe(0b1110_0100); // sectors 0, 1, 2 and the earlier 5
    expect(Array.from(back.subarray(98, 102))).toEqual([0x11, 0x11, 0x33, 0x33]);
    expect(Array.from(back.subarray(1098, 1102))).toEqual([0x33, 0x33, 0x11, 0x11]);
  });

  it('writes no bitmap when every sector written is already here', async () => {
    const { calls, back } = await recordChildWrite(Uint8Array.of(0x44, 0x44), 3001);
    expect(calls.map((c) => c.bytes.length)).toEqual([2]);
    expect(Array.from(back.subarray(2999, 3004))).toEqual([0x11, 0x22, 0x44, 0x44, 0x11]);
  });
});
