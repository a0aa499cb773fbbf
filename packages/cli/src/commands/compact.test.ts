import { mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writerLockPath } from '@vskit/host-node';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

/**
 * A dynamic image of four 2 MiB blocks: data in blocks 0 and 3, zeros written over 1 and 2 (after
 * data, since `write` does not write zeros over blocks no layer holds).
 */
async function imageWithZeroBlocks(name: string): Promise<string> {
  const file = join(tmp.dir, name);
  await vskitOk(['create', 'dynamic', file, '8MiB']);
  await vskitOk(['write', file, '--offset', '0'], pattern(3000, 1));
  await vskitOk(['write', file, '--offset', '2MiB'], pattern(4 * MiB, 3));
  await vskitOk(['write', file, '--offset', '2MiB'], new Uint8Array(4 * MiB));
  await vskitOk(['write', file, '--offset', '6MiB'], pattern(5000, 2));
  return file;
}

describe('vskit compact', () => {
  it('gives back the all-zero blocks; the disk reads the same and the file shrinks', async () => {
    const file = await imageWithZeroBlocks('zeros.vhd');
    const before = (await vskitOk(['cat', file])).stdout;
    const sizeBefore = (await stat(file)).size;
    const result = await vskitOk(['compact', file, '--json']);
    const report = JSON.parse(result.stdout.toString());
    expect(report).toMatchObject({
      file,
      blocksBefore: 4,
      blocksRemoved: 2,
      blocksMoved: 1,
      fileSizeBefore: sizeBefore,
    });
    expect((await stat(file)).size).toBe(report.fileSizeAfter);
    expect(report.fileSizeAfter).toBeLessThan(sizeBefore - 4 * MiB);
    expect(Buffer.compare((await vskitOk(['cat', file])).stdout, before)).toBe(0);
    const checked = await vskit(['check', file, '--strict']);
    expect(checked.code, checked.stdout.toString()).toBe(0);
    const again = await vskitOk(['compact', file]);
    expect(again.stdout.toString()).toMatch(/blocks +2 of 2 kept, 0 moved/);
  });

  it('refuses a fixed image with NOT_SPARSE and an image another writer holds with LOCKED', async () => {
    const fixed = join(tmp.dir, 'fixed.vhd');
    await vskitOk(['create', 'fixed', fixed, '1MiB']);
    const refused = await vskit(['compact', fixed]);
    expect(refused.code).toBe(1);
    expect(errorCode(refused.stderr.toString())).toBe('NOT_SPARSE');
    const held = await imageWithZeroBlocks('held.vhd');
    const bytes = await readFile(held);
    await mkdir(writerLockPath(held));
    try {
      const locked = await vskit(['compact', held]);
      expect(locked.code).toBe(1);
      expect(errorCode(locked.stderr.toString())).toBe('LOCKED');
    } finally {
      await rmdir(writerLockPath(held));
    }
    expect(Buffer.compare(await readFile(held), bytes)).toBe(0);
  });
});
