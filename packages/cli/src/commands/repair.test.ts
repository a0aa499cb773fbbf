import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const tmp = builtCliAndTempFolder();

/** Zeros over the last 512 bytes of `path` (a lost trailing footer). */
async function zeroTrailingFooter(path: string): Promise<void> {
  const size = (await stat(path)).size;
  const handle = await open(path, 'r+');
  await handle.write(new Uint8Array(512), 0, 512, size - 512);
  await handle.close();
}

describe('vskit repair', () => {
  it('--dry-run reports the lost footer and writes nothing; repair rebuilds it from the copy', async () => {
    const file = join(tmp.dir, 'lost.vhd');
    await vskitOk(['create', 'dynamic', file, '8MiB']);
    await vskitOk(['write', file, '--offset', '1MiB'], pattern(7000, 1));
    const before = (await vskitOk(['cat', file])).stdout;
    await zeroTrailingFooter(file);
    const strict = await vskit(['check', file, '--strict']);
    expect(strict.code).not.toBe(0);
    const damaged = await readFile(file);
    const dry = await vskitOk(['repair', file, '--dry-run']);
    expect(dry.stdout.toString()).toMatch(/would change 1 thing\n {2}footer-rewritten at \d+: /);
    expect(Buffer.compare(await readFile(file), damaged)).toBe(0);
    const report = JSON.parse((await vskitOk(['repair', file, '--json'])).stdout.toString());
    expect(report).toMatchObject({ file, dryRun: false, remaining: [] });
    expect(report.changes.map((c: { kind: string }) => c.kind)).toEqual(['footer-rewritten']);
    const checked = await vskit(['check', file, '--strict']);
    expect(checked.code, checked.stdout.toString()).toBe(0);
    expect(Buffer.compare((await vskitOk(['cat', file])).stdout, before)).toBe(0);
    expect((await vskitOk(['repair', file])).stdout.toString()).toContain('nothing to repair');
  });

  it('a file with no VHD footer at either end is UNREPAIRABLE', async () => {
    const file = join(tmp.dir, 'junk.vhd');
    await vskitOk(['create', 'fixed', file, '1MiB']);
    await zeroTrailingFooter(file);
    const result = await vskit(['repair', file]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr.toString())).toBe('UNREPAIRABLE');
  });
});
