import { mkdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
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

/** Writes `bytes` at `offset` of the image at `file` through `vskit write`. */
async function put(file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const input = join(tmp.dir, 'input.bin');
  await writeFile(input, bytes);
  await vskitOk(['write', file, '--offset', String(offset), '--input', input, '--json']);
}

async function cat(file: string): Promise<Buffer> {
  return (await vskitOk(['cat', file])).stdout;
}

describe('vskit merge', () => {
  it('merges a child into its parent: the child and the parent read as the child did, the child emptied', async () => {
    const base = join(tmp.dir, 'm-base.vhd');
    const child = join(tmp.dir, 'm-child.vhd');
    await vskitOk(['create', 'dynamic', base, '8MiB', '--json']);
    await put(base, 0, pattern(3 * MiB, 1));
    await vskitOk(['create', 'diff', child, base, '--json']);
    await put(child, MiB + 100, pattern(5000, 2));
    await put(child, 6 * MiB, pattern(MiB, 3));
    const before = await cat(child);
    const sizeBefore = (await stat(child)).size;
    const result = await vskitOk(['merge', child, '--json']);
    expect(JSON.parse(result.stdout.toString())).toEqual({
      child,
      into: base,
      movedBytes: 10 * 512 + MiB,
      mergedLayers: 1,
      targetType: 'dynamic',
    });
    expect(Buffer.compare(await cat(child), before)).toBe(0);
    expect(Buffer.compare(await cat(base), before)).toBe(0);
    expect((await stat(child)).size).toBeLessThan(sizeBefore - MiB);
    const again = await vskitOk(['merge', child]);
    expect(again.stdout.toString()).toBe(
      `merged 1 layer (0 bytes) into ${base}; ${child} is empty\n`,
    );
  });

  it('--into merges every layer down to an ancestor', async () => {
    const base = join(tmp.dir, 'i-base.vhd');
    const middle = join(tmp.dir, 'i-middle.vhd');
    const top = join(tmp.dir, 'i-top.vhd');
    await vskitOk(['create', 'fixed', base, '4MiB', '--json']);
    await put(base, 0, pattern(4 * MiB, 4));
    await vskitOk(['create', 'diff', middle, base, '--json']);
    await put(middle, 512, pattern(4096, 5));
    await vskitOk(['create', 'diff', top, middle, '--json']);
    await put(top, 1024, pattern(512, 6));
    const before = await cat(top);
    const result = await vskitOk(['merge', top, '--into', base, '--json']);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({
      into: base,
      mergedLayers: 2,
      movedBytes: 4096,
      targetType: 'fixed',
    });
    expect(Buffer.compare(await cat(base), before)).toBe(0);
    expect(Buffer.compare(await cat(top), before)).toBe(0);
  });

  it('refuses a target outside the chain (NOT_AN_ANCESTOR) and a child that is not differencing (NOT_DIFFERENCING)', async () => {
    const base = join(tmp.dir, 'r-base.vhd');
    const other = join(tmp.dir, 'r-other.vhd');
    const child = join(tmp.dir, 'r-child.vhd');
    await vskitOk(['create', 'dynamic', base, '4MiB', '--json']);
    await vskitOk(['create', 'dynamic', other, '4MiB', '--json']);
    await vskitOk(['create', 'diff', child, base, '--json']);
    await put(child, 0, pattern(512, 7));
    const stranger = await vskit(['merge', child, '--into', other]);
    expect(stranger.code).toBe(1);
    expect(errorCode(stranger.stderr)).toBe('NOT_AN_ANCESTOR');
    const plain = await vskit(['merge', base]);
    expect(plain.code).toBe(1);
    expect(errorCode(plain.stderr)).toBe('NOT_DIFFERENCING');
  });

  it('refuses with LOCKED while another writer holds the parent, changing nothing', async () => {
    const base = join(tmp.dir, 'l-base.vhd');
    const child = join(tmp.dir, 'l-child.vhd');
    await vskitOk(['create', 'dynamic', base, '4MiB', '--json']);
    await vskitOk(['create', 'diff', child, base, '--json']);
    await put(child, 0, pattern(4096, 8));
    const before = [await readFile(base), await readFile(child)];
    // A fresh lock folder is another writer's lock (see @vskit/host-node).
    await mkdir(writerLockPath(base));
    try {
      const locked = await vskit(['merge', child]);
      expect(locked.code).toBe(1);
      expect(errorCode(locked.stderr)).toBe('LOCKED');
    } finally {
      await rmdir(writerLockPath(base));
    }
    expect(Buffer.compare(await readFile(base), before[0]!)).toBe(0);
    expect(Buffer.compare(await readFile(child), before[1]!)).toBe(0);
  });
});
