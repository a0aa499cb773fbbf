import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from './sparse-content.js';
import { sharedUniformChunk } from './uniform-chunks.js';

describe('sharedUniformChunk', () => {
  it('sharedUniformChunk gives one chunk per byte value for pieces of one repeated byte', () => {
    const a = sharedUniformChunk(new Uint8Array(CHUNK_BYTES).fill(0xff));
    const b = sharedUniformChunk(
      new Uint8Array(CHUNK_BYTES + 8).fill(0xff).subarray(3, 3 + CHUNK_BYTES),
    );
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(a?.every((byte) => byte === 0xff)).toBe(true);
    const seven = sharedUniformChunk(new Uint8Array(CHUNK_BYTES).fill(7));
    expect(seven?.every((byte) => byte === 7)).toBe(true);
  });

  it('sharedUniformChunk refuses a piece with one byte different anywhere', () => {
    for (const at of [0, 1, CHUNK_BYTES / 2, CHUNK_BYTES - 2, CHUNK_BYTES - 1]) {
      const piece = new Uint8Array(CHUNK_BYTES).fill(0xff);
      piece[at] = 0xfe;
      expect(sharedUniformChunk(piece), `byte ${at}`).toBeUndefined();
    }
  });
});
