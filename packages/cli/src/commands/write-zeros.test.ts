/**
 * `write` skips 2 MiB pieces of zeros over ranges no layer holds (they read as zeros already),
 * and writes every other piece, zeros included, so the disk reads back what was written.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, pattern, vskitOk } from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

/** The top layer's allocated block count, from `vskit info --json`. */
async function blocksAllocated(file: string): Promise<number> {
  const info = JSON.parse((await vskitOk(['info', file, '--json'])).stdout.toString());
  return info.layers[0].allocation.blocksAllocated;
}

/** The whole disk, read with `vskit cat`. */
async function disk(file: string): Promise<Buffer> {
  return (await vskitOk(['cat', file])).stdout;
}

/** Writes `bytes` at `offset` through a file given as --input. */
async function writeAt(file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const input = join(tmp.dir, 'input.bin');
  await writeFile(input, bytes);
  await vskitOk(['write', file, '--offset', String(offset), '--input', input]);
}

describe('write of zeros', () => {
  it('leaves unallocated blocks unallocated: a half-zero raw disk allocates its data blocks only', async () => {
    const file = join(tmp.dir, 'import.vhd');
    await vskitOk(['create', 'dynamic', file, '16MiB', '--exact']);
    // Blocks 1 and 4 hold data, the other six are zeros.
    const raw = new Uint8Array(16 * MiB);
    raw.set(pattern(2 * MiB, 1), 2 * MiB);
    raw.set(pattern(100, 2), 8 * MiB + 5);
    await writeAt(file, 0, raw);
    expect(await blocksAllocated(file)).toBe(2);
    expect(Buffer.compare(await disk(file), Buffer.from(raw))).toBe(0);
  });

  it('writes zeros over an allocated block, so they read back', async () => {
    const file = join(tmp.dir, 'overwrite.vhd');
    await vskitOk(['create', 'dynamic', file, '8MiB', '--exact']);
    await writeAt(file, 0, pattern(4 * MiB, 3));
    await writeAt(file, 0, new Uint8Array(2 * MiB));
    expect(await blocksAllocated(file)).toBe(2);
    const bytes = await disk(file);
    expect(bytes.subarray(0, 2 * MiB).every((b) => b === 0)).toBe(true);
    expect(
      Buffer.compare(
        bytes.subarray(2 * MiB, 4 * MiB),
        Buffer.from(pattern(4 * MiB, 3).subarray(2 * MiB)),
      ),
    ).toBe(0);
  });

  it("writes zeros into a child over its parent's data, and skips them where no layer holds any", async () => {
    const parent = join(tmp.dir, 'zero-parent.vhd');
    const child = join(tmp.dir, 'zero-child.vhd');
    await vskitOk(['create', 'dynamic', parent, '8MiB', '--exact']);
    await writeAt(parent, 0, pattern(2 * MiB, 4));
    await vskitOk(['create', 'diff', child, parent]);
    await writeAt(child, 0, new Uint8Array(4 * MiB));
    // Block 0 of the child hides the parent's data; block 1 was empty everywhere.
    expect(await blocksAllocated(child)).toBe(1);
    expect((await disk(child)).subarray(0, 4 * MiB).every((b) => b === 0)).toBe(true);
  });
});
