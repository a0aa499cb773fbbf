import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

describe('vskit resize', () => {
  for (const type of ['fixed', 'dynamic'] as const) {
    it(`grows a ${type} image: the old bytes stay and the new part reads zeros`, async () => {
      const file = join(tmp.dir, `${type}.vhd`);
      await vskitOk(['create', type, file, '4MiB', '--exact']);
      await vskitOk(['write', file, '--offset', '3MiB'], pattern(5000, 1));
      const before = (await vskitOk(['cat', file])).stdout;
      const report = JSON.parse(
        (await vskitOk(['resize', file, '10MiB', '--exact', '--json'])).stdout.toString(),
      );
      expect(report).toMatchObject({ file, sizeBefore: 4 * MiB, sizeAfter: 10 * MiB });
      const after = (await vskitOk(['cat', file])).stdout;
      expect(after.length).toBe(10 * MiB);
      expect(Buffer.compare(after.subarray(0, 4 * MiB), before)).toBe(0);
      expect(after.subarray(4 * MiB).every((b) => b === 0)).toBe(true);
      const checked = await vskit(['check', file, '--strict']);
      expect(checked.code, checked.stdout.toString()).toBe(0);
    });
  }

  it('rounds the size up as create does, so the image is what create would make of that size', async () => {
    const made = join(tmp.dir, 'made.vhd');
    const created = JSON.parse(
      (await vskitOk(['create', 'dynamic', made, '10MiB', '--json'])).stdout.toString(),
    );
    const file = join(tmp.dir, 'rounded.vhd');
    await vskitOk(['create', 'dynamic', file, '4MiB']);
    const report = JSON.parse(
      (await vskitOk(['resize', file, '10MiB', '--json'])).stdout.toString(),
    );
    expect(report.sizeAfter).toBe(created.virtualSize);
  });

  it('refuses to cut off data with WOULD_LOSE_DATA, changing nothing, and shrinks when the tail is zeros', async () => {
    const file = join(tmp.dir, 'shrink.vhd');
    await vskitOk(['create', 'dynamic', file, '8MiB', '--exact']);
    await vskitOk(['write', file, '--offset', '5MiB'], pattern(100, 2));
    const bytes = await readFile(file);
    const refused = await vskit(['resize', file, '4MiB', '--exact']);
    expect(refused.code).toBe(1);
    expect(errorCode(refused.stderr.toString())).toBe('WOULD_LOSE_DATA');
    expect(Buffer.compare(await readFile(file), bytes)).toBe(0);
    const done = await vskitOk(['resize', file, '6MiB', '--exact']);
    expect(done.stdout.toString()).toContain('8 MiB (8388608 bytes) -> 6 MiB (6291456 bytes)');
    const bad = await vskit(['resize', file, '1000']);
    expect(bad.code).toBe(2);
    expect(errorCode(bad.stderr.toString())).toBe('INVALID_SIZE');
  });
});
