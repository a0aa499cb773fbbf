import { describe, expect, it } from 'vitest';
import { isVhdFormatError } from './errors.js';
import { memoryFile, readExactly } from './io.js';

describe('memoryFile', () => {
  it('reads back what was written, across pages, and zeros elsewhere', async () => {
    const f = memoryFile(new Uint8Array([1, 2, 3]));
    const data = new Uint8Array(70_000).map((_, i) => i & 0xff);
    await f.write(data, 60_000);
    expect(await f.size()).toBe(130_000);
    const out = new Uint8Array(10);
    expect(await f.read(out, 0)).toBe(10);
    expect(Array.from(out)).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0]);
    const back = new Uint8Array(70_000);
    await f.read(back, 60_000);
    expect(back).toEqual(data);
  });

  it('reads short at end of file', async () => {
    const f = memoryFile(new Uint8Array(5));
    expect(await f.read(new Uint8Array(10), 2)).toBe(3);
    expect(await f.read(new Uint8Array(10), 9)).toBe(0);
  });

  it('truncate extends with zeros without allocating and cuts old bytes', async () => {
    const f = memoryFile(new Uint8Array([9, 9, 9, 9]));
    await f.truncate(2);
    await f.truncate(3 * 2 ** 40);
    expect(await f.size()).toBe(3 * 2 ** 40);
    const out = new Uint8Array(4);
    await f.read(out, 0);
    expect(Array.from(out)).toEqual([9, 9, 0, 0]);
    await f.read(out, 3 * 2 ** 40 - 4);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('bytes returns a copy of the whole content', async () => {
    const f = memoryFile();
    await f.write(new Uint8Array([7]), 3);
    const b = f.bytes();
    expect(Array.from(b)).toEqual([0, 0, 0, 7]);
    b[3] = 1;
    expect(f.bytes()[3]).toBe(7);
  });

  it('rejects a buffer that is not a Uint8Array with INVALID_ARGUMENT', async () => {
    const f = memoryFile(new Uint8Array(4));
    for (const bad of [null, {}, [1, 2]] as unknown as Uint8Array[]) {
      await expect(f.read(bad, 0)).rejects.toSatisfy((e) =>
        isVhdFormatError(e, 'INVALID_ARGUMENT'),
      );
      await expect(f.write(bad, 0)).rejects.toSatisfy((e) =>
        isVhdFormatError(e, 'INVALID_ARGUMENT'),
      );
    }
  });

  it('rejects every call after close with CLOSED', async () => {
    const f = memoryFile();
    await f.close();
    await expect(f.read(new Uint8Array(1), 0)).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'CLOSED'),
    );
    await expect(f.write(new Uint8Array(1), 0)).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'CLOSED'),
    );
  });

  it('readExactly reports TRUNCATED when the file ends early', async () => {
    const f = memoryFile(new Uint8Array(10));
    await readExactly(f, new Uint8Array(10), 0, 'all');
    await expect(readExactly(f, new Uint8Array(10), 5, 'footer')).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'TRUNCATED'),
    );
  });
});
