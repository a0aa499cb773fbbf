import { describe, expect, it } from 'vitest';
import { regroup } from './write.js';

async function* chunks(...parts: Array<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const part of parts) yield part;
}

async function collect(input: AsyncIterable<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const piece of input) out.push([...piece]);
  return out;
}

describe('regroup', () => {
  it('cuts input chunks into pieces of the given size, the last one shorter', async () => {
    const pieces = await collect(
      regroup(chunks(Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5, 6, 7)), 3),
    );
    expect(pieces).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('yields nothing for empty input and encodes strings as UTF-8', async () => {
    expect(await collect(regroup(chunks(), 4))).toEqual([]);
    expect(await collect(regroup(chunks('é'), 4))).toEqual([[0xc3, 0xa9]]);
  });

  it('does not reuse a piece it has handed out', async () => {
    const seen: Uint8Array[] = [];
    for await (const piece of regroup(chunks(Uint8Array.of(1, 2, 3, 4)), 2)) seen.push(piece);
    expect(seen.map((p) => [...p])).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
