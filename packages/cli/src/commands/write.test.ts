import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filePieces, regroup } from './write.js';

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

describe('filePieces', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vskit-pieces-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a regular file in pieces of the given size, the last one shorter', async () => {
    const path = join(dir, 'seven.bin');
    await writeFile(path, Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
    const pieces = [...filePieces(path, 3)].map((p) => p.length);
    expect(pieces).toEqual([3, 3, 1]);
    const bytes: number[] = [];
    for (const piece of filePieces(path, 3)) bytes.push(...piece);
    expect(bytes).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('fills one buffer again for each piece, and yields nothing for an empty file', async () => {
    const path = join(dir, 'six.bin');
    await writeFile(path, Uint8Array.of(1, 2, 3, 4, 5, 6));
    const seen = [...filePieces(path, 3)];
    expect(seen[0]?.buffer).toBe(seen[1]?.buffer);
    const empty = join(dir, 'empty.bin');
    await writeFile(empty, '');
    expect([...filePieces(empty, 3)]).toEqual([]);
  });
});
