import { open, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, pattern, vskit, vskitOk } from '../__fixtures__/cli-process.js';
import { staleFooterChecksums } from '../__fixtures__/stale-footers.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

async function infoJson(file: string) {
  const result = await vskitOk(['info', file, '--json']);
  return JSON.parse(result.stdout.toString());
}

describe('vskit info', () => {
  it('describes a fixed image: every byte allocated, no blocks', async () => {
    const file = join(tmp.dir, 'fixed.vhd');
    expect((await vskit(['create', 'fixed', file, '3MiB', '--exact'])).code).toBe(0);
    const info = await infoJson(file);
    expect(info).toMatchObject({ file, virtualSize: 3 * MiB, warnings: [] });
    expect(info.layers).toHaveLength(1);
    expect(info.layers[0]).toMatchObject({
      path: file,
      type: 'fixed',
      virtualSize: 3 * MiB,
      fileSize: 3 * MiB + 512,
      creatorApplication: 'vsk ',
      creatorVersion: '1.0',
      creatorHostOs: 'Wi2k',
      savedState: false,
      allocation: {
        blockSize: null,
        blocksTotal: null,
        blocksAllocated: null,
        bytesAllocated: 3 * MiB,
      },
    });
    expect(info.layers[0].parent).toBeUndefined();
    expect(info.layers[0].chsCapacity).toBeLessThanOrEqual(3 * MiB);
    expect(Date.parse(info.layers[0].created)).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('counts the blocks a dynamic image has allocated', async () => {
    const file = join(tmp.dir, 'dynamic.vhd');
    expect((await vskit(['create', 'dynamic', file, '8MiB', '--exact'])).code).toBe(0);
    expect((await infoJson(file)).layers[0].allocation).toEqual({
      blockSize: 2 * MiB,
      blocksTotal: 4,
      blocksAllocated: 0,
      bytesAllocated: 0,
      bytesTotal: 8 * MiB,
    });
    expect((await vskit(['write', file, '--offset', '5MiB'], { input: pattern(10, 1) })).code).toBe(
      0,
    );
    expect((await infoJson(file)).layers[0].allocation).toMatchObject({
      blocksAllocated: 1,
      bytesAllocated: 2 * MiB,
    });
  });

  it('shows each layer in text, with sizes, allocation and locators', async () => {
    const parent = join(tmp.dir, 'p.vhd');
    const child = join(tmp.dir, 'c.vhd');
    expect((await vskit(['create', 'dynamic', parent, '4MiB', '--exact'])).code).toBe(0);
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    const result = await vskit(['info', child]);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(
      new RegExp(`^${child}: 2 layers, virtual size 4 MiB \\(4194304 bytes\\)\n`),
    );
    expect(text).toContain(`layer 0: ${child}\n`);
    expect(text).toContain(`layer 1: ${parent}  (found by W2ru .\\p.vhd)`);
    expect(text).toMatch(/allocation +0 of 2 blocks of 2 MiB \(0%\), 0 B of 4 MiB/);
    expect(text).toMatch(/locators +W2ku Z:\\/);
    expect(text).toMatch(/parent name +p\.vhd/);
  });

  it('shows what a lenient open tolerated once, and a parent modified since as a chain warning', async () => {
    const parent = join(tmp.dir, 'warned-p.vhd');
    const child = join(tmp.dir, 'warned-c.vhd');
    expect((await vskit(['create', 'dynamic', parent, '4MiB', '--exact'])).code).toBe(0);
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    // Damage the child's last footer (its checksum): the copy at offset 0 is used instead.
    const size = (await stat(child)).size;
    const handle = await open(child, 'r+');
    await handle.write(Uint8Array.of(0xde, 0xad), 0, 2, size - 512 + 64);
    await handle.close();
    await utimes(parent, new Date('2031-01-01T00:00:00Z'), new Date('2031-01-01T00:00:00Z'));

    const info = await infoJson(child);
    expect(info.layers[0].warnings).toEqual([
      expect.stringContaining('using the copy at offset 0'),
    ]);
    expect(info.warnings).toContainEqual(expect.stringMatching(/^parent 1 was modified/));
    const text = (await vskit(['info', child])).stdout.toString();
    expect(text.match(/using the copy at offset 0/g)).toHaveLength(1);
    expect(text).toMatch(
      /\nchain warnings:\n {2}parent 1 was modified at VHD time \d+, the child records \d+\n$/,
    );
  });

  it('reads an image whose footers carry a stale checksum, showing the warning', async () => {
    const file = join(tmp.dir, 'stale.vhd');
    expect((await vskit(['create', 'dynamic', file, '4MiB', '--exact'])).code).toBe(0);
    await staleFooterChecksums(file);
    const info = await infoJson(file);
    expect(info.layers[0].creatorVersion).toBe('1.66');
    expect(info.layers[0].warnings).toEqual([
      expect.stringMatching(/^footer checksum is 0x[0-9a-f]{8}, .*; read anyway$/),
      expect.stringMatching(/^footer copy: footer checksum is /),
    ]);
    const text = (await vskitOk(['info', file])).stdout.toString();
    expect(text).toMatch(/\n {2}warnings +footer checksum is 0x[0-9a-f]{8}, .*; read anyway\n/);
  });
});
